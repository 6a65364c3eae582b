"""The attention explorer: change embeddings, W_Q, W_K, W_V, scaling and temperature.

Everything the reader sees is an HTML table (see :mod:`selfattention.html_tables`),
so one change redraws the whole widget in a few milliseconds: the score and
weight heatmaps, the queries, keys and values, and the output vectors.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import replace

import ipywidgets as widgets
import numpy as np

from .._arrays import check_number
from ..attention import SelfAttentionResult, self_attention
from ..embeddings import FEATURES, tokenize
from ..examples import PRESETS, Setup, generic_axes, load_preset, sentence_setup, toy_weights
from ..html_tables import heatmap_table, number_table
from ._live import LIVE_HINT, SnapshotMixin

__all__ = [
    "AttentionExplorer",
    "MAX_TOKENS",
    "format_matrix",
    "parse_matrix",
    "snapshot_from_html",
]

MAX_TOKENS = 12
"""The longest sentence the explorer takes: 12 tokens keep the tables readable."""

def _check_length(sentence: str) -> None:
    n_tokens = len(tokenize(sentence))
    if n_tokens > MAX_TOKENS:
        raise ValueError(
            f"the sentence has {n_tokens} tokens; the explorer takes at most {MAX_TOKENS}"
        )


def _count(n: int) -> str:
    return f"{n} number" if n == 1 else f"{n} numbers"


_SEPARATORS = re.compile(r"[\s,;\[\]()]+")


def parse_matrix(text: str, name: str) -> np.ndarray:
    """Read a matrix typed as text: one row per line, numbers split by spaces or commas.

    Brackets are ignored, so ``[1, 0]`` on a line reads like ``1 0``; blank
    lines are skipped.

    Raises
    ------
    ValueError
        Naming ``name`` and the row, when a number cannot be read, is not
        finite, or the rows differ in length, or there is no number at all.
    """
    rows = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        words = [w for w in _SEPARATORS.split(line) if w]
        if not words:
            continue
        row = []
        for word in words:
            try:
                value = float(word)
            except ValueError:
                raise ValueError(
                    f"{name}, line {line_number}: could not read {word!r} as a number"
                ) from None
            if not math.isfinite(value):
                raise ValueError(f"{name}, line {line_number}: {word!r} is not a finite number")
            row.append(value)
        if rows and len(row) != len(rows[0]):
            raise ValueError(
                f"{name}, line {line_number}: this row has {_count(len(row))} "
                f"but the first row has {_count(len(rows[0]))}; every row needs the same number"
            )
        rows.append(row)
    if not rows:
        raise ValueError(f"{name} is empty: write one row of numbers per line")
    return np.array(rows)


def _number(value: float) -> str:
    text = f"{value:.4g}"
    return "0" if text == "-0" else text


def format_matrix(matrix) -> str:
    """The text form :func:`parse_matrix` reads: one line per row, numbers split by spaces."""
    return "\n".join(" ".join(_number(v) for v in row) for row in np.atleast_2d(matrix))


def _column_names(weight: np.ndarray, axis_names: tuple[str, ...], prefix: str) -> list[str]:
    """Name a projection's output columns.

    When every column copies one input axis (an identity or a selection of
    features), the columns keep those axes' names, so "technology" stays
    readable. Otherwise they are numbered, ``q1, q2, ...``: mixing the two
    styles in one table would suggest that some columns mean more than others.
    """
    copied = []
    for column in weight.T:
        nonzero = np.flatnonzero(column)
        if len(nonzero) != 1 or column[nonzero[0]] != 1.0 or len(axis_names) != len(column):
            return [f"{prefix}{j + 1}" for j in range(weight.shape[1])]
        copied.append(axis_names[nonzero[0]])
    return copied


def _projection_names(setup: Setup) -> tuple[list[str], list[str], list[str]]:
    return (
        _column_names(setup.w_q, setup.axis_names, "q"),
        _column_names(setup.w_k, setup.axis_names, "k"),
        _column_names(setup.w_v, setup.axis_names, "v"),
    )


_STYLE = (
    "<style>"
    ".sa-explorer-tables table.sa-table{border-collapse:collapse;margin:0.25rem 0.75rem 0.5rem 0;}"
    ".sa-explorer-tables table.sa-table th,.sa-explorer-tables table.sa-table td"
    "{border:1px solid #bbb;padding:0.1rem 0.4rem;text-align:right;font-size:0.9em;}"
    ".sa-explorer-tables table.sa-table caption{caption-side:top;text-align:left;"
    "font-weight:bold;max-width:28em;}"
    ".sa-explorer-row{display:flex;flex-wrap:wrap;align-items:flex-start;}"
    "</style>"
)


def snapshot_from_html(body: str, title: str, details: str = "") -> str:
    """A widget's static snapshot when its live view is already HTML (no image needed).

    Parameters
    ----------
    body : str
        The widget's tables, as HTML.
    title : str
        The widget's name, escaped here.
    details : str
        Plain text describing the state (escaped here).
    """
    note = f" {html.escape(details)}" if details else ""
    return (
        f'<figure class="sa-widget-snapshot"><div class="sa-explorer-tables">{_STYLE}{body}</div>'
        f"<figcaption><strong>{html.escape(title)}</strong> (static snapshot). {LIVE_HINT}"
        f"{note}</figcaption></figure>"
    )


_LABEL = {"description_width": "9em"}
_MATRIX_HELP = (
    "<small>Edit a matrix, then click outside it to apply: one row per line, numbers "
    "separated by spaces or commas. X has one row per token; W_Q, W_K and W_V have one row "
    "per embedding dimension (d_model). W_Q and W_K need the same number of columns (d_k)."
    "</small>"
)


def _textarea(description: str, width: str) -> widgets.Textarea:
    return widgets.Textarea(
        description=description, continuous_update=False, style={"description_width": "4.5em"},
        layout=widgets.Layout(width=width, height="11em"),
    )


def _strongest(token: str, tokens: list[str], row: np.ndarray) -> str:
    """One token's largest weight in words; a tie names every word that shares it."""
    top = np.flatnonzero(np.isclose(row, row.max(), rtol=0.0, atol=5e-4))
    if len(top) == 1:
        return f"{token} attends most to {tokens[int(top[0])]} ({row.max():.2f})"
    names = ", ".join(tokens[int(j)] for j in top[:-1]) + f" and {tokens[int(top[-1])]}"
    return f"{token} splits its largest weight between {names} ({row.max():.2f} each)"


class AttentionExplorer(SnapshotMixin, widgets.VBox):
    """Self-attention with every input editable and every intermediate on show.

    Parameters
    ----------
    preset : str
        One of :data:`selfattention.examples.PRESETS`; the default is the book's worked example.
    scaling : bool
        Divide the scores by sqrt(d_k) before softmax.
    temperature : float
        In [0.1, 10]; the (scaled) scores are divided by it before softmax.

    Attributes
    ----------
    preset : ipywidgets.Dropdown
    sentence : ipywidgets.Text
        A sentence of up to 12 words, embedded in the toy space on Enter (or
        with :attr:`embed_button`).
    scaling : ipywidgets.Checkbox
    temperature : ipywidgets.FloatLogSlider
    x_text, w_q_text, w_k_text, w_v_text : ipywidgets.Textarea
        The embeddings (one row per token) and the three weight matrices.
    result : SelfAttentionResult
        Everything computed for the state now shown (numpy arrays).
    setup : Setup
        The tokens, embeddings and weights now shown.
    message : ipywidgets.HTML
        Says what was wrong with the last change, if anything. A change that
        cannot be used leaves the tables and :attr:`result` as they were.
    """

    def __init__(self, preset: str = "worked example", *, scaling: bool = True,
                 temperature: float = 1.0):
        temperature = check_number(temperature, "temperature", minimum=0.1, maximum=10)
        setup = load_preset(preset)  # raises for an unknown preset name
        self._quiet = False
        self.preset = widgets.Dropdown(
            options=PRESETS, value=preset, description="preset", style=_LABEL,
            layout=widgets.Layout(width="22em"),
        )
        self.sentence = widgets.Text(
            description="your sentence", continuous_update=False, style=_LABEL,
            placeholder=f"up to {MAX_TOKENS} words, then Enter",
            layout=widgets.Layout(width="30em"),
        )
        self.embed_button = widgets.Button(
            description="embed sentence", tooltip="embed the sentence in the toy space"
        )
        self.scaling = widgets.Checkbox(value=bool(scaling), description="divide scores by √d_k",
                                        indent=False)
        self.temperature = widgets.FloatLogSlider(
            value=temperature, base=10, min=-1, max=1, step=0.01, description="temperature",
            style=_LABEL, layout=widgets.Layout(width="30em"), readout_format=".2f",
        )
        self.x_text = _textarea("X", "26em")
        self.w_q_text = _textarea("W_Q", "15em")
        self.w_k_text = _textarea("W_K", "15em")
        self.w_v_text = _textarea("W_V", "22em")
        self.scores_html = widgets.HTML()
        self.weights_html = widgets.HTML()
        self.qkv_html = widgets.HTML()
        self.output_html = widgets.HTML()
        self.notes = widgets.HTML()
        self.message = widgets.HTML()
        self.setup: Setup | None = None
        self.result: SelfAttentionResult | None = None

        self.preset.observe(self._on_preset, names="value")
        self.sentence.observe(self._on_sentence, names="value")
        self.embed_button.on_click(self._on_sentence)
        for control in (self.scaling, self.temperature):
            control.observe(self._on_setting, names="value")
        for area in self._areas():
            area.observe(self._on_matrix, names="value")

        tables = widgets.VBox(
            [widgets.HTML(_STYLE),
             widgets.HBox([self.scores_html, self.weights_html],
                          layout=widgets.Layout(flex_flow="row wrap")),
             self.qkv_html, self.output_html],
        )
        tables.add_class("sa-explorer-tables")
        super().__init__([
            widgets.HTML("<b>Attention explorer</b>"),
            widgets.HBox([self.preset, self.scaling], layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox([self.sentence, self.embed_button],
                         layout=widgets.Layout(flex_flow="row wrap")),
            self.temperature,
            widgets.HTML(_MATRIX_HELP),
            widgets.HBox(self._areas(), layout=widgets.Layout(flex_flow="row wrap")),
            self.message, self.notes, tables,
        ])
        self._show(setup)
        self._fill_controls(setup, sentence=" ".join(setup.tokens))

    # -- reading the controls ------------------------------------------------

    def _areas(self) -> list[widgets.Textarea]:
        return [self.x_text, self.w_q_text, self.w_k_text, self.w_v_text]

    @property
    def scale(self) -> float:
        """The factor softmax's input is multiplied by: (1/sqrt(d_k) or 1) / temperature."""
        return self._scale(self.setup.w_q.shape[1])

    def _scale(self, d_k: int) -> float:
        base = 1.0 / math.sqrt(d_k) if self.scaling.value else 1.0
        return base / self.temperature.value

    def _read_matrices(self) -> Setup:
        x, w_q, w_k, w_v = (
            parse_matrix(area.value, name)
            for area, name in zip(self._areas(), ("X (embeddings)", "W_Q", "W_K", "W_V"))
        )
        T = len(self.setup.tokens)
        if x.shape[0] != T:
            raise ValueError(
                f"X (embeddings) has {x.shape[0]} rows but the sentence has {T} tokens "
                f"({', '.join(self.setup.tokens)}); write one row per token"
            )
        axis_names = self.setup.axis_names
        if len(axis_names) != x.shape[1]:
            axis_names = generic_axes(x.shape[1])
        return replace(self.setup, x=x, w_q=w_q, w_k=w_k, w_v=w_v, axis_names=axis_names)

    # -- reacting to the controls --------------------------------------------

    def _guarded(self, action) -> bool:
        if self._quiet:
            return False
        try:
            action()
        except Exception as exc:  # keep the previous state and say what went wrong
            self.message.value = (
                f'<p role="alert" style="color:#a00000"><b>Not applied:</b> '
                f"{html.escape(str(exc))}. The tables show the last input that worked.</p>"
            )
            return False
        self.message.value = ""
        return True

    def _on_preset(self, change) -> None:
        if change["new"] is None:
            return

        def action():
            setup = load_preset(change["new"])
            self._show(setup)
            self._fill_controls(setup, sentence=" ".join(setup.tokens))

        self._guarded(action)

    def _on_sentence(self, _change) -> None:
        def action():
            weights = (self.setup.w_q, self.setup.w_k, self.setup.w_v)
            notes: tuple[str, ...] = ()
            if self.setup.w_q.shape[0] != len(FEATURES):
                weights = toy_weights()
                notes = (
                    f"The weights had {self.setup.w_q.shape[0]} rows, but the toy space has "
                    f"{len(FEATURES)} features, so the explorer loaded the toy weights of the "
                    "“Apple phones” preset.",
                )
            _check_length(self.sentence.value)
            setup = sentence_setup(self.sentence.value, weights, notes)
            self._show(setup)
            self._fill_controls(setup)  # the boxes now show exactly the matrices in use
            self._forget_preset()

        self._guarded(action)

    def _on_setting(self, _change) -> None:
        def action():
            try:
                self._show(self._read_matrices())
            except ValueError:
                # A matrix being typed is not usable yet: apply the setting to the
                # last good matrices, and keep saying what is wrong with the text.
                self._show(self.setup)
                raise

        self._guarded(action)

    def _on_matrix(self, _change) -> None:
        if self._guarded(lambda: self._show(self._read_matrices())):
            self._forget_preset()

    def _forget_preset(self) -> None:
        """Clear the dropdown once the state is the reader's own, so any preset can reload."""
        self._quiet = True
        try:
            self.preset.value = None
        finally:
            self._quiet = False

    def _fill_controls(self, setup: Setup, *, sentence: str | None = None) -> None:
        self._quiet = True
        try:
            for area, matrix in zip(self._areas(), (setup.x, setup.w_q, setup.w_k, setup.w_v)):
                area.value = format_matrix(matrix)
            if sentence is not None:
                self.sentence.value = sentence
        finally:
            self._quiet = False

    # -- computing and drawing -------------------------------------------------

    def _show(self, setup: Setup) -> None:
        """Compute and draw ``setup``; change nothing unless every step succeeds."""
        scale = self._scale(setup.w_q.shape[1])
        result = self_attention(setup.x, setup.w_q, setup.w_k, setup.w_v, scale=scale)
        views = self._render(setup, result)
        self.setup, self.result = setup, result
        for widget, value in zip(
            (self.scores_html, self.weights_html, self.qkv_html, self.output_html, self.notes),
            views,
        ):
            widget.value = value

    def _render(self, setup: Setup, result: SelfAttentionResult) -> tuple[str, ...]:
        tokens, d_k = setup.tokens, setup.w_q.shape[1]
        how = f"÷ √{d_k}" if self.scaling.value else "not scaled"
        scores = heatmap_table(
            result.scores, tokens, tokens, fmt="{:.2f}",
            caption=f"Scores Q Kᵀ, before scaling. Softmax gets each × {result.scale:.3f} "
                    f"({how}, temperature {self.temperature.value:.2f}).",
        )
        weights = heatmap_table(
            result.weights, tokens, tokens, fmt="{:.2f}", vmin=0.0, vmax=1.0,
            caption="Attention weights: softmax of each row; each row sums to 1.",
        )
        q_names, k_names, v_names = _projection_names(setup)
        qkv = (
            '<div class="sa-explorer-row">'
            + number_table(result.queries, tokens, q_names, caption="Queries Q = X W_Q")
            + number_table(result.keys, tokens, k_names, caption="Keys K = X W_K")
            + number_table(result.values, tokens, v_names, caption="Values V = X W_V")
            + "</div>"
        )
        output = number_table(
            result.output, tokens, v_names, fmt="{:.3f}",
            caption="Output: weights × V, one new vector per token",
        )
        notes = "".join(f"<p>{html.escape(note)}</p>" for note in setup.notes)
        return scores, weights, qkv, output, notes

    # -- describing ----------------------------------------------------------

    def describe(self) -> str:
        """A text summary of the state shown: settings and each token's strongest weight."""
        tokens, weights = self.setup.tokens, self.result.weights
        d_k = self.setup.w_q.shape[1]
        strongest = "; ".join(
            _strongest(token, tokens, row) for token, row in zip(tokens, weights)
        )
        scaling = f"scores divided by √{d_k}" if self.scaling.value else "no scaling"
        return (
            f"Self-attention over {len(tokens)} tokens ({', '.join(tokens)}), d_k = {d_k}, "
            f"{scaling}, temperature {self.temperature.value:.2f}. {strongest}."
        )

    def snapshot(self) -> str:
        setup = self.setup
        axes = setup.axis_names
        q_names, k_names, v_names = _projection_names(setup)
        settings = "".join(
            number_table(matrix, rows, cols, caption=name, fmt="{:.4g}")
            for name, matrix, rows, cols in (
                ("X (embeddings)", setup.x, setup.tokens, axes),
                ("W_Q", setup.w_q, axes, q_names),
                ("W_K", setup.w_k, axes, k_names),
                ("W_V", setup.w_v, axes, v_names),
            )
        )
        body = (
            f'<div class="sa-explorer-row">{self.scores_html.value}{self.weights_html.value}</div>'
            f"{self.qkv_html.value}{self.output_html.value}"
            f'<div class="sa-explorer-row">{settings}</div>{self.notes.value}'
        )
        return snapshot_from_html(body, "Attention explorer", self.describe())
