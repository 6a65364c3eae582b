"""The first self-attention explorer, driven headless: its state is a sentence, a word
and the reader's edited vectors.

Setting them (as a cell does, or the front end through ``set_state``) recomputes the
package's reference (``.result``); the front end's own computation is compared with it
in test_js_first_attention.py.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from selfattention.embeddings import FEATURES, SENTENCES, embed, embed_sentence
from selfattention.first_attention import attends_most_to_itself, weightless_self_attention
from selfattention.widgets._base import LiveWidget
from selfattention.widgets.first_attention_explorer import FEATURE_LIMIT, FirstAttentionExplorer

TECH = FEATURES.index("technology")


def test_opens_on_apple_phones_with_apple_selected():
    explorer = FirstAttentionExplorer()
    assert isinstance(explorer, LiveWidget)
    assert explorer.tokens == ["I", "love", "Apple", "phones"]
    assert explorer.word == "apple" and explorer.vectors == {}
    np.testing.assert_array_equal(explorer.vector_of("apple"), embed("apple").vector)
    assert explorer.features == list(FEATURES)
    expected = weightless_self_attention(embed_sentence(SENTENCES["apple phones"])[1])
    np.testing.assert_allclose(explorer.result.weights, expected.weights)
    assert "max |S − Sᵀ| = 0." in explorer.symmetry
    assert explorer.self_line.startswith("2 of 4 words")
    assert explorer.error == ""


def test_the_page_ships_every_sentence_and_its_static_vectors():
    explorer = FirstAttentionExplorer()
    state = explorer.page_state()
    assert [s["key"] for s in state["sentences"]] == list(SENTENCES)
    for sentence in state["sentences"]:
        tokens, x = embed_sentence(sentence["text"])
        assert sentence["tokens"] == [t.word for t in tokens]
        for token, row in zip(sentence["tokens"], x):
            assert state["static"][token.lower()] == list(row)
    assert state["limit"] == FEATURE_LIMIT and state["vectors"] == {}
    assert len(json.dumps(state)) < 10_000  # modest page data
    assert 'data-sa-widget="first_attention"' in explorer.page_html()
    assert 'from "./' not in FirstAttentionExplorer._esm  # the Lab bundle is self-contained


def test_editing_a_feature_updates_scores_weights_and_table():
    explorer = FirstAttentionExplorer()
    table = explorer.table_html()
    explorer.edit("technology", 4.0)  # Apple becomes mostly technology
    assert explorer.vectors == {"apple": [4.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]}
    assert explorer.x[2, TECH] == 4.0
    assert explorer.result.scores[2, 3] == pytest.approx(4 * 3 + 2 * 1)  # with phones
    assert explorer.table_html() != table
    assert "max |S − Sᵀ| = 0." in explorer.symmetry  # still symmetric
    assert explorer.error == ""


def test_a_state_from_the_front_end_is_used_exactly():
    explorer = FirstAttentionExplorer()
    typed = [0.1, -9.99, 10.0, -10.0, 0.0, 1e-7, 3.3333, 2.5]
    explorer.set_state({"sentence": "cat", "word": "cat", "vectors": {"cat": typed}})
    assert explorer.error == ""
    assert explorer.vectors == {"cat": typed}
    np.testing.assert_array_equal(explorer.x[1], typed)
    x = np.stack([typed if t.lower() == "cat" else embed(t).vector for t in explorer.tokens])
    np.testing.assert_allclose(explorer.result.output, weightless_self_attention(x).output)


@pytest.mark.parametrize(
    "state, words",
    [
        ({"vectors": {"apple": [25.0] + [0.0] * 7}}, "vectors['apple'][0] must lie in [-10, 10]"),
        ({"vectors": {"apple": [float("nan")] + [0.0] * 7}}, "vectors['apple'][0]"),
        ({"vectors": {"apple": ["abc"] + [0.0] * 7}}, "must be a real number"),
        ({"vectors": {"apple": [1.0, 2.0]}}, "must have 8 features"),
        ({"vectors": {"pizza": [0.0] * 8}}, "'pizza' is not a word of the book's sentences"),
        ({"vectors": [1.0]}, "vectors must map words"),
        ({"word": "cat"}, "word must be one of the sentence's words"),
        ({"sentence": "pizza"}, "sentence must be one of"),
        ({"sentence": "bank"}, "sentence 'bank' has no word 'apple'"),
        ({"sentence": "bank", "word": "bank", "vectors": {"bank": [99.0] * 8}}, "must lie in"),
    ],
)
def test_bad_states_from_the_front_end_are_refused_whole_and_the_next_good_one_clears(state, words):
    explorer = FirstAttentionExplorer()
    explorer.edit("fruit", 1.0)
    before = (explorer.sentence, explorer.word, dict(explorer.vectors))
    weights = explorer.result.weights.copy()
    explorer.set_state(state)
    assert words in explorer.error
    assert (explorer.sentence, explorer.word, explorer.vectors) == before
    np.testing.assert_array_equal(explorer.result.weights, weights)
    explorer.set_state({"vectors": {}})  # a good change clears the message (issue 12)
    assert explorer.error == ""
    np.testing.assert_array_equal(explorer.x[2], embed("apple").vector)


def test_out_of_range_values_from_a_cell_raise_and_are_not_clamped():
    explorer = FirstAttentionExplorer()
    with pytest.raises(ValueError, match=r"technology must lie in \[-10, 10\], got 25"):
        explorer.edit("technology", 25.0)
    with pytest.raises(ValueError, match="technology"):
        explorer.edit("technology", float("nan"))
    with pytest.raises(TypeError, match="technology must be a real number"):
        explorer.edit("technology", "4")
    with pytest.raises(ValueError, match="feature must be one of"):
        explorer.edit("colour", 1.0)
    with pytest.raises(ValueError, match="must lie in"):
        explorer.vectors = {"apple": [10.5] * 8}
    assert explorer.vectors == {}  # nothing clamped to 10, nothing kept
    np.testing.assert_array_equal(explorer.x[2], embed("apple").vector)
    explorer.edit("technology", -10.0)  # the ends of the range are fine
    assert explorer.x[2, TECH] == -10.0


def test_changing_sentence_keeps_the_word_when_it_can():
    explorer = FirstAttentionExplorer()
    explorer.choose("animal")
    assert len(explorer.tokens) == 11
    assert explorer.result.weights.shape == (11, 11)
    assert explorer.word == "the"
    assert "“The animal didn't cross" in explorer.describe()
    explorer.word = "tired"
    assert "“tired”" in explorer.table_html()
    explorer.choose("cat")
    assert explorer.word == "tired"
    explorer.choose("apple juice", "juice")
    assert explorer.word == "juice"


def test_edits_belong_to_the_word_in_every_sentence_until_reset():
    explorer = FirstAttentionExplorer()
    explorer.edit("technology", 0.0)  # apple: no technology at all
    explorer.choose("apple juice")
    assert explorer.word == "apple"
    assert explorer.x[2, TECH] == 0.0
    explorer.reset()
    assert explorer.vectors == {}
    np.testing.assert_array_equal(explorer.x[2], embed("apple").vector)


def test_the_self_line_follows_the_strict_tie_rule():
    explorer = FirstAttentionExplorer()
    explorer.vectors = {w: [10.0] * 8 for w in ("i", "love", "apple", "phones")}
    assert explorer.self_line == (
        "0 of 4 words give their largest weight to themselves (the diagonal): none."
    )
    explorer.choose("bank", "the")  # "the" twice: the two rows tie with each other
    own = attends_most_to_itself(explorer.result.weights)
    assert explorer.self_line.startswith(f"{int(own.sum())} of 7 words")
    assert not own[2] and not own[5]


def test_snapshot_names_each_words_largest_weight():
    explorer = FirstAttentionExplorer(sentence="apple watch")
    tokens, x = embed_sentence(SENTENCES["apple watch"])
    weights = weightless_self_attention(x).weights
    snapshot = explorer.snapshot()
    for token, row in zip(explorer.tokens, weights):
        assert f"{token} → {explorer.tokens[int(np.argmax(row))]} ({row.max():.2f})" in snapshot
    assert "S equals its transpose" in snapshot
    assert "data:image/png;base64," in snapshot


@pytest.mark.parametrize(
    "kwargs, words",
    [({"sentence": "pizza"}, "sentence must be one of"), ({"word": "juice"}, "word must be one of")],
)
def test_refuses_bad_settings(kwargs, words):
    with pytest.raises(ValueError, match=words):
        FirstAttentionExplorer(**kwargs)
