"""The scaling explorer: grow d_k, switch the division by sqrt(d_k) on and off.

Three panels redraw together: the spread of the scores softmax receives, the
weights of one query over eight keys, and the gradient that gets back through
softmax (the curve for every d_k, with the current one marked).

Its front end (``js/scaling.js``) computes the first two panels in the browser, for
every d_k and with or without the division, from the seeded draws this class ships in
the page state: the 2000 unscaled scores and the 300 rows of unscaled attention
logits of each d_k, as float32 numbers (base64, little-endian). The Python side
computes the very same things (:attr:`ScalingExplorer.state`) from the very same
numbers, with the package's ``softmax`` and ``entropy``: the reference the chapter
and the tests compare with. The gradient curves are the package's
:func:`~selfattention.scaling.softmax_statistics` (torch autograd), shipped as they
are: a change only moves the star along them. A change only recomputes the
reference; the static picture is drawn when the widget is displayed, never per change.
"""

from __future__ import annotations

import base64
import html
import math
from typing import Any

import numpy as np
import traitlets
from matplotlib.ticker import NullLocator

from .._arrays import check_int
from ..book import readable_number
from ..plotting import figure_png, new_figure
from ..scaling import D_K_VALUES, attention_rows, sample_scores, softmax_statistics
from ..softmax import entropy, softmax
from ._base import (
    Checked,
    InvalidState,
    InvalidType,
    LiveWidget,
    check_whole,
)
from ._live import snapshot_html

__all__ = ["ScalingExplorer", "N_SAMPLES", "N_ROWS", "EDGES", "decode_float32", "encode_float32"]

N_SAMPLES = 2000
"""Query-key pairs behind the histogram, per d_k."""
N_ROWS = 300
"""Attention rows (one query against T keys) per d_k: the typical row and the gradient."""
EDGES = np.linspace(-100.0, 100.0, 101)
"""The histogram's fixed bins (width 2), so widths compare across d_k."""

_FONT = 8.0  # points; at 100 dpi that is 11.1 px, and the snapshot is drawn at its own size
_SNAPSHOT_SIZE = (6.8, 3.3)  # inches at 100 dpi: 680 px wide, under the 688 px column


def encode_float32(values) -> str:
    """``values`` as float32, little-endian, in base64: how the page carries the draws."""
    return base64.b64encode(np.asarray(values, dtype="<f4").tobytes()).decode("ascii")


def decode_float32(text: str) -> np.ndarray:
    """The inverse of :func:`encode_float32`, as float64 (the numbers both sides compute with)."""
    return np.frombuffer(base64.b64decode(text), dtype="<f4").astype(np.float64)


def _check_d_k(value: Any) -> int:
    d_k = check_whole(value, "d_k", D_K_VALUES[0], D_K_VALUES[-1])
    if d_k not in D_K_VALUES:
        raise InvalidState(
            f"d_k must be a power of two from {D_K_VALUES[0]} to {D_K_VALUES[-1]} "
            f"({', '.join(map(str, D_K_VALUES))}), got {d_k}"
        )
    return d_k


def _check_scaling(value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidType(
            f"scaling must be a bool (True or False), got {type(value).__name__} {value!r}"
        )
    return bool(value)


def typical_row(weights: np.ndarray) -> int:
    """The row whose largest weight is the median of all rows' largest weights.

    Rows are ordered by their largest weight with a stable sort, so ties (rows that
    give exactly 1.0 to one key) go in row order, as in the front end.
    """
    largest = weights.max(axis=-1)  # (n_rows,)
    return int(np.argsort(largest, kind="stable")[len(largest) // 2])


class ScalingExplorer(LiveWidget):
    """See what dividing the scores by sqrt(d_k) does, for d_k from 2 to 1024.

    Parameters
    ----------
    d_k : int
        Starting key size, a power of two from 2 to 1024.
    scaling : bool
        Start with the division by sqrt(d_k) on.
    T : int
        Keys per attention row (2 to 16).
    seed : int
        Fixes every random draw.

    Attributes
    ----------
    d_k, scaling : traits
        The state (synced with the front end); setting one to an unusable value raises
        :class:`ValueError` or :class:`TypeError` and changes nothing. A d_k that is not
        a power of two from 2 to 1024 is refused, never rounded or clamped.
    state : dict
        The numbers now shown: ``d_k``, ``scaled``, ``score_std``, ``shares`` (the
        histogram: share of the scores per bin of :data:`EDGES`), ``row`` (index of the
        typical row), ``weights`` (that row), ``entropy``, ``grad_norm`` (median over
        rows, from :func:`~selfattention.scaling.softmax_statistics`).
    error : str
        Why the last change from the front end was refused, if it was.
    """

    _module = "scaling"
    _state_traits = ("d_k", "scaling")

    d_k = Checked(64).tag(sync=True)  # checked by _valid_d_k
    scaling = Checked(False).tag(sync=True)  # checked by _valid_scaling
    data = traitlets.Dict(read_only=True).tag(sync=True)

    def __init__(self, d_k: int = 64, scaling: bool = False, *, T: int = 8, seed: int = 0):
        d_k = check_int(d_k, "d_k")
        if d_k not in D_K_VALUES:
            raise ValueError(f"d_k must be one of {D_K_VALUES}, got {d_k}")
        if not isinstance(scaling, (bool, np.bool_)):
            raise TypeError(f"scaling must be a bool, got {type(scaling).__name__} {scaling!r}")
        T = check_int(T, "T", minimum=2, maximum=16)
        seed = check_int(seed, "seed", minimum=0)
        self.T, self.seed = T, seed
        # The draws the page ships, rounded once to float32: both sides compute from them.
        f32 = lambda a: np.asarray(a, dtype=np.float32).astype(np.float64)  # noqa: E731
        self._scores = [f32(sample_scores(d, N_SAMPLES, seed=seed)) for d in D_K_VALUES]
        self._logits = [f32(attention_rows(d, N_ROWS, T, seed=seed)[0]) for d in D_K_VALUES]
        self._curves = {
            scaled: softmax_statistics(D_K_VALUES, N_ROWS, T, scaled=scaled, seed=seed)
            for scaled in (False, True)
        }
        self.set_trait("data", {
            "d_k_values": list(D_K_VALUES), "T": T, "n_samples": N_SAMPLES, "n_rows": N_ROWS,
            "edges": [float(EDGES[0]), float(EDGES[-1]), len(EDGES) - 1],
            "encoding": "float32, little-endian, base64",
            "scores": [encode_float32(s) for s in self._scores],
            "logits": [encode_float32(lg) for lg in self._logits],  # each (n_rows, T), by rows
            "grad_norm": {
                "unscaled": [float(v) for v in self._curves[False].grad_norm],
                "scaled": [float(v) for v in self._curves[True].grad_norm],
            },
        })
        self._figure = None
        self.state: dict = {}
        super().__init__(title="Scaling explorer", d_k=d_k, scaling=bool(scaling))

    # -- checks on every change, from a cell or from the front end ------------------

    @traitlets.validate("d_k")
    def _valid_d_k(self, proposal):
        return _check_d_k(proposal["value"])

    @traitlets.validate("scaling")
    def _valid_scaling(self, proposal):
        return _check_scaling(proposal["value"])

    def _fixed_traits(self) -> tuple[str, ...]:
        return ("data",)

    # -- the reference computation ------------------------------------------------

    def _refresh(self) -> None:
        d_k, scaled = self.d_k, self.scaling
        i = D_K_VALUES.index(d_k)
        divisor = math.sqrt(d_k) if scaled else 1.0
        scores = self._scores[i] / divisor  # (n_samples,)
        rows = np.asarray(softmax(self._logits[i] / divisor))  # (n_rows, T)
        row = typical_row(rows)
        weights = rows[row]  # (T,)
        counts, _ = np.histogram(np.clip(scores, EDGES[0], EDGES[-1]), bins=EDGES)
        self.state = {
            "d_k": d_k, "scaled": scaled, "score_std": float(scores.std()),
            "shares": counts / len(scores), "row": row, "weights": weights,
            "entropy": float(entropy(weights)),
            "grad_norm": float(self._curves[scaled].grad_norm[i]),
        }

    # -- words: the summary and the alt text ----------------------------------------

    def summary(self) -> str:
        """The paragraph under the panels (plain text, as the front end writes it)."""
        s = self.state
        how = f"divided by √{s['d_k']}" if s["scaled"] else "not scaled"
        other = self._curves[not s["scaled"]].grad_norm[D_K_VALUES.index(s["d_k"])]
        return (
            f"d_k = {s['d_k']}, scores {how}. The scores softmax receives have standard "
            f"deviation {s['score_std']:.2f} (√d_k = {math.sqrt(s['d_k']):.2f}). The query shown "
            f"gives its largest weight {s['weights'].max():.3f} to one key (entropy "
            f"{s['entropy']:.3f} nats; an even split over {self.T} keys would be "
            f"{math.log(self.T):.3f}). Median size of the gradient entering softmax, over "
            f"{N_ROWS} rows: {readable_number(s['grad_norm'])} "
            f"({'without' if s['scaled'] else 'with'} scaling: {readable_number(other)})."
        )

    def describe(self) -> str:
        """A sentence describing the current figure, used as its alt text."""
        s = self.state
        how = f"divided by the square root of {s['d_k']}" if s["scaled"] else "not scaled"
        weights = ", ".join(f"{w:.2f}" for w in s["weights"])
        return (
            f"Three panels for d_k = {s['d_k']}, scores {how}. Left: histogram of "
            f"{N_SAMPLES} scores with standard deviation {s['score_std']:.1f}, on a fixed axis "
            f"from -100 to 100. Middle: one query's weights over {self.T} keys: {weights}. "
            f"Right: median size of the gradient entering softmax against d_k on log axes; "
            f"the unscaled curve falls steeply, the scaled one stays flat; a star marks "
            f"{readable_number(s['grad_norm'])}."
        )

    # -- the static snapshot (drawn on display, never per change) -------------------

    def _draw_figure(self):
        """The three panels at 680 px wide, never scaled down: every text >= 10 px."""
        s = self.state
        fig = new_figure(*_SNAPSHOT_SIZE)
        hist_ax = fig.add_axes([0.085, 0.2, 0.24, 0.66])
        row_ax = fig.add_axes([0.41, 0.2, 0.25, 0.66])
        grad_ax = fig.add_axes([0.75, 0.2, 0.235, 0.66])
        hist_ax.stairs(s["shares"], EDGES, fill=True, color="#3b528b")
        hist_ax.set_xlim(EDGES[0], EDGES[-1])
        hist_ax.set_ylim(0, 1.1 * s["shares"].max())
        hist_ax.set_xticks([-100, 0, 100])
        hist_ax.set_xlabel("score softmax receives")
        hist_ax.set_ylabel("share of scores per bin")
        hist_ax.set_title(f"scores: std {s['score_std']:.1f}")
        keys = [f"k{j + 1}" for j in range(self.T)]
        row_ax.bar(keys, s["weights"], color="#21918c")
        row_ax.set_ylim(0, 1.08)
        row_ax.set_xlabel("key")
        row_ax.set_ylabel("weight")
        row_ax.set_title("a typical query's weights")
        top = int(np.argmax(s["weights"]))
        row_ax.text(top, s["weights"][top] + 0.02, f"{s['weights'][top]:.2f}", ha="center",
                    va="bottom", fontsize=_FONT)
        for scaled, style, marker in ((False, "-", "o"), (True, "--", "s")):
            curve = self._curves[scaled]
            grad_ax.plot(curve.d_k, curve.grad_norm, linestyle=style, marker=marker,
                         color="#21918c" if scaled else "#440154", markersize=3.5,
                         label="÷ √d_k" if scaled else "not scaled")
        grad_ax.plot([s["d_k"]], [s["grad_norm"]], linestyle="none", marker="*", markersize=13,
                     color="#fde725", markeredgecolor="black", label="now shown")
        grad_ax.set_xscale("log", base=2)
        grad_ax.set_yscale("log")
        grad_ax.set_xticks([2, 32, 1024], ["2", "32", "1024"])
        grad_ax.set_yticks([1e-6, 1e-4, 1e-2, 1.0])
        grad_ax.xaxis.set_minor_locator(NullLocator())
        grad_ax.yaxis.set_minor_locator(NullLocator())
        grad_ax.set_xlabel("d_k")
        grad_ax.set_ylabel("gradient size (median)")
        grad_ax.set_title("gradient through softmax")
        grad_ax.legend(frameon=False, fontsize=_FONT, loc="lower left", handlelength=1.5,
                       borderaxespad=0.2)
        for ax in (hist_ax, row_ax, grad_ax):
            ax.spines[["top", "right"]].set_visible(False)
            ax.tick_params(labelsize=_FONT)
            ax.xaxis.label.set_fontsize(_FONT)
            ax.yaxis.label.set_fontsize(_FONT)
            ax.title.set_fontsize(_FONT + 1)
        return fig

    def figure_png(self) -> bytes:
        """The snapshot's figure for the current state, as PNG bytes."""
        self._figure = self._draw_figure()
        return figure_png(self._figure)

    def snapshot(self) -> str:
        return snapshot_html(
            self.figure_png(), self.describe(), "Scaling explorer",
            f"<p>{html.escape(self.summary())}</p>",
        )
