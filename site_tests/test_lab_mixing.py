"""Chapter 2's mixing explorer, live in JupyterLab with a kernel (headless chromium).

The bug this guards against: quick slider moves started a feedback loop between the
kernel's rebalanced weights and the browser's slider step. Now the front end applies
the rule and sends one state per change; the kernel only checks it. So after quick
moves the kernel holds exactly the weights Python's ``rebalance`` gives in order, one
trait change per move, summing to 1, the readouts agree and stay put, and reset works.
"""

from __future__ import annotations

import numpy as np
import pytest

import selfattention as sa
from conftest import ROOT, open_in_lab, show_widget

NOTEBOOK = "live_mixing.ipynb"
REPORT = ("print('state', len(changes), [round(float(w), 6) for w in explorer.weights], "
          "round(sum(explorer.weights), 9), repr(explorer.error))")


@pytest.fixture
def lab(lab_server):
    cells = [
        (
            "from selfattention.widgets import MixingExplorer\n"
            "explorer = MixingExplorer()\nchanges = []\n"
            "explorer.observe(lambda c: changes.append(c['name']), names=['sentence', 'weights'])\n"
            "explorer"),
        REPORT,
    ]
    return lab_server.notebook(NOTEBOOK, cells)


def _report(page, count, weights):
    page.locator(".jp-Cell").nth(1).click()
    page.keyboard.press("Shift+Enter")
    text = f"state {count} {[round(float(w), 6) for w in weights]} 1.0 ''"
    page.wait_for_function(
        "(text) => [...document.querySelectorAll('.jp-OutputArea-output')]"
        ".some(o => o.textContent.includes(text))", arg=text, timeout=60_000)


def _boxes(page) -> list[float]:
    return [float(v) for v in page.locator(".sa-live input.sa-number").evaluate_all(
        "boxes => boxes.map(b => b.value)")]


def test_quick_moves_reach_the_kernel_once_each_and_settle(lab, browser):
    page, errors = open_in_lab(browser, lab)
    show_widget(page, ".sa-live svg[role=img]", "mixing")

    expected = np.array([0.1, 0.5, 0.4])
    moves = [(0, 0.31), (0, 0.32), (0, 0.33), (2, 0.07)]
    sliders = page.locator(".sa-live input[type=range]")
    for index, value in moves:  # quick moves, no waiting between them
        sliders.nth(index).fill(str(value))
        expected = np.asarray(sa.rebalance(expected, index, value))
    page.wait_for_timeout(1500)
    _report(page, len(moves), expected)
    page.wait_for_timeout(1500)  # nothing keeps moving
    np.testing.assert_allclose(_boxes(page), expected, atol=5e-6)
    _report(page, len(moves), expected)

    # bad input: a message, the kernel keeps the last good state; then recovery
    box = page.locator(".sa-live input.sa-number").nth(1)
    box.fill("1.5")
    box.press("Enter")
    assert "must lie in [0, 1]" in page.locator(".sa-live [role=alert]").inner_text()
    page.locator(".sa-live button.sa-reset").click()
    assert page.locator(".sa-live [role=alert]").inner_text().strip() == ""
    page.wait_for_timeout(1000)
    _report(page, len(moves) + 1, [0.1, 0.5, 0.4])
    np.testing.assert_allclose(_boxes(page), [0.1, 0.5, 0.4], atol=5e-6)
    assert errors == []
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ROOT / "_build" / "screenshots" / "lab-mixing-explorer.png"))
    page.close()
