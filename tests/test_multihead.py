"""Multi-head attention, padding masks, and the multi-head equivalence test against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import selfattention as sa
from selfattention.multihead import (
    MultiHeadResult,
    multi_head_attention,
    padding_mask,
    weights_from_torch,
)

D_MODEL, N_HEADS = 16, 4


def _torch_module(device="cpu", d_model=D_MODEL, n_heads=N_HEADS, seed=0):
    torch.manual_seed(seed)
    module = torch.nn.MultiheadAttention(
        d_model, n_heads, bias=False, batch_first=True, dtype=torch.float64, device=device
    )
    return module.eval()


def _random_weights(rng, d_model=D_MODEL, width=D_MODEL, d_out=D_MODEL):
    w_q, w_k, w_v = (rng.normal(scale=0.4, size=(d_model, width)) for _ in range(3))
    return w_q, w_k, w_v, rng.normal(scale=0.4, size=(width, d_out))


# --- the multi-head equivalence test: the same numbers as torch.nn.MultiheadAttention ---------


@pytest.mark.parametrize("masks", ["none", "causal", "padding", "causal+padding"])
def test_multi_head_equivalence_with_torch(backend, rng, masks):
    module = _torch_module(backend.device)
    B, T = 2, 6
    x = rng.normal(size=(B, T, D_MODEL))
    causal = sa.causal_mask(T)
    keep = padding_mask([4, 6], T)
    ours_kwargs, torch_kwargs = {}, {}
    if "causal" in masks:
        ours_kwargs["mask"] = backend.asarray(causal, dtype=bool)
        torch_kwargs["attn_mask"] = torch.from_numpy(~causal).to(backend.device)  # torch: True = blocked
    if "padding" in masks:
        ours_kwargs["key_padding_mask"] = backend.asarray(keep, dtype=bool)
        torch_kwargs["key_padding_mask"] = torch.from_numpy(~keep).to(backend.device)

    w_q, w_k, w_v, w_o = weights_from_torch(module)
    ours = multi_head_attention(
        backend.asarray(x), *(backend.asarray(w.cpu().numpy()) for w in (w_q, w_k, w_v, w_o)),
        N_HEADS, **ours_kwargs,
    )
    x_t = torch.from_numpy(x).to(backend.device)
    with torch.no_grad():
        expected, expected_weights = module(
            x_t, x_t, x_t, need_weights=True, average_attn_weights=False, **torch_kwargs
        )
    output, weights = backend.to_numpy(ours.output), backend.to_numpy(ours.weights)
    assert output.shape == (B, T, D_MODEL) and weights.shape == (B, N_HEADS, T, T)
    np.testing.assert_allclose(output, expected.cpu().numpy(), atol=1e-12)
    np.testing.assert_allclose(weights, expected_weights.cpu().numpy(), atol=1e-12)


def test_equivalence_in_float32_unbatched():
    module = _torch_module().float()
    x = torch.randn(5, D_MODEL, generator=torch.Generator().manual_seed(3))
    output, weights = multi_head_attention(x, *weights_from_torch(module), N_HEADS)
    with torch.no_grad():
        expected, expected_weights = module(x, x, x, average_attn_weights=False)
    assert output.dtype == torch.float32 and weights.shape == (N_HEADS, 5, 5)
    torch.testing.assert_close(output, expected)
    torch.testing.assert_close(weights, expected_weights)


def test_a_wrong_weight_split_is_detected():
    """The test can fail: swapping W_Q and W_K gives other numbers."""
    module = _torch_module()
    x = torch.randn(1, 5, D_MODEL, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    w_q, w_k, w_v, w_o = weights_from_torch(module)
    swapped, _ = multi_head_attention(x, w_k, w_q, w_v, w_o, N_HEADS)
    with torch.no_grad():
        expected, _ = module(x, x, x)
    assert not torch.allclose(swapped, expected, atol=1e-6)


# --- invariants ---------------------------------------------------------------------------------


def test_each_head_is_single_head_attention_on_its_slice(rng):
    x = rng.normal(size=(5, D_MODEL))
    w_q, w_k, w_v, w_o = _random_weights(rng)
    output, weights = multi_head_attention(x, w_q, w_k, w_v, w_o, N_HEADS)
    d_k = D_MODEL // N_HEADS
    heads = []
    for h in range(N_HEADS):
        cols = slice(h * d_k, (h + 1) * d_k)
        single = sa.self_attention(x, w_q[:, cols], w_k[:, cols], w_v[:, cols])
        np.testing.assert_allclose(weights[h], single.weights, atol=1e-12)
        heads.append(single.output)
    np.testing.assert_allclose(output, np.concatenate(heads, axis=-1) @ w_o, atol=1e-12)


def test_one_head_with_identity_output_is_plain_self_attention(rng):
    x = rng.normal(size=(4, 6))
    w_q, w_k, w_v, _ = _random_weights(rng, d_model=6, width=6)
    output, weights = multi_head_attention(x, w_q, w_k, w_v, np.eye(6), 1)
    single = sa.self_attention(x, w_q, w_k, w_v)
    np.testing.assert_allclose(output, single.output, atol=1e-12)
    np.testing.assert_allclose(weights[0], single.weights, atol=1e-12)


def test_rows_sum_to_one_and_masked_weights_are_zero(rng):
    x = rng.normal(size=(2, 5, D_MODEL))
    keep = padding_mask([3, 5], 5)
    result = multi_head_attention(x, *_random_weights(rng), N_HEADS, mask=sa.causal_mask(5), key_padding_mask=keep)
    assert isinstance(result, MultiHeadResult)
    np.testing.assert_allclose(result.weights.sum(axis=-1), 1.0)
    assert np.all(result.weights[..., np.triu_indices(5, 1)[0], np.triu_indices(5, 1)[1]] == 0)
    assert np.all(result.weights[0, :, :, 3:] == 0)  # the padding of the first sentence


def test_padding_does_not_change_the_real_tokens(rng):
    short = rng.normal(size=(3, D_MODEL))
    padded = np.concatenate([short, np.zeros((2, D_MODEL))])  # two pad tokens
    weights = _random_weights(rng)
    alone, _ = multi_head_attention(short, *weights, N_HEADS)
    with_pad, _ = multi_head_attention(padded, *weights, N_HEADS, key_padding_mask=padding_mask([3], 5)[0])
    np.testing.assert_allclose(with_pad[:3], alone, atol=1e-12)


def test_permuting_tokens_permutes_the_output(rng):
    x = rng.normal(size=(6, D_MODEL))
    weights = _random_weights(rng)
    order = rng.permutation(6)
    output, _ = multi_head_attention(x, *weights, N_HEADS)
    permuted, _ = multi_head_attention(x[order], *weights, N_HEADS)
    np.testing.assert_allclose(permuted, output[order], atol=1e-12)


def test_a_per_head_mask_applies_to_its_head_only(rng):
    x = rng.normal(size=(4, D_MODEL))
    mask = np.ones((N_HEADS, 4, 4), dtype=bool)
    mask[0] = np.eye(4, dtype=bool)  # head 0 may only look at itself
    _, weights = multi_head_attention(x, *_random_weights(rng), N_HEADS, mask=mask)
    np.testing.assert_allclose(weights[0], np.eye(4))
    assert np.all(weights[1:] > 0)


def test_rectangular_projections_and_output_size(rng):
    x = rng.normal(size=(3, 5))
    w_q, w_k, w_v, w_o = _random_weights(rng, d_model=5, width=8, d_out=7)
    output, weights = multi_head_attention(x, w_q, w_k, w_v, w_o, 2)
    assert output.shape == (3, 7) and weights.shape == (2, 3, 3)


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, error, words",
    [
        ({"n_heads": 3}, ValueError, "n_heads=3 does not divide d_model \\(16\\)"),
        ({"n_heads": 0}, ValueError, "n_heads must be at least 1"),
        ({"n_heads": 2.0}, TypeError, "n_heads must be an int"),
        ({"n_heads": True}, TypeError, "n_heads must be an int"),
        ({"x": np.zeros(16)}, ValueError, "x must have at least 2 dimension"),
        ({"w_q": np.zeros((15, 16))}, ValueError, "w_q must have d_model=16 rows"),
        ({"w_k": np.zeros((16, 8))}, ValueError, "w_q and w_k must have the same number of columns"),
        ({"w_o": np.zeros((8, 16))}, ValueError, "w_o must have one row per concatenated value column"),
        ({"w_v": np.zeros((16, 10)), "w_o": np.zeros((10, 16))}, ValueError, "the 10 columns of w_v"),
        ({"mask": np.ones((5, 5))}, TypeError, "mask must be boolean"),
        ({"mask": np.ones((4, 4), dtype=bool)}, ValueError, "does not broadcast"),
        ({"mask": np.zeros((5, 5), dtype=bool)}, ValueError, "no key it may attend to"),
        ({"mask": "causal"}, TypeError, "mask must be a boolean array or tensor"),
        ({"key_padding_mask": np.ones(4, dtype=bool)}, ValueError, "key_padding_mask must have shape"),
        ({"key_padding_mask": np.ones(5, dtype=int)}, TypeError, "key_padding_mask must be boolean"),
        ({"mask": [[True] * 5] * 4 + [[True] * 3]}, ValueError, "mask is ragged"),
        ({"key_padding_mask": [True, [True, False]]}, ValueError, "key_padding_mask is ragged"),
        ({"mask": [[1, 0]] * 2}, TypeError, r"mask must be boolean .*mask.astype\(bool\)"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(rng, change, error, words):
    w_q, w_k, w_v, w_o = _random_weights(rng)
    kwargs = {"x": rng.normal(size=(5, D_MODEL)), "w_q": w_q, "w_k": w_k, "w_v": w_v, "w_o": w_o,
              "n_heads": N_HEADS}
    kwargs.update(change)
    with pytest.raises(error, match=words):
        multi_head_attention(**kwargs)


# --- helpers -------------------------------------------------------------------------------------


def test_padding_mask_marks_the_real_tokens():
    np.testing.assert_array_equal(
        padding_mask([2, 4, 1], 4),
        [[True, True, False, False], [True, True, True, True], [True, False, False, False]],
    )


@pytest.mark.parametrize(
    "lengths, n_tokens, error, words",
    [
        ([0], 3, ValueError, "each length must lie in 1..n_tokens=3"),
        ([4], 3, ValueError, "each length must lie in 1..n_tokens=3"),
        ([], 3, ValueError, "lengths is empty"),
        ([1.5], 3, TypeError, "each length must be an int"),
        (3, 3, TypeError, "lengths must be a sequence"),
        ([1], 3.0, TypeError, "n_tokens must be an int"),
    ],
)
def test_padding_mask_refuses_bad_input(lengths, n_tokens, error, words):
    with pytest.raises(error, match=words):
        padding_mask(lengths, n_tokens)


def test_weights_from_torch_transposes_torch_layout():
    module = _torch_module()
    w_q, w_k, w_v, w_o = weights_from_torch(module)
    torch.testing.assert_close(w_q, module.in_proj_weight[:D_MODEL].detach().T)
    torch.testing.assert_close(w_v, module.in_proj_weight[2 * D_MODEL:].detach().T)
    torch.testing.assert_close(w_o, module.out_proj.weight.detach().T)


def test_weights_from_torch_refuses_biases_and_other_modules():
    with pytest.raises(ValueError, match="bias=False"):
        weights_from_torch(torch.nn.MultiheadAttention(8, 2))
    with pytest.raises(TypeError, match="must be a torch.nn.MultiheadAttention"):
        weights_from_torch(torch.nn.Linear(8, 8))
    with pytest.raises(ValueError, match="separate q/k/v projections"):
        weights_from_torch(torch.nn.MultiheadAttention(8, 2, bias=False, kdim=4, vdim=4))
