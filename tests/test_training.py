"""Training: a short seeded run learns the task and learns where to look."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from selfattention.toy_task import example_from_text, make_dataset
from selfattention.training import (
    Checkpoint,
    TrainingRun,
    evaluate,
    predict,
    sentence_attention,
    train,
)


@pytest.fixture(scope="module")
def run() -> TrainingRun:
    return train(steps=160, checkpoint_every=20, seed=0, device="cpu", progress=False)


@pytest.fixture(scope="module")
def frozen() -> TrainingRun:
    """The control: W_Q and W_K held at zero, so attention stays uniform."""
    return train(steps=160, checkpoint_every=80, seed=0, device="cpu", progress=False, learn_attention=False)


def test_training_reaches_high_heldout_accuracy_and_moves_attention_to_the_context_word(run):
    """The training test: held-out sentences use context words training never saw."""
    before, after = run.checkpoints[0].heldout, run.checkpoints[-1].heldout
    assert before.accuracy == pytest.approx(0.5, abs=0.1)  # a coin toss before training
    assert after.accuracy >= 0.97
    # before: about an even share; after: most of apple's attention
    assert before.context_attention == pytest.approx(before.uniform, abs=0.03)
    assert after.context_attention > 0.7
    assert after.context_attention > 4 * before.context_attention
    assert after.self_attention < before.self_attention


def test_loss_falls(run):
    assert run.losses.shape == (160,)
    assert run.losses[:10].mean() > 0.6
    assert run.checkpoints[-1].loss < 0.05
    assert run.checkpoints[-1].loss < run.checkpoints[0].loss / 10


def test_checkpoints_are_kept_at_regular_steps_and_are_copies(run):
    assert run.steps.tolist() == [0, 20, 40, 60, 80, 100, 120, 140, 160]
    first, last = run.checkpoints[0], run.checkpoints[-1]
    assert isinstance(first, Checkpoint)
    assert set(first.state) == {"w_q", "w_k", "w_v", "readout.weight", "readout.bias"}
    assert not torch.equal(first.state["w_q"], last.state["w_q"])
    torch.testing.assert_close(last.state["w_k"], run.model.w_k.detach().cpu())


def test_model_at_restores_a_checkpoint(run):
    start = run.model_at(0)
    torch.testing.assert_close(start.w_v, run.checkpoints[0].state["w_v"])
    assert evaluate(start, run.data.heldout) == run.checkpoints[0].heldout
    assert evaluate(run.model_at(-1), run.data.heldout) == run.checkpoints[-1].heldout
    with pytest.raises(IndexError, match="out of range for 9 checkpoints"):
        run.model_at(9)


def test_same_seed_same_run_and_other_seed_also_learns():
    first = train(steps=30, checkpoint_every=10, seed=3, device="cpu", progress=False)
    again = train(steps=30, checkpoint_every=10, seed=3, device="cpu", progress=False)
    np.testing.assert_array_equal(first.losses, again.losses)
    torch.testing.assert_close(first.model.w_q, again.model.w_q)
    other = train(steps=30, checkpoint_every=10, seed=4, device="cpu", progress=False)
    assert not np.array_equal(first.losses, other.losses)


def test_frozen_attention_stays_uniform_and_does_worse(run, frozen):
    end = frozen.checkpoints[-1].heldout
    assert end.context_attention == pytest.approx(end.uniform, abs=1e-6)
    assert torch.count_nonzero(frozen.model.w_q) == 0 and torch.count_nonzero(frozen.model.w_k) == 0
    assert end.accuracy < run.checkpoints[-1].heldout.accuracy


def test_sentence_attention_of_a_typed_sentence(run):
    example = example_from_text("fresh sweet i love apple shares")
    weights = sentence_attention(run.model, example)
    assert weights.shape == (6, 6)
    np.testing.assert_allclose(weights.sum(1), 1, rtol=1e-6)
    assert weights[example.target].argmax() == example.context  # apple looks at "shares"


def test_learned_attention_is_not_fooled_by_leaning_fillers_but_frozen_attention_is(run, frozen):
    example = example_from_text("fast smart new apple cider")  # three tech-leaning fillers, fruit context
    learned, averaged = predict(run.model, example), predict(frozen.model, example)
    assert learned.shape == (2,) and learned.sum() == pytest.approx(1.0)
    assert learned[0] > 0.9  # fruit
    assert averaged[1] > 0.5  # an even mix of the sentence leans towards the company


def test_runs_on_the_backend_device(torch_backend):
    short = train(steps=5, checkpoint_every=5, device=torch_backend.device, progress=False)
    assert short.device == torch_backend.device and short.model.device.type == torch_backend.device
    assert short.checkpoints[-1].state["w_q"].device.type == "cpu"  # snapshots live on the CPU


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"steps": 0}, ValueError, "steps must be at least 1, got 0"),
        ({"batch_size": 1.5}, TypeError, "batch_size must be an int, got float"),
        ({"checkpoint_every": 0}, ValueError, "checkpoint_every must be at least 1"),
        ({"steps": True}, TypeError, "steps must be an int, got bool"),
        ({"lr": 0}, ValueError, "lr must be > 0"),
        ({"data": [1, 2]}, TypeError, "data must be a ToyData"),
        ({"device": "tpu"}, ValueError, "prefer must be one of"),
    ],
)
def test_train_refuses_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        train(progress=False, **kwargs)


def test_default_data_is_the_seeded_dataset():
    short = train(steps=1, progress=False, device="cpu", seed=2)
    assert short.data == make_dataset(seed=2)
