"""The first-attention explorer: edit word vectors, watch softmax(X Xᵀ) X change.

The reader picks one of the book's sentences and a word in it, types new
numbers on the word's feature axes, and sees the score matrix ``S = X Xᵀ``
and the attention weights update. Whatever the numbers, ``S`` stays equal to
its transpose, and the widget says so.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from ..embeddings import FEATURES, SENTENCES, embed, tokenize
from ..first_attention import attends_most_to_itself, max_asymmetry, weightless_self_attention
from ..html_tables import number_table
from ..plotting import figure_png, heatmap, new_figure
from ._live import SnapshotMixin, alert_html, snapshot_html

__all__ = ["FirstAttentionExplorer"]

FEATURE_LIMIT = 10.0
"""Each typed feature value must lie in [-FEATURE_LIMIT, FEATURE_LIMIT]."""

_LABEL_STYLE = {"description_width": "7em"}
_BOX = widgets.Layout(width="14em")


class FirstAttentionExplorer(SnapshotMixin, widgets.VBox):
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
    sentence, word : ipywidgets.Dropdown
    feature_boxes : list of ipywidgets.FloatText
        One per feature axis, holding the chosen word's vector.
    reset : ipywidgets.Button
        Puts every edited word back to its static vector.
    tokens : list of str
        The sentence's words, as written.
    x : numpy.ndarray, shape (T, len(FEATURES))
        The word vectors in use (edited ones included).
    result : SelfAttentionResult
        Scores, weights and output of the first self-attention on ``x``.
    vectors : dict
        Word (lower case) -> the vector the reader typed for it. The edits
        hold in every sentence, since a static vector belongs to the word.
    """

    def __init__(self, sentence: str = "apple phones", word: str | None = None):
        if sentence not in SENTENCES:
            raise ValueError(f"sentence must be one of {sorted(SENTENCES)}, got {sentence!r}")
        words = self._words(sentence)
        word = word if word is not None else ("apple" if "apple" in words else words[0])
        if word not in words:
            raise ValueError(f"word must be one of the sentence's words {words}, got {word!r}")
        self.vectors: dict[str, np.ndarray] = {}
        self._syncing = False

        self.sentence = widgets.Dropdown(
            options=[(text, key) for key, text in SENTENCES.items()], value=sentence,
            description="sentence", style=_LABEL_STYLE, layout=widgets.Layout(width="30em"),
        )
        self.word = widgets.Dropdown(
            options=words, value=word, description="edit the word", style=_LABEL_STYLE,
            layout=widgets.Layout(width="20em"),
        )
        self.feature_boxes = [
            widgets.FloatText(value=0.0, step=0.5, description=name, style=_LABEL_STYLE,
                              layout=_BOX)
            for name in FEATURES
        ]
        self.reset = widgets.Button(description="restore static vectors",
                                    layout=widgets.Layout(width="16em"))
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.symmetry = widgets.HTML()
        self.self_line = widgets.HTML()
        self.table = widgets.HTML()
        self.message = widgets.HTML()
        self._figure = new_figure(11.0, 4.8)

        half = (len(FEATURES) + 1) // 2
        boxes = widgets.HBox([
            widgets.VBox(self.feature_boxes[:half]), widgets.VBox(self.feature_boxes[half:]),
        ])
        self.sentence.observe(self._on_sentence, names="value")
        self.word.observe(self._on_word, names="value")
        for box in self.feature_boxes:
            box.observe(self._on_feature, names="value")
        self.reset.on_click(self._on_reset)
        super().__init__([
            widgets.HTML("<b>First self-attention explorer</b>: softmax(X Xᵀ) X"),
            self.sentence,
            self.word,
            widgets.HTML(f"The vector of the chosen word, one box per feature "
                         f"(each between {-FEATURE_LIMIT:g} and {FEATURE_LIMIT:g}):"),
            boxes,
            self.reset,
            self.image,
            self.symmetry,
            self.self_line,
            self.table,
            self.message,
        ])
        self._show(sentence, self.vectors, word=word, rebuild=True)
        self._fill_boxes()

    # --- small helpers -----------------------------------------------------------------

    @staticmethod
    def _words(sentence_key: str) -> list[str]:
        """The distinct words of a sentence, lower case, in order of first appearance."""
        return list(dict.fromkeys(token.lower() for token in tokenize(SENTENCES[sentence_key])))

    def vector_of(self, word: str, vectors: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """The vector in use for ``word``: the reader's edit if any, else the static one."""
        vectors = self.vectors if vectors is None else vectors
        key = word.lower()
        return vectors[key].copy() if key in vectors else embed(key).vector

    def _set_quietly(self, control, **values) -> None:
        self._syncing = True
        try:
            for name, value in values.items():
                setattr(control, name, value)
        finally:
            self._syncing = False

    def _fill_boxes(self) -> None:
        vector = self.vector_of(self.word.value)
        self._syncing = True
        try:
            for box, value in zip(self.feature_boxes, vector):
                box.value = float(value)
        finally:
            self._syncing = False

    def _fail(self, exc: Exception) -> None:
        self.message.value = alert_html(exc, "The previous state is kept.")

    # --- reacting to the controls ------------------------------------------------------

    def _on_sentence(self, change) -> None:
        if self._syncing:
            return
        words = self._words(change["new"])
        keep = self.word.value if self.word.value in words else (
            "apple" if "apple" in words else words[0]
        )
        try:
            self._show(change["new"], self.vectors, word=keep, rebuild=True)
        except Exception as exc:
            self._set_quietly(self.sentence, value=change["old"])
            self._fail(exc)
            return
        self._syncing = True
        try:
            self.word.options = words
            self.word.value = keep
        finally:
            self._syncing = False
        self._fill_boxes()
        self.message.value = ""

    def _on_word(self, change) -> None:
        if self._syncing:
            return
        self._fill_boxes()
        self.table.value = self._table(self.tokens, self.x, self.result, change["new"])
        self.message.value = ""

    def _on_feature(self, change) -> None:
        if self._syncing:
            return
        try:
            vector = np.array([box.value for box in self.feature_boxes], dtype=float)
            if not np.isfinite(vector).all():
                raise ValueError("every feature must be a finite number")
            too_big = np.abs(vector) > FEATURE_LIMIT
            if too_big.any():
                name = FEATURES[int(np.argmax(too_big))]
                raise ValueError(
                    f"the {name} feature must lie between {-FEATURE_LIMIT:g} and "
                    f"{FEATURE_LIMIT:g}, got {vector[too_big][0]:g}"
                )
            candidate = {**self.vectors, self.word.value: vector}
            self._show(self.sentence.value, candidate, word=self.word.value, rebuild=False)
        except Exception as exc:
            self._fill_boxes()  # the boxes go back to the vector still in use
            self._fail(exc)
            return
        self.message.value = ""

    def _on_reset(self, button=None) -> None:
        try:
            self._show(self.sentence.value, {}, word=self.word.value, rebuild=False)
        except Exception as exc:  # pragma: no cover - the static vectors always work
            self._fail(exc)
            return
        self._fill_boxes()
        self.message.value = ""

    # --- computing and drawing ---------------------------------------------------------

    def _show(
        self, sentence_key: str, vectors: dict[str, np.ndarray], *, word: str, rebuild: bool
    ) -> None:
        """Compute for these vectors, redraw, and only then adopt the new state.

        Everything that can fail runs before the figure is touched, so a
        failure leaves the previous figure and numbers in place.
        """
        tokens = tokenize(SENTENCES[sentence_key])
        x = np.stack([self.vector_of(token, vectors) for token in tokens])  # (T, d_model)
        result = weightless_self_attention(x)
        if not (np.isfinite(result.weights).all() and np.isfinite(result.output).all()):
            raise ValueError("the scores grew too large for softmax; use smaller features")
        asymmetry = max_asymmetry(result.scores)
        table = self._table(tokens, x, result, word)
        summary = self._self_summary(tokens, result)
        if rebuild:
            self._build_figure(tokens, result)
        else:
            low, high = float(result.scores.min()), float(result.scores.max())
            self._score_map.image.set_clim(low, high if high > low else low + 1.0)
            self._score_map.update(result.scores)
            self._weight_map.update(result.weights)
        self.image.value = figure_png(self._figure)
        self.tokens, self.x, self.result, self.vectors = tokens, x, result, dict(vectors)
        self.symmetry.value = (
            f"<b>S equals its transpose</b>: max |S − Sᵀ| = {asymmetry:.3g}. "
            "The score of word i with word j is always the score of j with i."
        )
        self.self_line.value = summary
        self.table.value = table

    def _build_figure(self, tokens: list[str], result) -> None:
        self._figure.clear()
        score_ax, weight_ax = self._figure.subplots(1, 2)
        small = len(tokens) > 6
        labels = {"xlabel": "word j (attended to)", "ylabel": "word i (attending)"}
        self._score_map = heatmap(
            score_ax, result.scores, tokens, tokens, vmin=None, vmax=None, fmt="{:.2f}",
            title="scores S = X Xᵀ (symmetric)", **labels,
        )
        self._weight_map = heatmap(
            weight_ax, result.weights, tokens, tokens, fmt="{:.2f}",
            title="weights: softmax of each row", **labels,
        )
        for handle in (self._score_map, self._weight_map):
            handle.ax.tick_params(axis="x", labelrotation=45 if small else 0)
            for text in handle.texts.flat:
                text.set_fontsize(7 if small else 10)
        self._figure.tight_layout()

    @staticmethod
    def _self_summary(tokens: list[str], result) -> str:
        own = attends_most_to_itself(result.weights)
        names = [token for token, flag in zip(tokens, own) if flag]
        listed = ", ".join(html.escape(name) for name in names) if names else "none"
        return (
            f"{int(own.sum())} of {len(tokens)} words give their largest weight to "
            f"themselves (the diagonal): {listed}."
        )

    @staticmethod
    def _table(tokens: list[str], x: np.ndarray, result, word: str) -> str:
        index = [token.lower() for token in tokens].index(word)
        static, in_use, contextual = embed(word).vector, x[index], result.output[index]
        return number_table(
            np.stack([static, in_use, contextual], axis=1),  # (features, 3)
            FEATURES, ["static vector", "vector in use", "after attention"],
            caption=f"“{tokens[index]}”: its vector before and after attention",
            corner="feature", fmt=("{:.2f}", "{:.2f}", "{:.3f}"), bold_cols=[2],
        )

    def describe(self) -> str:
        """A sentence describing the current figure, used as its alt text."""
        weights = self.result.weights
        favourites = "; ".join(
            f"{token} → {self.tokens[int(np.argmax(row))]} ({row.max():.2f})"
            for token, row in zip(self.tokens, weights)
        )
        return (
            f"Two heatmaps for the sentence “{SENTENCES[self.sentence.value]}”. Left: the raw "
            f"scores S = X Xᵀ, a symmetric matrix (largest |S − Sᵀ| is "
            f"{max_asymmetry(self.result.scores):.3g}). Right: the attention weights, each row "
            f"summing to 1. Each word's largest weight: {favourites}."
        )

    def snapshot(self) -> str:
        details = self.symmetry.value + "<br>" + self.self_line.value + self.table.value
        return snapshot_html(
            figure_png(self._figure), self.describe(), "First self-attention explorer", details
        )
