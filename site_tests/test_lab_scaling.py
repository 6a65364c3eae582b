"""Chapter 8's scaling explorer, live in JupyterLab with a kernel (headless chromium).

The same front end as on the website draws the panels; each change also reaches the
kernel, where the package recomputes ``explorer.state`` from the same draws. A typed
d_k that cannot be shown gets a message and reaches nothing; the next good input
clears it.
"""

from __future__ import annotations

from conftest import ROOT, open_in_lab, run_report, show_widget
from selfattention.widgets.scaling_explorer import ScalingExplorer

NOTEBOOK = "live_scaling.ipynb"
REPORT = ("s = explorer.state\n"
          "print('state', explorer.d_k, explorer.scaling, f\"{s['score_std']:.6f}\", s['row'], "
          "[round(float(w), 6) for w in s['weights']], f\"{s['grad_norm']:.6e}\", "
          "repr(explorer.error))")


def _expected(d_k=64, scaling=False) -> str:
    s = ScalingExplorer(d_k=d_k, scaling=scaling).state
    return (f"state {d_k} {scaling} {s['score_std']:.6f} {s['row']} "
            f"{[round(float(w), 6) for w in s['weights']]} {s['grad_norm']:.6e} ''")


def _type(page, text):
    box = page.locator(".sa-live input.sa-number")
    box.fill(text)
    box.press("Enter")


def test_the_scaling_explorer_works_live_with_the_kernel(lab_server, browser):
    url = lab_server.notebook(NOTEBOOK, [
        "from selfattention.widgets import ScalingExplorer\nexplorer = ScalingExplorer()\n"
        "explorer",
        REPORT,
        "print('after refusals', explorer.d_k, explorer.scaling, repr(explorer.error))",
    ])
    page, errors = open_in_lab(browser, url)
    show_widget(page, ".sa-live svg.sa-panel", "scaling")
    assert page.locator(".sa-live svg.sa-panel").count() == 3

    # the slider, the switch and the box reach the kernel's reference
    page.locator(".sa-live input[type=range]").fill("9")
    page.locator(".sa-live input[type=checkbox]").check()
    page.wait_for_timeout(1000)
    run_report(page, _expected(1024, True))
    _type(page, "16")
    page.wait_for_timeout(1000)
    run_report(page, _expected(16, True))
    reference = ScalingExplorer(d_k=16, scaling=True)
    cells = page.locator(".sa-live table.sa-heatmap tbody td").all_inner_texts()
    assert cells == [f"{w:.3f}" for w in reference.state["weights"]]
    assert page.locator(".sa-live p.sa-scaling-summary").inner_text() == reference.summary()

    # typing that cannot apply: a message, the kernel keeps the last good state
    _type(page, "100")
    assert "d_k must be a power of two" in page.locator(".sa-live [role=alert]").inner_text()
    _type(page, "4096")
    assert "d_k must lie in [2, 1024], got 4096" in page.locator(
        ".sa-live [role=alert]").inner_text()
    page.wait_for_timeout(500)
    run_report(page, "after refusals 16 True ''", cell=2)  # nothing reached the kernel
    page.locator(".sa-live input[type=checkbox]").uncheck()
    assert page.locator(".sa-live [role=alert]").inner_text().strip() == ""
    page.wait_for_timeout(1000)
    run_report(page, _expected(16, False))
    assert errors == []
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ROOT / "_build" / "screenshots" / "lab-scaling-explorer.png"))
    page.close()
