r"""Similarity between vectors: the dot product, cosine similarity, score matrices.

.. math::

    a \cdot b = \sum_i a_i b_i = \lVert a \rVert \, \lVert b \rVert \cos\theta

The score matrix compares every query with every key at once:
:math:`S = Q K^\top`, so :math:`S_{ij} = q_i \cdot k_j`.
"""

from __future__ import annotations

import torch

from ._arrays import ArrayLike, convert

__all__ = ["dot", "cosine_similarity", "score_matrix"]


def _same_length(a: torch.Tensor, b: torch.Tensor) -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"a and b must have the same length, got a of shape {tuple(a.shape)} "
            f"and b of shape {tuple(b.shape)}"
        )


def dot(a: ArrayLike, b: ArrayLike):
    """Dot product of two vectors of the same length.

    Parameters
    ----------
    a, b : array_like, shape (d,)

    Returns
    -------
    float scalar (numpy scalar, or a 0-d tensor for tensor input)

    >>> float(dot([2, 2], [3, 1]))
    8.0
    """
    (a, b), backend = convert({"a": a, "b": b}, ndim={"a": 1, "b": 1})
    _same_length(a, b)
    return backend.restore((a * b).sum())


def cosine_similarity(a: ArrayLike, b: ArrayLike):
    """Cosine of the angle between two vectors: their dot product over their lengths.

    Lies in [-1, 1] and ignores the vectors' lengths. A zero vector has no
    direction, so it is refused.
    """
    (a, b), backend = convert({"a": a, "b": b}, ndim={"a": 1, "b": 1})
    _same_length(a, b)
    norms = {"a": torch.linalg.vector_norm(a), "b": torch.linalg.vector_norm(b)}
    for name, norm in norms.items():
        if norm.item() == 0:
            raise ValueError(f"{name} is the zero vector, which has no direction")
    return backend.restore((a * b).sum() / (norms["a"] * norms["b"]))


def check_queries_keys(queries: torch.Tensor, keys: torch.Tensor) -> None:
    """Raise if queries (..., T_q, d_k) and keys (..., T_k, d_k) cannot be compared."""
    if queries.shape[-1] != keys.shape[-1]:
        raise ValueError(
            f"queries and keys must have the same last dimension d_k, got queries of shape "
            f"{tuple(queries.shape)} (d_k={queries.shape[-1]}) and keys of shape "
            f"{tuple(keys.shape)} (d_k={keys.shape[-1]})"
        )
    try:
        torch.broadcast_shapes(queries.shape[:-2], keys.shape[:-2])
    except RuntimeError:
        raise ValueError(
            f"the batch dimensions of queries {tuple(queries.shape[:-2])} and keys "
            f"{tuple(keys.shape[:-2])} do not broadcast"
        ) from None


def score_matrix(queries: ArrayLike, keys: ArrayLike):
    """Dot product of every query with every key: ``queries @ keys.T``.

    Parameters
    ----------
    queries : array_like, shape (..., T_q, d_k)
    keys : array_like, shape (..., T_k, d_k)

    Returns
    -------
    scores : shape (..., T_q, T_k)
        ``scores[..., i, j]`` is the dot product of query ``i`` with key ``j``.
    """
    (queries, keys), backend = convert(
        {"queries": queries, "keys": keys}, min_ndim={"queries": 2, "keys": 2}
    )
    check_queries_keys(queries, keys)
    return backend.restore(queries @ keys.transpose(-2, -1))  # (T_q, d_k) @ (d_k, T_k) -> (T_q, T_k)
