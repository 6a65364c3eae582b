"""The embedding explorer's front end (js/embedding.js, js/embeddings.js) against the package.

The website computes what it shows from the page state the Python class ships: the toy
vocabulary, the features and the case-folding table. Here every preset sentence with
several words and feature pairs, seeded random sentences, typed words of many scripts
and extreme lengths must give the package's vectors (to 1e-6: they are equal), the same
fallback vectors for unknown words (the JS repeats SHA-256 and numpy's SeedSequence,
PCG64 and ziggurat normal draws), the same text, and the same refusals.
"""

from __future__ import annotations

import hashlib
import string
import sys
import unicodedata

import numpy as np
import pytest

from js_helpers import JSError, assert_agrees
from selfattention.embeddings import (
    FEATURES,
    SENTENCES,
    VOCABULARY,
    _key,
    embed,
    embed_sentence,
    tokenize,
)
from selfattention.widgets.embedding_explorer import (
    MAX_CHARS,
    MAX_TOKENS,
    EmbeddingExplorer,
    label_text,
    shorten,
)

MODULE = "embedding.js"
WORDS = "embeddings.js"


@pytest.fixture(scope="module")
def explorer():
    return EmbeddingExplorer()


def fixed(explorer: EmbeddingExplorer) -> dict:
    state = explorer.page_state()
    return {k: state[k] for k in ("vocabulary", "features", "fold", "choices")}


def view(js, explorer, **state):
    full = {"word": explorer.word, "sentence": explorer.sentence,
            "x_feature": explorer.x_feature, "y_feature": explorer.y_feature, **state}
    return js("computeView", full, fixed(explorer), module=MODULE)


def assert_same(js, explorer, shown):
    """The JS view of a state equals the explorer's reference for it."""
    ref = explorer.state
    assert shown["word"]["word"] == ref.word.word and shown["word"]["known"] == ref.word.known
    assert shown["word"]["label"] == ref.word.label
    assert_agrees(shown["word"]["vector"], ref.word.vector)
    assert [t["word"] for t in shown["tokens"]] == [t.word for t in ref.tokens]
    assert [t["known"] for t in shown["tokens"]] == [t.known for t in ref.tokens]
    assert_agrees(shown["x"], ref.x)
    assert shown["names"] == ref.names and shown["roles"] == ref.roles
    assert_agrees(shown["points"], ref.points)
    assert js("describe", shown, module=MODULE) == explorer.describe()
    parts = js("statusParts", shown, module=MODULE)
    assert [tuple(p) for p in parts] == explorer.status_parts()


PRESET_WORDS = ["apple", "Apple", "bank", "light", "river", "it", "banana", "zebra"]
PAIRS = [("technology", "fruit"), ("nature", "money"), ("animal", "feeling"), ("fruit", "fruit")]


@pytest.mark.parametrize("sentence", list(dict.fromkeys(SENTENCES.values())))
@pytest.mark.parametrize("x_feature, y_feature", PAIRS)
def test_every_preset_sentence_and_feature_pair_agrees(js, explorer, sentence, x_feature,
                                                       y_feature):
    for word in PRESET_WORDS:
        state = {"word": word, "sentence": sentence, "x_feature": x_feature,
                 "y_feature": y_feature}
        explorer.set_state(state)
        assert explorer.error == ""
        assert_same(js, explorer, view(js, explorer))


def test_the_chapter_worked_example(js, explorer):
    """Apple's vector is (2, 2, 0, ...), the same in every sentence; phones sits at (3, 1)."""
    explorer.set_state({"word": "Apple", "sentence": SENTENCES["apple phones"],
                        "x_feature": "technology", "y_feature": "fruit"})
    shown = view(js, explorer)
    assert shown["word"]["vector"] == VOCABULARY["apple"].tolist()
    assert shown["names"] == ["I", "love", "phones", "Apple"]
    assert shown["points"] == [[0, 0], [-0.5, -0.5], [3, 1], [2, 2]]
    juice = view(js, explorer, sentence=SENTENCES["apple juice"])
    assert juice["word"]["vector"] == shown["word"]["vector"]


def test_seeded_random_sentences_agree(js, explorer):
    rng = np.random.default_rng(20261203)
    words = sorted(VOCABULARY) + ["zebra", "Quux", "naïve", "dragon", "fruit"]
    for _ in range(40):
        n = int(rng.integers(1, MAX_TOKENS + 1))
        sentence = " ".join(str(rng.choice(words)).capitalize() if rng.random() < 0.3
                            else str(rng.choice(words)) for _ in range(n))
        state = {"word": str(rng.choice(words)), "sentence": sentence,
                 "x_feature": str(rng.choice(FEATURES)), "y_feature": str(rng.choice(FEATURES))}
        explorer.set_state(state)
        assert explorer.error == "", (state, explorer.error)
        assert_same(js, explorer, view(js, explorer))


TYPED_WORDS = [
    "zebra", "ZEBRA", "  banana  ", "café", "cafe\u0301", "naïve", "Straße", "STRASSE", "ſaw",
    "İstanbul", "ﬁne", "ΣΟΦΙΑ", "σοφια", "ς", "नमस्ते", "日本", "🙂", "x", "apple!", "didn't",
    "Ǆ", "ǅemal", "ﬃ", "K", "Å", "\u1e9e", "a" * MAX_CHARS, "é" * MAX_CHARS,
    "Supercalifragilisticexpialidocious",
]


@pytest.mark.parametrize("word", TYPED_WORDS)
def test_typed_words_get_the_package_vector_known_or_fallback(js, explorer, word):
    got = js("embed", word.strip(), fixed(explorer)["vocabulary"], fixed(explorer)["fold"],
             len(FEATURES), module=WORDS)
    reference = embed(word.strip())
    assert got["known"] == reference.known
    assert got["vector"] == reference.vector.tolist()  # exactly: the same 2-decimal numbers
    explorer.set_state({"word": word, "sentence": SENTENCES["cat"]})
    assert explorer.error == ""
    assert_same(js, explorer, view(js, explorer, word=word, sentence=SENTENCES["cat"]))


def test_fallback_vectors_of_random_words_are_the_package_ones(js, explorer):
    rng = np.random.default_rng(5)
    alphabet = string.ascii_letters + "éèüßçñøåæœ'αβγδσςжщ中文"
    for _ in range(300):
        word = "".join(rng.choice(list(alphabet), size=int(rng.integers(1, 25))))
        key = _key(word)
        shown = js("fallbackVector", key, len(FEATURES), module=WORDS)
        assert shown == embed(word).vector.tolist() or embed(word).known, word


def test_sha256_and_numpy_draws_agree(js):
    for text in ["", "abc", "apple", "é" * 100, "🙂" * 40, "x" * 1000]:
        assert js("sha256Hex", text, module=WORDS) == hashlib.sha256(text.encode()).hexdigest()
    rng = np.random.default_rng(11)
    seeds = [0, 1, 2**32 - 1, 2**32, 2**63 + 5, 2**64 - 1] + [
        int(s) for s in rng.integers(0, 2**63, size=20)]
    for seed in seeds:
        state = js("seedSequenceState", str(seed), 8, module=WORDS)
        assert state == np.random.SeedSequence(seed).generate_state(8).tolist()
        raw = js("rawDraws", str(seed), 6, module=WORDS)
        assert [int(r) for r in raw] == np.random.default_rng(seed).bit_generator.random_raw(
            6).tolist()
        draws = js("normals", str(seed), 64, module=WORDS)  # 64 draws reach the tails too
        np.testing.assert_allclose(draws, np.random.default_rng(seed).normal(size=64),
                                   rtol=0, atol=1e-12)


def test_numpy_rounding_to_two_decimals(js):
    values = [0.125, -0.125, 0.135, 1.005, -2.675, 0.0, -0.0, 0.994999, 12.345, -0.004]
    assert js("round2", values[0], module=WORDS) == float(np.round(values[0], 2))
    for value in values:
        assert js("round2", value, module=WORDS) == float(np.round(value, 2) + 0.0), value


def test_every_character_is_keyed_as_python_keys_it(js, explorer):
    """NFC, strip and casefold of each assigned character: JS and Python agree on all of them."""
    fold = fixed(explorer)["fold"]
    assigned = [c for c in range(sys.maxunicode + 1)
                if unicodedata.category(chr(c)) not in ("Cn", "Cs")]
    for start in range(0, len(assigned), 20_000):
        codes = assigned[start:start + 20_000]
        shown = {code: key for code, key in js("keysThatDiffer", fold, codes, module=WORDS)}
        expected = {c: _key(chr(c)) for c in codes if _key(chr(c)) != chr(c)}
        assert shown == expected


@pytest.mark.parametrize("sentence", [
    "I love Apple phones", "  the CAT sat on the MAT!!  ",
    "The animal didn't cross the street; it was too tired.", "a'b ' 'cat' it's 12 apples",
    "cafe\u0301 au lait", "नमस्ते दुनिया", "ǅemal ǈ x", "ſaw İt ﬁne",
])
def test_tokens_agree(js, sentence):
    assert js("tokenize", sentence, module=WORDS) == tokenize(sentence)


def test_strip_and_split_are_pythons(js):
    for text in ["  a  b ", "\x1c\x1da\x85b\u3000", "\ufeffx", "\t\n", "a\u2028b", ""]:
        assert js("pyStrip", text, module=WORDS) == text.strip()
        assert js("pySplit", text, module=WORDS) == text.split()


@pytest.mark.parametrize("text, limit", [("I love Apple phones", 38), ("a" * 50, 16),
                                         ("  spaced   out  words ", 12), ("é" * 20, 5)])
def test_shortening_agrees(js, text, limit):
    assert js("shorten", text, limit, module=MODULE) == shorten(text, limit)


@pytest.mark.parametrize("name", ["apple", "Supercalifragilisticexpialidocious",
                                  "Supercalifragilisticexpialidocious (fallback)",
                                  "zebra (fallback)", "a" * 16, "a" * 17 + " (fallback)"])
def test_view_labels_keep_the_fallback_mark_when_shortened(js, name):
    assert js("labelText", name, module=MODULE) == label_text(name)
    assert label_text(name).endswith("(fallback)") == name.endswith("(fallback)")


def test_extreme_lengths_are_accepted_up_to_the_limits(js, explorer):
    longest = "w" * MAX_CHARS
    sentence = " ".join([longest] + ["cat"] * (MAX_TOKENS - 1))
    explorer.set_state({"word": longest, "sentence": sentence})
    assert explorer.error == ""
    assert_same(js, explorer, view(js, explorer, word=longest, sentence=sentence))


BAD = [
    ({"word": ""}, "word is empty"),
    ({"word": "   "}, "word is empty"),
    ({"word": "apple juice"}, "word must be a single word, got 'apple juice'"),
    ({"word": "w" * (MAX_CHARS + 1)}, f"word has {MAX_CHARS + 1} characters"),
    ({"sentence": ""}, "the sentence has no words"),
    ({"sentence": "  123 ... !!"}, "the sentence has no words"),
    ({"sentence": " ".join(["cat"] * (MAX_TOKENS + 1))}, f"at most {MAX_TOKENS}"),
    ({"sentence": "I love " + "z" * (MAX_CHARS + 1)}, f"has {MAX_CHARS + 1} characters"),
    ({"x_feature": "colour"}, "x_feature='colour' is not a feature"),
    ({"y_feature": "Fruit"}, "y_feature='Fruit' is not a feature"),
]


@pytest.mark.parametrize("state, words", BAD)
def test_bad_states_are_refused_by_both_with_the_same_message(js, state, words):
    explorer = EmbeddingExplorer()
    explorer.set_state(state)
    assert words in explorer.error
    with pytest.raises(JSError) as raised:
        view(js, explorer, **state)
    assert str(raised.value) == explorer.error


@pytest.mark.parametrize("state", [{"word": 3}, {"sentence": None}, {"x_feature": 1},
                                   {"y_feature": ["fruit"]}])
def test_values_of_the_wrong_type_are_refused_by_both(js, state):
    explorer = EmbeddingExplorer()
    explorer.set_state(state)
    assert "must be" in explorer.error
    with pytest.raises(JSError, match="must be"):
        view(js, explorer, **state)


def test_the_package_words_are_the_ones_the_sentence_embeds(explorer):
    # the reference the JS is compared with is the package's embed_sentence itself
    tokens, x = embed_sentence(SENTENCES["bank"])
    explorer.set_state({"sentence": SENTENCES["bank"]})
    np.testing.assert_array_equal(explorer.state.x, x)
    assert [t.word for t in explorer.state.tokens] == [t.word for t in tokens]
