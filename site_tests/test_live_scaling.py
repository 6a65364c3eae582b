"""Chapter 8's scaling explorer, live on the built website, offline, in a real browser.

It runs from the site's own scripts (no kernel): it must mount in place of its
snapshot, show for every d_k and either setting of the switch the numbers the package
computes (``ScalingExplorer.state``: the spread of the scores, the typical row's
weights, the gradient), and apply what the reader types in the d_k box or refuse it
with a message (issue 12: "the ch 8 d_k readout accepts typing that does nothing");
out-of-range values are refused, not clamped. No text under 10 px, no console errors.
"""

from __future__ import annotations

import pytest

from conftest import ROOT, live_page, page_errors
from selfattention.scaling import D_K_VALUES
from selfattention.widgets.scaling_explorer import ScalingExplorer

PAGE = "chapters/08_scaling.html"
SELECTOR = ".sa-live-widget[data-sa-widget=scaling]"


@pytest.fixture(scope="module")
def reference():
    return ScalingExplorer()


@pytest.fixture
def explorer(browser, site_url):
    yield from live_page(browser, site_url, PAGE, SELECTOR)


def _root(page):
    return page.locator(f"{SELECTOR} .sa-live")


def _message(page) -> str:
    return _root(page).locator("[role=alert]").inner_text().strip()



def _type(page, text):
    box = _root(page).locator("input.sa-number")
    box.fill(text)
    box.press("Enter")


def _shown(page) -> dict:
    return page.evaluate(
        """(sel) => {
          const root = document.querySelector(sel + ' .sa-live');
          return {
            cells: [...root.querySelectorAll('table.sa-heatmap tbody td')].map(c => c.textContent),
            summary: root.querySelector('p.sa-scaling-summary').textContent,
            label: root.querySelector('.sa-scaling-panels').getAttribute('aria-label'),
            std: Number(root.querySelector('svg.sa-panel').dataset.std),
            weights: [...root.querySelectorAll('rect.sa-bar')].map(b => Number(b.dataset.weight)),
            star: [Number(root.querySelector('.sa-star').dataset.dK),
                   Number(root.querySelector('.sa-star').dataset.grad)],
            box: root.querySelector('input.sa-number').value,
            slider: root.querySelector('input[type=range]').value,
            checked: root.querySelector('input[type=checkbox]').checked,
          };
        }""",
        SELECTOR,
    )


def _assert_shows(page, reference, d_k=64, scaling=False):
    """The panels, the table and the text show what the package computes for this state."""
    reference.set_state({"d_k": d_k, "scaling": scaling})
    assert reference.error == ""
    state, shown = reference.state, _shown(page)
    assert shown["cells"] == [f"{w:.3f}" for w in state["weights"]]
    assert shown["summary"] == reference.summary()
    assert shown["label"] == reference.describe()
    assert shown["std"] == pytest.approx(state["score_std"], abs=1e-6)
    assert shown["weights"] == pytest.approx(state["weights"].tolist(), abs=1e-6)
    assert shown["star"] == [d_k, state["grad_norm"]]
    assert shown["box"] == str(d_k) and shown["slider"] == str(D_K_VALUES.index(d_k))
    assert shown["checked"] is scaling
    return shown


def test_the_explorer_mounts_in_place_of_its_snapshot(explorer, reference):
    page = explorer.page
    widget = page.locator(SELECTOR)
    assert widget.get_attribute("data-sa-live") == "mounted"
    assert widget.locator("figure.sa-widget-snapshot").is_hidden()
    assert _root(page).locator("svg.sa-panel").count() == 3
    assert page.locator(f"{SELECTOR} label", has_text="d_k (key size)").count() == 1
    assert page.locator(f"{SELECTOR} label", has_text="divide scores by √d_k").count() == 1
    _assert_shows(page, reference)  # the chapter's explorer: d_k = 64, not scaled
    assert _message(page) == ""
    assert page_errors(explorer) == [] and explorer.failed == [] and explorer.external == []


def test_every_control_gives_the_package_numbers(explorer, reference):
    page = explorer.page
    slider = _root(page).locator("input[type=range]")
    check = _root(page).locator("input[type=checkbox]")
    slider.fill("0")
    _assert_shows(page, reference, d_k=2)
    slider.fill("9")
    _assert_shows(page, reference, d_k=1024)
    check.check()
    _assert_shows(page, reference, d_k=1024, scaling=True)
    for text, d_k in [("256", 256), (" 8 ", 8), ("32.0", 32)]:
        _type(page, text)
        _assert_shows(page, reference, d_k=d_k, scaling=True)
    check.uncheck()
    _assert_shows(page, reference, d_k=32)
    for index, d_k in enumerate(D_K_VALUES):
        slider.fill(str(index))
        _assert_shows(page, reference, d_k=d_k)
    assert _message(page) == "" and page_errors(explorer) == []


@pytest.mark.parametrize(
    "text, words",
    [
        ("abc", 'd_k: could not read "abc" as a number'),
        ("", "d_k is empty"),
        ("100", "d_k must be a power of two from 2 to 1024"),
        ("2048", "d_k must lie in [2, 1024], got 2048"),  # refused, not clamped to 1024
        ("1", "d_k must lie in [2, 1024], got 1"),
        ("1e400", "too large"),
        ("63.5", "d_k must be a whole number"),
    ],
)
def test_typing_that_cannot_apply_is_refused_and_the_next_good_input_clears_it(
        explorer, reference, text, words):
    """Issue 12: the ch 8 d_k readout accepted typing that did nothing."""
    page = explorer.page
    _type(page, "128")
    before = _assert_shows(page, reference, d_k=128)
    _type(page, text)
    message = _message(page)
    assert message.startswith("Not applied:") and words in message, message
    after = _shown(page)
    assert {k: v for k, v in after.items() if k != "box"} == {
        k: v for k, v in before.items() if k != "box"}  # the last good state stays
    assert _root(page).locator("input.sa-number").get_attribute("aria-invalid") == "true"
    _root(page).locator("input[type=checkbox]").check()  # any good input clears it
    assert _message(page) == ""
    _assert_shows(page, reference, d_k=128, scaling=True)  # the box shows the d_k in use
    assert _root(page).locator("[aria-invalid=true]").count() == 0
    _type(page, text)
    _type(page, "128")  # retyping the value in use clears the message too
    assert _message(page) == ""
    assert page_errors(explorer) == []


def test_text_is_legible_and_the_widget_fits_the_column(explorer):
    page = explorer.page
    found = page.evaluate(
        """(sel) => {
          const root = document.querySelector(sel + ' .sa-live');
          const sizes = [];
          for (const svg of root.querySelectorAll('svg')) {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            for (const t of svg.querySelectorAll('text')) {
              if (t.textContent.trim()) sizes.push(parseFloat(getComputedStyle(t).fontSize) * scale);
            }
          }
          const rects = [...root.querySelectorAll('svg.sa-panel')].map(s => s.getBoundingClientRect());
          return {sizes, widget: [root.scrollWidth, root.clientWidth, root.getBoundingClientRect().width],
                  tops: rects.map(r => Math.round(r.top)),
                  labels: [...root.querySelectorAll('label')].map(l => [l.scrollWidth, l.clientWidth])};
        }""",
        SELECTOR,
    )
    assert found["sizes"] and min(found["sizes"]) >= 10
    scroll, client, width = found["widget"]
    assert scroll <= client + 1 and width <= 688 + 1  # no sideways scrolling in the column
    assert len(set(found["tops"])) == 1  # left, middle, right: the three panels side by side
    for scroll_width, client_width in found["labels"]:
        assert scroll_width <= client_width + 1
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    _root(page).screenshot(path=str(ROOT / "_build" / "screenshots" / "live-scaling.png"))


def test_the_snapshot_stays_for_print(explorer):
    page = explorer.page
    snapshot = page.locator(f"{SELECTOR} figure.sa-widget-snapshot img")
    assert snapshot.count() == 1
    assert "Three panels for d_k = 64, scores not scaled" in snapshot.get_attribute("alt")
