"""Chapter 5's first self-attention explorer, live in JupyterLab with a kernel.

Runs a cell that shows the explorer in a scratch notebook, types a feature value and
changes the sentence in the page, and checks that the kernel's state and its reference
``explorer.result`` (computed by the package) followed; bad input shows a message, the
kernel keeps its last good state, and the next good change clears the message.
"""

from __future__ import annotations

from conftest import ROOT, open_in_lab, run_report, show_widget
from selfattention.widgets.first_attention_explorer import FirstAttentionExplorer

NOTEBOOK = "live_first_attention.ipynb"
REPORT = ("print('state', explorer.sentence, explorer.word, explorer.vectors, "
          "round(float(explorer.result.scores[2, 3]), 6), repr(explorer.error))")


def test_the_explorer_works_live_with_the_kernel(lab_server, browser):
    url = lab_server.notebook(NOTEBOOK, [
        "from selfattention.widgets import FirstAttentionExplorer\n"
        "explorer = FirstAttentionExplorer()\nexplorer",
        REPORT,
    ])
    page, errors = open_in_lab(browser, url)
    show_widget(page, ".sa-live table.sa-heatmap", "first-attention")
    root = page.locator(".sa-live")
    assert root.locator("table.sa-heatmap").count() == 2

    # type apple's technology: the kernel's vectors and scores follow, exactly
    box = root.locator("input.sa-number").first
    box.fill("4.5")
    box.press("Enter")
    page.wait_for_timeout(1000)
    reference = FirstAttentionExplorer()
    reference.edit("technology", 4.5)
    score = round(float(reference.result.scores[2, 3]), 6)
    run_report(page, f"state apple phones apple {reference.vectors} {score} ''")
    assert root.locator("table.sa-heatmap").first.locator("tbody tr").nth(2).locator(
        "td").nth(3).inner_text().strip() == f"{reference.result.scores[2, 3]:.2f}"

    # another sentence, the same word and its edit
    root.locator("select.sa-sentence").select_option("apple juice")
    page.wait_for_timeout(1000)
    reference.choose("apple juice")
    score = round(float(reference.result.scores[2, 3]), 6)
    run_report(page, f"state apple juice apple {reference.vectors} {score} ''")

    # bad input: a message, the kernel keeps the last good state; the next good one clears
    box.fill("12")
    box.press("Enter")
    assert "must lie in [-10, 10], got 12" in root.locator("[role=alert]").inner_text()
    root.locator("button.sa-restore").click()
    assert root.locator("[role=alert]").inner_text().strip() == ""
    page.wait_for_timeout(1000)
    reference.reset()
    score = round(float(reference.result.scores[2, 3]), 6)
    run_report(page, f"state apple juice apple {{}} {score} ''")
    assert errors == []
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ROOT / "_build" / "screenshots" / "lab-first-attention.png"))
    page.close()
