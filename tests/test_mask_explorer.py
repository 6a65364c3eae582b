"""The mask explorer, driven headless: setting a control's value runs its observers."""

from __future__ import annotations

import numpy as np
import pytest

import selfattention as sa
from selfattention.embeddings import SENTENCES
from selfattention.widgets.mask_explorer import MAX_TOKENS, MaskExplorer

CAT = SENTENCES["cat"]


def test_opens_on_apple_phones_with_a_causal_mask_and_two_heads():
    explorer = MaskExplorer()
    assert explorer.tokens == ["I", "love", "Apple", "phones"]
    assert explorer.weights.shape == (2, 4, 4)
    np.testing.assert_array_equal(explorer.allowed, sa.causal_mask(4))
    assert np.all(explorer.weights[:, ~sa.causal_mask(4)] == 0)
    np.testing.assert_allclose(explorer.weights.sum(axis=-1), 1.0)
    assert bytes(explorer.image.value[:4]) == b"\x89PNG"
    assert explorer.message.value == ""


def test_no_mask_lets_every_token_attend_everywhere():
    explorer = MaskExplorer()
    explorer.mask_kind.value = "none"
    assert explorer.allowed.all()
    assert np.all(explorer.weights > 0)


def test_padding_zeroes_the_last_k_keys_for_every_query():
    explorer = MaskExplorer(sentence=CAT, mask="padding", pad=3, n_heads=1)
    assert len(explorer.tokens) == 10
    assert np.all(explorer.weights[..., 7:] == 0)
    assert np.all(explorer.weights[..., :7] > 0)
    explorer.pad.value = 5
    assert np.all(explorer.weights[..., 5:] == 0)
    assert "50 of 100 query-key pairs masked" in explorer.legend.value


def test_heads_change_the_number_of_heatmaps_and_the_figure():
    explorer = MaskExplorer(n_heads=1)
    before = explorer.image.value
    explorer.heads.value = 4
    assert explorer.weights.shape == (4, 4, 4)
    assert len(explorer._figure.axes) == 4
    assert explorer.image.value != before
    assert "4 head(s) of 2 numbers each" in explorer.legend.value


def test_heads_match_the_package_multi_head_attention():
    from selfattention.embeddings import embed_sentence
    from selfattention.multihead import multi_head_attention

    explorer = MaskExplorer(mask="none", n_heads=4)
    _, x = embed_sentence(SENTENCES["apple phones"])
    _, weights = multi_head_attention(x, explorer._w_q, explorer._w_k, explorer._w_v, explorer._w_o, 4)
    np.testing.assert_allclose(explorer.weights, weights)


def test_picking_a_sentence_from_the_list():
    explorer = MaskExplorer()
    explorer.sentence.value = SENTENCES["bank"]
    assert explorer.tokens == ["I", "saw", "the", "bank", "near", "the", "river"]
    assert explorer.weights.shape == (2, 7, 7)


def test_typed_sentence_with_unknown_words_is_labelled():
    explorer = MaskExplorer()
    explorer.custom.value = "my zebra likes apple juice"
    assert explorer.tokens == ["my", "zebra", "likes", "apple", "juice"]
    assert explorer.known == [False, False, False, True, True]
    assert "fallback vector" in explorer.legend.value and "zebra" in explorer.legend.value
    # picking from the list again clears the typed sentence
    explorer.sentence.value = CAT
    assert explorer.custom.value == "" and len(explorer.tokens) == 10


def test_too_long_a_sentence_shows_a_message_and_keeps_the_state():
    explorer = MaskExplorer()
    before_tokens, before_png = list(explorer.tokens), explorer.image.value
    explorer.custom.value = " ".join(["word"] * (MAX_TOKENS + 1))
    assert f"at most {MAX_TOKENS}" in explorer.message.value
    assert explorer.tokens == before_tokens and explorer.image.value == before_png
    explorer.custom.value = "love apple juice"
    assert explorer.message.value == "" and explorer.tokens == ["love", "apple", "juice"]


def test_a_sentence_without_words_shows_a_message():
    explorer = MaskExplorer()
    explorer.custom.value = "!!! ???"
    assert "no words" in explorer.message.value
    assert explorer.tokens == ["I", "love", "Apple", "phones"]


def test_padding_everything_is_refused_with_a_message():
    explorer = MaskExplorer(mask="padding", pad=1)
    before = explorer.weights.copy()
    explorer.pad.value = 4  # the sentence has 4 tokens
    assert "leaves no real token" in explorer.message.value
    np.testing.assert_array_equal(explorer.weights, before)


def test_a_failing_update_shows_a_message_and_keeps_the_widget(monkeypatch):
    explorer = MaskExplorer()
    before = explorer.weights.copy()

    def broken(*args, **kwargs):
        raise ValueError("the projections are broken")

    monkeypatch.setattr("selfattention.widgets.mask_explorer.multi_head_attention", broken)
    explorer.mask_kind.value = "none"
    assert "the projections are broken" in explorer.message.value
    np.testing.assert_array_equal(explorer.weights, before)
    monkeypatch.undo()
    explorer.mask_kind.value = "causal"
    assert explorer.message.value == ""


def test_snapshot_names_the_sentence_and_the_widget():
    snapshot = MaskExplorer().snapshot()
    assert "heatmap(s) of attention weights for the sentence &#x27;I love Apple phones&#x27;" in snapshot
    assert "Mask explorer" in snapshot


def test_describe_follows_the_state():
    explorer = MaskExplorer(mask="none", n_heads=1)
    assert "with mask 'none'" in explorer.describe() and "0 masked cells" in explorer.describe()
    explorer.mask_kind.value = "causal"
    assert "6 masked cells" in explorer.describe()


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"mask": "banded"}, "mask must be one of"),
        ({"n_heads": 3}, "n_heads must be one of"),
        ({"pad": 0}, "pad must be an int from 1"),
    ],
)
def test_refuses_bad_settings(kwargs, words):
    with pytest.raises(ValueError, match=words):
        MaskExplorer(**kwargs)


@pytest.mark.parametrize("name", ["n_heads", "pad", "seed"])
@pytest.mark.parametrize("value", ["2", 2.0, True])
def test_settings_that_are_not_ints_are_type_errors(name, value):
    with pytest.raises(TypeError, match=f"{name} must be an int"):
        MaskExplorer(**{name: value})


def test_numpy_integers_are_accepted():
    explorer = MaskExplorer(n_heads=np.int64(4), pad=np.int64(2), seed=np.int64(11))
    assert explorer.weights.shape[0] == 4 and explorer.pad.value == 2
