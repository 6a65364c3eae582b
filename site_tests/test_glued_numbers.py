"""Numbers in the prose: what the book shows, and the order a notebook reader meets them.

The chapters quote computed values as ``{eval}`f"{glued.NAME:SPEC}"```. The book fills
them in from myst-nb's glue records (``_ext/glued_numbers.py``); in JupyterLab,
jupyterlab-myst evaluates the same expression in the kernel when the markdown cell runs
(``test_lab_numbers.py``). These checks read the built site and the notebooks it executed.
"""

from __future__ import annotations

import html
import json
import re
from types import SimpleNamespace

import pytest

from conftest import ROOT, SITE, eval_roles, glued_values
from selfattention.book import literal_value, parse_expression

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_glue_role_is_left_to_show_its_name_in_jupyterlab(path):
    text = path.read_text(encoding="utf-8")
    assert "{glue:text}" not in text and "{glue:}" not in text


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_each_number_is_glued_above_the_text_that_quotes_it(path):
    """In a notebook the text can only show a value once a cell above it has glued it."""
    glued = glued_values(path)
    late = [(i, expression) for i, expression in eval_roles(path)
            if glued.get(parse_expression(expression)[0], (len(glued) + 10**6,))[0] > i]
    assert not late, f"{path.name}: quoted before (or without) the cell that glues it: {late}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_page_shows_each_value_as_python_formats_it(path):
    glued = glued_values(path)
    assert glued, f"{path.name}: the executed notebook has no glue records"
    expected = []
    for _, expression in eval_roles(path):
        name, spec = parse_expression(expression)
        expected.append(format(literal_value(glued[name][1]), spec))
    page = (SITE / "chapters" / f"{path.stem}.html").read_text(encoding="utf-8")
    shown = [html.unescape(t) for t in re.findall(r'<span class="pasted-text">([^<]*)</span>', page)]
    assert shown == expected
    assert "{eval}" not in page


def _alt_templates(path):
    """The figure alt texts of a chapter's cells (``mystnb.image.alt``), in order."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    alts = [c.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt") for c in cells]
    return [alt for alt in alts if alt]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_each_figure_alt_text_shows_the_glued_values(path):
    """An alt text's ``{glued.NAME:SPEC}`` is filled in as ``str.format`` fills it."""
    templates = _alt_templates(path)
    if not templates:
        pytest.skip("no figure with alt text")
    values = SimpleNamespace(
        **{name: literal_value(text) for name, (_, text) in glued_values(path).items()})
    expected = [template.format(glued=values) for template in templates]
    page = (SITE / "chapters" / f"{path.stem}.html").read_text(encoding="utf-8")
    shown = [html.unescape(alt) for alt in re.findall(r'<img [^>]*\balt="([^"]*)"', page)]
    assert not [alt for alt in shown if "{glued" in alt]
    # each figure cell's alt text, in the order of the cells (a cell may draw several)
    remaining = iter(shown)
    missing = [alt for alt in expected if not any(alt == seen for seen in remaining)]
    assert not missing, f"{path.name}: alt texts not on the page as expected: {missing}"


CODE_NOTATION = re.compile(r"\d[eE][+-]?\d")  # 1.5e-06, 4.9e+08


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_number_on_the_page_is_in_code_notation(path):
    """A reader meets 1.5 × 10⁻⁶ (``book.readable_number``), never 1.5e-06, in the prose."""
    page = (SITE / "chapters" / f"{path.stem}.html").read_text(encoding="utf-8")
    shown = [html.unescape(t) for t in re.findall(r'<span class="pasted-text">([^<]*)</span>', page)]
    alts = [html.unescape(alt) for alt in re.findall(r'<img [^>]*\balt="([^"]*)"', page)]
    assert not [text for text in shown + alts if CODE_NOTATION.search(text)]
