"""The popular-models table: head sizes divide evenly, parameter counts are right."""

from __future__ import annotations

import pytest

from selfattention.models_table import MODELS, ModelSpec, get_model, table_rows


@pytest.mark.parametrize("spec", MODELS, ids=lambda s: s.name)
def test_heads_divide_the_width_evenly(spec):
    assert spec.head_size * spec.n_heads == spec.width


@pytest.mark.parametrize(
    "name, head_size",
    [("GPT-2 small", 64), ("GPT-2 XL", 64), ("GPT-3 175B", 128), ("BERT base", 64), ("T5 small", 64),
     ("ViT-B/16", 64), ("TinyBERT (4 layers)", 26), ("MobileBERT", 32)],
)
def test_known_head_sizes(name, head_size):
    assert get_model(name).head_size == head_size


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
    assert table_rows(biases=True)[0]["attention_params"] == 2_359_296 + 4 * 768


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
