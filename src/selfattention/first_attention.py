r"""A first self-attention, with no learnable parameters at all.

Every word vector plays all three parts: it is compared with the others, it
is compared against, and it is what gets mixed. In matrix form, for the
(T, d_model) matrix ``X`` of one sentence,

.. math::

    S = X X^\top, \qquad A = \operatorname{softmax}(S), \qquad Y = A X .

This is :func:`selfattention.self_attention` with identity matrices for
``w_q``, ``w_k`` and ``w_v`` and no scaling, which is exactly how
:func:`weightless_self_attention` computes it. The module also measures the
two weaknesses of this version: ``S`` is always symmetric
(:func:`is_symmetric`, :func:`max_asymmetry`), and a word with a long vector
tends to give its largest weight to itself (:func:`attends_most_to_itself`,
:func:`self_attention_share`).
"""

from __future__ import annotations

import numbers

import numpy as np
import torch

from ._arrays import ArrayLike, Backend, convert
from .attention import SelfAttentionResult, self_attention

__all__ = [
    "weightless_self_attention",
    "max_asymmetry",
    "is_symmetric",
    "attends_most_to_itself",
    "self_attention_share",
]


def weightless_self_attention(x: ArrayLike) -> SelfAttentionResult:
    """Self-attention of a sentence with itself, using the raw word vectors.

    Parameters
    ----------
    x : array_like, shape (..., T, d_model)
        One static word vector per row.

    Returns
    -------
    SelfAttentionResult
        ``queries``, ``keys`` and ``values`` are all equal to ``x``;
        ``scores = x @ x.T`` (shape (..., T, T)) and ``scaled_scores`` is the
        same matrix (``scale`` is 1.0); ``weights`` is its row-wise softmax
        and ``output = weights @ x`` (shape (..., T, d_model)).

    Examples
    --------
    >>> result = weightless_self_attention([[1.0, 0.0], [0.0, 1.0]])
    >>> result.scores
    array([[1., 0.],
           [0., 1.]])
    """
    (tensor,), backend = convert({"x": x}, min_ndim={"x": 2})
    d_model = tensor.shape[-1]
    identity = torch.eye(d_model, dtype=tensor.dtype, device=tensor.device)  # (d_model, d_model)
    result = self_attention(tensor, identity, identity, identity, scale=1.0)
    return SelfAttentionResult(
        queries=backend.restore(result.queries),
        keys=backend.restore(result.keys),
        values=backend.restore(result.values),
        scores=backend.restore(result.scores),
        scaled_scores=backend.restore(result.scaled_scores),
        weights=backend.restore(result.weights),
        output=backend.restore(result.output),
        scale=result.scale,
    )


def _square(matrix: ArrayLike, name: str) -> tuple[torch.Tensor, Backend]:
    (tensor,), backend = convert({name: matrix}, min_ndim={name: 2})
    if tensor.shape[-1] != tensor.shape[-2]:
        raise ValueError(
            f"{name} must be square in its last two dimensions (..., T, T), "
            f"got shape {tuple(tensor.shape)}"
        )
    return tensor, backend


def max_asymmetry(matrix: ArrayLike) -> float:
    """The largest entry of ``|S - S^T|``: 0 for a symmetric matrix.

    Parameters
    ----------
    matrix : array_like, shape (..., T, T)

    Returns
    -------
    float
        Over all batch entries, the largest ``|S[i, j] - S[j, i]|``.
    """
    tensor, _ = _square(matrix, "matrix")
    return float((tensor - tensor.transpose(-2, -1)).abs().max().item())


def is_symmetric(matrix: ArrayLike, atol: float = 1e-8) -> bool:
    """Whether ``S[i, j] == S[j, i]`` for every pair, up to ``atol``.

    Parameters
    ----------
    matrix : array_like, shape (..., T, T)
    atol : float, default 1e-8
        Largest difference still counted as equal; must be >= 0.
    """
    if isinstance(atol, bool) or not isinstance(atol, numbers.Real):
        raise TypeError(f"atol must be a real number, got {type(atol).__name__}")
    if not np.isfinite(atol) or atol < 0:
        raise ValueError(f"atol must be a finite number >= 0, got {atol}")
    return max_asymmetry(matrix) <= atol


def attends_most_to_itself(weights: ArrayLike):
    """For each word, whether its largest attention weight is on itself.

    A row counts only when its diagonal entry is *strictly* larger than every
    other entry of the row. A tie does not count: a word that splits its
    attention equally between itself and another word (or a repeated word,
    or a zero vector whose row is uniform) does not attend *most* to itself.

    Parameters
    ----------
    weights : array_like, shape (..., T, T)
        Attention weights (or scores: only their order within a row matters).

    Returns
    -------
    mask : boolean array of shape (..., T), numpy or torch like ``weights``
    """
    tensor, backend = _square(weights, "weights")
    T = tensor.shape[-1]
    diagonal = torch.diagonal(tensor, dim1=-2, dim2=-1)  # (..., T)
    if T == 1:
        return backend.restore(torch.ones_like(diagonal, dtype=torch.bool))
    eye = torch.eye(T, dtype=torch.bool, device=tensor.device)
    others = tensor.masked_fill(eye, float("-inf")).amax(dim=-1)  # (..., T)
    return backend.restore(diagonal > others)


def self_attention_share(weights: ArrayLike) -> int:
    """How many words give their largest attention weight to themselves.

    Parameters
    ----------
    weights : array_like, shape (..., T, T)

    Returns
    -------
    int
        The number of rows (over all batch entries) counted by
        :func:`attends_most_to_itself`; divide by the number of rows for a
        fraction.
    """
    mask = attends_most_to_itself(weights)
    return int(mask.sum().item() if isinstance(mask, torch.Tensor) else np.sum(mask))
