"""A chapter in JupyterLab: opening it changes nothing, and once saved it reopens drawn.

Two bugs readers met: opening a chapter marked it changed (JupyterLab rewrote its
kernelspec and language_info), and a saved notebook reopened with "Error displaying
widget: model not found" in place of each widget until it was rerun. Now the chapters
store the metadata the kernel reports, and `make setup` turns on JupyterLab's "save
widget state" (jupyter-config/lab/settings/overrides.json), so a saved chapter's
widgets are drawn again by their front ends when it is reopened, with no kernel.

That needs JupyterLab to trust the saved notebook, which it stopped doing once
jupyterlab-myst evaluated the prose's numbers: the server signed the notebook with the
markdown cells' trust flags in it, and the file is written without them. The book's
server extension drops those flags before the server signs (``selfattention_lab``), so
the reopened chapter is trusted and its widget is drawn live, not as a snapshot.
"""

from __future__ import annotations

import json
import platform
import shutil
import time
import urllib.request

import pytest

from conftest import ROOT, open_in_lab

CHAPTER = ROOT / "chapters" / "04_softmax.ipynb"
NAME = "reopen_softmax.ipynb"


def _api(base: str, path: str, method: str = "GET"):
    request = urllib.request.Request(f"{base}{path}", method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


def _dirty(page) -> bool:
    return page.locator(".jp-mod-dirty").count() > 0


def test_a_chapter_opens_unchanged_and_reopens_with_its_widget(lab_server, browser):
    stored = json.loads(CHAPTER.read_text())["metadata"]["language_info"]["version"]
    if stored != platform.python_version():
        pytest.skip(f"the chapters store Python {stored}'s language_info; this is "
                    f"{platform.python_version()}, so JupyterLab updates it on opening")
    shutil.copy(CHAPTER, lab_server.root / NAME)
    url = f"{lab_server.base}/lab/workspaces/reopen/tree/{NAME}?reset"
    page, errors = open_in_lab(browser, url)
    time.sleep(2)
    assert not _dirty(page), "opening the chapter marked it changed"

    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    page.wait_for_function(  # the last cell has run
        "() => [...document.querySelectorAll('.jp-InputArea-prompt')].every("
        "p => !p.textContent.includes('*'))"
        " && document.querySelector('.jp-Notebook-ExecutionIndicator[data-status=idle]')",
        timeout=180_000)
    time.sleep(2)
    page.keyboard.press("Control+s")
    page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=30_000)
    page.close()

    saved = json.loads((lab_server.root / NAME).read_text())
    views = [o for c in saved["cells"] if c["cell_type"] == "code" for o in c["outputs"]
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert views, "the chapter's widget was not shown"
    assert "application/vnd.jupyter.widget-state+json" in saved["metadata"].get("widgets", {})
    for session in _api(lab_server.base, "/api/sessions"):  # as if the server had restarted
        _api(lab_server.base, f"/api/sessions/{session['id']}", method="DELETE")

    page, errors = open_in_lab(browser, url)
    page.keyboard.press("Control+End")  # the widget sits near the end of the chapter
    # JupyterLab trusts the saved notebook and draws the widget from its saved state
    try:
        page.wait_for_selector(".sa-live svg[role=img]", state="attached", timeout=60_000)
    except Exception:
        page.screenshot(path=str(ROOT / "_build" / "lab-reopen-failure.png"))
        raise
    time.sleep(2)
    assert "model not found" not in page.content()
    # the front end draws the saved state by itself: the softmax weights of the chapter
    page.locator(".sa-live").first.scroll_into_view_if_needed()
    labels = page.locator(".sa-live text.sa-bar-value").all_text_contents()
    assert labels and all(0 <= float(x) <= 1 for x in labels)
    assert errors == []
    page.close()
