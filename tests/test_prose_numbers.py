"""No number in a chapter's prose that no code produced (scripts/check_prose_numbers.py)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))

_spec = importlib.util.spec_from_file_location(
    "check_prose_numbers", ROOT / "scripts" / "check_prose_numbers.py"
)
scanner = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = scanner  # dataclasses look their module up there
_spec.loader.exec_module(scanner)


def numbers(markdown: str) -> list[str]:
    return [number for number, _ in scanner.typed_numbers(markdown)]


def test_a_typed_number_is_found():
    assert numbers("*love*, six points behind, gets 0.00005 of the weight") == ["0.00005"]
    assert numbers("The gap between -2 and 8 is 10.") == ["2", "8", "10"]
    assert numbers("a 9× smaller gradient, 2.50e-02") == ["9", "2.50"]


def test_glued_maths_and_code_numbers_are_not_prose():
    text = (
        "The gap is {glue:text}`gap:.0f`; $\\sqrt{d_k} = 8$ and `x[2]`.\n\n"
        "$$\nA = \\operatorname{softmax}(S / \\sqrt{2})\n$$\n"
        "```python\nprint(3 * 4)\n```\n"
        "See [the paper](https://arxiv.org/abs/1706.03762) and {term}`d_k <Head size>`."
    )
    assert numbers(text) == []


def test_alt_text_placeholders_are_not_prose():
    text = "it gives animal {glued.coref_w:.2f}, row {glued.rows[0][1]:.0f}, not 0.65"
    assert numbers(text) == ["0.65"]


def test_alt_texts_are_scanned(tmp_path):
    cell = {"cell_type": "code", "source": [], "outputs": [],
            "metadata": {"mystnb": {"image": {"alt": "bars at {glued.w:.2f} and 0.3"}}}}
    notebook = tmp_path / "figure.ipynb"
    notebook.write_text(json.dumps({"cells": [cell]}))
    (finding,) = scanner.scan_notebook(notebook)
    assert (finding.cell, finding.number, finding.where) == (0, "0.3", "alt text of cell")


def test_structural_references_are_allowed():
    text = (
        "As chapter 5 showed, and chapters 3 and 4 before it, step 2 of exercise 3 uses\n"
        "layer 2, head 7, or head (5, 11) of all-MiniLM-L6-v2 (Vaswani et al., 2017), in\n"
        "2-D, with 32-bit floats. Weights sum to 1 and are at least 0.\n"
        "1. a list item\n**2.** an exercise"
    )
    assert numbers(text) == []


def test_inline_maths_may_span_a_line_break():
    assert numbers("both give $3 \\times 2 \\times\n0.5$ here") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_prose_has_no_typed_numbers(path):
    findings = scanner.scan_notebook(path)
    assert not findings, "numbers typed into prose (glue them):\n" + "\n".join(map(str, findings))
