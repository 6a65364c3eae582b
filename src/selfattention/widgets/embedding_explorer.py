"""The embedding explorer: one word's static vector, and where it sits among a sentence's words."""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from ..embeddings import FEATURES, SENTENCES, VOCABULARY, Embedding, embed, embed_sentence
from ..html_tables import number_table
from ..plotting import bar_chart, figure_png, new_figure
from ..views import check_feature, feature_view
from ._live import SnapshotMixin, alert_html, snapshot_html

__all__ = ["EmbeddingExplorer"]

_LABEL_STYLE = {"description_width": "9em"}
_WIDE = widgets.Layout(width="34em")
_NARROW = widgets.Layout(width="17em")
_HATCH = "//"  # fallback bars are hatched, so "unknown" never depends on colour alone


@dataclass(frozen=True)
class _State:
    """Everything one drawing shows, computed before anything is drawn."""

    word: Embedding
    sentence: str
    tokens: list[Embedding]
    x: np.ndarray  # (T, d_model)
    x_feature: str
    y_feature: str


def _short_label(embedding: Embedding) -> str:
    return embedding.word if embedding.known else f"{embedding.word} (fallback)"


class EmbeddingExplorer(SnapshotMixin, widgets.VBox):
    """Pick a word and a sentence; see the word's static vector and where it sits among the words.

    The word's vector is the same whatever the sentence: that is what
    *static* means, and the point of the widget. A word outside the toy
    vocabulary gets a deterministic fallback vector, drawn hatched and labelled
    as such.

    Parameters
    ----------
    word : str
        The starting word (typed words outside the vocabulary are allowed).
    sentence : str
        The starting sentence.
    x_feature, y_feature : str
        The two features of the 2-D view, from :data:`~selfattention.embeddings.FEATURES`.

    Attributes
    ----------
    word, sentence : ipywidgets.Combobox
        Choose from the list or type your own.
    x_feature, y_feature : ipywidgets.Dropdown
        The axes of the 2-D view.
    state : _State
        What is shown now: ``state.word`` is the :class:`~selfattention.embeddings.Embedding`
        of the chosen word, ``state.tokens`` and ``state.x`` those of the sentence.
    message : ipywidgets.HTML
        Says what went wrong when an input cannot be shown; empty otherwise.
    """

    def __init__(
        self,
        word: str = "apple",
        sentence: str = SENTENCES["apple phones"],
        x_feature: str = "technology",
        y_feature: str = "fruit",
    ):
        check_feature(x_feature, "x_feature")
        check_feature(y_feature, "y_feature")
        self.word = widgets.Combobox(
            value=word, options=sorted(VOCABULARY), placeholder="type or pick a word",
            description="word", ensure_option=False, continuous_update=False,
            style=_LABEL_STYLE, layout=_WIDE,
        )
        self.sentence = widgets.Combobox(
            value=sentence, options=list(SENTENCES.values()), placeholder="type or pick a sentence",
            description="sentence", ensure_option=False, continuous_update=False,
            style=_LABEL_STYLE, layout=_WIDE,
        )
        self.x_feature = widgets.Dropdown(
            options=list(FEATURES), value=x_feature, description="across (x)",
            style=_LABEL_STYLE, layout=_NARROW,
        )
        self.y_feature = widgets.Dropdown(
            options=list(FEATURES), value=y_feature, description="up (y)",
            style=_LABEL_STYLE, layout=_NARROW,
        )
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.status = widgets.HTML()
        self.table = widgets.HTML()
        self.message = widgets.HTML()

        self._figure = new_figure(10.0, 4.0)
        grid = self._figure.add_gridspec(1, 2, width_ratios=[1.0, 1.2], wspace=0.28)
        ax_bars = self._figure.add_subplot(grid[0, 0])
        ax_view = self._figure.add_subplot(grid[0, 1])
        self._figure.subplots_adjust(left=0.07, right=0.76, bottom=0.24, top=0.9)

        # Validate the starting inputs: there is no earlier state to fall back on.
        self.state = self._compute()
        self._bars = bar_chart(
            ax_bars, list(FEATURES), self.state.word.vector, ylabel="value", fmt="{:.3g}",
            ylim=(-1.5, 3.6),
        )
        for label in self._bars.labels:
            label.set_fontsize(8)
        for label in ax_bars.get_xticklabels():
            label.set_rotation(40)
            label.set_horizontalalignment("right")
        ax_bars.axhline(0, color="black", linewidth=0.8)
        self._view = feature_view(
            ax_view, ["?"], np.zeros((1, len(FEATURES))), x_feature=x_feature, y_feature=y_feature
        )

        for control in (self.word, self.sentence, self.x_feature, self.y_feature):
            control.observe(self._on_change, names="value")
        axes_row = widgets.HBox([self.x_feature, self.y_feature])
        super().__init__(
            [
                widgets.HTML("<b>Embedding explorer</b>"),
                self.word, self.sentence, axes_row,
                self.status, self.image, self.table, self.message,
            ]
        )
        self._draw(self.state)

    # -- computing -----------------------------------------------------------------

    def _compute(self) -> _State:
        if len(self.word.value.split()) > 1:
            raise ValueError(f"type a single word, got {self.word.value.strip()!r}")
        word = embed(self.word.value)
        tokens, x = embed_sentence(self.sentence.value)
        return _State(
            word, self.sentence.value, tokens, x, self.x_feature.value, self.y_feature.value
        )

    # -- drawing -------------------------------------------------------------------

    def _on_change(self, change) -> None:
        previous = self.state
        try:
            state = self._compute()
            self._draw(state)
            self.state = state
            self.message.value = ""
        except Exception as exc:  # keep the widget alive and say what went wrong
            self.message.value = alert_html(exc, "Still showing the previous word and sentence.")
            try:
                self._draw(previous)
            except Exception:  # pragma: no cover - the previous state drew before
                pass

    def _view_items(self, state: _State) -> tuple[list[str], np.ndarray, list[str]]:
        """Names, vectors and roles for the 2-D view: the sentence's words, then the chosen word."""
        chosen = state.word.word.strip().lower()
        names, vectors, roles = [], [], []
        for token, vector in zip(state.tokens, state.x):
            if token.word.lower() == chosen:
                continue  # drawn once, as the chosen word
            names.append(_short_label(token))
            vectors.append(vector)
            roles.append("word" if token.known else "fallback")
        names.append(_short_label(state.word))
        vectors.append(state.word.vector)
        roles.append("focus" if state.word.known else "focus_fallback")
        return names, np.stack(vectors), roles

    def _draw(self, state: _State) -> None:
        vector = state.word.vector + 0.0  # turn -0.0 into 0.0 for the labels
        low = min(-1.5, float(vector.min()) - 0.4)
        high = max(3.6, float(vector.max()) + 0.6)
        self._bars.ax.set_ylim(low, high)
        self._bars.update(vector)
        for label, value in zip(self._bars.labels, vector):
            if value < 0:  # write a negative value under its bar, not across it
                label.set_verticalalignment("top")
        for bar in self._bars.bars:
            bar.set_hatch(None if state.word.known else _HATCH)
        kind = "static vector" if state.word.known else "fallback vector"
        self._bars.ax.set_title(f"“{_shorten(state.word.word, 16)}”: {kind}", fontsize=11)

        names, vectors, roles = self._view_items(state)
        self._view.update(
            names, vectors, roles, x_feature=state.x_feature, y_feature=state.y_feature,
            title=f"in: {_shorten(state.sentence)}",
        )
        self.image.value = figure_png(self._figure)
        self.status.value = self._status(state)
        self.table.value = self._table(state)

    def _status(self, state: _State) -> str:
        word = html.escape(state.word.word)
        if state.word.known:
            text = (
                f"“{word}” is in the toy vocabulary. Its vector is looked up, not computed "
                "from the sentence: change the sentence and it stays exactly the same."
            )
        else:
            text = (
                f"<b>“{word}” is not in the toy vocabulary.</b> It is shown with a "
                "<b>fallback vector</b>: small numbers made from the spelling of the word, "
                "the same every time, but carrying no meaning (hatched bars, pink star)."
            )
        unknown = [t.word for t in state.tokens if not t.known]
        if unknown:
            listing = ", ".join(f"“{html.escape(w)}”" for w in unknown)
            text += f" Sentence words with fallback vectors: {listing}."
        return f"<p>{text}</p>"

    def _table(self, state: _State) -> str:
        return number_table(
            state.word.vector, [state.word.label], FEATURES,
            caption="The chosen word's vector", corner="word",
        )

    # -- text for the website and screen readers -----------------------------------

    def describe(self) -> str:
        """A sentence describing the current figure, used as its alt text."""
        state = self.state
        values = ", ".join(f"{f} {v + 0.0:.3g}" for f, v in zip(FEATURES, state.word.vector))
        kind = "static vector" if state.word.known else "fallback vector (the word is unknown)"
        return (
            f"Left: bar chart of the {kind} of “{state.word.word}”: {values}. "
            f"Right: the words of “{state.sentence}” drawn as arrows, with "
            f"{self._view.describe()}."
        )

    def snapshot(self) -> str:
        return snapshot_html(
            figure_png(self._figure), self.describe(), "Embedding explorer",
            self.status.value + self.table.value,
        )


def _shorten(text: str, limit: int = 38) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
