"""Chapter 9's training explorer, live in JupyterLab with a kernel (headless chromium).

The front end draws each change itself; the kernel only checks the state and computes
its reference (``explorer.weights``, with torch). A slider move and a typed sentence
reach the kernel; a refused sentence shows a message and reaches nothing.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import ROOT, open_in_lab, show_widget
from selfattention.toy_task import example_from_text
from selfattention.training import sentence_attention, train

NOTEBOOK = "live_training.ipynb"
RUN = "train(steps=40, checkpoint_every=10, device='cpu', progress=False)"
REPORT = ("e = explorer.example\n"
          "print('state', explorer.checkpoint, repr(explorer.sentence), "
          "f'{float(explorer.weights[e.target, e.context]):.6f}', repr(explorer.error))")


@pytest.fixture
def lab(lab_server):
    cells = [
        ("from selfattention.training import train\n"
         "from selfattention.widgets import TrainingExplorer\n"
         f"run = {RUN}\nexplorer = TrainingExplorer(run)\nexplorer"),
        REPORT,
    ]
    return lab_server.notebook(NOTEBOOK, cells)


def _report(page, checkpoint, sentence, weight):
    page.locator(".jp-Cell").nth(1).click()
    page.keyboard.press("Shift+Enter")
    text = f"state {checkpoint} {sentence!r} {weight:.6f} ''"
    page.wait_for_function(
        "(text) => [...document.querySelectorAll('.jp-OutputArea-output')]"
        ".some(o => o.textContent.includes(text))", arg=text, timeout=60_000)


def test_the_explorer_runs_live_and_reaches_the_kernel(lab, browser):
    run = train(steps=40, checkpoint_every=10, device="cpu", progress=False)  # the same run
    page, errors = open_in_lab(browser, lab)
    show_widget(page, ".sa-live table.sa-heatmap", "training")
    first = page.locator(".sa-live button.sa-sentence").first.inner_text()

    def weight(index, text):
        example = example_from_text(text)
        return float(sentence_attention(run.model_at(index), example)[example.target, example.context])

    page.locator(".sa-live input[type=range]").fill("3")
    assert page.locator(".sa-live svg .sa-marker-dot").get_attribute("data-step") == "30"
    _report(page, 3, first, weight(3, first))

    typed = "smart apple crumble"
    box = page.locator(".sa-live input.sa-typed")
    box.fill(typed)
    box.press("Enter")
    cells = page.locator(".sa-live table.sa-heatmap tbody tr").count()
    assert cells == 3
    _report(page, 3, typed, weight(3, typed))

    box.fill("apple banana pie")  # refused in the page: a message, the kernel keeps its state
    box.press("Enter")
    message = page.locator(".sa-live [role=alert]").inner_text()
    assert "Not applied: unknown word(s) ['banana']" in message
    _report(page, 3, typed, weight(3, typed))
    page.locator(".sa-live input[type=range]").fill("1")
    assert page.locator(".sa-live [role=alert]").inner_text().strip() == ""
    _report(page, 1, typed, weight(1, typed))
    np.testing.assert_allclose(  # the heatmap shows the kernel's reference (2 decimals)
        float(page.locator(".sa-live table.sa-heatmap tbody tr").nth(1)
              .locator("td").nth(2).inner_text()), weight(1, typed), atol=0.005)
    assert errors == []
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ROOT / "_build" / "screenshots" / "lab-training-explorer.png"))
    page.close()
