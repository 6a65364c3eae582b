"""Chapter 12's recall quiz, live on the built website, offline, in a real browser.

It runs from the site's own scripts (no kernel): it must mount in place of its
snapshot, pick cards, show and hide answers, take the reader's marks, check typed
answers on the cards that have an answer box (with the verdicts and the score the
package's RecallQuiz gives for the same actions), refuse empty or nonsense answers with
a message that the next good input clears, show every label in full (issue 12: "show
the ans…" was cut off), fit the 688 px column with no text under 10 px, and log no
console errors.
"""

from __future__ import annotations

import pytest

from conftest import ROOT, live_page, page_errors
from selfattention.widgets.recall_quiz import CARDS, LABELS, RecallQuiz

PAGE = "chapters/12_review.html"
SELECTOR = ".sa-live-widget[data-sa-widget=recall_quiz]"
SHAPE = next(i for i, card in enumerate(CARDS) if card.kind == "shape")
BOOL = next(i for i, card in enumerate(CARDS) if card.kind == "bool")


@pytest.fixture
def quiz(browser, site_url):
    yield from live_page(browser, site_url, PAGE, SELECTOR)


def _root(page):
    return page.locator(f"{SELECTOR} .sa-live")


def _message(page) -> str:
    return _root(page).locator(".sa-message[role=alert]").inner_text().strip()



def _cell(page, i):
    return _root(page).locator(f"button.sa-quiz-cell[data-card='{i}']")


def _action(page, name):
    return _root(page).locator(f"button[data-action={name}]")


def _check(page, text, enter=False):
    box = _root(page).locator("input.sa-answer-box")
    box.fill(text)
    if enter:
        box.press("Enter")
    else:
        _root(page).get_by_role("button", name=LABELS["check"], exact=True).click()


def _shown(page) -> dict:
    root = _root(page)
    return {
        "heading": root.locator(".sa-quiz-heading").inner_text(),
        "answer": root.locator(".sa-quiz-answer").inner_text(),
        "verdict": root.locator(".sa-quiz-verdict").inner_text(),
        "score": root.locator(".sa-quiz-score").inner_text(),
        "marks": root.locator(".sa-quiz-cell .sa-quiz-mark").all_inner_texts(),
        "current": [root.locator(".sa-quiz-cell").nth(i).get_attribute("aria-current")
                    for i in range(len(CARDS))].index("true"),
        "description": root.locator(".sa-quiz-strip").get_attribute("aria-description"),
    }


def _assert_shows(page, reference: RecallQuiz) -> dict:
    """The quiz shows the card, marks, verdict and score the package computes."""
    shown = _shown(page)
    card = reference.current
    assert shown["heading"] == f"Card {reference.card + 1} of {len(CARDS)}: {card.label}"
    assert shown["current"] == reference.card
    assert shown["marks"] == [{None: "?", True: "knew", False: "again"}[s]
                              for s in reference.status]
    assert shown["score"] == reference.summary()
    assert shown["description"] == reference.describe()
    assert shown["verdict"] == reference.verdict_text()
    if reference.revealed:
        assert shown["answer"] == f"Answer. {card.answer}"
    else:
        assert shown["answer"].startswith("Answer hidden")
    return shown


def test_the_quiz_mounts_in_place_of_its_snapshot(quiz):
    page = quiz.page
    widget = page.locator(SELECTOR)
    assert widget.get_attribute("data-sa-live") == "mounted"
    assert widget.locator("figure.sa-widget-snapshot").is_hidden()
    assert _root(page).locator("button.sa-quiz-cell").count() == len(CARDS)
    _assert_shows(page, RecallQuiz())
    assert _root(page).locator("input.sa-answer-box").is_hidden()  # card 1 is self-marked
    assert page_errors(quiz) == [] and quiz.failed == [] and quiz.external == []


def test_a_session_gives_the_package_status_and_score(quiz):
    page = quiz.page
    reference = RecallQuiz()
    _action(page, "reveal").click()
    reference.reveal()
    _assert_shows(page, reference)
    assert _action(page, "reveal").inner_text() == LABELS["hide"]
    _action(page, "knew").click()
    reference.mark(True)
    _assert_shows(page, reference)
    _action(page, "next").click()
    reference.pick(1)
    _action(page, "again").click()
    reference.mark(False)
    _assert_shows(page, reference)
    # the shape card: an answer box, checked; wrong then right
    _cell(page, SHAPE).click()
    reference.pick(SHAPE)
    assert _root(page).locator("input.sa-answer-box").is_visible()
    assert _action(page, "knew").is_hidden()
    _check(page, "64 x 64")
    assert reference.answer("64 x 64") is False
    _assert_shows(page, reference)
    for text in ("100x100", "100 x 100", "(100, 100)", "100 × 100"):
        _check(page, text, enter=True)
        assert reference.answer(text) is True
        _assert_shows(page, reference)
    # a true-or-false card
    _cell(page, BOOL).click()
    reference.pick(BOOL)
    _check(page, "True")
    reference.answer("True")
    _assert_shows(page, reference)
    _check(page, "false.")
    reference.answer("false.")
    shown = _assert_shows(page, reference)
    assert shown["score"] == "Score: 3 known, 1 to practise again, 11 not tried, of 15 cards."
    # coming back to a card shows its answer as it was checked
    _cell(page, SHAPE).click()
    reference.pick(SHAPE)
    _assert_shows(page, reference)
    assert _root(page).locator("input.sa-answer-box").input_value() == "100 × 100"
    _action(page, "reset").click()
    reference.reset()
    _assert_shows(page, reference)
    assert _message(page) == "" and page_errors(quiz) == []


@pytest.mark.parametrize(
    "card, text, words",
    [
        (SHAPE, "", f"card {SHAPE + 1}: the answer box is empty"),
        (SHAPE, "   ", "the answer box is empty"),
        (SHAPE, "T x T", 'could not read "T x T" as a shape'),
        (SHAPE, "a hundred squared", "as a shape"),
        (SHAPE, "1234567890 x 2", "more than 9 digits"),
        (SHAPE, "9" * 70, "type at most 60"),
        (BOOL, "maybe", 'could not read "maybe" as true or false'),
        (BOOL, "", "type true or false"),
    ],
)
def test_empty_or_nonsense_answers_show_a_message_and_the_next_good_input_clears_it(
        quiz, card, text, words):
    page = quiz.page
    reference = RecallQuiz()
    _cell(page, card).click()
    reference.pick(card)
    before = _assert_shows(page, reference)
    _check(page, text)
    message = _message(page)
    assert message.startswith("Not applied:") and words in message, message
    assert _shown(page) == before  # nothing changed
    assert _root(page).locator("input.sa-answer-box").get_attribute("aria-invalid") == "true"
    good = "100x100" if card == SHAPE else "false"
    _check(page, good)
    reference.answer(good)
    assert _message(page) == ""
    _assert_shows(page, reference)
    assert _root(page).locator("[aria-invalid=true]").count() == 0
    assert page_errors(quiz) == []


def test_every_label_shows_in_full_and_the_widget_fits_the_column(quiz):
    """Issue 12: the toggle's label read "show the ans…"."""
    page = quiz.page
    _cell(page, SHAPE).click()  # the card with the most controls: answer box and buttons
    found = page.evaluate(
        """(sel) => {
          const root = document.querySelector(sel + ' .sa-live');
          const parts = [...root.querySelectorAll('label, button, legend')].filter(
            el => el.offsetParent !== null);
          return {
            parts: parts.map(el => {
              const style = getComputedStyle(el);
              return {text: el.textContent, scroll: el.scrollWidth, client: el.clientWidth,
                      scrollH: el.scrollHeight, clientH: el.clientHeight,
                      overflow: style.textOverflow};
            }),
            widget: [root.scrollWidth, root.clientWidth, root.getBoundingClientRect().width],
            smallest: Math.min(...[...root.querySelectorAll('*')].filter(e => e.childElementCount === 0
              && e.textContent.trim() && e.offsetParent !== null).map(
              e => parseFloat(getComputedStyle(e).fontSize))),
          };
        }""",
        SELECTOR,
    )
    texts = [p["text"] for p in found["parts"]]
    for label in ("reveal", "check", "previous", "next", "reset", "answer", "cards"):
        assert LABELS[label] in texts, label  # the whole text, in the DOM
    for part in found["parts"]:
        assert part["scroll"] <= part["client"] + 1, part  # nothing clipped sideways
        assert part["scrollH"] <= part["clientH"] + 1, part  # nor below
        assert part["overflow"] != "ellipsis", part
    scroll, client, width = found["widget"]
    assert scroll <= client + 1 and width <= 688 + 1  # no sideways scrolling in the column
    assert found["smallest"] >= 10
    reveal = _action(page, "reveal")
    assert reveal.inner_text() == "show the answer" and reveal.is_visible()
    box = reveal.bounding_box()
    assert box["width"] > 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    _cell(page, 0).click()  # the self-marked card's buttons too
    for name in ("knew", "again"):
        assert _action(page, name).inner_text() == LABELS[name]
        assert _action(page, name).is_visible()
    _cell(page, SHAPE).click()
    _check(page, "100x100")
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    _root(page).screenshot(path=str(ROOT / "_build" / "screenshots" / "live-recall-quiz.png"))
    assert page_errors(quiz) == []
