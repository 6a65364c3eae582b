"""The book's worked examples, as data, so chapters, widgets and tests share one copy.

"love Apple phones" (the matrix-form chapter): 2-dimensional embeddings and
tiny weight matrices, chosen so that the arithmetic stays visible. ``W_Q`` is
the identity, and the raw score matrix ``Q K^T`` comes out as
``[[1, 1, 0], [2, 3, 2], [2, 4, 4]]``.

The attention explorer's presets (:data:`PRESETS`, :func:`load_preset`) and
the toy projection they use (:func:`toy_weights`) are here too: each is a
:class:`Setup` of tokens, embeddings and weight matrices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .embeddings import FEATURES, SENTENCES, embed_sentence

__all__ = [
    "PRESETS",
    "RANDOM_SEED",
    "SOFTMAX_SCORES",
    "Setup",
    "WorkedExample",
    "generic_axes",
    "load_preset",
    "love_apple_phones",
    "sentence_setup",
    "toy_weights",
]

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


PRESETS = ("worked example", "identity weights", "seeded random", "Apple phones", "apple juice")
"""The attention explorer's starting points, in the order of its dropdown."""

RANDOM_SEED = 7
"""Seed of the "seeded random" preset's weights."""


@dataclass(frozen=True)
class Setup:
    """What attention is computed from: the tokens, their embeddings and the weights.

    Attributes
    ----------
    tokens : tuple of str
        One label per row of ``x``; words outside the toy vocabulary end in "*".
    x : numpy.ndarray, shape (T, d_model)
    w_q, w_k : numpy.ndarray, shape (d_model, d_k)
    w_v : numpy.ndarray, shape (d_model, d_v)
    axis_names : tuple of str
        One name per embedding dimension (the toy space's features, or "dim 1", ...).
    notes : tuple of str
        Things the reader should know about this setup (unknown words, replaced weights).
    """

    tokens: tuple[str, ...]
    x: np.ndarray
    w_q: np.ndarray
    w_k: np.ndarray
    w_v: np.ndarray
    axis_names: tuple[str, ...]
    notes: tuple[str, ...] = ()


def generic_axes(d_model: int) -> tuple[str, ...]:
    """Names for embedding dimensions that have no meaning of their own: "dim 1", ..."""
    return tuple(f"dim {i + 1}" for i in range(d_model))


def toy_weights() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A fixed projection of the toy space into d_k = 3, and W_V = I.

    The query of a word keeps its technology and fruit features and adds its
    *feeling* (a feeling word goes looking for a thing); the key keeps
    technology and fruit and adds *object* (a concrete thing offers itself).
    The values are the embeddings themselves, so the outputs stay in the toy
    space's named features.
    """
    index = {name: i for i, name in enumerate(FEATURES)}
    w_q = np.zeros((len(FEATURES), 3))  # (d_model, d_k)
    w_k = np.zeros((len(FEATURES), 3))  # (d_model, d_k)
    for column, (q_axis, k_axis) in enumerate(
        [("technology", "technology"), ("fruit", "fruit"), ("feeling", "object")]
    ):
        w_q[index[q_axis], column] = 1.0
        w_k[index[k_axis], column] = 1.0
    return w_q, w_k, np.eye(len(FEATURES))


def sentence_setup(sentence: str, weights, notes: tuple[str, ...] = ()) -> Setup:
    """A sentence embedded in the toy space, with the given ``(w_q, w_k, w_v)``.

    Words outside the toy vocabulary get a fallback vector, a label ending in
    "*" and a note saying their vector means nothing.
    """
    embeddings, x = embed_sentence(sentence)
    unknown = tuple(
        f"* {e.label}: “{e.word}” is not in the toy vocabulary, so its vector is made "
        "from the word itself (the same every run) and means nothing."
        for e in embeddings
        if not e.known
    )
    labels = tuple(e.word if e.known else f"{e.word}*" for e in embeddings)
    w_q, w_k, w_v = weights
    return Setup(labels, x, w_q, w_k, w_v, FEATURES, notes + unknown)


def load_preset(name: str) -> Setup:
    """The tokens, embeddings and weights of one of :data:`PRESETS`.

    * ``"worked example"``: "love Apple phones" in 2 dimensions
      (:func:`selfattention.examples.love_apple_phones`).
    * ``"identity weights"``: "I love Apple phones" in the toy space with
      W_Q = W_K = W_V = I: the weight-free self-attention of Part I.
    * ``"seeded random"``: the same sentence with small random weights
      (d_k = d_v = 4), like a model before training. Seeded: the same every run.
    * ``"Apple phones"``, ``"apple juice"``: the toy sentences with the fixed
      projection of :func:`toy_weights` (d_k = 3, W_V = I).
    """
    d_model = len(FEATURES)
    if name == "worked example":
        example = love_apple_phones()
        return Setup(
            example.tokens, example.x, example.w_q, example.w_k, example.w_v,
            generic_axes(example.x.shape[1]),
        )
    if name == "identity weights":
        eye = np.eye(d_model)
        return sentence_setup(SENTENCES["apple phones"], (eye, eye.copy(), eye.copy()))
    if name == "seeded random":
        rng = np.random.default_rng(RANDOM_SEED)
        weights = tuple(np.round(rng.normal(scale=0.5, size=(d_model, 4)), 2) for _ in range(3))
        return sentence_setup(SENTENCES["apple phones"], weights)
    if name == "Apple phones":
        return sentence_setup(SENTENCES["apple phones"], toy_weights())
    if name == "apple juice":
        return sentence_setup(SENTENCES["apple juice"], toy_weights())
    raise ValueError(f"preset must be one of {', '.join(map(repr, PRESETS))}; got {name!r}")
