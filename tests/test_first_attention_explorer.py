"""The first self-attention explorer, driven headless."""

from __future__ import annotations

import numpy as np
import pytest

from selfattention.embeddings import FEATURES, SENTENCES, embed, embed_sentence
from selfattention.first_attention import weightless_self_attention
from selfattention.widgets.first_attention_explorer import FirstAttentionExplorer

TECH = FEATURES.index("technology")


def test_opens_on_apple_phones_with_apple_selected():
    explorer = FirstAttentionExplorer()
    assert explorer.tokens == ["I", "love", "Apple", "phones"]
    assert explorer.word.value == "apple"
    assert [box.value for box in explorer.feature_boxes] == list(embed("apple").vector)
    assert [box.description for box in explorer.feature_boxes] == list(FEATURES)
    expected = weightless_self_attention(embed_sentence(SENTENCES["apple phones"])[1])
    np.testing.assert_allclose(explorer.result.weights, expected.weights)
    assert "max |S − Sᵀ| = 0." in explorer.symmetry.value
    assert explorer.self_line.value.startswith("2 of 4 words")
    assert bytes(explorer.image.value[:4]) == b"\x89PNG"


def test_editing_a_feature_updates_scores_weights_figure_and_table():
    explorer = FirstAttentionExplorer()
    png, table = explorer.image.value, explorer.table.value
    explorer.feature_boxes[TECH].value = 4.0  # Apple becomes mostly technology
    assert explorer.x[2, TECH] == 4.0
    assert explorer.result.scores[2, 3] == pytest.approx(4 * 3 + 2 * 1)  # with phones
    assert explorer.image.value != png and explorer.table.value != table
    assert "max |S − Sᵀ| = 0." in explorer.symmetry.value  # still symmetric
    assert explorer.message.value == ""


@pytest.mark.parametrize("value, words", [(float("nan"), "finite"), (25.0, "between -10 and 10")])
def test_bad_values_show_a_message_and_keep_the_state(value, words):
    explorer = FirstAttentionExplorer()
    weights, png = explorer.result.weights.copy(), explorer.image.value
    explorer.feature_boxes[1].value = value
    assert words in explorer.message.value
    np.testing.assert_array_equal(explorer.result.weights, weights)
    assert explorer.image.value == png
    assert explorer.feature_boxes[1].value == 2.0  # back to Apple's fruit value
    explorer.feature_boxes[1].value = 1.0
    assert explorer.message.value == ""


def test_changing_sentence_rebuilds_for_the_new_words():
    explorer = FirstAttentionExplorer()
    explorer.sentence.value = "animal"
    assert len(explorer.tokens) == 11
    assert explorer.result.weights.shape == (11, 11)
    assert explorer.word.options[0] == "the" and explorer.word.value == "the"
    assert "“The animal didn't cross" in explorer.describe()
    explorer.word.value = "tired"
    assert [box.value for box in explorer.feature_boxes] == list(embed("tired").vector)
    assert "“tired”" in explorer.table.value


def test_edits_belong_to_the_word_in_every_sentence_until_reset():
    explorer = FirstAttentionExplorer()
    explorer.feature_boxes[TECH].value = 0.0  # apple: no technology at all
    explorer.sentence.value = "apple juice"
    assert explorer.word.value == "apple"
    assert explorer.x[2, TECH] == 0.0
    assert explorer.feature_boxes[TECH].value == 0.0
    explorer.reset.click()
    assert explorer.vectors == {}
    np.testing.assert_array_equal(explorer.x[2], embed("apple").vector)
    assert explorer.feature_boxes[TECH].value == 2.0


def test_a_failing_update_shows_a_message_and_keeps_the_widget(monkeypatch):
    explorer = FirstAttentionExplorer()
    weights = explorer.result.weights.copy()

    def broken(x):
        raise ValueError("attention broke")

    monkeypatch.setattr(
        "selfattention.widgets.first_attention_explorer.weightless_self_attention", broken
    )
    explorer.sentence.value = "cat"
    assert "attention broke" in explorer.message.value
    assert explorer.sentence.value == "apple phones"
    assert explorer.tokens == ["I", "love", "Apple", "phones"]
    explorer.feature_boxes[0].value = 3.0
    np.testing.assert_array_equal(explorer.result.weights, weights)
    monkeypatch.undo()
    explorer.feature_boxes[0].value = 3.0
    assert explorer.message.value == ""
    assert explorer.x[2, 0] == 3.0


def test_snapshot_names_each_words_largest_weight():
    explorer = FirstAttentionExplorer(sentence="apple watch")
    tokens, x = embed_sentence(SENTENCES["apple watch"])
    weights = weightless_self_attention(x).weights
    snapshot = explorer.snapshot()
    for token, row in zip(explorer.tokens, weights):
        assert f"{token} → {explorer.tokens[int(np.argmax(row))]} ({row.max():.2f})" in snapshot
    assert "S equals its transpose" in snapshot


@pytest.mark.parametrize(
    "kwargs, words",
    [({"sentence": "pizza"}, "sentence must be one of"), ({"word": "juice"}, "word must be one of")],
)
def test_refuses_bad_settings(kwargs, words):
    with pytest.raises(ValueError, match=words):
        FirstAttentionExplorer(**kwargs)
