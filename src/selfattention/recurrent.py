r"""Self-attention against a recurrent layer: work per layer and sequential steps.

A recurrent layer (RNN) reads ``T`` tokens in order. At every step it multiplies
the new input by ``W_ih`` and the previous state by ``W_hh``,

.. math::

    h_t = \tanh(x_t W_{ih} + h_{t-1} W_{hh} + b),

so a layer does ``T * (d_in * d_hidden + d_hidden**2)`` multiply-adds, about
``2 T d**2`` when both sizes are ``d``, in ``T`` steps that must run one after the
other. Self-attention's ``T x T`` part does ``T**2 * d_k`` multiply-adds for the
scores and ``T**2 * d_v`` for the mixing, about ``2 T**2 d``, and no step waits
for another. These are the first two rows of table 1 of Vaswani et al. (2017):
``O(T**2 d)`` against ``O(T d**2)`` per layer, ``O(1)`` against ``O(T)``
sequential operations. :func:`layer_costs` counts both exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cost import attention_counts

__all__ = ["LayerCost", "layer_costs", "rnn_multiply_adds"]


def _check_count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value


def rnn_multiply_adds(n_tokens: int, d_in: int, d_hidden: int | None = None) -> int:
    """Multiply-adds of one recurrent layer over ``n_tokens`` tokens (biases and tanh aside).

    Each step computes ``x_t @ W_ih`` (``d_in * d_hidden``) and ``h_{t-1} @ W_hh``
    (``d_hidden**2``); there are ``n_tokens`` steps. ``d_hidden`` defaults to ``d_in``.

    >>> rnn_multiply_adds(256, 64)
    2097152
    """
    n_tokens = _check_count(n_tokens, "n_tokens")
    d_in = _check_count(d_in, "d_in")
    d_hidden = d_in if d_hidden is None else _check_count(d_hidden, "d_hidden")
    per_step = d_in * d_hidden + d_hidden * d_hidden  # (1, d_in) @ W_ih and (1, d_h) @ W_hh
    return n_tokens * per_step


@dataclass(frozen=True)
class LayerCost:
    """The cost of one layer of one kind over ``n_tokens`` tokens of size ``d``.

    Attributes
    ----------
    kind : str
        "self-attention" or "recurrent".
    n_tokens, d : int
    multiply_adds : int
        Self-attention: its ``T x T`` part, scores plus mixing, ``2 T**2 d``.
        Recurrent: ``2 T d**2``.
    sequential_steps : int
        Steps that must run one after another: 1 for self-attention (every
        row at once), ``T`` for the recurrent layer.
    path_length : int
        Most steps between two tokens: 1 for self-attention, ``T - 1`` for
        the recurrent layer (first token to last).
    """

    kind: str
    n_tokens: int
    d: int
    multiply_adds: int
    sequential_steps: int
    path_length: int


def layer_costs(n_tokens: int, d: int) -> tuple[LayerCost, LayerCost]:
    """Self-attention and a recurrent layer at the same ``T`` and ``d``: (attention, rnn).

    The projections ``X W_Q, X W_K, X W_V`` (``3 T d**2``) are left out of the
    attention count, as in Vaswani et al.'s table: every layer type has linear
    maps of that size around it.

    >>> attention, rnn = layer_costs(256, 64)
    >>> attention.multiply_adds // rnn.multiply_adds   # T / d
    4
    """
    n_tokens = _check_count(n_tokens, "n_tokens")
    d = _check_count(d, "d")
    counts = attention_counts(n_tokens, d_k=d)
    attention = LayerCost(
        "self-attention", n_tokens, d,
        counts.score_multiply_adds + counts.mixing_multiply_adds,  # 2 T^2 d
        sequential_steps=1, path_length=1,
    )
    rnn = LayerCost(
        "recurrent", n_tokens, d, rnn_multiply_adds(n_tokens, d),  # 2 T d^2
        sequential_steps=n_tokens, path_length=n_tokens - 1,
    )
    return attention, rnn
