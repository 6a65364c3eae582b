"""The recall quiz: flash cards for the review chapter.

Pick a card, answer it, reveal the answer, then mark whether you knew it. A strip of
cells tracks the whole deck, so the cards still to practise stand out. The deck mixes
the ten active-recall questions with the five common mistakes, put as true-or-false
claims.

Where a card's answer can be checked exactly (true or false, a number, a shape such as
``100 × 100``), the card has an answer box: :func:`check_answer` reads what the reader
typed in any of its reasonable written forms ("100x100", "100 x 100", "(100, 100)") and
says whether it is right; text it cannot read is refused with a message. The other
cards stay self-marked.

Its front end (``js/recall_quiz.js``) runs the whole quiz in the browser from the deck
shipped in the page state, and reads answers by the same rules (the tests hold the two
to identical results and messages). This class keeps the reference state: the card
shown, the reader's marks and answers, and from them :attr:`RecallQuiz.status` and
:attr:`RecallQuiz.score`. A change never draws the picture; the static snapshot is drawn
only when the widget is displayed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
import traitlets
from matplotlib.patches import Rectangle

from .._arrays import check_int
from ..plotting import CMAP, figure_png, new_figure
from ._base import InvalidState, InvalidType, LiveWidget
from ._live import snapshot_html

__all__ = ["Card", "CARDS", "CHECK_KINDS", "LABELS", "RecallQuiz", "check_answer"]

CHECK_KINDS = ("recall", "bool", "number", "shape")
"""How a card is marked: "recall" by the reader; the others from the answer typed."""

MAX_ANSWER = 60
"""The longest answer (in characters) the answer box reads."""

MAX_DIGITS = 9
"""The most digits a dimension of a typed shape may have."""

LABELS = {
    "reveal": "show the answer",
    "hide": "hide the answer",
    "knew": "I knew it",
    "again": "practise again",
    "check": "check my answer",
    "previous": "previous card",
    "next": "next card",
    "reset": "start again",
    "answer": "your answer",
    "cards": "cards",
}
"""The widget's button and box labels, shown in full (issue 12: "show the ans…")."""


@dataclass(frozen=True)
class Card:
    """One flash card: a short label, the question and its answer.

    ``kind`` says how the card is marked: "recall" (the reader marks it), or from an
    answer typed in its box: "bool" (``expected`` is True or False), "number"
    (``expected`` a float, right within ``tolerance``) or "shape" (``expected`` a tuple
    of whole numbers such as ``(100, 100)``).
    """

    label: str
    question: str
    answer: str
    kind: str = "recall"
    expected: Any = None
    tolerance: float = 0.0


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
         "100 × 100: one score for every (query, key) pair, whatever d_k is.",
         kind="shape", expected=(100, 100)),
    Card("parallel", "Why does self-attention parallelise better than an RNN?",
         "No token's output waits for another's: every row comes from the same Q, K and V, "
         "so all rows can be computed at once as matrix products."),
    Card("long range", "Why does self-attention handle long-range dependencies well?",
         "Any token reaches any other in a single step, however far apart they are; an RNN "
         "passes information along one step per token."),
    Card("mistake: weights",
         "True or false: the attention weights are the new meaning of the word.",
         "False. The weights only say how much of each value to take; the new vector is the "
         "weighted sum of the values.", kind="bool", expected=False),
    Card("mistake: dot product",
         "True or false: a dot product between words is already self-attention.",
         "False. It gives scores only. Attention also needs learned projections, the softmax "
         "and the mixing of values.", kind="bool", expected=False),
    Card("mistake: cheap", "True or false: self-attention is cheap because it runs in parallel.",
         "False. It parallelises well, but it builds a T × T matrix: doubling the sequence "
         "quadruples the scores to compute and store.", kind="bool", expected=False),
    Card("mistake: three words", "True or false: Q, K and V come from three different words.",
         "False. Each token gets all three, as three projections of its own embedding.",
         kind="bool", expected=False),
    Card("mistake: local", "True or false: a word only attends to the words next to it.",
         "False. Without a mask, every token can attend to every token of the input, "
         "near or far.", kind="bool", expected=False),
)
"""The review chapter's deck: ten recall questions, then the five mistakes."""

_STATUS_TEXT = {None: "?", True: "knew", False: "again"}

# -- reading a typed answer (js/recall_quiz.js has the same rules, character for character) --

_SPACE = " \t\n\r\f\v\u00a0\u2009\u202f\u3000"
_EDGES = re.compile(f"\\A[{_SPACE}]+|[{_SPACE}]+\\Z")
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_TRUE = ("true", "t", "yes", "y")
_FALSE = ("false", "f", "no", "n")
_NUMBER = re.compile(r"\A[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_BRACKETS = re.compile(r"\A(?:torch\.size\(\[([^()\[\]]*)\]\)|\(([^()\[\]]*)\)|\[([^()\[\]]*)\])\Z")
_SEPARATOR = re.compile(f"[{_SPACE}]*(?:×|✕|x|\\*|,|by)[{_SPACE}]*")
_WHOLE = re.compile(r"\A[0-9]+\Z")
_HINTS = {
    "bool": ("true or false", "type true or false"),
    "number": ("a number", "type a number such as 0.5 or 1e-3"),
    "shape": ("a shape", "type whole numbers such as 3 × 4, 3x4 or (3, 4)"),
}


def _strip(text: str) -> str:
    return _EDGES.sub("", text)


def _format_number(value: float) -> str:
    return f"{value:.6g}"


def read_answer(kind: str, text: Any, card: int = 1) -> Any:
    """What a typed answer says: a bool, a float or a tuple of ints (by ``kind``).

    ``card`` (counted from 1) names the card in the messages.

    Raises
    ------
    InvalidType (a TypeError)
        If ``text`` is not a string.
    InvalidState (a ValueError)
        For an empty answer, one too long, or text that does not read as ``kind``.
    """
    if kind not in _HINTS:
        raise InvalidState(f"card {card} has no answer box (its kind is {kind!r})")
    if not isinstance(text, str):
        raise InvalidType(f"card {card}: the answer must be a str, got {type(text).__name__}")
    what, hint = _HINTS[kind]
    if len(text) > MAX_ANSWER:
        raise InvalidState(
            f"card {card}: the answer is {len(text)} characters long; type at most {MAX_ANSWER}"
        )
    typed = _strip(text)
    if typed == "":
        raise InvalidState(f"card {card}: the answer box is empty; {hint}")
    nonsense = InvalidState(f'card {card}: could not read "{typed}" as {what}; {hint}')
    if kind == "bool":
        word = re.sub(r"[.!]+\Z", "", typed.translate(_LOWER))
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise nonsense
    if kind == "number":
        if not _NUMBER.match(typed):
            raise nonsense
        value = float(typed)
        if value in (float("inf"), float("-inf")):
            raise InvalidState(f'card {card}: "{typed}" is too large to be a number here')
        return value
    shape = _strip(re.sub(r"\.+\Z", "", typed.translate(_LOWER)))
    inside = _BRACKETS.match(shape)
    if inside:
        shape = _strip(next(g for g in inside.groups() if g is not None))
        if shape.endswith(","):  # a one-dimensional shape written as a tuple: (100,)
            shape = _strip(shape[:-1])
    parts = _SEPARATOR.split(shape)
    if not all(_WHOLE.match(part) for part in parts):
        raise nonsense
    if any(len(part) > MAX_DIGITS for part in parts):
        raise InvalidState(
            f'card {card}: "{typed}" has a dimension of more than {MAX_DIGITS} digits'
        )
    return tuple(int(part) for part in parts)


def _show(kind: str, value: Any) -> str:
    if kind == "bool":
        return "true" if value else "false"
    if kind == "number":
        return _format_number(value)
    return " × ".join(str(n) for n in value)


def check_answer(card: Card, text: Any, number: int = 1) -> dict:
    """Check a typed answer to ``card``: ``{"correct": bool, "read": str}``.

    ``read`` is the answer as it was understood ("100 × 100", "false", "0.5").
    ``number`` (from 1) names the card in the messages. Text that cannot be read raises
    :class:`ValueError` (or :class:`TypeError` for a non-string), as :func:`read_answer`.
    """
    value = read_answer(card.kind, text, number)
    if card.kind == "bool":
        correct = value is card.expected
    elif card.kind == "number":
        correct = abs(value - card.expected) <= card.tolerance
    else:
        correct = value == tuple(card.expected)
    return {"correct": correct, "read": _show(card.kind, value)}


def _check_card(card: Any, i: int) -> Card:
    if not isinstance(card, Card):
        raise TypeError("every card must be a selfattention.widgets.recall_quiz.Card")
    if card.kind not in CHECK_KINDS:
        raise ValueError(f"cards[{i}].kind must be one of {CHECK_KINDS}, got {card.kind!r}")
    if card.kind == "bool" and not isinstance(card.expected, bool):
        raise TypeError(f"cards[{i}].expected must be True or False for a 'bool' card")
    if card.kind == "number":
        from ._base import check_number

        check_number(card.expected, f"cards[{i}].expected", -1e300, 1e300)
        check_number(card.tolerance, f"cards[{i}].tolerance", 0.0, 1e300)
    if card.kind == "shape":
        dims = card.expected
        if isinstance(dims, (str, bytes)) or not isinstance(dims, Sequence) or not dims:
            raise TypeError(f"cards[{i}].expected must be a tuple of ints, such as (100, 100)")
        for dim in dims:
            check_int(dim, f"cards[{i}].expected", minimum=0, maximum=10**MAX_DIGITS - 1)
    return card


def _card_page(card: Card) -> dict:
    entry = {"label": card.label, "question": card.question, "answer": card.answer,
             "kind": card.kind}
    if card.kind == "bool":
        entry["expected"] = card.expected
    elif card.kind == "number":
        entry["expected"] = float(card.expected)
        entry["tolerance"] = float(card.tolerance)
    elif card.kind == "shape":
        entry["expected"] = [int(n) for n in card.expected]
    return entry


class RecallQuiz(LiveWidget):
    """Flash cards: pick a question, reveal its answer, mark whether you knew it.

    Parameters
    ----------
    cards : sequence of Card
        The deck (1 to 20 cards).
    start : int
        Index of the card shown first.

    Attributes
    ----------
    card : int trait
        Index of the card shown.
    revealed : bool trait
        Whether its answer is shown.
    marks : list trait, one per card
        The reader's own marks: None (not marked), True (knew it), False (practise
        again). Always None for a card with an answer box.
    attempts : list trait, one per card
        The answer typed for each card with an answer box (None until one is checked);
        always None for the other cards.
    status : list of (bool or None)
        Per card: None (not tried), True (knew it or answered right), False (practise
        again or answered wrong). Computed from ``marks`` and ``attempts``.
    verdicts : list of (dict or None)
        Per card with an answer: :func:`check_answer`'s ``{"correct", "read"}``.
    score : dict
        ``{"known": ..., "again": ..., "not_tried": ...}``.
    error : str
        Why the last change from the front end was refused, if it was.

    Setting a trait to an unusable value raises :class:`ValueError` or
    :class:`TypeError` and changes nothing.
    """

    _module = "recall_quiz"
    _state_traits = ("card", "revealed", "marks", "attempts")

    # Any: each is checked by its validator below, whose messages name it
    card = traitlets.Any(0).tag(sync=True)
    revealed = traitlets.Any(False).tag(sync=True)
    marks = traitlets.Any().tag(sync=True)
    attempts = traitlets.Any().tag(sync=True)
    deck = traitlets.List(read_only=True).tag(sync=True)
    labels = traitlets.Dict(read_only=True).tag(sync=True)

    def __init__(self, cards: Sequence[Card] = CARDS, start: int = 0):
        if isinstance(cards, (str, bytes)) or not isinstance(cards, Sequence):
            raise TypeError(f"cards must be a sequence of Card, got {type(cards).__name__}")
        cards = tuple(cards)
        if not 1 <= len(cards) <= 20:
            raise ValueError(f"cards must hold 1 to 20 cards, got {len(cards)}")
        self.cards = tuple(_check_card(card, i) for i, card in enumerate(cards))
        start = check_int(start, "start")
        if not 0 <= start < len(cards):
            raise ValueError(
                f"start must be a card index from 0 to {len(cards) - 1}, got {start!r}"
            )
        self.set_trait("deck", [_card_page(card) for card in self.cards])
        self.set_trait("labels", dict(LABELS))
        self._figure = None
        empty = [None] * len(self.cards)
        super().__init__(title="Recall quiz", card=start, revealed=False, marks=list(empty),
                         attempts=list(empty))

    # -- checks on every change, from a cell or from the front end ------------------

    @traitlets.validate("card")
    def _valid_card(self, proposal):
        value = proposal["value"]
        last = len(self.cards) - 1
        try:
            return check_int(value, "card", minimum=0, maximum=last)
        except TypeError:
            raise InvalidType(
                f"card must be a whole number from 0 to {last}, got {value!r}"
            ) from None
        except ValueError:
            raise InvalidState(
                f"card must be a whole number from 0 to {last}, got {value!r}"
            ) from None

    @traitlets.validate("revealed")
    def _valid_revealed(self, proposal):
        value = proposal["value"]
        if not isinstance(value, bool):
            raise InvalidType(f"revealed must be true or false, got {value!r}")
        return value

    def _per_card(self, value: Any, name: str) -> list:
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise InvalidType(f"{name} must be a list with one entry per card, got {value!r}")
        value = list(value)
        if len(value) != len(self.cards):
            raise InvalidState(
                f"{name} must hold one entry per card ({len(self.cards)}), got {len(value)}"
            )
        return value

    @traitlets.validate("marks")
    def _valid_marks(self, proposal):
        marks = self._per_card(proposal["value"], "marks")
        for i, (mark, card) in enumerate(zip(marks, self.cards)):
            if mark is not None and not isinstance(mark, bool):
                raise InvalidType(f"marks[{i}] must be true, false or null, got {mark!r}")
            if mark is not None and card.kind != "recall":
                raise InvalidState(
                    f"marks[{i}]: card {i + 1} is marked from its answer box, not by hand"
                )
        return marks

    @traitlets.validate("attempts")
    def _valid_attempts(self, proposal):
        attempts = self._per_card(proposal["value"], "attempts")
        for i, (text, card) in enumerate(zip(attempts, self.cards)):
            if text is None:
                continue
            if card.kind == "recall":
                raise InvalidState(f"attempts[{i}]: card {i + 1} has no answer box")
            check_answer(card, text, i + 1)
        return attempts

    def _fixed_traits(self) -> tuple[str, ...]:
        return ("deck", "labels")

    # -- the reference -------------------------------------------------------------

    def _refresh(self) -> None:
        verdicts = [
            None if text is None else check_answer(card, text, i + 1)
            for i, (card, text) in enumerate(zip(self.cards, self.attempts))
        ]
        self.verdicts = verdicts
        self.status = [
            mark if card.kind == "recall" else (None if verdict is None else verdict["correct"])
            for card, mark, verdict in zip(self.cards, self.marks, verdicts)
        ]
        known = sum(s is True for s in self.status)
        again = sum(s is False for s in self.status)
        self.score = {"known": known, "again": again,
                      "not_tried": len(self.status) - known - again}

    @property
    def current(self) -> Card:
        """The card shown now."""
        return self.cards[self.card]

    @property
    def answered(self) -> list[int]:
        """Indices of the cards marked or answered, in deck order."""
        return [i for i, s in enumerate(self.status) if s is not None]

    # -- what the reader does (the front end does the same through the traits) --------

    def pick(self, index: int) -> None:
        """Show card ``index`` with its answer hidden."""
        with self.hold_trait_notifications():
            self.card = index
            self.revealed = False

    def reveal(self, shown: bool = True) -> None:
        """Show (or hide) the answer of the current card."""
        self.revealed = shown

    def mark(self, knew: bool) -> None:
        """Mark the current card: True if you knew it, False to practise it again."""
        if not isinstance(knew, bool):
            raise TypeError(f"knew must be True or False, got {knew!r}")
        marks = list(self.marks)
        marks[self.card] = knew
        self.marks = marks

    def answer(self, text: str) -> bool:
        """Check ``text`` as the answer to the current card, show the answer; True if right.

        Text that cannot be read raises ValueError and changes nothing.
        """
        attempts = list(self.attempts)
        attempts[self.card] = text
        with self.hold_trait_notifications():
            self.attempts = attempts
            self.revealed = True
        return bool(self.verdicts[self.card]["correct"])

    def reset(self) -> None:
        """Forget every mark and answer and start again from the first card."""
        empty = [None] * len(self.cards)
        with self.hold_trait_notifications():
            self.marks = list(empty)
            self.attempts = list(empty)
            self.card = 0
            self.revealed = False

    # -- text alternatives ---------------------------------------------------------

    def verdict_text(self, index: int | None = None) -> str:
        """The line under card ``index``'s answer box ("Right: ..."); "" if not answered."""
        index = self.card if index is None else check_int(index, "index", minimum=0,
                                                          maximum=len(self.cards) - 1)
        verdict = self.verdicts[index]
        if verdict is None:
            return ""
        said = f"you answered “{_strip(self.attempts[index])}”, read as {verdict['read']}"
        return f"Right: {said}." if verdict["correct"] else (
            f"Not right: {said}. The answer is shown below.")

    def summary(self) -> str:
        """The score line: how many cards are known, to practise again, not tried."""
        s = self.score
        return (f"Score: {s['known']} known, {s['again']} to practise again, "
                f"{s['not_tried']} not tried, of {len(self.cards)} cards.")

    def describe(self) -> str:
        """A sentence describing the progress strip, used as its alt text."""
        marks = ", ".join(
            f"{i + 1} {'not tried' if s is None else _STATUS_TEXT[s]}"
            for i, s in enumerate(self.status)
        )
        return (
            f"A strip of {len(self.cards)} cells, one per card, showing how the reader "
            f"marked each: {marks}. Card {self.card + 1} is shown now."
        )

    # -- the static snapshot (drawn on display, never per change) -------------------

    def figure_png(self) -> bytes:
        """The progress strip as a PNG, 680 px wide, its text at least 10 px."""
        n = len(self.cards)
        if self._figure is None:
            self._figure = new_figure(6.8, 1.3)  # 680 x 130 px: shown at its own size
        fig = self._figure
        fig.clear()
        ax = fig.add_axes((0.01, 0.02, 0.98, 0.66))
        cmap = matplotlib.colormaps[CMAP]
        fills = {None: "#eeeeee", True: cmap(0.85), False: cmap(0.15)}
        for i, state in enumerate(self.status):
            current = i == self.card
            ax.add_patch(Rectangle((i, 0), 0.92, 1, facecolor=fills[state], edgecolor="black",
                                   linewidth=2.4 if current else 0.6))
            ax.text(i + 0.46, 0.5, _STATUS_TEXT[state], ha="center", va="center", fontsize=7.5,
                    color="white" if state is False else "black")
            ax.text(i + 0.46, -0.3, str(i + 1), ha="center", va="center", fontsize=7.5)
        ax.set_xlim(-0.1, max(n, 12))
        ax.set_ylim(-0.6, 1.1)
        ax.set_axis_off()
        s = self.score
        fig.text(0.5, 0.86, f"{s['known']} known, {s['again']} to practise again, "
                 f"{s['not_tried']} not tried (card {self.card + 1} outlined)",
                 ha="center", va="center", fontsize=9)
        return figure_png(fig)

    def snapshot(self) -> str:
        items = "".join(
            f"<li><details><summary>{html.escape(card.question)}</summary>"
            f"<p>{html.escape(card.answer)}</p></details></li>"
            for card in self.cards
        )
        deck = f"<ol class='sa-recall-deck'>{items}</ol>"
        return snapshot_html(self.figure_png(), self.describe(), "Recall quiz", deck)
