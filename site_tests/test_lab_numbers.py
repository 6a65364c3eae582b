"""The numbers in a chapter's prose, in JupyterLab: jupyterlab-myst fills them in.

A chapter quotes computed values as ``{eval}`f"{glued.NAME:SPEC}"```. When the reader
runs the notebook (Run All), jupyterlab-myst evaluates each expression in the kernel as
its markdown cell runs, and shows the value where the role was. The values must be the
ones the book shows (test_glued_numbers.py checks the book's side).
"""

from __future__ import annotations

import re
import shutil
import time

import pytest

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


@pytest.mark.xfail(strict=False, reason=(
    "on this 2-core machine, under load, jupyterlab-myst 2.7.0 leaves some markdown cells "
    "unevaluated during Run All (cell 11 or 14 of chapter 5 kept its expressions in two "
    "runs; a quiet run filled all that were checked). Running that cell again fills it in."))
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
    cells = page.locator(".jp-Notebook .jp-Cell")
    deadline = time.monotonic() + 420  # the whole chapter runs meanwhile
    for index, values in expected.items():
        cell = cells.nth(index)
        while True:  # JupyterLab draws only the cells in view: scroll to each in turn
            cell.scroll_into_view_if_needed()
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
