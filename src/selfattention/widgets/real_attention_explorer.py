"""The real-attention explorer: any sentence, any layer and head of all-MiniLM-L6-v2."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from .._arrays import check_int
from ..plotting import figure_png, heatmap, new_figure
from ..pretrained import encode_sentence, load_pretrained
from ._live import SnapshotMixin, alert_html, snapshot_html

__all__ = ["RealAttentionExplorer"]

_LABEL_STYLE = {"description_width": "6em"}
_WIDE = widgets.Layout(width="40em")
_SPECIAL = ("[CLS]", "[SEP]")


def _strongest_links(tokens, weights, n: int = 3) -> list[tuple[str, str, float]]:
    """The ``n`` largest weights between two different ordinary words."""
    T = len(tokens)
    ordinary = np.array([t not in _SPECIAL for t in tokens])
    allowed = ordinary[:, None] & ordinary[None, :] & ~np.eye(T, dtype=bool)
    masked = np.where(allowed, weights, -1.0)
    order = np.argsort(-masked, axis=None)[:n]
    links = []
    for flat in order:
        i, j = divmod(int(flat), T)
        if masked[i, j] >= 0:
            links.append((tokens[i], tokens[j], float(weights[i, j])))
    return links


class RealAttentionExplorer(SnapshotMixin, widgets.VBox):
    """Type a sentence, pick a layer and a head, see that head's attention.

    Parameters
    ----------
    sentence : str
        The sentence shown first.
    layer, head : int
        The head shown first (both counted from 0).
    max_tokens : int
        Longest sentence accepted, in word pieces with [CLS] and [SEP]
        (at most 24, so the heatmap stays readable).

    Attributes
    ----------
    sentence : ipywidgets.Text
        Press Enter (or leave the box) to run the model on a new sentence.
    layer, head : ipywidgets.IntSlider
    tokens : tuple of str
    weights : numpy.ndarray, shape (T, T)
        The attention weights now shown.
    """

    def __init__(
        self,
        sentence: str = "The animal didn't cross the street because it was too tired",
        layer: int = 0,
        head: int = 0,
        max_tokens: int = 20,
    ):
        max_tokens = check_int(max_tokens, "max_tokens", minimum=3, maximum=24)
        layer, head = check_int(layer, "layer"), check_int(head, "head")
        pretrained = load_pretrained()
        check_int(layer, "layer", minimum=0, maximum=pretrained.n_layers - 1)
        check_int(head, "head", minimum=0, maximum=pretrained.n_heads - 1)
        self.max_tokens = max_tokens
        self.encoding = encode_sentence(sentence, max_tokens=max_tokens)  # a bad start sentence raises

        self.sentence = widgets.Text(
            value=sentence, description="sentence", continuous_update=False,
            style=_LABEL_STYLE, layout=_WIDE,
        )
        self.layer = widgets.IntSlider(
            value=layer, min=0, max=pretrained.n_layers - 1, description="layer",
            style=_LABEL_STYLE, layout=_WIDE,
        )
        self.head = widgets.IntSlider(
            value=head, min=0, max=pretrained.n_heads - 1, description="head",
            style=_LABEL_STYLE, layout=_WIDE,
        )
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.summary = widgets.HTML()
        self.message = widgets.HTML()

        self._figure = new_figure(7.0, 6.0)
        self._ax = self._figure.add_subplot()
        self._cbar_drawn = False
        self._heatmap = None
        self._shown_tokens = None

        for control in (self.sentence, self.layer, self.head):
            control.observe(self._on_change, names="value")
        super().__init__(
            [widgets.HTML("<b>Attention in all-MiniLM-L6-v2</b>"), self.sentence, self.layer,
             self.head, self.image, self.summary, self.message]
        )
        self.weights = np.zeros((0, 0))
        self._redraw(self.encoding)

    @property
    def tokens(self) -> tuple[str, ...]:
        return self.encoding.tokens

    def _on_change(self, change) -> None:
        try:
            encoding = self.encoding
            if change["owner"] is self.sentence:
                encoding = encode_sentence(self.sentence.value, max_tokens=self.max_tokens)
            self._redraw(encoding)
            self.message.value = ""
        except Exception as exc:  # keep the previous state and say what went wrong
            self.message.value = alert_html(exc)

    def _redraw(self, encoding) -> None:
        layer, head = self.layer.value, self.head.value
        weights = np.asarray(encoding.attentions[layer, head], dtype=float)
        tokens = list(encoding.tokens)
        if self._shown_tokens != tokens:
            self._ax.clear()
            handle = heatmap(self._ax, weights, tokens, tokens, colorbar=not self._cbar_drawn)
            self._cbar_drawn = True
            self._ax.tick_params(axis="x", labelrotation=90)
            size = 9 if len(tokens) <= 10 else 7 if len(tokens) <= 16 else 6
            for text in handle.texts.flat:
                text.set_fontsize(size)
        else:
            handle = self._heatmap
            handle.update(weights)
        self._ax.set_title(f"layer {layer}, head {head}", fontsize=11)
        self._figure.tight_layout()
        self.image.value = figure_png(self._figure)
        # Only now that drawing worked does the new state replace the old one.
        self.encoding, self.weights = encoding, weights
        self._heatmap, self._shown_tokens = handle, tokens
        links = _strongest_links(tokens, weights)
        items = "".join(
            f"<li>{html.escape(q)} → {html.escape(k)}: {w:.2f}</li>" for q, k, w in links
        )
        special = weights[:, [i for i, t in enumerate(tokens) if t in _SPECIAL]].sum(axis=1).mean()
        self.summary.value = (
            f"<p>Strongest links between two different words in this head:</p><ul>{items}</ul>"
            f"<p>On average a token here gives {special:.0%} of its attention to [CLS] and [SEP].</p>"
        )

    def describe(self) -> str:
        """A sentence describing the current figure, used as its alt text."""
        links = "; ".join(
            f"{q} to {k} {w:.2f}" for q, k, w in _strongest_links(list(self.tokens), self.weights)
        )
        return (
            f"Heatmap of the attention weights of layer {self.layer.value}, head {self.head.value} "
            f"of all-MiniLM-L6-v2 for the {len(self.tokens)} tokens of '{self.encoding.sentence}'; "
            f"rows are the attending tokens, columns the attended ones. Strongest links between "
            f"different words: {links}."
        )

    def snapshot(self) -> str:
        return snapshot_html(
            figure_png(self._figure), self.describe(), "Real attention explorer", self.summary.value
        )
