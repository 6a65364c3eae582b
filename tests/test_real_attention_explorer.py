"""The real-attention explorer, driven headless."""

from __future__ import annotations

import numpy as np
import pytest

from selfattention.pretrained import encode_sentence
from selfattention.widgets.real_attention_explorer import RealAttentionExplorer

ANIMAL = "The animal didn't cross the street because it was too tired"


def test_opens_on_the_requested_head():
    explorer = RealAttentionExplorer(ANIMAL, layer=5, head=11)
    np.testing.assert_allclose(explorer.weights, encode_sentence(ANIMAL).attentions[5, 11])
    assert explorer.tokens[0] == "[CLS]" and len(explorer.tokens) == 15
    assert bytes(explorer.image.value[:4]) == b"\x89PNG"
    assert "it → animal" in explorer.summary.value


def test_numpy_integers_are_accepted():
    explorer = RealAttentionExplorer(ANIMAL, layer=np.int64(5), head=np.int64(11),
                                     max_tokens=np.int64(20))
    np.testing.assert_allclose(explorer.weights, encode_sentence(ANIMAL).attentions[5, 11])
    assert explorer.layer.value == 5 and explorer.max_tokens == 20


def test_moving_layer_and_head_updates_weights_and_figure():
    explorer = RealAttentionExplorer(ANIMAL)
    first_png = explorer.image.value
    explorer.head.value = 2
    np.testing.assert_allclose(explorer.weights, encode_sentence(ANIMAL).attentions[0, 2])
    assert explorer.image.value != first_png
    explorer.layer.value = 3
    np.testing.assert_allclose(explorer.weights, encode_sentence(ANIMAL).attentions[3, 2])
    assert "layer 3, head 2" in explorer.describe()


def test_typing_a_sentence_reruns_the_model():
    explorer = RealAttentionExplorer(ANIMAL, layer=3, head=1)
    explorer.sentence.value = "The keys to the cabinet are on the table"
    assert explorer.message.value == ""
    assert explorer.weights.shape == (11, 11)
    assert explorer.tokens[2] == "keys"
    assert [t.get_text() for t in explorer._ax.get_xticklabels()] == list(explorer.tokens)
    assert len(explorer._figure.axes) == 2  # the heatmap and one colour bar


@pytest.mark.parametrize("bad, words", [("   ", "sentence is empty"), ("word " * 30, "the limit is 20")])
def test_a_bad_sentence_shows_a_message_and_keeps_the_state(bad, words):
    explorer = RealAttentionExplorer(ANIMAL, layer=5, head=11)
    before_weights, before_png = explorer.weights.copy(), explorer.image.value
    explorer.sentence.value = bad
    assert words in explorer.message.value
    np.testing.assert_array_equal(explorer.weights, before_weights)
    assert explorer.image.value == before_png and explorer.encoding.sentence == ANIMAL
    explorer.head.value = 10  # the old sentence still works
    np.testing.assert_allclose(explorer.weights, encode_sentence(ANIMAL).attentions[5, 10])
    assert explorer.message.value == ""


def test_a_failing_update_shows_a_message(monkeypatch):
    explorer = RealAttentionExplorer(ANIMAL)

    def broken(*args, **kwargs):
        raise RuntimeError("model went away")

    monkeypatch.setattr("selfattention.widgets.real_attention_explorer.encode_sentence", broken)
    explorer.sentence.value = "The cat sat"
    assert "model went away" in explorer.message.value
    assert explorer.encoding.sentence == ANIMAL


def test_snapshot_alt_text_names_the_head_and_its_link():
    snapshot = RealAttentionExplorer(ANIMAL, layer=5, head=11).snapshot()
    assert "alt=\"Heatmap of the attention weights of layer 5, head 11 of all-MiniLM-L6-v2" in snapshot
    assert "it to animal" in snapshot


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"layer": 6}, ValueError, "layer must be an int from 0 to 5"),
        ({"head": -1}, ValueError, "head must be an int from 0 to 11"),
        ({"max_tokens": 40}, ValueError, "max_tokens must be an int from 3 to 24"),
        ({"layer": "1"}, TypeError, "layer must be an int"),
        ({"head": 1.0}, TypeError, "head must be an int"),
        ({"max_tokens": True}, TypeError, "max_tokens must be an int"),
        ({"max_tokens": "20"}, TypeError, "max_tokens must be an int"),
        ({"sentence": ""}, ValueError, "sentence is empty"),
    ],
)
def test_refuses_bad_settings(kwargs, error, words):
    with pytest.raises(error, match=words):
        RealAttentionExplorer(**kwargs)
