"""Training the one-head classifier on the apple task, keeping snapshots on the way.

The loop is the one the book draws: start from small random ``W_Q, W_K, W_V``,
compute Q, K, V, run attention, predict, compare with the right answer
(cross-entropy loss), let backpropagation find the gradients, and let the
optimiser update the weights. Every ``checkpoint_every`` steps a copy of the
weights is kept, with the held-out accuracy and the attention that *apple*
pays its context word at that moment, so a chapter or a widget can go back
to any stage of training.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from tqdm.auto import trange

from ._arrays import check_int
from .device import pick_device
from .model import AttentionClassifier
from .toy_task import Batch, Example, ToyData, embedding_matrix, encode, make_dataset

__all__ = [
    "Checkpoint",
    "Evaluation",
    "TrainingRun",
    "evaluate",
    "predict",
    "sentence_attention",
    "train",
]


@dataclass(frozen=True)
class Evaluation:
    """How a model does on a list of examples.

    Attributes
    ----------
    accuracy : float
        Share of examples whose label is predicted correctly.
    context_attention : float
        Mean attention weight from *apple* (the query) to the context word (the key).
    self_attention : float
        Mean attention weight from *apple* to itself.
    uniform : float
        What ``context_attention`` would be if every token got an equal share
        (the mean of 1 / T).
    """

    accuracy: float
    context_attention: float
    self_attention: float
    uniform: float


@dataclass(frozen=True)
class Checkpoint:
    """A copy of the weights at one step, with its measurements.

    ``step`` counts optimiser updates done so far (0 = before training).
    ``state`` holds CPU copies of the trainable tensors, ``loss`` is the
    loss on the whole training split and ``heldout`` the held-out evaluation.
    """

    step: int
    state: dict
    loss: float
    heldout: Evaluation


@dataclass
class TrainingRun:
    """Everything a training run produced.

    Attributes
    ----------
    model : AttentionClassifier
        The trained model (its final weights).
    data : ToyData
    losses : numpy.ndarray, shape (steps,)
        The training loss of each step's batch, before that step's update.
    checkpoints : list of Checkpoint
        The first is step 0 (untrained), the last the final weights.
    seconds : float
        Wall-clock time of the loop.
    device : str
    """

    model: AttentionClassifier
    data: ToyData
    losses: np.ndarray
    checkpoints: list[Checkpoint] = field(default_factory=list)
    seconds: float = 0.0
    device: str = "cpu"

    @property
    def steps(self) -> np.ndarray:
        """The step of each checkpoint."""
        return np.array([c.step for c in self.checkpoints])

    def model_at(self, index: int) -> AttentionClassifier:
        """A copy of the model with the weights of ``checkpoints[index]``."""
        if not -len(self.checkpoints) <= index < len(self.checkpoints):
            raise IndexError(f"index {index} is out of range for {len(self.checkpoints)} checkpoints")
        model = AttentionClassifier(
            self.model.embeddings.cpu(), self.model.w_q.shape[1], self.model.w_v.shape[1],
            self.model.readout.out_features,
        )
        model.load_state_dict({**self.checkpoints[index].state, "embeddings": model.embeddings})
        return model.to(self.model.device).eval()


def _to_device(batch: Batch, device) -> tuple[torch.Tensor, ...]:
    return tuple(
        torch.from_numpy(a).to(device)
        for a in (batch.token_ids, batch.lengths, batch.targets, batch.contexts, batch.labels)
    )


@torch.no_grad()
def evaluate(model: AttentionClassifier, examples: list[Example]) -> Evaluation:
    """Accuracy and *apple*'s attention on ``examples`` (no gradients)."""
    token_ids, lengths, targets, contexts, labels = _to_device(encode(examples), model.device)
    out = model(token_ids, lengths, targets)
    rows = torch.arange(len(labels), device=model.device)
    apple_rows = out.attention.weights[rows, targets]  # (B, T): apple's attention over the sentence
    return Evaluation(
        accuracy=(out.logits.argmax(dim=1) == labels).float().mean().item(),
        context_attention=apple_rows[rows, contexts].mean().item(),
        self_attention=apple_rows[rows, targets].mean().item(),
        uniform=(1.0 / lengths.float()).mean().item(),
    )


@torch.no_grad()
def sentence_attention(model: AttentionClassifier, example: Example) -> np.ndarray:
    """The (T, T) attention weights of one sentence, as a numpy array."""
    token_ids, lengths, targets, *_ = _to_device(encode([example]), model.device)
    return model(token_ids, lengths, targets).attention.weights[0].cpu().numpy()


@torch.no_grad()
def predict(model: AttentionClassifier, example: Example) -> np.ndarray:
    """Class probabilities for one sentence, shape (n_classes,): softmax of the logits."""
    token_ids, lengths, targets, *_ = _to_device(encode([example]), model.device)
    return torch.softmax(model(token_ids, lengths, targets).logits[0], dim=0).cpu().numpy()


def _snapshot(model: AttentionClassifier) -> dict:
    return {k: v.detach().cpu().clone() for k, v in model.state_dict().items() if k != "embeddings"}


@torch.no_grad()
def _checkpoint(step: int, model: AttentionClassifier, data: ToyData, full_train, loss_fn):
    token_ids, lengths, targets, labels = full_train
    loss = loss_fn(model(token_ids, lengths, targets).logits, labels).item()
    return Checkpoint(step, _snapshot(model), loss, evaluate(model, data.heldout))


@contextlib.contextmanager
def _one_cpu_thread(device: str):
    """Run torch on one CPU thread for a while.

    The matrices here are a few numbers wide: splitting them across threads
    costs more than it saves, and on a busy machine the waiting threads can
    make a run many times slower. GPUs are not affected.
    """
    if device != "cpu":
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def train(
    data: ToyData | None = None,
    *,
    steps: int = 300,
    batch_size: int = 64,
    lr: float = 0.005,
    checkpoint_every: int = 5,
    d_k: int = 4,
    d_v: int = 4,
    seed: int = 0,
    device: str | None = None,
    progress: bool = True,
    learn_attention: bool = True,
) -> TrainingRun:
    """Train an :class:`AttentionClassifier` on the apple task.

    Parameters
    ----------
    data : ToyData, optional
        Defaults to ``make_dataset(seed=seed)``.
    steps : int
        Number of optimiser updates (Adam), each on a random batch.
    batch_size : int
    lr : float
        Adam's learning rate.
    checkpoint_every : int
        Keep a copy of the weights every this many steps (and at the start and end).
    d_k, d_v : int
        Sizes of the head.
    seed : int
        Seeds torch (the starting weights and the batch order).
    device : str, optional
        ``None`` picks the fastest available with :func:`selfattention.pick_device`.
    progress : bool
        Show a tqdm progress bar.
    learn_attention : bool
        ``False`` is the control experiment: ``W_Q`` and ``W_K`` are set to
        zero and frozen, so every score is 0 and the attention stays uniform
        (each word gets 1/T) for the whole run; only ``W_V`` and the readout learn.
    """
    steps = check_int(steps, "steps", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    checkpoint_every = check_int(checkpoint_every, "checkpoint_every", minimum=1)
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr!r}")
    data = make_dataset(seed=seed) if data is None else data
    if not isinstance(data, ToyData):
        raise TypeError(f"data must be a ToyData (from make_dataset), got {type(data).__name__}")
    device = pick_device() if device is None else pick_device(device)

    torch.manual_seed(seed)
    model = AttentionClassifier(embedding_matrix(), d_k=d_k, d_v=d_v).to(device)
    if not learn_attention:
        for weight in (model.w_q, model.w_k):
            weight.requires_grad_(False).zero_()
    optimiser = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    token_ids, lengths, targets, _, labels = _to_device(encode(data.train), device)
    generator = torch.Generator().manual_seed(seed)

    losses = np.zeros(steps)
    run = TrainingRun(model, data, losses, device=device)
    with _one_cpu_thread(device):
        _loop(run, optimiser, loss_fn, (token_ids, lengths, targets, labels), generator,
              steps, batch_size, checkpoint_every, progress)
    model.eval()
    return run


def _loop(
    run, optimiser, loss_fn, full_train, generator, steps, batch_size, checkpoint_every, progress
):
    """The training loop itself: fills run.losses and run.checkpoints."""
    model, data, losses = run.model, run.data, run.losses
    token_ids, lengths, targets, labels = full_train
    n, device = len(labels), run.device
    start = time.perf_counter()
    bar = trange(steps, desc="training", disable=not progress, mininterval=0.25)
    for step in bar:
        pick = torch.randint(n, (batch_size,), generator=generator).to(device)
        out = model(token_ids[pick], lengths[pick], targets[pick])  # predict
        loss = loss_fn(out.logits, labels[pick])  # compare with the right answers
        losses[step] = loss.item()
        if step % checkpoint_every == 0:
            run.checkpoints.append(_checkpoint(step, model, data, full_train, loss_fn))
        optimiser.zero_grad()
        loss.backward()  # backpropagation: the gradient of the loss for every weight
        optimiser.step()  # update W_Q, W_K, W_V and the readout
        if step % 25 == 0:
            bar.set_postfix(loss=f"{losses[step]:.3f}", refresh=False)
    run.checkpoints.append(_checkpoint(steps, model, data, full_train, loss_fn))
    run.seconds = time.perf_counter() - start
