"""Chapter 5's first self-attention explorer, live on the built website, offline.

It must mount in place of its snapshot; a typed feature value is used exactly, and the
score and weight heatmaps, the two lines under them and the word's table show what the
package computes for that state; a sentence change keeps the word's edit; restoring
brings the static vectors back; bad input (letters, NaN, out of range) gives a message,
is not clamped, the last good state stays, and the next good change clears the message
(issue 12: the old message used to stay); the page logs no console errors.
"""

from __future__ import annotations

import pytest

from conftest import load_page, page_errors
from selfattention.embeddings import FEATURES, embed
from selfattention.widgets.first_attention_explorer import FirstAttentionExplorer

PAGE = "chapters/05_first_self_attention.html"
TECH, FRUIT = FEATURES.index("technology"), FEATURES.index("fruit")


@pytest.fixture
def explorer(browser, site_url):
    loaded = load_page(browser, site_url, PAGE)
    loaded.page.wait_for_selector(
        '.sa-live-widget[data-sa-widget="first_attention"][data-sa-live]', timeout=10_000)
    yield loaded
    loaded.page.context.close()


def _root(page):
    return page.locator('.sa-live-widget[data-sa-widget="first_attention"] .sa-live')


def _boxes(page):
    return _root(page).locator("input.sa-number")


def _type(page, index, text):
    _boxes(page).nth(index).fill(text)
    _boxes(page).nth(index).press("Enter")


def _message(page) -> str:
    return _root(page).locator("[role=alert]").inner_text().strip()



def _cells(page, which: int) -> list[list[str]]:
    rows = _root(page).locator("table.sa-heatmap").nth(which).locator("tbody tr")
    return [[t.strip() for t in rows.nth(i).locator("td").all_inner_texts()]
            for i in range(rows.count())]


def _fixed(value: float, digits: int = 2) -> str:
    text = f"{value:.{digits}f}"
    return text[1:] if float(text) == 0 and text.startswith("-") else text


def _reference(sentence="apple phones", word="apple", vectors=None):
    explorer = FirstAttentionExplorer(sentence=sentence, word=word)
    explorer.vectors = vectors or {}
    return explorer


def _snapshot_of_view(page):
    return (_cells(page, 0), _cells(page, 1),
            _root(page).locator(".sa-table-holder").inner_text())


def _assert_shows(page, reference):
    """The heatmaps, the lines and the table show the package's numbers for this state."""
    assert _cells(page, 0) == [[_fixed(v) for v in row] for row in reference.result.scores]
    assert _cells(page, 1) == [[_fixed(v) for v in row] for row in reference.result.weights]
    headers = _root(page).locator("table.sa-heatmap").nth(0).locator("tbody th")
    assert headers.all_inner_texts() == reference.tokens
    assert _root(page).locator(".sa-self").inner_text() == reference.self_line
    assert _root(page).locator(".sa-symmetry").inner_text().startswith(
        "S equals its transpose: max |S − Sᵀ| = ")
    index = [t.lower() for t in reference.tokens].index(reference.word)
    rows = _root(page).locator(".sa-table-holder tbody tr")
    for k in range(len(FEATURES)):
        values = [t.strip() for t in rows.nth(k).locator("td").all_inner_texts()]
        assert values == [_fixed(embed(reference.word).vector[k]),
                          _fixed(reference.x[index, k]),
                          _fixed(reference.result.output[index, k], 3)], (k, values)
    for k, box in enumerate(_boxes(page).all()):
        assert float(box.input_value()) == pytest.approx(reference.x[index, k], abs=1e-9)


def test_mounts_with_labelled_controls_and_the_chapter_sentence(explorer, screenshots):
    page = explorer.page
    widget = page.locator('.sa-live-widget[data-sa-widget="first_attention"]')
    assert widget.get_attribute("data-sa-live") == "mounted"
    assert widget.locator("figure.sa-widget-snapshot").is_hidden()
    assert _boxes(page).count() == len(FEATURES)
    labels = _root(page).locator(".sa-controls label").all_inner_texts()
    assert labels == list(FEATURES)
    assert _root(page).locator("select.sa-sentence").input_value() == "apple phones"
    assert _root(page).locator("select.sa-word").input_value() == "apple"
    assert _root(page).locator("table.sa-heatmap").count() == 2
    _assert_shows(page, _reference())
    assert "love, phones" in _root(page).locator(".sa-self").inner_text()
    assert _message(page) == ""
    widget.scroll_into_view_if_needed()
    widget.screenshot(path=str(screenshots / "live-first-attention.png"))
    assert page_errors(explorer) == [] and explorer.external == [] and explorer.failed == []


def test_a_typed_value_is_used_exactly(explorer):
    page = explorer.page
    _type(page, TECH, "4.125")
    reference = _reference(vectors={"apple": [4.125, 2.0, 0, 0, 0, 0, 0, 0]})
    _assert_shows(page, reference)
    assert _cells(page, 0)[2][3] == _fixed(4.125 * 3 + 2 * 1)  # Apple · phones
    assert _boxes(page).nth(TECH).input_value() == "4.125"
    assert _message(page) == ""
    assert page_errors(explorer) == []


def test_the_slider_moves_the_value(explorer):
    page = explorer.page
    _root(page).locator("input[type=range]").nth(FRUIT).fill("-3.5")
    _assert_shows(page, _reference(vectors={"apple": [2.0, -3.5, 0, 0, 0, 0, 0, 0]}))


def test_other_sentences_keep_the_words_edit_until_restored(explorer):
    page = explorer.page
    _type(page, TECH, "0")
    _root(page).locator("select.sa-sentence").select_option("apple juice")
    vectors = {"apple": [0.0, 2.0, 0, 0, 0, 0, 0, 0]}
    _assert_shows(page, _reference("apple juice", "apple", vectors))
    _root(page).locator("select.sa-sentence").select_option("animal")
    assert _root(page).locator("select.sa-word").input_value() == "the"
    _root(page).locator("select.sa-word").select_option("tired")
    _type(page, FEATURES.index("animal"), "-10")
    vectors["tired"] = [0, 0, 0, 1.5, 0, 0, -10.0, 0]
    _assert_shows(page, _reference("animal", "tired", vectors))
    _root(page).locator("select.sa-sentence").select_option("cat")
    assert _root(page).locator("select.sa-word").input_value() == "tired"
    _assert_shows(page, _reference("cat", "tired", vectors))
    _root(page).locator("button.sa-restore").click()
    _assert_shows(page, _reference("cat", "tired"))
    assert page_errors(explorer) == []


@pytest.mark.parametrize(
    "text, words",
    [
        ("abc", 'could not read "abc" as a number'),
        ("NaN", 'could not read "NaN" as a number'),
        ("25", "technology must lie in [-10, 10], got 25"),
        ("-10.5", "technology must lie in [-10, 10], got -10.5"),
        ("", "technology is empty"),
    ],
)
def test_bad_input_is_refused_not_clamped_and_the_next_good_change_clears(explorer, text, words):
    page = explorer.page
    _type(page, FRUIT, "1")  # a good change first: the state to keep
    before = _snapshot_of_view(page)
    slider = _root(page).locator("input[type=range]").nth(TECH)
    _type(page, TECH, text)
    message = _message(page)
    assert message.startswith("Not applied:") and words in message, message
    assert _snapshot_of_view(page) == before  # the last good state stays
    assert float(slider.input_value()) == 2.0  # not clamped to the range's end
    assert _boxes(page).nth(TECH).get_attribute("aria-invalid") == "true"
    _type(page, FRUIT, "1.5")  # the next good input clears the message (issue 12)
    assert _message(page) == ""
    assert _boxes(page).nth(TECH).input_value() == "2"  # the refused text is gone
    _assert_shows(page, _reference(vectors={"apple": [2.0, 1.5, 0, 0, 0, 0, 0, 0]}))
    assert page_errors(explorer) == []


def test_choosing_a_word_or_restoring_also_clears_a_message(explorer):
    page = explorer.page
    _type(page, TECH, "11")
    assert _message(page).startswith("Not applied:")
    _root(page).locator("select.sa-word").select_option("phones")
    assert _message(page) == ""
    _assert_shows(page, _reference(word="phones"))
    _type(page, TECH, "x")
    assert _message(page).startswith("Not applied:")
    _root(page).locator("button.sa-restore").click()
    assert _message(page) == ""
    assert page_errors(explorer) == []


def test_retyping_the_value_in_use_after_a_refusal_clears_the_message(explorer):
    """Issue 12: an input that changes nothing (the value already in use) left the old
    message on screen; it is a good input, so it must clear it."""
    page = explorer.page
    _type(page, TECH, "abc")
    assert _message(page).startswith("Not applied:")
    _type(page, TECH, "2")  # apple's technology is 2 already
    assert _message(page) == ""
    assert _boxes(page).nth(TECH).get_attribute("aria-invalid") == "false"
    _assert_shows(page, _reference(vectors={"apple": [2.0, 2.0, 0, 0, 0, 0, 0, 0]}))
    assert page_errors(explorer) == []
