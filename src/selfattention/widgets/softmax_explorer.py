"""The softmax explorer: score sliders and a temperature driving a bar chart of the weights.

Its front end (``js/softmax.js``) draws the chart and the table and computes what they
show in the browser, so it works live on the book's website as well as in a kernel.
Here the package computes the same weights (:attr:`SoftmaxExplorer.weights`): the
reference the chapter asserts on.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Sequence

import numpy as np
import traitlets

from ..plotting import bar_chart, figure_png, new_figure
from ..softmax import hardmax, naive_softmax, softmax
from ._base import InvalidState, LiveWidget, check_number, check_numbers, check_words
from ._live import snapshot_html

__all__ = ["SoftmaxExplorer", "SCORE_RANGE", "SHIFT_RANGE", "TEMPERATURE_RANGE"]

MAX_TOKENS = 8
SCORE_RANGE = (-10.0, 10.0)
"""Each token's own score (its slider's range)."""
SHIFT_RANGE = (-1000.0, 1000.0)
"""The constant added to every score: far enough for the naive formula to overflow."""
TEMPERATURE_RANGE = (0.1, 10.0)


def _fmt(value: float) -> str:
    if np.isnan(value):
        return "NaN"
    if np.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.4g}"


class SoftmaxExplorer(LiveWidget):
    """Move raw scores and the temperature; watch softmax share out the weight.

    Parameters
    ----------
    tokens : sequence of str
        The words competing for attention (1 to 8 of them), e.g. ``["love", "Apple"]``.
    scores : sequence of float
        Their starting raw scores, one per token, each in [-10, 10].
    temperature : float
        Starting temperature, in [0.1, 10].

    Attributes
    ----------
    tokens : list of str
    token_scores : list of float
        Each token's own score (its slider), in [-10, 10].
    shift : float
        A constant added to every score, in [-1000, 1000]: softmax ignores it, the
        naive formula overflows once it is large.
    temperature : float
        In [0.1, 10].
    weights : numpy.ndarray, shape (T,)
        The softmax weights of the current state, computed by the package.
    error : str
        Why the last change was refused, if it was (see :class:`LiveWidget`).

    Setting ``token_scores``, ``shift`` or ``temperature`` (from a cell, or by moving a
    control) recomputes :attr:`weights`; a value out of range raises
    :class:`ValueError` and changes nothing.
    """

    _module = "softmax"
    _state_traits = ("token_scores", "shift", "temperature")

    tokens = traitlets.List(traitlets.Unicode(), read_only=True).tag(sync=True)
    token_scores = traitlets.List(traitlets.Float()).tag(sync=True)
    shift = traitlets.Float(0.0).tag(sync=True)
    temperature = traitlets.Float(1.0).tag(sync=True)

    def __init__(
        self,
        tokens: Sequence[str] = ("love", "Apple", "phones"),
        scores: Sequence[float] = (1.0, 3.0, 6.0),
        temperature: float = 1.0,
    ):
        tokens = check_words(tokens, "tokens", MAX_TOKENS)
        scores = check_numbers(scores, "scores", *SCORE_RANGE)
        if len(scores) != len(tokens):
            raise InvalidState(
                f"scores must have one entry per token: {len(tokens)} tokens, "
                f"{len(scores)} scores"
            )
        temperature = check_number(temperature, "temperature", *TEMPERATURE_RANGE)
        self.weights = np.zeros(len(tokens))
        self.set_trait("tokens", tokens)
        super().__init__(title="Softmax explorer", token_scores=scores, temperature=temperature)

    # -- checks on every change, from a cell or from the front end ------------------

    @traitlets.validate("token_scores")
    def _valid_scores(self, proposal):
        scores = check_numbers(proposal["value"], "token_scores", *SCORE_RANGE)
        if len(scores) != len(self.tokens):
            raise InvalidState(
                f"token_scores must have one entry per token ({len(self.tokens)}), "
                f"got {len(scores)}"
            )
        return scores

    @traitlets.validate("shift")
    def _valid_shift(self, proposal):
        return check_number(proposal["value"], "shift", *SHIFT_RANGE)

    @traitlets.validate("temperature")
    def _valid_temperature(self, proposal):
        return check_number(proposal["value"], "temperature", *TEMPERATURE_RANGE)

    def _fixed_traits(self) -> tuple[str, ...]:
        return ("tokens",)

    # -- the reference computation ------------------------------------------------

    @property
    def scores(self) -> np.ndarray:
        """The raw scores now: each token's score plus the shift."""
        return np.array(self.token_scores) + self.shift

    def _refresh(self) -> None:
        self.weights = softmax(self.scores, temperature=self.temperature)

    def table_html(self) -> str:
        """The table the widget shows: score, exp(score / T), naive formula, softmax."""
        scores, temperature = self.scores, self.temperature
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the overflow is the lesson
            strengths = np.exp(scores / temperature)
            naive = naive_softmax(scores / temperature)
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
            f"Bar chart of softmax weights at temperature {self.temperature:.2f}: {pairs}. "
            "Dashed outlines show the hard maximum, which gives all the weight to the top score."
        )

    def figure_png(self) -> bytes:
        """The bar chart of the current state as a PNG (the static snapshot's figure)."""
        figure = new_figure(6.0, 3.2)
        ax = figure.add_subplot()
        positions = range(len(self.tokens))
        ax.bar(positions, hardmax(self.scores), fill=False, edgecolor="black", linestyle="--",
               linewidth=1.2, label="hard max (arg max)", zorder=3)
        bars = bar_chart(ax, self.tokens, self.weights, ylabel="share of attention",
                         ylim=(0.0, 1.18), title=f"softmax at temperature {self.temperature:.2f}")
        bars.bars[0].set_label("softmax")
        ax.legend(loc="upper left", frameon=False, fontsize=9)
        figure.tight_layout()
        return figure_png(figure)

    def snapshot(self) -> str:
        return snapshot_html(self.figure_png(), self.describe(), "Softmax explorer",
                             self.table_html())
