"""Checks on the book's sources that CI enforces: notebooks stored clean, toc complete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def test_there_are_chapters():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: strip outputs before committing"
            assert cell["execution_count"] is None, f"{path.name}: clear execution counts"
    assert "widgets" not in notebook["metadata"], f"{path.name}: remove stored widget state"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_listed_in_the_toc(path):
    assert f"chapters/{path.stem}" in (ROOT / "_toc.yml").read_text()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_opens_with_objectives_and_ends_with_what_to_remember(path):
    cells = json.loads(path.read_text())["cells"]
    markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    assert "In this chapter" in markdown[0] and "**Time:**" in markdown[0]
    assert any("## Exercises" in text for text in markdown)
    assert markdown[-1].lstrip().startswith("## What to remember")
