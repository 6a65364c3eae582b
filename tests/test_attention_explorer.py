"""The attention explorer, driven headless: setting a control's value runs its observers."""

from __future__ import annotations

import html
import math
import re

import numpy as np
import pytest

import selfattention as sa
from selfattention.embeddings import FEATURES, SENTENCES, embed_sentence
from selfattention.examples import PRESETS, load_preset, love_apple_phones, toy_weights
from selfattention.widgets.attention_explorer import (
    MAX_TOKENS,
    AttentionExplorer,
    format_matrix,
    parse_matrix,
)

WORKED_SCORES = [[1.0, 1.0, 0.0], [2.0, 3.0, 2.0], [2.0, 4.0, 4.0]]


@pytest.fixture
def explorer() -> AttentionExplorer:
    return AttentionExplorer()


# -- opening state -----------------------------------------------------------


def test_opens_on_the_worked_example(explorer):
    np.testing.assert_allclose(explorer.result.scores, WORKED_SCORES)
    np.testing.assert_allclose(explorer.result.weights[1], [0.25, 0.50, 0.25], atol=0.005)
    assert explorer.result.scale == pytest.approx(1 / math.sqrt(2))
    example = love_apple_phones()
    expected = sa.self_attention(example.x, example.w_q, example.w_k, example.w_v)
    np.testing.assert_allclose(explorer.result.output, expected.output)
    assert explorer.setup.tokens == ("love", "Apple", "phones")
    assert explorer.preset.value == "worked example"
    assert explorer.sentence.value == "love Apple phones"
    assert explorer.x_text.value == "1 0\n1 1\n0 2"
    assert explorer.w_k_text.value == "1 1\n0 1"
    assert explorer.message.value == ""


def cell_numbers(table: str) -> np.ndarray:
    """The numbers written in the ``<td>`` cells of an HTML table, in reading order."""
    return np.array([float(text) for text in re.findall(r"<td[^>]*>([^<]*)</td>", table)])


def test_tables_show_every_intermediate(explorer):
    example = love_apple_phones()
    expected = sa.self_attention(example.x, example.w_q, example.w_k, example.w_v,
                                 scale=1 / math.sqrt(example.w_q.shape[1]))
    assert "Scores Q Kᵀ" in explorer.scores_html.value
    # every cell holds the package's number, to the precision the table writes (2 or 3 places)
    np.testing.assert_allclose(cell_numbers(explorer.scores_html.value),
                               expected.scores.ravel(), atol=0.005)
    np.testing.assert_allclose(cell_numbers(explorer.weights_html.value),
                               expected.weights.ravel(), atol=0.005)
    for caption in ("Queries Q = X W_Q", "Keys K = X W_K", "Values V = X W_V"):
        assert caption in explorer.qkv_html.value
    qkv = np.concatenate([m.ravel() for m in (expected.queries, expected.keys, expected.values)])
    np.testing.assert_allclose(cell_numbers(explorer.qkv_html.value), qkv, atol=0.005)
    np.testing.assert_allclose(cell_numbers(explorer.output_html.value),
                               expected.output.ravel(), atol=0.0005)


# -- presets -----------------------------------------------------------------


@pytest.mark.parametrize("name", PRESETS)
def test_each_preset_loads_its_setup(name):
    start = "apple juice" if name == "worked example" else "worked example"
    explorer = AttentionExplorer(preset=start)
    explorer.preset.value = name
    setup = load_preset(name)
    assert explorer.setup.tokens == setup.tokens
    for got, want in zip(
        (explorer.setup.x, explorer.setup.w_q, explorer.setup.w_k, explorer.setup.w_v),
        (setup.x, setup.w_q, setup.w_k, setup.w_v),
    ):
        np.testing.assert_allclose(got, want)
    scale = 1 / math.sqrt(setup.w_q.shape[1])
    expected = sa.self_attention(setup.x, setup.w_q, setup.w_k, setup.w_v, scale=scale)
    np.testing.assert_allclose(explorer.result.weights, expected.weights)
    np.testing.assert_allclose(parse_matrix(explorer.w_q_text.value, "W_Q"), setup.w_q)
    assert explorer.sentence.value == " ".join(setup.tokens)
    assert explorer.message.value == ""


def test_identity_preset_is_part_one_attention():
    setup = load_preset("identity weights")
    _, x = embed_sentence(SENTENCES["apple phones"])
    np.testing.assert_allclose(setup.x, x)
    for w in (setup.w_q, setup.w_k, setup.w_v):
        np.testing.assert_allclose(w, np.eye(len(FEATURES)))
    explorer = AttentionExplorer(preset="identity weights", scaling=False)
    np.testing.assert_allclose(explorer.result.scores, x @ x.T)
    np.testing.assert_allclose(explorer.result.weights, sa.softmax(x @ x.T))


def test_seeded_random_preset_is_the_same_every_time_and_small():
    first, second = load_preset("seeded random"), load_preset("seeded random")
    np.testing.assert_array_equal(first.w_q, second.w_q)
    assert first.w_q.shape == (len(FEATURES), 4)
    assert np.abs(first.w_k).max() < 2.5
    assert not np.allclose(first.w_q, first.w_k)


def test_apple_presets_pull_apple_towards_its_neighbour():
    tech, fruit = FEATURES.index("technology"), FEATURES.index("fruit")
    phones = AttentionExplorer(preset="Apple phones")
    juice = AttentionExplorer(preset="apple juice")
    apple_phones = phones.result.output[2]
    apple_juice = juice.result.output[2]
    assert apple_phones[tech] > apple_phones[fruit]
    assert apple_juice[fruit] > apple_juice[tech]
    w_q, w_k, w_v = toy_weights()
    assert w_q.shape == w_k.shape == (len(FEATURES), 3)
    np.testing.assert_array_equal(w_v, np.eye(len(FEATURES)))
    # output columns are named after the toy features, since W_V = I
    assert ">technology<" in phones.output_html.value


def test_unknown_preset_is_refused():
    with pytest.raises(ValueError, match="preset must be one of"):
        AttentionExplorer(preset="nonsense")
    with pytest.raises(ValueError, match="temperature must lie"):
        AttentionExplorer(temperature=50)


@pytest.mark.parametrize("temperature", ["2", None, True])
def test_a_temperature_that_is_not_a_number_is_a_type_error(temperature):
    with pytest.raises(TypeError, match="temperature must be a real number"):
        AttentionExplorer(temperature=temperature)


# -- scaling and temperature ---------------------------------------------------


def test_scaling_off_gives_unscaled_weights(explorer):
    explorer.scaling.value = False
    assert explorer.result.scale == 1.0
    np.testing.assert_allclose(explorer.result.weights, sa.softmax(np.array(WORKED_SCORES)))
    assert "not scaled" in explorer.scores_html.value
    explorer.scaling.value = True
    np.testing.assert_allclose(
        explorer.result.weights, sa.softmax(np.array(WORKED_SCORES) / math.sqrt(2))
    )


def test_temperature_divides_the_scaled_scores(explorer):
    explorer.temperature.value = 2.0
    assert explorer.result.scale == pytest.approx(1 / (2 * math.sqrt(2)))
    np.testing.assert_allclose(
        explorer.result.weights, sa.softmax(np.array(WORKED_SCORES) / math.sqrt(2), temperature=2)
    )
    explorer.scaling.value = False
    np.testing.assert_allclose(
        explorer.result.weights, sa.softmax(np.array(WORKED_SCORES), temperature=2)
    )
    assert "temperature 2.00" in explorer.scores_html.value


# -- editing the matrices ------------------------------------------------------


def test_changing_w_v_changes_output_not_weights(explorer):
    weights, output = explorer.result.weights.copy(), explorer.result.output.copy()
    explorer.w_v_text.value = "2, 0\n0, 3"
    np.testing.assert_allclose(explorer.result.weights, weights)
    assert not np.allclose(explorer.result.output, output)
    np.testing.assert_allclose(explorer.result.values, explorer.setup.x @ np.diag([2.0, 3.0]))
    assert explorer.preset.value is None  # the state is now the reader's own


def test_changing_w_k_changes_the_weights(explorer):
    weights = explorer.result.weights.copy()
    explorer.w_k_text.value = "[1, 0]\n[0, 1]"
    assert not np.allclose(explorer.result.weights, weights)
    x = love_apple_phones().x
    np.testing.assert_allclose(explorer.result.scores, x @ x.T)


def test_editing_embeddings_and_d_k(explorer):
    explorer.x_text.value = "1 0\n0 1\n1 1"
    np.testing.assert_allclose(explorer.setup.x, [[1, 0], [0, 1], [1, 1]])
    explorer.w_q_text.value = "1 0 1\n0 1 1"
    explorer.w_k_text.value = "1 0 0\n0 1 0"  # d_k = 3 for both
    assert explorer.message.value == ""
    assert explorer.result.queries.shape == (3, 3)
    assert explorer.result.scale == pytest.approx(1 / math.sqrt(3))


def test_choosing_a_preset_again_after_an_edit_restores_it(explorer):
    explorer.w_v_text.value = "5 5\n5 5"
    explorer.preset.value = "worked example"
    assert explorer.w_v_text.value == "1 0\n1 1"
    np.testing.assert_allclose(explorer.setup.w_v, love_apple_phones().w_v)


# -- typed sentences -------------------------------------------------------------


def test_typed_sentence_is_embedded_in_the_toy_space(explorer):
    explorer.sentence.value = "I saw the bank near the river"
    assert explorer.message.value == ""
    _, x = embed_sentence("I saw the bank near the river")
    np.testing.assert_allclose(explorer.setup.x, x)
    assert explorer.setup.tokens == ("I", "saw", "the", "bank", "near", "the", "river")
    # the worked example's 2-row weights do not fit the toy space: the toy weights come in
    np.testing.assert_allclose(explorer.setup.w_q, toy_weights()[0])
    assert "toy weights" in explorer.notes.value
    assert explorer.result.weights.shape == (7, 7)
    assert parse_matrix(explorer.x_text.value, "X").shape == (7, len(FEATURES))


def test_typed_sentence_keeps_weights_that_fit():
    explorer = AttentionExplorer(preset="seeded random")
    w_q = explorer.setup.w_q.copy()
    explorer.sentence.value = "the cat sat on the mat"
    np.testing.assert_allclose(explorer.setup.w_q, w_q)
    assert explorer.notes.value == ""


def test_unknown_words_get_a_labelled_fallback(explorer):
    explorer.sentence.value = "I love zorbleflax phones"
    assert "zorbleflax*" in explorer.setup.tokens
    assert "zorbleflax (unknown: fallback vector)" in explorer.notes.value
    assert ">zorbleflax*<" in explorer.weights_html.value


def test_embed_button_applies_the_sentence(explorer):
    explorer.sentence.value = "I love apple juice"
    explorer.preset.value = "worked example"
    explorer.embed_button.click()
    assert explorer.setup.tokens == ("love", "Apple", "phones")
    np.testing.assert_allclose(explorer.setup.x, embed_sentence("love Apple phones")[1])


# -- bad input keeps the state --------------------------------------------------------


BAD_INPUTS = [
    ("w_q_text", "1 0\n0 x", "could not read 'x'"),
    ("w_k_text", "1 1\n0", "line 2: this row has 1 number but the first row has 2"),
    ("w_v_text", "", "W_V is empty"),
    ("x_text", "1 0\n1 1", "2 rows but the sentence has 3 tokens"),
    ("x_text", "1 0 0\n1 1 0\n0 2 0", "w_q must have d_model=3 rows"),
    ("w_k_text", "1 1 0\n0 1 0", "w_q and w_k must give queries and keys of the same size"),
    ("w_q_text", "1 nan\n0 1", "not a finite number"),
    ("sentence", "", "sentence has no words"),
    ("sentence", "?!", "sentence has no words"),
    ("sentence", " ".join(["apple"] * (MAX_TOKENS + 1)), "at most 12"),
]


@pytest.mark.parametrize("control, text, words", BAD_INPUTS)
def test_bad_input_shows_a_message_and_keeps_the_state(explorer, control, text, words):
    result, setup = explorer.result, explorer.setup
    tables = explorer.weights_html.value
    getattr(explorer, control).value = text
    assert words in html.unescape(explorer.message.value)
    assert 'role="alert"' in explorer.message.value
    assert explorer.result is result and explorer.setup is setup
    assert explorer.weights_html.value == tables


def test_a_bad_matrix_then_a_fix_clears_the_message(explorer):
    explorer.w_q_text.value = "1 0\n0 oops"
    assert "oops" in explorer.message.value
    # a setting changed meanwhile applies to the last good matrices, and the message stays
    explorer.temperature.value = 2.0
    assert "oops" in explorer.message.value
    np.testing.assert_allclose(
        explorer.result.weights, sa.softmax(np.array(WORKED_SCORES) / math.sqrt(2), temperature=2)
    )
    explorer.w_q_text.value = "1 0\n0 1"
    assert explorer.message.value == ""


def test_twelve_tokens_are_accepted(explorer):
    explorer.sentence.value = " ".join(["apple", "juice"] * 6)
    assert explorer.message.value == ""
    assert explorer.result.weights.shape == (12, 12)


def test_a_failing_computation_shows_a_message(explorer, monkeypatch):
    result = explorer.result

    def broken(*args, **kwargs):
        raise RuntimeError("attention broke")

    monkeypatch.setattr("selfattention.widgets.attention_explorer.self_attention", broken)
    explorer.scaling.value = False
    assert "attention broke" in explorer.message.value
    assert explorer.result is result
    monkeypatch.undo()
    explorer.scaling.value = True
    assert explorer.message.value == ""


# -- text parsing -----------------------------------------------------------------------


def test_parse_and_format_round_trip():
    matrix = np.array([[1.0, -0.5, 2.25], [0.0, 3.0, -1e-3]])
    np.testing.assert_allclose(parse_matrix(format_matrix(matrix), "M"), matrix)
    np.testing.assert_allclose(parse_matrix("[[1, 2],\n [3, 4]]", "M"), [[1, 2], [3, 4]])
    np.testing.assert_allclose(parse_matrix("\n1;2\n\n3 4\n", "M"), [[1, 2], [3, 4]])
    assert format_matrix(np.array([[-0.0, 1.0]])) == "0 1"


# -- display bundle ------------------------------------------------------------------------


def test_snapshot_holds_the_live_tables_and_the_settings(explorer):
    snapshot = explorer.snapshot()
    assert explorer.weights_html.value in snapshot
    assert explorer.output_html.value in snapshot
    assert "W_K" in snapshot
    apple = explorer.result.weights[1]
    top = explorer.setup.tokens[int(np.argmax(apple))]
    assert f"Apple attends most to {top} ({apple.max():.2f})" in snapshot


def test_a_tie_is_described_as_a_tie():
    # Part I's version: Apple's scores with itself and with phones are both 8
    explorer = AttentionExplorer(preset="identity weights", scaling=False)
    apple = explorer.result.weights[explorer.setup.tokens.index("Apple")]
    assert np.isclose(apple.max(), 0.5, atol=1e-3)
    assert f"Apple splits its largest weight between Apple and phones ({apple.max():.2f} each)" in (
        explorer.describe()
    )
    assert "Apple attends most to" not in explorer.describe()


def test_snapshot_follows_the_state(explorer):
    explorer.preset.value = "apple juice"
    snapshot = explorer.snapshot()
    assert ">juice<" in snapshot
    assert "4 tokens (I, love, apple, juice)" in explorer.describe()


def test_a_setting_with_a_badly_shaped_matrix_applies_to_the_last_good_one(explorer):
    explorer.w_q_text.value = "1 0 0\n0 1 0"  # parses, but d_k = 3 does not match W_K
    assert "same size d_k" in explorer.message.value
    explorer.scaling.value = False
    assert "same size d_k" in explorer.message.value
    np.testing.assert_allclose(explorer.result.weights, sa.softmax(np.array(WORKED_SCORES)))


def test_a_typed_sentence_shows_the_matrices_it_uses(explorer):
    explorer.preset.value = "Apple phones"
    explorer.w_v_text.value = "not a matrix"
    explorer.sentence.value = "I love apple pie"
    assert explorer.message.value == ""
    np.testing.assert_allclose(parse_matrix(explorer.w_v_text.value, "W_V"), explorer.setup.w_v)


def test_projection_columns_are_named_consistently():
    from selfattention.widgets.attention_explorer import _column_names

    axes = ("technology", "fruit")
    assert _column_names(np.array([[1.0, 1.0], [0.0, 1.0]]), axes, "k") == ["k1", "k2"]
    assert _column_names(np.array([[0.0, 1.0], [1.0, 0.0]]), axes, "q") == ["fruit", "technology"]
    assert _column_names(np.eye(2), ("a", "b", "c"), "v") == ["v1", "v2"]  # axes do not match
