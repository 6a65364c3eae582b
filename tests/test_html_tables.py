"""HTML heatmaps and number tables: colours from viridis, numbers, escaping, contrast, shapes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import torch

import selfattention
from selfattention.colours import VIRIDIS_RGB
from selfattention.html_tables import (
    Markup,
    cell_colour,
    heatmap_table,
    number_table,
    text_table,
)


class _Cells(HTMLParser):
    """Collects the caption, header cells and data cells (with their style) of a table."""

    def __init__(self):
        super().__init__()
        self.caption, self.headers, self.cells, self.scopes = "", [], [], []
        self._where, self._style = None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("caption", "th", "td"):
            self._where, self._style = tag, attrs.get("style")
            if tag == "th":
                self.scopes.append(attrs.get("scope"))
                self.headers.append("")
            if tag == "td":
                self.cells.append(["", self._style])

    def handle_endtag(self, tag):
        if tag == self._where:
            self._where = None

    def handle_data(self, data):
        if self._where == "caption":
            self.caption += data
        elif self._where == "th":
            self.headers[-1] += data
        elif self._where == "td":
            self.cells[-1][0] += data


def _parse(table: str) -> _Cells:
    parser = _Cells()
    parser.feed(table)
    return parser


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(255 * c):02x}" for c in rgb[:3])


SCORES = np.array([[1.0, 1.0, 0.0], [2.0, 3.0, 2.0], [2.0, 4.0, 4.0]])
TOKENS = ["love", "Apple", "phones"]


def test_cell_colours_run_from_first_to_last_viridis_colour():
    assert cell_colour(0.0, 0.0, 4.0)[0] == _hex(VIRIDIS_RGB[0])
    assert cell_colour(4.0, 0.0, 4.0)[0] == _hex(VIRIDIS_RGB[-1])
    assert cell_colour(2.0, 0.0, 4.0)[0] == _hex(VIRIDIS_RGB[128])
    # clipped outside the range, and the first colour when the range is a single value
    assert cell_colour(-9.0, 0.0, 4.0) == cell_colour(0.0, 0.0, 4.0)
    assert cell_colour(9.0, 0.0, 4.0) == cell_colour(4.0, 0.0, 4.0)
    assert cell_colour(3.0, 3.0, 3.0)[0] == _hex(VIRIDIS_RGB[0])


def test_heatmap_cells_carry_numbers_and_viridis_backgrounds():
    parsed = _parse(heatmap_table(SCORES, TOKENS, TOKENS, caption="Scores.", fmt="{:.1f}"))
    numbers = [float(text) for text, _ in parsed.cells]
    np.testing.assert_allclose(numbers, SCORES.ravel())
    for (_, style), value in zip(parsed.cells, SCORES.ravel()):
        background, foreground = cell_colour(value, 0.0, 4.0)
        assert style == f"background:{background};color:{foreground}"
    # the matrix's own range by default: 0 is darkest, 4 brightest
    assert parsed.cells[2][1].startswith(f"background:{_hex(VIRIDIS_RGB[0])}")
    assert parsed.cells[-1][1].startswith(f"background:{_hex(VIRIDIS_RGB[-1])}")
    assert "0.0 darkest, 4.0 brightest" in parsed.caption


def test_heatmap_fixed_range_and_fixed_format():
    weights = np.array([[0.25, 0.5, 0.25]])
    parsed = _parse(heatmap_table(weights, ["Apple"], TOKENS, caption="W.", vmin=0, vmax=1))
    assert [text for text, _ in parsed.cells] == ["0.25", "0.50", "0.25"]
    assert parsed.cells[1][1].startswith(f"background:{_hex(VIRIDIS_RGB[128])}")


def test_headers_are_scoped_and_in_order():
    parsed = _parse(heatmap_table(SCORES, TOKENS, ["k1", "k2", "k3"], caption="S."))
    assert parsed.headers == ["query \\ key", "k1", "k2", "k3", *TOKENS]
    assert parsed.scopes == ["col"] * 4 + ["row"] * 3
    assert parsed.caption.startswith("S.")


def test_labels_and_caption_are_escaped():
    table = number_table([[1.0]], ["<script>alert(1)</script>"], ['a"&b'], caption="<b>x</b>")
    assert "<script>" not in table and "&lt;script&gt;" in table
    assert "a&quot;&amp;b" in table
    assert "&lt;b&gt;x&lt;/b&gt;" in table
    parsed = _parse(table)
    assert parsed.headers[-1] == "<script>alert(1)</script>"


def test_negative_zero_is_written_without_sign_and_tensors_are_accepted():
    table = number_table(torch.tensor([-0.001, 2.0]), ["v"], ["a", "b"], caption="c")
    assert [text for text, _ in _parse(table).cells] == ["0.00", "2.00"]


def test_number_table_writes_every_number():
    values = np.arange(6.0).reshape(2, 3) / 3
    parsed = _parse(number_table(values, ["a", "b"], ["x", "y", "z"], caption="V", fmt="{:.3f}"))
    assert [text for text, _ in parsed.cells] == [f"{v:.3f}" for v in values.ravel()]
    assert all(style is None for _, style in parsed.cells)


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: heatmap_table([1.0, 2.0], ["a"], ["x", "y"], caption=""), "2-D"),
        (lambda: heatmap_table(np.zeros((2, 2, 2)), ["a"], ["x"], caption=""), "2-D"),
        (lambda: number_table(np.zeros((2, 2, 2)), ["a"], ["x"], caption=""), "1-D or 2-D"),
        (lambda: heatmap_table(SCORES, TOKENS, ["x"], caption=""), "3 row labels and 1 column"),
        (lambda: number_table([[1.0, 2.0]], ["a", "b"], ["x", "y"], caption=""),
         "shape \\(1, 2\\)"),
        (lambda: heatmap_table(np.zeros((0, 2)), [], ["x", "y"], caption=""), "empty"),
        (lambda: heatmap_table([[np.nan]], ["a"], ["x"], caption=""), "finite"),
        (lambda: heatmap_table([[1.0]], ["a"], ["x"], caption="", vmin=2, vmax=1), "vmin <= vmax"),
    ],
)
def test_bad_shapes_and_values_are_refused(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_every_cell_of_a_big_heatmap_has_a_number():
    matrix = np.random.default_rng(0).normal(size=(12, 12))
    table = heatmap_table(matrix, [str(i) for i in range(12)], [str(i) for i in range(12)],
                          caption="big")
    assert len(re.findall(r"<td ", table)) == 144


def test_text_table_escapes_text_but_keeps_markup():
    table = text_table(
        [["<i>typed</i>", Markup("a<sub>x</sub>")]], [Markup("<b>row</b>")], ["plain", "markup"],
        caption="T & c", corner="what",
    )
    parsed = _parse(table)
    assert "&lt;i&gt;typed&lt;/i&gt;" in table and "a<sub>x</sub>" in table
    assert "<b>row</b>" in table and "T &amp; c" in table
    assert parsed.headers == ["what", "plain", "markup", "row"]
    assert parsed.scopes == ["col", "col", "col", "row"]


def test_number_table_per_column_formats_bold_rows_and_signed_zero():
    values = np.array([[1.0, -0.0001], [2.5, 0.25]])
    table = number_table(values, ["a", "b"], ["x", "change"], caption="c",
                         fmt=("{:.1f}", "{:+.3f}"), bold_rows=[1], bold_cols=[0])
    parsed = _parse(table)
    # a change that rounds to zero keeps the explicit sign of its format, not a minus
    assert [text for text, _ in parsed.cells] == ["1.0", "+0.000", "2.5", "+0.250"]
    assert table.count('<tr style="font-weight:bold">') == 1
    assert table.count("<strong>") == 2  # column 0 of both rows


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: number_table([[1.0, 2.0]], ["a"], ["x", "y"], caption="", fmt=["{:.1f}"]),
         ValueError, "one per column \\(2\\)"),
        (lambda: number_table([[1.0]], ["a"], ["x"], caption="", bold_rows=[3]),
         ValueError, "bold_rows must be indices from 0 to 0"),
        (lambda: text_table([["a", "b"]], ["r"], ["x"], caption=""), ValueError, "1 cells each"),
        (lambda: text_table([], [], ["x"], caption=""), ValueError, "non-empty"),
        (lambda: text_table(["ab"], ["r"], ["x", "y"], caption=""), TypeError, "sequence of rows"),
        (lambda: text_table([["a"]], ["r", "s"], ["x"], caption=""), ValueError, "2 row labels"),
    ],
)
def test_bad_text_and_number_tables_are_refused(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_no_other_module_writes_a_table_by_hand():
    """html_tables is the one renderer, so every table gets a caption and scoped headers."""
    package = Path(selfattention.__file__).parent
    # softmax_explorer.py is being rewritten separately; it is the one known exception
    allowed = {package / "html_tables.py", package / "widgets" / "softmax_explorer.py"}
    hand_made = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if path not in allowed and re.search(r"<(table|tr|td|th)[\s>]", path.read_text())
    ]
    assert hand_made == []


def test_importing_html_tables_does_not_import_matplotlib():
    """The HTML code draws with text only, so a fresh interpreter loads no matplotlib for it."""
    code = (
        "import sys; import selfattention.html_tables as t; "
        "t.heatmap_table([[0.0, 1.0]], ['q'], ['a', 'b'], caption='c'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(Path(selfattention.__file__).parents[1])})
    assert done.stdout.strip() == "[]"
