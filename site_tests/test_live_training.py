"""Chapter 9's training explorer, live on the built website, offline, in a real browser.

It runs from the site's own scripts (no kernel): the page carries the embedding table
and each checkpoint's W_Q and W_K, and the browser computes the attention of any
sentence. It must mount in place of its snapshot, show the attention the package
computes for the checkpoint and sentence chosen (typed ones too), move the loss
curve's marker, refuse bad input with a message and recover on the next good input,
redraw within a frame, and log no console errors.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import selfattention as sa
from conftest import load_page, page_errors
from selfattention.toy_task import VOCAB, example_from_text

PAGE = "chapters/09_learning_the_weights.html"
WIDGET = ".sa-live-widget[data-sa-widget=training]"


@pytest.fixture
def explorer(browser, site_url):
    loaded = load_page(browser, site_url, PAGE)
    loaded.page.wait_for_selector(f"{WIDGET}[data-sa-live]", timeout=10_000)
    yield loaded
    loaded.page.context.close()


def _state(page) -> dict:
    """The state the page was built with (what the chapter's training produced)."""
    return json.loads(page.locator(f"{WIDGET} script.sa-widget-state").text_content())


def _root(page):
    return page.locator(f"{WIDGET} .sa-live")


def _shown(page) -> dict:
    return page.evaluate(
        """(sel) => {
          const root = document.querySelector(sel + ' .sa-live');
          const table = root.querySelector('table.sa-heatmap');
          const dot = root.querySelector('svg .sa-marker-dot');
          return {
            cols: [...table.querySelectorAll('thead th')].slice(1).map(c => c.textContent),
            rows: [...table.querySelectorAll('tbody tr')].map(tr => tr.children[0].textContent),
            cells: [...table.querySelectorAll('tbody tr')].map(tr =>
              [...tr.children].slice(1).map(c => c.textContent)),
            colours: [...table.querySelectorAll('tbody td')].map(c => c.style.background),
            caption: table.querySelector('caption').textContent,
            status: root.querySelector('p.sa-status').textContent,
            step: Number(dot.dataset.step), markerX: Number(root.querySelector('svg .sa-marker').getAttribute('x1')),
            dotX: Number(dot.getAttribute('cx')),
            slider: root.querySelector('input[type=range]').value,
            box: root.querySelector('input.sa-step').value,
            typed: root.querySelector('input.sa-typed').value,
            chosen: [...root.querySelectorAll('button.sa-sentence')]
              .filter(b => b.getAttribute('aria-checked') === 'true').map(b => b.textContent),
          };
        }""", WIDGET)


def _expected(state: dict, index: int, text: str) -> tuple[list[str], np.ndarray]:
    """The package's attention for this checkpoint and sentence, from the shipped weights."""
    example = example_from_text(text)
    table = np.array(state["task"]["embeddings"], dtype=np.float32).astype(float)
    x = table[[VOCAB.index(t) for t in example.tokens]]
    w_q, w_k = (np.array(state["training"][k][index], dtype=np.float32).astype(float)
                for k in ("w_q", "w_k"))
    return list(example.tokens), sa.self_attention(x, w_q, w_k, w_k).weights


def _assert_shows(page, index: int, text: str) -> dict:
    state = _state(page)
    tokens, weights = _expected(state, index, text)
    shown = _shown(page)
    assert shown["rows"] == tokens and shown["cols"] == tokens
    np.testing.assert_allclose(np.array(shown["cells"], dtype=float), weights, atol=0.005 + 1e-9)
    step = state["training"]["steps"][index]
    assert shown["step"] == step and shown["box"] == str(step) and shown["slider"] == str(index)
    assert shown["markerX"] == shown["dotX"]
    assert f"at step {step}." in shown["caption"] and "Colour: 0.00 darkest, 1.00 brightest." in shown["caption"]
    last = state["training"]["steps"][-1]
    assert shown["status"].startswith(f"Step {step} of {last}: training loss ")
    row = weights[tokens.index("apple")]
    example = example_from_text(text)
    assert f"apple gives {example.context_word} {row[example.context]:.2f}" in shown["status"]
    return shown



def _message(page) -> str:
    return _root(page).locator("[role=alert]").inner_text().strip()


def _type(page, selector: str, text: str) -> None:
    box = _root(page).locator(selector)
    box.fill(text)
    box.press("Enter")


def test_the_explorer_mounts_in_place_of_its_snapshot(explorer):
    page = explorer.page
    widget = page.locator(WIDGET)
    assert widget.get_attribute("data-sa-live") == "mounted"
    assert widget.locator("figure.sa-widget-snapshot").is_hidden()
    state = _state(page)
    n = len(state["training"]["steps"])
    assert state["checkpoint"] == n - 1  # the chapter opens it on the last checkpoint
    shown = _assert_shows(page, n - 1, state["presets"][0])
    assert shown["chosen"] == [state["presets"][0]] and shown["typed"] == state["presets"][0]
    for control in _root(page).locator("input").all():
        assert control.get_attribute("aria-label") or control.get_attribute("id")
    assert page_errors(explorer) == [] and explorer.failed == [] and explorer.external == []


def test_the_slider_scrubs_through_the_checkpoints(explorer):
    page = explorer.page
    state = _state(page)
    slider = _root(page).locator("input[type=range]")
    positions = []
    for index in (0, 3, 10, len(state["training"]["steps"]) - 1):
        slider.fill(str(index))
        positions.append(_assert_shows(page, index, state["presets"][0])["markerX"])
    assert positions == sorted(positions) and positions[0] < positions[-1]
    _type(page, "input.sa-step", "50")  # a typed step that was saved
    _assert_shows(page, state["training"]["steps"].index(50), state["presets"][0])
    assert _message(page) == ""


def test_a_preset_and_a_typed_sentence_get_their_attention(explorer):
    page = explorer.page
    state = _state(page)
    last = len(state["training"]["steps"]) - 1
    _root(page).locator("button.sa-sentence").nth(2).click()
    shown = _assert_shows(page, last, state["presets"][2])
    assert shown["chosen"] == [state["presets"][2]]
    typed = "Fresh  smart APPLE charger today"
    _type(page, "input.sa-typed", typed)
    shown = _assert_shows(page, last, typed)
    assert shown["chosen"] == [] and shown["typed"] == typed
    _root(page).locator("input[type=range]").fill("4")  # the typed sentence stays while scrubbing
    _assert_shows(page, 4, typed)
    assert _message(page) == ""


@pytest.mark.parametrize(
    "selector, text, words",
    [("input.sa-typed", "", "must contain 'apple' exactly once"),
     ("input.sa-typed", "i love banana apple pie", "unknown word(s) ['banana']"),
     ("input.sa-typed", "i love apple", "exactly one context word, found 0"),
     ("input.sa-typed", "i love " + "really " * 10 + "apple pie", "at most 12 tokens"),
     ("input.sa-step", "abc", 'could not read "abc" as a number'),
     ("input.sa-step", "1e9", "must lie in [0, 300]"),
     ("input.sa-step", "152", "no checkpoint was saved at step 152")],
)
def test_bad_input_shows_a_message_and_the_widget_recovers(explorer, selector, text, words):
    page = explorer.page
    state = _state(page)
    _root(page).locator("input[type=range]").fill("8")
    before = _assert_shows(page, 8, state["presets"][0])
    _type(page, selector, text)
    message = _message(page)
    assert message.startswith("Not applied:") and words in message, message
    assert _root(page).locator(selector).get_attribute("aria-invalid") == "true"
    after = _shown(page)
    assert after["cells"] == before["cells"] and after["step"] == before["step"]  # last good stays
    _root(page).locator("input[type=range]").fill("9")  # any good input clears the message...
    assert _message(page) == ""
    shown = _assert_shows(page, 9, state["presets"][0])
    assert shown["typed"] == state["presets"][0]  # ...and the boxes show what is drawn again
    assert _root(page).locator(selector).get_attribute("aria-invalid") == "false"
    assert page_errors(explorer) == []


def test_it_fits_the_column_and_its_text_is_legible(explorer, screenshots):
    page = explorer.page
    _type(page, "input.sa-typed", "the headphones from apple was really just very new good today again")
    root = _root(page)
    root.scroll_into_view_if_needed()
    sizes = root.evaluate(
        """(root) => ({
          width: root.getBoundingClientRect().width,
          scroll: root.scrollWidth, client: root.clientWidth,
          smallest: Math.min(...[...root.querySelectorAll('*')]
            .filter(n => n.childNodes.length && [...n.childNodes].some(c => c.nodeType === 3 && c.textContent.trim()))
            .map(n => n.getBoundingClientRect().height ? parseFloat(getComputedStyle(n).fontSize)
              * (n.ownerSVGElement ? n.ownerSVGElement.getBoundingClientRect().width
                 / n.ownerSVGElement.viewBox.baseVal.width : 1) : 99)),
        })""")
    assert sizes["width"] <= 688 + 1 and sizes["scroll"] <= sizes["client"], sizes  # no sideways scroll
    assert sizes["smallest"] >= 10, sizes
    root.screenshot(path=str(screenshots / "live-training-explorer.png"))
