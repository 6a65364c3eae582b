"""Chapter 11's mask explorer, live in JupyterLab with a kernel (headless chromium).

The same front end as on the website draws the heatmaps; each change also reaches the
kernel, where the package recomputes ``explorer.weights`` with multi_head_attention.
Bad input shows a message and goes nowhere; the next good input clears it.
"""

from __future__ import annotations

import numpy as np

from conftest import ROOT, open_in_lab, run_report, show_widget
from selfattention.embeddings import SENTENCES
from selfattention.widgets.mask_explorer import MaskExplorer

NOTEBOOK = "live_mask.ipynb"
REPORT = ("print('state', explorer.sentence, explorer.mask, explorer.n_heads, explorer.pad, "
          "explorer.weights.shape, round(float(explorer.weights.sum()), 6), "
          "[round(float(w), 6) for w in explorer.weights[:, -1].ravel()], repr(explorer.error))")


def _expected(**state) -> str:
    reference = MaskExplorer(**state)
    w = reference.weights
    return (f"state {reference.sentence} {reference.mask} {reference.n_heads} {reference.pad} "
            f"{w.shape} {round(float(w.sum()), 6)} "
            f"{[round(float(v), 6) for v in w[:, -1].ravel()]} ''")


def _pick(page, group, value):
    page.locator(f".sa-live [data-group={group}]").get_by_role(
        "radio", name=str(value), exact=True).click()


def test_the_mask_explorer_works_live_with_the_kernel(lab_server, browser):
    url = lab_server.notebook(NOTEBOOK, [
        "from selfattention.widgets import MaskExplorer\nexplorer = MaskExplorer()\nexplorer",
        REPORT,
    ])
    page, errors = open_in_lab(browser, url)
    show_widget(page, ".sa-live table.sa-heatmap", "mask")
    assert page.locator(".sa-live table.sa-heatmap").count() == 2
    assert page.locator(".sa-live td.sa-masked").count() == 2 * 6

    # controls reach the kernel's reference
    _pick(page, "sentence", SENTENCES["cat"])
    _pick(page, "mask", "padding")
    _pick(page, "heads", "4")
    box = page.locator(".sa-live input.sa-number")
    box.fill("3")
    box.press("Enter")
    assert page.locator(".sa-live table.sa-heatmap").count() == 4
    page.wait_for_timeout(1000)
    run_report(page, _expected(sentence=SENTENCES["cat"], mask="padding", n_heads=4, pad=3))
    cells = page.locator(".sa-live table.sa-heatmap").first.locator("tbody tr").first.locator(
        "td").all_inner_texts()
    reference = MaskExplorer(sentence=SENTENCES["cat"], mask="padding", n_heads=4, pad=3)
    np.testing.assert_allclose([float(c) for c in cells[:7]], reference.weights[0, 0, :7],
                               atol=0.0051)
    assert cells[7:] == ["masked"] * 3

    # bad input: a message, the kernel keeps the last good state; the next good one clears it
    sentence = page.locator(".sa-live input.sa-sentence-box")
    sentence.fill("the zebra sat")
    sentence.press("Enter")
    message = page.locator(".sa-live [role=alert]").inner_text()
    assert "'zebra' is not in the toy vocabulary" in message
    box.fill("10")
    box.press("Enter")
    assert "padding the last 10 of 10 tokens" in page.locator(".sa-live [role=alert]").inner_text()
    _pick(page, "mask", "causal")
    assert page.locator(".sa-live [role=alert]").inner_text().strip() == ""
    page.wait_for_timeout(1000)
    run_report(page, _expected(sentence=SENTENCES["cat"], mask="causal", n_heads=4, pad=3))
    assert errors == []
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ROOT / "_build" / "screenshots" / "lab-mask-explorer.png"))
    page.close()
