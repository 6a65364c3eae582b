"""The training explorer: scrub through a training run's checkpoints.

A slider picks a saved checkpoint; the heatmap shows the attention of a chosen (or
typed) sentence with that checkpoint's weights, and the loss curve marks where in
training that checkpoint sits.

The training is the heavy part, and it is done once, in the chapter. What the
attention of one sentence needs from a checkpoint is small: the frozen embedding
table and that checkpoint's ``W_Q`` and ``W_K`` (a few hundred numbers). So the
widget ships them with the page, and its front end (``js/training.js``) computes
``softmax(X W_Q (X W_K)^T / sqrt(d_k))`` in the browser for any sentence the reader
types, live on the website too. The numbers are the checkpoint's own float32 values,
written in their shortest exact form, so the browser starts from the very numbers
torch used. Here the package computes the same attention
(:func:`selfattention.training.sentence_attention`, :attr:`TrainingExplorer.weights`):
the reference that the chapter and the tests compare with.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import matplotlib
import numpy as np
import traitlets

from .._arrays import check_int
from ..plotting import CMAP, figure_png, heatmap, new_figure
from ..toy_task import AMBIGUOUS, CONTEXT_WORDS, LABELS, PAD, VOCAB, Example, example_from_text
from ..training import TrainingRun, sentence_attention
from ._base import Checked, InvalidState, InvalidType, LiveWidget
from ._live import snapshot_html

__all__ = ["TrainingExplorer", "MAX_SENTENCES", "MAX_TOKENS"]

MAX_SENTENCES = 8
"""The most preset sentences the explorer offers."""
MAX_TOKENS = 12
"""The longest sentence (in tokens) it shows: a 12 by 12 heatmap still fits the page."""

_FONT = 8.5  # points; at 100 dpi that is 11.8 px, and the snapshot is drawn at its own size
_SNAPSHOT_SIZE = (6.8, 7.8)  # inches at 100 dpi: 680 px wide, under the 688 px column


def _f32(value) -> float:
    """A float32 number as the shortest decimal that reads back as the same float32.

    JSON carries it as that short decimal; ``Math.fround`` in the browser turns it back
    into exactly the float32 value torch computed with, so nothing is rounded away.
    """
    return float(str(np.float32(value)))


def _f32_rows(matrix) -> list:
    return [[_f32(v) for v in row] for row in np.asarray(matrix, dtype=np.float32)]


def _as_example(sentence, index: int) -> Example:
    if isinstance(sentence, Example):
        if example_from_text(sentence.text) != sentence:
            raise ValueError(
                f"sentences[{index}] is an Example whose label, apple or context position "
                f"does not follow from its words: {sentence.text!r}"
            )
        return sentence
    if not isinstance(sentence, str):
        raise TypeError(
            f"sentences[{index}] must be a str or an Example, got {type(sentence).__name__}"
        )
    return example_from_text(sentence)


def _check_length(example: Example, name: str) -> Example:
    if len(example.tokens) > MAX_TOKENS:
        raise InvalidState(
            f"{name} must have at most {MAX_TOKENS} tokens, got {len(example.tokens)}: "
            f"{example.text!r}"
        )
    return example


class TrainingExplorer(LiveWidget):
    """Move through training and watch one sentence's attention take shape.

    Parameters
    ----------
    run : TrainingRun
        The result of :func:`selfattention.training.train`.
    sentences : sequence of Example or str, optional
        The sentences offered as buttons (1 to 8, each at most 12 tokens). Strings go
        through :func:`~selfattention.toy_task.example_from_text`. Defaults to the
        first held-out sentence of each held-out context word, up to 6. The reader
        can also type a sentence of the task's words.
    checkpoint : int
        Index of the checkpoint shown first (0 = before training).

    Attributes
    ----------
    checkpoint : int
        Index of the checkpoint shown, in ``run.checkpoints``.
    sentence : str
        The sentence shown: one of the presets or any sentence of the task's words
        that :func:`~selfattention.toy_task.example_from_text` accepts.
    examples : list of Example
        The preset sentences.
    example : Example
        The sentence now shown, as an :class:`Example`.
    weights : numpy.ndarray, shape (T, T)
        Its attention weights with the checkpoint's ``W_Q`` and ``W_K``, computed by
        the package (:func:`~selfattention.training.sentence_attention`).
    error : str
        Why the last change was refused, if it was (see :class:`LiveWidget`).
    """

    _module = "training"
    _state_traits = ("checkpoint", "sentence")

    checkpoint = Checked(0).tag(sync=True)  # checked by _valid_checkpoint
    sentence = Checked("").tag(sync=True)  # checked by _valid_sentence
    presets = traitlets.List(read_only=True).tag(sync=True)
    task = traitlets.Dict(read_only=True).tag(sync=True)
    training = traitlets.Dict(read_only=True).tag(sync=True)

    def __init__(self, run: TrainingRun, sentences: Sequence | None = None, checkpoint: int = 0):
        if not isinstance(run, TrainingRun):
            raise TypeError(f"run must be a TrainingRun (from train()), got {type(run).__name__}")
        if not run.checkpoints:
            raise ValueError("run has no checkpoints to show")
        if sentences is None:
            seen, sentences = set(), []
            for example in run.data.heldout:
                if example.context_word not in seen and len(example.tokens) <= MAX_TOKENS:
                    seen.add(example.context_word)
                    sentences.append(example)
            sentences = sentences[:6]
        if isinstance(sentences, (str, Example)):
            raise TypeError("sentences must be a sequence of sentences, not a single one")
        examples = [_as_example(s, i) for i, s in enumerate(sentences)]
        if not 1 <= len(examples) <= MAX_SENTENCES:
            raise ValueError(
                f"sentences must hold 1 to {MAX_SENTENCES} sentences, got {len(examples)}"
            )
        too_long = [e.text for e in examples if len(e.tokens) > MAX_TOKENS]
        if too_long:
            raise ValueError(
                f"sentences must have at most {MAX_TOKENS} tokens each; too long: {too_long}"
            )
        checkpoint = check_int(checkpoint, "checkpoint", minimum=0,
                               maximum=len(run.checkpoints) - 1)
        self.run = run
        self.examples = examples
        self._presets = {e.text: e for e in examples}
        self._models = {}
        self.set_trait("presets", [e.text for e in examples])
        self.set_trait("task", self._task_data())
        self.set_trait("training", self._training_data())
        self._figure = None
        super().__init__(title="Training explorer", checkpoint=checkpoint,
                         sentence=examples[0].text)

    # -- what the page needs -------------------------------------------------------

    def _task_data(self) -> dict:
        table = self.run.model.embeddings.detach().cpu().numpy()
        return {
            "vocab": list(VOCAB), "pad": PAD, "ambiguous": AMBIGUOUS, "labels": list(LABELS),
            "context_words": [
                [*CONTEXT_WORDS[name]["train"], *CONTEXT_WORDS[name]["heldout"]]
                for name in LABELS
            ],
            "embeddings": _f32_rows(table), "max_tokens": MAX_TOKENS,
        }

    def _training_data(self) -> dict:
        run, checkpoints = self.run, self.run.checkpoints
        return {
            "d_k": int(run.model.w_q.shape[1]),
            "steps": [int(c.step) for c in checkpoints],
            "loss": [_f32(c.loss) for c in checkpoints],
            "accuracy": [_f32(c.heldout.accuracy) for c in checkpoints],
            "context_attention": [_f32(c.heldout.context_attention) for c in checkpoints],
            "uniform": [_f32(c.heldout.uniform) for c in checkpoints],
            "w_q": [_f32_rows(c.state["w_q"].numpy()) for c in checkpoints],
            "w_k": [_f32_rows(c.state["w_k"].numpy()) for c in checkpoints],
            # the grey curve of each batch's loss: drawn, never compared, so 4 digits do
            "batch_losses": [float(f"{v:.4g}") for v in run.losses],
        }

    def _fixed_traits(self) -> tuple[str, ...]:
        return ("presets", "task", "training")

    # -- checks on every change, from a cell or from the front end ------------------

    @traitlets.validate("checkpoint")
    def _valid_checkpoint(self, proposal):
        try:
            return check_int(proposal["value"], "checkpoint", minimum=0,
                             maximum=len(self.run.checkpoints) - 1)
        except TypeError as exc:
            raise InvalidType(str(exc)) from None
        except ValueError as exc:
            raise InvalidState(str(exc)) from None

    @traitlets.validate("sentence")
    def _valid_sentence(self, proposal):
        self._example_for(proposal["value"])
        return proposal["value"]

    def _example_for(self, text) -> Example:
        if not isinstance(text, str):
            raise InvalidType(f"sentence must be a str, got {type(text).__name__} {text!r}")
        if text in self._presets:
            return self._presets[text]
        try:
            example = example_from_text(text)
        except ValueError as exc:
            raise InvalidState(str(exc)) from None
        return _check_length(example, "sentence")

    # -- the reference computation ------------------------------------------------

    def _model(self, index: int):
        if index not in self._models:
            self._models[index] = self.run.model_at(index)
        return self._models[index]

    def _refresh(self) -> None:
        example = self._example_for(self.sentence)
        weights = sentence_attention(self._model(self.checkpoint), example)
        self.example, self.weights = example, weights

    # -- words: the status line and the alt text --------------------------------------

    def status(self) -> str:
        """What the widget says under the heatmap (plain text, as the front end writes it)."""
        c, e = self.run.checkpoints[self.checkpoint], self.example
        row = self.weights[e.target]
        return (
            f"Step {c.step} of {self.run.checkpoints[-1].step}: training loss {c.loss:.3f}, "
            f"held-out accuracy {c.heldout.accuracy:.1%}, held-out mean weight from "
            f"{AMBIGUOUS} to its context word {c.heldout.context_attention:.2f} "
            f"(an even split would give {c.heldout.uniform:.2f}). In this sentence "
            f"({LABELS[e.label]}), {AMBIGUOUS} gives {e.context_word} "
            f"{row[e.context]:.2f} and itself {row[e.target]:.2f}."
        )

    def curve_description(self) -> str:
        """The loss curve in words (the live view's SVG says the same)."""
        first, last = self.run.checkpoints[0], self.run.checkpoints[-1]
        c = self.run.checkpoints[self.checkpoint]
        return (
            f"The training loss falls from {first.loss:.2f} to {last.loss:.3f} while the "
            f"held-out mean weight from {AMBIGUOUS} to its context word (dashed) rises from "
            f"{first.heldout.context_attention:.2f} to {last.heldout.context_attention:.2f}; "
            f"a marker shows step {c.step}, where the loss is {c.loss:.3f}."
        )

    def describe(self) -> str:
        """A sentence describing the current figure, used as its alt text."""
        c, e = self.run.checkpoints[self.checkpoint], self.example
        row = self.weights[e.target]
        return (
            f"Top: heatmap of the attention weights for the sentence '{e.text}' at training "
            f"step {c.step}; the {AMBIGUOUS} row gives {e.context_word} {row[e.context]:.2f} "
            f"and {AMBIGUOUS} itself {row[e.target]:.2f}. Bottom: {self.curve_description()}"
        )

    # -- the static snapshot ----------------------------------------------------

    def _draw_figure(self):
        """The snapshot's figure, laid out for the page's 688 px column at its own size.

        The heatmap sits above the loss curve (not beside it), so the figure is 680 px
        wide and is never scaled down: every text in it stays at least 10 px tall.
        """
        run, c, e = self.run, self.run.checkpoints[self.checkpoint], self.example
        fig = new_figure(*_SNAPSHOT_SIZE)
        ax_heat = fig.add_axes([0.2, 0.56, 0.62, 0.38])
        ax_loss = fig.add_axes([0.12, 0.16, 0.74, 0.27])
        tokens = list(e.tokens)
        drawn = heatmap(ax_heat, self.weights, tokens, tokens)
        for text in drawn.texts.flat:
            text.set_fontsize(_FONT)
        ax_heat.tick_params(axis="x", labelrotation=45)
        for label in ax_heat.get_xticklabels():
            label.set_horizontalalignment("right")
        ax_heat.set_title(f"attention at step {c.step}", fontsize=10)

        steps = np.arange(len(run.losses))
        ax_loss.plot(steps, run.losses, "-", color="0.6", linewidth=1.0,
                     label="loss of each batch")
        ax_loss.plot(run.steps, [k.loss for k in run.checkpoints], "-", color="black",
                     linewidth=1.8, label="training-set loss")
        ax_loss.set_xlabel("training step")
        ax_loss.set_ylabel("cross-entropy loss")
        ax_loss.set_ylim(bottom=0)
        right = ax_loss.twinx()
        right.plot(run.steps, [k.heldout.context_attention for k in run.checkpoints], "--",
                   color=matplotlib.colormaps[CMAP](0.35), linewidth=2.0,
                   label=f"{AMBIGUOUS} → context (held-out)")
        right.set_ylim(0, 1.02)
        right.set_ylabel("attention weight")
        ax_loss.axvline(c.step, color="crimson", linestyle=":", linewidth=1.6)
        ax_loss.plot([c.step], [c.loss], "o", color="crimson", markersize=7,
                     label=f"this checkpoint (step {c.step})")
        handles = ax_loss.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
        ax_loss.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.3),
                       ncol=2, frameon=False, fontsize=_FONT)
        ax_loss.set_title("Loss falls as attention finds the context word", fontsize=10)
        for ax in (ax_heat, ax_loss, right, *fig.axes):
            ax.tick_params(labelsize=_FONT)
            ax.xaxis.label.set_fontsize(_FONT + 0.5)
            ax.yaxis.label.set_fontsize(_FONT + 0.5)
        return fig

    def figure_png(self) -> bytes:
        """The snapshot's figure for the current state, as PNG bytes."""
        self._figure = self._draw_figure()
        return figure_png(self._figure)

    def snapshot(self) -> str:
        return snapshot_html(
            self.figure_png(), self.describe(), "Training explorer",
            f"<p>{html.escape(self.status())}</p>",
        )

