r"""Why attention divides its scores by :math:`\sqrt{d_k}`: the experiments, as functions.

Take a query and a key whose :math:`d_k` entries are independent, with mean 0
and variance 1. Their dot product :math:`q \cdot k = \sum_{i=1}^{d_k} q_i k_i`
is a sum of :math:`d_k` independent terms of variance 1, so

.. math::

    \operatorname{Var}(q \cdot k) = d_k, \qquad
    \operatorname{Var}\!\left(\frac{q \cdot k}{\sqrt{d_k}}\right) = 1 .

Unscaled, the scores spread wider as :math:`d_k` grows, softmax puts almost
all the weight on one key (it *saturates*), and the gradient that reaches
the scores through it shrinks towards zero. Each function here measures one
of these effects on seeded random draws, so the book can show them rather
than assert them. Every result is a plain numpy array.

A ``seed`` and a ``d_k`` together fix the draws (``default_rng([seed, d_k])``),
so a number is the same in every run, whichever other ``d_k`` are measured.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ._arrays import check_int
from .softmax import entropy, softmax

__all__ = [
    "D_K_VALUES",
    "SATURATED",
    "ParameterGradients",
    "RowStatistics",
    "attention_rows",
    "parameter_gradients",
    "sample_scores",
    "score_variance",
    "softmax_gradient_norms",
    "softmax_statistics",
]

D_K_VALUES = tuple(2**i for i in range(1, 11))
"""The key sizes the book measures: powers of two from 2 to 1024."""

SATURATED = 0.99
"""A row counts as saturated when its largest weight is above this."""


def _check_d_ks(d_ks: Sequence[int]) -> list[int]:
    if isinstance(d_ks, numbers.Integral):
        raise TypeError("d_ks must be a sequence of ints, for example (2, 4, 8); got a single int")
    values = [check_int(d_k, "each d_k in d_ks", minimum=1) for d_k in d_ks]
    if not values:
        raise ValueError("d_ks is empty; give at least one key size")
    return values


def _rng(seed: int, d_k: int) -> np.random.Generator:
    return np.random.default_rng([check_int(seed, "seed", minimum=0), d_k])


def sample_scores(d_k: int, n_samples: int = 2000, *, scaled: bool = False, seed: int = 0):
    r"""Dot products of ``n_samples`` random query-key pairs of size ``d_k``.

    Parameters
    ----------
    d_k : int
        Size of each query and key. Their entries are independent draws
        from the standard normal distribution (mean 0, variance 1).
    n_samples : int
        Number of independent pairs, at least 2.
    scaled : bool
        Divide each dot product by :math:`\sqrt{d_k}`.
    seed : int

    Returns
    -------
    numpy.ndarray, shape (n_samples,)
    """
    d_k = check_int(d_k, "d_k", minimum=1)
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    rng = _rng(seed, d_k)
    queries = rng.standard_normal((n_samples, d_k))
    keys = rng.standard_normal((n_samples, d_k))
    scores = np.einsum("nd,nd->n", queries, keys)  # (n, d_k) . (n, d_k) -> (n,)
    return scores / math.sqrt(d_k) if scaled else scores


def score_variance(
    d_ks: Sequence[int] = D_K_VALUES, n_samples: int = 2000, *, scaled: bool = False, seed: int = 0
):
    """Measured variance of the scores for each key size.

    Close to ``d_k`` unscaled and close to 1 scaled.

    Returns
    -------
    numpy.ndarray, shape (len(d_ks),)
    """
    return np.array(
        [sample_scores(d_k, n_samples, scaled=scaled, seed=seed).var() for d_k in _check_d_ks(d_ks)]
    )


def attention_rows(
    d_k: int, n_rows: int = 500, T: int = 8, *, scaled: bool = False, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    r"""Rows of attention: one random query against ``T`` random keys, ``n_rows`` times.

    Scaled and unscaled calls with the same arguments use the same queries
    and keys, so they differ only by the division by :math:`\sqrt{d_k}`.

    Parameters
    ----------
    d_k : int
    n_rows : int
        Number of independent rows (queries), at least 1.
    T : int
        Number of keys each query is compared with, at least 2.
    scaled : bool
    seed : int

    Returns
    -------
    logits : numpy.ndarray, shape (n_rows, T)
        The scores softmax receives: ``q . k_j``, divided by
        :math:`\sqrt{d_k}` when ``scaled``.
    weights : numpy.ndarray, shape (n_rows, T)
        Softmax of each row.
    """
    d_k = check_int(d_k, "d_k", minimum=1)
    n_rows = check_int(n_rows, "n_rows", minimum=1)
    T = check_int(T, "T", minimum=2)
    rng = _rng(seed, d_k)
    queries = rng.standard_normal((n_rows, d_k))
    keys = rng.standard_normal((n_rows, T, d_k))
    logits = np.einsum("nd,ntd->nt", queries, keys)  # (n, d_k) . (n, T, d_k) -> (n, T)
    if scaled:
        logits = logits / math.sqrt(d_k)
    return logits, softmax(logits)


def softmax_gradient_norms(logits, upstream):
    r"""Length of the gradient that reaches each row of scores through softmax.

    For each row, the loss is :math:`L = \sum_j w_j g_j` with
    :math:`w = \operatorname{softmax}(z)`: ``upstream`` (:math:`g`) stands
    for whatever the rest of the network asks of the weights. torch's
    autograd computes :math:`\partial L / \partial z`, which equals
    :math:`w \odot (g - w \cdot g)`: near zero when one weight is close to 1.

    Parameters
    ----------
    logits : array_like, shape (n_rows, T)
        The scores softmax receives (:math:`z`).
    upstream : array_like, shape (n_rows, T)
        :math:`\partial L / \partial w` for each row.

    Returns
    -------
    numpy.ndarray, shape (n_rows,)
        :math:`\lVert \partial L / \partial z \rVert` for each row.
    """
    z = torch.as_tensor(np.asarray(logits, dtype=np.float64)).clone().requires_grad_(True)
    g = torch.as_tensor(np.asarray(upstream, dtype=np.float64))
    if z.ndim != 2 or z.shape[1] < 2:
        raise ValueError(f"logits must have shape (n_rows, T) with T >= 2, got {tuple(z.shape)}")
    if g.shape != z.shape:
        raise ValueError(
            f"upstream must have the shape of logits {tuple(z.shape)}, got {tuple(g.shape)}"
        )
    weights = softmax(z)  # the package's softmax keeps the autograd graph for tensors
    loss = (weights * g).sum()
    (grad,) = torch.autograd.grad(loss, z)
    return torch.linalg.vector_norm(grad, dim=-1).numpy()


@dataclass(frozen=True)
class RowStatistics:
    """How peaked softmax rows are, and how much gradient they pass, per key size.

    Attributes
    ----------
    d_k : numpy.ndarray of int, shape (n,)
    max_weight : numpy.ndarray, shape (n,)
        Mean over rows of the largest weight in the row (1 = one key takes all).
    entropy : numpy.ndarray, shape (n,)
        Mean over rows of the entropy of the row, in nats (0 = one key takes
        all, ``log(T)`` = spread evenly).
    grad_norm : numpy.ndarray, shape (n,)
        Median over rows of the length of :math:`\\partial L / \\partial z`
        (see :func:`softmax_gradient_norms`).
    """

    d_k: np.ndarray
    max_weight: np.ndarray
    entropy: np.ndarray
    grad_norm: np.ndarray


def softmax_statistics(
    d_ks: Sequence[int] = D_K_VALUES,
    n_rows: int = 500,
    T: int = 8,
    *,
    scaled: bool = False,
    seed: int = 0,
) -> RowStatistics:
    """Saturation and gradient size of attention rows, for each key size.

    Each row is one random query against ``T`` random keys (see
    :func:`attention_rows`), with a random upstream gradient :math:`g` drawn
    from the standard normal distribution (the same for scaled and unscaled).
    """
    d_ks = _check_d_ks(d_ks)
    max_weight, spread, grad_norm = [], [], []
    for d_k in d_ks:
        logits, weights = attention_rows(d_k, n_rows, T, scaled=scaled, seed=seed)
        upstream = np.random.default_rng([seed, d_k, 1]).standard_normal(logits.shape)
        max_weight.append(weights.max(axis=-1).mean())
        spread.append(entropy(weights).mean())
        grad_norm.append(np.median(softmax_gradient_norms(logits, upstream)))
    return RowStatistics(
        d_k=np.array(d_ks),
        max_weight=np.array(max_weight),
        entropy=np.array(spread),
        grad_norm=np.array(grad_norm),
    )


@dataclass(frozen=True)
class ParameterGradients:
    r"""Gradient lengths of whole random attentions, one entry per sentence.

    Attributes
    ----------
    scores : numpy.ndarray, shape (n_sentences,)
        :math:`\lVert \partial L / \partial Z \rVert` for the whole
        :math:`T \times T` matrix :math:`Z` that softmax receives (divided by
        :math:`\sqrt{d_k}` when scaled): the gradient *entering* softmax.
    w_q, w_k : numpy.ndarray, shape (n_sentences,)
        :math:`\lVert \partial L / \partial W_Q \rVert` and
        :math:`\lVert \partial L / \partial W_K \rVert`: the gradients that
        reach the parameters.
    saturated : numpy.ndarray, shape (n_sentences,)
        Share of each sentence's rows whose largest weight is above
        :data:`SATURATED`.
    """

    scores: np.ndarray
    w_q: np.ndarray
    w_k: np.ndarray
    saturated: np.ndarray


def parameter_gradients(
    d_k: int,
    n_sentences: int = 200,
    T: int = 8,
    d_model: int = 64,
    *,
    scaled: bool = False,
    seed: int = 0,
) -> ParameterGradients:
    r"""Backpropagate through random self-attentions, to the scores and to W_Q and W_K.

    Each sentence is ``T`` random embeddings of size ``d_model`` (standard
    normal entries). :math:`W_Q` and :math:`W_K` are drawn with standard
    deviation :math:`1/\sqrt{d_\text{model}}`, so that query and key entries
    have variance about 1, as the chapter's argument assumes. The scores
    :math:`Z = X W_Q (X W_K)^\top` (divided by :math:`\sqrt{d_k}` when
    ``scaled``) go through a row-wise softmax, and the loss is
    :math:`L = \sum_{ij} \operatorname{softmax}(Z)_{ij}\, g_{ij}` with a random
    standard-normal :math:`g` standing for the rest of the network. Scaled
    and unscaled calls with the same arguments use the same draws.

    Parameters
    ----------
    d_k : int
    n_sentences : int
        Number of independent random sentences, at least 1.
    T : int
        Tokens per sentence, at least 2.
    d_model : int
        Embedding size, at least 1.
    scaled : bool
    seed : int

    Returns
    -------
    ParameterGradients
    """
    d_k = check_int(d_k, "d_k", minimum=1)
    n_sentences = check_int(n_sentences, "n_sentences", minimum=1)
    T = check_int(T, "T", minimum=2)
    d_model = check_int(d_model, "d_model", minimum=1)
    rng = np.random.default_rng([check_int(seed, "seed", minimum=0), d_k, 2])
    fields: dict[str, list[np.ndarray]] = {"scores": [], "w_q": [], "w_k": [], "saturated": []}
    for start in range(0, n_sentences, 25):  # 25 sentences at a time keeps memory small
        n = min(25, n_sentences - start)
        x = torch.as_tensor(rng.standard_normal((n, T, d_model)))
        w_q = torch.as_tensor(rng.standard_normal((n, d_model, d_k)) / math.sqrt(d_model))
        w_k = torch.as_tensor(rng.standard_normal((n, d_model, d_k)) / math.sqrt(d_model))
        g = torch.as_tensor(rng.standard_normal((n, T, T)))
        w_q.requires_grad_(True)
        w_k.requires_grad_(True)
        queries, keys = x @ w_q, x @ w_k  # (n, T, d_model) @ (n, d_model, d_k) -> (n, T, d_k)
        z = queries @ keys.transpose(-1, -2)  # (n, T, d_k) @ (n, d_k, T) -> (n, T, T)
        if scaled:
            z = z / math.sqrt(d_k)
        weights = softmax(z)
        loss = (weights * g).sum()
        grad_z, grad_q, grad_k = torch.autograd.grad(loss, (z, w_q, w_k))
        fields["scores"].append(torch.linalg.vector_norm(grad_z, dim=(-2, -1)).numpy())
        fields["w_q"].append(torch.linalg.vector_norm(grad_q, dim=(-2, -1)).numpy())
        fields["w_k"].append(torch.linalg.vector_norm(grad_k, dim=(-2, -1)).numpy())
        saturated = weights.detach().amax(dim=-1) > SATURATED  # (n, T)
        fields["saturated"].append(saturated.double().mean(dim=-1).numpy())
    return ParameterGradients(**{name: np.concatenate(parts) for name, parts in fields.items()})
