"""The embedding explorer: one word's static vector, and where it sits among a sentence's words.

The word's vector is the same whatever the sentence: that is what *static* means, and
the point of the widget. A word outside the toy vocabulary gets the package's
deterministic fallback vector, drawn hatched and labelled as such.

Its front end (``js/embedding.js``, with ``js/embeddings.js``) computes everything it
shows in the browser from what this class ships in the page state: the toy vocabulary,
the feature names, and the characters whose case folding differs from lower case (so a
typed word finds its vocabulary key as :func:`~selfattention.embeddings.embed` finds
it). A typed unknown word gets the very fallback vector the package gives it: the
browser repeats the package's SHA-256 seed and numpy's PCG64 normal draws. The
package stays the reference (:attr:`EmbeddingExplorer.state`); a change only
recomputes it, and the static picture is drawn when the widget is displayed.
"""

from __future__ import annotations

import html
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import traitlets

from ..embeddings import FEATURES, SENTENCES, VOCABULARY, Embedding, embed, embed_sentence
from ..embeddings import tokenize as _tokenize
from ..html_tables import heatmap_table, number_table
from ..plotting import bar_chart, figure_png, new_figure
from ..views import check_feature, feature_view
from ._base import InvalidState, InvalidType, LiveWidget
from ._live import snapshot_html

__all__ = ["EmbeddingExplorer", "MAX_CHARS", "MAX_TOKENS", "casefold_table", "label_text", "shorten"]

MAX_TOKENS = 20
"""Most words in a sentence the 2-D view stays readable for."""

MAX_CHARS = 60
"""Longest word accepted (longer ones are refused, shorter ones shortened in the figure)."""

_BAR_TITLE_CHARS = 16  # the bar chart's title shortens the word to this many characters
_SENTENCE_CHARS = 38  # the view's title shortens the sentence
_LABEL_CHARS = 16  # a word's label in the view (" (fallback)" is kept after it)
_HATCH = "//"  # fallback bars are hatched, so "unknown" never depends on colour alone


@cache
def casefold_table() -> dict[str, str]:
    """Each character whose ``str.casefold()`` differs from its ``str.lower()``, and its fold.

    The front end lowers every other character itself, so with this table it keys a word
    exactly as :func:`selfattention.embeddings.embed` does ("Straße" -> "strasse").
    """
    table = {}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) in ("Cs", "Cn"):
            continue  # surrogates and unassigned code points are not typed
        if char.casefold() != char.lower():
            table[char] = char.casefold()
    return table


@dataclass(frozen=True)
class _State:
    """Everything the widget shows, as the package computes it."""

    word: Embedding
    sentence: str
    tokens: list[Embedding]
    x: np.ndarray  # (T, d_model)
    x_feature: str
    y_feature: str
    names: list[str]  # the view's labels: the sentence's other words, then the chosen word
    roles: list[str]
    points: np.ndarray  # (n, 2): each vector in the plane of the two features


def _short_label(embedding: Embedding) -> str:
    return embedding.word if embedding.known else f"{embedding.word} (fallback)"


def shorten(text: str, limit: int) -> str:
    """``text`` with its runs of spaces made single, cut to ``limit`` characters with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def label_text(name: str, limit: int = _LABEL_CHARS) -> str:
    """A name as the view writes it: the word shortened to ``limit``, keeping " (fallback)"."""
    suffix = " (fallback)"
    if name.endswith(suffix):
        return shorten(name[: -len(suffix)], limit) + suffix
    return shorten(name, limit)


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise InvalidType(f"{name} must be a str, got {type(value).__name__} {value!r}")
    return value


def check_word(value: Any) -> str:
    """The typed word, stripped, if it is one word of at most :data:`MAX_CHARS` characters."""
    word = _text(value, "word").strip()
    if not word:
        raise InvalidState("word is empty: type a word such as 'apple'")
    if len(word.split()) > 1:
        raise InvalidState(f"word must be a single word, got {shorten(word, 30)!r}")
    if len(word) > MAX_CHARS:
        raise InvalidState(
            f"word has {len(word)} characters; the explorer takes at most {MAX_CHARS}"
        )
    return word


def check_sentence(value: Any) -> list[str]:
    """The sentence's tokens, if it has 1 to :data:`MAX_TOKENS` words, none too long."""
    text = _text(value, "sentence")
    try:
        tokens = _tokenize(text)
    except ValueError:
        raise InvalidState(
            f"the sentence has no words: type words such as {SENTENCES['apple phones']!r}"
        ) from None
    if len(tokens) > MAX_TOKENS:
        raise InvalidState(
            f"the sentence has {len(tokens)} words; the explorer shows at most {MAX_TOKENS}"
        )
    for token in tokens:
        if len(token) > MAX_CHARS:
            raise InvalidState(
                f"the word {shorten(token, 20)!r} has {len(token)} characters; the explorer "
                f"takes at most {MAX_CHARS}"
            )
    return tokens


def _feature(value: Any, name: str) -> str:
    try:
        check_feature(value, name)
    except TypeError as exc:
        raise InvalidType(str(exc)) from None
    except ValueError as exc:
        raise InvalidState(str(exc)) from None
    return value


def view_items(word: Embedding, tokens: list[Embedding], x: np.ndarray):
    """Names, vectors and roles for the 2-D view: the sentence's words, then the chosen word.

    The chosen word is drawn once, as the focus, even where the sentence holds it too.
    """
    chosen = word.word.lower()
    names, vectors, roles = [], [], []
    for token, vector in zip(tokens, x):
        if token.word.lower() == chosen:
            continue
        names.append(_short_label(token))
        vectors.append(vector)
        roles.append("word" if token.known else "fallback")
    names.append(_short_label(word))
    vectors.append(word.vector)
    roles.append("focus" if word.known else "focus_fallback")
    return names, np.stack(vectors), roles


class _Value(traitlets.Any):
    """Any value, None included, goes to the trait's validator (``traitlets.Any`` lets None by)."""

    allow_none = False


class EmbeddingExplorer(LiveWidget):
    """Pick a word and a sentence; see the word's static vector and where it sits among the words.

    Parameters
    ----------
    word : str
        The starting word: one word of at most 60 characters; words outside the toy
        vocabulary are allowed and get a fallback vector.
    sentence : str
        The starting sentence: 1 to 20 words.
    x_feature, y_feature : str
        The two features of the 2-D view, from :data:`~selfattention.embeddings.FEATURES`.

    Attributes
    ----------
    word, sentence, x_feature, y_feature : traits
        The state (synced with the front end); setting one to an unusable value raises
        :class:`ValueError` or :class:`TypeError` and changes nothing.
    state : _State
        What is shown now: ``state.word`` is the :class:`~selfattention.embeddings.Embedding`
        of the chosen word, ``state.tokens`` and ``state.x`` (T, d_model) those of the
        sentence, ``state.points`` (n, 2) the view's points.
    error : str
        Why the last change from the front end was refused, if it was.
    """

    _module = "embedding"
    _state_traits = ("word", "sentence", "x_feature", "y_feature")

    # Any (None too is refused): each is checked by its validator below, whose messages name it
    word = _Value("").tag(sync=True)
    sentence = _Value("").tag(sync=True)
    x_feature = _Value("").tag(sync=True)
    y_feature = _Value("").tag(sync=True)
    vocabulary = traitlets.Dict(read_only=True).tag(sync=True)
    features = traitlets.List(read_only=True).tag(sync=True)
    presets = traitlets.List(read_only=True).tag(sync=True)
    fold = traitlets.Dict(read_only=True).tag(sync=True)
    choices = traitlets.Dict(read_only=True).tag(sync=True)

    def __init__(
        self,
        word: str = "apple",
        sentence: str = SENTENCES["apple phones"],
        x_feature: str = "technology",
        y_feature: str = "fruit",
    ):
        self.set_trait("vocabulary", {w: v.tolist() for w, v in VOCABULARY.items()})
        self.set_trait("features", list(FEATURES))
        self.set_trait("presets", list(dict.fromkeys(SENTENCES.values())))
        self.set_trait("fold", casefold_table())
        self.set_trait("choices", {"max_tokens": MAX_TOKENS, "max_chars": MAX_CHARS})
        self._figure = None
        super().__init__(title="Embedding explorer", word=word, sentence=sentence,
                         x_feature=x_feature, y_feature=y_feature)

    # -- checks on every change, from a cell or from the front end ------------------

    @traitlets.validate("word")
    def _valid_word(self, proposal):
        check_word(proposal["value"])
        return proposal["value"]

    @traitlets.validate("sentence")
    def _valid_sentence(self, proposal):
        check_sentence(proposal["value"])
        return proposal["value"]

    @traitlets.validate("x_feature")
    def _valid_x(self, proposal):
        return _feature(proposal["value"], "x_feature")

    @traitlets.validate("y_feature")
    def _valid_y(self, proposal):
        return _feature(proposal["value"], "y_feature")

    def _fixed_traits(self) -> tuple[str, ...]:
        return ("vocabulary", "features", "presets", "fold", "choices")

    # -- the reference computation ------------------------------------------------

    def _refresh(self) -> None:
        word = embed(check_word(self.word))
        tokens, x = embed_sentence(self.sentence)  # x: (T, d_model)
        names, vectors, roles = view_items(word, tokens, x)
        i, j = FEATURES.index(self.x_feature), FEATURES.index(self.y_feature)
        points = vectors[:, [i, j]]  # (n, d_model) -> (n, 2): keep the two chosen features
        self.state = _State(word, self.sentence, tokens, x, self.x_feature, self.y_feature,
                            names, roles, points)

    # -- text alternatives ---------------------------------------------------------

    def status_parts(self) -> list[tuple[str, bool]]:
        """The line above the figure, as (text, bold) pieces."""
        state = self.state
        word = state.word.word
        if state.word.known:
            parts = [(
                f"“{word}” is in the toy vocabulary. Its vector is looked up, not computed "
                "from the sentence: change the sentence and it stays exactly the same.",
                False,
            )]
        else:
            parts = [
                (f"“{word}” is not in the toy vocabulary.", True),
                (" It is shown with a ", False),
                ("fallback vector", True),
                (": small numbers made from the spelling of the word, the same every time, "
                 "but carrying no meaning (hatched bars, pink star).", False),
            ]
        unknown = [t.word for t in state.tokens if not t.known]
        if unknown:
            listing = ", ".join(f"“{w}”" for w in unknown)
            parts.append((f" Sentence words with fallback vectors: {listing}.", False))
        return parts

    def status(self) -> str:
        """The line above the figure, as plain text."""
        return "".join(text for text, _ in self.status_parts())

    def _status_html(self) -> str:
        pieces = (f"<b>{html.escape(t)}</b>" if bold else html.escape(t)
                  for t, bold in self.status_parts())
        return f"<p>{''.join(pieces)}</p>"

    def describe_view(self) -> str:
        """Where each vector lands in the 2-D view, as :meth:`FeatureView.describe` says it."""
        state = self.state
        places = "; ".join(
            f"{name} at ({x:.3g}, {y:.3g})" for name, (x, y) in zip(state.names, state.points)
        )
        return f"{state.x_feature} across, {state.y_feature} up: {places}"

    def describe(self) -> str:
        """A sentence describing the current figure, used as its alt text."""
        state = self.state
        values = ", ".join(f"{f} {v + 0.0:.3g}" for f, v in zip(FEATURES, state.word.vector))
        kind = "static vector" if state.word.known else "fallback vector (the word is unknown)"
        return (
            f"Left: bar chart of the {kind} of “{state.word.word}”: {values}. "
            f"Right: the words of “{state.sentence}” drawn as arrows, with "
            f"{self.describe_view()}."
        )

    def tables_html(self) -> str:
        """The chosen word's vector, and the sentence as the matrix X (a viridis heatmap)."""
        state = self.state
        word = number_table(
            state.word.vector, [state.word.label], FEATURES,
            caption="The chosen word's vector", corner="word",
        )
        matrix = heatmap_table(
            state.x, [t.label for t in state.tokens], FEATURES, corner="token \\ feature",
            caption="The sentence as the matrix X: one row per token, its static vector.",
        )
        return word + matrix

    # -- the static snapshot (drawn on display, never per change) -------------------

    def figure_png(self) -> bytes:
        """The bar chart and the 2-D view of the current state as a PNG (matplotlib).

        6.6 x 4.4 inches at 100 dpi: 660 px, shown at its own size in the 688 px column,
        so 8-point text stays 11 px.
        """
        state = self.state
        if self._figure is None:
            self._figure = new_figure(6.6, 4.4)
        fig = self._figure
        fig.clear()
        grid = fig.add_gridspec(1, 2, width_ratios=[1.0, 1.15], wspace=0.3)
        ax_bars, ax_view = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.36, top=0.88)
        vector = state.word.vector + 0.0  # turn -0.0 into 0.0 for the labels
        low = min(-1.5, float(vector.min()) - 0.4)
        high = max(3.6, float(vector.max()) + 0.6)
        bars = bar_chart(ax_bars, list(FEATURES), vector, ylabel="value", fmt="{:.3g}",
                         ylim=(low, high))
        for label, value in zip(bars.labels, vector):
            label.set_fontsize(8)
            if value < 0:  # write a negative value under its bar, not across it
                label.set_verticalalignment("top")
        for bar in bars.bars:
            bar.set_hatch(None if state.word.known else _HATCH)
        for label in ax_bars.get_xticklabels():
            label.set_rotation(45)
            label.set_horizontalalignment("right")
            label.set_fontsize(8)
        ax_bars.tick_params(axis="y", labelsize=8)
        ax_bars.yaxis.label.set_fontsize(9)
        ax_bars.axhline(0, color="black", linewidth=0.8)
        kind = "static vector" if state.word.known else "fallback vector"
        ax_bars.set_title(f"“{shorten(state.word.word, _BAR_TITLE_CHARS)}”\n{kind}", fontsize=9)
        names = [label_text(name) for name in state.names]
        view_vectors = np.zeros((len(names), len(FEATURES)))
        view_vectors[:, FEATURES.index(state.x_feature)] = state.points[:, 0]
        view_vectors[:, FEATURES.index(state.y_feature)] = state.points[:, 1]
        feature_view(ax_view, names, view_vectors, state.roles, x_feature=state.x_feature,
                     y_feature=state.y_feature,
                     title=f"in: {shorten(state.sentence, _SENTENCE_CHARS)}")
        ax_view.title.set_fontsize(9)
        legend = ax_view.get_legend()  # under the view, not beside it: the column is narrow
        legend.set_loc("upper center")
        legend.set_bbox_to_anchor((0.5, -0.2))
        ax_view.tick_params(labelsize=8)
        for axis_label in (ax_view.xaxis.label, ax_view.yaxis.label):
            axis_label.set_fontsize(9)
        return figure_png(fig)

    def snapshot(self) -> str:
        return snapshot_html(
            self.figure_png(), self.describe(), "Embedding explorer",
            self._status_html() + self.tables_html(),
        )
