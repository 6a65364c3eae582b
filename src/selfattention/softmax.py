r"""Softmax: turning raw scores into shares of an attention budget.

.. math::

    \operatorname{softmax}(s)_i = \frac{e^{s_i / \tau}}{\sum_j e^{s_j / \tau}}

where :math:`\tau` is the temperature. Subtracting the largest score first
changes nothing in exact arithmetic (the factor :math:`e^{-\max s}` cancels)
but keeps every exponent at or below zero, so nothing overflows.
"""

from __future__ import annotations

import warnings

import torch

from ._arrays import ArrayLike, check_int, check_positive, convert

__all__ = ["softmax", "naive_softmax", "hardmax", "entropy"]


def _check_dim(tensor: torch.Tensor, dim: int) -> int:
    dim = check_int(dim, "dim")
    if not -tensor.ndim <= dim < tensor.ndim:
        raise ValueError(
            f"dim={dim} is out of range for scores of shape {tuple(tensor.shape)} "
            f"({tensor.ndim} dimension(s))"
        )
    return dim


def stable_softmax(scores: torch.Tensor, dim: int = -1, temperature: float = 1.0) -> torch.Tensor:
    """Softmax on an already checked tensor. Entries of ``-inf`` get weight 0.

    This is the computation behind :func:`softmax`; attention calls it directly
    because its masked scores are ``-inf`` on purpose.
    """
    # 1. Shift so the largest score in each slice is 0: every exponent is <= 0.
    shifted = scores - scores.amax(dim=dim, keepdim=True)
    # 2. Exponentiate: positive "strengths" in (0, 1], the largest exactly 1.
    strengths = torch.exp(shifted / temperature)
    # 3. Normalise: each strength's share of the total.
    return strengths / strengths.sum(dim=dim, keepdim=True)


def stable_softmax_(scores: torch.Tensor) -> torch.Tensor:
    """The same computation along the last dimension, overwriting ``scores``.

    Saves three passes over a large (T, T) matrix when nothing needs the
    scores afterwards, and no gradient flows through them. Returns ``scores``.
    """
    scores.sub_(scores.amax(dim=-1, keepdim=True)).exp_()
    return scores.div_(scores.sum(dim=-1, keepdim=True))


def softmax(scores: ArrayLike, dim: int = -1, temperature: float = 1.0):
    """Turn scores into non-negative weights that sum to 1 along ``dim``.

    Parameters
    ----------
    scores : array_like, shape (..., n)
        Finite real numbers: a list, numpy array or torch tensor.
    dim : int, default -1
        The dimension along which the weights sum to 1.
    temperature : float, default 1.0
        Must be > 0. Below 1 sharpens the weights towards the largest score
        (the arg max); above 1 flattens them towards uniform.

    Returns
    -------
    weights : same kind, shape and float dtype as ``scores``

    Examples
    --------
    >>> softmax([1.0, 3.0, 6.0]).round(3)
    array([0.006, 0.047, 0.946])
    """
    temperature = check_positive(temperature, "temperature")
    (tensor,), backend = convert({"scores": scores}, min_ndim={"scores": 1})
    dim = _check_dim(tensor, dim)
    return backend.restore(stable_softmax(tensor, dim, temperature))


def naive_softmax(scores: ArrayLike, dim: int = -1):
    """Softmax straight from the textbook formula, *without* the max shift.

    Kept for teaching only: for scores above about 88 (float32) or 709
    (float64), ``exp`` overflows to inf and the result is NaN. A
    ``RuntimeWarning`` says so when it happens. Use :func:`softmax`.
    """
    (tensor,), backend = convert({"scores": scores}, min_ndim={"scores": 1})
    dim = _check_dim(tensor, dim)
    strengths = torch.exp(tensor)
    weights = strengths / strengths.sum(dim=dim, keepdim=True)
    if not bool(torch.isfinite(weights).all()):
        warnings.warn(
            "naive_softmax overflowed: exp(score) is inf for large scores, and inf/inf is NaN. "
            "softmax() subtracts the maximum first and does not overflow.",
            RuntimeWarning,
            stacklevel=2,
        )
    return backend.restore(weights)


def hardmax(scores: ArrayLike, dim: int = -1):
    """The "hard" maximum: all the weight on the largest score.

    Ties share the weight equally, which is what :func:`softmax` tends to as
    the temperature goes to 0.

    >>> hardmax([1.0, 3.0, 6.0])
    array([0., 0., 1.])
    """
    (tensor,), backend = convert({"scores": scores}, min_ndim={"scores": 1})
    dim = _check_dim(tensor, dim)
    winners = (tensor == tensor.amax(dim=dim, keepdim=True)).to(tensor.dtype)
    return backend.restore(winners / winners.sum(dim=dim, keepdim=True))


def entropy(weights: ArrayLike, dim: int = -1):
    """Shannon entropy, in nats, of weights that sum to 1 along ``dim``.

    0 when all the weight sits on one entry; ``log(n)`` when it is spread
    evenly over ``n`` entries. Entries equal to 0 contribute 0.
    """
    (tensor,), backend = convert({"weights": weights}, min_ndim={"weights": 1})
    dim = _check_dim(tensor, dim)
    if bool((tensor < 0).any()):
        raise ValueError("weights must be non-negative")
    totals = tensor.sum(dim=dim)
    if not torch.allclose(totals, torch.ones_like(totals), atol=1e-4):
        raise ValueError(
            f"weights must sum to 1 along dim={dim}; got sums between "
            f"{totals.min().item():.4g} and {totals.max().item():.4g}"
        )
    terms = torch.where(tensor > 0, tensor * torch.log(tensor), torch.zeros_like(tensor))
    return backend.restore(-terms.sum(dim=dim))
