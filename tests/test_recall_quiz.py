"""The recall quiz, driven headless: its traits, its checks, its reference state."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from selfattention.widgets._base import LiveWidget
from selfattention.widgets.recall_quiz import (
    CARDS,
    LABELS,
    Card,
    RecallQuiz,
    check_answer,
    read_answer,
)

SHAPE_CARD = next(i for i, card in enumerate(CARDS) if card.kind == "shape")
BOOL_CARDS = [i for i, card in enumerate(CARDS) if card.kind == "bool"]


def test_deck_has_the_ten_questions_and_the_five_mistakes():
    assert len(CARDS) == 15
    assert sum(card.question.startswith("True or false") for card in CARDS) == 5
    assert len({card.label for card in CARDS}) == 15
    # every true-or-false claim and the shape of QKᵀ are checked from a typed answer
    assert BOOL_CARDS == [i for i, c in enumerate(CARDS) if c.question.startswith("True or")]
    assert CARDS[SHAPE_CARD].expected == (100, 100)
    assert all(card.answer.startswith("False.") for card in CARDS if card.kind == "bool")
    assert sum(card.kind == "recall" for card in CARDS) == 9


def test_is_a_live_widget_that_opens_on_the_first_card_with_nothing_marked():
    quiz = RecallQuiz()
    assert isinstance(quiz, LiveWidget) and quiz._module == "recall_quiz"
    assert quiz.card == 0 and quiz.revealed is False and "apple" in quiz.current.question
    assert quiz.status == [None] * 15 and quiz.answered == []
    assert quiz.score == {"known": 0, "again": 0, "not_tried": 15}
    assert quiz.summary() == "Score: 0 known, 0 to practise again, 15 not tried, of 15 cards."
    assert quiz.error == ""


def test_a_numpy_integer_start_is_accepted():
    assert RecallQuiz(start=np.int64(7)).card == 7


def test_pick_hides_the_answer_and_reveal_shows_it():
    quiz = RecallQuiz()
    quiz.reveal()
    assert quiz.revealed is True
    quiz.pick(4)
    assert quiz.card == 4 and quiz.revealed is False and "softmax" in quiz.current.question


def test_marking_a_recall_card_updates_status_and_score():
    quiz = RecallQuiz()
    quiz.mark(True)
    quiz.pick(2)
    quiz.mark(False)
    assert quiz.status[:3] == [True, None, False]
    assert quiz.score == {"known": 1, "again": 1, "not_tried": 13}
    assert quiz.answered == [0, 2]
    assert "1 knew, 2 not tried, 3 again" in quiz.describe()
    quiz.mark(True)  # changing one's mind
    assert quiz.score == {"known": 2, "again": 0, "not_tried": 13}


@pytest.mark.parametrize("text", ["100x100", "100 x 100", "100 × 100", "(100, 100)",
                                  "[100, 100]", "100 by 100", " 100X100 "])
def test_the_shape_card_accepts_the_written_forms_of_100_by_100(text):
    quiz = RecallQuiz()
    quiz.pick(SHAPE_CARD)
    assert quiz.answer(text) is True
    assert quiz.revealed is True and quiz.status[SHAPE_CARD] is True
    assert quiz.verdicts[SHAPE_CARD] == {"correct": True, "read": "100 × 100"}
    assert quiz.verdict_text().startswith("Right: you answered")


@pytest.mark.parametrize("text", ["100 × 64", "64x64", "(100,)", "100 x 100 x 1", "10x10"])
def test_a_wrong_shape_is_marked_to_practise_again(text):
    quiz = RecallQuiz()
    quiz.pick(SHAPE_CARD)
    assert quiz.answer(text) is False
    assert quiz.status[SHAPE_CARD] is False and quiz.score["again"] == 1
    assert quiz.verdict_text().startswith("Not right:")


@pytest.mark.parametrize("text, right", [("false", True), ("False.", True), ("F", True),
                                         ("no", True), ("true", False), ("Yes!", False)])
def test_true_or_false_cards(text, right):
    quiz = RecallQuiz()
    for i in BOOL_CARDS:
        quiz.pick(i)
        assert quiz.answer(text) is right
    assert quiz.score["known" if right else "again"] == len(BOOL_CARDS)


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "the answer box is empty; type whole numbers"),
        ("   ", "the answer box is empty"),
        ("T x T", 'could not read "T x T" as a shape'),
        ("one hundred", "as a shape"),
        ("100 x", "as a shape"),
        ("x" * 61, "type at most 60"),
        ("1234567890 x 1", "more than 9 digits"),
    ],
)
def test_empty_or_nonsense_answers_raise_and_change_nothing(text, words):
    quiz = RecallQuiz()
    quiz.pick(SHAPE_CARD)
    quiz.answer("64 x 64")
    before = (list(quiz.attempts), quiz.revealed, quiz.status, quiz.score)
    with pytest.raises(ValueError, match=re.escape(words)):
        quiz.answer(text)
    assert (list(quiz.attempts), quiz.revealed, quiz.status, quiz.score) == before


def test_nonsense_from_the_front_end_is_refused_with_a_message_that_the_next_good_state_clears():
    quiz = RecallQuiz()
    attempts = [None] * 15
    attempts[SHAPE_CARD] = "banana"
    quiz.set_state({"card": SHAPE_CARD, "revealed": True, "attempts": attempts})
    assert quiz.error.startswith(f'card {SHAPE_CARD + 1}: could not read "banana" as a shape')
    assert quiz.card == 0 and quiz.revealed is False and quiz.attempts == [None] * 15
    quiz.set_state({"card": 0})  # the good state the front end kept: the message goes
    assert quiz.error == ""
    attempts[SHAPE_CARD] = "100x100"
    quiz.set_state({"card": SHAPE_CARD, "revealed": True, "attempts": attempts})
    assert quiz.error == "" and quiz.status[SHAPE_CARD] is True


def test_a_recall_card_cannot_be_answered_nor_a_checked_card_marked_by_hand():
    quiz = RecallQuiz()
    with pytest.raises(ValueError, match="card 1 has no answer box"):
        quiz.answer("false")
    quiz.pick(BOOL_CARDS[0])
    with pytest.raises(ValueError, match="is marked from its answer box, not by hand"):
        quiz.mark(True)
    with pytest.raises(TypeError, match="knew must be True or False"):
        quiz.mark("yes")


def test_reset_forgets_everything():
    quiz = RecallQuiz()
    quiz.mark(True)
    quiz.pick(SHAPE_CARD)
    quiz.answer("100x100")
    quiz.reset()
    assert quiz.card == 0 and quiz.revealed is False
    assert quiz.marks == [None] * 15 and quiz.attempts == [None] * 15
    assert quiz.score == {"known": 0, "again": 0, "not_tried": 15}


@pytest.mark.parametrize(
    "trait, value, error, words",
    [
        ("card", 15, ValueError, "card must be a whole number from 0 to 14"),
        ("card", -1, ValueError, "card must be a whole number from 0 to 14"),
        ("card", "3", TypeError, "card must be a whole number"),
        ("card", 2.0, TypeError, "card must be a whole number"),
        ("revealed", 1, TypeError, "revealed must be true or false"),
        ("marks", [None] * 14, ValueError, "marks must hold one entry per card (15), got 14"),
        ("marks", "none", TypeError, "marks must be a list"),
        ("marks", [0] + [None] * 14, TypeError, "marks[0] must be true, false or null"),
        ("attempts", ["x"] + [None] * 14, ValueError, "attempts[0]: card 1 has no answer box"),
        ("attempts", [None] * 10 + [5] + [None] * 4, TypeError, "the answer must be a str"),
    ],
)
def test_setting_a_bad_trait_raises_and_keeps_the_last_good_state(trait, value, error, words):
    quiz = RecallQuiz()
    quiz.mark(True)
    before = getattr(quiz, trait), quiz.status
    with pytest.raises(error, match=re.escape(words)):
        setattr(quiz, trait, value)
    assert (getattr(quiz, trait), quiz.status) == before


def test_read_answer_and_check_answer_on_their_own():
    assert read_answer("shape", "(3, 4)") == (3, 4)
    assert read_answer("bool", "FALSE!") is False
    assert read_answer("number", " +.5 ") == 0.5
    card = Card("pi", "pi to 2 decimals?", "3.14", kind="number", expected=3.14159,
                tolerance=0.005)
    assert check_answer(card, "3.14") == {"correct": True, "read": "3.14"}
    assert check_answer(card, "3.15") == {"correct": False, "read": "3.15"}
    with pytest.raises(ValueError, match="card 1 has no answer box"):
        read_answer("recall", "x")


def test_page_state_is_json_with_the_whole_deck_and_the_labels():
    quiz = RecallQuiz()
    quiz.pick(SHAPE_CARD)
    quiz.answer("100x100")
    state = quiz.page_state()
    assert json.loads(json.dumps(state, allow_nan=False)) == state
    assert set(state) == {"title", "error", "card", "revealed", "marks", "attempts", "deck",
                          "labels"}
    assert state["deck"][SHAPE_CARD]["expected"] == [100, 100]
    assert state["deck"][BOOL_CARDS[0]]["expected"] is False
    assert "expected" not in state["deck"][0]
    assert state["attempts"][SHAPE_CARD] == "100x100"


def test_every_label_is_shipped_in_full():
    """Issue 12: the toggle read "show the ans…"; the front end shows these texts whole."""
    state = RecallQuiz().page_state()
    assert state["labels"] == LABELS
    assert LABELS["reveal"] == "show the answer"
    assert {"I knew it", "practise again", "check my answer", "start again"} <= set(
        LABELS.values())
    assert all("…" not in text and text == text.strip() for text in LABELS.values())


def test_a_change_never_draws_the_picture(monkeypatch):
    quiz = RecallQuiz()
    drawn = []
    monkeypatch.setattr("selfattention.widgets.recall_quiz.figure_png",
                        lambda fig: drawn.append(fig) or b"\x89PNG")
    quiz.mark(True)
    quiz.pick(SHAPE_CARD)
    quiz.answer("100x100")
    quiz.reset()
    assert drawn == []
    quiz.snapshot()
    assert len(drawn) == 1


def test_snapshot_has_the_strip_and_the_whole_deck_in_details():
    quiz = RecallQuiz()
    quiz.mark(True)
    snapshot = quiz.snapshot()
    assert snapshot.count("<details>") == len(quiz.cards)
    assert f"A strip of {len(quiz.cards)} cells" in snapshot and "1 knew" in snapshot


def test_snapshot_is_laid_out_for_the_column_with_text_of_at_least_10_px():
    """Shown at its own size in the 688 px column, never scaled down: no text under 10 px."""
    quiz = RecallQuiz()
    quiz.mark(False)
    quiz.snapshot()
    fig = quiz._figure
    assert fig.get_figwidth() * fig.dpi <= 688
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text"))
             if t.get_text().strip() and t.get_visible()]
    assert len(texts) >= 2 * 15 + 1
    assert min(t.get_fontsize() * fig.dpi / 72 for t in texts) >= 10


def test_a_custom_deck():
    quiz = RecallQuiz([Card("one", "What is 1 + 1?", "2", kind="number", expected=2)])
    assert quiz.answer("2.0") is True and quiz.score["known"] == 1


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"cards": []}, ValueError, "1 to 20 cards"),
        ({"cards": [("q", "a")]}, TypeError, "every card must be"),
        ({"cards": "cards"}, TypeError, "cards must be a sequence of Card"),
        ({"cards": [Card("a", "b", "c", kind="essay")]}, ValueError, "kind must be one of"),
        ({"cards": [Card("a", "b", "c", kind="bool", expected="no")]}, TypeError,
         "expected must be True or False"),
        ({"cards": [Card("a", "b", "c", kind="shape", expected="3x4")]}, TypeError,
         "expected must be a tuple of ints"),
        ({"cards": [Card("a", "b", "c", kind="number", expected=float("nan"))]}, ValueError,
         "expected"),
        ({"start": 15}, ValueError, "start must be a card index"),
        ({"start": "0"}, TypeError, "start must be an int"),
        ({"start": 0.0}, TypeError, "start must be an int"),
        ({"start": True}, TypeError, "start must be an int"),
    ],
)
def test_refuses_bad_settings(kwargs, error, words):
    with pytest.raises(error, match=words):
        RecallQuiz(**kwargs)
