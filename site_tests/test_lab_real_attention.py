"""Chapter 10's real-attention explorer, live in JupyterLab with a kernel (headless chromium).

The same front end as on the website draws the heatmap; layer, head and preset changes
reach the kernel, whose reference ``explorer.weights`` is the model's own. A typed
sentence that is not a preset goes to the kernel, which runs the model on it and sends
its weights back (the ``computed`` trait): the heatmap then shows its tokens. A sentence
that is too long is refused with the kernel's message; the next good input clears it.
"""

from __future__ import annotations

from conftest import ROOT, open_in_lab, run_report, show_widget
from selfattention.widgets.real_attention_explorer import PRESETS, RealAttentionExplorer

NOTEBOOK = "live_real_attention.ipynb"
TYPED = "The keys to the wardrobe are on the floor"
REPORT = ("print('state', explorer.sentence, explorer.layer, explorer.head, "
          "explorer.weights.shape, [round(float(w), 6) for w in explorer.weights[-2]], "
          "repr(explorer.error))")


def _expected(sentence, layer, head) -> str:
    w = RealAttentionExplorer(sentence, layer=layer, head=head).weights
    return f"state {sentence} {layer} {head} {w.shape} {[round(float(v), 6) for v in w[-2]]} ''"


def _cells(page) -> list[list[str]]:
    return page.evaluate(
        "() => [...document.querySelectorAll('.sa-live table.sa-heatmap tbody tr')].map("
        "tr => [...tr.children].map(c => c.textContent.trim()))")


def test_the_real_attention_explorer_works_live_with_the_kernel(lab_server, browser):
    url = lab_server.notebook(NOTEBOOK, [
        "from selfattention.widgets import RealAttentionExplorer\n"
        "explorer = RealAttentionExplorer(layer=5, head=11)\nexplorer",
        REPORT,
    ])
    page, errors = open_in_lab(browser, url)
    show_widget(page, ".sa-live table.sa-heatmap", "real-attention")

    # a preset, a layer and a head, in the browser: the kernel follows
    page.locator(".sa-live select").select_option(PRESETS[4])
    box = page.locator(".sa-live input.sa-number")
    box.nth(0).fill("2")
    box.nth(0).press("Enter")
    box.nth(1).fill("7")
    box.nth(1).press("Enter")
    page.wait_for_timeout(1000)
    run_report(page, _expected(PRESETS[4], 2, 7))

    # a sentence of your own: the kernel runs the model and sends its weights back
    typed = page.locator(".sa-live input.sa-real-box")
    typed.fill(TYPED)
    typed.press("Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.sa-live table.sa-heatmap tbody th')]"
        ".map(t => t.textContent).includes('wardrobe')", timeout=30_000)
    reference = RealAttentionExplorer(TYPED, layer=2, head=7)
    rows = _cells(page)
    assert [row[0] for row in rows] == list(reference.tokens)
    assert [row[1:] for row in rows] == [[f"{w:.2f}" for w in r] for r in reference.weights]
    assert page.locator(".sa-live select").input_value() == "__typed__"
    box.nth(1).fill("3")  # a new head of the typed sentence: drawn from what was sent
    box.nth(1).press("Enter")
    page.wait_for_timeout(1000)
    run_report(page, _expected(TYPED, 2, 3), cell=1)

    # too long: the kernel's message, the last good state stays; a good input clears it
    typed.fill("word " * 30)
    typed.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.sa-live [role=alert]').textContent"
        ".includes('the limit is 20')", timeout=30_000)
    assert "Not applied" in page.locator(".sa-live [role=alert]").inner_text()
    assert "wardrobe" in [row[0] for row in _cells(page)]
    box.nth(0).fill("0")
    box.nth(0).press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.sa-live [role=alert]').textContent.trim() === ''",
        timeout=30_000)
    page.wait_for_timeout(1000)
    run_report(page, _expected(TYPED, 0, 3), cell=1)
    assert errors == []
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ROOT / "_build" / "screenshots" / "lab-real-attention.png"))
    page.close()
