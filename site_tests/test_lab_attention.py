"""The attention explorer, live in JupyterLab with a kernel (headless chromium).

The same front end as on the website draws the tables; each change also reaches the
kernel, where the package recomputes ``explorer.result`` with ``self_attention``.
Bad input shows a message and goes nowhere; the next good input clears it.
"""

from __future__ import annotations

from conftest import ROOT, open_in_lab, run_report, show_widget
from selfattention.widgets.attention_explorer import AttentionExplorer

NOTEBOOK = "live_attention.ipynb"
REPORT = ("print('state', explorer.tokens, explorer.scaling, explorer.temperature, "
          "explorer.w_v[0], [round(float(w), 6) for w in explorer.result.weights[-1]], "
          "[round(float(v), 6) for v in explorer.result.output[-1]], repr(explorer.error))")


def _expected(reference: AttentionExplorer) -> str:
    r = reference.result
    return (f"state {reference.tokens} {reference.scaling} {reference.temperature} "
            f"{reference.w_v[0]} {[round(float(w), 6) for w in r.weights[-1]]} "
            f"{[round(float(v), 6) for v in r.output[-1]]} ''")


def test_the_attention_explorer_works_live_with_the_kernel(lab_server, browser):
    url = lab_server.notebook(NOTEBOOK, [
        "from selfattention.widgets import AttentionExplorer\n"
        "explorer = AttentionExplorer()\nexplorer",
        REPORT,
    ])
    page, errors = open_in_lab(browser, url)
    show_widget(page, ".sa-live table.sa-heatmap", "attention")
    root = page.locator(".sa-live")
    assert root.locator("table.sa-heatmap").count() == 2

    # controls reach the kernel's reference
    root.locator("select.sa-att-preset").select_option("apple juice")
    root.locator("input[type=checkbox]").click()
    box = root.locator("input.sa-number")
    box.fill("2")
    box.press("Enter")
    w_v = root.locator("textarea[data-matrix=w_v]")
    w_v.fill("\n".join(" ".join("2" if i == j else "0" for j in range(8)) for i in range(8)))
    w_v.evaluate("b => b.blur()")
    reference = AttentionExplorer(preset="apple juice", scaling=False, temperature=2.0)
    reference.w_v = [[2.0 if i == j else 0.0 for j in range(8)] for i in range(8)]
    page.wait_for_timeout(1000)
    run_report(page, _expected(reference))
    cells = root.locator("table.sa-heatmap").nth(1).locator("tbody tr").last.locator(
        "td").all_inner_texts()
    assert [float(c) for c in cells] == [round(float(w), 2) for w in reference.result.weights[-1]]

    # bad input: a message, the kernel keeps the last good state; the next good one clears it
    sentence = root.locator("input.sa-att-sentence")
    sentence.fill("the zebra sat")
    sentence.press("Enter")
    assert "'zebra' is not in the toy vocabulary" in root.locator("[role=alert]").inner_text()
    box.fill("50")
    box.press("Enter")
    assert "must lie in [0.1, 10]" in root.locator("[role=alert]").inner_text()
    root.locator("input[type=checkbox]").click()
    assert root.locator("[role=alert]").inner_text().strip() == ""
    reference.scaling = True
    page.wait_for_timeout(1000)
    run_report(page, _expected(reference))
    assert errors == []
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ROOT / "_build" / "screenshots" / "lab-attention-explorer.png"))
    page.close()
