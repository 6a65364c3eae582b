r"""Weighted mixing: a new vector for a word, borrowed from the words around it.

.. math::

    \text{new}_i = \sum_{j=1}^{T} w_j \, x_j, \qquad w_j \ge 0, \quad \sum_j w_j = 1

Here ``x`` holds one static vector per token as a row, shape ``(T, d_model)``,
and ``w`` holds one weight per token. Weights that are non-negative and sum
to 1 keep the new vector among the vectors it was made from (inside their
convex hull), on their scale, whatever the sentence. :func:`mix` insists on
that; :func:`weighted_sum` does the same arithmetic without the checks, so the
book can show what goes wrong without them.

:func:`rebalance` is the rule the mixing widget uses to keep its sliders
summing to 1: the weight the reader moves takes its new value, and the others
share what is left in the proportions they had before.
"""

from __future__ import annotations

import numbers

import torch

from ._arrays import ArrayLike, check_int, check_positive, convert

__all__ = ["WEIGHT_TOLERANCE", "check_weights", "mix", "rebalance", "weighted_sum"]

WEIGHT_TOLERANCE = 1e-6
"""How far the sum of the weights may be from 1 before :func:`mix` refuses them."""


def _check_pair(vectors: torch.Tensor, weights: torch.Tensor) -> None:
    if weights.shape[0] != vectors.shape[0]:
        raise ValueError(
            f"weights must have one entry per vector: vectors has shape "
            f"{tuple(vectors.shape)} (T={vectors.shape[0]}), weights has shape "
            f"{tuple(weights.shape)}"
        )


def check_weights(weights: torch.Tensor, atol: float = WEIGHT_TOLERANCE) -> None:
    """Raise ``ValueError`` unless ``weights`` (a checked 1-D tensor) is a probability vector.

    Parameters
    ----------
    weights : torch.Tensor, shape (T,)
    atol : float
        Allowed distance of ``weights.sum()`` from 1 (greater than 0).
    """
    atol = check_positive(atol, "atol")
    if bool((weights < 0).any()):
        index = int(torch.nonzero(weights < 0)[0, 0])
        raise ValueError(
            f"weights must be non-negative, got {weights[index].item():.4g} at index {index}; "
            "a word cannot lend a negative amount of itself"
        )
    total = weights.sum().item()
    if abs(total - 1.0) > atol:
        raise ValueError(
            f"weights must sum to 1 (within {atol:g}), got a sum of {total:.6g}; "
            "divide them by their sum, or use softmax"
        )


def weighted_sum(vectors: ArrayLike, weights: ArrayLike):
    """The weighted sum of the rows of ``vectors``, with no checks on the weights.

    For teaching only: it accepts negative weights and weights of any total,
    which :func:`mix` refuses. Use :func:`mix`.

    Parameters
    ----------
    vectors : array_like, shape (T, d_model)
        One vector per token, as rows.
    weights : array_like, shape (T,)
        One weight per token (any real numbers).

    Returns
    -------
    mixed : same kind as the inputs, shape (d_model,)
    """
    (vectors, weights), backend = convert(
        {"vectors": vectors, "weights": weights}, ndim={"vectors": 2, "weights": 1}
    )
    _check_pair(vectors, weights)
    mixed = weights @ vectors  # (T,) @ (T, d_model) -> (d_model,)
    return backend.restore(mixed)


def mix(vectors: ArrayLike, weights: ArrayLike, *, atol: float = WEIGHT_TOLERANCE):
    """Mix word vectors with attention-like weights: ``sum_j weights[j] * vectors[j]``.

    Parameters
    ----------
    vectors : array_like, shape (T, d_model)
        One static vector per token, as rows (the ``x`` of
        :func:`selfattention.embeddings.embed_sentence`).
    weights : array_like, shape (T,)
        One weight per token: non-negative and summing to 1 within ``atol``.
    atol : float, default 1e-6
        Allowed distance of the sum of the weights from 1.

    Returns
    -------
    mixed : same kind as the inputs, shape (d_model,)
        The new vector. It lies inside the convex hull of the rows of
        ``vectors``, so every feature stays between the smallest and the
        largest value that feature has among the tokens.

    Raises
    ------
    ValueError
        If ``vectors`` is not 2-D, ``weights`` is not 1-D, their lengths
        differ, a weight is negative, or the weights do not sum to 1.

    Examples
    --------
    >>> mix([[1.0, 0.0], [0.0, 1.0]], [0.25, 0.75])
    array([0.25, 0.75])
    """
    (vectors, weights), backend = convert(
        {"vectors": vectors, "weights": weights}, ndim={"vectors": 2, "weights": 1}
    )
    _check_pair(vectors, weights)
    check_weights(weights, atol)
    mixed = weights @ vectors  # (T,) @ (T, d_model) -> (d_model,)
    return backend.restore(mixed)


def rebalance(weights: ArrayLike, index: int, new_value: float):
    """Set one weight and rescale the others so that all of them still sum to 1.

    This is the rule behind the mixing widget's sliders:

    1. ``weights[index]`` becomes ``new_value`` (which must lie in [0, 1]).
    2. The other weights share the remainder ``1 - new_value`` in proportion
       to their current values, so their ratios to each other do not change.
    3. If the other weights are all 0, they have no proportions to keep, and
       they share the remainder equally.

    A single weight can only be 1, so with one weight the result is ``[1.0]``
    whatever ``new_value`` is.

    Parameters
    ----------
    weights : array_like, shape (T,)
        Current weights: non-negative, not all zero. They need not sum to 1
        exactly; only the proportions of the others are used.
    index : int
        Which weight the reader moved (negative indices count from the end).
    new_value : float
        Its new value, in [0, 1].

    Returns
    -------
    new_weights : same kind as ``weights``, shape (T,)
        Non-negative, summing to 1, with ``new_weights[index] == new_value``.

    Raises
    ------
    TypeError
        If ``index`` is not an int or ``new_value`` not a real number.
    ValueError
        If ``index`` is out of range, ``new_value`` lies outside [0, 1], or
        ``weights`` has a negative entry or is all zero.

    Examples
    --------
    >>> rebalance([0.1, 0.5, 0.4], 2, 0.7).round(6)
    array([0.05, 0.25, 0.7 ])
    """
    (weights,), backend = convert({"weights": weights}, ndim={"weights": 1})
    index = check_int(index, "index")
    n = weights.shape[0]
    if not -n <= index < n:
        raise ValueError(f"index={index} is out of range for {n} weight(s)")
    index %= n
    if isinstance(new_value, bool) or not isinstance(new_value, numbers.Real):
        raise TypeError(f"new_value must be a real number, got {type(new_value).__name__}")
    new_value = float(new_value)
    if not 0.0 <= new_value <= 1.0:
        raise ValueError(f"new_value must lie in [0, 1], got {new_value}")
    if bool((weights < 0).any()):
        raise ValueError(f"weights must be non-negative, got {weights.tolist()}")
    if not bool((weights > 0).any()):
        raise ValueError(
            f"weights are all 0 ({weights.tolist()}): they say nothing about how to share the "
            "weight; give at least one positive weight"
        )
    if n == 1:
        return backend.restore(torch.ones_like(weights))

    others = torch.ones_like(weights, dtype=torch.bool)
    others[index] = False
    rest = weights[others]
    remainder = 1.0 - new_value
    if rest.sum().item() > 0:
        shares = rest / rest.sum()  # keep the others' proportions
    else:
        shares = torch.full_like(rest, 1.0 / (n - 1))  # nothing to keep: split evenly
    result = torch.empty_like(weights)
    result[others] = remainder * shares
    result[index] = new_value
    return backend.restore(result)
