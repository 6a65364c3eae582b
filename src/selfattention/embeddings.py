"""A toy embedding space whose axes have names, so every number can be read.

Real embeddings have hundreds of unnamed dimensions. Here each dimension is a
feature a reader can name, and every word of the book's example sentences has a
hand-set vector. The numbers are chosen so that the narrative's worked dot
products hold exactly: Apple·love = -2, Apple·Apple = 8, Apple·phones = 8.

A word outside the vocabulary gets a deterministic *fallback* vector (from a
hash of the word, so it is the same every run) and is flagged as such, so a
chapter or widget can label it clearly instead of failing.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

import numpy as np

__all__ = [
    "FEATURES",
    "VOCABULARY",
    "SENTENCES",
    "Embedding",
    "embed",
    "embed_sentence",
    "feature_vector",
    "tokenize",
]

FEATURES = ("technology", "fruit", "object", "feeling", "action", "nature", "animal", "money")
"""The named axes of the toy space, in order."""

_F = {name: i for i, name in enumerate(FEATURES)}


def feature_vector(**features: float) -> np.ndarray:
    """A vector of the toy space from named features; the others are 0.

    >>> feature_vector(technology=2, fruit=2)
    array([2., 2., 0., 0., 0., 0., 0., 0.])
    """
    vector = np.zeros(len(FEATURES))
    for name, value in features.items():
        if name not in _F:
            raise ValueError(f"unknown feature {name!r}; the features are {', '.join(FEATURES)}")
        vector[_F[name]] = value
    return vector


_vec = feature_vector  # short name for the table below


VOCABULARY: dict[str, np.ndarray] = {
    # the Apple sentences: one vector for "Apple" and "apple" alike
    "apple": _vec(technology=2, fruit=2),
    "phones": _vec(technology=3, fruit=1, object=1),
    "phone": _vec(technology=3, fruit=1, object=1),
    "juice": _vec(fruit=3, object=0.5),
    "pie": _vec(fruit=2.5, object=1),
    "laptop": _vec(technology=3, object=1),
    "love": _vec(technology=-0.5, fruit=-0.5, object=-1, feeling=3),
    "i": _vec(feeling=0.5, action=0.5),
    "watch": _vec(technology=1, object=1.5, action=1.5),
    "device": _vec(technology=2.5, object=1.5),
    # "light" is one word with several meanings; its single vector sits between them
    "light": _vec(object=0.5, action=0.5, nature=1),
    # bank by the river, bank with the money
    "bank": _vec(object=0.5, nature=1, money=1.5),
    "river": _vec(nature=3),
    "money": _vec(object=0.5, money=3),
    "saw": _vec(action=2),
    "near": _vec(nature=0.2),
    # the cat and animal sentences
    "the": _vec(object=0.1),
    "a": _vec(object=0.1),
    "cat": _vec(object=0.5, feeling=0.5, animal=3),
    "animal": _vec(object=0.5, animal=3),
    "sat": _vec(action=1.5),
    "on": _vec(object=0.2),
    "mat": _vec(object=2),
    "because": _vec(),
    "it": _vec(object=0.3, animal=0.3),
    "was": _vec(action=0.3),
    "tired": _vec(feeling=1.5, animal=1),
    "didn't": _vec(action=0.5),
    "cross": _vec(action=2),
    "street": _vec(object=1.5, nature=0.5),
    "too": _vec(),
}
"""Word (lower case) -> its static vector over :data:`FEATURES`."""

SENTENCES = {
    "apple phones": "I love Apple phones",
    "apple juice": "I love apple juice",
    "apple watch": "I love Apple watch",
    "bank": "I saw the bank near the river",
    "cat": "The cat sat on the mat because it was tired",
    "animal": "The animal didn't cross the street because it was too tired",
}
"""The book's example sentences, by a short name."""

def _word_end(text: str, start: int) -> int:
    """Where the run of letters and combining marks that starts at ``start`` ends."""
    end = start
    while end < len(text) and (text[end].isalpha() or unicodedata.category(text[end])[0] == "M"):
        end += 1
    return end


def tokenize(sentence: str) -> list[str]:
    """Split a sentence into word tokens, dropping punctuation and digits; keeps the case.

    A word is a run of letters of any script, with their accents and other
    combining marks ("café", "naïve", "नमस्ते"), and may carry one
    apostrophe followed by more letters ("didn't"). The sentence is first
    put in Unicode NFC form, so an accent typed as a separate combining
    character gives the same token as the precomposed letter.

    >>> tokenize("I love café au lait!")
    ['I', 'love', 'café', 'au', 'lait']
    """
    if not isinstance(sentence, str):
        raise TypeError(f"sentence must be a string, got {type(sentence).__name__}")
    text = unicodedata.normalize("NFC", sentence)
    tokens, i = [], 0
    while i < len(text):
        if not text[i].isalpha():
            i += 1
            continue
        end = _word_end(text, i)
        if text[end:end + 1] == "'" and text[end + 1:end + 2].isalpha():
            end = _word_end(text, end + 1)
        tokens.append(text[i:end])
        i = end
    if not tokens:
        raise ValueError(f"sentence has no words: {sentence!r}")
    return tokens


@dataclass(frozen=True)
class Embedding:
    """One word's static vector, and whether it came from the vocabulary."""

    word: str
    vector: np.ndarray
    known: bool

    @property
    def label(self) -> str:
        """The word, marked when its vector is only a fallback."""
        return self.word if self.known else f"{self.word} (unknown: fallback vector)"


def _key(word: str) -> str:
    """The vocabulary key of a word: NFC form, case folded ("Straße" and "STRASSE" match)."""
    return unicodedata.normalize("NFC", word.strip()).casefold()


def _fallback(key: str) -> np.ndarray:
    """A small vector from a hash of the word's key: the same every run, on every machine."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    seed = int.from_bytes(digest[:8], "little")
    # "+ 0.0" turns any -0.0 from rounding into 0.0, so printed vectors stay tidy
    return np.round(np.random.default_rng(seed).normal(scale=0.5, size=len(FEATURES)), 2) + 0.0


def embed(word: str, *, strict: bool = False) -> Embedding:
    """The static vector of ``word``: the same in every sentence.

    Case does not matter ("Apple" and "apple" share one vector, which is the
    whole problem this book solves), nor does how an accent was typed. An
    unknown word raises a ``KeyError`` naming the known words when
    ``strict``; otherwise it gets a small deterministic fallback vector
    with ``known=False``. Accents count: "café" and "cafe" are different
    words with different fallback vectors.
    """
    if not isinstance(word, str):
        raise TypeError(f"word must be a string, got {type(word).__name__}")
    key = _key(word)
    if not key:
        raise ValueError("word is empty")
    if key in VOCABULARY:
        return Embedding(word, VOCABULARY[key].copy(), True)
    if strict:
        raise KeyError(
            f"{word!r} is not in the toy vocabulary; known words: {', '.join(sorted(VOCABULARY))}"
        )
    return Embedding(word, _fallback(key), False)


def embed_sentence(sentence: str, *, strict: bool = False) -> tuple[list[Embedding], np.ndarray]:
    """Tokenize ``sentence`` and stack its static vectors.

    Returns
    -------
    embeddings : list of Embedding
        One per token, in order, each saying whether it was known.
    x : numpy.ndarray, shape (T, len(FEATURES))
        The vectors as rows: the input matrix ``X`` of the later chapters.
    """
    embeddings = [embed(token, strict=strict) for token in tokenize(sentence)]
    return embeddings, np.stack([e.vector for e in embeddings])
