"""Chapter 12's recall quiz, live in JupyterLab with a kernel (headless chromium).

The same front end as on the website runs the quiz; each change also reaches the
kernel, where RecallQuiz keeps the reference state: the marks, the answers typed, and
from them the status and the score. A nonsense answer shows a message and goes nowhere;
the next good input clears it.
"""

from __future__ import annotations

from conftest import ROOT, open_in_lab, run_report, show_widget
from selfattention.widgets.recall_quiz import CARDS, LABELS, RecallQuiz

NOTEBOOK = "live_recall_quiz.ipynb"
REPORT = ("print('state', quiz.card, quiz.revealed, quiz.status, quiz.score, quiz.answered, "
          "repr(quiz.error))")
SHAPE = next(i for i, card in enumerate(CARDS) if card.kind == "shape")
BOOL = next(i for i, card in enumerate(CARDS) if card.kind == "bool")


def _expected(reference: RecallQuiz) -> str:
    return (f"state {reference.card} {reference.revealed} {reference.status} "
            f"{reference.score} {reference.answered} {reference.error!r}")


def _check(page, text):
    box = page.locator(".sa-live input.sa-answer-box")
    box.fill(text)
    page.locator(".sa-live").get_by_role("button", name=LABELS["check"], exact=True).click()


def test_the_recall_quiz_works_live_with_the_kernel(lab_server, browser):
    url = lab_server.notebook(NOTEBOOK, [
        "from selfattention.widgets import RecallQuiz\nquiz = RecallQuiz()\nquiz",
        REPORT,
    ])
    page, errors = open_in_lab(browser, url)
    show_widget(page, ".sa-live button.sa-quiz-cell", "recall-quiz")
    assert page.locator(".sa-live button.sa-quiz-cell").count() == len(CARDS)

    reference = RecallQuiz()
    page.locator(".sa-live button[data-action=reveal]").click()
    page.locator(".sa-live button[data-action=knew]").click()
    reference.reveal()
    reference.mark(True)
    page.locator(".sa-live button.sa-quiz-cell[data-card='2']").click()
    page.locator(".sa-live button[data-action=again]").click()
    reference.pick(2)
    reference.mark(False)
    page.locator(f".sa-live button.sa-quiz-cell[data-card='{BOOL}']").click()
    _check(page, "False.")
    reference.pick(BOOL)
    reference.answer("False.")
    page.locator(f".sa-live button.sa-quiz-cell[data-card='{SHAPE}']").click()
    _check(page, "(100, 100)")
    reference.pick(SHAPE)
    reference.answer("(100, 100)")
    assert page.locator(".sa-live .sa-quiz-verdict").inner_text() == reference.verdict_text()
    assert page.locator(".sa-live .sa-quiz-score").inner_text() == reference.summary()
    page.wait_for_timeout(1000)
    run_report(page, _expected(reference))

    # nonsense: a message, the kernel keeps the last good state; the next good one clears it
    _check(page, "T x T")
    message = page.locator(".sa-live [role=alert]").inner_text()
    assert f'card {SHAPE + 1}: could not read "T x T" as a shape' in message
    _check(page, "64x64")
    reference.answer("64x64")
    assert page.locator(".sa-live [role=alert]").inner_text().strip() == ""
    page.wait_for_timeout(1000)
    run_report(page, _expected(reference))
    assert reference.score == {"known": 2, "again": 2, "not_tried": 11}
    assert errors == []
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ROOT / "_build" / "screenshots" / "lab-recall-quiz.png"))
    page.close()
