"""Chapter 2's mixing explorer, live on the built website, offline, in a real browser.

It runs from the site's own scripts (no kernel): it must mount in place of its
snapshot, keep its weights summing to 1 by the package's rule, show the new vector
the package computes, reset, refuse bad input with a message and recover on the
next good one, and log no console errors.
"""

from __future__ import annotations

import numpy as np
import pytest

import selfattention as sa
from conftest import load_page, page_errors
from selfattention.embeddings import FEATURES, embed_sentence

PAGE = "chapters/02_weighted_mixing.html"
WORDS = ["love", "Apple", "phones"]
TECH, FRUIT = FEATURES.index("technology"), FEATURES.index("fruit")


@pytest.fixture
def explorer(browser, site_url):
    loaded = load_page(browser, site_url, PAGE)
    page = loaded.page
    page.wait_for_selector(".sa-live-widget[data-sa-widget=mixing][data-sa-live]",
                           timeout=10_000)
    yield loaded
    page.context.close()


def _root(page):
    return page.locator(".sa-live-widget[data-sa-widget=mixing] .sa-live")


def _boxes(page):
    return _root(page).locator("input.sa-number")


def _sliders(page):
    return _root(page).locator("input[type=range]")


def _shown(page) -> dict:
    return page.evaluate(
        """() => {
          const root = document.querySelector('.sa-live-widget[data-sa-widget=mixing] .sa-live');
          const rows = (sel) => [...root.querySelectorAll(sel + ' tbody tr')]
            .map(tr => [...tr.children].map(c => c.textContent.trim()));
          const diamond = root.querySelector('svg .sa-mixed');
          const labels = [...root.querySelectorAll('svg text.sa-label')].map(t => {
            const b = t.getBBox(); return [b.x, b.y, b.width, b.height, t.textContent]; });
          return {weights: rows('table.sa-weights'), vectors: rows('table.sa-vectors'),
                  point: [Number(diamond.dataset.x), Number(diamond.dataset.y)], labels,
                  boxes: [...root.querySelectorAll('input.sa-number')].map(b => b.value)};
        }"""
    )


def _message(page) -> str:
    return _root(page).locator("[role=alert]").inner_text().strip()


def _assert_shows(page, weights, sentence="love Apple phones"):
    """Tables, boxes and the diamond show the package's numbers for these weights."""
    _, x = embed_sentence(sentence)
    mixed = np.asarray(sa.mix(x, np.array(weights)))
    shown = _shown(page)
    table = [float(row[1]) for row in shown["weights"][:-1]]
    np.testing.assert_allclose(table, weights, atol=5.1e-4)
    assert shown["weights"][-1] == ["sum", "1.000"]
    boxes = [float(v) for v in shown["boxes"]]
    np.testing.assert_allclose(boxes, weights, atol=5e-6)  # the readouts agree with the table
    assert sum(boxes) == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_allclose(shown["point"], mixed[[TECH, FRUIT]], atol=1e-6)
    np.testing.assert_allclose([float(r[2]) for r in shown["vectors"]], mixed, atol=5.1e-4)
    for i, a in enumerate(shown["labels"]):  # no two labels of the view overlap
        for b in shown["labels"][i + 1:]:
            apart = (a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0]
                     or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1])
            assert apart, (a, b)
    return shown



def _type(page, index, text):
    _boxes(page).nth(index).fill(text)
    _boxes(page).nth(index).press("Enter")


def test_the_explorer_mounts_in_place_of_its_snapshot(explorer):
    page = explorer.page
    widget = page.locator(".sa-live-widget[data-sa-widget=mixing]")
    assert widget.get_attribute("data-sa-live") == "mounted"
    assert widget.locator("figure.sa-widget-snapshot").is_hidden()
    assert _sliders(page).count() == 3 and _boxes(page).count() == 3
    for i in range(3):
        assert _boxes(page).nth(i).get_attribute("aria-label")
    _assert_shows(page, [0.1, 0.5, 0.4])
    assert page_errors(explorer) == [] and explorer.failed == []


def test_a_weight_change_rebalances_and_gives_the_package_mix(explorer):
    page = explorer.page
    _sliders(page).nth(2).fill("0.7")
    _assert_shows(page, [0.05, 0.25, 0.7])
    _type(page, 0, "0.123456")  # typed: used exactly, not snapped to the slider's step
    expected = sa.rebalance(np.array([0.05, 0.25, 0.7]), 0, 0.123456)
    _assert_shows(page, list(expected))
    assert _message(page) == ""


def test_quick_keypresses_follow_the_rule_in_order(explorer):
    page = explorer.page
    expected = np.array([0.1, 0.5, 0.4])
    for index, value in [(0, 0.31), (0, 0.32), (0, 0.33), (1, 0.9), (2, 0.01)]:
        _sliders(page).nth(index).fill(str(value))
        expected = np.asarray(sa.rebalance(expected, index, value))
    _assert_shows(page, list(expected))


def test_switching_sentence_and_reset(explorer):
    page = explorer.page
    _sliders(page).nth(0).fill("0.9")
    _root(page).locator("button.sa-sentence", has_text="love apple juice").click()
    weights = list(sa.rebalance(np.array([0.1, 0.5, 0.4]), 0, 0.9))
    _assert_shows(page, weights, "love apple juice")
    _root(page).locator("button.sa-reset").click()
    _assert_shows(page, [0.1, 0.5, 0.4], "love apple juice")
    assert "more fruit than technology" in _root(page).locator("p.sa-lean").inner_text()


@pytest.mark.parametrize(
    "text, words",
    [("abc", 'could not read "abc" as a number'), ("-0.2", "must lie in [0, 1]"),
     ("1.5", "must lie in [0, 1]")],
)
def test_bad_input_shows_a_message_and_the_widget_recovers(explorer, text, words):
    page = explorer.page
    _sliders(page).nth(2).fill("0.7")
    before = _assert_shows(page, [0.05, 0.25, 0.7])
    _type(page, 1, text)
    message = _message(page)
    assert message.startswith("Not applied:") and words in message, message
    assert _shown(page)["weights"] == before["weights"]  # the last good state stays
    _type(page, 0, "0.2")
    assert _message(page) == ""
    _assert_shows(page, list(sa.rebalance(np.array([0.05, 0.25, 0.7]), 0, 0.2)))
    assert page_errors(explorer) == []
