"""The training explorer's Python side: traits, checks, the package's reference, snapshot."""

from __future__ import annotations

import numpy as np
import pytest

from selfattention.toy_task import example_from_text
from selfattention.training import sentence_attention, train
from selfattention.widgets import training_explorer as module
from selfattention.widgets._base import InvalidState, InvalidType
from selfattention.widgets.training_explorer import MAX_TOKENS, TrainingExplorer


@pytest.fixture(scope="module")
def run():
    return train(steps=100, checkpoint_every=20, device="cpu", progress=False)


def test_opens_before_training_on_held_out_sentences(run):
    explorer = TrainingExplorer(run)
    assert explorer.checkpoint == 0 and explorer.error == ""
    assert len(explorer.examples) == 6
    assert len({e.context_word for e in explorer.examples}) == 6
    assert all(e in run.data.heldout for e in explorer.examples)
    assert explorer.sentence == explorer.examples[0].text and explorer.example == explorer.examples[0]
    assert explorer.presets == [e.text for e in explorer.examples]
    np.testing.assert_allclose(explorer.weights, sentence_attention(run.model_at(0), explorer.example))
    assert explorer.status().startswith("Step 0 of 100: training loss ")
    assert set(explorer.page_state()) == {"title", "error", "checkpoint", "sentence",
                                          "presets", "task", "training"}


def test_scrubbing_to_the_end_changes_the_reference_and_the_words(run):
    explorer = TrainingExplorer(run)
    before = explorer.weights.copy()
    explorer.checkpoint = len(run.checkpoints) - 1
    example = explorer.example
    np.testing.assert_allclose(explorer.weights, sentence_attention(run.model, example), rtol=1e-6)
    assert explorer.weights[example.target, example.context] > before[example.target, example.context] + 0.3
    assert "Step 100 of 100" in explorer.status()
    assert "a marker shows step 100" in explorer.describe()
    assert explorer.error == ""


def test_choosing_or_typing_a_sentence_gives_its_attention(run):
    explorer = TrainingExplorer(run, checkpoint=3)
    other = explorer.examples[2]
    explorer.sentence = other.text
    assert explorer.weights.shape == (len(other.tokens),) * 2
    typed = "  Smart APPLE\tcrumble "  # not a preset: read as example_from_text reads it
    explorer.sentence = typed
    assert explorer.sentence == typed and explorer.example == example_from_text(typed)
    np.testing.assert_allclose(explorer.weights,
                               sentence_attention(run.model_at(3), example_from_text(typed)))
    assert "In this sentence (fruit), apple gives crumble" in explorer.status()


def test_typed_sentences_are_accepted_as_presets(run):
    explorer = TrainingExplorer(run, sentences=["fresh i love apple tablet", "smart apple crumble"])
    assert [e.label for e in explorer.examples] == [1, 0]
    example = example_from_text("apple pie")
    assert TrainingExplorer(run, sentences=[example]).examples == [example]


def test_bad_values_from_a_cell_raise_and_change_nothing(run):
    explorer = TrainingExplorer(run, checkpoint=2)
    before = explorer.weights.copy()
    for bad, kind, message in [
        ("i love apple", InvalidState, "exactly one context word"),
        ("", InvalidState, "'apple' exactly once"),
        ("banana apple pie", InvalidState, r"unknown word\(s\) \['banana'\]"),
        ("i love " + "really " * 12 + "apple pie", InvalidState, f"at most {MAX_TOKENS} tokens"),
        (3, InvalidType, "sentence must be a str"),
        (None, InvalidType, "sentence must be a str"),
    ]:
        with pytest.raises(kind, match=message):
            explorer.sentence = bad
    for bad, kind in [(-1, InvalidState), (6, InvalidState), (1.0, InvalidType), ("2", InvalidType),
                      (True, InvalidType), (None, InvalidType)]:
        with pytest.raises(kind, match="checkpoint must be an int"):
            explorer.checkpoint = bad
    assert explorer.checkpoint == 2 and explorer.sentence == explorer.examples[0].text
    np.testing.assert_array_equal(explorer.weights, before)


def test_a_bad_state_from_the_front_end_is_refused_whole_and_the_next_good_one_clears_it(run):
    explorer = TrainingExplorer(run, checkpoint=1)
    before = explorer.weights.copy()
    explorer.set_state({"checkpoint": 4, "sentence": "banana apple pie"})
    assert "unknown word(s) ['banana']" in explorer.error
    assert explorer.checkpoint == 1 and explorer.sentence == explorer.examples[0].text  # whole
    np.testing.assert_array_equal(explorer.weights, before)
    explorer.set_state({"checkpoint": 4})
    assert explorer.error == "" and explorer.checkpoint == 4


def test_a_good_state_that_changes_nothing_still_clears_an_old_message(run):
    """Issue 12: messages never go stale, even when the good state is the one already held."""
    explorer = TrainingExplorer(run)
    explorer.set_state({"sentence": "apple"})
    assert "exactly one context word" in explorer.error
    explorer.set_state({"sentence": explorer.sentence})  # the same sentence, picked again
    assert explorer.error == ""
    explorer.set_state({"checkpoint": 99})
    assert "from 0 to 5, got 99" in explorer.error
    explorer.set_state({"checkpoint": 0})
    assert explorer.error == ""


def test_a_failing_computation_shows_a_message_and_keeps_the_last_good_state(run, monkeypatch):
    explorer = TrainingExplorer(run)
    before = explorer.weights.copy()

    def broken(*args, **kwargs):
        raise RuntimeError("checkpoint file is damaged")

    monkeypatch.setattr("selfattention.widgets.training_explorer.sentence_attention", broken)
    explorer.checkpoint = 2
    assert "checkpoint file is damaged" in explorer.error
    np.testing.assert_array_equal(explorer.weights, before)
    monkeypatch.undo()
    explorer.checkpoint = 3
    assert explorer.error == ""
    np.testing.assert_allclose(explorer.weights, sentence_attention(run.model_at(3), explorer.example), rtol=1e-6)


def test_a_change_in_the_kernel_draws_no_figure(run, monkeypatch):
    """Issue 12: each change used to redraw a matplotlib figure (about 0.24 s).

    Its time is measured by benchmarks/, not asserted here.
    """
    explorer = TrainingExplorer(run)
    drawn = []
    monkeypatch.setattr(module, "figure_png", lambda fig: drawn.append(fig) or b"")
    for i in range(30):
        explorer.checkpoint = i % len(run.checkpoints)
        explorer.sentence = explorer.examples[i % len(explorer.examples)].text
        assert explorer.error == ""
    assert drawn == []


def test_snapshot_is_laid_out_for_the_column_with_text_of_at_least_10_px(run):
    """Issue 12: the old 1050 px figure was scaled down to 688 px, its text under 10 px."""
    explorer = TrainingExplorer(run, checkpoint=len(run.checkpoints) - 1)
    html = explorer.snapshot()
    fig = explorer._figure
    width_px = fig.get_figwidth() * fig.dpi
    assert width_px <= 688  # shown at its own size in the content column: never scaled down
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text"))
             if t.get_text().strip() and t.get_visible()]
    assert len(texts) > 30
    smallest = min(t.get_fontsize() * fig.dpi / 72 for t in texts)
    assert smallest >= 10, smallest
    assert 'alt="Top: heatmap of the attention weights for the sentence' in html
    assert f"at training step {run.checkpoints[-1].step}" in explorer.describe()
    assert "Training explorer" in html and "Step 100 of 100" in html


def test_refuses_bad_settings(run):
    with pytest.raises(TypeError, match="run must be a TrainingRun"):
        TrainingExplorer("not a run")
    with pytest.raises(ValueError, match="1 to 8 sentences"):
        TrainingExplorer(run, sentences=[])
    with pytest.raises(TypeError, match="sequence of sentences"):
        TrainingExplorer(run, sentences="apple pie")
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
    with pytest.raises(ValueError, match="does not follow from its words"):
        TrainingExplorer(run, sentences=[type(example)(example.tokens, 1, 0, 1)])
    with pytest.raises(TypeError, match=r"sentences\[0\] must be a str or an Example"):
        TrainingExplorer(run, sentences=[3])
