"""The numbers in a chapter's prose, in JupyterLab: jupyterlab-myst fills them in.

A chapter quotes computed values as ``{eval}`f"{glued.NAME:SPEC}"```. When the reader
runs the notebook (Run All), jupyterlab-myst evaluates each expression in the kernel as
its markdown cell runs, and shows the value where the role was. The values must be the
ones the book shows (test_glued_numbers.py checks the book's side).

JupyterLab 4 builds a notebook's cells lazily, as they come into view, and jupyterlab-myst
2.7.0 evaluates nothing in a markdown cell that Run All reaches before it is built: with
Lab's default windowing a Run All straight after opening a chapter left 7 of chapter 5's 8
such cells showing their roles. The book's Lab settings (jupyter-config/lab/settings,
installed by ``make setup`` and Binder's postBuild) turn windowing off, so every cell is
built when the notebook opens. This test runs the reader's case: open, Run All at once,
and look at the cells only when the kernel is done.
"""

from __future__ import annotations

import re
import shutil
import time

from conftest import ROLE, ROOT, eval_roles, glued_values, open_in_lab
from selfattention.book import literal_value, parse_expression

CHAPTER = ROOT / "chapters" / "05_first_self_attention.ipynb"


def _missing(text: str, values: list[str]) -> list[str]:
    """The values not found in ``text`` in the order given (the first and the rest)."""
    position = 0
    for k, value in enumerate(values):
        found = text.find(value, position)
        if found < 0:
            return values[k:]
        position = found + len(value)
    return []


def test_jupyterlab_shows_the_numbers_the_book_shows(lab_server, browser):
    shutil.copy(CHAPTER, lab_server.root / CHAPTER.name)
    glued = glued_values(CHAPTER)
    expected: dict[int, list[str]] = {}
    for cell, expression in eval_roles(CHAPTER):
        name, spec = parse_expression(expression)
        expected.setdefault(cell, []).append(format(literal_value(glued[name][1]), spec))

    page, errors = open_in_lab(
        browser, f"{lab_server.base}/lab/workspaces/numbers/tree/{CHAPTER.name}?reset")
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator("li[data-command='runmenu:run-all']").click()
    page.wait_for_timeout(3000)  # the kernel goes busy
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                           timeout=420_000)
    cells = page.locator(".jp-Notebook .jp-Cell")
    for index, values in expected.items():
        cell = cells.nth(index)
        deadline = time.monotonic() + 15  # the last replies are drawn
        while True:
            cell.scroll_into_view_if_needed()
            # a solution's numbers are inside its dropdown: open it to read them
            cell.evaluate("c => c.querySelectorAll('details').forEach(d => { d.open = true; })")
            text = re.sub(r"\s+", " ", cell.inner_text())  # the editor is hidden
            missing = _missing(text, values)
            if not missing or time.monotonic() > deadline:
                break
            page.wait_for_timeout(500)
        if missing:
            page.screenshot(path=str(ROOT / "_build" / "lab-numbers-failure.png"))
        assert not missing, f"cell {index}: {missing[0]!r} not in {text[:300]!r}"
        assert not ROLE.search(text) and "glued." not in text, f"cell {index}: {text[:300]}"
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    cells.nth(min(expected)).screenshot(path=str(ROOT / "_build" / "screenshots" / "lab-numbers.png"))
    assert errors == []
