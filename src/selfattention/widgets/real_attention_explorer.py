"""The real-attention explorer: every layer and head of all-MiniLM-L6-v2, on a sentence.

Pick a sentence (one of the presets, or type one), a layer and a head; the heatmap
shows that head's attention weights. The package is the reference: on every change
:attr:`RealAttentionExplorer.weights` is the head's float32 weights from
:func:`~selfattention.pretrained.encode_sentence`. A change only reads them; the static
picture is drawn when the widget is displayed (:meth:`~RealAttentionExplorer.snapshot`),
never per change (issue 12: each change drew a figure, about 0.6 s).

The front end (``js/real_attention.js``) needs no model: the page ships the attention of
all 72 heads for each preset sentence. To keep the page small it ships each weight as
the two decimals the heatmap cells show, ``round(w, 2)`` in hundredths (an integer from 0
to 100), so every number in a cell is exactly Python's ``f"{w:.2f}"`` of the model's
weight, and no stored weight is more than :data:`MAX_ERROR` (0.005) from it. The
integers of one sentence, in the order (layer, head, query, key), are written as an
order-1 Exp-Golomb bit string (small numbers, the common ones, take few bits) in base64:
see :func:`pack_hundredths`. A sentence that is not a preset needs the model: in a
kernel the front end asks the Python side, which runs it and sends the same kind of
payload back as the ``computed`` trait; on the static website there is no kernel, and
the widget says so.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence

import numpy as np
import traitlets

from .._arrays import check_int
from ..plotting import figure_png, heatmap, new_figure
from ..pretrained import _check_sentence, encode_sentence, load_pretrained
from ._base import Checked, InvalidState, InvalidType, LiveWidget, check_whole
from ._live import snapshot_html

__all__ = [
    "RealAttentionExplorer",
    "PRESETS",
    "MAX_ERROR",
    "quantise",
    "pack_hundredths",
    "unpack_hundredths",
    "strongest_links",
    "special_share",
]

PRESETS = (
    "The animal didn't cross the street because it was too tired",
    "The animal didn't cross the street because it was too wide",
    "The trophy didn't fit in the suitcase because it was too big",
    "The trophy didn't fit in the suitcase because it was too small",
    "The cat sat on the mat because it was tired",
    "The cats in the garden are sleeping",
    "The keys to the cabinet are on the table",
    "The big dog barked at the man",
    "Paris is the capital of France",
    "buffalo buffalo buffalo buffalo buffalo",
)
"""The sentences whose attention the page ships: the chapter's examples."""

MAX_ERROR = 0.005
"""Most a shipped weight differs from the model's: half of the 0.01 the cells show."""

_SPECIAL = ("[CLS]", "[SEP]")
_MODEL_NAME = "all-MiniLM-L6-v2"


# -- the shipped weights: hundredths, packed ---------------------------------------------


def quantise(weights) -> np.ndarray:
    """Weights as whole hundredths: ``int(f"{w:.2f}" without the point)``, 0 to 100.

    Exactly the two decimals Python prints for each weight, so a cell that shows the
    stored value shows what ``f"{w:.2f}"`` shows for the model's own.
    """
    flat = np.asarray(weights, dtype=np.float64).ravel()
    if flat.size and not (np.isfinite(flat).all() and flat.min() >= 0 and flat.max() <= 1.0001):
        raise ValueError("weights must be finite numbers from 0 to 1")
    hundredths = [int(f"{w:.2f}".replace(".", "")) for w in flat.tolist()]
    return np.array(hundredths, dtype=np.int64).reshape(np.shape(weights))


def pack_hundredths(values) -> str:
    """Whole numbers >= 0 as an order-1 Exp-Golomb bit string, in base64.

    Each ``v`` is written as ``w = v + 2`` in binary (``n`` bits, the first a 1) after
    ``n - 2`` zeros: 0 and 1 take 2 bits, 2 to 5 take 4, 6 to 13 take 6, and so on. The
    last byte is padded with zeros. :func:`unpack_hundredths` (and the JS) reverse it.
    """
    bits = []
    for v in np.asarray(values, dtype=np.int64).ravel().tolist():
        if v < 0:
            raise ValueError(f"values must be whole numbers >= 0, got {v}")
        w = v + 2
        bits.append("0" * (w.bit_length() - 2) + format(w, "b"))
    text = "".join(bits)
    text += "0" * (-len(text) % 8)
    data = int(text, 2).to_bytes(len(text) // 8, "big") if text else b""
    return base64.b64encode(data).decode("ascii")


def unpack_hundredths(text: str, count: int) -> np.ndarray:
    """The ``count`` numbers :func:`pack_hundredths` wrote into ``text``."""
    bits = "".join(format(b, "08b") for b in base64.b64decode(text, validate=True))
    out, pos = [], 0
    for _ in range(count):
        zeros = 0
        while pos < len(bits) and bits[pos] == "0":
            zeros, pos = zeros + 1, pos + 1
        if pos + zeros + 2 > len(bits):
            raise ValueError(f"the packed text holds fewer than {count} numbers")
        out.append(int(bits[pos:pos + zeros + 2], 2) - 2)
        pos += zeros + 2
    if len(bits) - pos >= 8 or "1" in bits[pos:]:
        raise ValueError(f"the packed text holds more than {count} numbers")
    return np.array(out, dtype=np.int64)


def _payload(encoding) -> dict:
    """What the page needs of one sentence: its tokens and all heads' weights, packed."""
    return {
        "sentence": encoding.sentence,
        "tokens": list(encoding.tokens),
        "weights": pack_hundredths(quantise(encoding.attentions)),  # (L, H, T, T), in order
    }


# -- what the summary says (computed on the shown hundredths, as the JS does) ------------


def strongest_links(tokens: Sequence[str], hundredths, n: int = 3) -> list[tuple[str, str, int]]:
    """The ``n`` largest weights (in hundredths) between two different ordinary tokens.

    Ties keep reading order (row by row), as the front end's stable sort does.
    """
    hundredths = np.asarray(hundredths)
    T = len(tokens)
    ordinary = np.array([t not in _SPECIAL for t in tokens])
    allowed = ordinary[:, None] & ordinary[None, :] & ~np.eye(T, dtype=bool)  # (T, T)
    cells = [(-int(hundredths[i, j]), i, j) for i, j in zip(*np.nonzero(allowed))]
    return [(tokens[i], tokens[j], -k) for k, i, j in sorted(cells)[:n]]


def special_share(tokens: Sequence[str], hundredths) -> float:
    """The mean share of a token's attention on [CLS] and [SEP], in percent."""
    columns = [j for j, t in enumerate(tokens) if t in _SPECIAL]
    total = int(np.asarray(hundredths)[:, columns].sum())  # hundredths are percents
    return total / len(tokens)


class RealAttentionExplorer(LiveWidget):
    """Pick or type a sentence, pick a layer and a head, see that head's attention.

    Parameters
    ----------
    sentence : str
        The sentence shown first: a preset or any other (run through the model here).
    layer, head : int
        The head shown first (both counted from 0).
    max_tokens : int
        Longest sentence accepted, in word pieces with [CLS] and [SEP]
        (at most 24, so the heatmap stays readable).
    presets : sequence of str, optional
        The sentences offered (and shipped with the page); :data:`PRESETS` by default.

    Attributes
    ----------
    sentence, layer, head : traits
        The state, synced with the front end. Setting the sentence runs the model on it;
        an unusable value raises :class:`ValueError` or :class:`TypeError` and changes
        nothing.
    tokens : tuple of str
    weights : numpy.ndarray, shape (T, T)
        The head's attention weights now shown, the model's own float32 numbers.
    shown : numpy.ndarray, shape (T, T)
        What the heatmap cells show: ``weights`` to two decimals (at most 0.005 off).
    encoding : selfattention.pretrained.Encoding
        The sentence run through the model (all layers and heads).
    error : str
        Why the last change from the front end was refused, if it was.
    """

    _module = "real_attention"
    _state_traits = ("sentence", "layer", "head")

    sentence = Checked("").tag(sync=True)  # checked by _valid_sentence
    layer = Checked(0).tag(sync=True)  # checked by _valid_layer
    head = Checked(0).tag(sync=True)  # checked by _valid_head
    presets = traitlets.List(read_only=True).tag(sync=True)
    model = traitlets.Dict(read_only=True).tag(sync=True)
    computed = traitlets.Dict({}).tag(sync=True)  # the latest typed sentence's payload

    def __init__(
        self,
        sentence: str = PRESETS[0],
        layer: int = 0,
        head: int = 0,
        max_tokens: int = 20,
        presets: Sequence[str] | None = None,
    ):
        self.max_tokens = check_int(max_tokens, "max_tokens", minimum=3, maximum=24)
        pretrained = load_pretrained()
        self.n_layers, self.n_heads = pretrained.n_layers, pretrained.n_heads
        check_int(layer, "layer", minimum=0, maximum=self.n_layers - 1)
        check_int(head, "head", minimum=0, maximum=self.n_heads - 1)
        if presets is None:
            presets = PRESETS
        if isinstance(presets, str) or not isinstance(presets, Sequence) or not presets:
            raise TypeError("presets must be a non-empty sequence of sentences (str)")
        texts = list(dict.fromkeys(_check_sentence(p) for p in presets))
        self._presets = {
            text: encode_sentence(text, max_tokens=self.max_tokens) for text in texts
        }  # a preset that is too long raises here
        self.set_trait("presets", [_payload(e) for e in self._presets.values()])
        self.set_trait("model", {
            "name": _MODEL_NAME, "n_layers": self.n_layers, "n_heads": self.n_heads,
            "max_tokens": self.max_tokens, "max_error": MAX_ERROR,
        })
        super().__init__(title=f"Attention in {_MODEL_NAME}", sentence=sentence,
                         layer=layer, head=head)
        self.on_msg(self._on_message)

    # -- checks on every change, from a cell or from the front end ------------------

    @traitlets.validate("sentence")
    def _valid_sentence(self, proposal):
        try:
            text = _check_sentence(proposal["value"])
        except TypeError as exc:
            raise InvalidType(str(exc)) from None
        except ValueError as exc:
            raise InvalidState(str(exc)) from None
        if text in self._presets:
            return text
        try:
            encoding = encode_sentence(text, max_tokens=self.max_tokens)
        except ValueError as exc:
            raise InvalidState(str(exc)) from None
        if self.computed.get("sentence") != text:
            # Sent before the sentence itself, so the front end has the weights it needs.
            self.computed = _payload(encoding)
        return text

    @traitlets.validate("layer")
    def _valid_layer(self, proposal):
        return check_whole(proposal["value"], "layer", 0, self.n_layers - 1)

    @traitlets.validate("head")
    def _valid_head(self, proposal):
        return check_whole(proposal["value"], "head", 0, self.n_heads - 1)

    def _on_message(self, _widget, content, _buffers) -> None:
        """The front end asks for a typed sentence: run the model, send its weights."""
        if not isinstance(content, dict) or content.get("kind") != "encode":
            return
        try:
            with self.hold_sync():
                self.error = ""
                self.sentence = content.get("sentence")
        except Exception as exc:  # keep the last good state and say what went wrong
            self.error = str(exc)
        self.send({"kind": "encoded", "ok": self.error == ""})

    def _fixed_traits(self) -> tuple[str, ...]:
        return ("presets", "model", "computed")

    def page_state(self) -> dict:
        """The page's state; the typed sentence's weights only when it is the one shown."""
        state = super().page_state()
        if self.sentence in self._presets:
            state["computed"] = {}
        return state

    # -- the reference --------------------------------------------------------------

    def _refresh(self) -> None:
        encoding = self._presets.get(self.sentence)
        if encoding is None:
            encoding = encode_sentence(self.sentence, max_tokens=self.max_tokens)
        weights = np.asarray(encoding.attentions[self.layer, self.head], dtype=float)  # (T, T)
        self.encoding, self.weights = encoding, weights
        self._hundredths = quantise(weights)
        self.shown = self._hundredths / 100

    @property
    def tokens(self) -> tuple[str, ...]:
        return self.encoding.tokens

    # -- words: the summary and the alt text ------------------------------------------

    def links(self) -> list[tuple[str, str, int]]:
        """The three strongest links between different words, weights in hundredths."""
        return strongest_links(list(self.tokens), self._hundredths)

    def summary(self) -> str:
        """What the widget says under the heatmap (plain text, as the front end writes it)."""
        links = "; ".join(f"{q} → {k} {w / 100:.2f}" for q, k, w in self.links())
        share = special_share(self.tokens, self._hundredths)
        return (
            f"Strongest links between two different words in this head: {links}. "
            f"On average a token here gives {share:.0f}% of its attention to [CLS] and [SEP]."
        )

    def describe(self) -> str:
        """A sentence describing the current heatmap, used as its alt text."""
        links = "; ".join(f"{q} to {k} {w / 100:.2f}" for q, k, w in self.links())
        return (
            f"Heatmap of the attention weights of layer {self.layer}, head {self.head} of "
            f"{_MODEL_NAME} for the {len(self.tokens)} tokens of '{self.encoding.sentence}'; "
            f"rows are the attending tokens, columns the attended ones. Strongest links "
            f"between different words: {links}."
        )

    # -- the static snapshot (drawn on display, never per change) -------------------

    def figure_png(self) -> bytes:
        """The heatmap of the current head as a PNG (matplotlib), 680 px wide at most."""
        tokens = list(self.tokens)
        T = len(tokens)
        fig = new_figure(6.8, 6.2 if T > 12 else 5.2)
        ax = fig.add_subplot()
        drawn = heatmap(ax, self.weights, tokens, tokens, colorbar=False,
                        title=f"layer {self.layer}, head {self.head}")
        size = 9 if T <= 10 else 8 if T <= 14 else 7.5  # 7.5 pt at 100 dpi: 10.4 px
        for text in drawn.texts.flat:
            text.set_fontsize(size)
        ax.tick_params(axis="x", labelrotation=90, labelsize=size + 0.5)
        ax.tick_params(axis="y", labelsize=size + 0.5)
        fig.tight_layout()
        return figure_png(fig)

    def snapshot(self) -> str:
        return snapshot_html(self.figure_png(), self.describe(), "Real attention explorer",
                             f"<p>{html.escape(self.summary())}</p>")
