"""The attention explorer's front end (js/attention.js) against the package, to 1e-6.

The JS computes what the website shows from the state and what the page ships (the toy
vocabulary, the toy weights, the presets); here every preset, with scaling on and off
and several temperatures, seeded random matrices, extreme values, typed sentences and
typed matrices must give what ``AttentionExplorer`` (``self_attention``) gives, the same
line of largest weights, and the same refusals.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from js_helpers import JSError, assert_agrees
from selfattention.embeddings import SENTENCES, VOCABULARY, tokenize
from selfattention.examples import PRESETS
from selfattention.widgets._base import js_source
from selfattention.widgets.attention_explorer import (
    MAX_ABS,
    MAX_DIM,
    MAX_TOKENS,
    AttentionExplorer,
    _column_names,
    format_matrix,
    parse_matrix,
)

MODULE = "attention.js"
STATE = ("tokens", "x", "w_q", "w_k", "w_v", "scaling", "temperature", "note")


def fixed(explorer: AttentionExplorer) -> dict:
    state = explorer.page_state()
    return {k: state[k] for k in ("presets", "vocabulary", "features", "toy", "limits")}


def state_of(explorer: AttentionExplorer) -> dict:
    return {k: json.loads(json.dumps(getattr(explorer, k))) for k in STATE}


@pytest.fixture(scope="module")
def explorer():
    return AttentionExplorer()


def view(js, explorer, **change):
    return js("computeView", {**state_of(explorer), **change}, fixed(explorer), module=MODULE)


def assert_same(js, shown, explorer):
    r = explorer.result
    for key in ("queries", "keys", "values", "scores", "weights", "output"):
        assert np.array(shown[key]).shape == getattr(r, key).shape, key
        assert_agrees(shown[key], getattr(r, key))
    assert shown["scale"] == pytest.approx(r.scale, rel=1e-12)
    assert shown["describe"] == explorer.describe()
    assert shown["tokens"] == list(explorer.setup.tokens)
    assert shown["axes"] == list(explorer.setup.axis_names)
    for prefix, w in (("q", explorer.setup.w_q), ("k", explorer.setup.w_k),
                      ("v", explorer.setup.w_v)):
        assert shown["names"][prefix] == _column_names(w, explorer.setup.axis_names, prefix)
    caption = explorer.tables_html()["scores"]
    assert js("scoresCaption", shown, module=MODULE) in caption


CASES = [(name, scaling, t) for name in PRESETS for scaling in (True, False)
         for t in (0.1, 0.37, 1.0, 10.0)]


@pytest.mark.parametrize("name, scaling, temperature", CASES)
def test_every_preset_scaling_and_temperature_agrees(js, name, scaling, temperature):
    explorer = AttentionExplorer(name, scaling=scaling, temperature=temperature)
    shown = view(js, explorer)
    assert_same(js, shown, explorer)
    assert js("presetName", state_of(explorer), fixed(explorer)["presets"], module=MODULE) == name


def test_the_chapters_worked_examples(js):
    # chapter 7: the worked example's raw scores, and Apple's row 0.25 / 0.50 / 0.25
    shown = view(js, AttentionExplorer())
    assert shown["scores"] == [[1.0, 1.0, 0.0], [2.0, 3.0, 2.0], [2.0, 4.0, 4.0]]
    assert_agrees(np.array(shown["weights"][1]).round(2), [0.25, 0.5, 0.25])
    # chapter 6: Part I's version, Apple and phones tied
    explorer = AttentionExplorer("identity weights", scaling=False)
    shown = view(js, explorer)
    assert shown["weights"][2][2] == shown["weights"][2][3]
    assert "Apple splits its largest weight between Apple and phones" in shown["describe"]
    assert shown["describe"] == explorer.describe()


def test_seeded_random_states_agree(js):
    rng = np.random.default_rng(20261203)
    explorer = AttentionExplorer()
    for _ in range(40):
        n, d_model, d_k, d_v = (int(rng.integers(1, m + 1)) for m in (MAX_TOKENS, MAX_DIM,
                                                                      MAX_DIM, MAX_DIM))
        scale = float(rng.choice([0.01, 1.0, 5.0]))
        state = {
            "tokens": [f"t{i}" for i in range(n)],
            "x": np.round(rng.normal(scale=scale, size=(n, d_model)), 3).tolist(),
            "w_q": np.round(rng.normal(size=(d_model, d_k)), 3).tolist(),
            "w_k": np.round(rng.normal(size=(d_model, d_k)), 3).tolist(),
            "w_v": np.round(rng.normal(size=(d_model, d_v)), 3).tolist(),
            "scaling": bool(rng.integers(0, 2)),
            "temperature": float(np.round(10 ** rng.uniform(-1, 1), 3)),
            "note": "",
        }
        explorer.set_state(state)
        assert explorer.error == ""
        assert_same(js, view(js, explorer), explorer)


def test_extreme_values_agree(js):
    explorer = AttentionExplorer()
    for x, w, t in [(MAX_ABS, MAX_ABS, 0.1), (1e-6, 1e-6, 10.0), (-MAX_ABS, MAX_ABS, 1.0)]:
        d = 4
        state = {"tokens": ["a", "b", "c"], "x": [[x, -x, x, 0], [0, x, 0, -x], [x, x, x, x]],
                 "w_q": (np.eye(d) * w).tolist(), "w_k": (np.eye(d) * w).tolist(),
                 "w_v": np.eye(d).tolist(), "scaling": False, "temperature": t, "note": ""}
        explorer.set_state(state)
        assert explorer.error == ""
        shown = view(js, explorer)
        assert_same(js, shown, explorer)
        assert np.all(np.isfinite(shown["weights"]))
        np.testing.assert_allclose(np.sum(shown["weights"], axis=1), 1.0)


TYPED = ["I love Apple phones", "  the CAT sat on the MAT!!  ", SENTENCES["animal"],
         "Straße", "ſaw the bank", "I love zebra phones", "", "?! 42",
         " ".join(["cat"] * (MAX_TOKENS + 1)), " ".join(["apple", "juice"] * 6)]


@pytest.mark.parametrize("text", TYPED)
@pytest.mark.parametrize("start", ["worked example", "seeded random"])
def test_a_typed_sentence_is_embedded_as_the_package_does(js, text, start):
    explorer = AttentionExplorer(start)
    try:
        change = js("embedChange", text, state_of(explorer), fixed(explorer), module=MODULE)
    except JSError as refused:
        with pytest.raises(ValueError) as also:
            explorer.embed(text)
        assert str(refused) == str(also.value)
        return
    explorer.embed(text)
    assert change["tokens"] == explorer.tokens == tokenize(text)
    for key, value in change.items():
        assert value == getattr(explorer, key), key
    assert_same(js, view(js, explorer), explorer)


@pytest.mark.parametrize("text", ["1 0\n0 1", "[1, 2],\n[3, 4]", "\n1;2\n\n3 4\n",
                                  "-1.5e-3 .5 +2", "1 x", "1 nan", "1 1e999", "1 2\n3", "",
                                  "1_000", "0x10", "1,,2\r\n3 4"])
def test_typed_matrices_are_read_as_the_package_reads_them(js, text):
    try:
        expected = parse_matrix(text, "W_Q").tolist()
    except ValueError as error:
        with pytest.raises(JSError) as refused:
            js("parseMatrix", text, "W_Q", module=MODULE)
        assert str(refused.value) == str(error)
        return
    assert js("parseMatrix", text, "W_Q", module=MODULE) == expected


def test_matrices_are_written_as_the_package_writes_them(js):
    rng = np.random.default_rng(1)
    for matrix in [np.eye(3), np.array([[-0.0, 1e-5, 123456.0, 0.1 + 0.2, 1 / 3]]),
                   rng.normal(size=(4, 5)) * 30, np.round(rng.normal(size=(3, 3)), 2)]:
        text = js("formatMatrix", matrix.tolist(), module=MODULE)
        assert text == format_matrix(matrix)
        np.testing.assert_array_equal(parse_matrix(text, "M"), matrix)  # exactly, no rounding
    assert format_matrix(np.array([[0.5, -2.25, 0.12]])) == "0.5 -2.25 0.12"


BAD = [
    {"w_q": [[1, 0], [0, "x"]]}, {"w_k": [[1, 1], [0]]}, {"w_v": []}, {"w_v": "1 0"},
    {"x": [[1, 0], [1, 1]]}, {"x": [[1, 0, 0], [1, 1, 0], [0, 2, 0]]},
    {"w_k": [[1, 1, 0], [0, 1, 0]]}, {"w_q": [[1, 1e6], [0, 1]]},
    {"w_q": [[1] * (MAX_DIM + 1)] * 2, "w_k": [[1] * (MAX_DIM + 1)] * 2},
    {"tokens": []}, {"tokens": ["a", "", "c"]}, {"temperature": 50}, {"temperature": 0.01},
    {"temperature": "2"}, {"scaling": "yes"}, {"x": [[1, 0], [1, 1], [0, MAX_ABS + 1]]},
]


@pytest.mark.parametrize("change", BAD)
def test_bad_states_are_refused_by_both_with_the_same_words(js, change):
    explorer = AttentionExplorer()
    with pytest.raises(JSError) as refused:
        view(js, explorer, **change)
    explorer.set_state(change)
    assert explorer.error != "" and str(refused.value) == explorer.error


def test_module_stays_lean():
    assert len(js_source(MODULE).encode("utf-8")) < 30_000
    assert len(json.dumps(AttentionExplorer().page_state())) < 20_000
    assert set(VOCABULARY) == set(AttentionExplorer().page_state()["vocabulary"])
    assert math.isclose(AttentionExplorer().page_state()["limits"]["tie"], 1e-12)
