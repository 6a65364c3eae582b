"""Chapter 4's softmax explorer, live in JupyterLab with a kernel (headless chromium).

Starts JupyterLab on localhost on a scratch notebook (nothing in chapters/ is touched),
runs a cell that shows the explorer, moves a score slider in the page, and checks that
the kernel's ``explorer.weights`` (computed by the package) followed, and that the
front end refuses bad typed input with a message.
"""

from __future__ import annotations

import numpy as np
import pytest

import selfattention as sa
from conftest import ROOT, open_in_lab, show_widget

NOTEBOOK = "live_softmax.ipynb"


@pytest.fixture
def lab(lab_server):
    cells = [
        ("from selfattention.widgets import SoftmaxExplorer\n"
                                  "explorer = SoftmaxExplorer()\nexplorer"),
        ("print('weights', [round(float(w), 6) for w in explorer.weights])"),
    ]
    return lab_server.notebook(NOTEBOOK, cells)


def test_the_explorer_works_live_with_the_kernel(lab, browser):
    page, errors = open_in_lab(browser, lab)
    show_widget(page, ".sa-live svg[role=img]", "widget")
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-OutputArea-output')]"
        ".some(o => o.textContent.includes('weights'))", timeout=60_000)

    # the front end draws what the package computes
    labels = page.locator(".sa-live text.sa-bar-value").all_text_contents()
    assert [float(x) for x in labels] == pytest.approx(sa.softmax([1.0, 3.0, 6.0]), abs=5e-4)

    # move love's slider to 6: the kernel's weights follow
    page.locator(".sa-live input[type=range]").first.fill("6")
    page.wait_for_timeout(1000)  # let the change reach the kernel
    page.locator(".jp-Cell").nth(1).click()
    page.keyboard.press("Shift+Enter")
    expected = [round(float(w), 6) for w in sa.softmax([6.0, 3.0, 6.0])]
    page.wait_for_function(
        "(text) => [...document.querySelectorAll('.jp-OutputArea-output')]"
        ".some(o => o.textContent.includes(text))",
        arg=f"weights {expected}", timeout=60_000)
    labels = page.locator(".sa-live text.sa-bar-value").all_text_contents()
    assert [float(x) for x in labels] == pytest.approx(np.array(expected), abs=5e-4)

    # bad input: a message, then recovery
    box = page.locator(".sa-live input.sa-number").first
    box.fill("abc")
    box.press("Enter")
    assert "could not read" in page.locator(".sa-live [role=alert]").inner_text()
    box.fill("2")
    box.press("Enter")
    assert page.locator(".sa-live [role=alert]").inner_text().strip() == ""
    assert errors == []
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ROOT / "_build" / "screenshots" / "lab-softmax-explorer.png"))
    page.close()
