"""The first self-attention explorer's front end (js/first_attention.js) agrees with the
package, to 1e-6.

On the website the explorer computes S = X Xᵀ, softmax(S) and the outputs in the browser
from the static vectors shipped in the page. Here its ``computeView`` runs under Node on
every sentence of the book, edited vectors, seeded random vectors and the extremes of the
boxes' range, and is compared with what ``FirstAttentionExplorer`` computes with the
package for the same state; bad vectors must be refused with a message naming them.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from js_helpers import JSError, assert_agrees
from selfattention.embeddings import FEATURES, SENTENCES
from selfattention.first_attention import attends_most_to_itself, max_asymmetry
from selfattention.widgets.first_attention_explorer import FirstAttentionExplorer

MODULE = "first_attention.js"


@pytest.fixture(scope="module")
def page():
    """The page state the website seeds the front end with."""
    return FirstAttentionExplorer().page_state()


def _view(js, page, state):
    return js("computeView", state, page["sentences"], page["static"], page["features"],
              page["limit"], module=MODULE)


def _check(js, page, sentence, word, vectors):
    """computeView for this state agrees with the package, number by number and line by line."""
    explorer = FirstAttentionExplorer(sentence=sentence, word=word)
    explorer.vectors = vectors
    view = _view(js, page, {"sentence": sentence, "word": word, "vectors": vectors})
    assert view["tokens"] == explorer.tokens
    assert_agrees(view["x"], explorer.x)
    assert_agrees(view["scores"], explorer.result.scores)
    assert_agrees(view["weights"], explorer.result.weights)
    assert_agrees(view["output"], explorer.result.output)
    assert view["asymmetry"] == pytest.approx(explorer.asymmetry, abs=1e-6)
    assert view["own"] == [bool(flag) for flag in explorer.own]
    assert view["selfLine"] == explorer.self_line
    # the same line, with the same largest asymmetry to 1e-6 (torch's matrix product may
    # round S[i, j] and S[j, i] differently, by 1e-14; the JS sums both in the same order)
    shown, expected = (re.split(r"= (\S+)\. ", line, maxsplit=1) for line in
                       (view["symmetry"], explorer.symmetry))
    assert shown[0] == expected[0] and shown[2] == expected[2]
    assert float(shown[1]) == pytest.approx(float(expected[1]), abs=1e-6)
    index = view["index"]
    assert explorer.tokens[index].lower() == word
    assert_agrees(view["vector"], explorer.x[index])
    assert_agrees(view["after"], explorer.result.output[index])
    return view, explorer


@pytest.mark.parametrize("sentence", list(SENTENCES))
def test_every_sentence_with_its_static_vectors(js, page, sentence):
    words = next(s["words"] for s in page["sentences"] if s["key"] == sentence)
    for word in words:
        view, explorer = _check(js, page, sentence, word, {})
    assert view["symmetry"] == explorer.symmetry  # S exactly symmetric in both


def test_the_chapter_example_apple_phones(js, page):
    view, _ = _check(js, page, "apple phones", "apple", {})
    assert view["scores"][2][3] == 8.0 and view["scores"][2][1] == -2.0  # the chapter's dots
    assert view["selfLine"] == (
        "2 of 4 words give their largest weight to themselves (the diagonal): love, phones."
    )


@pytest.mark.parametrize(
    "sentence, word, vectors",
    [
        ("apple watch", "watch", {"watch": [4.0, 0.0, 1.5, 0.0, 1.5, 0.0, 0.0, 0.0]}),
        ("bank", "the", {"the": [0.0, 0.0, 5.0, 0.0, 0.0, 3.0, 0.0, 0.0]}),
        ("apple juice", "apple", {"apple": [0.0, 2.0, 0, 0, 0, 0, 0, 0], "juice": [0.1] * 8}),
        ("cat", "because", {"because": [0.0] * 8}),
    ],
)
def test_edited_vectors(js, page, sentence, word, vectors):
    _check(js, page, sentence, word, vectors)


@pytest.mark.parametrize("seed", range(12))
def test_seeded_random_vectors(js, page, seed):
    rng = np.random.default_rng(1200 + seed)
    sentence = list(SENTENCES)[seed % len(SENTENCES)]
    words = next(s["words"] for s in page["sentences"] if s["key"] == sentence)
    chosen = rng.choice(words, size=int(rng.integers(1, len(words) + 1)), replace=False)
    vectors = {str(w): [float(v) for v in np.round(rng.uniform(-10, 10, len(FEATURES)), 3)]
               for w in chosen}
    _check(js, page, sentence, str(rng.choice(words)), vectors)


@pytest.mark.parametrize("value", [10.0, -10.0])
def test_extremes_everywhere(js, page, value):
    words = next(s["words"] for s in page["sentences"] if s["key"] == "animal")
    view, _ = _check(js, page, "animal", "tired", {w: [value] * 8 for w in words})
    assert view["scores"][0][0] == 800.0
    assert view["own"] == [False] * 11  # every row uniform: ties do not count
    assert view["selfLine"].startswith("0 of 11 words") and view["selfLine"].endswith("none.")


def test_extremes_of_mixed_sign(js, page):
    rng = np.random.default_rng(7)
    words = next(s["words"] for s in page["sentences"] if s["key"] == "cat")
    vectors = {w: [float(v) for v in rng.choice([-10.0, 10.0], 8)] for w in words}
    _check(js, page, "cat", "cat", vectors)


@pytest.mark.parametrize(
    "state, words",
    [
        ({"vectors": {"apple": ["NaN"] + [0.0] * 7}}, "technology must be a real number, got NaN"),
        ({"vectors": {"apple": [0.0, "abc"] + [0.0] * 6}}, 'fruit must be a real number, got "abc"'),
        ({"vectors": {"apple": [0.0] * 7 + [10.5]}}, "money must lie in [-10, 10], got 10.5"),
        ({"vectors": {"apple": [-25.0] + [0.0] * 7}}, "technology must lie in [-10, 10], got -25"),
        ({"vectors": {"apple": ["Infinity"] + [0.0] * 7}}, "must lie in [-10, 10], got inf"),
        ({"vectors": {"apple": [1.0, 2.0]}}, "must have 8 features"),
        ({"vectors": {"pizza": [0.0] * 8}}, '"pizza" is not a word of the book\'s sentences'),
        ({"vectors": [1.0]}, "vectors must map words"),
        ({"word": "cat"}, "word must be one of the sentence's words"),
        ({"sentence": "pizza"}, "sentence must be one of"),
    ],
)
def test_bad_vectors_are_refused(js, page, state, words):
    with pytest.raises(JSError) as caught:
        _view(js, page, {"sentence": "apple phones", "word": "apple", "vectors": {}, **state})
    assert words in str(caught.value)


@pytest.mark.parametrize(
    "weights",
    [
        [[1.0]],
        [[0.5, 0.5], [0.2, 0.8]],
        [[0.4, 0.4, 0.2], [0.1, 0.6, 0.3], [0.3, 0.3, 0.4]],
        [[0.25] * 4] * 4,
    ],
)
def test_the_tie_rule_is_the_packages(js, weights):
    expected = attends_most_to_itself(np.array(weights))
    assert js("attendsMostToItself", weights, module=MODULE) == [bool(f) for f in expected]


def test_max_asymmetry_of_an_asymmetric_matrix(js, rng):
    matrix = rng.normal(size=(5, 5))
    assert js("maxAsymmetry", matrix, module=MODULE) == pytest.approx(max_asymmetry(matrix),
                                                                       abs=1e-12)


def test_the_description_names_each_words_largest_weight(js, page):
    explorer = FirstAttentionExplorer(sentence="apple watch")
    view = _view(js, page, {"sentence": "apple watch", "word": "apple", "vectors": {}})
    text = js("describe", view, module=MODULE)
    favourites = explorer.describe().split("Each word's largest weight: ")[1]
    assert text.endswith(f"Each word's largest weight: {favourites}")


def test_the_word_kept_across_sentences(js):
    assert js("defaultWord", ["i", "love", "apple", "juice"], "juice", module=MODULE) == "juice"
    assert js("defaultWord", ["i", "love", "apple", "juice"], "cat", module=MODULE) == "apple"
    assert js("defaultWord", ["the", "cat"], "apple", module=MODULE) == "the"
