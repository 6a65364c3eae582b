"""Chapter 10's real-attention explorer, live on the built website, offline, in a real browser.

It runs from the site's own scripts (no kernel, no model): it must mount in place of its
snapshot, show the heatmap of the chosen preset sentence, layer and head with, in every
cell, exactly the two decimals Python prints for the model's weight, follow every control,
say that a typed sentence needs a kernel, refuse bad input with a message that clears on
the next good input, fit the 688 px column, and log no console errors.
"""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, live_page, page_errors
from selfattention.widgets.real_attention_explorer import PRESETS, RealAttentionExplorer

PAGE = "chapters/10_real_model.html"
SELECTOR = ".sa-live-widget[data-sa-widget=real_attention]"


@pytest.fixture
def explorer(browser, site_url):
    yield from live_page(browser, site_url, PAGE, SELECTOR)


@pytest.fixture(scope="module")
def built_state() -> dict:
    """The state the chapter's explorer was built with, as the page ships it."""
    text = (ROOT / "_build" / "html" / PAGE).read_text(encoding="utf-8")
    start = text.index('data-sa-widget="real_attention"')
    start = text.index('class="sa-widget-state">', start) + len('class="sa-widget-state">')
    return json.loads(text[start:text.index("</script>", start)])


def _root(page):
    return page.locator(f"{SELECTOR} .sa-live")


def _heatmap(page) -> dict:
    return page.evaluate(
        """(sel) => { const t = document.querySelector(sel + ' .sa-live table.sa-heatmap');
             return {caption: t.querySelector('caption').textContent,
                     cols: [...t.querySelectorAll('thead th')].slice(1).map(c => c.textContent),
                     rows: [...t.querySelectorAll('tbody tr')].map(tr => [...tr.children].map(
                       c => c.textContent.trim()))}; }""",
        SELECTOR,
    )


def _message(page) -> str:
    return _root(page).locator("[role=alert]").inner_text().strip()



def _box(page, name):
    return _root(page).locator("input.sa-number").nth(0 if name == "layer" else 1)


def _type(page, name, text):
    box = _box(page, name)
    box.fill(text)
    box.press("Enter")


def _type_sentence(page, text):
    box = _root(page).locator("input.sa-real-box")
    box.fill(text)
    box.press("Enter")


def _assert_shows(page, sentence, layer, head):
    """Every cell shows exactly Python's f"{w:.2f}" of the model's weight for this state."""
    reference = RealAttentionExplorer(sentence, layer=layer, head=head)
    shown = _heatmap(page)
    assert shown["caption"].startswith(f"Layer {layer}, head {head}: attention weights")
    tokens = list(reference.tokens)
    assert shown["cols"] == tokens and [row[0] for row in shown["rows"]] == tokens
    assert [row[1:] for row in shown["rows"]] == [[f"{w:.2f}" for w in row]
                                                  for row in reference.weights]
    assert _root(page).locator("p.sa-real-summary").inner_text() == reference.summary()
    label = _root(page).locator(".sa-real-scroll").get_attribute("aria-label")
    assert label == reference.describe()
    return shown


def test_the_explorer_mounts_in_place_of_its_snapshot(explorer, built_state):
    page = explorer.page
    widget = page.locator(SELECTOR)
    assert widget.get_attribute("data-sa-live") == "mounted"
    assert widget.locator("figure.sa-widget-snapshot").is_hidden()
    options = _root(page).locator("select option").all_inner_texts()
    assert options[1:] == list(PRESETS)
    state = built_state
    assert state["sentence"] == PRESETS[0] and state["computed"] == {}
    _assert_shows(page, state["sentence"], state["layer"], state["head"])
    assert _root(page).locator("select").input_value() == PRESETS[0]
    assert page_errors(explorer) == [] and explorer.failed == [] and explorer.external == []


def test_every_control_gives_the_models_weights(explorer, built_state):
    page = explorer.page
    layer = built_state["layer"]
    assert built_state["head"] != 3 and layer != 1  # each step below changes something
    _root(page).locator("input[type=range]").nth(1).fill("3")
    _assert_shows(page, PRESETS[0], layer, 3)
    _type(page, "layer", "1")
    _assert_shows(page, PRESETS[0], 1, 3)
    _root(page).locator("select").select_option(PRESETS[1])
    _assert_shows(page, PRESETS[1], 1, 3)
    _root(page).locator("input[type=range]").nth(0).fill("4")
    _type(page, "head", "0")
    _assert_shows(page, PRESETS[1], 4, 0)
    _type_sentence(page, f"  {PRESETS[5]} ")  # a preset, typed: no kernel needed
    _assert_shows(page, PRESETS[5], 4, 0)
    assert _root(page).locator("select").input_value() == PRESETS[5]
    _root(page).locator("select").select_option(PRESETS[2])  # 16 tokens: the widest
    _assert_shows(page, PRESETS[2], 4, 0)
    # a redraw for the same tokens patches the cells: the same colours as a new table
    _type(page, "layer", "2")
    patched = _styles(page)
    _root(page).locator("select").select_option(PRESETS[3])
    _root(page).locator("select").select_option(PRESETS[2])
    assert _styles(page) == patched and len(set(patched)) > 5
    _assert_shows(page, PRESETS[2], 2, 0)
    assert _message(page) == "" and page_errors(explorer) == []


def _styles(page) -> list[str]:
    return page.evaluate(
        "(sel) => [...document.querySelectorAll(sel + ' .sa-live table.sa-heatmap td')]"
        ".map(c => c.getAttribute('style'))", SELECTOR)


@pytest.mark.parametrize(
    "act, words",
    [
        (lambda page: _type_sentence(page, "The dog chased the ball"),
         "needs a kernel: launch on Binder or run locally"),
        (lambda page: _type_sentence(page, "   "), "sentence is empty"),
        (lambda page: _type(page, "layer", "abc"), 'could not read "abc" as a number'),
        (lambda page: _type(page, "layer", "1e400"), "too large"),
        (lambda page: _type(page, "head", "2.5"), "head must be an int, got 2.5"),
        (lambda page: _type(page, "head", "12"), "must lie in [0, 11]"),
        (lambda page: _type(page, "layer", "-1"), "must lie in [0, 5]"),
    ],
)
def test_bad_input_shows_a_message_and_the_next_good_input_clears_it(explorer, built_state,
                                                                     act, words):
    page = explorer.page
    layer, head = built_state["layer"], built_state["head"]
    before = _assert_shows(page, PRESETS[0], layer, head)
    act(page)
    message = _message(page)
    assert message.startswith("Not applied:") and words in message, message
    assert _heatmap(page) == before  # the last good state stays
    _root(page).locator("input[type=range]").nth(1).fill("2")  # any good input clears it
    assert _message(page) == ""
    _assert_shows(page, PRESETS[0], layer, 2)
    assert _root(page).locator("input.sa-real-box").input_value() == ""
    assert _box(page, "layer").input_value() == str(layer)
    assert _root(page).locator("[aria-invalid=true]").count() == 0
    assert page_errors(explorer) == []


def test_the_widget_fits_the_column_and_nothing_is_cut_off(explorer):
    page = explorer.page
    _root(page).locator("select").select_option(PRESETS[2])  # the longest preset
    found = page.evaluate(
        """(sel) => {
          const root = document.querySelector(sel + ' .sa-live');
          const scroll = root.querySelector('.sa-real-scroll');
          const parts = [...root.querySelectorAll('label, button, th, caption')];
          return {
            parts: parts.map(el => ({text: el.textContent, scroll: el.scrollWidth,
                                     client: el.clientWidth})),
            widget: [root.scrollWidth, root.clientWidth, root.getBoundingClientRect().width],
            inner: [scroll.scrollWidth, scroll.clientWidth],
            smallest: Math.min(...[...root.querySelectorAll('*')].filter(e => e.childElementCount === 0
              && e.textContent.trim()).map(e => parseFloat(getComputedStyle(e).fontSize))),
          };
        }""",
        SELECTOR,
    )
    for part in found["parts"]:
        assert part["scroll"] <= part["client"] + 1, part  # nothing clipped
    scroll, client, width = found["widget"]
    assert scroll <= client + 1 and width <= 688 + 1  # no sideways scrolling in the column
    assert found["inner"][0] <= found["inner"][1] + 1  # 16 tokens fit without the inner scroll
    assert found["smallest"] >= 10
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    _root(page).screenshot(path=str(ROOT / "_build" / "screenshots" / "live-real-attention.png"))
