"""The real-attention explorer's front end (js/real_attention.js) against the package.

The page ships each preset's 72 heads as hundredths, packed by ``pack_hundredths``; the
JS must unpack exactly the integers the package packed (for every head of every preset,
for random and extreme numbers), show for every state the weights the package shows
(``RealAttentionExplorer.shown``, to 1e-6; they are the model's own weights to within
0.005, see test_real_attention_explorer.py), say the same words, and refuse what the
package refuses, with the same message.
"""

from __future__ import annotations

import numpy as np
import pytest

from js_helpers import JSError, assert_agrees
from selfattention.pretrained import encode_sentence
from selfattention.widgets.real_attention_explorer import (
    MAX_ERROR,
    PRESETS,
    RealAttentionExplorer,
    pack_hundredths,
    quantise,
)

MODULE = "real_attention.js"
ANIMAL = PRESETS[0]
TYPED = "Colourless green ideas sleep furiously"  # not a preset


@pytest.fixture(scope="module")
def explorer():
    return RealAttentionExplorer(ANIMAL, layer=5, head=11)


def fixed(explorer) -> dict:
    state = explorer.page_state()
    return {"model": state["model"], "presets": state["presets"], "computed": explorer.computed}


def view(js, explorer, **state):
    full = {"sentence": explorer.sentence, "layer": explorer.layer, "head": explorer.head,
            **state}
    return js("computeView", full, fixed(explorer), module=MODULE)


def test_every_head_of_every_preset_unpacks_to_the_packages_hundredths(js, explorer):
    for payload in explorer.page_state()["presets"]:
        attentions = encode_sentence(payload["sentence"]).attentions
        T = len(payload["tokens"])
        shipped = js("unpackHundredths", payload["weights"], 72 * T * T, module=MODULE)
        shipped = np.array(list(shipped.values()) if isinstance(shipped, dict) else shipped)
        np.testing.assert_array_equal(shipped, quantise(attentions).ravel())
        assert np.abs(shipped / 100 - attentions.ravel()).max() <= MAX_ERROR


@pytest.mark.parametrize("sentence", PRESETS)
def test_each_preset_shows_the_packages_weights_and_words(js, explorer, sentence):
    rng = np.random.default_rng(len(sentence))
    heads = [(0, 0), (5, 11), (2, 7)] + [tuple(int(v) for v in rng.integers(0, (6, 12)))]
    for layer, head in heads:
        explorer.set_state({"sentence": sentence, "layer": layer, "head": head})
        assert explorer.error == ""
        shown = view(js, explorer)
        assert shown["tokens"] == list(explorer.tokens)
        assert_agrees(shown["weights"], explorer.shown)
        assert np.abs(np.array(shown["weights"]) - explorer.weights).max() <= MAX_ERROR
        assert shown["hundredths"] == quantise(explorer.weights).tolist()
        assert [tuple(link) for link in shown["links"]] == explorer.links()
        assert js("summary", shown, module=MODULE) == explorer.summary()
        assert js("describe", shown, module=MODULE) == explorer.describe()


def test_the_sentence_the_kernel_ran_is_shown_like_a_preset(js):
    explorer = RealAttentionExplorer(TYPED, layer=0, head=4)
    assert explorer.computed["sentence"] == TYPED
    shown = view(js, explorer)
    assert shown["tokens"] == list(encode_sentence(TYPED).tokens)
    assert_agrees(shown["weights"], explorer.shown)
    assert js("summary", shown, module=MODULE) == explorer.summary()
    explorer.layer = 4
    assert_agrees(view(js, explorer)["weights"], explorer.shown)


@pytest.mark.parametrize("values", [
    [], [0], [1], [100], [0] * 1000, [100] * 300, list(range(101)),
    np.random.default_rng(1).integers(0, 101, 2000).tolist(),
    (np.random.default_rng(2).geometric(0.15, 3000) - 1).clip(0, 100).tolist(),
])
def test_random_and_extreme_numbers_unpack_exactly(js, values):
    shipped = js("unpackHundredths", pack_hundredths(values), len(values), module=MODULE)
    shipped = list(shipped.values()) if isinstance(shipped, dict) else shipped
    assert shipped == list(values)


@pytest.mark.parametrize("text, count, words", [
    (pack_hundredths([3, 1, 4]), 4, "fewer than 4 numbers"),
    ("AAAA", 1, "fewer than 1 numbers"),
    (pack_hundredths([200]), 1, "more than 100"),
])
def test_a_broken_packed_text_is_refused(js, text, count, words):
    with pytest.raises(JSError, match=words):
        js("unpackHundredths", text, count, module=MODULE)


def test_links_and_share_on_a_small_example(js):
    tokens = ["[CLS]", "a", "b", "[SEP]"]
    hundredths = [[50, 20, 20, 10], [30, 0, 40, 30], [10, 40, 0, 50], [25, 25, 25, 25]]
    assert js("strongestLinks", tokens, hundredths, module=MODULE) == [["a", "b", 40],
                                                                       ["b", "a", 40]]
    assert js("specialShare", tokens, hundredths, module=MODULE) == 230 / 4


@pytest.mark.parametrize(
    "state, words",
    [
        ({"layer": 6}, "layer must be an int from 0 to 5, got 6"),
        ({"layer": -1}, "layer must be an int from 0 to 5, got -1"),
        ({"layer": 1e300}, "layer must be an int"),  # JSON cannot tell 1e300 from an int
        ({"head": 12}, "head must be an int from 0 to 11, got 12"),
        ({"head": 2.5}, "head must be an int"),
        ({"head": "3"}, "head must be an int"),
        ({"sentence": ""}, "sentence is empty; type at least one word"),
        ({"sentence": "   "}, "sentence is empty; type at least one word"),
        ({"sentence": 3}, "sentence must be a string"),
    ],
)
def test_bad_states_are_refused_by_both(js, state, words):
    explorer = RealAttentionExplorer(ANIMAL, layer=5, head=11)
    with pytest.raises(JSError, match=words):
        view(js, explorer, **state)
    before = explorer.weights.copy()
    explorer.set_state(state)
    assert words in explorer.error
    np.testing.assert_array_equal(explorer.weights, before)


def test_a_new_sentence_needs_the_kernel(js, explorer):
    with pytest.raises(JSError, match="needs a kernel: launch on Binder or run locally"):
        view(js, explorer, sentence="The dog chased the ball")
    assert js("needsKernel", "x", module=MODULE).startswith('"x" is not one of the preset')


def test_module_stays_lean(explorer):
    from selfattention.widgets._base import js_source

    assert len(js_source(MODULE).encode("utf-8")) < 25_000
    assert len(explorer.page_html()) < 150_000  # state, snapshot PNG and all
