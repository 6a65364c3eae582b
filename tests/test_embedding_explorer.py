"""The embedding explorer, driven headless: setting a control's value runs its observers."""

from __future__ import annotations

import re

import numpy as np
import pytest

from selfattention.embeddings import FEATURES, SENTENCES, embed
from selfattention.widgets.embedding_explorer import EmbeddingExplorer


def test_opens_on_apple_in_love_apple_phones():
    explorer = EmbeddingExplorer()
    assert explorer.state.word.known and explorer.state.word.word == "apple"
    np.testing.assert_array_equal(explorer.state.word.vector, embed("apple").vector)
    assert [t.word for t in explorer.state.tokens] == ["I", "love", "Apple", "phones"]
    assert bytes(explorer.image.value[:4]) == b"\x89PNG"
    assert [bar.get_height() for bar in explorer._bars.bars][:2] == [2.0, 2.0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", explorer.table.value)
    np.testing.assert_allclose([float(c) for c in cells], embed("apple").vector, atol=0.005)
    assert explorer.message.value == ""


def test_the_word_keeps_its_vector_whatever_the_sentence():
    explorer = EmbeddingExplorer()
    before_vector, before_png = explorer.state.word.vector.copy(), explorer.image.value
    explorer.sentence.value = SENTENCES["apple juice"]
    np.testing.assert_array_equal(explorer.state.word.vector, before_vector)
    assert [t.word for t in explorer.state.tokens][-1] == "juice"
    assert "juice" in explorer._view.names and "phones" not in explorer._view.names
    assert explorer.image.value != before_png


def test_chosen_word_is_drawn_once_as_the_focus():
    explorer = EmbeddingExplorer()
    view = explorer._view
    assert view.names == ["I", "love", "phones", "apple"]
    assert view.roles == ["word", "word", "word", "focus"]


def test_a_typed_unknown_word_shows_its_labelled_fallback_vector():
    explorer = EmbeddingExplorer()
    explorer.word.value = "zebra"
    word = explorer.state.word
    assert not word.known
    np.testing.assert_array_equal(word.vector, embed("zebra").vector)
    assert "not in the toy vocabulary" in explorer.status.value
    assert "fallback vector" in explorer.status.value
    assert all(bar.get_hatch() == "//" for bar in explorer._bars.bars)
    assert "fallback" in explorer._bars.ax.get_title()
    assert explorer._view.roles[-1] == "focus_fallback"
    assert explorer._view.names[-1] == "zebra (fallback)"
    assert "zebra (unknown: fallback vector)" in explorer.table.value
    assert "fallback vector (the word is unknown)" in explorer.describe()
    explorer.word.value = "juice"  # back to a known word: the hatching goes
    assert all(bar.get_hatch() is None for bar in explorer._bars.bars)


def test_unknown_words_in_a_typed_sentence_are_listed():
    explorer = EmbeddingExplorer()
    explorer.sentence.value = "I love dragon fruit"
    assert "“dragon”" in explorer.status.value and "“fruit”" in explorer.status.value
    assert explorer._view.roles.count("fallback") == 2


def test_axis_dropdowns_change_the_view():
    explorer = EmbeddingExplorer(word="bank", sentence=SENTENCES["bank"])
    explorer.x_feature.value = "nature"
    explorer.y_feature.value = "money"
    assert (explorer._view.x_feature, explorer._view.y_feature) == ("nature", "money")
    assert explorer._view.ax.get_xlabel().startswith("nature")
    np.testing.assert_array_equal(explorer._view.points[-1], [1.0, 1.5])  # bank
    assert "nature across, money up" in explorer.describe()


@pytest.mark.parametrize(
    "control, value, words",
    [
        ("sentence", "", "sentence has no words"),
        ("sentence", "  ...  ", "sentence has no words"),
        ("word", "   ", "word is empty"),
        ("word", "apple juice", "type a single word"),
    ],
)
def test_bad_input_shows_a_message_and_keeps_the_previous_state(control, value, words):
    explorer = EmbeddingExplorer()
    before_state, before_png = explorer.state, explorer.image.value
    getattr(explorer, control).value = value
    assert words in explorer.message.value
    assert 'role="alert"' in explorer.message.value
    assert explorer.state is before_state
    assert explorer.image.value == before_png
    getattr(explorer, control).value = "I love apple juice" if control == "sentence" else "juice"
    assert explorer.message.value == ""
    assert explorer.state is not before_state


def test_a_failing_update_shows_a_message_and_keeps_the_widget(monkeypatch):
    explorer = EmbeddingExplorer()
    before = explorer.state

    def broken(*args, **kwargs):
        raise RuntimeError("the vocabulary is on fire")

    monkeypatch.setattr("selfattention.widgets.embedding_explorer.embed_sentence", broken)
    explorer.sentence.value = SENTENCES["cat"]
    assert "the vocabulary is on fire" in explorer.message.value
    assert explorer.state is before
    monkeypatch.undo()
    explorer.word.value = "cat"
    assert explorer.message.value == "" and explorer.state.word.word == "cat"


def test_snapshot_alt_text_lists_the_words_vector():
    explorer = EmbeddingExplorer()
    values = ", ".join(f"{f} {v:.3g}" for f, v in zip(FEATURES, embed("apple").vector))
    assert f"alt=\"Left: bar chart of the static vector of “apple”: {values}." in explorer.snapshot()
    assert "Embedding explorer" in explorer.snapshot()


def test_snapshot_follows_the_current_state():
    explorer = EmbeddingExplorer()
    explorer.word.value = "river"
    assert "static vector of “river”: technology 0, fruit 0, object 0" in explorer.snapshot()


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"x_feature": "colour"}, ValueError, "x_feature='colour' is not a feature"),
        ({"y_feature": "size"}, ValueError, "y_feature='size' is not a feature"),
        ({"sentence": "..."}, ValueError, "sentence has no words"),
        ({"word": ""}, ValueError, "word is empty"),
    ],
)
def test_refuses_bad_starting_values(kwargs, error, words):
    with pytest.raises(error, match=words):
        EmbeddingExplorer(**kwargs)
