r"""Scaled dot-product attention and self-attention.

.. math::

    \operatorname{Attention}(Q, K, V) = \operatorname{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V

Shapes use the book's glossary: ``T`` tokens, ``d_model`` embedding size,
``d_k`` query/key size, ``d_v`` value size, and any leading batch
dimensions ``...``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import torch

from ._arrays import ArrayLike, check_int, check_positive, convert, convert_mask
from .similarity import check_queries_keys
from .softmax import stable_softmax, stable_softmax_

__all__ = ["scaled_dot_product_attention", "self_attention", "SelfAttentionResult", "causal_mask"]


def _resolve_scale(scale: Any, d_k: int) -> float:
    if scale is None:
        return 1.0 / math.sqrt(d_k)
    return check_positive(scale, "scale")


def _check_values(queries: torch.Tensor, keys: torch.Tensor, values: torch.Tensor) -> None:
    """Raise if values (..., T_k, d_v) do not fit the checked queries and keys."""
    if keys.shape[-2] != values.shape[-2]:
        raise ValueError(
            f"keys and values must have the same number of tokens T, got keys of shape "
            f"{tuple(keys.shape)} (T={keys.shape[-2]}) and values of shape "
            f"{tuple(values.shape)} (T={values.shape[-2]})"
        )
    batch = torch.broadcast_shapes(queries.shape[:-2], keys.shape[:-2])
    try:
        torch.broadcast_shapes(batch, values.shape[:-2])
    except RuntimeError:
        raise ValueError(
            f"the batch dimensions of values {tuple(values.shape[:-2])} do not broadcast with "
            f"those of queries and keys {tuple(batch)}; got queries of shape "
            f"{tuple(queries.shape)}, keys of shape {tuple(keys.shape)} and values of shape "
            f"{tuple(values.shape)}"
        ) from None


_HALF = (torch.float16, torch.bfloat16)


def _working_dtype(dtype: torch.dtype) -> torch.dtype:
    """float16 and bfloat16 are computed in float32; other dtypes as they come."""
    return torch.float32 if dtype in _HALF else dtype


def _dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _check_no_overflow(tensor: torch.Tensor, inputs: str, what: str) -> None:
    """Raise if ``tensor``, computed from finite ``inputs``, overflowed its dtype to inf or NaN.

    ``what`` names the result, e.g. ``"their scores"``; the message says which
    inputs to scale down instead of letting NaN weights come back.
    """
    if bool(torch.isfinite(tensor).all()):
        return
    dtype = tensor.dtype
    hint = ", or pass float32 inputs" if dtype in _HALF else ""
    raise ValueError(
        f"{inputs} are too large: {what} overflowed {_dtype_name(dtype)} (largest finite "
        f"value {torch.finfo(dtype).max:.4g}) and would give inf or NaN; scale them down{hint}"
    )


def _masked(scaled: torch.Tensor, mask: Any) -> torch.Tensor:
    """Put -inf where the mask forbids attention, after checking every row keeps a key."""
    mask = convert_mask(mask, scaled, tuple(scaled.shape))
    row_has_key = mask.any(dim=-1).expand(scaled.shape[:-1])
    if not bool(row_has_key.all()):
        row = tuple(torch.nonzero(~row_has_key)[0].tolist())
        raise ValueError(
            f"mask leaves query row {row} (batch index..., query index) with no key it may "
            "attend to; every query needs at least one True in its mask row"
        )
    return scaled.masked_fill(~mask, float("-inf"))


def _attend(queries, keys, values, mask, scale, *, keep_scores: bool = True):
    """The computation itself, on checked tensors of one dtype (not half precision).

    Returns ``(scores, scaled, weights, output, scale)``. Scores that overflow
    to inf or NaN raise a ValueError instead of turning into NaN weights. With
    ``keep_scores=False`` (the fast path of :func:`scaled_dot_product_attention`)
    the raw and scaled scores are not kept: the scale is folded into the
    queries, a (T, d_k) multiply instead of a (T, T) one, and softmax
    overwrites the scores in place when no gradient needs them.
    """
    check_queries_keys(queries, keys)
    _check_values(queries, keys, values)
    scale = _resolve_scale(scale, queries.shape[-1])
    keys_t = keys.transpose(-2, -1)
    if keep_scores:
        scores = queries @ keys_t  # (..., T_q, d_k) @ (..., d_k, T_k) -> (..., T_q, T_k)
        scaled = scores * scale  # shrink by sqrt(d_k) so softmax does not saturate
    else:
        scores = None
        scaled = (queries * scale) @ keys_t  # same numbers, scaled on the smaller side
    _check_no_overflow(scaled, "queries and keys", f"their scores times scale={scale:.4g}")
    if mask is not None:
        scaled = _masked(scaled, mask)
    needs_grad = torch.is_grad_enabled() and scaled.requires_grad
    if keep_scores or needs_grad:
        weights = stable_softmax(scaled, dim=-1)  # each row sums to 1
    else:
        weights = stable_softmax_(scaled)
    output = weights @ values  # (..., T_q, T_k) @ (..., T_k, d_v) -> (..., T_q, d_v)
    _check_no_overflow(output, "values", "the output weights @ values")
    return scores, scaled, weights, output, scale


_QKV_DIMS = {"queries": 2, "keys": 2, "values": 2}


def scaled_dot_product_attention(
    queries: ArrayLike,
    keys: ArrayLike,
    values: ArrayLike,
    *,
    mask: ArrayLike | None = None,
    scale: float | None = None,
):
    """Attention of every query over all keys, mixing the values.

    Parameters
    ----------
    queries : array_like, shape (..., T_q, d_k)
    keys : array_like, shape (..., T_k, d_k)
    values : array_like, shape (..., T_k, d_v)
    mask : boolean array_like, optional
        Broadcastable to (..., T_q, T_k). ``True`` means "may attend".
        Every query must be allowed at least one key.
    scale : float, optional
        Multiplies the scores before softmax. ``None`` means
        ``1 / sqrt(d_k)``; ``1.0`` means unscaled.

    Returns
    -------
    output : shape (..., T_q, d_v)
        One new vector per query: a weighted mix of the value vectors.
    weights : shape (..., T_q, T_k)
        The attention weights. Each row is non-negative and sums to 1;
        masked entries are exactly 0.

    Raises
    ------
    ValueError
        If the shapes do not fit together, a mask row forbids every key, or
        the scores overflow to inf (finite but huge queries and keys).

    Notes
    -----
    float16 and bfloat16 inputs are computed in float32 and the results cast
    back, which matches torch's own ``scaled_dot_product_attention``: a
    softmax taken in half precision of scores in the hundreds would lose
    most of its digits (float16 steps by 0.25 between 256 and 512).
    """
    (queries, keys, values), backend = convert(
        {"queries": queries, "keys": keys, "values": values}, min_ndim=_QKV_DIMS
    )
    dtype = queries.dtype
    work = _working_dtype(dtype)
    queries, keys, values = (t.to(work) for t in (queries, keys, values))
    _, _, weights, output, _ = _attend(queries, keys, values, mask, scale, keep_scores=False)
    return backend.restore(output.to(dtype)), backend.restore(weights.to(dtype))


@dataclass(frozen=True)
class SelfAttentionResult:
    """Every intermediate of one self-attention pass, in the reader's array type.

    Attributes
    ----------
    queries, keys : shape (..., T, d_k)
    values : shape (..., T, d_v)
    scores : shape (..., T, T)
        Raw dot products ``queries @ keys.T``, before scaling.
    scaled_scores : shape (..., T, T)
        ``scores * scale``, with ``-inf`` where the mask forbids attention.
    weights : shape (..., T, T)
        Softmax of each row of ``scaled_scores``.
    output : shape (..., T, d_v)
        ``weights @ values``: the contextual vectors.
    scale : float
        The factor the scores were multiplied by.
    """

    queries: Any
    keys: Any
    values: Any
    scores: Any
    scaled_scores: Any
    weights: Any
    output: Any
    scale: float


def self_attention(
    x: ArrayLike,
    w_q: ArrayLike,
    w_k: ArrayLike,
    w_v: ArrayLike,
    *,
    mask: ArrayLike | None = None,
    scale: float | None = None,
) -> SelfAttentionResult:
    """Self-attention of a sequence with itself, keeping every intermediate.

    Parameters
    ----------
    x : array_like, shape (..., T, d_model)
        One embedding per row (token).
    w_q, w_k : array_like, shape (d_model, d_k)
    w_v : array_like, shape (d_model, d_v)
    mask, scale
        As in :func:`scaled_dot_product_attention`.

    Returns
    -------
    SelfAttentionResult
        ``queries = x @ w_q``, ``keys = x @ w_k``, ``values = x @ w_v``, then
        the scores, weights and output of scaled dot-product attention.

    Raises
    ------
    ValueError
        If the shapes do not fit together, a mask row forbids every key, or
        an intermediate overflows (finite but huge inputs): the error names
        the inputs that are too large instead of returning NaN.

    Notes
    -----
    float16 and bfloat16 inputs are computed in float32 and every
    intermediate is cast back, as in :func:`scaled_dot_product_attention`.
    """
    (x, w_q, w_k, w_v), backend = convert(
        {"x": x, "w_q": w_q, "w_k": w_k, "w_v": w_v},
        min_ndim={"x": 2},
        ndim={"w_q": 2, "w_k": 2, "w_v": 2},
    )
    d_model = x.shape[-1]
    for name, weight in (("w_q", w_q), ("w_k", w_k), ("w_v", w_v)):
        if weight.shape[0] != d_model:
            raise ValueError(
                f"{name} must have d_model={d_model} rows to match x of shape "
                f"{tuple(x.shape)}, got {name} of shape {tuple(weight.shape)}"
            )
    if w_q.shape[1] != w_k.shape[1]:
        raise ValueError(
            f"w_q and w_k must give queries and keys of the same size d_k, got w_q of shape "
            f"{tuple(w_q.shape)} and w_k of shape {tuple(w_k.shape)}"
        )
    dtype = x.dtype
    work = _working_dtype(dtype)
    x, w_q, w_k, w_v = (t.to(work) for t in (x, w_q, w_k, w_v))
    queries = x @ w_q  # (..., T, d_model) @ (d_model, d_k) -> (..., T, d_k)
    keys = x @ w_k  # (..., T, d_model) @ (d_model, d_k) -> (..., T, d_k)
    values = x @ w_v  # (..., T, d_model) @ (d_model, d_v) -> (..., T, d_v)
    projections = {"queries": (queries, "w_q"), "keys": (keys, "w_k"), "values": (values, "w_v")}
    for name, (tensor, weight) in projections.items():
        _check_no_overflow(tensor, f"x and {weight}", f"{name} = x @ {weight}")
    scores, scaled, weights, output, scale = _attend(queries, keys, values, mask, scale)
    intermediates = {
        "queries": queries, "keys": keys, "values": values, "scores": scores,
        "scaled_scores": scaled, "weights": weights, "output": output,
    }
    if work != dtype:
        intermediates = _cast_back(intermediates, dtype)
    return SelfAttentionResult(
        **{name: backend.restore(t) for name, t in intermediates.items()}, scale=scale
    )


_INPUTS_OF = {
    "queries": "x and w_q", "keys": "x and w_k", "values": "x and w_v",
    "scores": "queries and keys", "scaled_scores": "queries and keys",
    "weights": "queries and keys", "output": "values",
}


def _cast_back(intermediates: dict[str, torch.Tensor], dtype: torch.dtype) -> dict[str, torch.Tensor]:
    """Cast float32 intermediates back to half precision, refusing any that no longer fit."""
    cast = {}
    for name, tensor in intermediates.items():
        back = tensor.to(dtype)
        # masked scaled scores are -inf on purpose; only the others must stay finite
        check = back.masked_fill(torch.isneginf(tensor), 0) if name == "scaled_scores" else back
        _check_no_overflow(check, _INPUTS_OF[name], f"their {name}, fine in float32,")
        cast[name] = back
    return cast


def causal_mask(n_tokens: int):
    """Boolean (T, T) mask where token i may attend to tokens 0..i only.

    >>> causal_mask(3)
    array([[ True, False, False],
           [ True,  True, False],
           [ True,  True,  True]])
    """
    n_tokens = check_int(n_tokens, "n_tokens", minimum=1)
    return torch.ones(n_tokens, n_tokens, dtype=torch.bool).tril().numpy()
