"""Figures for the book: annotated heatmaps and bar charts.

Every figure uses the colour-blind-safe, perceptually uniform ``viridis``
colormap and writes its numbers in the cells, so nothing depends on telling
colours apart. Each drawing function returns a small handle whose
``update`` method changes the numbers in place: widgets redraw by updating
an existing figure instead of building a new one.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._arrays import to_numpy
from .colours import CMAP, text_colour

__all__ = [
    "CMAP",
    "BarChart",
    "Heatmap",
    "bar_chart",
    "heatmap",
    "new_figure",
    "figure_png",
]


def new_figure(width: float = 5.0, height: float = 3.0, dpi: int = 100) -> Figure:
    """A figure drawn by Agg, independent of pyplot's global state.

    Widgets use it to redraw without creating figures that pyplot or the
    notebook would display on their own.
    """
    fig = Figure(figsize=(width, height), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def figure_png(fig: Figure) -> bytes:
    """Render ``fig`` to PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", facecolor=fig.get_facecolor())
    return buffer.getvalue()


@dataclass
class BarChart:
    """Handle on a bar chart drawn by :func:`bar_chart`."""

    ax: Axes
    bars: list
    labels: list
    fmt: str

    def update(self, values) -> None:
        """Set new bar heights and rewrite the numbers above the bars."""
        values = to_numpy(values)
        top = self.ax.get_ylim()[1]
        for bar, label, value in zip(self.bars, self.labels, values):
            bar.set_height(value)
            label.set_text(self.fmt.format(value))
            # Tall bars carry their number inside, so it never collides with the frame.
            inside = value > 0.8 * top
            label.set_y(value - 0.02 * top if inside else value)
            label.set_verticalalignment("top" if inside else "bottom")
            label.set_color("white" if inside else "black")


def bar_chart(
    ax: Axes,
    names: Sequence[str],
    values,
    *,
    title: str | None = None,
    ylabel: str = "weight",
    ylim: tuple[float, float] = (0.0, 1.08),
    fmt: str = "{:.3f}",
    colour: str | None = None,
) -> BarChart:
    """Bars with their values written above them.

    Parameters
    ----------
    ax : matplotlib Axes
    names : sequence of str, length n
        One label per bar (for example the tokens).
    values : array_like, shape (n,)
    """
    values = to_numpy(values)
    if len(names) != len(values):
        raise ValueError(f"names has {len(names)} entries but values has {len(values)}")
    colour = colour or matplotlib.colormaps[CMAP](0.35)
    bars = list(ax.bar(range(len(values)), values, color=colour, edgecolor="black", linewidth=0.6))
    ax.set_xticks(range(len(values)), list(names))
    ax.set_ylim(*ylim)
    labels = [ax.text(i, 0, "", ha="center", fontsize=10) for i in range(len(values))]
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title)
    chart = BarChart(ax, bars, labels, fmt)
    chart.update(values)
    return chart


@dataclass
class Heatmap:
    """Handle on an annotated heatmap drawn by :func:`heatmap`."""

    ax: Axes
    image: matplotlib.image.AxesImage
    texts: np.ndarray
    fmt: str

    def update(self, matrix) -> None:
        """Set new values: colours and the numbers written in the cells."""
        matrix = to_numpy(matrix)
        if matrix.shape != self.texts.shape:
            raise ValueError(
                f"matrix has shape {matrix.shape}, but this heatmap is {self.texts.shape}"
            )
        self.image.set_data(matrix)
        cmap, norm = self.image.get_cmap(), self.image.norm
        for (i, j), value in np.ndenumerate(matrix):
            text = self.texts[i, j]
            text.set_text(self.fmt.format(value))
            text.set_color(text_colour(cmap(norm(value))))  # the HTML tables' rule too


def heatmap(
    ax: Axes,
    matrix,
    row_names: Sequence[str],
    col_names: Sequence[str],
    *,
    title: str | None = None,
    fmt: str = "{:.2f}",
    vmin: float | None = 0.0,
    vmax: float | None = 1.0,
    xlabel: str = "key (attended to)",
    ylabel: str = "query (attending)",
    colorbar: bool = True,
) -> Heatmap:
    """An annotated heatmap of a (rows, cols) matrix, such as attention weights.

    Parameters
    ----------
    ax : matplotlib Axes
    matrix : array_like, shape (rows, cols)
    row_names, col_names : sequence of str
        Labels for the rows (queries) and columns (keys).
    vmin, vmax : float or None
        Colour range. The default 0..1 suits attention weights; pass ``None``
        to take the matrix's own range (for raw scores).
    """
    matrix = to_numpy(matrix)
    if matrix.ndim != 2:
        raise ValueError(f"matrix must be 2-D, got shape {matrix.shape}")
    if (len(row_names), len(col_names)) != matrix.shape:
        raise ValueError(
            f"matrix has shape {matrix.shape} but there are {len(row_names)} row names "
            f"and {len(col_names)} column names"
        )
    image = ax.imshow(matrix, cmap=CMAP, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(matrix.shape[1]), list(col_names))
    ax.set_yticks(range(matrix.shape[0]), list(row_names))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.tick_params(length=0)
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    texts = np.empty(matrix.shape, dtype=object)
    for (i, j), _ in np.ndenumerate(matrix):
        texts[i, j] = ax.text(j, i, "", ha="center", va="center", fontsize=10)
    handle = Heatmap(ax, image, texts, fmt)
    handle.update(matrix)
    return handle
