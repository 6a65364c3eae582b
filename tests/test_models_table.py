"""The popular-models table: head sizes divide evenly, parameter counts are right."""

from __future__ import annotations

import pytest

from selfattention.models_table import MODELS, ModelSpec, get_model, table_rows

# (d_model, heads, head size) as published, copied from the table of popular models in the
# source blog post (seeds/004), not computed: a wrong head_size or a mistyped entry fails here.
PUBLISHED = {
    "GPT-2 small": (768, 12, 64),
    "GPT-2 medium": (1024, 16, 64),
    "GPT-2 large": (1280, 20, 64),
    "GPT-2 XL": (1600, 25, 64),
    "GPT-3 175B": (12288, 96, 128),
    "BERT base": (768, 12, 64),
    "BERT large": (1024, 16, 64),
    "DistilBERT": (768, 12, 64),
    "RoBERTa base": (768, 12, 64),
    "RoBERTa large": (1024, 16, 64),
    "ALBERT base": (768, 12, 64),
    "ALBERT large": (1024, 16, 64),
    "XLNet base": (768, 12, 64),
    "XLNet large": (1024, 16, 64),
    "Longformer base": (768, 12, 64),  # the post gives "768-1024, 12-16, 64" for both sizes
    "Longformer large": (1024, 16, 64),
    "T5 small": (512, 8, 64),
    "T5 base": (768, 12, 64),
    "T5 large": (1024, 16, 64),
    "ViT-B/16": (768, 12, 64),
    "ViT-L/32": (1024, 16, 64),
    "TinyBERT (4 layers)": (312, 12, 26),
    # The post lists 128 (512 / 4). The MobileBERT paper (Sun et al., 2020, table 1) runs its
    # 4 heads inside the 128-wide bottleneck, so each head has 32 numbers: the book follows it.
    "MobileBERT": (512, 4, 32),
    # Not in the post: "Attention Is All You Need" (Vaswani et al., 2017), d_model 512, h = 8,
    # d_k = 64; and all-MiniLM-L6-v2's config.json (hidden_size 384, 12 attention heads).
    "Transformer base": (512, 8, 64),
    "all-MiniLM-L6-v2": (384, 12, 32),
}


@pytest.mark.parametrize("name", PUBLISHED)
def test_shapes_match_the_published_ones(name):
    spec = get_model(name)
    assert (spec.d_model, spec.n_heads, spec.head_size) == PUBLISHED[name]


def test_every_model_of_the_table_has_a_published_shape_to_check():
    assert sorted(PUBLISHED) == sorted(spec.name for spec in MODELS)


def test_the_original_transformer_and_bert_base():
    # "Attention Is All You Need": d_model = 512, h = 8 heads, d_k = d_v = 64.
    original = ModelSpec("Transformer base", "encoder-decoder", 512, 8)
    assert original.head_size == 64
    # per head, three (512, 64) projections; then one (512, 512) output matrix W_O
    assert original.attention_params() == 8 * 3 * 512 * 64 + 512 * 512
    # BERT base: hidden size 768, 12 heads of 64 (Devlin et al., 2018)
    assert get_model("BERT base").head_size == 64
    assert ModelSpec("BERT base again", "encoder", 768, 12).head_size == 64


def test_most_models_use_heads_of_64():
    sizes = [spec.head_size for spec in MODELS]
    assert sizes.count(64) > len(sizes) // 2


def test_bert_base_attention_parameters():
    bert = get_model("BERT base")
    assert bert.attention_params() == 4 * 768**2 == 2_359_296
    assert bert.attention_params(biases=True) == 2_359_296 + 4 * 768


@pytest.mark.parametrize(
    "name, params",
    [("GPT-2 small", 2_359_296), ("GPT-2 XL", 10_240_000), ("T5 small", 1_048_576),
     ("BERT large", 4_194_304), ("TinyBERT (4 layers)", 389_376), ("GPT-3 175B", 603_979_776)],
)
def test_known_parameter_counts(name, params):
    assert get_model(name).attention_params() == params


def test_parameters_do_not_depend_on_the_number_of_heads():
    one = ModelSpec("one head", "encoder", 768, 1)
    many = ModelSpec("twelve heads", "encoder", 768, 12)
    assert one.attention_params() == many.attention_params()


def test_mobilebert_is_flagged_as_not_standard():
    mobile = get_model("mobilebert")
    assert not mobile.standard and mobile.width == 128
    with pytest.raises(ValueError, match="4 \\* d_model\\*\\*2 does not count"):
        mobile.attention_params()


def test_table_rows():
    rows = table_rows()
    assert [row["name"] for row in rows] == [spec.name for spec in MODELS]
    bert = next(row for row in rows if row["name"] == "BERT base")
    assert bert == {**bert, "d_model": 768, "n_heads": 12, "head_size": 64, "attention_params": 2_359_296}
    assert next(row for row in rows if row["name"] == "MobileBERT")["attention_params"] is None
    gpt2 = next(row for row in table_rows(biases=True) if row["name"] == "GPT-2 small")
    assert gpt2["attention_params"] == 2_359_296 + 4 * 768


def test_names_are_unique():
    names = [spec.name for spec in MODELS]
    assert len(set(names)) == len(names)


def test_lookup_ignores_case_and_spaces_and_names_the_known_models():
    assert get_model("  bert BASE ").name == "BERT base"
    with pytest.raises(KeyError, match="no model named 'GPT-5'.*BERT base"):
        get_model("GPT-5")
    with pytest.raises(TypeError, match="name must be a string"):
        get_model(768)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"d_model": 10, "n_heads": 3}, ValueError, "3 heads do not divide the attention width 10"),
        ({"d_model": 0, "n_heads": 1}, ValueError, "bad: d_model must be at least 1"),
        ({"d_model": 8, "n_heads": 2.0}, TypeError, "bad: n_heads must be an int, got float"),
        ({"d_model": 8, "n_heads": 2, "attention_width": 0}, ValueError,
         "bad: attention_width must be at least 1"),
    ],
)
def test_bad_specs_are_refused(kwargs, error, words):
    with pytest.raises(error, match=words):
        ModelSpec("bad", "encoder", **kwargs)
