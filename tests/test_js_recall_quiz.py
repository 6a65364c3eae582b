"""The recall quiz's front end (js/recall_quiz.js) against the package.

The browser reads typed answers, marks the cards and keeps the score from the deck the
Python class ships in the page state. Here both sides must read every written form of an
answer (right ones, wrong ones, nonsense) to the same verdict or the same message, and
give the same status, score and text for the same state; a bad state is refused by both.
"""

from __future__ import annotations

import json
import random
import re

import pytest

from js_helpers import JSError
from selfattention.widgets.recall_quiz import (
    CARDS,
    LABELS,
    MAX_ANSWER,
    Card,
    RecallQuiz,
    check_answer,
)

MODULE = "recall_quiz.js"

SHAPE = Card("shape", "What shape?", "100 × 100", kind="shape", expected=(100, 100))
FALSE = Card("tf", "True or false?", "False.", kind="bool", expected=False)
TRUE = Card("tf", "True or false?", "True.", kind="bool", expected=True)
HALF = Card("half", "What is 1/2?", "0.5", kind="number", expected=0.5)
NEAR = Card("pi", "What is pi, to 2 decimals?", "3.14", kind="number", expected=3.14159,
            tolerance=0.005)
LINE = Card("line", "What shape is a vector of 5?", "5", kind="shape", expected=(5,))
DECK = (SHAPE, FALSE, TRUE, HALF, NEAR, LINE)

SHAPES = [
    "100 × 100", "100x100", "100 x 100", "100X100", "(100, 100)", "(100,100)", "[100, 100]",
    "100, 100", "100 by 100", "100*100", "100 ✕ 100", "  100 × 100  ", "100 × 100.",
    "torch.Size([100, 100])", "0100 x 100", "\u00a0100\u2009×\u2009100\u3000", "100\tx\t100",
    # readable and wrong
    "100 × 64", "64x100", "100", "(100,)", "100 x 100 x 1", "1 x 100 x 100", "0 x 0", "10x10",
    # nonsense
    "", "   ", "T × T", "100 x", "x 100", "100 xx 100", "100 × × 100", "one hundred squared",
    "(100, 100", "100, 100)", "((100, 100))", "100.0 x 100", "1e2 x 1e2", "-100 x 100",
    "１００ x １００", "١٠٠x١٠٠", "100 · 100", "100\n", "100 100", "100x100 matrix", "()",
    "[]", "(,)", "100 x 100!", "1234567890 x 1", "999999999 x 999999999", "torch.Size(100)",
    "100 ＊ 100", "x", "×", ",", "100x100x", "1_000 x 1", "00000000001 x 2", "\x1c100x100",
    "K", "\u212a", "100 BY 100",
]
BOOLS = [
    "false", "False", "FALSE", "f", "F", "no", "No", "n", "false.", "False!", "  false  ",
    "false...", "true", "True", "T", "yes", "Y", "true.", "TRUE!", "\u00a0true",
    "", " ", "maybe", "fals", "0", "1", "nope", "not true", "false?", "ｆａｌｓｅ", "ﬁne",
    "\u212a", "ſ", "İ", "false\n.", ".", "!", "false true", "\ufefffalse", "yesno",
]
NUMBERS = [
    "0.5", ".5", "+0.5", "0.50", "5e-1", "5E-1", "0.5000000000000001", " 0.5 ", "1", "0",
    "-0", "-0.5", "3.14", "3.1416", "3.15", "3.135", "3.145", "1e400", "-1e400", "1e-400",
    "", "abc", "1,5", "0,5", "1/2", "½", "inf", "nan", "0x10", "1_000", "5.", "5e", "e5",
    "--1", "+-1", "١", "１", "0.5.", ". 5", "1e+2", "123456789012345678901234567890",
]


def _python(card: Card, text, number=1):
    try:
        return {"ok": check_answer(card, text, number)}
    except (ValueError, TypeError) as exc:
        return {"error": str(exc)}


def _javascript(js, card: Card, text, number=1):
    page = RecallQuiz([card]).page_state()["deck"][0]
    try:
        return {"ok": js("checkAnswer", page, text, number, module=MODULE)}
    except JSError as exc:
        return {"error": str(exc)}


@pytest.mark.parametrize("text", SHAPES)
def test_shapes_are_read_alike(js, text):
    for card in (SHAPE, LINE):
        assert _javascript(js, card, text, 8) == _python(card, text, 8), text


@pytest.mark.parametrize("text", BOOLS)
def test_true_or_false_is_read_alike(js, text):
    for card in (FALSE, TRUE):
        assert _javascript(js, card, text, 11) == _python(card, text, 11), text


@pytest.mark.parametrize("text", NUMBERS)
def test_numbers_are_read_alike(js, text):
    for card in (HALF, NEAR):
        assert _javascript(js, card, text, 3) == _python(card, text, 3), text


@pytest.mark.parametrize(
    "card, text, correct, read",
    [
        (SHAPE, "100x100", True, "100 × 100"),
        (SHAPE, "100 x 100", True, "100 × 100"),
        (SHAPE, "(100, 100)", True, "100 × 100"),
        (SHAPE, "100 × 100", True, "100 × 100"),
        (SHAPE, "torch.Size([100, 100])", True, "100 × 100"),
        (SHAPE, "100 × 64", False, "100 × 64"),
        (SHAPE, "(100,)", False, "100"),
        (LINE, "(5,)", True, "5"),
        (FALSE, "False.", True, "false"),
        (FALSE, "yes", False, "true"),
        (TRUE, "T", True, "true"),
        (HALF, ".5", True, "0.5"),
        (HALF, "0.5000000000000001", False, "0.5"),
        (NEAR, "3.14", True, "3.14"),
        (NEAR, "3.15", False, "3.15"),
    ],
)
def test_worked_answers(js, card, text, correct, read):
    expected = {"ok": {"correct": correct, "read": read}}
    assert _python(card, text) == expected
    assert _javascript(js, card, text) == expected


@pytest.mark.parametrize(
    "card, text, words",
    [
        (SHAPE, "", "card 1: the answer box is empty; type whole numbers such as 3 × 4"),
        (SHAPE, "T × T", 'card 1: could not read "T × T" as a shape'),
        (SHAPE, "1234567890 x 1", "more than 9 digits"),
        (FALSE, "  ", "card 1: the answer box is empty; type true or false"),
        (FALSE, "maybe", 'could not read "maybe" as true or false'),
        (HALF, "abc", 'could not read "abc" as a number'),
        (HALF, "1e400", '"1e400" is too large to be a number here'),
        (HALF, "5" * (MAX_ANSWER + 1), f"type at most {MAX_ANSWER}"),
    ],
)
def test_empty_and_nonsense_answers_are_refused_by_both_with_one_message(js, card, text, words):
    python, javascript = _python(card, text), _javascript(js, card, text)
    assert "error" in python and words in python["error"]
    assert javascript == python


def test_non_strings_are_refused_by_both(js):
    for value in (None, 5, ["100", "100"], True):
        assert "error" in _python(SHAPE, value)
        assert "error" in _javascript(js, SHAPE, value)


ALPHABET = list("0123456789 xX×✕*,.()[]!bytrufalsenoTFY+-eE.") + [
    "\u00a0", "\u2009", "\t", "\n", "١", "１", "K", "ſ", "torch.size(", "by", "true", "false",
]


def _written(rng: random.Random, kind: str) -> str:
    """An answer as a reader might write it: well-formed, then perhaps mistyped."""
    space = lambda: rng.choice(["", " ", "  ", "\u00a0", "\t"])  # noqa: E731
    if kind == "shape":
        dims = [str(rng.choice([100, 64, 5, 0, rng.randrange(10**10)]))
                for _ in range(rng.choice([1, 2, 2, 2, 3]))]
        sep = rng.choice(["x", "X", "×", "✕", "*", ",", "by", "·", "/"])
        inner = (space() + sep + space()).join(dims)
        text = rng.choice(["{}", "({})", "[{}]", "torch.Size([{}])", "({},)", "({}"]).format(inner)
    elif kind == "bool":
        word = rng.choice(_TRUE_FALSE)
        text = "".join(c.upper() if rng.random() < 0.3 else c for c in word)
        text += rng.choice(["", "", ".", "!", "?", "..."])
    else:
        value = rng.choice([0.5, 3.14, 3.14159, -0.0, 1e-3, 1e300, rng.uniform(-10, 10)])
        text = rng.choice([repr(value), f"{value:.3e}", f"{value:.2f}", f"{value:+g}"])
    if rng.random() < 0.25:  # a slip of the keyboard
        k = rng.randrange(len(text) + 1)
        text = text[:k] + rng.choice(ALPHABET) + text[k + 1:]
    return space() + text + space()


_TRUE_FALSE = ["true", "false", "t", "f", "yes", "no", "y", "n"]


def test_random_typing_is_read_alike(js):
    """Answers as readers write them, and slips of the keyboard: one reading on both sides."""
    rng = random.Random(20261203)
    cards = [RecallQuiz([card]).page_state()["deck"][0] for card in DECK]
    requests, expected = [], []
    for _ in range(4000):
        k = rng.randrange(len(DECK))
        if rng.random() < 0.7:
            text = _written(rng, DECK[k].kind)
        else:
            text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 14)))
        requests.append((cards[k], text))
        expected.append(_python(DECK[k], text))
    got = js("checkMany", requests, module=_many(js))
    assert len(got) == len(expected)
    mismatches = [(r[1], g, e) for r, g, e in zip(requests, got, expected) if g != e]
    assert mismatches == []
    verdicts = [e["ok"]["correct"] for e in expected if "ok" in e]
    assert sum(verdicts) > 300 and len(verdicts) - sum(verdicts) > 300  # right and wrong
    assert sum("error" in e for e in expected) > 300  # and refused


_RUNNER = None


def _many(js) -> str:
    """A throwaway module that checks a list of answers in one call (fewer round trips)."""
    global _RUNNER
    if _RUNNER is None:
        import tempfile
        from pathlib import Path

        from js_helpers import JS

        folder = Path(tempfile.mkdtemp())
        (folder / "many.mjs").write_text(
            f'import {{ checkAnswer }} from {json.dumps((JS / MODULE).as_uri())};\n'
            "export function checkMany(requests) {\n"
            "  return requests.map(([card, text]) => {\n"
            "    try { return { ok: checkAnswer(card, text, 1) }; }\n"
            "    catch (error) { return { error: error.message }; }\n"
            "  });\n}\n", encoding="utf-8")
        _RUNNER = str(folder / "many.mjs")
    return _RUNNER


# -- the whole state -----------------------------------------------------------------------


def _view(js, quiz: RecallQuiz, **state):
    page = quiz.page_state()
    full = {key: page[key] for key in ("card", "revealed", "marks", "attempts")} | state
    return js("computeView", full, page["deck"], module=MODULE)


def test_the_chapter_deck_ships_whole_and_as_json():
    state = RecallQuiz().page_state()
    assert json.loads(json.dumps(state, allow_nan=False)) == state
    assert [c["question"] for c in state["deck"]] == [c.question for c in CARDS]
    assert [c["kind"] for c in state["deck"]] == [c.kind for c in CARDS]
    assert state["labels"] == LABELS
    assert state["labels"]["reveal"] == "show the answer"  # issue 12: shown in full


def test_a_played_deck_gives_the_same_status_score_and_text(js):
    rng = random.Random(5)
    quiz = RecallQuiz()
    answers = {"shape": ["100x100", "64 x 64", "(100, 100)", "100"],
               "bool": ["false", "True", "no", "f."]}
    for _ in range(40):
        quiz.pick(rng.randrange(len(CARDS)))
        card = quiz.current
        if card.kind == "recall":
            quiz.mark(rng.random() < 0.6)
        else:
            quiz.answer(rng.choice(answers[card.kind]))
        view = _view(js, quiz)
        assert view["status"] == quiz.status
        assert view["score"] == quiz.score
        assert view["verdicts"] == quiz.verdicts
        assert js("summary", view, module=MODULE) == quiz.summary()
        assert js("describe", view, module=MODULE) == quiz.describe()
        if quiz.verdicts[quiz.card] is not None:
            text = js("verdictText", quiz.verdicts[quiz.card], quiz.attempts[quiz.card],
                      module=MODULE)
            assert text == quiz.verdict_text()
    quiz.reset()
    assert _view(js, quiz)["score"] == quiz.score == {"known": 0, "again": 0, "not_tried": 15}


N = len(CARDS)


@pytest.mark.parametrize(
    "state, words",
    [
        ({"card": N}, f"card must be a whole number from 0 to {N - 1}"),
        ({"card": -1}, f"card must be a whole number from 0 to {N - 1}"),
        ({"card": 1.5}, "card must be a whole number"),
        ({"card": "3"}, "card must be a whole number"),
        ({"revealed": "yes"}, "revealed must be true or false"),
        ({"marks": [None] * (N - 1)}, f"marks must hold one entry per card ({N}), got {N - 1}"),
        ({"marks": "none"}, "marks must be a list"),
        ({"marks": [1] + [None] * (N - 1)}, "marks[0] must be true, false or null"),
        ({"marks": [None] * 7 + [True] + [None] * (N - 8)},
         "marks[7]: card 8 is marked from its answer box, not by hand"),
        ({"attempts": ["100x100"] + [None] * (N - 1)}, "attempts[0]: card 1 has no answer box"),
        ({"attempts": [None] * 7 + ["T x T"] + [None] * (N - 8)},
         'card 8: could not read "T x T" as a shape'),
        ({"attempts": [None] * 10 + [""] + [None] * (N - 11)},
         "card 11: the answer box is empty; type true or false"),
    ],
)
def test_bad_states_are_refused_by_both_and_python_keeps_the_last_good_one(js, state, words):
    quiz = RecallQuiz()
    quiz.pick(7)
    quiz.answer("100 x 100")
    before = (quiz.card, quiz.revealed, list(quiz.marks), list(quiz.attempts), quiz.score)
    with pytest.raises(JSError, match=re.escape(words)):
        _view(js, quiz, **state)
    quiz.set_state(state)
    assert words in quiz.error
    assert (quiz.card, quiz.revealed, list(quiz.marks), list(quiz.attempts), quiz.score) == before


def test_same_refusal_words_for_a_nonsense_answer(js):
    quiz = RecallQuiz()
    attempts = [None] * 12 + ["perhaps"] + [None] * (N - 13)
    quiz.set_state({"attempts": attempts, "card": 12})
    with pytest.raises(JSError) as refused:
        _view(js, quiz, attempts=attempts, card=12)
    assert str(refused.value) == quiz.error
    assert quiz.card == 0  # the whole update was refused


def test_module_stays_lean():
    from selfattention.widgets._base import js_source

    assert len(js_source(MODULE).encode("utf-8")) < 25_000
    assert len(json.dumps(RecallQuiz().page_state(), ensure_ascii=False).encode()) < 10_000
