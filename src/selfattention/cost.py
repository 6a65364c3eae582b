r"""What attention costs, exactly: counting the work and sizing the T x T matrix.

Self-attention compares every query with every key, so for ``T`` tokens it
builds a ``(T, T)`` matrix of scores. Doubling the sentence quadruples that
matrix. This module puts exact numbers on it, the same on every machine:

* :func:`attention_counts` counts entries and multiply-adds;
* :func:`weights_matrix_bytes` sizes one ``(T, T)`` matrix in a given dtype.

Measuring time and memory on a real machine is :mod:`selfattention.timing`.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ._arrays import check_int

__all__ = [
    "AttentionCounts",
    "attention_counts",
    "bytes_per_element",
    "weights_matrix_bytes",
]

_DTYPES = {
    "float64": torch.float64,
    "float32": torch.float32,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "bf16": torch.bfloat16,
}


def _check_count(value, name: str) -> int:
    return check_int(value, name, minimum=1)


def _as_dtype(dtype) -> torch.dtype:
    if isinstance(dtype, torch.dtype):
        return dtype
    if isinstance(dtype, str) and dtype.strip().lower() in _DTYPES:
        return _DTYPES[dtype.strip().lower()]
    raise ValueError(
        f"dtype must be a torch dtype or one of {sorted(_DTYPES)}, got {dtype!r}"
    )


def bytes_per_element(dtype) -> int:
    """Bytes one number takes in ``dtype`` ("float32" -> 4, "bfloat16" -> 2)."""
    return torch.empty((), dtype=_as_dtype(dtype)).element_size()


def weights_matrix_bytes(
    n_tokens: int, dtype="float32", *, n_heads: int = 1, batch: int = 1
) -> int:
    """Bytes of the ``(T, T)`` attention matrix, per head and per sequence.

    Parameters
    ----------
    n_tokens : int
        ``T``, the sequence length.
    dtype : str or torch.dtype, default "float32"
        "float32", "bfloat16", "float16", "float64" or a torch dtype.
    n_heads, batch : int, default 1
        Multiply by ``H`` heads and ``B`` sequences: shape (B, H, T, T).

    >>> weights_matrix_bytes(4096) == 4096 * 4096 * 4
    True
    """
    n_tokens = _check_count(n_tokens, "n_tokens")
    n_heads = _check_count(n_heads, "n_heads")
    batch = _check_count(batch, "batch")
    return batch * n_heads * n_tokens * n_tokens * bytes_per_element(dtype)


@dataclass(frozen=True)
class AttentionCounts:
    """Exact work of one self-attention pass over ``T`` tokens (one head).

    Attributes
    ----------
    score_entries : int
        ``T * T``: one score per (query, key) pair.
    score_multiply_adds : int
        ``T * T * d_k``: each score is a dot product of length ``d_k``.
    mixing_multiply_adds : int
        ``T * T * d_v``: each output row mixes ``T`` value rows of length ``d_v``.
    projection_multiply_adds : int
        ``T * d_model * (2 d_k + d_v)`` for ``X W_Q``, ``X W_K``, ``X W_V``;
        0 when no ``d_model`` was given. Grows only linearly in ``T``.
    """

    n_tokens: int
    score_entries: int
    score_multiply_adds: int
    mixing_multiply_adds: int
    projection_multiply_adds: int

    @property
    def total_multiply_adds(self) -> int:
        """Projections plus scores plus mixing."""
        return self.projection_multiply_adds + self.score_multiply_adds + self.mixing_multiply_adds


def attention_counts(
    n_tokens: int, d_k: int, d_v: int | None = None, d_model: int | None = None
) -> AttentionCounts:
    """Count the entries and multiply-adds of self-attention for ``T`` tokens.

    Parameters
    ----------
    n_tokens : int
        ``T``.
    d_k : int
        Size of each query and key.
    d_v : int, optional
        Size of each value; defaults to ``d_k``.
    d_model : int, optional
        Embedding size. Given, the three projections are counted too.

    >>> attention_counts(100, 64).score_entries
    10000
    """
    n_tokens = _check_count(n_tokens, "n_tokens")
    d_k = _check_count(d_k, "d_k")
    d_v = d_k if d_v is None else _check_count(d_v, "d_v")
    projections = 0
    if d_model is not None:
        projections = n_tokens * _check_count(d_model, "d_model") * (2 * d_k + d_v)
    return AttentionCounts(
        n_tokens=n_tokens,
        score_entries=n_tokens * n_tokens,
        score_multiply_adds=n_tokens * n_tokens * d_k,  # (T, d_k) @ (d_k, T) -> (T, T)
        mixing_multiply_adds=n_tokens * n_tokens * d_v,  # (T, T) @ (T, d_v) -> (T, d_v)
        projection_multiply_adds=projections,  # (T, d_model) @ (d_model, d_k or d_v), three times
    )
