"""The attention explorer's Python side: its traits, their checks, the reference.

The front end (``js/attention.js``, tested in ``test_js_attention.py``) draws the
tables; here the package checks each state and computes it with ``self_attention``.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
import torch

import selfattention as sa
from selfattention.embeddings import FEATURES, SENTENCES, embed_sentence
from selfattention.examples import PRESETS, load_preset, love_apple_phones, toy_weights
from selfattention.first_attention import attends_most_to_itself, weightless_self_attention
from selfattention.widgets.attention_explorer import (
    MAX_ABS,
    MAX_DIM,
    MAX_TOKENS,
    AttentionExplorer,
    _column_names,
    format_matrix,
    parse_matrix,
    strongest,
)

WORKED_SCORES = [[1.0, 1.0, 0.0], [2.0, 3.0, 2.0], [2.0, 4.0, 4.0]]
STATE = ("tokens", "x", "w_q", "w_k", "w_v", "scaling", "temperature", "note")


@pytest.fixture
def explorer() -> AttentionExplorer:
    return AttentionExplorer()


def snapshot_of(explorer) -> dict:
    return {key: json.loads(json.dumps(getattr(explorer, key))) for key in STATE}


# -- opening state -----------------------------------------------------------


def test_opens_on_the_worked_example(explorer):
    np.testing.assert_allclose(explorer.result.scores, WORKED_SCORES)
    np.testing.assert_allclose(explorer.result.weights[1], [0.25, 0.50, 0.25], atol=0.005)
    assert explorer.result.scale == pytest.approx(1 / math.sqrt(2))
    example = love_apple_phones()
    expected = sa.self_attention(example.x, example.w_q, example.w_k, example.w_v)
    np.testing.assert_allclose(explorer.result.output, expected.output)
    assert explorer.setup.tokens == ("love", "Apple", "phones")
    assert explorer.tokens == ["love", "Apple", "phones"]
    assert explorer.x == [[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]]
    assert explorer.preset == "worked example"
    assert explorer.scaling is True and explorer.temperature == 1.0
    assert explorer.error == "" and explorer.note == ""
    assert AttentionExplorer._esm.count("export default { render }") == 1


def test_chapter_six_opens_on_chapter_five_exactly():
    """Issue 13: "opens on Part I's version" must be true: no W, no scaling."""
    explorer = AttentionExplorer(preset="identity weights", scaling=False)
    _, x = embed_sentence(SENTENCES["apple phones"])
    np.testing.assert_allclose(explorer.setup.x, x)
    for w in (explorer.setup.w_q, explorer.setup.w_k, explorer.setup.w_v):
        np.testing.assert_array_equal(w, np.eye(len(FEATURES)))
    np.testing.assert_allclose(explorer.result.weights, weightless_self_attention(x).weights,
                               rtol=0, atol=1e-12)
    assert explorer.result.scale == 1.0
    # and with scaling on it is not chapter 5's any more
    explorer.scaling = True
    assert not np.allclose(explorer.result.weights, weightless_self_attention(x).weights)


def test_the_reference_equals_torch():
    for name in PRESETS:
        for scaling, temperature in ((True, 1.0), (False, 0.5), (True, 3.0)):
            explorer = AttentionExplorer(name, scaling=scaling, temperature=temperature)
            s = explorer.setup
            q, k, v = (torch.tensor(s.x) @ torch.tensor(w) for w in (s.w_q, s.w_k, s.w_v))
            d_k = s.w_q.shape[1]
            scale = (1 / math.sqrt(d_k) if scaling else 1.0) / temperature
            out = torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=scale)
            np.testing.assert_allclose(explorer.result.output, out.numpy(), rtol=0, atol=1e-12)
            weights = torch.softmax(q @ k.T * scale, dim=-1)
            np.testing.assert_allclose(explorer.result.weights, weights.numpy(), atol=1e-12)


@pytest.mark.parametrize("name", PRESETS)
def test_each_preset_loads_its_setup(name):
    explorer = AttentionExplorer(preset="apple juice" if name == "worked example" else
                                 "worked example")
    explorer.load_preset(name)
    setup = load_preset(name)
    assert explorer.setup.tokens == setup.tokens and explorer.preset == name
    for got, want in zip((explorer.setup.x, explorer.setup.w_q, explorer.setup.w_k,
                          explorer.setup.w_v), (setup.x, setup.w_q, setup.w_k, setup.w_v)):
        np.testing.assert_array_equal(got, want)
    scale = 1 / math.sqrt(setup.w_q.shape[1])
    expected = sa.self_attention(setup.x, setup.w_q, setup.w_k, setup.w_v, scale=scale)
    np.testing.assert_allclose(explorer.result.weights, expected.weights)
    assert explorer.error == ""


def test_the_page_state_ships_what_the_front_end_needs(explorer):
    state = explorer.page_state()
    text = json.dumps(state, allow_nan=False)
    assert len(text.encode()) < 20_000
    assert [p["name"] for p in state["presets"]] == list(PRESETS)
    assert state["vocabulary"]["apple"] == [2.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert state["features"] == list(FEATURES)
    assert state["toy"]["w_q"] == toy_weights()[0].tolist()
    assert state["limits"]["max_tokens"] == MAX_TOKENS == 12
    assert state["tokens"] == ["love", "Apple", "phones"] and state["title"] == "Attention explorer"
    assert '<script type="application/json" class="sa-widget-state">' in explorer.page_html()


def test_apple_presets_pull_apple_towards_its_neighbour():
    tech, fruit = FEATURES.index("technology"), FEATURES.index("fruit")
    phones = AttentionExplorer(preset="Apple phones").result.output[2]
    juice = AttentionExplorer(preset="apple juice").result.output[2]
    assert phones[tech] > phones[fruit] and juice[fruit] > juice[tech]


# -- scaling and temperature ---------------------------------------------------


def test_scaling_off_gives_unscaled_weights(explorer):
    explorer.scaling = False
    assert explorer.result.scale == 1.0
    np.testing.assert_allclose(explorer.result.weights, sa.softmax(np.array(WORKED_SCORES)))
    assert "not scaled" in explorer.tables_html()["scores"]
    explorer.scaling = True
    np.testing.assert_allclose(
        explorer.result.weights, sa.softmax(np.array(WORKED_SCORES) / math.sqrt(2)))


def test_temperature_divides_the_scaled_scores(explorer):
    explorer.temperature = 2.0
    assert explorer.scale == pytest.approx(1 / (2 * math.sqrt(2)))
    np.testing.assert_allclose(
        explorer.result.weights, sa.softmax(np.array(WORKED_SCORES) / math.sqrt(2), temperature=2))
    assert "temperature 2)" in explorer.tables_html()["scores"]


# -- changing the matrices and the sentence -----------------------------------------


def test_changing_w_v_changes_output_not_weights(explorer):
    weights, output = explorer.result.weights.copy(), explorer.result.output.copy()
    explorer.w_v = [[2, 0], [0, 3]]
    np.testing.assert_array_equal(explorer.result.weights, weights)
    assert not np.allclose(explorer.result.output, output)
    assert explorer.preset is None  # the state is now the reader's own


def test_a_new_d_k_from_the_front_end(explorer):
    explorer.set_state({"w_q": [[1, 0, 1], [0, 1, 1]], "w_k": [[1, 0, 0], [0, 1, 0]]})
    assert explorer.error == ""
    assert explorer.result.queries.shape == (3, 3)
    assert explorer.result.scale == pytest.approx(1 / math.sqrt(3))


def test_embedding_a_sentence_brings_the_toy_weights_when_needed(explorer):
    explorer.embed("I saw the bank near the river")
    _, x = embed_sentence("I saw the bank near the river")
    np.testing.assert_array_equal(explorer.setup.x, x)
    assert explorer.tokens == ["I", "saw", "the", "bank", "near", "the", "river"]
    np.testing.assert_array_equal(explorer.setup.w_q, toy_weights()[0])
    assert "had 2 rows" in explorer.note and "toy weights" in explorer.note
    assert explorer.setup.axis_names == FEATURES
    explorer.embed("the cat sat")  # the toy weights fit now: they stay, and no note
    assert explorer.note == "" and explorer.setup.w_q.shape == (8, 3)


def test_twelve_tokens_are_accepted(explorer):
    explorer.embed(" ".join(["apple", "juice"] * 6))
    assert explorer.result.weights.shape == (12, 12)


# -- bad input: refused whole, the last good state stays, the message clears ------------

BAD_STATES = [
    ({"w_q": [[1, 0], [0, "x"]]}, "W_Q (row 2, column 2) must be a real number, got str"),
    ({"w_k": [[1, 1], [0]]}, "W_K, row 2: this row has 1 number but the first row has 2"),
    ({"w_v": []}, "W_V is empty"),
    ({"w_v": "1 0"}, "W_V must be a list of rows"),
    ({"x": [[1, 0], [1, 1]]}, "X has 2 rows but there are 3 tokens"),
    ({"x": [[1, 0, 0], [1, 1, 0], [0, 2, 0]]}, "W_Q has 2 rows but X has 3 columns"),
    ({"w_k": [[1, 1, 0], [0, 1, 0]]}, "W_Q has 2 columns but W_K has 3"),
    ({"w_q": [[1, 1e6], [0, 1]]}, f"W_Q (row 1, column 2) must lie in [-{MAX_ABS:g}, {MAX_ABS:g}]"),
    ({"w_q": [[1, math.inf], [0, 1]]}, "must be a finite number"),
    ({"w_q": [[1] * (MAX_DIM + 1)] * 2, "w_k": [[1] * (MAX_DIM + 1)] * 2},
     f"W_Q must have 1 to {MAX_DIM} columns"),
    ({"tokens": []}, "tokens must hold 1 to 12 words"),
    ({"tokens": ["a", "", "c"]}, "tokens[1] is empty"),
    ({"tokens": "love Apple phones"}, "tokens must be a sequence of words"),
    ({"temperature": 50}, "temperature must lie in [0.1, 10], got 50"),
    ({"temperature": "2"}, "temperature must be a real number"),
    ({"scaling": "yes"}, "scaling must be True or False"),
]


@pytest.mark.parametrize("state, words", BAD_STATES)
def test_a_bad_state_from_the_front_end_is_refused_whole(explorer, state, words):
    before, result = snapshot_of(explorer), explorer.result
    explorer.set_state({"temperature": 2.0, **state})  # a good value: rolled back too
    assert words in explorer.error, explorer.error
    assert snapshot_of(explorer) == before and explorer.result is result
    explorer.set_state({"scaling": False})  # the next good state clears the message
    assert explorer.error == ""
    np.testing.assert_allclose(explorer.result.weights, sa.softmax(np.array(WORKED_SCORES)))


@pytest.mark.parametrize("state, words", BAD_STATES)
def test_a_cell_setting_a_bad_value_raises_and_changes_nothing(explorer, state, words):
    before = snapshot_of(explorer)
    types = ("must be a real number", "must be a list of rows", "sequence of words", "True or False")
    kind = TypeError if any(t in words for t in types) else ValueError
    with pytest.raises(kind, match=re.escape(words)):
        with explorer.hold_trait_notifications():
            for key, value in state.items():
                setattr(explorer, key, value)
    assert snapshot_of(explorer) == before


@pytest.mark.parametrize("sentence, words", [
    ("", "the sentence has no words"),
    ("?! 42", "the sentence has no words"),
    ("I love zebra phones", "'zebra' is not in the toy vocabulary"),
    (" ".join(["apple"] * (MAX_TOKENS + 1)), "at most 12"),
])
def test_a_sentence_that_cannot_be_embedded_is_refused(explorer, sentence, words):
    before = snapshot_of(explorer)
    with pytest.raises(ValueError, match=re.escape(words)):
        explorer.embed(sentence)
    assert snapshot_of(explorer) == before


def test_a_message_clears_even_when_the_good_state_is_the_one_already_held(explorer):
    explorer.set_state({"temperature": 99})
    assert "temperature must lie" in explorer.error
    explorer.set_state({"temperature": 1.0})
    assert explorer.error == ""


def test_a_state_from_the_front_end_computes_once_and_changes_nothing_else(explorer, monkeypatch):
    import selfattention.widgets.attention_explorer as module

    calls = []
    real = module.self_attention
    monkeypatch.setattr(module, "self_attention", lambda *a, **k: calls.append(1) or real(*a, **k))
    preset = explorer.page_state()["presets"][3]
    changes = []
    explorer.observe(lambda c: changes.append(c["name"]), names=list(STATE))
    explorer.set_state({k: preset[k] for k in ("tokens", "x", "w_q", "w_k", "w_v")})
    assert explorer.preset == "Apple phones" and explorer.error == ""
    assert len(calls) == 1
    assert sorted(changes) == ["tokens", "w_k", "w_q", "w_v", "x"]


def test_a_state_change_never_draws_the_snapshot(explorer, monkeypatch):
    import selfattention.widgets.attention_explorer as module

    monkeypatch.setattr(module, "heatmap_table", lambda *a, **k: pytest.fail("drawn"))
    explorer.temperature = 3.0
    explorer.w_v = [[1, 2], [3, 4]]


def test_constructor_arguments_are_checked():
    with pytest.raises(ValueError, match="preset must be one of"):
        AttentionExplorer(preset="nonsense")
    with pytest.raises(ValueError, match="temperature must lie"):
        AttentionExplorer(temperature=50)
    with pytest.raises(TypeError, match="temperature must be a real number"):
        AttentionExplorer(temperature="2")
    with pytest.raises(TypeError, match="scaling must be True or False"):
        AttentionExplorer(scaling="no")


# -- ties: chapter 5's rule ------------------------------------------------------------


def test_a_tie_is_described_as_a_tie():
    """Issue 13: the caption called a tie "attends most", against chapter 5's rule."""
    explorer = AttentionExplorer(preset="identity weights", scaling=False)
    apple = explorer.result.weights[2]
    assert apple[2] == apple[3]  # Apple·Apple = Apple·phones = 8
    assert not attends_most_to_itself(explorer.result.weights)[2]  # chapter 5's rule
    text = explorer.describe()
    assert f"Apple splits its largest weight between Apple and phones ({apple[2]:.2f} each)" in text
    assert "Apple attends most to" not in text
    assert text in explorer.snapshot()


def test_strongest_follows_chapter_five_and_says_enough_digits():
    tokens = ["a", "b", "c"]
    assert strongest("a", tokens, np.array([0.2, 0.5, 0.3])) == "a attends most to b (0.50)"
    assert strongest("a", tokens, np.array([0.4, 0.4, 0.2])) == (
        "a splits its largest weight between a and b (0.40 each)")
    assert strongest("a", tokens, np.array([1 / 3] * 3)) == (
        "a splits its largest weight between a, b and c (0.33 each)")
    # not a tie, though two decimals would show 0.50 and 0.50: it says who is ahead
    assert strongest("a", tokens, np.array([0.5002, 0.4997, 0.0001])) == (
        "a attends most to a (0.5002), just ahead of b (0.4997)")
    assert strongest("a", ["a"], np.array([1.0])) == "a attends only to a (1.00)"
    # agrees with chapter 5's attends_most_to_itself on the diagonal
    rng = np.random.default_rng(3)
    for _ in range(50):
        weights = np.asarray(sa.softmax(rng.integers(0, 3, size=(4, 4)).astype(float)))
        own = attends_most_to_itself(weights)
        for i, row in enumerate(weights):
            says = strongest(tokens[0] + str(i), [f"t{j}" for j in range(4)], row)
            assert (f"attends most to t{i} " in says) == bool(own[i]), (row, says)


# -- text, names and the snapshot ----------------------------------------------------------


def test_parse_and_format_round_trip():
    matrix = np.array([[1.0, -0.5, 2.25], [0.0, 3.0, -1e-3]])
    np.testing.assert_allclose(parse_matrix(format_matrix(matrix), "M"), matrix)
    np.testing.assert_allclose(parse_matrix("[[1, 2],\n [3, 4]]", "M"), [[1, 2], [3, 4]])
    np.testing.assert_allclose(parse_matrix("\n1;2\n\n3 4\n", "M"), [[1, 2], [3, 4]])
    assert format_matrix(np.array([[-0.0, 1.0]])) == "0 1"
    for text, words in [("1 x", "could not read 'x'"), ("1 nan", "could not read 'nan'"),
                        ("1 1e999", "too large"), ("1 2\n3", "line 2: this row has 1 number"),
                        ("", "is empty"), ("1_000", "could not read '1_000'")]:
        with pytest.raises(ValueError, match=re.escape(words)):
            parse_matrix(text, "W_Q")


def test_projection_columns_are_named_consistently():
    axes = ("technology", "fruit")
    assert _column_names(np.array([[1.0, 1.0], [0.0, 1.0]]), axes, "k") == ["k1", "k2"]
    assert _column_names(np.array([[0.0, 1.0], [1.0, 0.0]]), axes, "q") == ["fruit", "technology"]
    assert _column_names(np.eye(2), ("a", "b", "c"), "v") == ["v1", "v2"]


def cell_numbers(table: str) -> np.ndarray:
    return np.array([float(t) for t in re.findall(r"<td[^>]*>([^<]*)</td>", table)])


def test_the_snapshot_holds_every_table_of_the_state(explorer):
    explorer.load_preset("apple juice")
    snapshot = explorer.snapshot()
    tables = explorer.tables_html()
    for table in tables.values():
        assert table in snapshot
    np.testing.assert_allclose(cell_numbers(tables["weights"]),
                               explorer.result.weights.ravel(), atol=0.005)
    np.testing.assert_allclose(cell_numbers(tables["output"]),
                               explorer.result.output.ravel(), atol=0.0005)
    assert ">juice<" in snapshot and "4 tokens (I, love, apple, juice)" in explorer.describe()
    assert ">technology<" in tables["output"]  # W_V = I keeps the features' names
