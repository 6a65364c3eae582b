"""Weighted mixing: the narrative's new Apple vectors, the weight rules, the slider rule."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from selfattention.embeddings import FEATURES, embed_sentence
from selfattention.mixing import check_weights, mix, rebalance, weighted_sum

TECH, FRUIT = FEATURES.index("technology"), FEATURES.index("fruit")
NARRATIVE_WEIGHTS = [0.1, 0.5, 0.4]


def sentence_matrix(text: str) -> np.ndarray:
    return embed_sentence(text, strict=True)[1]


# -- worked numbers from the narrative ----------------------------------------------


def test_new_apple_in_love_apple_phones_leans_to_technology():
    x = sentence_matrix("love Apple phones")
    new_apple = mix(x, NARRATIVE_WEIGHTS)
    expected = 0.1 * x[0] + 0.5 * x[1] + 0.4 * x[2]
    np.testing.assert_allclose(new_apple, expected)
    assert new_apple[TECH] == pytest.approx(2.15)
    assert new_apple[FRUIT] == pytest.approx(1.35)
    assert new_apple[TECH] > x[1][TECH] and new_apple[FRUIT] < x[1][FRUIT]  # static Apple is (2, 2)


def test_new_apple_in_love_apple_juice_leans_to_fruit():
    x = sentence_matrix("love apple juice")
    new_apple = mix(x, NARRATIVE_WEIGHTS)
    assert new_apple[TECH] == pytest.approx(0.95)
    assert new_apple[FRUIT] == pytest.approx(2.15)


def test_all_weight_on_one_word_gives_back_its_vector():
    x = sentence_matrix("love Apple phones")
    np.testing.assert_array_equal(mix(x, [0.0, 1.0, 0.0]), x[1])


# -- backends and torch ---------------------------------------------------------------


def test_mix_returns_the_callers_backend(backend):
    x = sentence_matrix("love Apple phones")
    result = mix(backend.asarray(x), backend.asarray(NARRATIVE_WEIGHTS))
    np.testing.assert_allclose(backend.to_numpy(result), np.array(NARRATIVE_WEIGHTS) @ x)


def test_mix_matches_torch_matmul_and_keeps_float32():
    rng = np.random.default_rng(0)
    x = torch.from_numpy(rng.normal(size=(5, 8))).float()
    w = torch.softmax(torch.from_numpy(rng.normal(size=5)).float(), dim=0)
    result = mix(x, w)
    assert result.dtype == torch.float32
    torch.testing.assert_close(result, torch.einsum("t,td->d", w, x))


def test_weighted_sum_and_rebalance_return_the_callers_backend(backend):
    x = sentence_matrix("love Apple phones")
    out = weighted_sum(backend.asarray(x), backend.asarray([0.3, 1.5, 1.2]))
    np.testing.assert_allclose(backend.to_numpy(out), 3 * mix(x, NARRATIVE_WEIGHTS))
    new = rebalance(backend.asarray(NARRATIVE_WEIGHTS), 2, 0.7)
    np.testing.assert_allclose(backend.to_numpy(new), [0.05, 0.25, 0.7])


# -- invariants -------------------------------------------------------------------------

probability_vectors = arrays(
    np.float64, st.integers(1, 6), elements=st.floats(0.0, 10.0, allow_nan=False)
).filter(lambda w: w.sum() > 1e-3).map(lambda w: w / w.sum())


@settings(max_examples=60, deadline=None)
@given(weights=probability_vectors, data=st.data())
def test_a_proper_mix_stays_between_the_words(weights, data):
    rows = data.draw(
        arrays(np.float64, (len(weights), 4), elements=st.floats(-5, 5, allow_nan=False))
    )
    mixed = mix(rows, weights)
    assert np.all(mixed >= rows.min(axis=0) - 1e-9)
    assert np.all(mixed <= rows.max(axis=0) + 1e-9)


def test_shifting_every_vector_shifts_a_proper_mix_by_the_same_amount():
    x = sentence_matrix("love Apple phones")
    shift = np.arange(len(FEATURES), dtype=float)
    np.testing.assert_allclose(mix(x + shift, NARRATIVE_WEIGHTS), mix(x, NARRATIVE_WEIGHTS) + shift)
    # weights summing to 3 move the result three times as far: it depends on where 0 is
    tripled = [0.3, 1.5, 1.2]
    moved = weighted_sum(x + shift, tripled) - weighted_sum(x, tripled)
    np.testing.assert_allclose(moved, 3 * shift)


def test_negative_weight_pushes_the_mix_outside_the_words():
    x = sentence_matrix("love Apple phones")
    feeling = FEATURES.index("feeling")
    out = weighted_sum(x, [-0.5, 1.0, 0.5])
    assert out[feeling] == pytest.approx(-1.5)  # below every word's feeling value
    assert out[feeling] < x[:, feeling].min()


# -- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "vectors, weights, error, words",
    [
        ([[1.0, 0.0], [0.0, 1.0]], [[0.5, 0.5]], ValueError, "weights must have 1 dimension"),
        ([1.0, 0.0], [1.0], ValueError, "vectors must have 2 dimension"),
        ([[1.0, 0.0], [0.0, 1.0]], [0.2, 0.3, 0.5], ValueError, "one entry per vector"),
        ([[1.0, 0.0], [0.0, 1.0]], [1.5, -0.5], ValueError, "non-negative, got -0.5 at index 1"),
        ([[1.0, 0.0], [0.0, 1.0]], [1.5, 1.5], ValueError, "sum to 1 .* sum of 3"),
        ([[1.0, 0.0], [0.0, 1.0]], [0.5, float("nan")], ValueError, "weights contains NaN"),
        ([[1.0, 0.0], [0.0, 1.0]], [], ValueError, "weights is empty"),
        ([[1.0, 0.0], [0.0, 1.0]], "ab", TypeError, "weights must be a numpy array"),
        ([[1.0, 0.0], [0.0, 1.0]], np.array([True, False]), TypeError, "booleans"),
    ],
)
def test_mix_refuses_bad_input(vectors, weights, error, words):
    with pytest.raises(error, match=words):
        mix(vectors, weights)


def test_weighted_sum_still_checks_shapes():
    with pytest.raises(ValueError, match="one entry per vector"):
        weighted_sum([[1.0, 0.0]], [0.5, 0.5])


def test_tolerance_is_adjustable():
    almost = [0.5, 0.5 + 1e-4]
    with pytest.raises(ValueError, match="sum to 1"):
        mix([[1.0], [2.0]], almost)
    assert mix([[1.0], [2.0]], almost, atol=1e-3) == pytest.approx(1.5002)


def test_tolerance_must_be_positive():
    with pytest.raises(ValueError, match="atol must be a finite number greater than 0"):
        mix([[1.0], [2.0]], [0.5, 0.5], atol=-1)


def test_check_weights_on_tensors():
    check_weights(torch.tensor([0.25, 0.75]))
    with pytest.raises(ValueError, match="non-negative"):
        check_weights(torch.tensor([-0.25, 1.25]))


# -- the slider rule -----------------------------------------------------------------------


def test_rebalance_keeps_the_others_in_proportion():
    new = rebalance(NARRATIVE_WEIGHTS, 2, 0.7)
    np.testing.assert_allclose(new, [0.05, 0.25, 0.7])  # love : Apple stays 1 : 5
    np.testing.assert_allclose(rebalance(NARRATIVE_WEIGHTS, -3, 0.0), [0.0, 5 / 9, 4 / 9])


def test_rebalance_splits_evenly_when_the_others_are_all_zero():
    np.testing.assert_allclose(rebalance([0.0, 0.0, 1.0], 2, 0.4), [0.3, 0.3, 0.4])
    np.testing.assert_allclose(rebalance([0.0, 1.0, 0.0], 0, 0.4), [0.4, 0.6, 0.0])


def test_rebalance_with_one_weight_is_always_one():
    np.testing.assert_array_equal(rebalance([1.0], 0, 0.3), [1.0])


@settings(max_examples=100, deadline=None)
@given(weights=probability_vectors.filter(lambda w: len(w) >= 2), data=st.data())
def test_rebalance_gives_a_probability_vector_with_the_chosen_value(weights, data):
    index = data.draw(st.integers(0, len(weights) - 1))
    value = data.draw(st.floats(0.0, 1.0))
    new = rebalance(weights, index, value)
    assert new[index] == value
    assert np.all(new >= 0)
    assert new.sum() == pytest.approx(1.0, abs=1e-12)
    check_weights(torch.from_numpy(new))
    others_before = np.delete(weights, index)
    others_after = np.delete(new, index)
    if others_before.sum() > 1e-9 and value < 1:
        np.testing.assert_allclose(
            others_after / others_after.sum(), others_before / others_before.sum(), atol=1e-9
        )


@pytest.mark.parametrize(
    "weights, index, value, error, words",
    [
        ([0.5, 0.5], 2, 0.3, ValueError, "index=2 is out of range for 2 weight"),
        ([0.5, 0.5], -3, 0.3, ValueError, "out of range"),
        ([0.5, 0.5], 1.0, 0.3, TypeError, "index must be an int"),
        ([0.5, 0.5], True, 0.3, TypeError, "index must be an int"),
        ([0.5, 0.5], 0, 1.2, ValueError, r"new_value must lie in \[0, 1\], got 1.2"),
        ([0.5, 0.5], 0, -0.1, ValueError, r"new_value must lie in \[0, 1\]"),
        ([0.5, 0.5], 0, float("nan"), ValueError, r"new_value must lie in \[0, 1\]"),
        ([0.5, 0.5], 0, "0.3", TypeError, "new_value must be a real number"),
        ([1.5, -0.5], 0, 0.3, ValueError, "weights must be non-negative"),
        ([[0.5, 0.5]], 0, 0.3, ValueError, "weights must have 1 dimension"),
        ([0.0, 0.0, 0.0], 0, 0.3, ValueError, "weights are all 0"),
        ([0.0], 0, 0.3, ValueError, "weights are all 0"),
    ],
)
def test_rebalance_refuses_bad_input(weights, index, value, error, words):
    with pytest.raises(error, match=words):
        rebalance(weights, index, value)
