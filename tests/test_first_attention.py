"""The first, weight-free self-attention softmax(X Xᵀ) X, and its two weaknesses."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import selfattention as sa
from selfattention.embeddings import FEATURES, SENTENCES, embed_sentence
from selfattention.first_attention import (
    attends_most_to_itself,
    is_symmetric,
    max_asymmetry,
    self_attention_share,
    weightless_self_attention,
)

TECH, FRUIT = FEATURES.index("technology"), FEATURES.index("fruit")


def _by_hand(x: np.ndarray):
    scores = x @ x.T  # (T, d_model) @ (d_model, T) -> (T, T)
    strengths = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights = strengths / strengths.sum(axis=1, keepdims=True)
    return scores, weights, weights @ x  # (T, T) @ (T, d_model) -> (T, d_model)


# --- the computation ---------------------------------------------------------------------


def test_equals_softmax_of_x_xt_times_x(backend, rng):
    x = rng.normal(size=(5, 4))
    result = weightless_self_attention(backend.asarray(x))
    scores, weights, output = _by_hand(x)
    np.testing.assert_allclose(backend.to_numpy(result.scores), scores, rtol=1e-12)
    np.testing.assert_allclose(backend.to_numpy(result.scaled_scores), scores, rtol=1e-12)
    np.testing.assert_allclose(backend.to_numpy(result.weights), weights, rtol=1e-10)
    np.testing.assert_allclose(backend.to_numpy(result.output), output, rtol=1e-10)
    for part in (result.queries, result.keys, result.values):
        np.testing.assert_array_equal(backend.to_numpy(part), x)
    assert result.scale == 1.0


def test_equals_torch_attention_with_x_in_every_role(rng):
    x = rng.normal(size=(2, 6, 3))
    expected = F.scaled_dot_product_attention(*(torch.from_numpy(x),) * 3, scale=1.0)
    np.testing.assert_allclose(weightless_self_attention(x).output, expected.numpy(), rtol=1e-10)


def test_float32_tensors_stay_float32():
    x = torch.tensor([[1.0, 0.0], [0.5, 2.0]])
    result = weightless_self_attention(x)
    assert result.output.dtype == torch.float32
    assert result.weights.dtype == torch.float32


def test_loop_over_words_equals_the_matrix_form():
    _, x = embed_sentence(SENTENCES["apple phones"])
    result = weightless_self_attention(x)
    for i, word in enumerate(x):
        scores = np.array([sa.dot(word, other) for other in x])
        weights = sa.softmax(scores)
        np.testing.assert_allclose(result.weights[i], weights)
        np.testing.assert_allclose(result.output[i], weights @ x)


def test_moving_a_word_moves_its_output_row(rng):
    x = rng.normal(size=(5, 3))
    order = np.array([3, 0, 4, 1, 2])
    np.testing.assert_allclose(
        weightless_self_attention(x[order]).output, weightless_self_attention(x).output[order]
    )


# --- the narrative's numbers -------------------------------------------------------------


def test_apple_row_holds_the_narrative_dot_products():
    _, x = embed_sentence(SENTENCES["apple phones"])  # I love Apple phones
    scores = weightless_self_attention(x).scores
    np.testing.assert_array_equal(scores[2, 1:], [-2.0, 8.0, 8.0])


def test_apple_moves_toward_technology_with_phones_and_fruit_with_juice():
    phones = weightless_self_attention(embed_sentence(SENTENCES["apple phones"])[1]).output[2]
    juice = weightless_self_attention(embed_sentence(SENTENCES["apple juice"])[1]).output[2]
    # static Apple is half and half: technology 2, fruit 2
    assert phones[TECH] > 2 > phones[FRUIT]
    assert juice[FRUIT] > 2 > juice[TECH]
    # the tied scores 8 and 8 give Apple and phones almost half each (I and love get ~1e-4)
    np.testing.assert_allclose(phones[[TECH, FRUIT]], [2.5, 1.5], atol=1e-3)


def test_apple_watch_barely_moves():
    tokens, x = embed_sentence(SENTENCES["apple watch"])
    result = weightless_self_attention(x)
    assert [t.word for t in tokens] == ["I", "love", "Apple", "watch"]
    assert result.weights[2, 2] > 0.99
    assert abs(result.output[2, TECH] - x[2, TECH]) < 0.01


# --- problem 2: symmetry and self-attention ---------------------------------------------


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 5)),
              elements=st.floats(-10, 10)))
def test_scores_are_always_symmetric(x):
    scores = weightless_self_attention(x).scores
    assert is_symmetric(scores)
    # x @ x.T is symmetric in exact arithmetic; a BLAS product may round S[i, j] and
    # S[j, i] differently (hypothesis found a 4 x 5 case off by 3.6e-15), so allow
    # a few units in the last place of the largest score.
    assert max_asymmetry(scores) <= 8 * np.finfo(np.float64).eps * max(1.0, np.abs(scores).max())


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(2, 6), st.integers(1, 5)),
              elements=st.floats(-10, 10)))
def test_own_score_beats_every_shorter_word(x):
    # Cauchy-Schwarz: x_i . x_j <= |x_i| |x_j| <= |x_i|^2 whenever |x_j| <= |x_i|
    scores = weightless_self_attention(x).scores
    lengths = np.linalg.norm(x, axis=1)
    for i in range(len(x)):
        for j in range(len(x)):
            if lengths[j] <= lengths[i]:
                assert scores[i, i] >= scores[i, j] - 1e-9 * max(1.0, scores[i, i])


def test_max_asymmetry_and_is_symmetric(backend):
    matrix = backend.asarray([[1.0, 2.0], [2.5, 0.0]])
    assert max_asymmetry(matrix) == pytest.approx(0.5)
    assert not is_symmetric(matrix)
    assert is_symmetric(matrix, atol=0.5)
    assert is_symmetric(backend.asarray(np.eye(3)))


def test_is_symmetric_checks_every_batch_entry():
    batch = np.stack([np.eye(3), np.eye(3)])
    assert is_symmetric(batch)
    batch[1, 0, 2] = 1.0
    assert not is_symmetric(batch)


def test_a_word_splitting_its_attention_evenly_does_not_count():
    weights = np.array([[0.5, 0.5, 0.0], [0.1, 0.8, 0.1], [0.6, 0.1, 0.3]])
    np.testing.assert_array_equal(attends_most_to_itself(weights), [False, True, False])
    assert self_attention_share(weights) == 1


def test_uniform_rows_and_single_words():
    assert self_attention_share(np.full((4, 4), 0.25)) == 0
    np.testing.assert_array_equal(attends_most_to_itself([[1.0]]), [True])


def test_self_attention_count_keeps_the_backend(backend):
    weights = backend.asarray([[[0.9, 0.1], [0.3, 0.7]], [[0.2, 0.8], [0.6, 0.4]]])
    mask = attends_most_to_itself(weights)
    np.testing.assert_array_equal(backend.to_numpy(mask), [[True, True], [False, False]])
    assert self_attention_share(weights) == 2


def test_words_attending_most_to_themselves_in_the_book_sentences():
    counted, total = 0, 0
    for sentence in SENTENCES.values():
        tokens, x = embed_sentence(sentence)
        counted += self_attention_share(weightless_self_attention(x).weights)
        total += len(tokens)
    assert (counted, total) == (18, 40)


# --- bad input ---------------------------------------------------------------------------


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="x must have at least 2 dimension"):
        weightless_self_attention([1.0, 2.0])
    with pytest.raises(ValueError, match="x contains NaN"):
        weightless_self_attention([[1.0, np.nan]])
    with pytest.raises(TypeError, match="x must be a numpy array"):
        weightless_self_attention("apple")
    with pytest.raises(ValueError, match=r"matrix must be square.*\(2, 3\)"):
        max_asymmetry(np.ones((2, 3)))
    with pytest.raises(ValueError, match="weights must be square"):
        attends_most_to_itself(np.ones((3, 2)))
    with pytest.raises(ValueError, match="weights must have at least 2"):
        self_attention_share([0.2, 0.8])
    with pytest.raises(ValueError, match="atol must be a finite number >= 0"):
        is_symmetric(np.eye(2), atol=-1.0)
    with pytest.raises(TypeError, match="atol must be a real number"):
        is_symmetric(np.eye(2), atol="small")
