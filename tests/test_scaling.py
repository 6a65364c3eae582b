"""The scaling experiments: variance grows with d_k, softmax saturates, gradients vanish."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import selfattention as sa
from selfattention.models_table import MODELS
from selfattention.scaling import (
    D_K_VALUES,
    attention_rows,
    parameter_gradients,
    sample_scores,
    score_variance,
    softmax_gradient_norms,
    softmax_statistics,
)


def test_d_k_values_double_and_cover_the_head_sizes_of_real_models():
    d_k = np.array(D_K_VALUES)
    # each one twice the last: evenly spaced on the chapter's log-2 axis, all powers of two
    np.testing.assert_array_equal(d_k[1:], 2 * d_k[:-1])
    assert d_k[0] == 2**int(np.log2(d_k[0]))
    # the measured range holds every head size of the models table (26 to 128),
    # and the original paper's d_k = 64 is measured exactly
    head_sizes = [spec.head_size for spec in MODELS]
    assert d_k.min() <= min(head_sizes) and d_k.max() >= max(head_sizes)
    assert 64 in D_K_VALUES


def test_unscaled_variance_is_close_to_d_k():
    variance = score_variance(n_samples=4000)
    d_k = np.array(D_K_VALUES)
    # the sample variance of 4000 draws is within about 5 % (one standard error) here
    np.testing.assert_allclose(variance / d_k, 1.0, atol=0.2)
    assert variance[-1] > 100 * variance[0]


def test_scaled_variance_is_close_to_one_for_every_d_k():
    variance = score_variance(n_samples=4000, scaled=True)
    np.testing.assert_allclose(variance, 1.0, atol=0.2)


def test_scaled_scores_are_the_unscaled_ones_divided_by_sqrt_d_k():
    raw = sample_scores(64, 100, seed=3)
    np.testing.assert_allclose(sample_scores(64, 100, scaled=True, seed=3), raw / 8.0)


def test_draws_are_seeded_and_do_not_depend_on_the_other_d_k():
    np.testing.assert_array_equal(sample_scores(16, 50, seed=1), sample_scores(16, 50, seed=1))
    assert not np.array_equal(sample_scores(16, 50, seed=1), sample_scores(16, 50, seed=2))
    alone = score_variance((32,), 500)
    together = score_variance((2, 32), 500)
    assert alone[0] == together[1]


def test_scores_match_a_direct_dot_product():
    d_k = 8
    rng = np.random.default_rng([0, d_k])
    queries, keys = rng.standard_normal((5, d_k)), rng.standard_normal((5, d_k))
    expected = [float(sa.dot(q, k)) for q, k in zip(queries, keys)]
    np.testing.assert_allclose(sample_scores(d_k, 5), expected)


def test_attention_rows_are_softmax_of_the_logits():
    logits, weights = attention_rows(16, n_rows=20, T=5, scaled=True)
    assert logits.shape == weights.shape == (20, 5)
    np.testing.assert_allclose(weights, sa.softmax(logits))
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0)
    raw, _ = attention_rows(16, n_rows=20, T=5)
    np.testing.assert_allclose(logits, raw / 4.0)


def test_saturation_grows_with_d_k_without_scaling():
    stats = softmax_statistics(n_rows=300)
    assert np.all(np.diff(stats.max_weight) > -0.02)  # rises, up to sampling noise
    assert stats.max_weight[0] < 0.5 and stats.max_weight[-1] > 0.9
    assert stats.entropy[-1] < 0.2 and stats.entropy[0] > 1.4  # log(8) = 2.08 is an even split
    assert np.all(np.diff(stats.entropy) < 0.05)


def test_scaling_keeps_rows_equally_spread_for_every_d_k():
    stats = softmax_statistics(n_rows=300, scaled=True)
    assert np.ptp(stats.max_weight) < 0.1
    assert np.ptp(stats.entropy) < 0.15
    assert stats.entropy.min() > 1.5


def test_gradient_norm_falls_without_scaling_and_holds_with_it():
    unscaled = softmax_statistics(n_rows=300)
    scaled = softmax_statistics(n_rows=300, scaled=True)
    assert unscaled.grad_norm[-1] < 1e-3 * unscaled.grad_norm[0]
    assert np.all(unscaled.grad_norm[3:] < scaled.grad_norm[3:])
    assert scaled.grad_norm.max() < 2 * scaled.grad_norm.min()
    np.testing.assert_array_equal(unscaled.d_k, D_K_VALUES)


def test_gradient_matches_the_softmax_jacobian_formula():
    rng = np.random.default_rng(11)
    logits, upstream = rng.normal(size=(6, 4)) * 3, rng.normal(size=(6, 4))
    weights = sa.softmax(logits)
    # dL/dz = w * (g - w . g) for L = sum_j w_j g_j
    by_hand = weights * (upstream - (weights * upstream).sum(axis=-1, keepdims=True))
    np.testing.assert_allclose(softmax_gradient_norms(logits, upstream),
                               np.linalg.norm(by_hand, axis=-1))
    z = torch.tensor(logits, requires_grad=True)
    (torch.softmax(z, -1) * torch.tensor(upstream)).sum().backward()
    np.testing.assert_allclose(softmax_gradient_norms(logits, upstream), z.grad.norm(dim=-1))


def test_a_saturated_row_passes_almost_no_gradient():
    upstream = np.ones((1, 3)) * np.array([[1.0, -1.0, 0.5]])
    flat = softmax_gradient_norms(np.zeros((1, 3)), upstream)
    peaked = softmax_gradient_norms(np.array([[50.0, 0.0, 0.0]]), upstream)
    assert peaked[0] < 1e-15 < flat[0]


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: sample_scores(0), ValueError, "d_k must be at least 1"),
        (lambda: sample_scores(2.5), TypeError, "d_k must be an int"),
        (lambda: sample_scores(True), TypeError, "d_k must be an int"),
        (lambda: sample_scores(4, 1), ValueError, "n_samples must be at least 2"),
        (lambda: sample_scores(4, seed=-1), ValueError, "seed must be at least 0"),
        (lambda: score_variance(64), TypeError, "single int"),
        (lambda: score_variance(()), ValueError, "d_ks is empty"),
        (lambda: score_variance((4, 0)), ValueError, "each d_k in d_ks"),
        (lambda: attention_rows(4, T=1), ValueError, "T must be at least 2"),
        (lambda: attention_rows(4, n_rows=0), ValueError, "n_rows must be at least 1"),
        (lambda: softmax_gradient_norms(np.zeros(3), np.zeros(3)), ValueError, "n_rows, T"),
        (lambda: softmax_gradient_norms(np.zeros((2, 3)), np.zeros((2, 2))), ValueError,
         "upstream must have the shape"),
    ],
)
def test_bad_arguments_are_refused(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_parameter_gradients_match_a_hand_written_backward_pass():
    # dL/dW_Q = X^T (dL/dZ) K / c and dL/dW_K = X^T (dL/dZ)^T Q / c, with c the divisor
    d_k, T, d_model = 16, 5, 8
    rng = np.random.default_rng([4, d_k, 2])
    x = rng.standard_normal((1, T, d_model))
    w_q = rng.standard_normal((1, d_model, d_k)) / np.sqrt(d_model)
    w_k = rng.standard_normal((1, d_model, d_k)) / np.sqrt(d_model)
    g = rng.standard_normal((1, T, T))
    c = np.sqrt(d_k)
    q, k = x[0] @ w_q[0], x[0] @ w_k[0]
    z = q @ k.T / c
    w = sa.softmax(z)
    grad_z = w * (g[0] - (w * g[0]).sum(axis=1, keepdims=True))
    grad_q = x[0].T @ grad_z @ k / c
    grad_k = x[0].T @ grad_z.T @ q / c
    got = parameter_gradients(d_k, 1, T, d_model, scaled=True, seed=4)
    np.testing.assert_allclose(got.scores, [np.linalg.norm(grad_z)])
    np.testing.assert_allclose(got.w_q, [np.linalg.norm(grad_q)])
    np.testing.assert_allclose(got.w_k, [np.linalg.norm(grad_k)])
    np.testing.assert_allclose(got.saturated, [(w.max(axis=1) > 0.99).mean()])


def test_without_scaling_rows_saturate_but_the_parameter_gradient_does_not_vanish():
    unscaled = parameter_gradients(256, 100)
    scaled = parameter_gradients(256, 100, scaled=True)
    # the gradient entering softmax shrinks and most rows are saturated ...
    assert np.median(unscaled.scores) < 0.5 * np.median(scaled.scores)
    assert unscaled.saturated.mean() > 0.5 and scaled.saturated.mean() < 0.05
    # ... yet the gradient reaching W_Q and W_K is not smaller: the division shrinks it too
    assert np.median(unscaled.w_q) > np.median(scaled.w_q)
    assert np.median(unscaled.w_k) > np.median(scaled.w_k)


def test_parameter_gradients_are_seeded_and_refuse_bad_sizes():
    a, b = parameter_gradients(8, 30, seed=1), parameter_gradients(8, 30, seed=1)
    np.testing.assert_array_equal(a.w_q, b.w_q)
    assert a.w_q.shape == (30,)
    with pytest.raises(ValueError, match="n_sentences"):
        parameter_gradients(8, 0)
    with pytest.raises(TypeError, match="d_model"):
        parameter_gradients(8, 10, d_model=2.5)
