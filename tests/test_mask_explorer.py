"""The mask explorer's Python side: its traits, their checks, the reference weights.

The front end (``js/mask.js``, tested in ``test_js_mask.py``) draws the heatmaps; here
the package checks each state and computes the weights with ``multi_head_attention``.
"""

from __future__ import annotations

import numpy as np
import pytest

import selfattention as sa
from selfattention.embeddings import SENTENCES, embed_sentence
from selfattention.multihead import multi_head_attention
from selfattention.widgets.mask_explorer import MAX_TOKENS, PAD_LABEL, MaskExplorer

CAT = SENTENCES["cat"]


def count_changes(explorer) -> list[tuple[str, object]]:
    changes = []
    explorer.observe(lambda change: changes.append((change["name"], change["new"])),
                     names=["sentence", "mask", "n_heads", "pad", "error"])
    return changes


def test_opens_on_apple_phones_with_a_causal_mask_and_two_heads():
    explorer = MaskExplorer()
    assert explorer.tokens == ["I", "love", "Apple", "phones"]
    assert explorer.weights.shape == (2, 4, 4)
    np.testing.assert_array_equal(explorer.allowed, sa.causal_mask(4))
    assert np.all(explorer.weights[:, ~sa.causal_mask(4)] == 0)
    np.testing.assert_allclose(explorer.weights.sum(axis=-1), 1.0)
    assert explorer.error == ""
    assert MaskExplorer._esm.count("export default { render }") == 1


def test_the_page_state_ships_what_the_front_end_needs():
    explorer = MaskExplorer(seed=5)
    state = explorer.page_state()
    assert state["sentence"] == "I love Apple phones" and state["mask"] == "causal"
    assert state["n_heads"] == 2 and state["pad"] == 1
    assert state["presets"] == list(dict.fromkeys(SENTENCES.values()))
    assert state["vocabulary"]["apple"] == [2.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    rng = np.random.default_rng(5)
    for name in ("w_q", "w_k", "w_v"):  # drawn in this order from the seed
        np.testing.assert_array_equal(state["projections"][name],
                                      rng.normal(scale=0.45, size=(8, 8)))
    assert state["projections"]["w_o"] == np.eye(8).tolist()
    assert state["choices"] == {"masks": ["none", "causal", "padding"], "heads": [1, 2, 4],
                                "max_tokens": MAX_TOKENS, "pad_label": PAD_LABEL}


def test_no_mask_lets_every_token_attend_everywhere():
    explorer = MaskExplorer()
    explorer.mask = "none"
    assert explorer.allowed.all()
    assert np.all(explorer.weights > 0)


def test_padding_zeroes_the_last_k_keys_for_every_query():
    explorer = MaskExplorer(sentence=CAT, mask="padding", pad=3, n_heads=1)
    assert len(explorer.tokens) == 10
    assert np.all(explorer.weights[..., 7:] == 0)
    assert np.all(explorer.weights[..., :7] > 0)
    explorer.pad = 5
    assert np.all(explorer.weights[..., 5:] == 0)
    assert "50 of 100 query-key pairs masked" in explorer.summary()


def test_heads_change_the_number_of_heatmaps():
    explorer = MaskExplorer(n_heads=1)
    explorer.n_heads = 4
    assert explorer.weights.shape == (4, 4, 4)
    assert "4 head(s) of 2 numbers each" in explorer.summary()


@pytest.mark.parametrize("kind", ["none", "causal", "padding"])
@pytest.mark.parametrize("n_heads", [1, 2, 4])
def test_weights_are_the_package_multi_head_attention(kind, n_heads):
    explorer = MaskExplorer(sentence=SENTENCES["bank"], mask=kind, n_heads=n_heads, pad=2)
    _, x = embed_sentence(SENTENCES["bank"])
    mask = {"none": np.ones((7, 7), dtype=bool), "causal": sa.causal_mask(7),
            "padding": np.broadcast_to(sa.padding_mask([5], 7)[0], (7, 7))}[kind]
    _, weights = multi_head_attention(x, explorer._w_q, explorer._w_k, explorer._w_v,
                                      np.eye(8), n_heads, mask=mask)
    np.testing.assert_allclose(explorer.weights, weights, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(explorer.allowed, mask)


def test_a_typed_sentence_of_known_words():
    explorer = MaskExplorer()
    explorer.sentence = "the CAT saw a river"
    assert explorer.tokens == ["the", "CAT", "saw", "a", "river"]
    assert explorer.weights.shape == (2, 5, 5)


@pytest.mark.parametrize(
    "state, words",
    [
        ({"sentence": "my zebra likes apple juice"}, "'my' is not in the toy vocabulary"),
        ({"sentence": "!!! ???"}, "has no words"),
        ({"sentence": ""}, "has no words"),
        ({"sentence": " ".join(["cat"] * (MAX_TOKENS + 1))}, f"at most {MAX_TOKENS}"),
        ({"mask": "banded"}, "mask must be one of"),
        ({"n_heads": 3}, "n_heads must be one of"),
        ({"n_heads": "2"}, "n_heads must be an int"),
        ({"pad": 0}, "pad must be an int from 1"),
        ({"pad": 2.0}, "pad must be an int"),
        ({"mask": "padding", "pad": 4}, "leaves no real token"),
        ({"mask": "padding", "pad": 2, "sentence": "I love"}, "leaves no real token"),
        ({"sentence": None}, "sentence must be a str"),
        ({"mask": None}, "mask must be one of"),
        ({"n_heads": None}, "n_heads must be an int"),
        ({"pad": None}, "pad must be an int"),
    ],
)
def test_a_bad_state_from_the_front_end_is_refused_whole(state, words):
    explorer = MaskExplorer(mask="none")
    before = explorer.weights.copy()
    explorer.set_state({"n_heads": 4, **state})  # n_heads is fine: rolled back too
    assert words in explorer.error
    assert explorer.n_heads == 2 and explorer.mask == "none"
    assert explorer.sentence == "I love Apple phones"
    np.testing.assert_array_equal(explorer.weights, before)
    # the next good state clears the message: it never goes stale
    explorer.set_state({"mask": "causal"})
    assert explorer.error == ""
    np.testing.assert_array_equal(explorer.allowed, sa.causal_mask(4))


def test_a_message_clears_even_when_the_good_state_is_the_one_already_held():
    explorer = MaskExplorer()
    explorer.set_state({"pad": 40})
    assert "pad must be an int from 1" in explorer.error
    explorer.set_state({"pad": 1})  # what the kernel already holds: no trait changes
    # (the front end redraws its own state; the kernel's old message must not stay up)
    assert explorer.error == ""


def test_a_state_from_the_front_end_causes_no_further_change():
    explorer = MaskExplorer()
    changes = count_changes(explorer)
    explorer.set_state({"sentence": CAT, "mask": "padding", "pad": 3, "n_heads": 4})
    assert sorted(name for name, _ in changes) == ["mask", "n_heads", "pad", "sentence"]
    assert explorer.weights.shape == (4, 10, 10) and explorer.error == ""


def test_a_cell_setting_a_bad_value_raises_and_changes_nothing():
    explorer = MaskExplorer(mask="padding", pad=1)
    before = explorer.weights.copy()
    with pytest.raises(ValueError, match="leaves no real token"):
        explorer.pad = 4  # the sentence has 4 tokens
    with pytest.raises(ValueError, match="'zebra' is not in the toy vocabulary"):
        explorer.sentence = "zebra"
    with pytest.raises(TypeError, match="sentence"):
        explorer.sentence = 4
    with pytest.raises(TypeError, match="sentence must be a str, got NoneType"):
        explorer.sentence = None  # a plain Any trait would let None past its validator
    assert explorer.pad == 1 and explorer.sentence == "I love Apple phones"
    np.testing.assert_array_equal(explorer.weights, before)


def test_a_change_computes_the_reference_without_drawing(monkeypatch):
    """Issue 12: each change took ~0.4 s, redrawing a matplotlib PNG. Now it only computes."""
    explorer = MaskExplorer()
    drawn = []
    monkeypatch.setattr(MaskExplorer, "figure_png", lambda self: drawn.append(1) or b"")
    for kind in ("none", "padding", "causal"):
        explorer.mask = kind
    explorer.n_heads = 4
    explorer.sentence = CAT
    assert drawn == []
    assert explorer.weights.shape == (4, 10, 10)


def test_snapshot_keeps_the_figure_and_its_alt_text():
    explorer = MaskExplorer()
    snapshot = explorer.snapshot()
    assert "data:image/png;base64," in snapshot
    assert ("2 heatmaps, one per head, of attention weights for the sentence &#x27;I love "
            "Apple phones&#x27;") in snapshot
    assert MaskExplorer(n_heads=1).describe().startswith("One heatmap of attention weights")
    assert "Mask explorer" in snapshot
    assert "6 of 16 query-key pairs masked." in snapshot
    page = explorer.page_html()
    assert 'data-sa-widget="mask"' in page and "sa-widget-state" in page


def test_describe_follows_the_state():
    explorer = MaskExplorer(mask="none", n_heads=1)
    assert "with mask 'none'" in explorer.describe() and "0 masked cells" in explorer.describe()
    explorer.mask = "causal"
    assert "6 masked cells" in explorer.describe()


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"mask": "banded"}, "mask must be one of"),
        ({"n_heads": 3}, "n_heads must be one of"),
        ({"pad": 0}, "pad must be an int from 1"),
        ({"sentence": "I love zebra"}, "not in the toy vocabulary"),
        ({"sentence": "I love", "mask": "padding", "pad": 2}, "leaves no real token"),
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
    assert explorer.weights.shape[0] == 4 and explorer.pad == 2
    assert type(explorer.page_state()["pad"]) is int
