"""The attention explorer of chapters 6, 7 and 8, live on the built website, offline.

It runs from the site's own scripts (no kernel): it must mount in place of its
snapshot, show the scores, weights, queries, keys, values and output that the package
computes (``AttentionExplorer.result``) for every control (preset, typed sentence,
scaling, temperature, the four matrix boxes), refuse bad input with the red "Not
applied" message that clears on the next good input, keep every row of a matrix box on
one line (issue 12: the W_Q/W_K boxes wrapped their rows), report a tie as a tie
(issue 13), fit the page's column, and log no console errors.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import ROOT, load_page, page_errors
from selfattention.widgets.attention_explorer import AttentionExplorer, format_matrix

PAGE = "chapters/07_matrix_form.html"
SELECTOR = ".sa-live-widget[data-sa-widget=attention]"


def _open(browser, site_url, page_path):
    loaded = load_page(browser, site_url, page_path)
    loaded.page.wait_for_selector(f"{SELECTOR}[data-sa-live]", timeout=10_000)
    loaded.page.locator(SELECTOR).first.scroll_into_view_if_needed()
    return loaded


@pytest.fixture
def explorer(browser, site_url):
    loaded = _open(browser, site_url, PAGE)
    yield loaded
    loaded.page.context.close()


def _root(page):
    return page.locator(f"{SELECTOR} .sa-live").first


def _tables(page) -> dict:
    return page.evaluate(
        """(sel) => Object.fromEntries([...document.querySelector(sel + ' .sa-live')
             .querySelectorAll('table.sa-table')].map(t => [
               t.querySelector('caption').textContent.split(':')[0].split(',')[0],
               {caption: t.querySelector('caption').textContent,
                cols: [...t.querySelectorAll('thead th')].slice(1).map(c => c.textContent),
                rows: [...t.querySelectorAll('tbody tr')].map(tr => tr.children[0].textContent),
                cells: [...t.querySelectorAll('tbody tr')].map(tr => [...tr.querySelectorAll('td')]
                  .map(c => Number(c.textContent)))}]))""",
        SELECTOR,
    )


def _message(page) -> str:
    return _root(page).locator("[role=alert]").inner_text().strip()



def _assert_shows(page, reference: AttentionExplorer) -> dict:
    """Every table shows the package's numbers for this state, to the decimals shown."""
    tables = _tables(page)
    r = reference.result
    tokens = list(reference.setup.tokens)
    expected = {"Scores Q Kᵀ": (r.scores, 0.0051), "Attention weights": (r.weights, 0.0051),
                "Queries Q = X W_Q": (r.queries, 0.0051), "Keys K = X W_K": (r.keys, 0.0051),
                "Values V = X W_V": (r.values, 0.0051), "Output": (r.output, 0.00051)}
    assert set(expected) <= set(tables), tables.keys()
    for name, (matrix, tolerance) in expected.items():
        table = tables[name]
        assert table["rows"] == tokens, name
        assert [len(row) for row in table["cells"]] == [matrix.shape[1]] * len(tokens), name
        np.testing.assert_allclose(table["cells"], matrix, rtol=0, atol=tolerance, err_msg=name)
    assert tables["Attention weights"]["cols"] == tokens
    assert tables["Scores Q Kᵀ"]["caption"].startswith(
        f"Scores Q Kᵀ, before scaling. Softmax gets each × {r.scale:.3f}")
    assert _root(page).locator("p.sa-att-summary").inner_text() == reference.describe()
    for key in ("x", "w_q", "w_k", "w_v"):
        box = _root(page).locator(f"textarea[data-matrix={key}]")
        assert box.input_value() == format_matrix(getattr(reference.setup, key)), key
    return tables


def _choose(page, preset):
    _root(page).locator("select.sa-att-preset").select_option(preset)


def _type_sentence(page, text):
    box = _root(page).locator("input.sa-att-sentence")
    box.fill(text)
    box.press("Enter")


def _type_temperature(page, text):
    box = _root(page).locator("input.sa-number")
    box.fill(text)
    box.press("Enter")


def _type_matrix(page, key, text):
    box = _root(page).locator(f"textarea[data-matrix={key}]")
    box.fill(text)
    box.evaluate("b => b.blur()")  # a change applies when the box loses focus


def test_the_explorer_mounts_in_place_of_its_snapshot(explorer):
    page = explorer.page
    widget = page.locator(SELECTOR)
    assert widget.get_attribute("data-sa-live") == "mounted"
    assert widget.locator("figure.sa-widget-snapshot").is_hidden()
    _assert_shows(page, AttentionExplorer())  # chapter 7 opens on the worked example
    assert _root(page).locator("select.sa-att-preset").input_value() == "worked example"
    assert _root(page).locator("input[type=checkbox]").is_checked()
    for label in ("preset", "your sentence", "temperature", "divide scores by √d_k", "W_Q"):
        assert _root(page).locator("label", has_text=label).count() >= 1, label
    assert page_errors(explorer) == [] and explorer.failed == [] and explorer.external == []


def test_every_control_gives_the_package_numbers(explorer):
    page = explorer.page
    reference = AttentionExplorer()
    _root(page).locator("input[type=checkbox]").click()
    reference.scaling = False
    _assert_shows(page, reference)
    _type_temperature(page, "2.5")
    reference.temperature = 2.5
    _assert_shows(page, reference)
    _root(page).locator("input[type=range]").fill("0")  # log10 of the temperature
    reference.temperature = 1.0
    _assert_shows(page, reference)
    _type_matrix(page, "w_v", "2, 0\n0, 3")
    weights_before = _tables(page)["Attention weights"]
    reference.w_v = [[2, 0], [0, 3]]
    tables = _assert_shows(page, reference)
    assert tables["Attention weights"] == weights_before  # W_V moves the outputs only
    assert _root(page).locator("select.sa-att-preset").input_value() == ""  # your own
    _type_matrix(page, "w_k", "[1, 0]\n[0, 1]")
    reference.w_k = [[1, 0], [0, 1]]
    _assert_shows(page, reference)
    _choose(page, "apple juice")
    reference.load_preset("apple juice")
    _assert_shows(page, reference)
    _type_sentence(page, "the CAT sat on the mat")
    reference.embed("the CAT sat on the mat")
    _assert_shows(page, reference)
    _choose(page, "worked example")
    reference.load_preset("worked example")
    _type_sentence(page, "I saw the bank near the river")  # 2-row weights: the toy ones come in
    reference.embed("I saw the bank near the river")
    _assert_shows(page, reference)
    assert _root(page).locator("p.sa-att-note").inner_text() == reference.note != ""
    assert _message(page) == "" and page_errors(explorer) == []


@pytest.mark.parametrize(
    "act, words",
    [
        (lambda p: _type_sentence(p, "I love zebra phones"), "'zebra' is not in the toy vocabulary"),
        (lambda p: _type_sentence(p, "   "), "the sentence has no words"),
        (lambda p: _type_sentence(p, " ".join(["cat"] * 13)), "at most 12"),
        (lambda p: _type_matrix(p, "w_q", "1 0\n0 x"), "W_Q, line 2: could not read 'x' as a number"),
        (lambda p: _type_matrix(p, "w_k", "1 1 0\n0 1 0"), "W_Q has 2 columns but W_K has 3"),
        (lambda p: _type_matrix(p, "x", "1 0\n1 1"), "X has 2 rows but there are 3 tokens"),
        (lambda p: _type_matrix(p, "x", "1e6 0\n1 1\n0 2"), "must lie in [-100, 100]"),
        (lambda p: _type_matrix(p, "w_v", ""), "W_V is empty"),
        (lambda p: _type_temperature(p, "abc"), 'could not read "abc" as a number'),
        (lambda p: _type_temperature(p, "50"), "must lie in [0.1, 10]"),
        (lambda p: _type_temperature(p, "1e400"), "too large"),
    ],
)
def test_bad_input_shows_a_message_and_the_next_good_input_clears_it(explorer, act, words):
    page = explorer.page
    before = _assert_shows(page, AttentionExplorer())
    act(page)
    message = _message(page)
    assert message.startswith("Not applied:") and words in message, message
    assert _tables(page) == before  # the last good state stays
    _root(page).locator("input[type=checkbox]").click()  # any good input clears the message
    assert _message(page) == ""
    _assert_shows(page, AttentionExplorer(scaling=False))  # and every box shows the state
    assert _root(page).locator("input.sa-att-sentence").input_value() == "love Apple phones"
    assert _root(page).locator("input.sa-number").input_value() == "1"
    assert _root(page).locator("[aria-invalid=true]").count() == 0
    assert page_errors(explorer) == []


BOXES_JS = """(sel) => [...document.querySelector(sel + ' .sa-live').querySelectorAll('textarea')]
  .map(b => ({key: b.dataset.matrix, lines: b.value.split('\\n').length, wrap: b.getAttribute('wrap'),
              space: getComputedStyle(b).whiteSpace, sw: b.scrollWidth, cw: b.clientWidth,
              sh: b.scrollHeight, ch: b.clientHeight,
              lineHeight: parseFloat(getComputedStyle(b).lineHeight)}))"""


@pytest.mark.parametrize("preset", ["identity weights", "seeded random", "Apple phones"])
def test_matrix_boxes_never_wrap_their_rows(explorer, preset):
    """Issue 12: the W_Q/W_K boxes wrapped their rows."""
    page = explorer.page
    _choose(page, preset)
    for box in page.evaluate(BOXES_JS, SELECTOR):
        assert box["wrap"] == "off" and box["space"] == "pre", box
        assert box["sw"] <= box["cw"] + 1, box  # every row fits the box's width: nothing hidden
        assert box["sh"] <= box["ch"] + 1, box  # and the box is as tall as its rows
        assert box["ch"] <= (box["lines"] + 1) * box["lineHeight"] + 12, box  # one line per row


def test_the_widget_fits_the_column_and_no_text_is_small_or_cut_off(explorer):
    page = explorer.page
    _type_sentence(page, "The animal didn't cross the street because it was too tired")
    _choose(page, "identity weights")  # 8 x 8 matrices: the widest boxes
    found = page.evaluate(
        """(sel) => {
          const root = document.querySelector(sel + ' .sa-live');
          const parts = [...root.querySelectorAll('label, button, th, caption, option')];
          return {
            cut: parts.filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1
                                     && getComputedStyle(el).overflow !== 'visible')
                      .map(el => el.textContent),
            widget: [root.scrollWidth, root.clientWidth, root.getBoundingClientRect().width],
            smallest: Math.min(...[...root.querySelectorAll('*')].filter(e => e.childElementCount === 0
              && e.textContent.trim() && e.offsetParent !== null)
              .map(e => parseFloat(getComputedStyle(e).fontSize))),
          };
        }""",
        SELECTOR,
    )
    assert found["cut"] == []
    scroll, client, width = found["widget"]
    assert scroll <= client + 1 and width <= 688 + 1  # no sideways scrolling in the column
    assert found["smallest"] >= 10
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 2400})  # the page's sticky header stays clear
    _root(page).screenshot(path=str(ROOT / "_build" / "screenshots" / "live-attention-8x8.png"))
    _choose(page, "worked example")
    _root(page).screenshot(path=str(ROOT / "_build" / "screenshots" / "live-attention.png"))


def test_chapter_six_opens_on_chapter_fives_weights_and_reports_the_tie(browser, site_url):
    """Issue 13: "opens on Part I's version"; a tie is reported as a tie."""
    loaded = _open(browser, site_url, "chapters/06_query_key_value.html")
    try:
        page = loaded.page
        reference = AttentionExplorer(preset="identity weights", scaling=False)
        _assert_shows(page, reference)
        assert not _root(page).locator("input[type=checkbox]").is_checked()
        summary = _root(page).locator("p.sa-att-summary").inner_text()
        assert "Apple splits its largest weight between Apple and phones (0.50 each)" in summary
        assert "Apple attends most" not in summary
        assert page_errors(loaded) == []
    finally:
        loaded.page.context.close()
