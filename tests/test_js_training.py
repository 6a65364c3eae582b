"""The training explorer's JS (``js/training.js``) against the package, to 1e-6.

The page ships the embedding table and every checkpoint's W_Q and W_K; the browser
computes the attention of any sentence from them. Here, under Node, the same function
must give the package's :func:`~selfattention.training.sentence_attention` (torch,
float32) for every checkpoint and preset, for seeded random typed sentences, and for
extreme weights; it must read a typed sentence exactly as ``example_from_text`` does
and refuse what the widget refuses, with the package's own message.
"""

from __future__ import annotations

import numpy as np
import pytest

import selfattention as sa
from js_helpers import JSError, assert_agrees
from selfattention.toy_task import (
    AMBIGUOUS,
    CONTEXT_WORDS,
    FILLERS,
    LABELS,
    VOCAB,
    example_from_text,
)
from selfattention.training import sentence_attention, train
from selfattention.widgets._base import InvalidState, InvalidType
from selfattention.widgets.training_explorer import TrainingExplorer

MODULE = "training.js"


@pytest.fixture(scope="module")
def explorer():
    run = train(steps=100, checkpoint_every=20, device="cpu", progress=False)
    return TrainingExplorer(run)


def _view(js, explorer, checkpoint, sentence):
    state = {"checkpoint": checkpoint, "sentence": sentence}
    return js("computeView", state, explorer.presets, explorer.task, explorer.training, module=MODULE)


def test_every_checkpoint_and_preset_gives_the_package_attention_and_words(js, explorer):
    run = explorer.run
    for index in range(len(run.checkpoints)):
        model = run.model_at(index)
        for example in explorer.examples:
            view = _view(js, explorer, index, example.text)
            assert_agrees(view["weights"], sentence_attention(model, example))
            explorer.checkpoint, explorer.sentence = index, example.text
            assert view["status"] == explorer.status()
            assert view["describe"] == explorer.describe()
            assert view["curve"] == explorer.curve_description()
            assert view["step"] == run.checkpoints[index].step
            assert view["preset"] == example.text
            assert view["example"] == {"tokens": list(example.tokens), "label": example.label,
                                       "target": example.target, "context": example.context}


def _random_sentence(rng) -> str:
    label = LABELS[int(rng.integers(2))]
    context = rng.choice([*CONTEXT_WORDS[label]["train"], *CONTEXT_WORDS[label]["heldout"]])
    others = [w for w in VOCAB[1:] if w != AMBIGUOUS and not any(
        w in CONTEXT_WORDS[n][s] for n in LABELS for s in ("train", "heldout"))]
    words = [AMBIGUOUS, str(context), *rng.choice(others, size=int(rng.integers(0, 9)))]
    words = [words[i] for i in rng.permutation(len(words))]
    words = [w.upper() if rng.random() < 0.2 else w.title() if rng.random() < 0.2 else w
             for w in words]
    gaps = [" ", "  ", "\t", "\u3000", "\n", "\x1c", "\xa0"]
    text = "".join(w + str(rng.choice(gaps)) for w in words)
    return str(rng.choice(["", " ", "\t"])) + text


def test_seeded_random_typed_sentences_match_the_package(js, explorer, rng):
    run = explorer.run
    for _ in range(40):
        text = _random_sentence(rng)
        index = int(rng.integers(len(run.checkpoints)))
        example = example_from_text(text)
        view = _view(js, explorer, index, text)
        assert view["example"]["tokens"] == list(example.tokens)
        assert (view["example"]["label"], view["example"]["target"], view["example"]["context"]) == (
            example.label, example.target, example.context)
        expected = sentence_attention(run.model_at(index), example)
        assert_agrees(view["weights"], expected)
        explorer.checkpoint, explorer.sentence = index, text  # the widget's reference agrees
        assert explorer.error == ""
        np.testing.assert_array_equal(explorer.weights, expected)
        assert view["status"] == explorer.status()
        assert view["preset"] is None


BAD_SENTENCES = [
    "", "   ", "\t\n", "i love apple", "apple pie juice", "apple apple pie", "banana apple pie",
    "<pad> apple pie", "it's apple pie", 'say "hi" apple pie', "isn't \"it\" apple pie",
    "apple pie\u200bjuice", "back\\slash apple pie", "Apple PIE Fresh Sweet Cider",
    "apple pie\x07", "i love " + "really " * 12 + "apple pie", "APPLE",
]


@pytest.mark.parametrize("text", BAD_SENTENCES)
def test_a_refused_sentence_gets_the_package_message(js, explorer, text):
    with pytest.raises(InvalidState) as caught:
        explorer.sentence = text
    with pytest.raises(JSError) as thrown:
        _view(js, explorer, 0, text)
    assert str(thrown.value) == str(caught.value)


def test_words_are_split_and_quoted_as_python_does(js):
    for text in ["a b", " a\tb\n", "a\x1cb\x1d\x1e\x1fc", "a\x85b", "a\ufeffb", "a\u200bb",
                 "a\u3000b\u2028c\u00a0d", ""]:
        assert js("pySplit", text, module=MODULE) == text.split()
    for text in ["apple", "it's", 'say "hi"', "it's \"x\"", "a\\b", "tab\there", "\x00\x7f\x85",
                 "\xad\u200b\ufeff", "é ü 中", "\U0001f600", "\xa0"]:
        assert js("pyRepr", text, module=MODULE) == repr(text)


def test_bad_checkpoints_are_refused_like_the_package(js, explorer):
    n = len(explorer.run.checkpoints)
    for bad in (-1, n, 10**9):
        with pytest.raises(InvalidState) as caught:
            explorer.checkpoint = bad
        with pytest.raises(JSError) as thrown:
            _view(js, explorer, bad, explorer.examples[0].text)
        assert str(thrown.value) == str(caught.value)
    for bad in (1.5, "3", None, True):
        with pytest.raises(InvalidType, match="checkpoint must be an int"):
            explorer.checkpoint = bad
        with pytest.raises(JSError, match="checkpoint must be an int"):
            _view(js, explorer, bad, explorer.examples[0].text)


def test_a_typed_step_must_be_a_saved_one(js, explorer):
    steps = explorer.training["steps"]
    assert steps == [0, 20, 40, 60, 80, 100]
    assert js("stepIndex", "60", steps, module=MODULE) == 3
    assert js("stepIndex", " 1e2 ", steps, module=MODULE) == 5
    for text, message in [("abc", 'could not read "abc"'), ("", "is empty"),
                          ("1e9", "must lie in [0, 100]"), ("-5", "must lie in [0, 100]"),
                          ("30", "nearest are steps 20 and 40"), ("0.5", "steps 0 and 20")]:
        with pytest.raises(JSError, match=message.replace("[", r"\[").replace("]", r"\]")):
            js("stepIndex", text, steps, module=MODULE)


def test_extreme_weights_still_agree_with_the_package(js, explorer):
    """Huge W_Q (scores in the thousands: one-hot rows) and all-zero W_Q (even rows)."""
    training = dict(explorer.training)
    base_q = np.array(training["w_q"][-1], dtype=np.float32)
    huge = (base_q * np.float32(400)).astype(np.float32)
    zero = np.zeros_like(base_q)
    training["w_q"] = [huge.tolist(), zero.tolist()]
    training["w_k"] = [training["w_k"][-1]] * 2
    training["steps"] = [0, 1]
    for key in ("loss", "accuracy", "context_attention", "uniform"):
        training[key] = training[key][:2]
    table = np.array(explorer.task["embeddings"], dtype=np.float32).astype(float)
    w_k = np.array(training["w_k"][0], dtype=np.float32).astype(float)
    for text in ("we bought the smart apple sauce", "apple tablet"):
        tokens = example_from_text(text).tokens
        x = table[[VOCAB.index(t) for t in tokens]]
        for index, w_q in enumerate((huge, zero)):
            expected = sa.self_attention(x, w_q.astype(float), w_k, w_k).weights
            got = js("attentionAt", list(tokens), index, explorer.task, training, module=MODULE)
            assert_agrees(got, expected)
            assert np.isfinite(got).all()
        assert_agrees(got, np.full((len(tokens), len(tokens)), 1 / len(tokens)))


def test_the_page_carries_torchs_own_float32_numbers(explorer):
    run = explorer.run
    for index, checkpoint in enumerate(run.checkpoints):
        for name in ("w_q", "w_k"):
            shipped = np.array(explorer.training[name][index], dtype=np.float32)
            np.testing.assert_array_equal(shipped, checkpoint.state[name].numpy())
    np.testing.assert_array_equal(np.array(explorer.task["embeddings"], dtype=np.float32),
                                  run.model.embeddings.numpy())
    assert explorer.task["context_words"] == [
        [*CONTEXT_WORDS[n]["train"], *CONTEXT_WORDS[n]["heldout"]] for n in LABELS]
    assert set(FILLERS) <= set(explorer.task["vocab"])
