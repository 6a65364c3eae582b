"""The mask explorer: pick a sentence, a mask and a number of heads; see the weights.

Every token attends to every other one unless a mask forbids it. The
explorer draws one heatmap of attention weights per head, over the toy
embedding space of :mod:`selfattention.embeddings`, with the queries and
keys made by a seeded random projection. Masked cells are marked with a
cross: their weight is exactly 0.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from .._arrays import check_int
from ..attention import causal_mask
from ..embeddings import FEATURES, SENTENCES, embed_sentence
from ..multihead import multi_head_attention, padding_mask
from ..plotting import figure_png, heatmap, new_figure
from ._live import SnapshotMixin, alert_html, snapshot_html

__all__ = ["MaskExplorer", "MASK_KINDS", "HEAD_CHOICES", "MAX_TOKENS"]

MASK_KINDS = ("none", "causal", "padding")
"""The masks the explorer offers."""

HEAD_CHOICES = (1, 2, 4)
"""Head counts that divide the toy space's 8 features evenly."""

MAX_TOKENS = 12
"""Longest sentence the heatmaps stay readable for."""

_LABEL_STYLE = {"description_width": "11em"}
_WIDE = widgets.Layout(width="40em")
_SIZES = {1: (5.6, 4.6), 2: (10.0, 4.6), 4: (10.0, 8.6)}
_GRID = {1: (1, 1), 2: (1, 2), 4: (2, 2)}
# Fixed margins (fractions of the figure): faster than tight_layout, which draws the figure twice.
_MARGINS = {
    1: dict(left=0.2, right=0.97, bottom=0.2, top=0.84),
    2: dict(left=0.1, right=0.98, bottom=0.2, top=0.84, wspace=0.35),
    4: dict(left=0.1, right=0.98, bottom=0.11, top=0.91, wspace=0.35, hspace=0.45),
}


class MaskExplorer(SnapshotMixin, widgets.VBox):
    """Choose a sentence, a mask and the number of heads; watch the weights.

    Parameters
    ----------
    sentence : str
        Starting sentence (at most 12 tokens). One of the book's sentences
        is picked in the list; any other is put in the text box.
    mask : {"none", "causal", "padding"}
        Starting mask. "padding" treats the last ``pad`` tokens as padding:
        no query may attend to them.
    n_heads : {1, 2, 4}
    pad : int
        How many tokens at the end count as padding (1 to 11).
    seed : int
        Seeds the random projections ``W_Q``, ``W_K``, ``W_V``.

    Attributes
    ----------
    sentence, custom, mask_kind, pad, heads : ipywidgets controls
    tokens : list of str
        The tokens shown now.
    weights : numpy.ndarray, shape (H, T, T)
        The weights shown now, one (T, T) matrix per head.
    allowed : numpy.ndarray of bool, shape (T, T)
        Where attention is allowed under the current mask.
    """

    def __init__(
        self,
        sentence: str = SENTENCES["apple phones"],
        mask: str = "causal",
        n_heads: int = 2,
        pad: int = 1,
        seed: int = 11,
    ):
        if mask not in MASK_KINDS:
            raise ValueError(f"mask must be one of {MASK_KINDS}, got {mask!r}")
        n_heads = check_int(n_heads, "n_heads")
        if n_heads not in HEAD_CHOICES:
            raise ValueError(f"n_heads must be one of {HEAD_CHOICES}, got {n_heads!r}")
        pad = check_int(pad, "pad", minimum=1, maximum=MAX_TOKENS - 1)
        seed = check_int(seed, "seed", minimum=0)
        d_model = len(FEATURES)
        rng = np.random.default_rng(seed)
        # Seeded projections, (d_model, d_model) each; the heads take equal slices of their columns.
        self._w_q, self._w_k, self._w_v = (
            rng.normal(scale=0.45, size=(d_model, d_model)) for _ in range(3)
        )
        self._w_o = np.eye(d_model)

        listed = list(dict.fromkeys([*SENTENCES.values()]))
        self.sentence = widgets.Dropdown(
            options=listed, value=sentence if sentence in listed else listed[0],
            description="sentence", style=_LABEL_STYLE, layout=_WIDE,
        )
        self.custom = widgets.Text(
            value="" if sentence in listed else sentence,
            placeholder=f"or type your own (up to {MAX_TOKENS} words), then press Enter",
            description="your sentence", continuous_update=False, style=_LABEL_STYLE, layout=_WIDE,
        )
        self.mask_kind = widgets.ToggleButtons(
            options=list(MASK_KINDS), value=mask, description="mask", style=_LABEL_STYLE,
        )
        self.pad = widgets.IntSlider(
            value=pad, min=1, max=MAX_TOKENS - 1, description="padding: last k tokens",
            style=_LABEL_STYLE, layout=_WIDE,
        )
        self.heads = widgets.ToggleButtons(
            options=list(HEAD_CHOICES), value=n_heads, description="heads", style=_LABEL_STYLE,
        )
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="760px"))
        self.legend = widgets.HTML()
        self.message = widgets.HTML()
        self._figure = new_figure(*_SIZES[n_heads])
        self._quiet = False

        self.sentence.observe(self._on_pick, names="value")
        for control in (self.custom, self.mask_kind, self.pad, self.heads):
            control.observe(self._on_change, names="value")
        super().__init__([
            widgets.HTML("<b>Mask explorer</b>"), self.sentence, self.custom, self.mask_kind,
            self.pad, self.heads, self.image, self.legend, self.message,
        ])
        self.tokens: list[str] = []
        self.known: list[bool] = []
        self.weights = np.zeros((0, 0, 0))
        self.allowed = np.zeros((0, 0), dtype=bool)
        self._redraw()

    # --- events ---------------------------------------------------------------------------

    def _on_pick(self, change) -> None:
        if self.custom.value:
            self._quiet = True  # picking from the list replaces a typed sentence
            self.custom.value = ""
            self._quiet = False
        self._on_change(change)

    def _on_change(self, change) -> None:
        if self._quiet:
            return
        try:
            self._redraw()
            self.message.value = ""
        except Exception as exc:  # keep the last good picture and say what went wrong
            self.message.value = alert_html(exc)

    # --- computation ----------------------------------------------------------------------

    @property
    def current_sentence(self) -> str:
        """The typed sentence if there is one, else the one picked in the list."""
        return self.custom.value.strip() or self.sentence.value

    def _compute(self):
        embeddings, x = embed_sentence(self.current_sentence)  # x: (T, d_model)
        n_tokens = len(embeddings)
        if n_tokens > MAX_TOKENS:
            raise ValueError(
                f"the sentence has {n_tokens} tokens; the explorer shows at most {MAX_TOKENS}"
            )
        kind, n_heads = self.mask_kind.value, self.heads.value
        if kind == "none":
            allowed = np.ones((n_tokens, n_tokens), dtype=bool)
        elif kind == "causal":
            allowed = causal_mask(n_tokens)
        else:
            k = self.pad.value
            if k >= n_tokens:
                raise ValueError(
                    f"padding the last {k} of {n_tokens} tokens leaves no real token to attend to; "
                    f"choose k below {n_tokens}"
                )
            keep = padding_mask([n_tokens - k], n_tokens)[0]  # (T,)
            # the same keys are hidden from every query: (T,) -> (T, T)
            allowed = np.broadcast_to(keep, (n_tokens, n_tokens)).copy()
        _, weights = multi_head_attention(
            x, self._w_q, self._w_k, self._w_v, self._w_o, n_heads, mask=allowed
        )  # weights: (H, T, T)
        return embeddings, allowed, weights

    def _redraw(self) -> None:
        embeddings, allowed, weights = self._compute()
        tokens = [e.word for e in embeddings]
        known = [e.known for e in embeddings]
        self._draw(tokens, known, allowed, weights)
        self.tokens, self.known, self.allowed, self.weights = tokens, known, allowed, weights
        self.image.value = figure_png(self._figure)
        self.legend.value = self._legend()

    def _draw(self, tokens, known, allowed, weights) -> None:
        n_heads, n_tokens = weights.shape[0], len(tokens)
        names = [t if k else f"{t}*" for t, k in zip(tokens, known)]
        fig = self._figure
        fig.clear()
        fig.set_size_inches(*_SIZES[n_heads])
        rows, cols = _GRID[n_heads]
        size = 10 if n_tokens <= 5 else 8 if n_tokens <= 8 else 6
        for h in range(n_heads):
            ax = fig.add_subplot(rows, cols, h + 1)
            handle = heatmap(
                ax, weights[h], names, names, colorbar=False,
                title=f"head {h + 1} of {n_heads}" if n_heads > 1 else "one head",
            )
            for (i, j), text in np.ndenumerate(handle.texts):
                text.set_fontsize(size)
                if not allowed[i, j]:
                    text.set_text("×")  # masked: the weight is exactly 0
            ax.tick_params(axis="x", labelrotation=60, labelsize=size + 1)
            ax.tick_params(axis="y", labelsize=size + 1)
        fig.suptitle(f"mask: {self.mask_kind.value}   (× = masked, weight exactly 0)", fontsize=11)
        fig.subplots_adjust(**_MARGINS[n_heads])

    def _legend(self) -> str:
        unknown = [t for t, k in zip(self.tokens, self.known) if not k]
        parts = [
            f"{len(self.tokens)} tokens, {self.weights.shape[0]} head(s) of "
            f"{len(FEATURES) // self.weights.shape[0]} numbers each; "
            f"{int((~self.allowed).sum())} of {self.allowed.size} query-key pairs masked."
        ]
        if unknown:
            parts.append(
                "Words marked * are not in the toy vocabulary and use a fallback vector: "
                + html.escape(", ".join(unknown)) + "."
            )
        return "<p>" + " ".join(parts) + "</p>"

    # --- text alternatives ---------------------------------------------------------------

    def describe(self) -> str:
        """A sentence describing the current heatmaps, used as their alt text."""
        n_heads = self.weights.shape[0]
        masked = int((~self.allowed).sum())
        last = self.tokens[-1]
        tops = "; ".join(
            f"head {h + 1}: '{last}' attends most to "
            f"'{self.tokens[int(np.argmax(row))]}' ({row.max():.2f})"
            for h, row in enumerate(self.weights[:, -1])
        )
        return (
            f"{n_heads} heatmap(s) of attention weights for the sentence "
            f"'{' '.join(self.tokens)}' with mask '{self.mask_kind.value}'. Rows are queries, "
            f"columns keys; {masked} masked cells are marked with a cross and have weight 0. "
            f"{tops}."
        )

    def snapshot(self) -> str:
        png = figure_png(self._figure)
        return snapshot_html(png, self.describe(), "Mask explorer", self.legend.value)
