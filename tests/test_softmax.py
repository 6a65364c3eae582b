"""Softmax: the narrative's numbers, stability, temperature, and torch equality."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import selfattention as sa


def test_softmax_of_1_3_6_matches_the_narrative(backend):
    weights = backend.to_numpy(sa.softmax(backend.asarray([1.0, 3.0, 6.0])))
    total = math.exp(1) + math.exp(3) + math.exp(6)
    expected = [math.exp(1) / total, math.exp(3) / total, math.exp(6) / total]
    np.testing.assert_allclose(weights, expected, rtol=1e-12)
    # the narrative's rounded reading: almost everything to "phones"
    np.testing.assert_allclose(weights, [0.006, 0.047, 0.946], atol=5e-4)


def test_softmax_is_finite_and_correct_for_scores_of_1e4(backend):
    for dtype in (np.float32, np.float64):
        weights = backend.to_numpy(sa.softmax(backend.asarray([1e4, 1e4 - 1, 0.0], dtype)))
        assert np.isfinite(weights).all()
        e = math.e
        np.testing.assert_allclose(weights, [e / (1 + e), 1 / (1 + e), 0.0], atol=1e-6)


def test_naive_softmax_overflows_where_softmax_does_not():
    with pytest.warns(RuntimeWarning, match="overflow"):
        naive = sa.naive_softmax([1000.0, 1001.0])
    assert np.isnan(naive).any()
    np.testing.assert_allclose(sa.softmax([1000.0, 1001.0]), sa.softmax([0.0, 1.0]))


def test_naive_softmax_agrees_for_small_scores():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(sa.naive_softmax([1.0, 3.0, 6.0]), sa.softmax([1.0, 3.0, 6.0]))


def test_temperature_divides_the_scores(backend):
    scores = backend.asarray([1.0, 3.0, 6.0])
    for t in (0.25, 1.0, 4.0):
        hot = backend.to_numpy(sa.softmax(scores, temperature=t))
        np.testing.assert_allclose(hot, sa.softmax(np.array([1.0, 3.0, 6.0]) / t), rtol=1e-12)


def test_low_temperature_approaches_hardmax_high_approaches_uniform():
    scores = [1.0, 3.0, 6.0]
    np.testing.assert_allclose(sa.softmax(scores, temperature=0.01), sa.hardmax(scores), atol=1e-12)
    np.testing.assert_allclose(sa.softmax(scores, temperature=1e6), [1 / 3] * 3, atol=1e-5)


def test_hardmax_shares_ties():
    np.testing.assert_array_equal(sa.hardmax([2.0, 5.0, 5.0]), [0.0, 0.5, 0.5])
    np.testing.assert_array_equal(sa.hardmax([[1.0, 0.0], [0.0, 3.0]]), [[1, 0], [0, 1]])


def test_entropy_of_one_hot_and_uniform():
    assert sa.entropy([0.0, 1.0, 0.0]) == 0.0
    assert sa.entropy([0.25] * 4) == pytest.approx(math.log(4))
    with pytest.raises(ValueError, match="sum to 1"):
        sa.entropy([0.5, 0.2])
    with pytest.raises(ValueError, match="non-negative"):
        sa.entropy([1.5, -0.5])


@pytest.mark.parametrize("dim", [0, 1, -1, 2])
def test_softmax_equals_torch_softmax_on_batched_input(backend, rng, dim):
    scores = rng.normal(scale=5.0, size=(2, 3, 5))
    ours = backend.to_numpy(sa.softmax(backend.asarray(scores), dim=dim))
    theirs = torch.softmax(torch.from_numpy(scores), dim=dim).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_preserves_float_dtype(backend, dtype):
    result = sa.softmax(backend.asarray([1.0, 2.0], dtype))
    assert str(result.dtype).endswith(np.dtype(dtype).name)


def test_integers_become_floats():
    assert sa.softmax([1, 3, 6]).dtype == np.float64
    assert sa.softmax(np.array([1, 3, 6])).dtype == np.float64
    assert sa.softmax(torch.tensor([1, 3, 6])).dtype == torch.get_default_dtype()


def test_list_input_returns_numpy():
    assert isinstance(sa.softmax([[1.0, 2.0]]), np.ndarray)


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf")])
def test_temperature_must_be_positive_and_finite(bad):
    with pytest.raises(ValueError, match="temperature"):
        sa.softmax([1.0, 2.0], temperature=bad)


def test_temperature_must_be_a_number():
    with pytest.raises(TypeError, match="temperature"):
        sa.softmax([1.0, 2.0], temperature="hot")


def test_softmax_rejects_bad_dim():
    with pytest.raises(ValueError, match="dim=3 is out of range"):
        sa.softmax([[1.0, 2.0]], dim=3)
    with pytest.raises(TypeError, match="dim"):
        sa.softmax([1.0], dim=0.5)


@pytest.mark.parametrize(
    "bad, error, words",
    [
        ([], ValueError, "empty"),
        ([[]], ValueError, "empty"),
        (3.0, ValueError, "at least 1 dimension"),
        ([1.0, float("nan")], ValueError, "NaN at index \\(1,\\)"),
        ([float("inf"), 1.0], ValueError, "inf at index \\(0,\\)"),
        ([float("-inf"), 1.0], ValueError, "-inf"),
        (["a", "b"], TypeError, "real numbers"),
        ("abc", TypeError, "numpy array, a torch tensor or a nested list"),
        ([[1.0, 2.0], [3.0]], ValueError, "ragged"),
        ([True, False], TypeError, "booleans"),
        ([1 + 2j], TypeError, "complex"),
        (None, TypeError, "got NoneType"),
    ],
)
def test_softmax_bad_input_names_the_argument(bad, error, words):
    with pytest.raises(error, match="scores") as info:
        sa.softmax(bad)
    assert info.match(words)


def _score_rows():
    return arrays(
        np.float64,
        st.tuples(st.integers(1, 4), st.integers(1, 6)),
        elements=st.floats(-1e3, 1e3, allow_nan=False),
    )


@settings(max_examples=200, deadline=None)
@given(_score_rows())
def test_property_rows_sum_to_one_and_are_non_negative(scores):
    weights = sa.softmax(scores)
    assert (weights >= 0).all()
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-12)


@settings(max_examples=200, deadline=None)
@given(_score_rows(), st.floats(-1e4, 1e4, allow_nan=False))
def test_property_adding_a_constant_changes_nothing(scores, constant):
    np.testing.assert_allclose(sa.softmax(scores + constant), sa.softmax(scores), atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(_score_rows())
def test_property_order_is_kept(scores):
    weights = sa.softmax(scores)
    first, second = scores[..., :1], scores[..., -1:]
    assert ((first > second) <= (weights[..., :1] >= weights[..., -1:])).all()
