"""A toy task that attention has to learn: which "apple" does a sentence mean?

Every sentence holds the ambiguous word *apple* and exactly one **context
word** that settles its meaning: *juice*, *pie*, *orchard*... make it the
fruit (label 0), *phones*, *laptop*, *store*... make it the company (label 1).
Everything else is a neutral template word or a filler word dropped in at a
random position, so the context word sits at a different place in every
sentence and no fixed position gives the answer away.

The words live in the book's named toy space (:data:`~selfattention.embeddings.FEATURES`).
Words that :data:`~selfattention.embeddings.VOCABULARY` already knows keep
their vectors there (so *apple* is still half technology, half fruit); the new
ones get hand-set vectors here. The vectors are **static**: the learning
happens in the attention weights, not in the embeddings.

The **held-out** split uses context words that the training split never
contains, so a model that does well on it has learned to look for
fruit-like or technology-like words, not memorised a list.

Everything is a pure function of its arguments and a seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._arrays import check_int
from .embeddings import FEATURES, VOCABULARY, feature_vector

__all__ = [
    "AMBIGUOUS",
    "LABELS",
    "CONTEXT_WORDS",
    "TEMPLATES",
    "FILLERS",
    "PAD",
    "VOCAB",
    "Example",
    "Batch",
    "ToyData",
    "word_vector",
    "embedding_matrix",
    "make_examples",
    "make_dataset",
    "encode",
    "example_from_text",
]

AMBIGUOUS = "apple"
"""The word whose meaning depends on its context."""

LABELS = ("fruit", "company")
"""Class names: label 0 is the fruit, label 1 the technology company."""

CONTEXT_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "fruit": {
        "train": ("juice", "pie", "tree", "orchard", "jam", "peel", "seeds", "blossom"),
        "heldout": ("cider", "crumble", "sauce"),
    },
    "company": {
        "train": ("phones", "laptop", "store", "stock", "charger", "software", "keyboard", "earnings"),
        "heldout": ("tablet", "shares", "headphones"),
    },
}
"""For each label and each split, the words that settle what *apple* means.

The two splits share no word.
"""

TEMPLATES: tuple[tuple[str, ...], ...] = (
    ("i", "love", "A", "C"),
    ("we", "bought", "the", "A", "C"),
    ("my", "A", "C", "is", "great"),
    ("the", "C", "from", "A", "was", "good"),
    ("she", "likes", "C", "by", "A"),
    ("look", "at", "the", "A", "C"),
)
"""Sentence skeletons: ``"A"`` is replaced by *apple* and ``"C"`` by a context word."""

FILLERS = (
    "really", "very", "so", "just", "today", "again",
    "new", "fast", "smart", "fresh", "sweet", "tasty",
)
"""Words inserted at random positions, as often in one class as in the other.

The first six are neutral. The last six *lean* one way (*new*, *fast*, *smart*
towards technology; *fresh*, *sweet*, *tasty* towards fruit) without settling
anything, so a model that simply averages the whole sentence can be misled.
"""

PAD = "<pad>"
"""Token id 0: fills short sentences up to the batch length; attention ignores it."""

_vec = feature_vector

# Hand-set vectors for the words the book's vocabulary does not have. Context
# words are concrete nouns: they carry "object", "nature" or "money", which
# neither apple nor the neutral words do, and one of "fruit" or "technology".
_NEW_WORDS: dict[str, np.ndarray] = {
    # fruit context
    "tree": _vec(fruit=1.5, nature=2.5, object=1),
    "orchard": _vec(fruit=2, nature=2.5),
    "jam": _vec(fruit=2.2, object=1.2),
    "peel": _vec(fruit=2, object=1.5),
    "seeds": _vec(fruit=1.5, nature=2, object=1),
    "blossom": _vec(fruit=1.5, nature=2.5),
    "cider": _vec(fruit=3, object=1.2),
    "crumble": _vec(fruit=1.8, object=1.2, feeling=0.5),
    "sauce": _vec(fruit=2, object=0.8, nature=0.3),
    # company context
    "store": _vec(technology=1.5, object=1, money=1.5),
    "stock": _vec(technology=1, money=3),
    "charger": _vec(technology=2.5, object=1.5),
    "software": _vec(technology=3, object=0.8, money=0.5),
    "keyboard": _vec(technology=2, object=2),
    "earnings": _vec(technology=1.2, money=2.5),
    "tablet": _vec(technology=2.8, object=1.2),
    "shares": _vec(technology=0.8, money=2.5, object=0.3),
    "headphones": _vec(technology=2.2, object=1.8, feeling=0.3),
    # template words
    "we": _vec(feeling=0.3, action=0.3),
    "bought": _vec(action=2),
    "my": _vec(feeling=0.3),
    "is": _vec(action=0.3),
    "great": _vec(feeling=2),
    "from": _vec(),
    "good": _vec(feeling=1.5),
    "she": _vec(feeling=0.5, action=0.5),
    "likes": _vec(feeling=2, action=0.5),
    "by": _vec(),
    "look": _vec(action=1.5),
    "at": _vec(),
    # fillers
    "really": _vec(feeling=0.5),
    "very": _vec(feeling=0.5),
    "so": _vec(feeling=0.3),
    "just": _vec(action=0.2),
    "today": _vec(action=0.3),
    "again": _vec(action=0.5),
    "new": _vec(technology=1.5, feeling=0.5),
    "fast": _vec(technology=1.5, action=0.5),
    "smart": _vec(technology=2),
    "fresh": _vec(fruit=2),
    "sweet": _vec(fruit=1.5, feeling=0.5),
    "tasty": _vec(fruit=1.5, feeling=0.5),
}


def _all_words() -> tuple[str, ...]:
    words = [AMBIGUOUS]
    for label in LABELS:
        for split in ("train", "heldout"):
            words += CONTEXT_WORDS[label][split]
    for template in TEMPLATES:
        words += [w for w in template if w not in ("A", "C")]
    words += FILLERS
    return tuple(dict.fromkeys(words))  # unique, in first-seen order


VOCAB: tuple[str, ...] = (PAD, *_all_words())
"""Every token of the task; a token's id is its index here (the padding token is 0)."""

_IDS = {word: i for i, word in enumerate(VOCAB)}
_SPLITS = ("train", "heldout")


def word_vector(word: str) -> np.ndarray:
    """The static vector of one task word over :data:`FEATURES` (a copy).

    Raises ``KeyError`` naming the task's words for a word outside :data:`VOCAB`.
    """
    if not isinstance(word, str):
        raise TypeError(f"word must be a string, got {type(word).__name__}")
    if word == PAD:
        return np.zeros(len(FEATURES))
    if word in VOCABULARY:
        return VOCABULARY[word].copy()
    if word in _NEW_WORDS:
        return _NEW_WORDS[word].copy()
    raise KeyError(f"{word!r} is not a word of the toy task; its words are: {', '.join(VOCAB[1:])}")


def embedding_matrix() -> np.ndarray:
    """All the static vectors, one row per token id.

    Returns
    -------
    numpy.ndarray, shape (len(VOCAB), len(FEATURES))
        Row ``i`` is the vector of ``VOCAB[i]``; row 0 (padding) is zero.
    """
    return np.stack([word_vector(word) for word in VOCAB])


@dataclass(frozen=True)
class Example:
    """One sentence of the task.

    Attributes
    ----------
    tokens : tuple of str
    label : int
        0 for the fruit, 1 for the company (see :data:`LABELS`).
    target : int
        Position of *apple* in ``tokens``.
    context : int
        Position of the context word in ``tokens``.
    """

    tokens: tuple[str, ...]
    label: int
    target: int
    context: int

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def context_word(self) -> str:
        return self.tokens[self.context]


def _build(template, context_word: str, fillers: list[str], rng: np.random.Generator) -> list[str]:
    tokens = [AMBIGUOUS if w == "A" else context_word if w == "C" else w for w in template]
    for filler in fillers:  # each filler goes to a random gap, ends included
        tokens.insert(int(rng.integers(0, len(tokens) + 1)), filler)
    return tokens


def make_examples(
    n: int, split: str = "train", *, seed: int = 0, max_fillers: int = 4
) -> list[Example]:
    """Generate ``n`` sentences of one split, half of each label.

    Parameters
    ----------
    n : int
        Number of sentences, even and at least 2, so the labels balance exactly.
    split : {"train", "heldout"}
        Which context words to draw from.
    seed : int
        Seed of the generator; the same arguments always give the same list.
    max_fillers : int
        Each sentence gets between 0 and ``max_fillers`` filler words, each at
        a random position.
    """
    n = check_int(n, "n", minimum=2)
    if n % 2:
        raise ValueError(f"n must be even so that both labels get n/2 sentences, got {n}")
    if split not in _SPLITS:
        raise ValueError(f"split must be one of {_SPLITS}, got {split!r}")
    seed = check_int(seed, "seed", minimum=0)
    max_fillers = check_int(max_fillers, "max_fillers", minimum=0)
    # Separate streams per split: the two splits never share random draws.
    rng = np.random.default_rng([seed, _SPLITS.index(split)])
    labels = rng.permutation(np.repeat([0, 1], n // 2))
    examples = []
    for label in labels:
        words = CONTEXT_WORDS[LABELS[label]][split]
        context_word = words[int(rng.integers(len(words)))]
        template = TEMPLATES[int(rng.integers(len(TEMPLATES)))]
        n_fillers = int(rng.integers(max_fillers + 1))
        fillers = [FILLERS[int(i)] for i in rng.integers(len(FILLERS), size=n_fillers)]
        tokens = _build(template, context_word, fillers, rng)
        examples.append(
            Example(tuple(tokens), int(label), tokens.index(AMBIGUOUS), tokens.index(context_word))
        )
    return examples


@dataclass(frozen=True)
class ToyData:
    """The two splits of the task."""

    train: list[Example]
    heldout: list[Example]


def make_dataset(
    n_train: int = 512, n_heldout: int = 256, *, seed: int = 0, max_fillers: int = 4
) -> ToyData:
    """The training split and the held-out split (whose context words training never sees)."""
    return ToyData(
        make_examples(n_train, "train", seed=seed, max_fillers=max_fillers),
        make_examples(n_heldout, "heldout", seed=seed, max_fillers=max_fillers),
    )


def example_from_text(text: str) -> Example:
    """Turn a sentence typed by hand into an :class:`Example`.

    The sentence must use the task's words only, hold *apple* once and exactly
    one context word; its label follows from that context word.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    tokens = tuple(text.lower().split())
    unknown = [t for t in tokens if t not in _IDS or t == PAD]
    if unknown:
        raise ValueError(f"unknown word(s) {unknown}; the task's words are: {', '.join(VOCAB[1:])}")
    if tokens.count(AMBIGUOUS) != 1:
        raise ValueError(f"the sentence must contain {AMBIGUOUS!r} exactly once: {text!r}")
    found = [
        (i, label)
        for i, token in enumerate(tokens)
        for label, name in enumerate(LABELS)
        if token in CONTEXT_WORDS[name]["train"] + CONTEXT_WORDS[name]["heldout"]
    ]
    if len(found) != 1:
        raise ValueError(
            f"the sentence must contain exactly one context word, found {len(found)}: {text!r}"
        )
    (context, label), = found
    return Example(tokens, label, tokens.index(AMBIGUOUS), context)


@dataclass(frozen=True)
class Batch:
    """Sentences as padded arrays of token ids, ready for a model.

    Attributes
    ----------
    token_ids : numpy.ndarray of int64, shape (B, T)
        ``T`` is the longest sentence; shorter ones are padded with id 0.
    lengths : numpy.ndarray of int64, shape (B,)
    targets, contexts : numpy.ndarray of int64, shape (B,)
        Positions of *apple* and of the context word.
    labels : numpy.ndarray of int64, shape (B,)
    """

    token_ids: np.ndarray
    lengths: np.ndarray
    targets: np.ndarray
    contexts: np.ndarray
    labels: np.ndarray


def encode(examples) -> Batch:
    """Pad a list of examples into one :class:`Batch`."""
    if isinstance(examples, Example):
        examples = [examples]
    examples = list(examples)
    if not examples or not all(isinstance(e, Example) for e in examples):
        raise TypeError("examples must be a non-empty list of Example")
    T = max(len(e.tokens) for e in examples)
    token_ids = np.zeros((len(examples), T), dtype=np.int64)
    for row, example in enumerate(examples):
        token_ids[row, : len(example.tokens)] = [_IDS[t] for t in example.tokens]
    as_array = lambda values: np.array(values, dtype=np.int64)  # noqa: E731
    return Batch(
        token_ids,
        as_array([len(e.tokens) for e in examples]),
        as_array([e.target for e in examples]),
        as_array([e.context for e in examples]),
        as_array([e.label for e in examples]),
    )
