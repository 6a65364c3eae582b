"""The mask explorer's front end (js/mask.js) against the package, to 1e-6.

The JS computes what the website shows from the page state the Python class ships (the
toy vocabulary and the seeded projections); here every preset sentence, mask and number
of heads, seeded random sentences and projections, and typed sentences must give the
weights of ``multi_head_attention``, the package's tokens, and the same refusals.
"""

from __future__ import annotations

import string
import unicodedata

import numpy as np
import pytest

from js_helpers import JSError, assert_agrees
from selfattention.embeddings import SENTENCES, VOCABULARY, embed, embed_sentence, tokenize
from selfattention.multihead import multi_head_attention
from selfattention.widgets.mask_explorer import (
    HEAD_CHOICES,
    MASK_KINDS,
    MAX_TOKENS,
    MaskExplorer,
    allowed_pairs,
)

MODULE = "mask.js"


def fixed(explorer: MaskExplorer) -> dict:
    state = explorer.page_state()
    return {k: state[k] for k in ("vocabulary", "features", "projections", "choices")}


@pytest.fixture(scope="module")
def explorer():
    return MaskExplorer()


def view(js, explorer, **state):
    full = {"sentence": explorer.sentence, "mask": explorer.mask,
            "n_heads": explorer.n_heads, "pad": explorer.pad, **state}
    return js("computeView", full, fixed(explorer), module=MODULE)


CASES = [
    (sentence, kind, n_heads, pad)
    for sentence in dict.fromkeys(SENTENCES.values())
    for kind in MASK_KINDS
    for n_heads in HEAD_CHOICES
    for pad in ((1, 3) if kind == "padding" else (1,))
]


@pytest.mark.parametrize("sentence, kind, n_heads, pad", CASES)
def test_every_preset_mask_and_head_count_agrees_with_the_package(js, explorer, sentence, kind,
                                                                 n_heads, pad):
    explorer.set_state({"sentence": sentence, "mask": kind, "n_heads": n_heads, "pad": pad})
    assert explorer.error == ""
    shown = view(js, explorer)
    assert shown["tokens"] == explorer.tokens == tokenize(sentence)
    assert shown["allowed"] == explorer.allowed.tolist()
    assert np.array(shown["weights"]).shape == explorer.weights.shape
    assert_agrees(shown["weights"], explorer.weights)
    weights = np.array(shown["weights"])
    assert np.all(weights[:, ~explorer.allowed] == 0)  # exactly 0, not just small
    assert shown["masked"] == int((~explorer.allowed).sum())
    assert js("describe", shown, module=MODULE) == explorer.describe()
    assert js("summary", shown, module=MODULE) == explorer.summary()


def test_seeded_random_sentences_and_projections_agree(js):
    rng = np.random.default_rng(20261203)
    words = sorted(VOCABULARY)
    for _ in range(6):
        explorer = MaskExplorer(seed=int(rng.integers(0, 2**31)))
        for _case in range(5):
            n = int(rng.integers(1, MAX_TOKENS + 1))
            text = " ".join(str(rng.choice(words)) for _ in range(n))
            kind = str(rng.choice(MASK_KINDS if n > 1 else ("none", "causal")))
            state = {"sentence": text, "mask": kind, "n_heads": int(rng.choice(HEAD_CHOICES)),
                     "pad": int(rng.integers(1, n)) if n > 1 else 1}
            explorer.set_state(state)
            assert explorer.error == "", (state, explorer.error)
            assert_agrees(view(js, explorer)["weights"], explorer.weights)


def test_multi_head_attention_agrees_on_random_inputs_and_extremes(js):
    rng = np.random.default_rng(7)
    for n_tokens, d_model, n_heads, scale in [(1, 8, 1, 1.0), (5, 8, 4, 1.0), (7, 12, 3, 2.0),
                                              (12, 8, 2, 30.0), (3, 6, 6, 1e-3)]:
        x = rng.normal(size=(n_tokens, d_model))
        w_q, w_k, w_v = (rng.normal(scale=scale, size=(d_model, d_model)) for _ in range(3))
        w_o = rng.normal(size=(d_model, 5))
        mask = rng.random((n_tokens, n_tokens)) < 0.6
        mask[np.arange(n_tokens), rng.integers(0, n_tokens, n_tokens)] = True  # a key each
        output, weights = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads, mask=mask)
        shown = js("multiHeadAttention", x, w_q, w_k, w_v, w_o, n_heads, mask.tolist(),
                   module=MODULE)
        assert_agrees(shown["weights"], weights)
        assert_agrees(shown["output"], output)


def test_a_fully_masked_row_is_refused_by_both(js, explorer):
    x = np.asarray(embed_sentence("I love Apple phones")[1])
    mask = np.ones((4, 4), dtype=bool)
    mask[2] = False  # query 2 may attend to nothing
    w = explorer._w_q
    with pytest.raises(ValueError):
        multi_head_attention(x, w, w, w, np.eye(8), 2, mask=mask)
    with pytest.raises(JSError, match="query row 2 with no key"):
        js("multiHeadAttention", x, w, w, w, np.eye(8), 2, mask.tolist(), module=MODULE)
    # and the explorer's own way there: padding every token
    with pytest.raises(ValueError, match="leaves no real token"):
        allowed_pairs("padding", 4, 4)
    with pytest.raises(JSError, match="padding the last 4 of 4 tokens leaves no real token"):
        view(js, explorer, sentence="I love Apple phones", mask="padding", pad=4)


@pytest.mark.parametrize("kind, n, pad", [("none", 3, 1), ("causal", 5, 1), ("padding", 6, 2),
                                          ("padding", 2, 1), ("causal", 1, 1)])
def test_masks_agree(js, kind, n, pad):
    assert js("allowedPairs", kind, n, pad, module=MODULE) == allowed_pairs(kind, n, pad).tolist()


TYPED = [
    "I love Apple phones",
    "  the CAT sat on the MAT!!  ",
    "The animal didn't cross the street; it was too tired.",
    "didn't'",
    "a'b ' 'cat' it's 12 apples",
    "café naïve résumé",
    "cafe\u0301 au lait",  # a combining accent, composed by NFC
    "Straße STRASSE",
    "नमस्ते दुनिया",
    "ǅemal ǈ x",
    "123 !!! ...",
    "",
    "ſaw İt ﬁne",
    "e\u0301\u0301x a\u0300'b",
]


WORDS = "embeddings.js"  # the tokenizer and word key the explorers share


def _package_tokens(text: str) -> list[str]:
    try:
        return tokenize(text)
    except ValueError:  # the package refuses a text without words; the JS gives none
        return []


@pytest.mark.parametrize("text", TYPED)
def test_tokenize_is_the_packages(js, text):
    assert js("tokenize", text, module=WORDS) == _package_tokens(text)


def test_tokenize_agrees_on_every_letter_and_mark_python_knows(js):
    """Each code point Python's Unicode data assigns, between letters, as tokens."""
    points = [chr(c) for c in range(0x20, 0x30000)
              if unicodedata.category(chr(c)) != "Cn" and not 0xD800 <= c < 0xE000]
    for start in range(0, len(points), 20000):
        chunk = points[start:start + 20000]
        text = " ".join(f"a{c}b" for c in chunk)
        assert js("tokenize", text, module=WORDS) == _package_tokens(text)


def test_word_keys_reach_the_vocabulary_exactly_as_casefold_does(js):
    """Where casefold gives ASCII letters (all the vocabulary needs), the JS key is the same."""
    letters = [chr(c) for c in range(0x41, 0x30000)
               if unicodedata.category(chr(c)).startswith("L")]
    keys = js("wordKey", "\x01".join(letters), module=WORDS).split("\x01")
    assert len(keys) == len(letters)
    ascii_ = set(string.ascii_lowercase + "'")
    for letter, key in zip(letters, keys):
        folded = unicodedata.normalize("NFC", letter).casefold()
        if set(folded) <= ascii_ or set(key) <= ascii_:
            assert key == folded, (letter, hex(ord(letter)), key, folded)


@pytest.mark.parametrize("text", ["APPLE Phones", "ſaw the bank", "ﬁne", "Straße", "İt was"])
def test_known_or_not_as_the_package_says(js, explorer, text):
    known = all(embed(word).known for word in tokenize(text))
    try:
        js("embedKnown", text, fixed(explorer)["vocabulary"], MAX_TOKENS, module=WORDS)
        shown = True
    except JSError:
        shown = False
    assert shown == known


@pytest.mark.parametrize(
    "state, words",
    [
        ({"sentence": ""}, "has no words"),
        ({"sentence": "!!! 42"}, "has no words"),
        ({"sentence": "I love zebra phones"}, "'zebra' is not in the toy vocabulary"),
        ({"sentence": " ".join(["cat"] * (MAX_TOKENS + 1))}, f"at most {MAX_TOKENS}"),
        ({"sentence": 3}, "sentence must be a str"),
        ({"mask": "banded"}, "mask must be one of none, causal, padding"),
        ({"n_heads": 3}, "n_heads must be one of 1, 2, 4"),
        ({"n_heads": 2.5}, "n_heads must be a whole number"),
        ({"n_heads": "2"}, "n_heads must be a whole number"),
        ({"pad": 0}, "pad must be a whole number from 1 to 11"),
        ({"pad": 1e300}, "pad must be a whole number from 1 to 11"),
        ({"pad": 1.5}, "pad must be a whole number"),
        ({"mask": "padding", "pad": 4}, "leaves no real token"),
    ],
)
def test_bad_states_are_refused_by_both(js, state, words):
    explorer = MaskExplorer()
    with pytest.raises(JSError, match=words.replace("(", r"\(")):
        view(js, explorer, **state)
    before = explorer.weights.copy()
    explorer.set_state(state)
    assert explorer.error != ""
    np.testing.assert_array_equal(explorer.weights, before)


def test_same_refusal_words_for_an_unknown_word(js):
    explorer = MaskExplorer()
    explorer.set_state({"sentence": "I love zebra phones"})
    with pytest.raises(JSError) as refused:
        view(js, explorer, sentence="I love zebra phones")
    assert str(refused.value) == explorer.error


def test_module_stays_lean():
    from selfattention.widgets._base import js_source

    assert len(js_source(MODULE).encode("utf-8")) < 25_000
    assert len(__import__("json").dumps(MaskExplorer().page_state())) < 150_000

