"""The softmax explorer: score sliders and a temperature slider driving a bar chart."""

from __future__ import annotations

import html
import warnings
from typing import Sequence

import ipywidgets as widgets
import numpy as np

from ..plotting import bar_chart, figure_png, new_figure
from ..softmax import hardmax, naive_softmax, softmax
from ._live import SnapshotMixin, alert_html, snapshot_html

__all__ = ["SoftmaxExplorer"]

_LABEL_STYLE = {"description_width": "12em"}
_WIDE = widgets.Layout(width="34em")


def _fmt(value: float) -> str:
    if np.isnan(value):
        return "NaN"
    if np.isinf(value):
        return "inf"
    return f"{value:.4g}"


class SoftmaxExplorer(SnapshotMixin, widgets.VBox):
    """Move raw scores and the temperature; watch softmax share out the weight.

    Parameters
    ----------
    tokens : sequence of str
        The words competing for attention (1 to 8 of them).
    scores : sequence of float
        Their starting raw scores, one per token, each in [-10, 10].
    temperature : float
        Starting temperature, in [0.1, 10].

    Attributes
    ----------
    score_sliders : list of ipywidgets.FloatSlider
        One per token.
    shift : ipywidgets.FloatSlider
        A constant added to every score: softmax ignores it, the naive
        formula overflows once it is large.
    temperature : ipywidgets.FloatLogSlider
    weights : numpy.ndarray
        The softmax weights currently shown.
    """

    def __init__(
        self,
        tokens: Sequence[str] = ("love", "Apple", "phones"),
        scores: Sequence[float] = (1.0, 3.0, 6.0),
        temperature: float = 1.0,
    ):
        tokens = [str(token) for token in tokens]
        scores = [float(score) for score in scores]
        if not 1 <= len(tokens) <= 8:
            raise ValueError(f"tokens must hold 1 to 8 words, got {len(tokens)}")
        if len(scores) != len(tokens):
            raise ValueError(f"scores must have one entry per token: {len(tokens)} tokens, {len(scores)} scores")
        if not all(-10 <= s <= 10 for s in scores):
            raise ValueError(f"scores must lie in [-10, 10] for the sliders, got {scores}")
        if not 0.1 <= temperature <= 10:
            raise ValueError(f"temperature must lie in [0.1, 10], got {temperature}")
        self.tokens = tokens

        self.score_sliders = [
            widgets.FloatSlider(
                value=score, min=-10, max=10, step=0.1, description=f"score of “{token}”",
                style=_LABEL_STYLE, layout=_WIDE, readout_format=".1f",
            )
            for token, score in zip(tokens, scores)
        ]
        self.shift = widgets.FloatSlider(
            value=0, min=-1000, max=1000, step=10, description="add to every score",
            style=_LABEL_STYLE, layout=_WIDE, readout_format=".0f",
        )
        self.temperature = widgets.FloatLogSlider(
            value=temperature, base=10, min=-1, max=1, step=0.01, description="temperature",
            style=_LABEL_STYLE, layout=_WIDE, readout_format=".2f",
        )
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="600px"))
        self.table = widgets.HTML()
        self.message = widgets.HTML()

        self._figure = new_figure(6.0, 3.2)
        ax = self._figure.add_subplot()
        zeros = np.zeros(len(tokens))
        self._hard = ax.bar(
            range(len(tokens)), zeros, fill=False, edgecolor="black", linestyle="--",
            linewidth=1.2, label="hard max (arg max)", zorder=3,
        )
        self._bars = bar_chart(
            ax, tokens, zeros, ylabel="share of attention", ylim=(0.0, 1.18),
            title=f"softmax at temperature {temperature:.2f}",
        )
        self._bars.bars[0].set_label("softmax")
        ax.legend(loc="upper left", frameon=False, fontsize=9)
        self._figure.tight_layout()
        self._figure.set_layout_engine(None)  # lay out once; redraws then render a single time

        controls = [*self.score_sliders, self.shift, self.temperature]
        for control in controls:
            control.observe(self._on_change, names="value")
        super().__init__(
            [widgets.HTML("<b>Softmax explorer</b>"), *controls, self.image, self.table, self.message]
        )
        self.weights = np.zeros(len(tokens))
        self._redraw()

    @property
    def scores(self) -> np.ndarray:
        """The raw scores now: each slider's value plus the shift."""
        return np.array([s.value for s in self.score_sliders]) + self.shift.value

    def _on_change(self, change) -> None:
        try:
            self._redraw()
            self.message.value = ""
        except Exception as exc:  # keep the widget alive and say what went wrong
            self.message.value = alert_html(exc)

    def _redraw(self) -> None:
        scores, temperature = self.scores, self.temperature.value
        self.weights = softmax(scores, temperature=temperature)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the overflow is the lesson
            naive = naive_softmax(scores / temperature)
            strengths = np.exp(scores / temperature)
        self._bars.update(self.weights)
        for bar, height in zip(self._hard, hardmax(scores)):
            bar.set_height(height)
        self._bars.ax.set_title(f"softmax at temperature {temperature:.2f}")
        self.image.value = figure_png(self._figure)
        self.table.value = self._table(scores, strengths, naive)

    def _table(self, scores, strengths, naive) -> str:
        cell = "style='border:1px solid #bbb;padding:2px 8px;text-align:right'"
        rows = "".join(
            f"<tr><th scope='row' {cell}>{html.escape(tok)}</th><td {cell}>{_fmt(s)}</td>"
            f"<td {cell}>{_fmt(e)}</td><td {cell}>{_fmt(n)}</td><td {cell}><b>{w:.4f}</b></td></tr>"
            for tok, s, e, n, w in zip(self.tokens, scores, strengths, naive, self.weights)
        )
        return (
            "<table class='sa-table' style='border-collapse:collapse'>"
            "<caption>Scores and weights now</caption><thead><tr>"
            "<th scope='col'>token</th><th scope='col'>score</th>"
            "<th scope='col'>exp(score / T)</th><th scope='col'>naive formula</th>"
            "<th scope='col'>softmax</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )

    def describe(self) -> str:
        """A sentence describing the current figure, used as its alt text."""
        pairs = ", ".join(
            f"{tok} (score {s:.4g}) gets {w:.3f}"
            for tok, s, w in zip(self.tokens, self.scores, self.weights)
        )
        return (
            f"Bar chart of softmax weights at temperature {self.temperature.value:.2f}: {pairs}. "
            "Dashed outlines show the hard maximum, which gives all the weight to the top score."
        )

    def snapshot(self) -> str:
        return snapshot_html(
            figure_png(self._figure), self.describe(), "Softmax explorer", self.table.value
        )
