"""Chapter 11's mask explorer, live on the built website, offline, in a real browser.

It runs from the site's own scripts (no kernel): it must mount in place of its
snapshot, show one heatmap per head with the weights the package computes
(``MaskExplorer.weights``, from ``multi_head_attention``) and "masked" where a mask
forbids a pair, follow every control (sentence, typed sentence, mask, k, heads),
refuse bad input with a message that clears on the next good input, show every label
in full (issue 12: "padding: last k toke…" was cut off), redraw within one frame, and
log no console errors.
"""

from __future__ import annotations

import pytest

from conftest import ROOT, live_page, page_errors
from selfattention.embeddings import SENTENCES
from selfattention.widgets.mask_explorer import PAD_LABEL, MaskExplorer

PAGE = "chapters/11_in_practice.html"
SELECTOR = ".sa-live-widget[data-sa-widget=mask]"
EIGHT = "The cat sat on the mat because it"  # 8 tokens, for the timing


@pytest.fixture
def explorer(browser, site_url):
    yield from live_page(browser, site_url, PAGE, SELECTOR)


def _root(page):
    return page.locator(f"{SELECTOR} .sa-live")


def _heatmaps(page) -> list[dict]:
    return page.evaluate(
        """(sel) => [...document.querySelectorAll(sel + ' .sa-live table.sa-heatmap')].map(t => ({
             caption: t.querySelector('caption').textContent,
             cols: [...t.querySelectorAll('thead th')].slice(1).map(c => c.textContent),
             rows: [...t.querySelectorAll('tbody tr')].map(tr => [...tr.children].map(
               c => c.textContent.trim()))}))""",
        SELECTOR,
    )


def _message(page) -> str:
    return _root(page).locator("[role=alert]").inner_text().strip()



def _pick(page, group, value):
    _root(page).locator(f"[data-group={group}]").get_by_role(
        "radio", name=str(value), exact=True).click()


def _type_sentence(page, text):
    box = _root(page).locator("input.sa-sentence-box")
    box.fill(text)
    box.press("Enter")


def _type_pad(page, text):
    box = _root(page).locator("input.sa-number")
    box.fill(text)
    box.press("Enter")


def _assert_shows(page, **state):
    """The heatmaps show what the package computes for this state, to the 2 decimals shown."""
    reference = MaskExplorer(**state)
    shown = _heatmaps(page)
    assert len(shown) == reference.weights.shape[0]
    for head, table in enumerate(shown):
        assert table["caption"].startswith(f"Head {head + 1} of {len(shown)}")
        assert table["cols"] == reference.tokens
        assert [row[0] for row in table["rows"]] == reference.tokens
        for i, row in enumerate(table["rows"]):
            for j, text in enumerate(row[1:]):
                if reference.allowed[i, j]:
                    assert float(text) == pytest.approx(reference.weights[head, i, j], abs=0.0051)
                else:
                    assert text == "masked" and reference.weights[head, i, j] == 0
    summary = _root(page).locator("p.sa-mask-summary").inner_text()
    assert summary == reference.summary()
    label = _root(page).locator(".sa-mask-heads").get_attribute("aria-label")
    assert label == reference.describe()
    return shown


def test_the_explorer_mounts_in_place_of_its_snapshot(explorer):
    page = explorer.page
    widget = page.locator(SELECTOR)
    assert widget.get_attribute("data-sa-live") == "mounted"
    assert widget.locator("figure.sa-widget-snapshot").is_hidden()
    assert _root(page).locator("button[role=radio]").count() == 6 + 3 + 3
    assert _root(page).locator("input.sa-sentence-box").get_attribute("id")
    assert page.locator(f"{SELECTOR} label", has_text="your sentence").count() == 1
    _assert_shows(page)  # the chapter's explorer: apple phones, causal, two heads
    assert _root(page).locator("[role=radio][aria-checked=true]").all_inner_texts() == [
        SENTENCES["apple phones"], "causal", "2"]
    assert page_errors(explorer) == [] and explorer.failed == [] and explorer.external == []


def test_every_control_gives_the_package_weights(explorer):
    page = explorer.page
    _pick(page, "mask", "none")
    _assert_shows(page, mask="none")
    _pick(page, "heads", "4")
    _assert_shows(page, mask="none", n_heads=4)
    _pick(page, "sentence", SENTENCES["cat"])
    _assert_shows(page, sentence=SENTENCES["cat"], mask="none", n_heads=4)
    _pick(page, "mask", "padding")
    _assert_shows(page, sentence=SENTENCES["cat"], mask="padding", n_heads=4, pad=1)
    _root(page).locator("input[type=range]").fill("6")
    _assert_shows(page, sentence=SENTENCES["cat"], mask="padding", n_heads=4, pad=6)
    _type_pad(page, "3")
    _assert_shows(page, sentence=SENTENCES["cat"], mask="padding", n_heads=4, pad=3)
    _pick(page, "heads", "1")
    _type_sentence(page, "the CAT saw a river near the bank")
    _assert_shows(page, sentence="the CAT saw a river near the bank", mask="padding",
                  n_heads=1, pad=3)
    _root(page).locator("input[type=range]").fill("6")
    _assert_shows(page, sentence="the CAT saw a river near the bank", mask="padding",
                  n_heads=1, pad=6)
    # a shorter sentence keeps padding usable: k drops to T - 1
    _pick(page, "sentence", SENTENCES["apple phones"])
    _assert_shows(page, mask="padding", n_heads=1, pad=3)
    _pick(page, "sentence", SENTENCES["bank"])
    _assert_shows(page, sentence=SENTENCES["bank"], mask="padding", n_heads=1, pad=3)
    assert _root(page).locator("input.sa-sentence-box").input_value() == ""
    assert _message(page) == "" and page_errors(explorer) == []


@pytest.mark.parametrize(
    "act, words",
    [
        (lambda page: _type_sentence(page, "I love zebra phones"),
         "'zebra' is not in the toy vocabulary"),
        (lambda page: _type_sentence(page, "   "), "the sentence has no words"),
        (lambda page: _type_sentence(page, " ".join(["cat"] * 13)), "at most 12"),
        (lambda page: _type_pad(page, "abc"), 'could not read "abc" as a number'),
        (lambda page: _type_pad(page, "1e400"), "too large"),
        (lambda page: _type_pad(page, "2.5"), "must be a whole number"),
        (lambda page: _type_pad(page, "12"), "must lie in [1, 11]"),
        (lambda page: _type_pad(page, "4"), "padding the last 4 of 4 tokens leaves no real token"),
    ],
)
def test_bad_input_shows_a_message_and_the_next_good_input_clears_it(explorer, act, words):
    page = explorer.page
    _pick(page, "mask", "padding")
    before = _assert_shows(page, mask="padding")
    act(page)
    message = _message(page)
    assert message.startswith("Not applied:") and words in message, message
    assert _heatmaps(page) == before  # the last good state stays
    _pick(page, "heads", "4")  # any good input clears the message: it never goes stale
    assert _message(page) == ""
    _assert_shows(page, mask="padding", n_heads=4)
    # and no input keeps showing text that is not in use
    assert _root(page).locator("input.sa-sentence-box").input_value() == ""
    assert _root(page).locator("input.sa-number").input_value() == "1"
    assert _root(page).locator("input[type=range]").input_value() == "1"
    assert _root(page).locator("[aria-invalid=true]").count() == 0
    assert page_errors(explorer) == []


def test_a_refused_slider_move_puts_the_slider_back(explorer):
    page = explorer.page
    _pick(page, "mask", "padding")
    _root(page).locator("input[type=range]").fill("5")  # 5 of 4 tokens
    assert "padding the last 5 of 4 tokens" in _message(page)
    assert _root(page).locator("input[type=range]").input_value() == "1"
    _root(page).locator("input[type=range]").fill("2")
    assert _message(page) == ""
    _assert_shows(page, mask="padding", pad=2)


def test_no_label_is_cut_off_and_the_widget_fits_the_column(explorer):
    """Issue 12: the label "padding: last k tokens" read "padding: last k toke…"."""
    page = explorer.page
    _pick(page, "sentence", SENTENCES["animal"])  # the longest preset: the widest tables
    _pick(page, "heads", "4")
    found = page.evaluate(
        """(sel) => {
          const root = document.querySelector(sel + ' .sa-live');
          const parts = [...root.querySelectorAll('label, .sa-mask-label, button, th, caption')];
          return {
            parts: parts.map(el => {
              const style = getComputedStyle(el);
              return {text: el.textContent, scroll: el.scrollWidth, client: el.clientWidth,
                      overflow: style.textOverflow, size: parseFloat(style.fontSize)};
            }),
            widget: [root.scrollWidth, root.clientWidth, root.getBoundingClientRect().width],
            smallest: Math.min(...[...root.querySelectorAll('*')].filter(e => e.childElementCount === 0
              && e.textContent.trim()).map(e => parseFloat(getComputedStyle(e).fontSize))),
          };
        }""",
        SELECTOR,
    )
    labels = [p["text"] for p in found["parts"]]
    assert PAD_LABEL in labels  # the whole text, in the DOM
    for part in found["parts"]:
        assert part["scroll"] <= part["client"] + 1, part  # nothing clipped
        assert part["overflow"] != "ellipsis", part
    scroll, client, width = found["widget"]
    assert scroll <= client + 1 and width <= 688 + 1  # no sideways scrolling in the column
    assert found["smallest"] >= 10
    pad_label = _root(page).locator("label", has_text=PAD_LABEL)
    assert pad_label.inner_text() == PAD_LABEL and pad_label.is_visible()
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    _root(page).screenshot(path=str(ROOT / "_build" / "screenshots" / "live-mask-explorer.png"))
