"""The recall quiz: flash cards for the review chapter.

Pick a card, answer it in your head, reveal the answer, then mark whether
you knew it. A strip of cells tracks the whole deck, so the cards still to
practise stand out. The deck mixes the ten active-recall questions with the
five common mistakes, put as true-or-false claims.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib
from matplotlib.patches import Rectangle

from .._arrays import check_int
from ..plotting import CMAP, figure_png, new_figure
from ._live import SnapshotMixin, alert_html, snapshot_html

__all__ = ["Card", "CARDS", "RecallQuiz"]


@dataclass(frozen=True)
class Card:
    """One flash card: a short label, the question and its answer."""

    label: str
    question: str
    answer: str


CARDS: tuple[Card, ...] = (
    Card("static embeddings", "Why can one fixed vector for “apple” not serve every sentence?",
         "Its meaning depends on the neighbours: next to “phones” it is a company, next to "
         "“juice” a fruit. A single static vector has to sit between the two and fits "
         "neither."),
    Card("contextual vector", "What is a contextual representation of a word?",
         "A new vector for the word, rebuilt from the vectors of the other words in the same "
         "input, so it changes when the sentence changes."),
    Card("weights sum to 1", "Why should the attention weights of one word add up to 1?",
         "They are shares of a mix. Summing to 1 keeps the new vector on the scale of the "
         "vectors it was mixed from, whatever the length of the sentence."),
    Card("dot product", "What does the dot product of a query and a key measure?",
         "How well the two match: large when they point the same way, near zero when they are "
         "unrelated, negative when they point apart."),
    Card("why softmax", "Why apply softmax to the scores?",
         "Scores can be negative and of any size. Softmax maps them to positive shares that sum "
         "to 1, keeps their order, and stays smooth enough to learn through."),
    Card("W_Q, W_K, W_V", "What do the learned matrices W_Q, W_K and W_V add?",
         "Parameters to train: the model learns what to look for, what to advertise and what "
         "to pass on, and the three roles no longer have to share one vector."),
    Card("key vs value", "How does a key differ from a value?",
         "The key is only compared with queries to decide the weights. The value is the "
         "content that those weights mix into the output."),
    Card("shape of QKᵀ", "For a sentence of 100 tokens, what shape is QKᵀ?",
         "100 × 100: one score for every (query, key) pair, whatever d_k is."),
    Card("parallel", "Why does self-attention parallelise better than an RNN?",
         "No token's output waits for another's: every row comes from the same Q, K and V, "
         "so all rows can be computed at once as matrix products."),
    Card("long range", "Why does self-attention handle long-range dependencies well?",
         "Any token reaches any other in a single step, however far apart they are; an RNN "
         "passes information along one step per token."),
    Card("mistake: weights",
         "True or false: the attention weights are the new meaning of the word.",
         "False. The weights only say how much of each value to take; the new vector is the "
         "weighted sum of the values."),
    Card("mistake: dot product",
         "True or false: a dot product between words is already self-attention.",
         "False. It gives scores only. Attention also needs learned projections, the softmax "
         "and the mixing of values."),
    Card("mistake: cheap", "True or false: self-attention is cheap because it runs in parallel.",
         "False. It parallelises well, but it builds a T × T matrix: doubling the sequence "
         "quadruples the scores to compute and store."),
    Card("mistake: three words", "True or false: Q, K and V come from three different words.",
         "False. Each token gets all three, as three projections of its own embedding."),
    Card("mistake: local", "True or false: a word only attends to the words next to it.",
         "False. Without a mask, every token can attend to every token of the input, "
         "near or far."),
)
"""The review chapter's deck: ten recall questions, then the five mistakes."""

_STATUS_TEXT = {None: "?", True: "knew", False: "again"}
_LABEL_STYLE = {"description_width": "8em"}


class RecallQuiz(SnapshotMixin, widgets.VBox):
    """Flash cards: pick a question, reveal its answer, mark whether you knew it.

    Parameters
    ----------
    cards : sequence of Card
        The deck (1 to 20 cards).
    start : int
        Index of the card shown first.

    Attributes
    ----------
    question : ipywidgets.Dropdown
        Which card is shown.
    reveal : ipywidgets.ToggleButton
        Shows or hides the answer.
    knew, again : ipywidgets.Button
        Mark the current card as known, or as one to practise again.
    status : list of (bool or None)
        Per card: None (not marked yet), True (knew it), False (practise again).
    """

    def __init__(self, cards: Sequence[Card] = CARDS, start: int = 0):
        cards = tuple(cards)
        if not 1 <= len(cards) <= 20:
            raise ValueError(f"cards must hold 1 to 20 cards, got {len(cards)}")
        if not all(isinstance(card, Card) for card in cards):
            raise TypeError("every card must be a selfattention.widgets.recall_quiz.Card")
        start = check_int(start, "start")
        if not 0 <= start < len(cards):
            raise ValueError(
                f"start must be a card index from 0 to {len(cards) - 1}, got {start!r}"
            )
        self.cards = cards
        self.status: list[bool | None] = [None] * len(cards)

        self.question = widgets.Dropdown(
            options=[(f"{i + 1}. {card.label}", i) for i, card in enumerate(cards)], value=start,
            description="card", style=_LABEL_STYLE, layout=widgets.Layout(width="30em"),
        )
        self.reveal = widgets.ToggleButton(value=False, description="show the answer", icon="eye")
        self.knew = widgets.Button(description="I knew it", icon="check")
        self.again = widgets.Button(description="practise again", icon="repeat")
        self.prompt = widgets.HTML()
        self.answer = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="760px"))
        self.message = widgets.HTML()

        self._figure = new_figure(7.6, 1.35)
        self._ax = self._figure.add_axes((0.01, 0.05, 0.98, 0.6))
        self._title = self._figure.text(0.5, 0.86, "", ha="center", va="center", fontsize=10)
        self._cells = []
        self._texts = []
        for i in range(len(cards)):
            cell = Rectangle((i, 0), 0.92, 1, edgecolor="black", linewidth=0.6)
            self._ax.add_patch(cell)
            self._cells.append(cell)
            text = self._ax.text(i + 0.46, 0.5, "", ha="center", va="center", fontsize=7)
            self._texts.append(text)
            self._ax.text(i + 0.46, -0.28, str(i + 1), ha="center", va="center", fontsize=7)
        self._ax.set_xlim(-0.1, len(cards))
        self._ax.set_ylim(-0.55, 1.1)
        self._ax.set_axis_off()

        self.question.observe(self._on_change, names="value")
        self.reveal.observe(self._on_change, names="value")
        self.knew.on_click(lambda _: self._mark(True))
        self.again.on_click(lambda _: self._mark(False))
        super().__init__([
            widgets.HTML("<b>Recall quiz</b>"), self.question, self.prompt,
            widgets.HBox([self.reveal, self.knew, self.again]), self.answer, self.image,
            self.message,
        ])
        self._redraw()

    @property
    def current(self) -> Card:
        """The card shown now."""
        return self.cards[self.question.value]

    def _on_change(self, change) -> None:
        if change is not None and change.get("owner") is self.question and self.reveal.value:
            self.reveal.value = False  # a new card starts with its answer hidden; this redraws
            return
        self._safely(self._redraw)

    def _mark(self, knew: bool) -> None:
        def update():
            status = list(self.status)
            status[self.question.value] = knew
            self._redraw(status)
            self.status = status

        self._safely(update)

    def _safely(self, update) -> None:
        try:
            update()
            self.message.value = ""
        except Exception as exc:  # keep the widget alive and say what went wrong
            self.message.value = alert_html(exc)

    def _redraw(self, status: list[bool | None] | None = None) -> None:
        status = self.status if status is None else status
        index = self.question.value
        cmap = matplotlib.colormaps[CMAP]
        fills = {None: "#eeeeee", True: cmap(0.85), False: cmap(0.15)}
        for i, (cell, text, state) in enumerate(zip(self._cells, self._texts, status)):
            cell.set_facecolor(fills[state])
            cell.set_linewidth(2.4 if i == index else 0.6)
            text.set_text(_STATUS_TEXT[state])
            text.set_color("white" if state is False else "black")
        known = sum(s is True for s in status)
        again = sum(s is False for s in status)
        self._title.set_text(
            f"{known} known, {again} to practise again, {len(status) - known - again} not tried "
            f"(card {index + 1} outlined)"
        )
        png = figure_png(self._figure)
        card = self.cards[index]
        self.prompt.value = f"<p><b>Q{index + 1}.</b> {html.escape(card.question)}</p>"
        self.answer.value = (
            f"<p><b>Answer.</b> {html.escape(card.answer)}</p>" if self.reveal.value
            else "<p><i>Answer hidden: say it to yourself first, then show it.</i></p>"
        )
        self.image.value = png

    def describe(self) -> str:
        """A sentence describing the progress strip, used as its alt text."""
        marks = ", ".join(
            f"{i + 1} {'not tried' if s is None else _STATUS_TEXT[s]}"
            for i, s in enumerate(self.status)
        )
        return (
            f"A strip of {len(self.cards)} cells, one per card, showing how the reader "
            f"marked each: {marks}. Card {self.question.value + 1} is shown now."
        )

    def snapshot(self) -> str:
        items = "".join(
            f"<li><details><summary>{html.escape(card.question)}</summary>"
            f"<p>{html.escape(card.answer)}</p></details></li>"
            for card in self.cards
        )
        deck = f"<ol class='sa-recall-deck'>{items}</ol>"
        return snapshot_html(figure_png(self._figure), self.describe(), "Recall quiz", deck)
