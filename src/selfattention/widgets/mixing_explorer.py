"""The mixing explorer: one weight slider per word, and the new vector they make.

The sliders always sum to 1. When the reader moves one of them, the others
share what is left in the proportions they had before
(:func:`selfattention.mixing.rebalance`), so the reader never has to fix up
the total by hand, and the weights stay a valid "attention budget".
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import ipywidgets as widgets
import numpy as np

from .._arrays import check_number
from ..embeddings import FEATURES, Embedding, embed_sentence
from ..html_tables import number_table
from ..mixing import mix, rebalance
from ..plotting import figure_png, new_figure
from ..views import check_feature, feature_view, view_limits
from ._live import SnapshotMixin, alert_html, snapshot_html

__all__ = ["MixingExplorer"]

_LABEL_STYLE = {"description_width": "11em"}
_WIDE = widgets.Layout(width="34em")
_RULE = (
    "The weights always sum to 1: when you move one slider, the others share what is "
    "left in the proportions they had before."
)


@dataclass(frozen=True)
class _Sentence:
    """A sentence ready to mix: its tokens, their vectors and where the focus word is."""

    text: str
    tokens: list[Embedding]
    x: np.ndarray  # (T, d_model)
    focus: int

    @property
    def words(self) -> list[str]:
        return [token.word for token in self.tokens]


@dataclass(frozen=True)
class _State:
    sentence: _Sentence
    weights: np.ndarray  # (T,)
    mixed: np.ndarray  # (d_model,)


def _prepare(text: str, focus: str) -> _Sentence:
    tokens, x = embed_sentence(text)
    lowered = [token.word.lower() for token in tokens]
    if focus.lower() not in lowered:
        raise ValueError(f"the focus word {focus!r} does not occur in the sentence {text!r}")
    if not 2 <= len(tokens) <= 8:
        raise ValueError(f"each sentence must have 2 to 8 words, {text!r} has {len(tokens)}")
    return _Sentence(text, tokens, x, lowered.index(focus.lower()))


class MixingExplorer(SnapshotMixin, widgets.VBox):
    """Move the mixing weights of a sentence's words; watch the focus word's new vector move.

    Parameters
    ----------
    sentences : sequence of str
        The sentences to choose from (2 to 8 words each); each must contain ``focus``.
    weights : sequence of float
        Starting weights, one per word of the first sentence: non-negative,
        summing to 1. They carry over to another sentence of the same length.
    focus : str
        The word whose new vector is built (case does not matter).
    x_feature, y_feature : str
        The two features of the view.

    Attributes
    ----------
    sentence : ipywidgets.ToggleButtons
    weight_sliders : list of ipywidgets.FloatSlider
        One per word of the current sentence.
    reset : ipywidgets.Button
        Puts the starting weights back.
    state : _State
        What is shown now: ``state.weights``, ``state.mixed`` (the new vector)
        and ``state.sentence`` (tokens, vectors ``x`` and ``focus`` index).
    message : ipywidgets.HTML
        Says what went wrong when an update fails; empty otherwise.
    """

    def __init__(
        self,
        sentences: Sequence[str] = ("love Apple phones", "love apple juice"),
        weights: Sequence[float] = (0.1, 0.5, 0.4),
        focus: str = "apple",
        x_feature: str = "technology",
        y_feature: str = "fruit",
    ):
        if isinstance(sentences, str) or len(sentences) == 0:
            raise ValueError("sentences must be a non-empty sequence of sentences")
        check_feature(x_feature, "x_feature")
        check_feature(y_feature, "y_feature")
        self._sentences = {text: _prepare(text, focus) for text in sentences}
        first = self._sentences[sentences[0]]
        self.start_weights = np.array(
            [check_number(w, f"weights[{i}]") for i, w in enumerate(weights)]
        )
        if len(self.start_weights) != len(first.tokens):
            raise ValueError(
                f"weights must have one entry per word of {first.text!r} "
                f"({len(first.tokens)} words), got {len(self.start_weights)}"
            )
        mixed = np.asarray(mix(first.x, self.start_weights))  # refuses bad weights
        self.focus_word = focus
        self.x_name, self.y_name = x_feature, y_feature
        self._syncing = False

        self.sentence = widgets.ToggleButtons(
            options=list(self._sentences), value=first.text, description="sentence",
            style=_LABEL_STYLE,
        )
        self.slider_box = widgets.VBox()
        self.weight_sliders: list[widgets.FloatSlider] = []
        self.reset = widgets.Button(
            description="reset weights", tooltip="put the starting weights back",
            icon="undo",
        )
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.table = widgets.HTML()
        self.message = widgets.HTML()

        self._figure = new_figure(7.6, 4.4)
        ax = self._figure.add_subplot()
        self._figure.subplots_adjust(left=0.1, right=0.62, bottom=0.13, top=0.9)
        self._view = feature_view(
            ax, ["?"], np.zeros((1, len(FEATURES))), x_feature=x_feature, y_feature=y_feature,
            diagonal=f"{x_feature} = {y_feature}", hull="where a proper mix can land",
        )

        self.sentence.observe(self._on_sentence, names="value")
        self.reset.on_click(self._on_reset)
        super().__init__(
            [
                widgets.HTML(f"<b>Mixing explorer</b><br><small>{html.escape(_RULE)}</small>"),
                self.sentence, self.slider_box, self.reset, self.image, self.table, self.message,
            ]
        )
        self.state = _State(first, self.start_weights.copy(), mixed)
        self._build_sliders(first)
        self._draw(self.state)

    # -- controls ------------------------------------------------------------------

    @property
    def weights(self) -> np.ndarray:
        """The weights now (a copy), one per word of the current sentence."""
        return self.state.weights.copy()

    def _build_sliders(self, sentence: _Sentence) -> None:
        sliders = []
        for index, (word, weight) in enumerate(zip(sentence.words, self.state.weights)):
            slider = widgets.FloatSlider(
                value=float(weight), min=0.0, max=1.0, step=0.01,
                description=f"weight of “{word}”", style=_LABEL_STYLE, layout=_WIDE,
                readout_format=".2f",
            )
            slider.observe(partial(self._on_slider, index), names="value")
            sliders.append(slider)
        self.weight_sliders = sliders
        self.slider_box.children = sliders

    def _sync_sliders(self) -> None:
        """Make every slider show ``state.weights`` without running the observers."""
        self._syncing = True
        try:
            for slider, weight in zip(self.weight_sliders, self.state.weights):
                slider.value = float(weight)
        finally:
            self._syncing = False

    def _fail(self, exc: Exception) -> None:
        self.message.value = alert_html(exc, "Still showing the previous weights.")

    def _apply(self, sentence: _Sentence, weights: np.ndarray) -> None:
        """Compute and draw a new state; only if both succeed does it become the state."""
        mixed = np.asarray(mix(sentence.x, weights))
        state = _State(sentence, np.asarray(weights, dtype=float), mixed)
        try:
            self._draw(state)
        except Exception:
            self._draw(self.state)
            raise
        self.state = state

    def _on_slider(self, index: int, change) -> None:
        if self._syncing:
            return
        try:
            weights = np.asarray(rebalance(self.state.weights, index, change["new"]))
            self._apply(self.state.sentence, weights)
            self.message.value = ""
        except Exception as exc:  # keep the widget alive and say what went wrong
            self._fail(exc)
        self._sync_sliders()  # the others follow the rule, or the moved one goes back

    def _on_sentence(self, change) -> None:
        if self._syncing:
            return
        previous = self.state
        try:
            sentence = self._sentences[change["new"]]
            same_length = len(sentence.tokens) == len(previous.weights)
            n = len(sentence.tokens)
            weights = previous.weights if same_length else np.full(n, 1 / n)
            self._apply(sentence, weights)
            if same_length:
                for slider, word in zip(self.weight_sliders, sentence.words):
                    slider.description = f"weight of “{word}”"
                self._sync_sliders()
            else:
                self._build_sliders(sentence)
            self.message.value = ""
        except Exception as exc:
            self._fail(exc)
            self._syncing = True
            try:
                self.sentence.value = previous.sentence.text
            finally:
                self._syncing = False

    def _on_reset(self, button=None) -> None:
        sentence = self.state.sentence
        weights = self.start_weights
        if len(weights) != len(sentence.tokens):
            weights = np.full(len(sentence.tokens), 1 / len(sentence.tokens))
        try:
            self._apply(sentence, weights)
            self.message.value = ""
        except Exception as exc:
            self._fail(exc)
        self._sync_sliders()

    # -- drawing -------------------------------------------------------------------

    def _names(self, state: _State) -> tuple[str, str]:
        word = state.sentence.words[state.sentence.focus]
        return f"{word} (static)", f"new {word}"

    def _draw(self, state: _State) -> None:
        sentence = state.sentence
        static_name, new_name = self._names(state)
        names = [static_name if i == sentence.focus else w for i, w in enumerate(sentence.words)]
        roles = ["static" if i == sentence.focus else "word" for i in range(len(names))]
        i, j = FEATURES.index(self.x_name), FEATURES.index(self.y_name)
        limits = view_limits(sentence.x[:, [i, j]], margin=0.7)
        self._view.update(
            [*names, new_name], np.vstack([sentence.x, state.mixed]), [*roles, "mixed"],
            limits=limits, title=f"“{sentence.text}”",
        )
        self.image.value = figure_png(self._figure)
        self.table.value = self._table(state)

    def _lean(self, state: _State) -> str:
        i, j = FEATURES.index(self.x_name), FEATURES.index(self.y_name)
        gap = state.mixed[i] - state.mixed[j]
        if abs(gap) < 1e-9:
            return f"exactly as much {self.x_name} as {self.y_name}"
        side, other = (self.x_name, self.y_name) if gap > 0 else (self.y_name, self.x_name)
        return f"{abs(gap):.2f} more {side} than {other}"

    def _table(self, state: _State) -> str:
        sentence = state.sentence
        static_name, new_name = self._names(state)
        weights = ", ".join(
            f"{html.escape(w)} {v:.3f}" for w, v in zip(sentence.words, state.weights)
        )
        static = sentence.x[sentence.focus]
        columns = np.stack([static, state.mixed, state.mixed - static], axis=1)  # (features, 3)
        table = number_table(
            columns, FEATURES, [static_name, new_name, "change"],
            caption="The static and the new vector", corner="feature",
            fmt=("{:.3f}", "{:.3f}", "{:+.3f}"),
            bold_rows=[FEATURES.index(self.x_name), FEATURES.index(self.y_name)],
        )
        return (
            f"<p>Weights: {weights} (sum {state.weights.sum():.3f}). "
            f"“{html.escape(new_name)}” has {html.escape(self._lean(state))}.</p>{table}"
        )

    # -- text for the website and screen readers -----------------------------------

    def describe(self) -> str:
        """A sentence describing the current figure, used as its alt text."""
        state = self.state
        new_name = self._names(state)[1]
        weights = ", ".join(f"{w} {v:.2f}" for w, v in zip(state.sentence.words, state.weights))
        return (
            f"Arrows in the plane of {self.x_name} (across) and {self.y_name} (up) for "
            f"“{state.sentence.text}” with weights {weights}: {self._view.describe()}. "
            f"The {new_name} vector has {self._lean(state)}; a dash-dot line marks where both "
            "features are equal, and a shaded polygon the region a proper mix can reach."
        )

    def snapshot(self) -> str:
        return snapshot_html(
            figure_png(self._figure), self.describe(), "Mixing explorer", self.table.value
        )
