"""Scaled dot-product attention and self-attention."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import selfattention as sa
from selfattention.examples import love_apple_phones

SCORES = [[1, 1, 0], [2, 3, 2], [2, 4, 4]]


# --- the narrative's worked example ------------------------------------------------------


def test_worked_example_scores_and_scaled_apple_row(backend):
    ex = love_apple_phones()
    result = sa.self_attention(*(backend.asarray(m) for m in (ex.x, ex.w_q, ex.w_k, ex.w_v)))
    np.testing.assert_array_equal(backend.to_numpy(result.scores), SCORES)
    assert result.scale == pytest.approx(1 / math.sqrt(2))
    np.testing.assert_allclose(backend.to_numpy(result.scaled_scores), np.array(SCORES) / math.sqrt(2))
    weights = backend.to_numpy(result.weights)
    apple = weights[1]
    np.testing.assert_allclose(apple, [0.25, 0.50, 0.25], atol=0.005)
    # exactly: the two side scores tie, and the middle one is 1/sqrt(2) higher
    middle = math.exp(1 / math.sqrt(2))
    np.testing.assert_allclose(apple, np.array([1, middle, 1]) / (2 + middle), rtol=1e-12)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    # the output is the weights mixing the values, row by row
    values = backend.to_numpy(result.values)
    np.testing.assert_allclose(backend.to_numpy(result.output), weights @ values)
    np.testing.assert_allclose(values, ex.x @ ex.w_v)


def test_worked_example_without_scaling():
    ex = love_apple_phones()
    result = sa.self_attention(ex.x, ex.w_q, ex.w_k, ex.w_v, scale=1.0)
    np.testing.assert_array_equal(result.scaled_scores, SCORES)
    np.testing.assert_allclose(result.weights, sa.softmax(np.array(SCORES, dtype=float)))


def test_loop_over_queries_matches_the_matrix_form(rng):
    queries, keys, values = rng.normal(size=(4, 3)), rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    output, weights = sa.scaled_dot_product_attention(queries, keys, values)
    for i, query in enumerate(queries):
        scores = np.array([sa.dot(query, key) for key in keys]) / math.sqrt(3)
        row = sa.softmax(scores)
        np.testing.assert_allclose(weights[i], row)
        np.testing.assert_allclose(output[i], row @ values)


# --- equality with torch ---------------------------------------------------------------


@pytest.mark.parametrize("with_mask", [False, True])
@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 2e-6)])
def test_equals_torch_sdpa_on_random_batches(backend, rng, with_mask, dtype, tol):
    B, H, T_q, T_k, d_k, d_v = 2, 3, 5, 7, 4, 6
    q = rng.normal(size=(B, H, T_q, d_k)).astype(dtype)
    k = rng.normal(size=(B, H, T_k, d_k)).astype(dtype)
    v = rng.normal(size=(B, H, T_k, d_v)).astype(dtype)
    mask = rng.random((B, 1, T_q, T_k)) < 0.6 if with_mask else None
    if mask is not None:
        mask[..., 0] = True  # every query keeps at least one key
    output, weights = sa.scaled_dot_product_attention(
        backend.asarray(q, dtype), backend.asarray(k, dtype), backend.asarray(v, dtype),
        mask=None if mask is None else (mask if backend.name == "numpy" else torch.from_numpy(mask).to(backend.device)),
    )
    tq, tk, tv = (torch.from_numpy(a) for a in (q, k, v))
    tmask = None if mask is None else torch.from_numpy(mask)
    expected = F.scaled_dot_product_attention(tq, tk, tv, attn_mask=tmask)
    np.testing.assert_allclose(backend.to_numpy(output), expected.numpy(), atol=tol, rtol=tol)
    scaled = tq @ tk.transpose(-2, -1) / math.sqrt(d_k)
    if tmask is not None:
        scaled = scaled.masked_fill(~tmask, float("-inf"))
    np.testing.assert_allclose(backend.to_numpy(weights), torch.softmax(scaled, -1).numpy(), atol=tol)


def test_explicit_scale_equals_torch(rng):
    q, k, v = (torch.from_numpy(rng.normal(size=(3, 4, 5))) for _ in range(3))
    output, _ = sa.scaled_dot_product_attention(q, k, v, scale=0.3)
    torch.testing.assert_close(output, F.scaled_dot_product_attention(q, k, v, scale=0.3))


def test_causal_mask_equals_torch_is_causal(rng):
    q, k, v = (torch.from_numpy(rng.normal(size=(2, 6, 4))) for _ in range(3))
    output, weights = sa.scaled_dot_product_attention(q, k, v, mask=sa.causal_mask(6))
    torch.testing.assert_close(output, F.scaled_dot_product_attention(q, k, v, is_causal=True))
    assert (weights.triu(diagonal=1) == 0).all()


def test_self_attention_keeps_autograd(rng):
    x = torch.from_numpy(rng.normal(size=(3, 4))).requires_grad_()
    w = [torch.from_numpy(rng.normal(size=(4, 2))).requires_grad_() for _ in range(3)]
    result = sa.self_attention(x, *w)
    result.output.sum().backward()
    assert all(t.grad is not None and torch.isfinite(t.grad).all() for t in [x, *w])


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_with_scores_of_a_few_hundred_equals_torch_sdpa(rng, dtype):
    # scaled scores of a few hundred: float16 keeps only 0.25 of resolution there, so
    # softmax taken in half precision gets the weights (and the output) badly wrong
    q = torch.from_numpy(rng.normal(size=(2, 3, 6, 8)) * 60).to(dtype)
    k = torch.from_numpy(rng.normal(size=(2, 3, 6, 8))).to(dtype)
    v = torch.from_numpy(rng.normal(size=(2, 3, 6, 4))).to(dtype)
    scaled = q.float() @ k.float().transpose(-2, -1) / math.sqrt(8)
    assert 100 < scaled.abs().max() < 1000
    output, weights = sa.scaled_dot_product_attention(q, k, v)
    assert output.dtype == weights.dtype == dtype
    expected = F.scaled_dot_product_attention(q, k, v)
    eps = torch.finfo(dtype).eps  # one rounding of the half-precision result
    torch.testing.assert_close(output.float(), expected.float(), atol=eps, rtol=eps)
    torch.testing.assert_close(weights.float(), torch.softmax(scaled, -1), atol=eps, rtol=0)


def test_float16_scores_beyond_its_range_still_equal_torch_sdpa():
    # q . k / sqrt(d_k) is about 1e5 here: more than float16 can hold (65504)
    q = torch.tensor([[300.0, 300.0], [1.0, 2.0]], dtype=torch.float16)
    k = torch.tensor([[300.0, 300.0], [-300.0, 300.0]], dtype=torch.float16)
    v = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float16)
    output, weights = sa.scaled_dot_product_attention(q, k, v)
    torch.testing.assert_close(output, F.scaled_dot_product_attention(q, k, v))
    torch.testing.assert_close(weights[0], torch.tensor([1.0, 0.0], dtype=torch.float16))


def test_self_attention_in_float16_computes_in_float32(rng):
    x = torch.from_numpy(rng.normal(size=(5, 4)) * 6).half()
    w = [torch.from_numpy(rng.normal(size=(4, 4))).half() for _ in range(3)]
    result = sa.self_attention(x, *w)
    reference = sa.self_attention(x.float(), *(m.float() for m in w))
    for name in ("queries", "scores", "weights", "output"):
        got, want = getattr(result, name), getattr(reference, name)
        assert got.dtype == torch.float16
        torch.testing.assert_close(got.float(), want, atol=4e-3, rtol=2e-3)


def test_overflowing_scores_are_an_error_not_nan():
    x = np.full((3, 2), 1e200)
    with pytest.raises(ValueError, match="queries and keys are too large: .*overflowed float64"):
        sa.self_attention(x, np.eye(2), np.eye(2), np.eye(2))
    big = np.full((3, 2), 1e200)
    with pytest.raises(ValueError, match="queries and keys are too large: .*overflowed float64"):
        sa.scaled_dot_product_attention(big, big, np.ones((3, 2)))


def test_overflowing_projections_are_an_error_not_nan():
    x = np.full((3, 2), 1e200)
    with pytest.raises(ValueError, match=r"x and w_v are too large: values = x @ w_v overflowed"):
        sa.self_attention(x, np.eye(2) * 1e-200, np.eye(2) * 1e-200, np.eye(2) * 1e200)


def test_results_too_large_for_float16_are_an_error_not_inf():
    # computed in float32 the scores are fine, but 200 * 200 * 2 = 80000 > 65504
    x = torch.full((2, 2), 200.0, dtype=torch.float16)
    eye = torch.eye(2, dtype=torch.float16)
    with pytest.raises(ValueError, match="queries and keys are too large: .*float16"):
        sa.self_attention(x, eye, eye, eye)


# --- types, dtypes, devices -------------------------------------------------------------


def test_returns_same_kind_as_input(backend, rng):
    x = rng.normal(size=(3, 2))
    result = sa.self_attention(backend.asarray(x), np.eye(2), np.eye(2), np.eye(2))
    for name in ("queries", "keys", "values", "scores", "scaled_scores", "weights", "output"):
        backend.to_numpy(getattr(result, name))  # asserts the type and device


def test_lists_of_ints_work_and_give_float64():
    output, weights = sa.scaled_dot_product_attention([[1, 0]], [[1, 0], [0, 1]], [[1, 2], [3, 4]])
    assert output.dtype == weights.dtype == np.float64


def test_float32_is_preserved(rng):
    q = rng.normal(size=(2, 3)).astype(np.float32)
    output, weights = sa.scaled_dot_product_attention(q, q, q)
    assert output.dtype == weights.dtype == np.float32


def test_tensors_decide_dtype_when_mixed_with_numpy(rng):
    x = torch.from_numpy(rng.normal(size=(3, 2)).astype(np.float32))
    result = sa.self_attention(x, np.eye(2), np.eye(2), np.eye(2))
    assert result.output.dtype == torch.float32


# --- properties ------------------------------------------------------------------------


def _sequences():
    return st.integers(1, 6).flatmap(
        lambda T: st.tuples(
            arrays(np.float64, (T, 3), elements=st.floats(-5, 5, allow_nan=False)),
            st.permutations(list(range(T))),
        )
    )


W = np.random.default_rng(7).normal(size=(3, 3, 2))


@settings(max_examples=150, deadline=None)
@given(_sequences())
def test_property_self_attention_is_permutation_equivariant(case):
    x, order = case
    order = np.array(order)
    plain = sa.self_attention(x, *W)
    shuffled = sa.self_attention(x[order], *W)
    np.testing.assert_allclose(shuffled.output, plain.output[order], atol=1e-10)
    np.testing.assert_allclose(shuffled.weights, plain.weights[order][:, order], atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 6).flatmap(lambda T: st.tuples(
    arrays(np.float64, (T, 3), elements=st.floats(-5, 5, allow_nan=False)),
    arrays(np.bool_, (T, T)),
)))
def test_property_masked_weights_are_exactly_zero_and_rows_sum_to_one(case):
    x, mask = case
    np.fill_diagonal(mask, True)
    result = sa.self_attention(x, *W, mask=mask)
    assert (result.weights[~mask] == 0).all()
    np.testing.assert_allclose(result.weights.sum(axis=-1), 1.0, rtol=1e-12)
    assert np.isneginf(result.scaled_scores[~mask]).all()


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, (4, 3), elements=st.floats(-5, 5, allow_nan=False)))
def test_property_output_rows_lie_within_the_values_range(x):
    result = sa.self_attention(x, *W)
    values = result.values
    assert (result.output <= values.max(axis=0) + 1e-9).all()
    assert (result.output >= values.min(axis=0) - 1e-9).all()


# --- bad input -------------------------------------------------------------------------


def test_d_k_mismatch_names_queries_and_keys():
    with pytest.raises(ValueError, match=r"queries and keys must have the same last dimension d_k.*\(3, 4\).*\(3, 2\)"):
        sa.scaled_dot_product_attention(np.ones((3, 4)), np.ones((3, 2)), np.ones((3, 2)))


def test_token_count_mismatch_names_keys_and_values():
    with pytest.raises(ValueError, match=r"keys and values must have the same number of tokens T.*T=3.*T=4"):
        sa.scaled_dot_product_attention(np.ones((2, 2)), np.ones((3, 2)), np.ones((4, 2)))


def test_batch_mismatch_on_values_names_values_and_the_shapes():
    q = np.ones((2, 3, 4))
    with pytest.raises(ValueError, match=r"batch dimensions of values \(3,\).*\(2,\)"):
        sa.scaled_dot_product_attention(q, q, np.ones((3, 3, 4)))
    # batch dimensions that broadcast are still fine
    output, _ = sa.scaled_dot_product_attention(q, q, np.ones((1, 3, 5)))
    assert output.shape == (2, 3, 5)


@pytest.mark.parametrize("name", ["queries", "keys", "values"])
def test_one_dimensional_input_is_refused(name):
    args = {"queries": np.ones((2, 2)), "keys": np.ones((2, 2)), "values": np.ones((2, 2))}
    args[name] = np.ones(2)
    with pytest.raises(ValueError, match=f"{name} must have at least 2 dimension"):
        sa.scaled_dot_product_attention(**args)


def test_empty_sequence_is_refused():
    with pytest.raises(ValueError, match=r"x is empty \(shape \(0, 2\)\)"):
        sa.self_attention(np.ones((0, 2)), np.eye(2), np.eye(2), np.eye(2))


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_input_is_refused(bad):
    keys = np.ones((2, 2))
    keys[1, 0] = bad
    with pytest.raises(ValueError, match=r"keys contains .* at index \(1, 0\)"):
        sa.scaled_dot_product_attention(np.ones((2, 2)), keys, np.ones((2, 2)))


def test_non_numeric_input_is_refused():
    with pytest.raises(TypeError, match="values must hold real numbers"):
        sa.scaled_dot_product_attention(np.ones((2, 2)), np.ones((2, 2)), [["a", "b"], ["c", "d"]])
    with pytest.raises(TypeError, match="x must be a numpy array"):
        sa.self_attention("love Apple phones", np.eye(2), np.eye(2), np.eye(2))


def test_weight_shapes_are_checked():
    x = np.ones((3, 4))
    with pytest.raises(ValueError, match=r"w_k must have d_model=4 rows.*\(3, 2\)"):
        sa.self_attention(x, np.ones((4, 2)), np.ones((3, 2)), np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"w_q and w_k must give queries and keys of the same size"):
        sa.self_attention(x, np.ones((4, 2)), np.ones((4, 3)), np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"w_v must have 2 dimension"):
        sa.self_attention(x, np.ones((4, 2)), np.ones((4, 2)), np.ones((1, 4, 2)))


def test_fully_masked_row_is_an_error_not_nan():
    mask = np.array([[True, False], [False, False]])
    with pytest.raises(ValueError, match=r"query row \(1,\).*no key it may attend to"):
        sa.scaled_dot_product_attention(np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 2)), mask=mask)


def test_mask_must_be_boolean_and_broadcastable():
    q = np.ones((3, 2))
    with pytest.raises(TypeError, match="mask must be boolean.*astype\\(bool\\)"):
        sa.scaled_dot_product_attention(q, q, q, mask=np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"mask has shape \(2, 3\).*score shape \(3, 3\)"):
        sa.scaled_dot_product_attention(q, q, q, mask=np.ones((2, 3), dtype=bool))
    with pytest.raises(TypeError, match="mask must be a boolean array"):
        sa.scaled_dot_product_attention(q, q, q, mask="causal")


def test_mask_broadcasts_over_rows():
    q = np.eye(3)
    _, weights = sa.scaled_dot_product_attention(q, q, q, mask=np.array([True, True, False]))
    assert (weights[:, 2] == 0).all()


@pytest.mark.parametrize("scale, error", [(0.0, ValueError), (-1.0, ValueError), ("big", TypeError)])
def test_scale_must_be_a_positive_number(scale, error):
    with pytest.raises(error, match="scale"):
        sa.scaled_dot_product_attention(np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 2)), scale=scale)


def test_causal_mask_checks_its_argument():
    np.testing.assert_array_equal(sa.causal_mask(2), [[True, False], [True, True]])
    with pytest.raises(ValueError, match="n_tokens must be at least 1"):
        sa.causal_mask(0)
    with pytest.raises(TypeError, match="n_tokens must be an int"):
        sa.causal_mask(2.0)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs two devices")
def test_inputs_on_different_devices_are_refused():
    with pytest.raises(ValueError, match="different devices"):
        sa.scaled_dot_product_attention(torch.ones(2, 2, device="cuda"), torch.ones(2, 2), torch.ones(2, 2))
