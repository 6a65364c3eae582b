r"""Multi-head attention: several smaller attentions side by side.

Each head ``h`` has its own slice of the projections, so it can look for a
different kind of relationship. The heads' outputs are laid side by side and
mixed by one more matrix, :math:`W_O`:

.. math::

    \operatorname{head}_h = \operatorname{Attention}(X W_Q^{(h)}, X W_K^{(h)}, X W_V^{(h)}),
    \qquad
    \operatorname{MultiHead}(X) = [\operatorname{head}_1, \dots, \operatorname{head}_H]\, W_O

With ``H`` heads and ``d_model`` columns in ``W_Q``, each head works with
``d_k = d_model / H`` numbers per query and key. The parameter count does not
depend on ``H``: it is the same four ``d_model x d_model`` matrices, cut into
``H`` slices.

Masks follow the rest of the package: ``True`` means "may attend". torch's
``nn.MultiheadAttention`` uses the opposite convention for its boolean
``attn_mask`` and ``key_padding_mask`` (``True`` means "may *not* attend").
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import torch

from ._arrays import ArrayLike, check_int, convert, convert_bool, convert_mask
from .attention import scaled_dot_product_attention

__all__ = ["MultiHeadResult", "multi_head_attention", "padding_mask", "weights_from_torch"]


class MultiHeadResult(NamedTuple):
    """What :func:`multi_head_attention` returns; unpacks as ``output, weights``.

    Attributes
    ----------
    output : shape (..., T, d_out)
        The heads' outputs, concatenated and mixed by ``w_o``.
    weights : shape (..., H, T, T)
        Each head's attention weights; every row sums to 1.
    """

    output: Any
    weights: Any


def _divisors(n: int) -> list[int]:
    return [h for h in range(1, n + 1) if n % h == 0]


def _check_shapes(x, w_q, w_k, w_v, w_o, n_heads: int) -> tuple[int, int]:
    """Raise a clear error for any mismatch; return (d_k, d_v) per head."""
    d_model = x.shape[-1]
    for name, weight in (("w_q", w_q), ("w_k", w_k), ("w_v", w_v)):
        if weight.shape[0] != d_model:
            raise ValueError(
                f"{name} must have d_model={d_model} rows to match x of shape "
                f"{tuple(x.shape)}, got {name} of shape {tuple(weight.shape)}"
            )
    if w_q.shape[1] != w_k.shape[1]:
        raise ValueError(
            f"w_q and w_k must have the same number of columns (H * d_k), got w_q of shape "
            f"{tuple(w_q.shape)} and w_k of shape {tuple(w_k.shape)}"
        )
    for name, width in (("w_q", w_q.shape[1]), ("w_v", w_v.shape[1])):
        if width % n_heads:
            what = "d_model" if width == d_model else f"the {width} columns of {name}"
            raise ValueError(
                f"n_heads={n_heads} does not divide {what} ({width}): every head needs the same "
                f"size, {width} / {n_heads} is not a whole number. Choose n_heads among the "
                f"divisors of {width}, e.g. {_divisors(width)[:8]}"
            )
    if w_o.shape[0] != w_v.shape[1]:
        raise ValueError(
            f"w_o must have one row per concatenated value column (H * d_v = {w_v.shape[1]}), "
            f"got w_o of shape {tuple(w_o.shape)}"
        )
    return w_q.shape[1] // n_heads, w_v.shape[1] // n_heads


def _split_heads(columns: torch.Tensor, n_heads: int) -> torch.Tensor:
    """Head h takes columns h*d .. (h+1)*d - 1, and the head axis moves in front of T."""
    per_head = columns.unflatten(-1, (n_heads, -1))  # (..., T, H*d) -> (..., T, H, d)
    return per_head.transpose(-3, -2)  # (..., T, H, d) -> (..., H, T, d)


def _merge_heads(heads: torch.Tensor) -> torch.Tensor:
    """The inverse of :func:`_split_heads`: lay the heads side by side again."""
    per_token = heads.transpose(-3, -2)  # (..., H, T, d) -> (..., T, H, d)
    return per_token.flatten(-2)  # (..., T, H, d) -> (..., T, H*d)


def _combined_mask(mask, key_padding_mask, x: torch.Tensor, n_heads: int) -> torch.Tensor | None:
    """One boolean mask, broadcastable to (..., H, T, T), from the two optional ones."""
    T = x.shape[-2]
    combined = None
    if mask is not None:
        combined = convert_mask(mask, x, (*x.shape[:-2], n_heads, T, T))
    if key_padding_mask is not None:
        keep = convert_bool(key_padding_mask, x, "key_padding_mask", "True = a real token")
        if tuple(keep.shape) != tuple(x.shape[:-1]):
            raise ValueError(
                f"key_padding_mask must have shape (..., T) = {tuple(x.shape[:-1])}, one entry "
                f"per token of x (shape {tuple(x.shape)}), got shape {tuple(keep.shape)}"
            )
        # (..., T) -> (..., 1, 1, T): the same keys are hidden from every head and query
        keep = keep[..., None, None, :]
        combined = keep if combined is None else combined & keep
    return combined


def multi_head_attention(
    x: ArrayLike,
    w_q: ArrayLike,
    w_k: ArrayLike,
    w_v: ArrayLike,
    w_o: ArrayLike,
    n_heads: int,
    *,
    mask: ArrayLike | None = None,
    key_padding_mask: ArrayLike | None = None,
) -> MultiHeadResult:
    """Self-attention with ``n_heads`` heads, built on :func:`scaled_dot_product_attention`.

    Parameters
    ----------
    x : array_like, shape (..., T, d_model)
        One embedding per token; leading dimensions (such as a batch ``B``)
        are kept.
    w_q, w_k : array_like, shape (d_model, H * d_k)
        Query and key projections of all heads side by side: head ``h`` uses
        columns ``h * d_k`` to ``(h + 1) * d_k``. Usually ``H * d_k = d_model``.
    w_v : array_like, shape (d_model, H * d_v)
    w_o : array_like, shape (H * d_v, d_out)
        Mixes the concatenated head outputs. Usually square.
    n_heads : int
        ``H``. Must divide the number of columns of ``w_q`` and ``w_v``.
    mask : boolean array_like, optional
        Broadcastable to (..., H, T, T); ``True`` means "may attend". A
        (T, T) mask, such as :func:`~selfattention.causal_mask`, applies to
        every head.
    key_padding_mask : boolean array_like, shape (..., T), optional
        ``True`` for real tokens, ``False`` for padding, which no query may
        attend to. (torch's ``key_padding_mask`` is the opposite: ``True``
        marks padding.)

    Returns
    -------
    MultiHeadResult
        ``output`` of shape (..., T, d_out) and ``weights`` of shape
        (..., H, T, T), in the reader's array type.

    Raises
    ------
    ValueError
        If the shapes do not fit together, ``n_heads`` does not divide the
        projection width, or a mask leaves a query with nothing to attend to.
    TypeError
        If ``n_heads`` is not an int, or a mask is not boolean.
    """
    n_heads = check_int(n_heads, "n_heads", minimum=1)
    (x, w_q, w_k, w_v, w_o), backend = convert(
        {"x": x, "w_q": w_q, "w_k": w_k, "w_v": w_v, "w_o": w_o},
        min_ndim={"x": 2},
        ndim={"w_q": 2, "w_k": 2, "w_v": 2, "w_o": 2},
    )
    d_k, d_v = _check_shapes(x, w_q, w_k, w_v, w_o, n_heads)
    combined = _combined_mask(mask, key_padding_mask, x, n_heads)

    # 1. Project every token once for all heads.
    queries = x @ w_q  # (..., T, d_model) @ (d_model, H*d_k) -> (..., T, H*d_k)
    keys = x @ w_k  # (..., T, d_model) @ (d_model, H*d_k) -> (..., T, H*d_k)
    values = x @ w_v  # (..., T, d_model) @ (d_model, H*d_v) -> (..., T, H*d_v)

    # 2. Cut the columns into H heads of d_k (or d_v) columns; the head axis goes before T.
    queries = _split_heads(queries, n_heads)  # (..., T, H*d_k) -> (..., H, T, d_k)
    keys = _split_heads(keys, n_heads)  # (..., T, H*d_k) -> (..., H, T, d_k)
    values = _split_heads(values, n_heads)  # (..., T, H*d_v) -> (..., H, T, d_v)

    # 3. Every head attends on its own, all at once: the head axis acts like a batch.
    heads, weights = scaled_dot_product_attention(queries, keys, values, mask=combined)
    # heads: (..., H, T, d_v); weights: (..., H, T, T)

    # 4. Lay the heads side by side again and mix them with W_O.
    concatenated = _merge_heads(heads)  # (..., H, T, d_v) -> (..., T, H*d_v)
    output = concatenated @ w_o  # (..., T, H*d_v) @ (H*d_v, d_out) -> (..., T, d_out)
    return MultiHeadResult(backend.restore(output), backend.restore(weights))


def padding_mask(lengths, n_tokens: int) -> np.ndarray:
    """Boolean (B, T) mask: ``True`` for each sequence's real tokens, ``False`` for padding.

    Parameters
    ----------
    lengths : sequence of int
        The real length of each of the ``B`` sequences, each in 1..T.
    n_tokens : int
        ``T``, the padded length.

    >>> padding_mask([2, 3], 3)
    array([[ True,  True, False],
           [ True,  True,  True]])
    """
    n_tokens = check_int(n_tokens, "n_tokens")
    if isinstance(lengths, (str, bytes)) or not hasattr(lengths, "__iter__"):
        raise TypeError(f"lengths must be a sequence of ints, got {type(lengths).__name__}")
    lengths = list(lengths)
    if not lengths:
        raise ValueError("lengths is empty; give one length per sequence")
    for length in lengths:
        length = check_int(length, "each length")
        if not 1 <= length <= n_tokens:
            raise ValueError(
                f"each length must lie in 1..n_tokens={n_tokens} (a sequence needs at least one "
                f"real token and cannot be longer than the padded length), got {length}"
            )
    positions = np.arange(n_tokens)  # (T,)
    return positions[None, :] < np.array(lengths)[:, None]  # (1, T) < (B, 1) -> (B, T)


def weights_from_torch(module: torch.nn.MultiheadAttention) -> tuple[torch.Tensor, ...]:
    """The (w_q, w_k, w_v, w_o) of a torch ``nn.MultiheadAttention``, in this package's layout.

    torch stores the three input projections stacked in ``in_proj_weight``
    (shape (3 d_model, d_model)) and applies them as ``x @ W.T``; the package
    applies ``x @ w``, so each block is transposed. Only modules built with
    ``bias=False`` are accepted, because :func:`multi_head_attention` has no
    biases.

    Returns
    -------
    w_q, w_k, w_v, w_o : torch.Tensor, each (d_model, d_model), detached copies
    """
    if not isinstance(module, torch.nn.MultiheadAttention):
        raise TypeError(
            f"module must be a torch.nn.MultiheadAttention, got {type(module).__name__}"
        )
    if module.in_proj_weight is None:
        raise ValueError(
            "module has separate q/k/v projections (kdim or vdim differ from embed_dim); "
            "only self-attention with one stacked in_proj_weight is supported"
        )
    if module.in_proj_bias is not None or module.out_proj.bias is not None:
        raise ValueError(
            "module has biases, which multi_head_attention does not model; "
            "build it with torch.nn.MultiheadAttention(..., bias=False)"
        )
    # (3*d_model, d_model): W_Q^T stacked on W_K^T stacked on W_V^T
    stacked = module.in_proj_weight.detach()
    w_q_t, w_k_t, w_v_t = stacked.chunk(3, dim=0)  # three (d_model, d_model) blocks
    w_o_t = module.out_proj.weight.detach()  # (d_model, d_model)
    return tuple(w.T.clone() for w in (w_q_t, w_k_t, w_v_t, w_o_t))
