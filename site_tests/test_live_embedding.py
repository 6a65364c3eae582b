"""Chapter 1's embedding explorer, live on the built website, offline, in a real browser.

It runs from the site's own scripts (no kernel): it must mount in place of its snapshot,
show the chosen word's vector (bars, table), the sentence as the matrix X (a viridis
heatmap with its numbers) and the 2-D view, all as the package computes them
(``EmbeddingExplorer.state``), typed unknown words with the package's own fallback
vectors; refuse bad input with a message that clears on the next good input; keep a
long word inside the widget in the 688 px column (issue 12: "a long word overflows the
ch 1 widget"); and log no console errors.
"""

from __future__ import annotations

import pytest

from conftest import ROOT, live_page, page_errors
from selfattention.embeddings import FEATURES, SENTENCES
from selfattention.widgets.embedding_explorer import MAX_CHARS, MAX_TOKENS, EmbeddingExplorer

PAGE = "chapters/01_static_embeddings.html"
SELECTOR = ".sa-live-widget[data-sa-widget=embedding]"
LONG = "Pneumonoultramicroscopicsilicovolcanoconiosis" + "x" * (MAX_CHARS - 45)  # 60 letters


@pytest.fixture
def explorer(browser, site_url):
    yield from live_page(browser, site_url, PAGE, SELECTOR)


def _root(page):
    return page.locator(f"{SELECTOR} .sa-live")


def _box(page, label):
    return _root(page).get_by_label(label, exact=True)


def _type(page, label, text):
    box = _box(page, label)
    box.fill(text)
    box.press("Enter")


def _message(page) -> str:
    return _root(page).locator("[role=alert]").inner_text().strip()



def _shown(page) -> dict:
    return page.evaluate(
        """(sel) => {
          const root = document.querySelector(sel + ' .sa-live');
          const table = (t) => ({
            caption: t.querySelector('caption').textContent,
            cols: [...t.querySelectorAll('thead th')].slice(1).map(c => c.textContent),
            rows: [...t.querySelectorAll('tbody tr')].map(tr => [...tr.children].map(
              c => c.textContent.trim())),
            colours: [...t.querySelectorAll('tbody td')].map(c => c.style.backgroundColor)});
          const tables = [...root.querySelectorAll('.sa-emb-tables table')];
          return {
            word: table(tables[0]), matrix: table(tables[1]),
            heatmap: tables[1].classList.contains('sa-heatmap'),
            bars: [...root.querySelectorAll('rect.sa-emb-bar')].map(b => Number(b.dataset.value)),
            hatched: [...root.querySelectorAll('rect.sa-emb-bar')].map(
              b => b.getAttribute('fill').startsWith('url(')),
            label: root.querySelector('.sa-emb-figures').getAttribute('aria-label'),
            status: root.querySelector('p.sa-emb-status').textContent,
            legend: [...root.querySelectorAll('ul.sa-emb-legend li')].map(li => li.textContent),
          };
        }""",
        SELECTOR,
    )


def _assert_shows(page, **state):
    """What is shown is what the package computes for this state, to the 2 decimals shown."""
    reference = EmbeddingExplorer(**state).state
    explorer = EmbeddingExplorer(**state)
    shown = _shown(page)
    assert shown["word"]["cols"] == list(FEATURES)
    assert shown["word"]["rows"][0][0] == reference.word.label
    assert [float(v) for v in shown["word"]["rows"][0][1:]] == pytest.approx(
        reference.word.vector, abs=0.0051)
    assert shown["bars"] == reference.word.vector.tolist()  # exactly the package's numbers
    assert shown["hatched"] == [not reference.word.known] * len(FEATURES)
    assert shown["heatmap"] and shown["matrix"]["caption"].startswith("The sentence as the matrix X")
    assert [row[0] for row in shown["matrix"]["rows"]] == [t.label for t in reference.tokens]
    for row, vector in zip(shown["matrix"]["rows"], reference.x):
        assert [float(v) for v in row[1:]] == pytest.approx(vector, abs=0.0051)
    assert len(set(shown["matrix"]["colours"])) > 1  # coloured by value
    assert shown["label"] == explorer.describe()
    assert shown["status"] == explorer.status()
    return shown


def test_the_explorer_mounts_in_place_of_its_snapshot(explorer):
    page = explorer.page
    widget = page.locator(SELECTOR)
    assert widget.get_attribute("data-sa-live") == "mounted"
    assert widget.locator("figure.sa-widget-snapshot").is_hidden()
    for label in ("word", "sentence", "across (x)", "up (y)"):
        assert _box(page, label).count() == 1, label
    assert _box(page, "word").input_value() == "apple"
    assert _box(page, "sentence").input_value() == SENTENCES["apple phones"]
    shown = _assert_shows(page)  # the chapter's explorer: apple in "I love Apple phones"
    assert shown["legend"] == ["word of the sentence", "chosen word"]
    assert page_errors(explorer) == [] and explorer.failed == [] and explorer.external == []


def test_every_control_gives_the_package_numbers(explorer):
    page = explorer.page
    _type(page, "sentence", SENTENCES["apple juice"])
    before = _assert_shows(page, sentence=SENTENCES["apple juice"])
    _type(page, "sentence", SENTENCES["apple watch"])  # the word's bars do not move
    assert _assert_shows(page, sentence=SENTENCES["apple watch"])["bars"] == before["bars"]
    _type(page, "word", "bank")
    _type(page, "sentence", SENTENCES["bank"])
    _box(page, "across (x)").select_option("nature")
    _box(page, "up (y)").select_option("money")
    _assert_shows(page, word="bank", sentence=SENTENCES["bank"], x_feature="nature",
                  y_feature="money")
    assert "bank at (1, 1.5)" in _shown(page)["label"]
    # a typed unknown word: the package's fallback vector, hatched and labelled
    _type(page, "word", "banana")
    shown = _assert_shows(page, word="banana", sentence=SENTENCES["bank"], x_feature="nature",
                          y_feature="money")
    assert shown["legend"] == ["word of the sentence", "chosen word (fallback)"]
    assert "not in the toy vocabulary" in shown["status"]
    _type(page, "sentence", "I love dragon fruit and café au lait")
    shown = _assert_shows(page, word="banana", sentence="I love dragon fruit and café au lait",
                          x_feature="nature", y_feature="money")
    assert "unknown word (fallback)" in shown["legend"]
    assert _message(page) == "" and page_errors(explorer) == []


@pytest.mark.parametrize(
    "label, text, words",
    [
        ("word", "", "word is empty"),
        ("word", "   ", "word is empty"),
        ("word", "apple juice", "word must be a single word"),
        ("word", "w" * (MAX_CHARS + 1), f"takes at most {MAX_CHARS}"),
        ("sentence", "", "the sentence has no words"),
        ("sentence", "123 ... !!!", "the sentence has no words"),
        ("sentence", " ".join(["cat"] * (MAX_TOKENS + 1)), f"shows at most {MAX_TOKENS}"),
    ],
)
def test_bad_input_shows_a_message_and_the_next_good_input_clears_it(explorer, label, text,
                                                                    words):
    page = explorer.page
    before = _assert_shows(page)
    _type(page, label, text)
    message = _message(page)
    assert message.startswith("Not applied:") and words in message, message
    assert _box(page, label).get_attribute("aria-invalid") == "true"
    assert _shown(page) == before  # the last good state stays
    _box(page, "up (y)").select_option("animal")  # any good input clears the message
    assert _message(page) == ""
    _assert_shows(page, y_feature="animal")
    # and no box keeps showing text that is not in use
    assert _box(page, "word").input_value() == "apple"
    assert _box(page, "sentence").input_value() == SENTENCES["apple phones"]
    assert _root(page).locator("[aria-invalid=true]").count() == 0
    assert page_errors(explorer) == []


def test_a_long_word_stays_inside_the_widget_in_the_column(explorer):
    """Issue 12: a long word overflowed the ch 1 widget. It now wraps, or is cut with "…"."""
    page = explorer.page
    _type(page, "word", LONG)
    sentence = f"I love {LONG} and {LONG[:40]}"
    _type(page, "sentence", sentence)
    _assert_shows(page, word=LONG, sentence=sentence)
    found = page.evaluate(
        """(sel) => {
          const root = document.querySelector(sel + ' .sa-live');
          const outer = root.getBoundingClientRect();
          const outside = [...root.querySelectorAll('*')].filter(e => {
            const r = e.getBoundingClientRect();
            return r.width > 0 && (r.left < outer.left - 1 || r.right > outer.right + 1);
          }).map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 40));
          const svgText = [...root.querySelectorAll('svg text')].filter(t => {
            const svg = t.ownerSVGElement.getBoundingClientRect(), r = t.getBoundingClientRect();
            return r.left < svg.left - 1 || r.right > svg.right + 1;
          }).map(t => t.textContent);
          const texts = [...root.querySelectorAll('svg text')].map(t => t.textContent);
          return {outside, svgText, texts, widget: [root.scrollWidth, root.clientWidth, outer.width],
                  status: [root.querySelector('p.sa-emb-status').scrollWidth,
                           root.querySelector('p.sa-emb-status').clientWidth]};
        }""",
        SELECTOR,
    )
    assert found["outside"] == [] and found["svgText"] == []
    scroll, client, width = found["widget"]
    assert scroll <= client + 1 and width <= 688 + 1  # no sideways scrolling in the column
    assert found["status"][0] <= found["status"][1] + 1  # the status line wraps the word
    # in the figures the word is cut visibly, with "…", and keeps its "(fallback)" mark
    assert f"“{LONG[:15]}…”:fallback vector" in found["texts"]  # two lines, two tspans
    assert f"{LONG[:15]}… (fallback)" in found["texts"]
    assert not any(LONG in t for t in found["texts"])
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    _root(page).screenshot(path=str(ROOT / "_build" / "screenshots" / "live-embedding-long.png"))
    assert _message(page) == "" and page_errors(explorer) == []


def test_screenshot_of_the_chapter_state(explorer):
    page = explorer.page
    _type(page, "word", "zebra")
    _type(page, "sentence", SENTENCES["apple phones"])
    _assert_shows(page, word="zebra")
    (ROOT / "_build" / "screenshots").mkdir(parents=True, exist_ok=True)
    _root(page).screenshot(path=str(ROOT / "_build" / "screenshots" / "live-embedding.png"))
    assert page_errors(explorer) == []
