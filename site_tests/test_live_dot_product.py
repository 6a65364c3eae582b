"""Chapter 3's dot product explorer, live on the built website, offline, in a real browser.

It must mount in place of its snapshot; typed coordinates are used exactly, so the table
shows the numbers the package computes for them ((2, 1) and (1, 2) give 4); a zero or
oversized vector is refused with a message, the last good state stays, and the next
good input clears it; and the page logs no console errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import selfattention as sa
from conftest import load_page, page_errors
from selfattention.arrows import angle_between

PAGE = "chapters/03_dot_product.html"
# the controls, in order: length of a, angle of a, length of b, angle of b, a: x, a: y, b: x, b: y
LENGTH_A, ANGLE_A, LENGTH_B, ANGLE_B, AX, AY, BX, BY = range(8)


@pytest.fixture
def explorer(browser, site_url):
    """A fresh chapter-3 page, with its explorer mounted."""
    loaded = load_page(browser, site_url, PAGE)
    loaded.page.wait_for_selector('.sa-live-widget[data-sa-widget="dot_product"][data-sa-live]',
                                  timeout=10_000)
    yield loaded
    loaded.page.context.close()


def _root(page):
    return page.locator('.sa-live-widget[data-sa-widget="dot_product"] .sa-live')


def _boxes(page):
    return _root(page).locator("input.sa-number")


def _type(page, index, text):
    _boxes(page).nth(index).fill(text)
    _boxes(page).nth(index).press("Enter")


def _values(page) -> list[str]:
    return [td.strip() for td in _root(page).locator("table.sa-table tbody td").all_inner_texts()]


def _message(page) -> str:
    return _root(page).locator("[role=alert]").inner_text().strip()



def _assert_shows(page, a, b):
    """The table shows what the package computes for the vectors a and b."""
    a, b = np.array(a, dtype=float), np.array(b, dtype=float)
    values = _values(page)
    dot_product = float(sa.dot(a, b))
    cosine = float(sa.cosine_similarity(a, b))
    theta = angle_between(a, b)
    assert values[0] == f"({a[0]:.3f}, {a[1]:.3f}), length {np.linalg.norm(a):.3f}"
    assert values[1] == f"({b[0]:.3f}, {b[1]:.3f}), length {np.linalg.norm(b):.3f}"
    assert values[2] == f"{theta:.1f}°"
    assert values[3].endswith(f"= {dot_product:.3f}"), values[3]
    lengths = np.linalg.norm(a) * np.linalg.norm(b) * math.cos(math.radians(theta))
    assert values[4].endswith(f"= {lengths:.3f}"), values[4]
    assert values[5] == f"{cosine:.3f}"
    return values


def test_the_explorer_mounts_with_labelled_controls_and_the_chapter_vectors(explorer):
    page = explorer.page
    widget = page.locator('.sa-live-widget[data-sa-widget="dot_product"]')
    assert widget.get_attribute("data-sa-live") == "mounted"
    assert widget.locator("figure.sa-widget-snapshot").is_hidden()
    svg = _root(page).locator("svg[role=img]")
    assert svg.count() == 1
    assert _boxes(page).count() == 8
    labels = [_root(page).locator("label").nth(i).inner_text() for i in range(8)]
    assert labels == ["length of a", "angle of a (°)", "length of b", "angle of b (°)",
                      "a: x", "a: y", "b: x", "b: y"]
    a, b = sa.arrows.polar_to_xy(3.0, 20.0), sa.arrows.polar_to_xy(2.0, 80.0)
    _assert_shows(page, a, b)
    assert "The dot product is 3.000" in svg.locator("desc").text_content()
    assert _message(page) == ""
    assert page_errors(explorer) == [] and explorer.external == [] and explorer.failed == []


def test_typed_coordinates_give_exactly_the_package_numbers(explorer):
    page = explorer.page
    for index, text in ((AX, "2"), (AY, "1"), (BX, "1"), (BY, "2")):
        _type(page, index, text)
    values = _assert_shows(page, [2.0, 1.0], [1.0, 2.0])
    assert values[3] == "2.000×1.000 + 1.000×2.000 = 4.000"  # not 3.958
    # the length and angle boxes follow, unrounded
    assert float(_boxes(page).nth(LENGTH_A).input_value()) == pytest.approx(math.sqrt(5), abs=1e-5)
    # turning b by its angle keeps its exact length
    _type(page, ANGLE_B, "90")
    _assert_shows(page, [2.0, 1.0], sa.arrows.polar_to_xy(math.sqrt(5), 90.0))
    assert page_errors(explorer) == []


def test_the_angle_slider_moves_b(explorer):
    page = explorer.page
    _root(page).locator("input[type=range]").nth(ANGLE_B).fill("110")  # a right angle to a
    values = _assert_shows(page, sa.arrows.polar_to_xy(3.0, 20.0), sa.arrows.polar_to_xy(2.0, 110.0))
    assert values[2] == "90.0°"


@pytest.mark.parametrize(
    "index, text, words",
    [
        (LENGTH_B, "0", "b is the zero vector"),
        (AX, "4.9", "a would have length"),
        (BY, "9", "b: y must lie in [-5, 5], got 9"),
        (ANGLE_A, "abc", 'could not read "abc" as a number'),
    ],
)
def test_bad_input_shows_a_message_and_the_widget_recovers(explorer, index, text, words):
    page = explorer.page
    _type(page, AX, "2")  # a good change first: the state to keep
    before = _values(page)
    _type(page, index, text)
    message = _message(page)
    assert message.startswith("Not applied:") and words in message, message
    assert _values(page) == before  # the last good state stays
    _type(page, BX, "1")  # the next good input clears the message and is applied
    assert _message(page) == ""
    assert _values(page) != before
    assert page_errors(explorer) == []
