"""The recall quiz, driven headless: controls and buttons run their handlers."""

from __future__ import annotations

import numpy as np
import pytest

from selfattention.widgets.recall_quiz import CARDS, Card, RecallQuiz


def test_deck_has_the_ten_questions_and_the_five_mistakes():
    assert len(CARDS) == 15
    assert sum(card.question.startswith("True or false") for card in CARDS) == 5
    assert len({card.label for card in CARDS}) == 15


def test_opens_on_the_first_card_with_the_answer_hidden():
    quiz = RecallQuiz()
    assert "apple" in quiz.prompt.value
    assert "Answer hidden" in quiz.answer.value
    assert quiz.status == [None] * 15
    assert bytes(quiz.image.value[:4]) == b"\x89PNG"


def test_a_numpy_integer_start_is_accepted():
    assert RecallQuiz(start=np.int64(7)).question.value == 7


def test_reveal_shows_the_answer():
    quiz = RecallQuiz(start=7)
    quiz.reveal.value = True
    assert "100 × 100" in quiz.answer.value
    quiz.reveal.value = False
    assert "Answer hidden" in quiz.answer.value


def test_a_new_card_hides_the_answer_again():
    quiz = RecallQuiz()
    quiz.reveal.value = True
    quiz.question.value = 4
    assert quiz.reveal.value is False
    assert "Answer hidden" in quiz.answer.value
    assert "softmax" in quiz.prompt.value


def test_marking_updates_status_and_figure():
    quiz = RecallQuiz()
    before = quiz.image.value
    quiz.knew.click()
    assert quiz.status[0] is True
    assert quiz.image.value != before
    quiz.question.value = 12
    quiz.again.click()
    assert quiz.status[12] is False
    assert "1 knew" in quiz.describe() and "13 again" in quiz.describe()


def test_a_failing_update_shows_a_message_and_keeps_the_status(monkeypatch):
    quiz = RecallQuiz()

    def broken(*args, **kwargs):
        raise RuntimeError("cannot draw")

    monkeypatch.setattr("selfattention.widgets.recall_quiz.figure_png", broken)
    quiz.knew.click()
    assert "cannot draw" in quiz.message.value
    assert quiz.status[0] is None
    monkeypatch.undo()
    quiz.knew.click()
    assert quiz.message.value == "" and quiz.status[0] is True


def test_snapshot_has_the_strip_and_the_whole_deck_in_details():
    quiz = RecallQuiz()
    snapshot = quiz.snapshot()
    assert snapshot.count("<details>") == len(quiz.cards)
    assert f"A strip of {len(quiz.cards)} cells" in snapshot


def test_a_custom_deck():
    quiz = RecallQuiz([Card("one", "What is 1 + 1?", "2")])
    quiz.reveal.value = True
    assert "2" in quiz.answer.value


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"cards": []}, ValueError, "1 to 20 cards"),
        ({"cards": [("q", "a")]}, TypeError, "every card must be"),
        ({"start": 15}, ValueError, "start must be a card index"),
        ({"start": "0"}, TypeError, "start must be an int"),
        ({"start": 0.0}, TypeError, "start must be an int"),
        ({"start": True}, TypeError, "start must be an int"),
    ],
)
def test_refuses_bad_settings(kwargs, error, words):
    with pytest.raises(error, match=words):
        RecallQuiz(**kwargs)
