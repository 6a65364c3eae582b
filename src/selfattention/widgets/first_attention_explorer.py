"""The first-attention explorer: edit word vectors, watch softmax(X Xᵀ) X change.

The reader picks one of the book's sentences and a word in it, types new
numbers on the word's feature axes, and sees the score matrix ``S = X Xᵀ``
and the attention weights update. Whatever the numbers, ``S`` stays equal to
its transpose, and the widget says so.

Its front end (``js/first_attention.js``) computes the scores, weights and outputs in
the browser and draws them as heatmaps with the numbers in their cells, so it runs live
on the book's website too: the static vectors of every word of the sentences travel in
the page state. The state is the sentence, the word being edited and the reader's
edited vectors (``vectors``: word -> its eight features). Here the package computes the
same attention for that state (:attr:`FirstAttentionExplorer.result`): the reference
the chapter and the tests compare with. Nothing on this side writes back into the
traits it observes.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import numpy as np
import traitlets

from ..embeddings import FEATURES, SENTENCES, embed, tokenize
from ..first_attention import attends_most_to_itself, max_asymmetry, weightless_self_attention
from ..html_tables import number_table
from ..plotting import figure_png, heatmap, new_figure
from ._base import InvalidState, InvalidType, LiveWidget, check_number, check_numbers
from ._live import snapshot_html

__all__ = ["FEATURE_LIMIT", "FirstAttentionExplorer"]

FEATURE_LIMIT = 10.0
"""Each typed feature value must lie in [-FEATURE_LIMIT, FEATURE_LIMIT]."""

SYMMETRY_NOTE = "The score of word i with word j is always the score of j with i."


def _words(sentence_key: str) -> list[str]:
    """The distinct words of a sentence, lower case, in order of first appearance."""
    return list(dict.fromkeys(token.lower() for token in tokenize(SENTENCES[sentence_key])))


def _default_word(words: list[str], keep: str | None = None) -> str:
    """The word to edit in a sentence: ``keep`` if it has it, else "apple", else the first."""
    if keep in words:
        return keep
    return "apple" if "apple" in words else words[0]


_STATIC = {
    word: [float(v) for v in embed(word).vector]
    for key in SENTENCES for word in _words(key)
}
"""Every word of the book's sentences -> its static vector (what the page ships)."""


def symmetry_text(asymmetry: float) -> str:
    """The line under the maps: S equals its transpose, with the largest asymmetry."""
    return f"S equals its transpose: max |S − Sᵀ| = {asymmetry:.3g}. {SYMMETRY_NOTE}"


def self_text(tokens: list[str], own) -> str:
    """The line naming the words whose largest weight is on themselves."""
    names = [token for token, flag in zip(tokens, own) if flag]
    listed = ", ".join(names) if names else "none"
    return (
        f"{sum(bool(flag) for flag in own)} of {len(tokens)} words give their largest "
        f"weight to themselves (the diagonal): {listed}."
    )


class FirstAttentionExplorer(LiveWidget):
    """Choose a sentence, edit a word's vector, watch the scores and weights.

    Parameters
    ----------
    sentence : str
        A key of :data:`selfattention.embeddings.SENTENCES`, such as ``"apple phones"``.
    word : str, optional
        The word whose vector the boxes show first (lower case). Defaults to
        ``"apple"`` when the sentence has it, else its first word.

    Attributes
    ----------
    sentence : str
        The key of the sentence shown (synced with the front end).
    word : str
        The word (lower case) whose vector the number boxes edit.
    vectors : dict
        Word (lower case) -> the eight features the reader typed for it. The edits
        hold in every sentence, since a static vector belongs to the word;
        :meth:`reset` empties it. Each value must lie in [-10, 10].
    tokens : list of str
        The sentence's words, as written.
    x : numpy.ndarray, shape (T, len(FEATURES))
        The word vectors in use (edited ones included).
    result : SelfAttentionResult
        Scores, weights and output of the first self-attention on ``x``, computed by
        the package.
    symmetry, self_line : str
        The two lines the widget shows under its maps.
    error : str
        Why the last change from the front end was refused, if it was.

    Setting ``sentence``, ``word`` or ``vectors`` to something unusable (from a cell)
    raises :class:`ValueError` or :class:`TypeError` and changes nothing.
    """

    _module = "first_attention"
    _state_traits = ("sentence", "word", "vectors")

    sentence = traitlets.Unicode().tag(sync=True)
    word = traitlets.Unicode().tag(sync=True)
    vectors = traitlets.Any({}).tag(sync=True)  # checked by _valid_vectors, naming the entry
    sentences = traitlets.List(read_only=True).tag(sync=True)
    features = traitlets.List(traitlets.Unicode(), read_only=True).tag(sync=True)
    static = traitlets.Dict(read_only=True).tag(sync=True)
    limit = traitlets.Float(FEATURE_LIMIT, read_only=True).tag(sync=True)

    def __init__(self, sentence: str = "apple phones", word: str | None = None):
        if sentence not in SENTENCES:
            raise ValueError(f"sentence must be one of {sorted(SENTENCES)}, got {sentence!r}")
        words = _words(sentence)
        word = word if word is not None else _default_word(words)
        if word not in words:
            raise ValueError(f"word must be one of the sentence's words {words}, got {word!r}")
        self.set_trait("sentences", [
            {"key": key, "text": text, "tokens": tokenize(text), "words": _words(key)}
            for key, text in SENTENCES.items()
        ])
        self.set_trait("features", list(FEATURES))
        self.set_trait("static", {w: list(v) for w, v in _STATIC.items()})
        super().__init__(title="First self-attention explorer: softmax(X Xᵀ) X",
                         sentence=sentence, word=word, vectors={})

    # -- checks on every change, from a cell or from the front end ------------------

    @traitlets.validate("sentence")
    def _valid_sentence(self, proposal):
        key = proposal["value"]
        if not isinstance(key, str):
            raise InvalidType(f"sentence must be a str, got {type(key).__name__} {key!r}")
        if key not in SENTENCES:
            raise InvalidState(f"sentence must be one of {sorted(SENTENCES)}, got {key!r}")
        # under hold_trait_notifications the word of the same update is already in place
        if self.word and self.word not in _words(key):
            raise InvalidState(
                f"sentence {key!r} has no word {self.word!r}: choose the word with the "
                "sentence (choose() does)"
            )
        return key

    @traitlets.validate("word")
    def _valid_word(self, proposal):
        word = proposal["value"]
        if not isinstance(word, str):
            raise InvalidType(f"word must be a str, got {type(word).__name__} {word!r}")
        # under hold_trait_notifications (a state from the front end) the sentence of the
        # same update is already in place when this runs
        words = _words(self.sentence) if self.sentence else [word]
        if word not in words:
            raise InvalidState(
                f"word must be one of the sentence's words {words}, got {word!r}"
            )
        return word

    @traitlets.validate("vectors")
    def _valid_vectors(self, proposal):
        vectors = proposal["value"]
        if not isinstance(vectors, Mapping):
            raise InvalidType(
                f"vectors must map words to lists of {len(FEATURES)} numbers, "
                f"got {type(vectors).__name__}"
            )
        checked = {}
        for word, values in vectors.items():
            if word not in _STATIC:
                raise InvalidState(
                    f"vectors: {word!r} is not a word of the book's sentences"
                )
            vector = check_numbers(values, f"vectors[{word!r}]", -FEATURE_LIMIT, FEATURE_LIMIT)
            if len(vector) != len(FEATURES):
                raise InvalidState(
                    f"vectors[{word!r}] must have {len(FEATURES)} features "
                    f"({', '.join(FEATURES)}), got {len(vector)}"
                )
            checked[word] = vector
        return checked

    def _fixed_traits(self) -> tuple[str, ...]:
        return ("sentences", "features", "static", "limit")

    # -- the reference computation ------------------------------------------------

    def vector_of(self, word: str) -> np.ndarray:
        """The vector in use for ``word``: the reader's edit if any, else the static one."""
        key = word.lower()
        if key in self.vectors:
            return np.array(self.vectors[key], dtype=float)
        return embed(key).vector

    def _refresh(self) -> None:
        tokens = tokenize(SENTENCES[self.sentence])
        x = np.stack([self.vector_of(token) for token in tokens])  # (T, d_model)
        result = weightless_self_attention(x)
        if not (np.isfinite(result.weights).all() and np.isfinite(result.output).all()):
            raise ValueError("the scores grew too large for softmax; use smaller features")
        self.tokens, self.x, self.result = tokens, x, result
        self.asymmetry = max_asymmetry(result.scores)
        self.own = np.asarray(attends_most_to_itself(result.weights))
        self.symmetry = symmetry_text(self.asymmetry)
        self.self_line = self_text(tokens, self.own)

    # -- changes a cell can make (the front end applies the same rules itself) --------

    def choose(self, sentence: str, word: str | None = None) -> None:
        """Show another sentence; edit ``word`` in it (by default the same word if the
        sentence has it, else "apple", else its first word)."""
        if sentence not in SENTENCES:
            raise InvalidState(f"sentence must be one of {sorted(SENTENCES)}, got {sentence!r}")
        word = word if word is not None else _default_word(_words(sentence), self.word)
        with self.hold_trait_notifications():
            self.sentence = sentence
            self.word = word

    def edit(self, feature: str, value: float) -> None:
        """Set one feature of the chosen word's vector to ``value`` (in [-10, 10])."""
        if feature not in FEATURES:
            raise InvalidState(f"feature must be one of {list(FEATURES)}, got {feature!r}")
        value = check_number(value, feature, -FEATURE_LIMIT, FEATURE_LIMIT)
        vector = [float(v) for v in self.vector_of(self.word)]
        vector[FEATURES.index(feature)] = value
        self.vectors = {**self.vectors, self.word: vector}

    def reset(self) -> None:
        """Put every edited word back to its static vector."""
        self.vectors = {}

    # -- the static snapshot ----------------------------------------------------

    def table_html(self) -> str:
        """The chosen word's static vector, the vector in use and its vector after attention."""
        index = [token.lower() for token in self.tokens].index(self.word)
        static, in_use = embed(self.word).vector, self.x[index]
        contextual = self.result.output[index]
        return number_table(
            np.stack([static, in_use, contextual], axis=1),  # (features, 3)
            FEATURES, ["static vector", "vector in use", "after attention"],
            caption=f"“{self.tokens[index]}”: its vector before and after attention",
            corner="feature", fmt=("{:.2f}", "{:.2f}", "{:.3f}"), bold_cols=[2],
        )

    def figure_png(self) -> bytes:
        """The two heatmaps of the current state as a PNG (the snapshot's figure)."""
        figure = new_figure(11.0, 4.8)
        score_ax, weight_ax = figure.subplots(1, 2)
        small = len(self.tokens) > 6
        labels = {"xlabel": "word j (attended to)", "ylabel": "word i (attending)"}
        maps = [
            heatmap(score_ax, self.result.scores, self.tokens, self.tokens, vmin=None,
                    vmax=None, fmt="{:.2f}", title="scores S = X Xᵀ (symmetric)", **labels),
            heatmap(weight_ax, self.result.weights, self.tokens, self.tokens, fmt="{:.2f}",
                    title="weights: softmax of each row", **labels),
        ]
        for handle in maps:
            handle.ax.tick_params(axis="x", labelrotation=45 if small else 0)
            for text in handle.texts.flat:
                text.set_fontsize(7 if small else 10)
        figure.tight_layout()
        return figure_png(figure)

    def describe(self) -> str:
        """A sentence describing the current figure, used as its alt text."""
        weights = self.result.weights
        favourites = "; ".join(
            f"{token} → {self.tokens[int(np.argmax(row))]} ({row.max():.2f})"
            for token, row in zip(self.tokens, weights)
        )
        return (
            f"Two heatmaps for the sentence “{SENTENCES[self.sentence]}”. Left: the raw "
            f"scores S = X Xᵀ, a symmetric matrix (largest |S − Sᵀ| is "
            f"{self.asymmetry:.3g}). Right: the attention weights, each row "
            f"summing to 1. Each word's largest weight: {favourites}."
        )

    def snapshot(self) -> str:
        details = (
            f"<p>{html.escape(self.symmetry)}<br>{html.escape(self.self_line)}</p>"
            f"{self.table_html()}"
        )
        return snapshot_html(
            self.figure_png(), self.describe(), "First self-attention explorer", details
        )
