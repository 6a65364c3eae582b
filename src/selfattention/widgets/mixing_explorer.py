"""The mixing explorer: one weight per word, and the new vector they make.

The weights always sum to 1. When the reader moves one of them, the others share
what is left in the proportions they had before
(:func:`selfattention.mixing.rebalance`), so the reader never has to fix up the
total by hand, and the weights stay a valid "attention budget".

Its front end (``js/mixing.js``) owns that rule: it rebalances in the browser, draws
the technology/fruit view and the tables, and sends one consistent state (a sentence
and weights summing to 1) per change. Here the package only checks that state and
computes the same new vector (:attr:`MixingExplorer.mixed`), the reference the
chapter asserts on. Nothing on this side writes back into the traits it observes, and
nothing snaps a weight to a slider's step: a change from the front end causes no
further change.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import traitlets

from .._arrays import check_number
from ..embeddings import FEATURES, Embedding, embed_sentence
from ..html_tables import number_table
from ..mixing import WEIGHT_TOLERANCE, mix, rebalance
from ..plotting import figure_png, new_figure
from ..views import check_feature, feature_view, view_limits
from ._base import InvalidState, LiveWidget, check_numbers
from ._live import snapshot_html

__all__ = ["MixingExplorer"]

RULE = (
    "The weights always sum to 1: when you move one, the others share what is "
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


def _prepare(text: str, focus: str) -> _Sentence:
    tokens, x = embed_sentence(text)
    lowered = [token.word.lower() for token in tokens]
    if focus.lower() not in lowered:
        raise ValueError(f"the focus word {focus!r} does not occur in the sentence {text!r}")
    if not 2 <= len(tokens) <= 8:
        raise ValueError(f"each sentence must have 2 to 8 words, {text!r} has {len(tokens)}")
    return _Sentence(text, tokens, np.asarray(x, dtype=float), lowered.index(focus.lower()))


class MixingExplorer(LiveWidget):
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
    sentence : str
        The sentence shown now (one of ``sentences``).
    weights : list of float
        One per word of the current sentence, each in [0, 1], summing to 1.
    mixed : numpy.ndarray, shape (d_model,)
        The focus word's new vector, ``mix(x, weights)``, computed by the package.
    start_weights : numpy.ndarray
        What :meth:`reset` puts back.
    error : str
        Why the last change was refused, if it was (see :class:`LiveWidget`).

    Set ``sentence`` and ``weights`` (from a cell, or from the front end) to a state
    whose weights sum to 1, or use :meth:`move`, :meth:`choose` and :meth:`reset`,
    which apply the widget's rule. A state that breaks the rule raises
    :class:`ValueError` and changes nothing.
    """

    _module = "mixing"
    _state_traits = ("sentence", "weights")

    sentence = traitlets.Unicode().tag(sync=True)
    weights = traitlets.List().tag(sync=True)  # checked by _valid_weights, which names the entry
    sentences = traitlets.List(read_only=True).tag(sync=True)
    features = traitlets.List(traitlets.Unicode(), read_only=True).tag(sync=True)
    axes = traitlets.List(traitlets.Unicode(), read_only=True).tag(sync=True)
    start = traitlets.List(traitlets.Float(), read_only=True).tag(sync=True)
    rule = traitlets.Unicode(RULE, read_only=True).tag(sync=True)

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
        self.mixed = np.asarray(mix(first.x, self.start_weights))  # refuses bad weights
        self.focus_word = focus
        self.x_name, self.y_name = x_feature, y_feature
        self.set_trait("sentences", [
            {"text": s.text, "words": s.words, "x": s.x.tolist(), "focus": s.focus}
            for s in self._sentences.values()
        ])
        self.set_trait("features", list(FEATURES))
        self.set_trait("axes", [x_feature, y_feature])
        self.set_trait("start", [float(w) for w in self.start_weights])

        self._figure = new_figure(7.6, 4.4)
        ax = self._figure.add_subplot()
        self._figure.subplots_adjust(left=0.1, right=0.62, bottom=0.13, top=0.9)
        self._view = feature_view(
            ax, ["?"], np.zeros((1, len(FEATURES))), x_feature=x_feature, y_feature=y_feature,
            diagonal=f"{x_feature} = {y_feature}", hull="where a proper mix can land",
        )
        super().__init__(title="Mixing explorer", sentence=first.text,
                         weights=[float(w) for w in self.start_weights])

    # -- checks on every change, from a cell or from the front end ------------------

    @traitlets.validate("sentence")
    def _valid_sentence(self, proposal):
        text = proposal["value"]
        if text not in self._sentences:
            raise InvalidState(
                f"sentence must be one of {list(self._sentences)}, got {text!r}"
            )
        return text

    @traitlets.validate("weights")
    def _valid_weights(self, proposal):
        weights = check_numbers(proposal["value"], "weights", 0.0, 1.0)
        # under hold_trait_notifications (a state from the front end) the sentence of the
        # same update is already in place when this runs
        n = len(self._sentences[self.sentence].tokens) if self.sentence else len(weights)
        if len(weights) != n:
            raise InvalidState(
                f"weights must have one entry per word of {self.sentence!r} ({n}), "
                f"got {len(weights)}"
            )
        total = sum(weights)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            raise InvalidState(f"weights must sum to 1, got a sum of {total:.6g}")
        return weights

    def _fixed_traits(self) -> tuple[str, ...]:
        return ("sentences", "features", "axes", "start", "rule")

    # -- the reference computation ------------------------------------------------

    @property
    def current(self) -> _Sentence:
        """The sentence shown now: its tokens, vectors ``x`` and ``focus`` index."""
        return self._sentences[self.sentence]

    def _refresh(self) -> None:
        self.mixed = np.asarray(mix(self.current.x, np.array(self.weights)))

    # -- the rule, for a cell (the front end applies the same rule itself) -------------

    def move(self, index: int, value: float) -> None:
        """Set weight ``index`` to ``value``; the others share the rest in proportion."""
        self.weights = [float(w) for w in rebalance(np.array(self.weights), index, value)]

    def choose(self, sentence: str) -> None:
        """Show another sentence: same weights if it has as many words, else even ones."""
        if sentence not in self._sentences:
            raise InvalidState(f"sentence must be one of {list(self._sentences)}, got {sentence!r}")
        n = len(self._sentences[sentence].tokens)
        weights = self.weights if n == len(self.weights) else [1.0 / n] * n
        with self.hold_trait_notifications():
            self.sentence = sentence
            self.weights = list(weights)

    def reset(self) -> None:
        """Put the starting weights back (even weights if they do not fit the sentence)."""
        n = len(self.current.tokens)
        start = [float(w) for w in self.start_weights]
        self.weights = start if len(start) == n else [1.0 / n] * n

    # -- the static snapshot ----------------------------------------------------

    def _names(self) -> tuple[str, str]:
        word = self.current.words[self.current.focus]
        return f"{word} (static)", f"new {word}"

    def _lean(self) -> str:
        i, j = FEATURES.index(self.x_name), FEATURES.index(self.y_name)
        gap = self.mixed[i] - self.mixed[j]
        if abs(gap) < 1e-9:
            return f"exactly as much {self.x_name} as {self.y_name}"
        side, other = (self.x_name, self.y_name) if gap > 0 else (self.y_name, self.x_name)
        return f"{abs(gap):.2f} more {side} than {other}"

    def table_html(self) -> str:
        """The weights and the table of the static and the new vector."""
        sentence = self.current
        static_name, new_name = self._names()
        weights = np.array(self.weights)
        listed = ", ".join(f"{html.escape(w)} {v:.3f}" for w, v in zip(sentence.words, weights))
        static = sentence.x[sentence.focus]
        columns = np.stack([static, self.mixed, self.mixed - static], axis=1)  # (features, 3)
        table = number_table(
            columns, FEATURES, [static_name, new_name, "change"],
            caption="The static and the new vector", corner="feature",
            fmt=("{:.3f}", "{:.3f}", "{:+.3f}"),
            bold_rows=[FEATURES.index(self.x_name), FEATURES.index(self.y_name)],
        )
        return (
            f"<p>Weights: {listed} (sum {weights.sum():.3f}). "
            f"“{html.escape(new_name)}” has {html.escape(self._lean())}.</p>{table}"
        )

    def figure_png(self) -> bytes:
        sentence = self.current
        static_name, new_name = self._names()
        names = [static_name if i == sentence.focus else w for i, w in enumerate(sentence.words)]
        roles = ["static" if i == sentence.focus else "word" for i in range(len(names))]
        i, j = FEATURES.index(self.x_name), FEATURES.index(self.y_name)
        self._view.update(
            [*names, new_name], np.vstack([sentence.x, self.mixed]), [*roles, "mixed"],
            limits=view_limits(sentence.x[:, [i, j]], margin=0.7), title=f"“{sentence.text}”",
        )
        return figure_png(self._figure)

    def describe(self) -> str:
        """A sentence describing the current figure, used as its alt text."""
        self.figure_png()  # the view's description follows the current state
        new_name = self._names()[1]
        weights = ", ".join(f"{w} {v:.2f}" for w, v in zip(self.current.words, self.weights))
        return (
            f"Arrows in the plane of {self.x_name} (across) and {self.y_name} (up) for "
            f"“{self.sentence}” with weights {weights}: {self._view.describe()}. "
            f"The {new_name} vector has {self._lean()}; a dash-dot line marks where both "
            "features are equal, and a shaded polygon the region a proper mix can reach."
        )

    def snapshot(self) -> str:
        png = self.figure_png()
        return snapshot_html(png, self.describe(), "Mixing explorer",
                             f"<small>{html.escape(RULE)}</small>{self.table_html()}")

