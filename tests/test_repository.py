"""Checks on the book's sources that CI enforces: notebooks stored clean, toc complete."""

from __future__ import annotations

import json
import re
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
def test_notebook_metadata_is_what_the_kernel_reports(path):
    # JupyterLab writes the running kernel's kernelspec and language_info into a notebook
    # when it opens it: stored any other way, opening a chapter marks it changed.
    from ipykernel.ipkernel import IPythonKernel

    metadata = json.loads(path.read_text())["metadata"]
    assert metadata["kernelspec"] == {"display_name": "Python 3 (ipykernel)",
                                      "language": "python", "name": "python3"}
    stored = dict(metadata["language_info"])
    reported = dict(IPythonKernel.language_info)
    # the patch version is this machine's Python; the lock is for Python 3.11
    assert re.fullmatch(r"3\.11\.\d+", stored.pop("version")), path.name
    reported.pop("version")
    assert stored == reported


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


def _cells(path):
    return json.loads(path.read_text())["cells"]


def _tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_colab_install_cell_stands_alone_and_is_hidden_on_the_website(path):
    code = [c for c in _cells(path) if c["cell_type"] == "code"]
    first = "".join(code[0]["source"])
    assert "google.colab" in first and "%pip install" in first
    assert "remove-cell" in _tags(code[0])
    assert "import selfattention" not in first  # the imports are the reader's, in the next cell


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_glue_calls_do_not_show_on_the_website(path):
    for cell in _cells(path):
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "glue(" in source.replace("from selfattention.book import glue, glued", ""):
            assert _tags(cell) & {"remove-input", "remove-cell"}, f"{path.name}: {source[:80]!r}"


_FENCE = re.compile(r"```python\n(.*?)```", re.S)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_solution_code_sits_in_its_dropdown_and_runs_unchanged(path):
    cells = _cells(path)
    for index, cell in enumerate(cells):
        source = "".join(cell["source"])
        if cell["cell_type"] != "markdown" or ":class: dropdown" not in source:
            continue
        for fenced in _FENCE.findall(source):
            check = cells[index + 1]
            assert check["cell_type"] == "code" and "remove-cell" in _tags(check), path.name
            assert "".join(check["source"]).startswith(fenced.rstrip("\n")), (
                f"{path.name}: the check cell after markdown cell {index} must begin with "
                "the solution's fenced code"
            )
    for cell in cells:  # no separate "show code" toggles for solutions
        assert not (_tags(cell) & {"hide-cell"} and "olution" in "".join(cell["source"])), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_visible_code_wraps_at_88_characters(path):
    # the stylesheet fits 88 characters of code in the page's column (site_tests checks it)
    for cell in _cells(path):
        if cell["cell_type"] == "code" and not _tags(cell) & {"remove-input", "remove-cell"}:
            for line in "".join(cell["source"]).splitlines():
                assert len(line) <= 88, f"{path.name}: {line!r}"
