"""The scaling explorer: grow d_k, switch the division by sqrt(d_k) on and off.

Three panels redraw together: the spread of the scores softmax receives, the
weights of one query over eight keys, and the gradient that gets back through
softmax (the curve for every d_k, with the current one marked).
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import NullLocator

from .._arrays import check_int
from ..plotting import bar_chart, figure_png, new_figure
from ..scaling import D_K_VALUES, attention_rows, sample_scores, softmax_statistics
from ..softmax import entropy, softmax
from ._live import SnapshotMixin, alert_html, snapshot_html

__all__ = ["ScalingExplorer"]

_LABEL_STYLE = {"description_width": "8em"}
_N_SAMPLES = 2000
_N_ROWS = 300
_EDGES = np.linspace(-100.0, 100.0, 101)  # fixed bins, so widths compare across d_k


class ScalingExplorer(SnapshotMixin, widgets.VBox):
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
    d_k : ipywidgets.SelectionSlider
    scaling : ipywidgets.Checkbox
    image : ipywidgets.Image
        The three panels as PNG.
    state : dict
        The numbers now shown: ``d_k``, ``scaled``, ``score_std``, ``weights``
        (one row), ``entropy``, ``grad_norm`` (median over rows).
    """

    def __init__(self, d_k: int = 64, scaling: bool = False, *, T: int = 8, seed: int = 0):
        d_k = check_int(d_k, "d_k")
        if d_k not in D_K_VALUES:
            raise ValueError(f"d_k must be one of {D_K_VALUES}, got {d_k}")
        T = check_int(T, "T", minimum=2, maximum=16)
        seed = check_int(seed, "seed", minimum=0)
        self.T, self.seed = T, seed
        self.d_k = widgets.SelectionSlider(
            options=D_K_VALUES, value=d_k, description="d_k (key size)", style=_LABEL_STYLE,
            layout=widgets.Layout(width="32em"),
        )
        self.scaling = widgets.Checkbox(value=bool(scaling), description="divide scores by √d_k",
                                        indent=False)
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.summary = widgets.HTML()
        self.message = widgets.HTML()
        self._curves = {
            scaled: softmax_statistics(D_K_VALUES, _N_ROWS, T, scaled=scaled, seed=seed)
            for scaled in (False, True)
        }
        self._samples: dict[int, np.ndarray] = {}  # unscaled scores, per d_k
        self._logits: dict[int, np.ndarray] = {}  # unscaled attention rows, per d_k
        self._pictures: dict[tuple[int, bool], tuple[bytes, dict]] = {}  # PNG and state
        self._build_figure()
        for control in (self.d_k, self.scaling):
            control.observe(self._on_change, names="value")
        super().__init__([
            widgets.HTML("<b>Scaling explorer</b>"),
            widgets.HBox([self.d_k, self.scaling], layout=widgets.Layout(flex_flow="row wrap")),
            self.image, self.summary, self.message,
        ])
        self.state: dict = {}
        self._redraw()

    def _build_figure(self) -> None:
        self._figure = new_figure(11.0, 3.3, dpi=80)
        hist_ax, row_ax, grad_ax = self._figure.subplots(1, 3, width_ratios=[1.1, 1.2, 1.0])
        self._hist = hist_ax.stairs(np.zeros(len(_EDGES) - 1), _EDGES, fill=True, color="#3b528b")
        hist_ax.set_xlim(_EDGES[0], _EDGES[-1])
        hist_ax.set_xlabel("score that softmax receives")
        hist_ax.set_ylabel("share of scores per bin")
        hist_ax.spines[["top", "right"]].set_visible(False)
        self._hist_ax = hist_ax
        keys = [f"k{j + 1}" for j in range(self.T)]
        self._row = bar_chart(row_ax, keys, np.zeros(self.T), ylabel="weight", fmt="{:.2f}",
                              title="a typical query's weights")
        row_ax.set_xlabel("key")
        for label in self._row.labels:
            label.set_fontsize(8)
        for scaled, style, marker in ((False, "-", "o"), (True, "--", "s")):
            curve = self._curves[scaled]
            grad_ax.plot(curve.d_k, curve.grad_norm, linestyle=style, marker=marker,
                         color="#21918c" if scaled else "#440154", markersize=4,
                         label="divided by √d_k" if scaled else "not scaled")
        (self._marker,) = grad_ax.plot([], [], linestyle="none", marker="*", markersize=15,
                                       color="#fde725", markeredgecolor="black",
                                       label="now shown")
        grad_ax.set_xscale("log", base=2)
        grad_ax.set_xticks([2, 8, 32, 128, 512], ["2", "8", "32", "128", "512"])
        grad_ax.set_yticks([1e-6, 1e-4, 1e-2, 1.0])
        grad_ax.xaxis.set_minor_locator(NullLocator())  # minor ticks on log axes are slow to draw
        grad_ax.yaxis.set_minor_locator(NullLocator())
        grad_ax.set_yscale("log")
        grad_ax.set_xlabel("d_k")
        grad_ax.set_ylabel("gradient size (median)")
        grad_ax.set_title("gradient through softmax")
        grad_ax.legend(frameon=False, fontsize=8, loc="lower left")
        grad_ax.spines[["top", "right"]].set_visible(False)
        self._figure.tight_layout()
        # tight_layout leaves a layout engine behind, which makes every savefig draw twice.
        self._figure.set_layout_engine(None)

    def _draws(self, d_k: int) -> tuple[np.ndarray, np.ndarray]:
        """Unscaled scores and attention-row logits for ``d_k``, drawn once and kept."""
        if d_k not in self._samples:
            self._samples[d_k] = sample_scores(d_k, _N_SAMPLES, seed=self.seed)
            self._logits[d_k], _ = attention_rows(d_k, _N_ROWS, self.T, seed=self.seed)
        return self._samples[d_k], self._logits[d_k]

    def _on_change(self, _change) -> None:
        try:
            self._redraw()
            self.message.value = ""
        except Exception as exc:  # keep the previous picture and say what went wrong
            self.message.value = alert_html(exc)

    def _redraw(self) -> None:
        d_k, scaled = self.d_k.value, self.scaling.value
        if (d_k, scaled) not in self._pictures:  # 20 possible states: draw each one once
            self._pictures[d_k, scaled] = self._draw(d_k, scaled)
        png, state = self._pictures[d_k, scaled]
        self.image.value = png
        self.state = state
        self.summary.value = self._summary()

    def _draw(self, d_k: int, scaled: bool) -> tuple[bytes, dict]:
        """Compute and render one state; returns the PNG and the numbers shown."""
        divisor = math.sqrt(d_k) if scaled else 1.0
        scores, logits = self._draws(d_k)
        scores = scores / divisor
        rows = softmax(logits / divisor)
        # A typical row: the one whose largest weight is the median of all rows.
        largest = rows.max(axis=-1)
        weights = rows[np.argsort(largest)[len(largest) // 2]]
        curve = self._curves[scaled]
        grad = float(curve.grad_norm[list(curve.d_k).index(d_k)])
        state = {
            "d_k": d_k, "scaled": scaled, "score_std": float(scores.std()),
            "weights": weights, "entropy": float(entropy(weights)), "grad_norm": grad,
        }
        counts, _ = np.histogram(np.clip(scores, _EDGES[0], _EDGES[-1]), bins=_EDGES)
        shares = counts / len(scores)
        self._hist.set_data(shares)
        self._hist_ax.set_ylim(0, 1.1 * shares.max())
        self._hist_ax.set_title(f"scores: standard deviation {state['score_std']:.1f}")
        self._row.update(weights)
        self._marker.set_data([d_k], [grad])
        return figure_png(self._figure), state

    def _summary(self) -> str:
        s = self.state
        how = f"divided by √{s['d_k']}" if s["scaled"] else "not scaled"
        other = self._curves[not s["scaled"]].grad_norm[list(D_K_VALUES).index(s["d_k"])]
        return (
            f"<p>d_k = {s['d_k']}, scores {how}. The scores softmax receives have standard "
            f"deviation {s['score_std']:.2f} (√d_k = {math.sqrt(s['d_k']):.2f}). The query shown "
            f"gives its largest weight {s['weights'].max():.3f} to one key (entropy "
            f"{s['entropy']:.3f} nats; an even split over {self.T} keys would be "
            f"{math.log(self.T):.3f}). Median gradient size over {_N_ROWS} rows: "
            f"{s['grad_norm']:.2e} ({'without' if s['scaled'] else 'with'} scaling: "
            f"{other:.2e}).</p>"
        )

    def describe(self) -> str:
        """A sentence describing the current figure, used as its alt text."""
        s = self.state
        how = f"divided by the square root of {s['d_k']}" if s["scaled"] else "not scaled"
        weights = ", ".join(f"{w:.2f}" for w in s["weights"])
        return (
            f"Three panels for d_k = {s['d_k']}, scores {how}. Left: histogram of "
            f"{_N_SAMPLES} scores with standard deviation {s['score_std']:.1f}, on a fixed axis "
            f"from -100 to 100. Middle: one query's weights over {self.T} keys: {weights}. "
            f"Right: median gradient size against d_k on log axes; the unscaled curve falls "
            f"steeply, the scaled one stays flat; a star marks {s['grad_norm']:.2e}."
        )

    def snapshot(self) -> str:
        return snapshot_html(
            self.image.value, self.describe(), "Scaling explorer", self.summary.value
        )
