"""The training explorer: scrub through a training run's checkpoints.

A slider picks a saved checkpoint; the heatmap shows the attention of a chosen
sentence with that checkpoint's weights, and the loss curve marks where in
training that checkpoint sits.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as widgets
import matplotlib
import numpy as np

from .._arrays import check_int
from ..plotting import CMAP, figure_png, heatmap, new_figure
from ..toy_task import AMBIGUOUS, LABELS, Example, example_from_text
from ..training import TrainingRun, sentence_attention
from ._live import SnapshotMixin, alert_html, snapshot_html

__all__ = ["TrainingExplorer"]

_LABEL_STYLE = {"description_width": "9em"}
_WIDE = widgets.Layout(width="40em")
_MAX_SENTENCES = 8
_MAX_TOKENS = 12


def _as_example(sentence) -> Example:
    return sentence if isinstance(sentence, Example) else example_from_text(sentence)


class TrainingExplorer(SnapshotMixin, widgets.VBox):
    """Move through training and watch one sentence's attention take shape.

    Parameters
    ----------
    run : TrainingRun
        The result of :func:`selfattention.training.train`.
    sentences : sequence of Example or str, optional
        Sentences to choose from (1 to 8, each at most 12 tokens). Strings go
        through :func:`~selfattention.toy_task.example_from_text`. Defaults to
        the first held-out sentence of each held-out context word, up to 6.
    checkpoint : int
        Index of the checkpoint shown first (0 = before training).

    Attributes
    ----------
    checkpoint : ipywidgets.SelectionSlider
        Its value is the checkpoint's index; its label is the training step.
    sentence : ipywidgets.Dropdown
        Its value is the index of the sentence in :attr:`examples`.
    weights : numpy.ndarray, shape (T, T)
        The attention weights now shown.
    """

    def __init__(self, run: TrainingRun, sentences: Sequence | None = None, checkpoint: int = 0):
        if not isinstance(run, TrainingRun):
            raise TypeError(f"run must be a TrainingRun (from train()), got {type(run).__name__}")
        if not run.checkpoints:
            raise ValueError("run has no checkpoints to show")
        if sentences is None:
            seen, sentences = set(), []
            for example in run.data.heldout:
                if example.context_word not in seen and len(example.tokens) <= _MAX_TOKENS:
                    seen.add(example.context_word)
                    sentences.append(example)
            sentences = sentences[:6]
        examples = [_as_example(s) for s in sentences]
        if not 1 <= len(examples) <= _MAX_SENTENCES:
            raise ValueError(
                f"sentences must hold 1 to {_MAX_SENTENCES} sentences, got {len(examples)}"
            )
        too_long = [e.text for e in examples if len(e.tokens) > _MAX_TOKENS]
        if too_long:
            raise ValueError(
                f"sentences must have at most {_MAX_TOKENS} tokens each; too long: {too_long}"
            )
        checkpoint = check_int(checkpoint, "checkpoint", minimum=0,
                               maximum=len(run.checkpoints) - 1)
        self.run = run
        self.examples = examples
        self._models = {}

        self.checkpoint = widgets.SelectionSlider(
            options=[(str(c.step), i) for i, c in enumerate(run.checkpoints)], index=checkpoint,
            description="training step", style=_LABEL_STYLE, layout=_WIDE, continuous_update=True,
        )
        self.sentence = widgets.Dropdown(
            options=[(e.text, i) for i, e in enumerate(examples)], value=0,
            description="sentence", style=_LABEL_STYLE, layout=_WIDE,
        )
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.status = widgets.HTML()
        self.message = widgets.HTML()

        self._figure = new_figure(10.5, 4.4)
        self._ax_heat = self._figure.add_subplot(1, 2, 1)
        self._ax_loss = self._figure.add_subplot(1, 2, 2)
        self._figure.subplots_adjust(left=0.1, right=0.92, bottom=0.24, top=0.9, wspace=0.55)
        self._draw_curves()
        self._heatmap = None
        self._shown_sentence = None

        self.checkpoint.observe(self._on_change, names="value")
        self.sentence.observe(self._on_change, names="value")
        super().__init__(
            [widgets.HTML("<b>Training explorer</b>"), self.checkpoint, self.sentence,
             self.image, self.status, self.message]
        )
        self.weights = np.zeros((0, 0))
        self._redraw()

    @property
    def example(self) -> Example:
        """The sentence now shown."""
        return self.examples[self.sentence.value]

    def _draw_curves(self) -> None:
        ax, run = self._ax_loss, self.run
        steps = np.arange(len(run.losses))
        ax.plot(steps, run.losses, "-", color="0.55", linewidth=1.0, label="loss of each batch")
        marks = run.steps
        ax.plot(marks, [c.loss for c in run.checkpoints], "-", color="black", linewidth=1.8,
                label="training-set loss")
        ax.set_xlabel("training step")
        ax.set_ylabel("cross-entropy loss")
        ax.set_ylim(bottom=0)
        right = ax.twinx()
        right.plot(marks, [c.heldout.context_attention for c in run.checkpoints], "--",
                   color=matplotlib.colormaps[CMAP](0.35), linewidth=2.0,
                   label=f"{AMBIGUOUS} → context (held-out)")
        right.set_ylim(0, 1.02)
        right.set_ylabel("attention weight")
        self._marker_line = ax.axvline(0, color="crimson", linestyle=":", linewidth=1.6)
        (self._marker_dot,) = ax.plot([0], [run.checkpoints[0].loss], "o", color="crimson",
                                      markersize=7, label="this checkpoint")
        handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
        ax.legend(
            handles=handles, loc="center left", bbox_to_anchor=(0.36, 0.45), frameon=False, fontsize=8
        )
        ax.set_title("Loss falls as attention finds the context word", fontsize=10)

    def _model(self, index: int):
        if index not in self._models:
            self._models[index] = self.run.model_at(index)
        return self._models[index]

    def _on_change(self, change) -> None:
        try:
            self._redraw()
            self.message.value = ""
        except Exception as exc:  # keep the widget alive and say what went wrong
            self.message.value = alert_html(exc)

    def _redraw(self) -> None:
        index, example = self.checkpoint.value, self.example
        weights = sentence_attention(self._model(index), example)
        checkpoint = self.run.checkpoints[index]
        tokens = list(example.tokens)
        if self._shown_sentence != self.sentence.value:
            first = self._heatmap is None
            self._ax_heat.clear()  # the colour bar drawn the first time stays
            self._heatmap = heatmap(self._ax_heat, weights, tokens, tokens, colorbar=first)
            self._ax_heat.tick_params(axis="x", labelrotation=45)
            for text in self._heatmap.texts.flat:
                text.set_fontsize(8)
        else:
            self._heatmap.update(weights)
        self._ax_heat.set_title(f"attention at step {checkpoint.step}", fontsize=10)
        self._marker_line.set_xdata([checkpoint.step, checkpoint.step])
        self._marker_dot.set_data([checkpoint.step], [checkpoint.loss])
        self.weights, self._shown_sentence = weights, self.sentence.value
        self.image.value = figure_png(self._figure)
        self.status.value = self._status()

    def _status(self) -> str:
        c, e = self.run.checkpoints[self.checkpoint.value], self.example
        apple_row = self.weights[e.target]
        return (
            f"Step {c.step} of {self.run.checkpoints[-1].step}: training loss {c.loss:.3f}, "
            f"held-out accuracy {c.heldout.accuracy:.1%}, held-out mean weight from "
            f"<i>{AMBIGUOUS}</i> to its context word {c.heldout.context_attention:.2f} "
            f"(an even split would give {c.heldout.uniform:.2f}). In this sentence "
            f"(<i>{LABELS[e.label]}</i>), <i>{AMBIGUOUS}</i> gives "
            f"<i>{html.escape(e.context_word)}</i> {apple_row[e.context]:.2f} and itself "
            f"{apple_row[e.target]:.2f}."
        )

    def describe(self) -> str:
        """A sentence describing the current figure, used as its alt text."""
        c, e = self.run.checkpoints[self.checkpoint.value], self.example
        apple_row = self.weights[e.target]
        return (
            f"Left: heatmap of the attention weights for the sentence '{e.text}' at training step "
            f"{c.step}; the {AMBIGUOUS} row gives {e.context_word} {apple_row[e.context]:.2f} and "
            f"{AMBIGUOUS} itself {apple_row[e.target]:.2f}. Right: the training loss falls from "
            f"{self.run.checkpoints[0].loss:.2f} to {self.run.checkpoints[-1].loss:.3f} while the "
            f"held-out mean weight from {AMBIGUOUS} to its context word (dashed) rises from "
            f"{self.run.checkpoints[0].heldout.context_attention:.2f} to "
            f"{self.run.checkpoints[-1].heldout.context_attention:.2f}; a marker shows step {c.step}, "
            f"where the loss is {c.loss:.3f}."
        )

    def snapshot(self) -> str:
        return snapshot_html(
            figure_png(self._figure), self.describe(), "Training explorer",
            f"<p>{self.status.value}</p>",
        )
