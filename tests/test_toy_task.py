"""The apple task: seeded, balanced, split cleanly, built from known words."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from selfattention.embeddings import FEATURES, VOCABULARY
from selfattention.toy_task import (
    AMBIGUOUS,
    CONTEXT_WORDS,
    FILLERS,
    LABELS,
    PAD,
    TEMPLATES,
    VOCAB,
    Example,
    embedding_matrix,
    encode,
    example_from_text,
    make_dataset,
    make_examples,
    word_vector,
)


def _context_words(label: str) -> set[str]:
    return set(CONTEXT_WORDS[label]["train"]) | set(CONTEXT_WORDS[label]["heldout"])


def test_same_seed_same_sentences_other_seed_other_sentences():
    first, again = make_dataset(seed=3), make_dataset(seed=3)
    assert first == again
    other = make_dataset(seed=4)
    assert [e.tokens for e in first.train] != [e.tokens for e in other.train]


@pytest.mark.parametrize("split, n", [("train", 512), ("heldout", 256), ("train", 2)])
def test_labels_balance_exactly(split, n):
    examples = make_examples(n, split, seed=1)
    assert len(examples) == n
    assert Counter(e.label for e in examples) == {0: n // 2, 1: n // 2}


def test_splits_share_no_context_word_and_no_sentence():
    data = make_dataset()
    train_words = {e.context_word for e in data.train}
    heldout_words = {e.context_word for e in data.heldout}
    assert train_words.isdisjoint(heldout_words)
    assert heldout_words == {w for label in LABELS for w in CONTEXT_WORDS[label]["heldout"]}
    assert {e.tokens for e in data.train}.isdisjoint({e.tokens for e in data.heldout})
    for label in LABELS:
        assert set(CONTEXT_WORDS[label]["train"]).isdisjoint(CONTEXT_WORDS[label]["heldout"])
    assert _context_words("fruit").isdisjoint(_context_words("company"))


def test_each_sentence_has_one_apple_and_one_context_word_that_sets_its_label():
    for example in make_dataset().train + make_dataset().heldout:
        assert example.tokens.count(AMBIGUOUS) == 1
        assert example.tokens[example.target] == AMBIGUOUS
        contexts = [t for t in example.tokens if t in _context_words("fruit") | _context_words("company")]
        assert contexts == [example.context_word]
        assert example.context_word in _context_words(LABELS[example.label])


def test_context_word_moves_around_so_position_cannot_give_the_answer():
    examples = make_examples(512, seed=0)
    for label in (0, 1):
        positions = Counter(e.context for e in examples if e.label == label)
        assert len(positions) >= 5
        assert max(positions.values()) < 0.5 * sum(positions.values())
    offsets = Counter(e.context - e.target for e in examples)
    assert len(offsets) >= 5  # the context word is not always right after apple


def test_fillers_appear_as_often_in_both_classes():
    examples = make_examples(4000, seed=2)
    for filler in FILLERS:
        per_label = [sum(e.tokens.count(filler) for e in examples if e.label == label) for label in (0, 1)]
        assert abs(per_label[0] - per_label[1]) < 0.25 * max(per_label)


def test_max_fillers_bounds_the_sentence_length():
    longest_template = max(len(t) for t in TEMPLATES)
    assert max(len(e.tokens) for e in make_examples(200, max_fillers=0)) <= longest_template
    assert all(len(e.tokens) <= longest_template + 4 for e in make_examples(200))
    assert max(len(e.tokens) for e in make_examples(200)) > longest_template


def test_vocabulary_and_embedding_matrix():
    assert VOCAB[0] == PAD and len(set(VOCAB)) == len(VOCAB)
    words = {t for e in make_dataset().train + make_dataset().heldout for t in e.tokens}
    assert words <= set(VOCAB)
    table = embedding_matrix()
    assert table.shape == (len(VOCAB), len(FEATURES))
    np.testing.assert_array_equal(table[0], 0)
    np.testing.assert_array_equal(table[VOCAB.index("apple")], VOCABULARY["apple"])  # the book's apple
    np.testing.assert_array_equal(table[VOCAB.index("juice")], VOCABULARY["juice"])
    # every context word has a vector of its own, and no held-out word copies a training word
    contexts = _context_words("fruit") | _context_words("company")
    assert len({tuple(word_vector(w)) for w in contexts}) == len(contexts)
    heldout = {w for label in LABELS for w in CONTEXT_WORDS[label]["heldout"]}
    seen = {tuple(word_vector(w)) for w in VOCAB if w not in heldout}
    assert not {tuple(word_vector(w)) for w in heldout} & seen


def test_context_words_lean_the_right_way():
    tech, fruit = FEATURES.index("technology"), FEATURES.index("fruit")
    for word in _context_words("fruit"):
        assert word_vector(word)[fruit] > word_vector(word)[tech]
    for word in _context_words("company"):
        assert word_vector(word)[tech] > word_vector(word)[fruit]


def test_word_vector_returns_a_copy_and_refuses_unknown_words():
    word_vector("apple")[0] = 99
    assert word_vector("apple")[0] == 2
    with pytest.raises(KeyError, match="'banana' is not a word of the toy task"):
        word_vector("banana")
    with pytest.raises(TypeError, match="word must be a string"):
        word_vector(3)


def test_encode_pads_and_keeps_positions():
    examples = [Example(("i", "love", "apple", "pie"), 0, 2, 3), Example(("apple", "stock"), 1, 0, 1)]
    batch = encode(examples)
    assert batch.token_ids.shape == (2, 4) and batch.token_ids.dtype == np.int64
    assert batch.token_ids[1, 2:].tolist() == [0, 0]
    assert [VOCAB[i] for i in batch.token_ids[0]] == ["i", "love", "apple", "pie"]
    assert batch.lengths.tolist() == [4, 2]
    assert batch.targets.tolist() == [2, 0] and batch.contexts.tolist() == [3, 1]
    assert batch.labels.tolist() == [0, 1]
    assert encode(examples[0]).token_ids.shape == (1, 4)
    with pytest.raises(TypeError, match="non-empty list of Example"):
        encode([])


def test_example_from_text():
    example = example_from_text("Really I love apple CIDER")
    assert example.label == 0 and example.context_word == "cider" and example.target == 3
    assert example_from_text("smart apple shares").label == 1
    with pytest.raises(ValueError, match=r"unknown word\(s\) \['banana'\]"):
        example_from_text("i love apple banana")
    with pytest.raises(ValueError, match="'apple' exactly once"):
        example_from_text("i love pie")
    with pytest.raises(ValueError, match="exactly one context word, found 2"):
        example_from_text("apple pie laptop")
    with pytest.raises(TypeError, match="text must be a string"):
        example_from_text(None)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"n": 3}, ValueError, "n must be even"),
        ({"n": 0}, ValueError, "n must be at least 2"),
        ({"n": 2.0}, TypeError, "n must be an int"),
        ({"n": 4, "split": "test"}, ValueError, "split must be one of"),
        ({"n": 4, "seed": -1}, ValueError, "seed must be at least 0"),
        ({"n": 4, "max_fillers": -1}, ValueError, "max_fillers must be at least 0"),
    ],
)
def test_make_examples_refuses_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        make_examples(**kwargs)
