"""Chapter 3's dot-product explorer, live in JupyterLab with a kernel (headless chromium).

The front end computes and draws; each change also reaches the kernel, whose ``.a``,
``.b`` and ``.result`` are the package's. Typed coordinates arrive exactly as typed
(issue 12: (2, 1)·(1, 2) showed 3.958 through the sliders' steps, not 4). Bad input
shows a message and goes nowhere; the next good input clears it.
"""

from __future__ import annotations

import selfattention as sa
from conftest import ROOT, open_in_lab, run_report, show_widget

NOTEBOOK = "live_dot_product.ipynb"
REPORT = "print('state', explorer.a, explorer.b, float(sa.dot(explorer.a, explorer.b)), " \
         "repr(explorer.error))"
AX, AY, BX, BY = 4, 5, 6, 7  # the coordinate boxes, after length and angle of a and b


def _type(page, index, text):
    box = page.locator(".sa-live input.sa-number").nth(index)
    box.fill(text)
    box.press("Enter")


def test_typed_coordinates_reach_the_kernel_exactly(lab_server, browser):
    url = lab_server.notebook(NOTEBOOK, [
        "import selfattention as sa\nfrom selfattention.widgets import DotProductExplorer\n"
        "explorer = DotProductExplorer()\nexplorer",
        REPORT,
    ])
    page, errors = open_in_lab(browser, url)
    show_widget(page, ".sa-live svg[role=img]", "dot-product")

    for index, text in ((AX, "2"), (AY, "1"), (BX, "1"), (BY, "2")):
        _type(page, index, text)
    page.wait_for_timeout(1000)  # let the last change reach the kernel
    run_report(page, f"state [2.0, 1.0] [1.0, 2.0] {float(sa.dot([2.0, 1.0], [1.0, 2.0]))} ''")
    assert page.locator(".sa-live table.sa-table tbody td").nth(3).inner_text().strip() \
        == "2.000×1.000 + 1.000×2.000 = 4.000"

    # letters: a message in the browser, and the kernel keeps the last good vectors
    _type(page, AX, "two")
    assert "Not applied" in page.locator(".sa-live [role=alert]").inner_text()
    page.wait_for_timeout(1000)
    run_report(page, "state [2.0, 1.0] [1.0, 2.0] 4.0 ''")
    _type(page, AX, "3")
    assert page.locator(".sa-live [role=alert]").inner_text().strip() == ""
    page.wait_for_timeout(1000)
    run_report(page, "state [3.0, 1.0] [1.0, 2.0] 5.0 ''")

    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ROOT / "_build" / "screenshots" / "lab-dot-product-explorer.png"))
    assert errors == []
