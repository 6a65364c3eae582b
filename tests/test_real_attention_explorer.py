"""The real-attention explorer's Python side: traits, checks, the reference, the shipped data.

The front end (``js/real_attention.js``, tested in ``test_js_real_attention.py``) draws the
heatmap from the weights the page ships; here the package checks each state, reads the
model's own weights (the reference) and packs what the page ships.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from selfattention.pretrained import encode_sentence
from selfattention.widgets.real_attention_explorer import (
    MAX_ERROR,
    PRESETS,
    RealAttentionExplorer,
    pack_hundredths,
    quantise,
    special_share,
    strongest_links,
    unpack_hundredths,
)

ANIMAL = "The animal didn't cross the street because it was too tired"
KEYS = "The keys to the wardrobe are on the floor"  # not a preset


@pytest.fixture(scope="module")
def explorer():
    return RealAttentionExplorer(ANIMAL, layer=5, head=11)


def fresh(**kwargs) -> RealAttentionExplorer:
    return RealAttentionExplorer(**{"sentence": ANIMAL, "layer": 5, "head": 11, **kwargs})


def test_opens_on_the_requested_head(explorer):
    np.testing.assert_array_equal(explorer.weights, encode_sentence(ANIMAL).attentions[5, 11])
    assert explorer.tokens[0] == "[CLS]" and len(explorer.tokens) == 15
    assert explorer.error == "" and explorer.sentence == ANIMAL
    assert ("it", "animal", 65) in explorer.links()
    assert RealAttentionExplorer._esm.count("export default { render }") == 1


def test_numpy_integers_are_accepted():
    explorer = RealAttentionExplorer(ANIMAL, layer=np.int64(5), head=np.int64(11),
                                     max_tokens=np.int64(20))
    assert explorer.layer == 5 and type(explorer.layer) is int and explorer.max_tokens == 20
    assert type(explorer.page_state()["head"]) is int


def test_layer_and_head_follow_the_traits():
    explorer = fresh()
    attentions = encode_sentence(ANIMAL).attentions
    explorer.head = 2
    np.testing.assert_array_equal(explorer.weights, attentions[5, 2])
    explorer.layer = 3
    np.testing.assert_array_equal(explorer.weights, attentions[3, 2])
    assert "layer 3, head 2" in explorer.describe()
    np.testing.assert_array_equal(explorer.shown, quantise(attentions[3, 2]) / 100)


def test_a_change_reads_the_weights_without_drawing(monkeypatch):
    """Issue 12: each change took about 0.6 s, drawing a figure. Now it only reads."""
    explorer = fresh()
    drawn = []
    monkeypatch.setattr(RealAttentionExplorer, "figure_png", lambda self: drawn.append(1) or b"")
    for head in range(12):
        explorer.head = head
    explorer.layer = 0
    explorer.sentence = PRESETS[5]
    explorer.set_state({"layer": 4, "head": 1})
    assert drawn == []
    np.testing.assert_array_equal(explorer.weights, encode_sentence(PRESETS[5]).attentions[4, 1])


def test_a_typed_sentence_runs_the_model_and_ships_its_weights_first():
    explorer = fresh(layer=3, head=1)
    order = []
    explorer.observe(lambda change: order.append(change["name"]), names=["computed", "sentence"])
    explorer.sentence = f"  {KEYS} "
    assert order == ["computed", "sentence"]  # the front end has the weights it needs
    assert explorer.sentence == KEYS and explorer.tokens[2] == "keys"
    encoding = encode_sentence(KEYS)
    np.testing.assert_array_equal(explorer.weights, encoding.attentions[3, 1])
    payload = explorer.computed
    assert payload["sentence"] == KEYS and payload["tokens"] == list(encoding.tokens)
    T = len(encoding.tokens)
    np.testing.assert_array_equal(unpack_hundredths(payload["weights"], 72 * T * T),
                                  quantise(encoding.attentions).ravel())
    assert explorer.page_state()["computed"] == payload  # the page needs it to show it
    explorer.sentence = PRESETS[1]
    assert explorer.page_state()["computed"] == {}  # ... and not otherwise


@pytest.mark.parametrize(
    "name, value, error, words",
    [
        ("sentence", "   ", ValueError, "sentence is empty"),
        ("sentence", "word " * 30, ValueError, "the limit is 20"),
        ("sentence", 3, TypeError, "sentence must be a string"),
        ("layer", 6, ValueError, "layer must be an int from 0 to 5, got 6"),
        ("layer", 2.0, TypeError, "layer must be an int"),
        ("head", -1, ValueError, "head must be an int from 0 to 11, got -1"),
        ("head", "3", TypeError, "head must be an int"),
    ],
)
def test_a_cell_setting_a_bad_value_raises_and_changes_nothing(name, value, error, words):
    explorer = fresh()
    before = explorer.weights.copy()
    with pytest.raises(error, match=words):
        setattr(explorer, name, value)
    assert (explorer.sentence, explorer.layer, explorer.head) == (ANIMAL, 5, 11)
    np.testing.assert_array_equal(explorer.weights, before)


def test_a_bad_state_from_the_front_end_is_refused_whole_and_the_next_good_one_clears_it():
    explorer = fresh()
    explorer.set_state({"head": 3, "layer": 9})
    assert explorer.error == "layer must be an int from 0 to 5, got 9"
    assert (explorer.layer, explorer.head) == (5, 11)  # head 3 was rolled back too
    explorer.set_state({"layer": 5})  # what the kernel already holds: nothing changes
    assert explorer.error == ""
    explorer.set_state({"head": "x"})
    assert "head must be an int" in explorer.error
    explorer.set_state({"sentence": PRESETS[4], "layer": 0, "head": 0})
    assert explorer.error == "" and explorer.tokens[2] == "cat"


def test_the_front_end_asks_for_a_typed_sentence_by_message(monkeypatch):
    explorer = fresh()
    sent = []
    monkeypatch.setattr(explorer, "send", lambda content, buffers=None: sent.append(content))
    explorer._on_message(explorer, {"kind": "encode", "sentence": KEYS}, [])
    assert explorer.error == "" and explorer.sentence == KEYS
    assert explorer.computed["sentence"] == KEYS and sent[-1] == {"kind": "encoded", "ok": True}
    before = explorer.weights.copy()
    for bad, words in [("word " * 30, "the limit is 20"), ("", "sentence is empty"),
                       (None, "sentence must be a string")]:
        explorer._on_message(explorer, {"kind": "encode", "sentence": bad}, [])
        assert words in explorer.error
        assert sent[-1] == {"kind": "encoded", "ok": False}
        assert explorer.sentence == KEYS
        np.testing.assert_array_equal(explorer.weights, before)
    explorer._on_message(explorer, {"kind": "something else"}, [])  # ignored
    assert len(sent) == 4
    explorer.set_state({"head": 0})
    assert explorer.error == ""


def test_the_shipped_weights_are_the_models_to_the_two_decimals_shown(explorer):
    """Every weight of every head of every preset: at most MAX_ERROR = 0.005 off, and the
    two decimals the cell shows are exactly Python's f"{w:.2f}" of the model's weight."""
    worst = 0.0
    for payload in explorer.page_state()["presets"]:
        attentions = encode_sentence(payload["sentence"]).attentions.astype(np.float64)
        T = len(payload["tokens"])
        shipped = unpack_hundredths(payload["weights"], 72 * T * T).reshape(6, 12, T, T)
        assert payload["tokens"] == list(encode_sentence(payload["sentence"]).tokens)
        worst = max(worst, np.abs(shipped / 100 - attentions).max())
        assert [f"{k / 100:.2f}" for k in shipped.ravel()] == [
            f"{w:.2f}" for w in attentions.ravel()]
    assert worst <= MAX_ERROR
    assert worst > 0.0049  # the stated bound is the real one: it is all but reached


def test_packing_round_trips_and_refuses_a_wrong_count():
    rng = np.random.default_rng(3)
    for values in ([], [0], [100], [0] * 7, list(range(101)), rng.integers(0, 101, 999),
                   rng.geometric(0.2, 500) - 1):
        text = pack_hundredths(values)
        np.testing.assert_array_equal(unpack_hundredths(text, len(values)), values)
    text = pack_hundredths([3, 1, 4, 1, 5])
    with pytest.raises(ValueError, match="fewer than 6"):
        unpack_hundredths(text, 6)
    with pytest.raises(ValueError, match="more than 4"):
        unpack_hundredths(text, 4)
    with pytest.raises(ValueError, match=">= 0"):
        pack_hundredths([-1])
    assert pack_hundredths([0, 1]) == "sA=="  # 10 11, then zeros: 1011 0000


def test_quantise_is_pythons_two_decimals():
    values = np.array([0.0, 0.004999, 0.005001, 0.125, 0.135, 0.994, 1.0, np.float32(0.615)])
    assert quantise(values).tolist() == [int(f"{v:.2f}".replace(".", "")) for v in values]
    assert quantise(values).tolist()[:7] == [0, 0, 1, 12, 14, 99, 100]
    with pytest.raises(ValueError, match="from 0 to 1"):
        quantise([0.5, np.nan])


def test_summary_words_come_from_the_shown_hundredths():
    tokens = ["[CLS]", "a", "b", "[SEP]"]
    hundredths = np.array([[50, 20, 20, 10], [30, 0, 40, 30], [10, 40, 0, 50], [25, 25, 25, 25]])
    assert strongest_links(tokens, hundredths) == [("a", "b", 40), ("b", "a", 40)]
    assert special_share(tokens, hundredths) == (60 + 60 + 60 + 50) / 4


def test_page_state_is_json_and_small(explorer):
    state = explorer.page_state()
    text = json.dumps(state, allow_nan=False)
    assert len(text) < 150_000
    assert [p["sentence"] for p in state["presets"]] == list(PRESETS)
    assert state["model"] == {"name": "all-MiniLM-L6-v2", "n_layers": 6, "n_heads": 12,
                              "max_tokens": 20, "max_error": MAX_ERROR}
    assert (state["sentence"], state["layer"], state["head"]) == (ANIMAL, 5, 11)


def test_snapshot_keeps_the_figure_and_its_alt_text(explorer):
    snapshot = explorer.snapshot()
    assert "data:image/png;base64," in snapshot
    assert ('alt="Heatmap of the attention weights of layer 5, head 11 of all-MiniLM-L6-v2'
            in snapshot)
    assert "it to animal 0.65" in snapshot and "Real attention explorer" in snapshot
    page = explorer.page_html()
    assert 'data-sa-widget="real_attention"' in page and "sa-widget-state" in page


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"layer": 6}, ValueError, "layer must be an int from 0 to 5"),
        ({"head": -1}, ValueError, "head must be an int from 0 to 11"),
        ({"max_tokens": 40}, ValueError, "max_tokens must be an int from 3 to 24"),
        ({"layer": "1"}, TypeError, "layer must be an int"),
        ({"head": 1.0}, TypeError, "head must be an int"),
        ({"max_tokens": True}, TypeError, "max_tokens must be an int"),
        ({"sentence": ""}, ValueError, "sentence is empty"),
        ({"sentence": 5}, TypeError, "sentence must be a string"),
        ({"presets": "one sentence"}, TypeError, "presets must be a non-empty sequence"),
        ({"presets": []}, TypeError, "presets must be a non-empty sequence"),
        ({"presets": ["word " * 30]}, ValueError, "the limit is 20"),
    ],
)
def test_refuses_bad_settings(kwargs, error, words):
    with pytest.raises(error, match=words):
        RealAttentionExplorer(**kwargs)
