"""The book's worked examples, as data, so chapters and tests share one copy.

"love Apple phones" (the matrix-form chapter): 2-dimensional embeddings and
tiny weight matrices, chosen so that the arithmetic stays visible. ``W_Q`` is
the identity, and the raw score matrix ``Q K^T`` comes out as
``[[1, 1, 0], [2, 3, 2], [2, 4, 4]]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["WorkedExample", "love_apple_phones", "SOFTMAX_SCORES"]

SOFTMAX_SCORES = {"love": 1.0, "Apple": 3.0, "phones": 6.0}
"""Raw relevance scores for "Apple" in the softmax chapter."""


@dataclass(frozen=True)
class WorkedExample:
    """A sentence with its embeddings and projection matrices (numpy, float64)."""

    tokens: tuple[str, ...]
    x: np.ndarray  # (T, d_model)
    w_q: np.ndarray  # (d_model, d_k)
    w_k: np.ndarray  # (d_model, d_k)
    w_v: np.ndarray  # (d_model, d_v)


def love_apple_phones() -> WorkedExample:
    """The 3-token, 2-dimensional example of the matrix-form chapter (a fresh copy)."""
    return WorkedExample(
        tokens=("love", "Apple", "phones"),
        x=np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]]),
        w_q=np.eye(2),
        w_k=np.array([[1.0, 1.0], [0.0, 1.0]]),
        w_v=np.array([[1.0, 0.0], [1.0, 1.0]]),
    )
