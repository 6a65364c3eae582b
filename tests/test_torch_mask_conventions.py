"""What a boolean ``True`` means in torch's attention masks, checked with torch itself.

Chapter 11 says which of torch's attention APIs reads ``True`` as "may attend" and which
reads it as "blocked". These tests make that sentence fail loudly if torch ever changes:

* ``torch.nn.functional.scaled_dot_product_attention``: ``True`` = may attend (the
  package's convention too);
* ``torch.nn.MultiheadAttention``: ``True`` in ``attn_mask`` and in ``key_padding_mask``
  = may NOT attend.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

import selfattention as sa
from selfattention.multihead import multi_head_attention, padding_mask, weights_from_torch

T, D = 5, 8


def _qkv(seed: int = 0):
    generator = torch.Generator().manual_seed(seed)
    return tuple(torch.randn(1, 1, T, D, generator=generator) for _ in range(3))


def _weights_by_hand(queries, keys, keep):
    """softmax(QK^T / sqrt(d)) with the pairs where ``keep`` is False set to -inf."""
    scores = queries @ keys.transpose(-2, -1) / D**0.5  # (1, 1, T, T)
    return torch.softmax(scores.masked_fill(~keep, float("-inf")), dim=-1)


def test_sdpa_reads_true_as_may_attend():
    queries, keys, values = _qkv()
    lower = torch.tril(torch.ones(T, T, dtype=torch.bool))  # True on and below the diagonal
    out = F.scaled_dot_product_attention(queries, keys, values, attn_mask=lower)
    # True = "may attend": the lower-triangular mask is exactly the causal mask
    assert torch.allclose(out, F.scaled_dot_product_attention(queries, keys, values, is_causal=True))
    assert torch.allclose(out, _weights_by_hand(queries, keys, lower) @ values, atol=1e-6)
    # and the first query, allowed only itself, copies the first value exactly
    assert torch.allclose(out[0, 0, 0], values[0, 0, 0], atol=1e-6)


def test_sdpa_agrees_with_the_package_on_the_same_boolean_mask():
    queries, keys, values = _qkv(1)
    keep = torch.from_numpy(sa.causal_mask(T))  # the package's True = may attend
    ours = sa.scaled_dot_product_attention(queries, keys, values, mask=keep)
    theirs = F.scaled_dot_product_attention(queries, keys, values, attn_mask=keep)
    assert torch.allclose(ours[0], theirs, atol=1e-6)


def _mha(seed: int = 0):
    torch.manual_seed(seed)
    module = torch.nn.MultiheadAttention(D, 2, bias=False, batch_first=True).eval()
    x = torch.randn(2, T, D)
    return module, x


def test_multihead_attention_reads_true_in_attn_mask_as_blocked():
    module, x = _mha()
    above = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)  # True above the diagonal
    with torch.no_grad():
        _, weights = module(x, x, x, attn_mask=above, need_weights=True, average_attn_weights=False)
    assert torch.all(weights[..., above] == 0)  # True = blocked: no weight there
    assert torch.all(weights[..., ~above] > 0)
    # the package gets the same weights from the opposite mask
    w_q, w_k, w_v, w_o = weights_from_torch(module)
    _, ours = multi_head_attention(x, w_q, w_k, w_v, w_o, 2, mask=~above)
    assert torch.allclose(ours, weights, atol=1e-6)


def test_multihead_attention_reads_true_in_key_padding_mask_as_blocked():
    module, x = _mha(1)
    keep = torch.from_numpy(padding_mask([3, 5], T))  # (B, T): the package's True = real token
    with torch.no_grad():
        _, weights = module(
            x, x, x, key_padding_mask=~keep, need_weights=True, average_attn_weights=False
        )
    assert torch.all(weights[0, :, :, 3:] == 0)  # keys 3 and 4 of sequence 0 were True: ignored
    assert torch.all(weights[0, :, :, :3] > 0)
    w_q, w_k, w_v, w_o = weights_from_torch(module)
    _, ours = multi_head_attention(x, w_q, w_k, w_v, w_o, 2, key_padding_mask=keep)
    assert torch.allclose(ours, weights, atol=1e-6)
