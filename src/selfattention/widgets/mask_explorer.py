"""The mask explorer: pick a sentence, a mask and a number of heads; see the weights.

Every token attends to every other one unless a mask forbids it. The explorer shows
one heatmap of attention weights per head, over the toy embedding space of
:mod:`selfattention.embeddings`, with the queries, keys and values made by seeded
random projections. Masked cells read "masked": their weight is exactly 0.

Its front end (``js/mask.js``) computes the same weights in the browser from what this
class ships in the page state: the toy vocabulary (so a typed sentence is tokenized and
embedded by the package's rule), and the projections ``W_Q``, ``W_K``, ``W_V``, ``W_O``
drawn here from the seed. The package's :func:`~selfattention.multihead.multi_head_attention`
stays the reference (:attr:`MaskExplorer.weights`). A change only recomputes that
reference; the static picture is drawn when the widget is displayed, never per change.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import traitlets

from .._arrays import check_int
from ..attention import causal_mask
from ..embeddings import FEATURES, SENTENCES, VOCABULARY, embed_sentence
from ..multihead import multi_head_attention, padding_mask
from ..plotting import figure_png, heatmap, new_figure
from ._base import Checked, InvalidState, InvalidType, LiveWidget, check_whole
from ._live import snapshot_html

__all__ = ["MaskExplorer", "MASK_KINDS", "HEAD_CHOICES", "MAX_TOKENS", "PAD_LABEL"]

MASK_KINDS = ("none", "causal", "padding")
"""The masks the explorer offers."""

HEAD_CHOICES = (1, 2, 4)
"""Head counts that divide the toy space's 8 features evenly."""

MAX_TOKENS = 12
"""Longest sentence the heatmaps stay readable for."""

PAD_LABEL = "padding: last k tokens"
"""The label of the padding control, shown in full (issue 12: it was cut off)."""

_SIZES = {1: (5.6, 4.6), 2: (10.0, 4.6), 4: (10.0, 8.6)}
_GRID = {1: (1, 1), 2: (1, 2), 4: (2, 2)}
# Fixed margins (fractions of the figure): faster than tight_layout, which draws twice.
_MARGINS = {
    1: dict(left=0.2, right=0.97, bottom=0.2, top=0.84),
    2: dict(left=0.1, right=0.98, bottom=0.2, top=0.84, wspace=0.35),
    4: dict(left=0.1, right=0.98, bottom=0.11, top=0.91, wspace=0.35, hspace=0.45),
}


def _known_words() -> str:
    return ", ".join(sorted(VOCABULARY))


def embed_known(sentence: Any):
    """Tokenize and embed ``sentence`` with the toy vocabulary only, as the front end does.

    Returns ``(tokens, x)``: the words and their vectors, shape (T, d_model).

    Raises
    ------
    InvalidType
        If ``sentence`` is not a string.
    InvalidState
        For a sentence without words, with more than :data:`MAX_TOKENS` tokens, or with
        a word outside the toy vocabulary (the message names the known words).
    """
    if not isinstance(sentence, str):
        raise InvalidType(
            f"sentence must be a str, got {type(sentence).__name__} {sentence!r}"
        )
    try:
        embeddings, x = embed_sentence(sentence)
    except ValueError:
        raise InvalidState(
            f"the sentence has no words: type words such as {SENTENCES['apple phones']!r}"
        ) from None
    unknown = [e.word for e in embeddings if not e.known]
    if unknown:
        raise InvalidState(
            f"'{unknown[0]}' is not in the toy vocabulary; use the words it knows: "
            f"{_known_words()}"
        )
    if len(embeddings) > MAX_TOKENS:
        raise InvalidState(
            f"the sentence has {len(embeddings)} tokens; the explorer shows at most "
            f"{MAX_TOKENS}"
        )
    return [e.word for e in embeddings], np.asarray(x, dtype=float)


def allowed_pairs(kind: str, n_tokens: int, pad: int) -> np.ndarray:
    """The (T, T) boolean mask of the explorer: ``True`` where query i may attend to key j.

    "none" allows every pair, "causal" is :func:`~selfattention.causal_mask`, and
    "padding" hides the last ``pad`` keys from every query, by
    :func:`~selfattention.multihead.padding_mask`.
    """
    if kind == "none":
        return np.ones((n_tokens, n_tokens), dtype=bool)
    if kind == "causal":
        return np.asarray(causal_mask(n_tokens))
    if pad >= n_tokens:
        raise InvalidState(
            f"padding the last {pad} of {n_tokens} tokens leaves no real token to attend "
            f"to; choose k below {n_tokens}"
        )
    keep = padding_mask([n_tokens - pad], n_tokens)[0]  # (T,)
    # the same keys are hidden from every query: (T,) -> (T, T)
    return np.broadcast_to(keep, (n_tokens, n_tokens)).copy()


class MaskExplorer(LiveWidget):
    """Choose a sentence, a mask and the number of heads; watch the weights.

    Parameters
    ----------
    sentence : str
        Starting sentence: at most 12 words of the toy vocabulary. One of the book's
        sentences is offered as a choice; any other is shown in the text box.
    mask : {"none", "causal", "padding"}
        Starting mask. "padding" treats the last ``pad`` tokens as padding: no query
        may attend to them.
    n_heads : {1, 2, 4}
    pad : int
        How many tokens at the end count as padding (1 to 11, fewer than the tokens).
    seed : int
        Seeds the random projections ``W_Q``, ``W_K``, ``W_V``.

    Attributes
    ----------
    sentence, mask, n_heads, pad : traits
        The state (synced with the front end); setting one to an unusable value raises
        :class:`ValueError` or :class:`TypeError` and changes nothing.
    tokens : list of str
        The tokens shown now.
    weights : numpy.ndarray, shape (H, T, T)
        The weights shown now, one (T, T) matrix per head, by ``multi_head_attention``.
    allowed : numpy.ndarray of bool, shape (T, T)
        Where attention is allowed under the current mask.
    error : str
        Why the last change from the front end was refused, if it was.
    """

    _module = "mask"
    _state_traits = ("sentence", "mask", "n_heads", "pad")

    # each is checked by its validator below (None too), whose messages name it
    sentence = Checked(SENTENCES["apple phones"]).tag(sync=True)
    mask = Checked("causal").tag(sync=True)
    n_heads = Checked(2).tag(sync=True)
    pad = Checked(1).tag(sync=True)
    presets = traitlets.List(read_only=True).tag(sync=True)
    vocabulary = traitlets.Dict(read_only=True).tag(sync=True)
    features = traitlets.List(read_only=True).tag(sync=True)
    projections = traitlets.Dict(read_only=True).tag(sync=True)
    choices = traitlets.Dict(read_only=True).tag(sync=True)

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
        self.seed = check_int(seed, "seed", minimum=0)
        d_model = len(FEATURES)
        rng = np.random.default_rng(self.seed)
        # Seeded projections, (d_model, d_model) each; heads take equal slices of columns.
        self._w_q, self._w_k, self._w_v = (
            rng.normal(scale=0.45, size=(d_model, d_model)) for _ in range(3)
        )
        self._w_o = np.eye(d_model)
        self.set_trait("presets", list(dict.fromkeys(SENTENCES.values())))
        self.set_trait("vocabulary", {w: v.tolist() for w, v in VOCABULARY.items()})
        self.set_trait("features", list(FEATURES))
        self.set_trait("projections", {
            "w_q": self._w_q.tolist(), "w_k": self._w_k.tolist(),
            "w_v": self._w_v.tolist(), "w_o": self._w_o.tolist(),
        })
        self.set_trait("choices", {
            "masks": list(MASK_KINDS), "heads": list(HEAD_CHOICES),
            "max_tokens": MAX_TOKENS, "pad_label": PAD_LABEL,
        })
        self._figure = None
        super().__init__(title="Mask explorer", sentence=sentence, mask=mask,
                         n_heads=n_heads, pad=pad)

    # -- checks on every change, from a cell or from the front end ------------------
    # Under hold_trait_notifications (a state from the front end) every trait of the
    # update is in place before these run, so each sees the others' new values.

    def _check_padding(self, sentence: str, mask: str, pad: Any) -> None:
        if mask == "padding" and isinstance(pad, int) and sentence:
            allowed_pairs(mask, len(embed_known(sentence)[0]), pad)

    @traitlets.validate("sentence")
    def _valid_sentence(self, proposal):
        text = proposal["value"]
        embed_known(text)
        self._check_padding(text, self.mask, self.pad)
        return text

    @traitlets.validate("mask")
    def _valid_mask(self, proposal):
        kind = proposal["value"]
        if not isinstance(kind, str) or kind not in MASK_KINDS:
            raise InvalidState(f"mask must be one of {MASK_KINDS}, got {kind!r}")
        self._check_padding(self.sentence, kind, self.pad)
        return kind

    @traitlets.validate("n_heads")
    def _valid_heads(self, proposal):
        n_heads = check_whole(proposal["value"], "n_heads", 1, max(HEAD_CHOICES))
        if n_heads not in HEAD_CHOICES:
            raise InvalidState(f"n_heads must be one of {HEAD_CHOICES}, got {n_heads!r}")
        return n_heads

    @traitlets.validate("pad")
    def _valid_pad(self, proposal):
        pad = check_whole(proposal["value"], "pad", 1, MAX_TOKENS - 1)
        self._check_padding(self.sentence, self.mask, pad)
        return pad

    def _fixed_traits(self) -> tuple[str, ...]:
        return ("presets", "vocabulary", "features", "projections", "choices")

    # -- the reference computation ------------------------------------------------

    @property
    def current_sentence(self) -> str:
        """The sentence shown now."""
        return self.sentence

    def _refresh(self) -> None:
        tokens, x = embed_known(self.sentence)  # x: (T, d_model)
        allowed = allowed_pairs(self.mask, len(tokens), self.pad)  # (T, T)
        _, weights = multi_head_attention(
            x, self._w_q, self._w_k, self._w_v, self._w_o, self.n_heads, mask=allowed
        )  # weights: (H, T, T)
        self.tokens, self.allowed, self.weights = tokens, allowed, np.asarray(weights)

    # -- text alternatives ---------------------------------------------------------

    def summary(self) -> str:
        """One line under the heatmaps: tokens, heads, masked pairs."""
        n_heads = self.weights.shape[0]
        return (
            f"{len(self.tokens)} tokens, {n_heads} head(s) of {len(FEATURES) // n_heads} "
            f"numbers each; {int((~self.allowed).sum())} of {self.allowed.size} "
            "query-key pairs masked."
        )

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
        maps = "One heatmap" if n_heads == 1 else f"{n_heads} heatmaps, one per head,"
        return (
            f"{maps} of attention weights for the sentence "
            f"'{' '.join(self.tokens)}' with mask '{self.mask}'. Rows are queries, "
            f"columns keys; {masked} masked cells have weight exactly 0. {tops}."
        )

    # -- the static snapshot (drawn on display, never per change) -------------------

    def figure_png(self) -> bytes:
        """The heatmaps of the current state as a PNG (matplotlib)."""
        n_heads, n_tokens = self.weights.shape[0], len(self.tokens)
        if self._figure is None:
            self._figure = new_figure(*_SIZES[n_heads])
        fig = self._figure
        fig.clear()
        fig.set_size_inches(*_SIZES[n_heads])
        rows, cols = _GRID[n_heads]
        size = 10 if n_tokens <= 5 else 8 if n_tokens <= 8 else 6
        for h in range(n_heads):
            ax = fig.add_subplot(rows, cols, h + 1)
            handle = heatmap(
                ax, self.weights[h], self.tokens, self.tokens, colorbar=False,
                title=f"head {h + 1} of {n_heads}" if n_heads > 1 else "one head",
            )
            for (i, j), text in np.ndenumerate(handle.texts):
                text.set_fontsize(size)
                if not self.allowed[i, j]:
                    text.set_text("×")  # masked: the weight is exactly 0
            ax.tick_params(axis="x", labelrotation=60, labelsize=size + 1)
            ax.tick_params(axis="y", labelsize=size + 1)
        fig.suptitle(f"mask: {self.mask}   (× = masked, weight exactly 0)", fontsize=11)
        fig.subplots_adjust(**_MARGINS[n_heads])
        return figure_png(fig)

    def snapshot(self) -> str:
        png = self.figure_png()
        return snapshot_html(png, self.describe(), "Mask explorer",
                             f"<p>{html.escape(self.summary())}</p>")

