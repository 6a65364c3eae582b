"""The training explorer, driven headless: the slider scrubs through checkpoints."""

from __future__ import annotations

import numpy as np
import pytest

from selfattention.toy_task import example_from_text
from selfattention.training import sentence_attention, train
from selfattention.widgets.training_explorer import TrainingExplorer


@pytest.fixture(scope="module")
def run():
    return train(steps=100, checkpoint_every=20, device="cpu", progress=False)


def test_opens_before_training_on_held_out_sentences(run):
    explorer = TrainingExplorer(run)
    assert explorer.checkpoint.value == 0 and explorer.checkpoint.label == "0"
    assert len(explorer.examples) == 6
    assert len({e.context_word for e in explorer.examples}) == 6
    assert all(e in run.data.heldout for e in explorer.examples)
    np.testing.assert_allclose(explorer.weights, sentence_attention(run.model_at(0), explorer.example))
    assert bytes(explorer.image.value[:4]) == b"\x89PNG"
    assert "Step 0 of 100" in explorer.status.value


def test_scrubbing_to_the_end_changes_heatmap_marker_and_status(run):
    explorer = TrainingExplorer(run)
    before_png, before = explorer.image.value, explorer.weights.copy()
    explorer.checkpoint.value = len(run.checkpoints) - 1
    example = explorer.example
    np.testing.assert_allclose(explorer.weights, sentence_attention(run.model, example), rtol=1e-6)
    assert explorer.weights[example.target, example.context] > before[example.target, example.context] + 0.3
    assert explorer.image.value != before_png
    assert explorer._marker_dot.get_xdata()[0] == 100
    assert "Step 100 of 100" in explorer.status.value
    assert explorer.message.value == ""


def test_choosing_another_sentence_redraws_the_heatmap_for_it(run):
    explorer = TrainingExplorer(run, checkpoint=3)
    lengths = [len(e.tokens) for e in explorer.examples]
    other = next(i for i, n in enumerate(lengths) if n != lengths[0])
    explorer.sentence.value = other
    assert explorer.weights.shape == (lengths[other], lengths[other])
    assert [t.get_text() for t in explorer._ax_heat.get_yticklabels()] == list(explorer.examples[other].tokens)
    assert len(explorer._figure.axes) == 4  # heatmap, its colour bar, loss and its twin: nothing piles up


def test_typed_sentences_are_accepted(run):
    explorer = TrainingExplorer(run, sentences=["fresh i love apple tablet", "smart apple crumble"])
    assert [e.label for e in explorer.examples] == [1, 0]


def test_snapshot_shows_the_chosen_checkpoint(run):
    explorer = TrainingExplorer(run, checkpoint=len(run.checkpoints) - 1)
    html = explorer.snapshot()
    assert "alt=\"Left: heatmap of the attention weights for the sentence" in html
    assert f"at training step {run.checkpoints[-1].step}" in explorer.describe()
    assert "Training explorer" in html


def test_a_failing_update_shows_a_message_and_keeps_the_widget(run, monkeypatch):
    explorer = TrainingExplorer(run)
    before = explorer.weights.copy()

    def broken(*args, **kwargs):
        raise RuntimeError("checkpoint file is damaged")

    monkeypatch.setattr("selfattention.widgets.training_explorer.sentence_attention", broken)
    explorer.checkpoint.value = 2
    assert "checkpoint file is damaged" in explorer.message.value
    np.testing.assert_array_equal(explorer.weights, before)
    monkeypatch.undo()
    explorer.checkpoint.value = 3
    assert explorer.message.value == ""
    np.testing.assert_allclose(explorer.weights, sentence_attention(run.model_at(3), explorer.example), rtol=1e-6)


def test_refuses_bad_settings(run):
    with pytest.raises(TypeError, match="run must be a TrainingRun"):
        TrainingExplorer("not a run")
    with pytest.raises(ValueError, match="1 to 8 sentences"):
        TrainingExplorer(run, sentences=[])
    with pytest.raises(ValueError, match="at most 12 tokens"):
        TrainingExplorer(run, sentences=["i love " + "really " * 12 + "apple pie"])
    with pytest.raises(ValueError, match="checkpoint must be an int from 0 to 5"):
        TrainingExplorer(run, checkpoint=6)
    for bad in ("0", 1.0, True):
        with pytest.raises(TypeError, match="checkpoint must be an int"):
            TrainingExplorer(run, checkpoint=bad)
    with pytest.raises(ValueError, match="exactly one context word"):
        TrainingExplorer(run, sentences=["i love apple"])
    example = example_from_text("apple pie")
    assert TrainingExplorer(run, sentences=[example]).examples == [example]
