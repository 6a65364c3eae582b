"""The live widgets on the built website, offline, in a real browser.

Chapter 4's softmax explorer runs from the site's own scripts (no kernel): it must
mount in place of its snapshot, redraw its bars and its table to the numbers the
package computes for the state the reader set, refuse bad input with a message and
recover on the next good one, and log no console errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import selfattention as sa
from conftest import load_page, page_errors

PAGE = "chapters/04_softmax.html"
TOKENS = ["love", "Apple", "phones"]


@pytest.fixture
def explorer(browser, site_url):
    """A fresh chapter-4 page, with its explorer mounted."""
    loaded = load_page(browser, site_url, PAGE)
    page = loaded.page
    page.wait_for_selector(".sa-live-widget[data-sa-live]", timeout=10_000)
    yield loaded
    page.context.close()


def _boxes(page):
    return page.locator(".sa-live input.sa-number")


def _sliders(page):
    return page.locator(".sa-live input[type=range]")


def _table(page) -> list[list[str]]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.sa-live table.sa-table tbody tr')]
              .map(tr => [...tr.children].map(c => c.textContent.trim()))"""
    )


def _bars(page) -> dict:
    return page.evaluate(
        """() => {
          const svg = document.querySelector('.sa-live svg[role=img]');
          const heights = [...svg.querySelectorAll('rect[fill="#2f6c8e"]')].slice(1)  // not the legend
            .map(r => Number(r.getAttribute('height')));
          const labels = [...svg.querySelectorAll('text.sa-bar-value')].map(t => t.textContent);
          return {heights, labels, title: svg.querySelector('title').textContent,
                  desc: svg.querySelector('desc').textContent};
        }"""
    )


def _message(page) -> str:
    return page.locator(".sa-live [role=alert]").inner_text().strip()


def _assert_shows(page, token_scores, shift=0.0, temperature=1.0):
    """The table and the bars show what the package computes for this state."""
    scores = np.array(token_scores, dtype=float) + shift
    weights = sa.softmax(scores, temperature=temperature)
    rows = _table(page)
    assert [r[0] for r in rows] == TOKENS
    for row, score, weight in zip(rows, scores, weights):
        assert math.isclose(float(row[1]), score, rel_tol=1e-3, abs_tol=1e-9), row
        assert abs(float(row[4]) - weight) <= 5.1e-5, (row, weight)
    bars = _bars(page)
    heights = np.array(bars["heights"])
    assert len(heights) == len(TOKENS)
    np.testing.assert_allclose(heights / heights.sum(), weights, atol=1e-6)
    assert [float(x) for x in bars["labels"]] == pytest.approx(weights, abs=5.1e-4)
    assert bars["title"] == f"softmax at temperature {temperature:.2f}"
    assert bars["desc"].startswith(f"Bar chart of softmax weights at temperature {temperature:.2f}")
    return rows



def test_the_explorer_mounts_in_place_of_its_snapshot(explorer):
    page = explorer.page
    widget = page.locator(".sa-live-widget")
    assert widget.count() == 1
    assert widget.get_attribute("data-sa-live") == "mounted"
    assert widget.locator("figure.sa-widget-snapshot").is_hidden()
    assert widget.locator(".sa-live svg[role=img]").count() == 1
    # every control has a label; the figure is described for screen readers
    assert _sliders(page).count() == 5 and _boxes(page).count() == 5
    for i in range(5):
        assert _boxes(page).nth(i).get_attribute("aria-label")
        assert _sliders(page).nth(i).get_attribute("aria-label")
    _assert_shows(page, [1.0, 3.0, 6.0])


def test_print_shows_the_snapshot_instead_of_the_live_widget(explorer):
    page = explorer.page
    widget = page.locator(".sa-live-widget")
    try:
        page.emulate_media(media="print")
        assert widget.locator("figure.sa-widget-snapshot img").is_visible()
        assert widget.locator(".sa-live-root").is_hidden()
    finally:
        page.emulate_media(media="screen")
    assert widget.locator(".sa-live-root").is_visible()
    assert _message(page) == ""
    assert page_errors(explorer) == [] and explorer.external == [] and explorer.failed == []


def test_moving_a_slider_redraws_bars_and_table_to_the_package_numbers(explorer):
    page = explorer.page
    _sliders(page).nth(0).fill("6")  # love's score: now tied with phones
    _assert_shows(page, [6.0, 3.0, 6.0])
    assert _boxes(page).nth(0).input_value() == "6"
    # the temperature slider moves through log10(T): position 0.5 is T = 3.16
    _sliders(page).nth(4).fill("0.5")
    assert _boxes(page).nth(4).input_value() == "3.16"
    _assert_shows(page, [6.0, 3.0, 6.0], temperature=3.16)
    assert page_errors(explorer) == []


def test_a_typed_value_is_used_exactly(explorer):
    page = explorer.page
    _boxes(page).nth(1).fill("2.345")
    _boxes(page).nth(1).press("Enter")
    _boxes(page).nth(4).fill("0.37")
    _boxes(page).nth(4).press("Enter")
    _assert_shows(page, [1.0, 2.345, 6.0], temperature=0.37)
    assert _boxes(page).nth(1).input_value() == "2.345"  # not snapped to the slider's step


def test_adding_to_every_score_leaves_softmax_and_breaks_the_naive_formula(explorer):
    page = explorer.page
    _boxes(page).nth(3).fill("1000")
    _boxes(page).nth(3).press("Enter")
    rows = _assert_shows(page, [1.0, 3.0, 6.0], shift=1000.0)
    assert all(r[2] == "inf" and r[3] == "NaN" for r in rows), rows
    assert _message(page) == ""


@pytest.mark.parametrize(
    "box, text, words",
    [
        (0, "abc", 'could not read "abc" as a number'),
        (1, "", "is empty"),
        (2, "1e308", "must lie in [-10, 10], got 1e+308"),
        (3, "99999", "must lie in [-1000, 1000]"),
        (4, "0", "must lie in [0.1, 10], got 0"),
    ],
)
def test_bad_input_shows_a_message_and_the_widget_recovers(explorer, box, text, words):
    page = explorer.page
    _sliders(page).nth(2).fill("4")  # a good change first: the state to keep
    before = _assert_shows(page, [1.0, 3.0, 4.0])
    _boxes(page).nth(box).fill(text)
    _boxes(page).nth(box).press("Enter")
    message = _message(page)
    assert message.startswith("Not applied:") and words in message, message
    assert page.locator(".sa-live .sa-message").is_visible()
    assert _boxes(page).nth(box).get_attribute("aria-invalid") == "true"
    assert _table(page) == before  # the last good state stays
    # the next good input clears the message and is applied
    _boxes(page).nth(0).fill("-2.5")
    _boxes(page).nth(0).press("Enter")
    assert _message(page) == ""
    assert not page.locator(".sa-live .sa-message").is_visible()
    _assert_shows(page, [-2.5, 3.0, 4.0])
    assert _boxes(page).nth(box).get_attribute("aria-invalid") == "false"
    assert page_errors(explorer) == []
