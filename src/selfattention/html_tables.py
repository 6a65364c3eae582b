"""The book's one HTML table renderer: heatmaps, number tables and text tables.

A live widget has to redraw in a few milliseconds, and a matplotlib figure
turned into a PNG takes tens of them. An HTML table is text: it redraws at
once, a screen reader can walk it cell by cell, and it can be copied.

Every heatmap cell carries its number, a background colour from the book's
``viridis`` colormap (:data:`selfattention.colours.VIRIDIS_RGB`, the lookup
table matplotlib uses, held as data so that this module needs no matplotlib) and black or
white text, chosen by :func:`selfattention.colours.text_colour`, the rule the
PNG heatmaps use too. So the numbers stay readable on every colour, and
nothing depends on telling colours apart.

Every table the package shows in HTML is built here, so all of them have a
``<caption>``, ``<th scope="col">`` column headers and ``<th scope="row">``
row headers, and escape what they are given:

* :func:`heatmap_table`: a matrix with a coloured, numbered cell per entry;
* :func:`number_table`: numbers, one format for all columns or one per column;
* :func:`text_table`: cells that are already text (mixed units, formulas).

These functions are pure: arrays and labels in, an HTML string out. Text is
HTML-escaped unless it is wrapped in :class:`Markup`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np

from ._arrays import to_numpy
from .colours import VIRIDIS_RGB, text_colour

__all__ = [
    "Markup",
    "cell_colour",
    "heatmap_table",
    "number_table",
    "text_table",
]

def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{round(255 * c):02x}" for c in rgb[:3])


# Both colours of each lookup-table entry, computed once: drawing a cell is two lookups.
_BACKGROUNDS = [_hex(rgb) for rgb in VIRIDIS_RGB]
_FOREGROUNDS = [text_colour(rgb) for rgb in VIRIDIS_RGB]


def cell_colour(value: float, vmin: float, vmax: float) -> tuple[str, str]:
    """Background (hex) and text colour of a cell holding ``value``.

    ``vmin`` maps to the first (dark purple) colour and ``vmax`` to the last
    (yellow); values outside are clipped. When ``vmin == vmax`` every value
    gets the first colour, as matplotlib does.
    """
    if vmax > vmin:
        index = int(round((value - vmin) / (vmax - vmin) * 255))
        index = min(max(index, 0), 255)
    else:
        index = 0
    return _BACKGROUNDS[index], _FOREGROUNDS[index]


def _fmt(value: float, fmt: str) -> str:
    text = fmt.format(value)
    # "-0.00" reads as a negative number: a value that rounds to zero is written as zero
    # (and as "+0.00" by a format that always shows the sign).
    if text.startswith("-") and float(text) == 0.0:
        text = fmt.format(0.0)
    return text


class Markup(str):
    """Text that is already HTML (``a<sub>x</sub>``, ``<b>3.0</b>``): written as it is.

    Everything else a table is given is HTML-escaped. Wrap only text the
    package wrote itself, never text a reader typed.
    """


def _text(value) -> str:
    return value if isinstance(value, Markup) else html.escape(str(value))


def _matrix(values, name: str, allow_vector: bool) -> np.ndarray:
    matrix = to_numpy(values)
    if matrix.ndim == 1 and allow_vector:
        matrix = matrix[None, :]
    if matrix.ndim != 2:
        expected = "1-D or 2-D" if allow_vector else "2-D (rows, cols)"
        raise ValueError(f"{name} must be {expected}, got shape {matrix.shape}")
    if matrix.size == 0:
        raise ValueError(f"{name} is empty (shape {matrix.shape})")
    if not np.isfinite(matrix).all():
        raise ValueError(f"{name} must hold finite numbers only")
    return matrix


def _labels(row_labels, col_labels, shape) -> tuple[list, list]:
    rows, cols = list(row_labels), list(col_labels)
    if (len(rows), len(cols)) != shape:
        raise ValueError(
            f"matrix has shape {shape} but there are {len(rows)} row labels "
            f"and {len(cols)} column labels"
        )
    return rows, cols


def _table(
    classes: str, caption: str, corner, cols: list, rows: list[tuple[object, list[str]]],
    bold_rows: frozenset = frozenset(),
) -> str:
    """The one place a ``<table>`` is written.

    ``rows`` holds (row label, cells); each cell is a finished ``<td>...</td>``.
    """
    header = "".join(f'<th scope="col">{_text(c)}</th>' for c in cols)
    body = "".join(
        ('<tr style="font-weight:bold">' if i in bold_rows else "<tr>")
        + f'<th scope="row">{_text(label)}</th>{"".join(cells)}</tr>'
        for i, (label, cells) in enumerate(rows)
    )
    return (
        f'<table class="{classes}"><caption>{_text(caption)}</caption>'
        f'<thead><tr><th scope="col">{_text(corner)}</th>{header}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _indices(indices, count: int, name: str) -> frozenset:
    chosen = frozenset(int(i) for i in indices)
    if any(not 0 <= i < count for i in chosen):
        raise ValueError(f"{name} must be indices from 0 to {count - 1}, got {sorted(chosen)}")
    return chosen


def heatmap_table(
    matrix,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    caption: str,
    fmt: str = "{:.2f}",
    vmin: float | None = None,
    vmax: float | None = None,
    corner: str = "query \\ key",
) -> str:
    """An annotated heatmap as an HTML ``<table>``.

    Parameters
    ----------
    matrix : array_like, shape (rows, cols)
        Finite numbers: a list, numpy array or torch tensor.
    row_labels, col_labels : sequence of str
        One label per row and per column. They become ``<th scope="row">``
        and ``<th scope="col">`` cells, HTML-escaped.
    caption : str
        Says what the table shows; the colour range is added to it.
    fmt : str
        Format of every number, for example ``"{:.2f}"``.
    vmin, vmax : float, optional
        The values drawn darkest and brightest. ``None`` takes the matrix's
        own minimum and maximum.
    corner : str
        Text of the top-left header cell (what rows and columns are).

    Returns
    -------
    str
        ``<table class="sa-table sa-heatmap">`` with a caption, a header row
        and one row per matrix row; every cell holds its formatted number.
    """
    matrix = _matrix(matrix, "matrix", allow_vector=False)
    rows, cols = _labels(row_labels, col_labels, matrix.shape)
    low = float(matrix.min()) if vmin is None else float(vmin)
    high = float(matrix.max()) if vmax is None else float(vmax)
    if not (math.isfinite(low) and math.isfinite(high)) or high < low:
        raise ValueError(f"vmin and vmax must be finite with vmin <= vmax, got {low} and {high}")
    legend = f"{caption} Colour: {_fmt(low, fmt)} darkest, {_fmt(high, fmt)} brightest."
    body = []
    for label, values in zip(rows, matrix.tolist()):
        cells = []
        for value in values:
            background, foreground = cell_colour(value, low, high)
            cells.append(
                f'<td style="background:{background};color:{foreground}">{_fmt(value, fmt)}</td>'
            )
        body.append((label, cells))
    return _table("sa-table sa-heatmap", legend, corner, cols, body)


def number_table(
    values,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    caption: str,
    fmt: str | Sequence[str] = "{:.2f}",
    corner: str = "",
    bold_rows: Sequence[int] = (),
    bold_cols: Sequence[int] = (),
) -> str:
    """Vectors or a matrix of numbers as a plain HTML ``<table>``.

    Parameters
    ----------
    values : array_like, shape (rows, cols) or (cols,)
        A 1-D vector is shown as a single row.
    row_labels, col_labels : sequence of str
        One per row and per column, HTML-escaped (unless :class:`Markup`).
    caption : str
    fmt : str or sequence of str
        Format of every number, or one format per column (for example
        ``("{:.3f}", "{:+.3f}")`` to show a change with its sign).
    corner : str
        Text of the top-left header cell.
    bold_rows, bold_cols : sequence of int
        Rows and columns to set in bold, to draw the eye to them.

    Returns
    -------
    str
        ``<table class="sa-table">`` with a caption and header cells.
    """
    matrix = _matrix(values, "values", allow_vector=True)
    rows, cols = _labels(row_labels, col_labels, matrix.shape)
    formats = [fmt] * len(cols) if isinstance(fmt, str) else list(fmt)
    if len(formats) != len(cols):
        raise ValueError(f"fmt must be one format or one per column ({len(cols)}), "
                         f"got {len(formats)}")
    strong = _indices(bold_cols, len(cols), "bold_cols")
    body = [
        (label, [
            f"<td><strong>{_fmt(v, f)}</strong></td>" if j in strong else f"<td>{_fmt(v, f)}</td>"
            for j, (v, f) in enumerate(zip(row, formats))
        ])
        for label, row in zip(rows, matrix.tolist())
    ]
    return _table("sa-table", caption, corner, cols, body, _indices(bold_rows, len(rows), "bold_rows"))


def text_table(
    cells: Sequence[Sequence[object]],
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    caption: str,
    corner: str = "",
) -> str:
    """A table whose cells are already text: numbers with units, formulas, counts.

    Parameters
    ----------
    cells : sequence of sequences, shape (rows, cols)
        One entry per cell, written with ``str``; HTML-escaped unless it is
        :class:`Markup`.
    row_labels, col_labels : sequence of str
        One per row and per column; escaped the same way.
    caption : str
    corner : str
        Text of the top-left header cell (what the row labels are).

    Returns
    -------
    str
        ``<table class="sa-table">`` with a caption and header cells.
    """
    if isinstance(cells, str) or any(isinstance(row, str) for row in cells):
        raise TypeError("cells must be a sequence of rows, each a sequence of cells")
    grid = [list(row) for row in cells]
    cols = list(col_labels)
    if not grid or any(len(row) != len(cols) for row in grid):
        raise ValueError(f"cells must be a non-empty list of rows with {len(cols)} cells each "
                         f"(one per column label), got row lengths {[len(r) for r in grid]}")
    rows, _ = _labels(row_labels, cols, (len(grid), len(cols)))
    body = [(label, [f"<td>{_text(v)}</td>" for v in row]) for label, row in zip(rows, grid)]
    return _table("sa-table", caption, corner, cols, body)
