"""The toy embedding space: named axes, the narrative's dot products, fallbacks."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest

import selfattention as sa
from selfattention.embeddings import (
    FEATURES,
    SENTENCES,
    VOCABULARY,
    embed,
    embed_sentence,
    tokenize,
)


def test_axes_include_the_narratives_features():
    assert {"technology", "fruit", "object"} <= set(FEATURES)
    assert all(v.shape == (len(FEATURES),) for v in VOCABULARY.values())


def test_narrative_dot_products_hold_exactly():
    apple = embed("Apple").vector
    assert sa.dot(apple, embed("love").vector) == -2
    assert sa.dot(apple, apple) == 8
    assert sa.dot(apple, embed("phones").vector) == 8


def test_apple_is_the_same_vector_in_both_sentences():
    phones, x_phones = embed_sentence(SENTENCES["apple phones"])
    juice, x_juice = embed_sentence(SENTENCES["apple juice"])
    assert [e.word for e in phones] == ["I", "love", "Apple", "phones"]
    np.testing.assert_array_equal(x_phones[2], x_juice[2])
    apple = x_phones[2]
    assert apple[FEATURES.index("technology")] == apple[FEATURES.index("fruit")]  # half and half


def test_every_example_sentence_is_fully_known():
    for sentence in SENTENCES.values():
        embeddings, x = embed_sentence(sentence, strict=True)
        assert all(e.known for e in embeddings)
        assert x.shape == (len(embeddings), len(FEATURES))


def test_unknown_word_gets_a_labelled_deterministic_fallback():
    first, second = embed("zebra"), embed("Zebra")
    assert not first.known and "unknown" in first.label
    np.testing.assert_array_equal(first.vector, second.vector)
    assert not np.array_equal(first.vector, embed("giraffe").vector)
    with pytest.raises(KeyError, match="'zebra' is not in the toy vocabulary"):
        embed("zebra", strict=True)


def test_words_with_accents_stay_whole():
    assert tokenize("café au lait") == ["café", "au", "lait"]
    assert tokenize("Crème brûlée, naïve façade!") == ["Crème", "brûlée", "naïve", "façade"]
    assert tokenize("Straße Ärger Øl") == ["Straße", "Ärger", "Øl"]
    assert tokenize("нейронная сеть") == ["нейронная", "сеть"]
    # combining marks belong to the letter before them: Devanagari vowel signs and virama
    assert tokenize("नमस्ते दुनिया") == ["नमस्ते", "दुनिया"]
    # the same accent typed as e + a combining acute comes back as one precomposed letter
    decomposed = unicodedata.normalize("NFD", "café")
    assert len(decomposed) == 5 and tokenize(decomposed) == ["café"]
    # apostrophes still join, in any case
    assert tokenize("DIDN'T l'été") == ["DIDN'T", "l'été"]
    assert embed("DIDN'T").known


def test_accented_words_get_their_own_fallback_vector():
    embeddings, x = embed_sentence("café au lait")
    assert [e.word for e in embeddings] == ["café", "au", "lait"]
    assert x.shape == (3, len(FEATURES))
    cafe = embeddings[0]
    assert not cafe.known and cafe.label == "café (unknown: fallback vector)"
    # the accent is part of the word: "café" is not "caf", nor "cafe"
    assert not np.array_equal(cafe.vector, embed("caf").vector)
    assert not np.array_equal(cafe.vector, embed("cafe").vector)
    # but case and the way the accent was typed do not matter
    for spelling in ("CAFÉ", "Café", unicodedata.normalize("NFD", "café")):
        np.testing.assert_array_equal(embed(spelling).vector, cafe.vector)
    # German sharp s: "STRASSE" is the upper case of "straße"
    np.testing.assert_array_equal(embed("STRASSE").vector, embed("straße").vector)


def test_embedding_returns_a_copy():
    embed("apple").vector[0] = 99
    assert embed("apple").vector[0] == 2


def test_tokenize_and_bad_input():
    assert tokenize("The animal didn't cross the street.") == ["The", "animal", "didn't", "cross", "the", "street"]
    with pytest.raises(ValueError, match="no words"):
        tokenize("  ...  ")
    with pytest.raises(TypeError, match="sentence must be a string"):
        tokenize(["apple"])
    with pytest.raises(ValueError, match="word is empty"):
        embed(" ")


def test_feature_vector_names_its_axes():
    from selfattention.embeddings import feature_vector

    np.testing.assert_array_equal(feature_vector(technology=2, fruit=2), embed("apple").vector)
    with pytest.raises(ValueError, match="unknown feature 'colour'"):
        feature_vector(colour=1)
