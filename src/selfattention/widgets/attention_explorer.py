"""The attention explorer: change embeddings, W_Q, W_K, W_V, scaling and temperature.

Everything the reader sees is a table: the score and weight heatmaps, the queries, keys
and values, and the output vectors. Its front end (``js/attention.js``) computes them in
the browser from the state, so the explorer runs live on the book's website too. What
the front end needs to embed a typed sentence travels in the page state: the toy
vocabulary, its feature names, the toy weights, and the presets.

The state (synced traits) is the tokens, the matrices ``x``, ``w_q``, ``w_k``, ``w_v``,
the ``scaling`` switch and the ``temperature``, plus a ``note`` saying where the weights
came from when the explorer had to replace them. Here the package computes the same
attention for that state (:attr:`AttentionExplorer.result`, by
:func:`selfattention.self_attention`): the reference the chapters and the tests compare
with. A state that cannot be used is refused whole, with a message. The static snapshot
(HTML tables) is drawn only when the widget is displayed.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import traitlets

from ..attention import SelfAttentionResult, self_attention
from ..embeddings import FEATURES, VOCABULARY
from ..examples import PRESETS, Setup, generic_axes, load_preset, toy_weights
from ..html_tables import heatmap_table, number_table
from ._base import InvalidState, InvalidType, LiveWidget, check_number, check_words
from ._live import LIVE_HINT
from .mask_explorer import embed_known

__all__ = [
    "AttentionExplorer",
    "MAX_ABS",
    "MAX_DIM",
    "MAX_TOKENS",
    "TEMPERATURE_RANGE",
    "format_matrix",
    "parse_matrix",
    "snapshot_from_html",
    "strongest",
]

MAX_TOKENS = 12
"""The longest sentence the explorer takes: 12 tokens keep the tables readable."""

MAX_DIM = 12
"""The largest d_model, d_k and d_v the explorer takes."""

MAX_ABS = 100.0
"""Every entry of X, W_Q, W_K and W_V must lie in [-MAX_ABS, MAX_ABS]."""

TEMPERATURE_RANGE = (0.1, 10.0)
"""The temperatures the explorer takes."""

TIE = 1e-12
"""Weights closer than this to a row's largest count as equal to it: float rounding only."""

_MATRICES = {"x": "X", "w_q": "W_Q", "w_k": "W_K", "w_v": "W_V"}
"""Trait name -> the name of its box, used in every message."""

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_SEPARATORS = re.compile(r"[\s,;\[\]()]+")


def _count(n: int, what: str = "number") -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def parse_matrix(text: str, name: str) -> np.ndarray:
    """Read a matrix typed as text: one row per line, numbers split by spaces or commas.

    Brackets are ignored, so ``[1, 0]`` on a line reads like ``1 0``; blank lines are
    skipped. A number is written in decimal, optionally with an exponent (``1e-3``);
    the front end reads the same text by the same rules.

    Raises
    ------
    ValueError
        Naming ``name`` and the line, when a number cannot be read or is not finite,
        the rows differ in length, or there is no number at all.
    """
    if not isinstance(text, str):
        raise TypeError(f"{name} must be text, got {type(text).__name__}")
    rows: list[list[float]] = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        words = [w for w in _SEPARATORS.split(line) if w]
        if not words:
            continue
        row = []
        for word in words:
            if not _NUMBER.match(word):
                raise ValueError(f"{name}, line {line_number}: could not read '{word}' as a number")
            value = float(word)
            if not math.isfinite(value):
                raise ValueError(f"{name}, line {line_number}: {word} is too large to be a number here")
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
    """The shortest of ``.4g`` ... ``.17g`` that reads back as exactly ``value``."""
    value = float(value)
    for digits in range(4, 18):
        text = f"{value:.{digits}g}"
        if float(text) == value:
            break
    return "0" if text == "-0" else text


def format_matrix(matrix) -> str:
    """The text form :func:`parse_matrix` reads: one line per row, numbers split by spaces.

    Each number is written with at least 4 significant digits and as many more as it
    takes to read back exactly, so a box never shows one number and computes another.
    """
    return "\n".join(" ".join(_number(v) for v in row) for row in np.atleast_2d(matrix))


def _column_names(weight: np.ndarray, axis_names: Sequence[str], prefix: str) -> list[str]:
    """Name a projection's output columns.

    When every column copies one input axis (an identity or a selection of features),
    the columns keep those axes' names, so "technology" stays readable. Otherwise they
    are numbered, ``q1, q2, ...``: mixing the two styles in one table would suggest that
    some columns mean more than others.
    """
    copied = []
    for column in weight.T:
        nonzero = np.flatnonzero(column)
        if len(nonzero) != 1 or column[nonzero[0]] != 1.0 or len(axis_names) != len(column):
            return [f"{prefix}{j + 1}" for j in range(weight.shape[1])]
        copied.append(axis_names[nonzero[0]])
    return copied


def axis_names(d_model: int) -> tuple[str, ...]:
    """The names of the embedding dimensions: the toy features when X has 8 columns."""
    return FEATURES if d_model == len(FEATURES) else generic_axes(d_model)


def strongest(token: str, tokens: Sequence[str], row: np.ndarray) -> str:
    """One token's largest weight in words, by chapter 5's rule: a tie is a tie.

    Words whose weight equals the row's largest (up to float rounding, :data:`TIE`)
    share it, and the text names them all; only a word strictly ahead of every other
    "attends most". When the runner-up would print the same at two decimals, both are
    written with as many decimals as it takes (up to 6) to tell them apart.
    """
    row = np.asarray(row, dtype=float)
    top = float(row.max())
    tied = [j for j, w in enumerate(row) if top - w <= TIE]
    if len(tied) > 1:
        names = ", ".join(tokens[j] for j in tied[:-1]) + f" and {tokens[tied[-1]]}"
        return f"{token} splits its largest weight between {names} ({top:.2f} each)"
    best = tied[0]
    if len(row) == 1:
        return f"{token} attends only to {tokens[best]} (1.00)"
    second = max(range(len(row)), key=lambda j: -math.inf if j == best else row[j])
    digits = 2
    while digits < 6 and f"{top:.{digits}f}" == f"{row[second]:.{digits}f}":
        digits += 1
    if digits == 2:
        return f"{token} attends most to {tokens[best]} ({top:.2f})"
    return (
        f"{token} attends most to {tokens[best]} ({top:.{digits}f}), just ahead of "
        f"{tokens[second]} ({row[second]:.{digits}f})"
    )


# -- checking a state --------------------------------------------------------------


def _check_matrix(value: Any, name: str) -> list[list[float]]:
    """A matrix as rows of floats, 1 to MAX_DIM columns, each entry in [-MAX_ABS, MAX_ABS]."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise InvalidType(
            f"{name} must be a list of rows of numbers, such as [[1, 0], [0, 1]], "
            f"got {type(value).__name__}"
        )
    if len(value) == 0:
        raise InvalidState(f"{name} is empty: it needs at least one row")
    rows = []
    for i, row in enumerate(value, start=1):
        if isinstance(row, np.ndarray):
            row = row.tolist()
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise InvalidType(f"{name} row {i} must be a list of numbers, got {type(row).__name__}")
        rows.append([
            check_number(v, f"{name} (row {i}, column {j})", -MAX_ABS, MAX_ABS)
            for j, v in enumerate(row, start=1)
        ])
    width = len(rows[0])
    for i, row in enumerate(rows, start=1):
        if len(row) != width:
            raise InvalidState(
                f"{name}, row {i}: this row has {_count(len(row))} but the first row has "
                f"{_count(width)}; every row needs the same number"
            )
    if not 1 <= width <= MAX_DIM:
        raise InvalidState(f"{name} must have 1 to {MAX_DIM} columns, got {width}")
    return rows


def _check_shapes(state: dict) -> None:
    """Raise unless the tokens and the four matrices fit together."""
    tokens, x = state["tokens"], state["x"]
    if len(x) != len(tokens):
        raise InvalidState(
            f"X has {_count(len(x), 'row')} but there are {_count(len(tokens), 'token')} "
            f"({', '.join(tokens)}); write one row per token"
        )
    d_model = len(x[0])
    for key in ("w_q", "w_k", "w_v"):
        if len(state[key]) != d_model:
            raise InvalidState(
                f"{_MATRICES[key]} has {_count(len(state[key]), 'row')} but X has "
                f"{_count(d_model, 'column')} "
                f"(d_model); write one row per column of X"
            )
    if len(state["w_q"][0]) != len(state["w_k"][0]):
        raise InvalidState(
            f"W_Q has {_count(len(state['w_q'][0]), 'column')} but W_K has "
            f"{len(state['w_k'][0])}; "
            "queries and keys need the same size d_k"
        )


def _check_trait(name: str, value: Any) -> Any:
    """One trait's value, checked on its own (its shape against the others comes after)."""
    if name == "tokens":
        return check_words(value, "tokens", MAX_TOKENS)
    if name in _MATRICES:
        return _check_matrix(value, _MATRICES[name])
    if name == "scaling":
        if not isinstance(value, (bool, np.bool_)):
            raise InvalidType(f"scaling must be True or False, got {type(value).__name__}")
        return bool(value)
    if name == "temperature":
        return check_number(value, "temperature", *TEMPERATURE_RANGE)
    if name == "note":
        if not isinstance(value, str):
            raise InvalidType(f"note must be a str, got {type(value).__name__}")
        return value
    raise KeyError(name)  # pragma: no cover - only the state traits are checked


def _compute(state: dict) -> tuple[Setup, SelfAttentionResult]:
    """The package's self-attention for a checked state."""
    x, w_q, w_k, w_v = (np.array(state[key], dtype=float) for key in _MATRICES)
    d_k = w_q.shape[1]
    scale = (1.0 / math.sqrt(d_k) if state["scaling"] else 1.0) / state["temperature"]
    result = self_attention(x, w_q, w_k, w_v, scale=scale)
    setup = Setup(tuple(state["tokens"]), x, w_q, w_k, w_v, axis_names(x.shape[1]),
                  (state["note"],) if state["note"] else ())
    return setup, result


def _plain_matrix(matrix) -> list[list[float]]:
    return [[float(v) for v in row] for row in np.asarray(matrix, dtype=float)]


def _preset_state(name: str) -> dict:
    setup = load_preset(name)
    return {"tokens": list(setup.tokens), "x": _plain_matrix(setup.x),
            "w_q": _plain_matrix(setup.w_q), "w_k": _plain_matrix(setup.w_k),
            "w_v": _plain_matrix(setup.w_v)}


_TOY_NOTE = (
    "The weights had {rows} rows, but the toy space has {features} features, so the "
    "explorer loaded the toy weights of the “Apple phones” preset."
)


def _toy_note(rows: int) -> str:
    return _TOY_NOTE.format(rows=rows, features=len(FEATURES))


# -- the static snapshot ------------------------------------------------------------

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


class AttentionExplorer(LiveWidget):
    """Self-attention with every input editable and every intermediate on show.

    Parameters
    ----------
    preset : str
        One of :data:`selfattention.examples.PRESETS`; the default is the book's worked
        example ("love Apple phones" in 2 dimensions).
    scaling : bool
        Divide the scores by sqrt(d_k) before softmax.
    temperature : float
        In [0.1, 10]; the (scaled) scores are divided by it before softmax.

    Attributes
    ----------
    tokens : list of str
        One label per row of ``x`` (synced, like every trait below).
    x : list of rows, shape (T, d_model)
        The embeddings.
    w_q, w_k : list of rows, shape (d_model, d_k)
    w_v : list of rows, shape (d_model, d_v)
    scaling : bool
    temperature : float
    note : str
        Where the weights came from, when the explorer replaced them (else empty).
    setup : Setup
        The tokens, embeddings and weights now shown (numpy arrays).
    result : SelfAttentionResult
        Everything computed for the state now shown, by the package (numpy arrays).
    error : str
        Why the last change from the front end was refused, if it was.

    Setting a trait to something unusable (from a cell) raises :class:`ValueError` or
    :class:`TypeError` and changes nothing. To change several traits that must fit
    together (tokens and ``x``, say), use :meth:`load_preset`, :meth:`embed`, or
    ``with explorer.hold_trait_notifications():``.
    """

    _module = "attention"
    _state_traits = ("tokens", "x", "w_q", "w_k", "w_v", "scaling", "temperature", "note")

    # Any: each is checked by _valid below, whose messages name it
    tokens = traitlets.Any().tag(sync=True)
    x = traitlets.Any().tag(sync=True)
    w_q = traitlets.Any().tag(sync=True)
    w_k = traitlets.Any().tag(sync=True)
    w_v = traitlets.Any().tag(sync=True)
    scaling = traitlets.Any(True).tag(sync=True)
    temperature = traitlets.Any(1.0).tag(sync=True)
    note = traitlets.Any("").tag(sync=True)
    presets = traitlets.List(read_only=True).tag(sync=True)
    vocabulary = traitlets.Dict(read_only=True).tag(sync=True)
    features = traitlets.List(read_only=True).tag(sync=True)
    toy = traitlets.Dict(read_only=True).tag(sync=True)
    limits = traitlets.Dict(read_only=True).tag(sync=True)

    def __init__(self, preset: str = "worked example", *, scaling: bool = True,
                 temperature: float = 1.0):
        if preset not in PRESETS:
            raise ValueError(
                f"preset must be one of {', '.join(map(repr, PRESETS))}; got {preset!r}"
            )
        if not isinstance(scaling, (bool, np.bool_)):
            raise TypeError(f"scaling must be True or False, got {type(scaling).__name__}")
        temperature = check_number(temperature, "temperature", *TEMPERATURE_RANGE)
        self._checked: tuple[str, tuple[Setup, SelfAttentionResult]] | None = None
        self.set_trait("presets", [{"name": name, **_preset_state(name)} for name in PRESETS])
        self.set_trait("vocabulary", {w: [float(v) for v in vec] for w, vec in VOCABULARY.items()})
        self.set_trait("features", list(FEATURES))
        w_q, w_k, w_v = toy_weights()
        self.set_trait("toy", {"w_q": _plain_matrix(w_q), "w_k": _plain_matrix(w_k),
                               "w_v": _plain_matrix(w_v), "note": _TOY_NOTE})
        self.set_trait("limits", {
            "max_tokens": MAX_TOKENS, "max_dim": MAX_DIM, "max_abs": MAX_ABS,
            "temperature": list(TEMPERATURE_RANGE), "tie": TIE,
        })
        super().__init__(title="Attention explorer", scaling=bool(scaling),
                         temperature=temperature, note="", **_preset_state(preset))

    # -- checks on every change, from a cell or from the front end ------------------
    # Under hold_trait_notifications (a state from the front end) every trait of the
    # update is in place before these run, so each sees the others' new values.

    @traitlets.validate(*_state_traits)
    def _valid(self, proposal):
        name = proposal["trait"].name
        value = _check_trait(name, proposal["value"])
        state = {key: value if key == name else getattr(self, key) for key in self._state_traits}
        if all(state[key] is not None for key in self._state_traits):
            state = {key: value if key == name else _check_trait(key, state[key])
                     for key, value in state.items()}
            self._check(state)
        return value

    def _check(self, state: dict) -> tuple[Setup, SelfAttentionResult]:
        """Check a whole state and compute it; the last one is kept, so one update of
        several traits computes once."""
        key = json.dumps(state, sort_keys=True)
        if self._checked is None or self._checked[0] != key:
            _check_shapes(state)
            self._checked = (key, _compute(state))
        return self._checked[1]

    def _fixed_traits(self) -> tuple[str, ...]:
        return ("presets", "vocabulary", "features", "toy", "limits")

    # -- the reference computation ------------------------------------------------

    def _state(self) -> dict:
        return {key: getattr(self, key) for key in self._state_traits}

    def _refresh(self) -> None:
        self.setup, self.result = self._check(self._state())

    @property
    def scale(self) -> float:
        """The factor softmax's input is multiplied by: (1/sqrt(d_k) or 1) / temperature."""
        return self.result.scale

    @property
    def preset(self) -> str | None:
        """The preset the state shows (tokens and matrices equal), or None if it is the
        reader's own."""
        current = {key: getattr(self, key) for key in ("tokens", *_MATRICES)}
        for entry in self.presets:
            if all(entry[key] == current[key] for key in current):
                return entry["name"]
        return None

    # -- changes a cell can make (the front end applies the same rules itself) --------

    def load_preset(self, name: str) -> None:
        """Show one of :data:`selfattention.examples.PRESETS` (scaling and temperature stay)."""
        if name not in PRESETS:
            raise InvalidState(
                f"preset must be one of {', '.join(map(repr, PRESETS))}; got {name!r}"
            )
        self._set(note="", **_preset_state(name))

    def embed(self, sentence: str) -> None:
        """Embed ``sentence`` in the toy space: its tokens and X, keeping the weights if
        they fit (8 rows), else loading the toy weights (and saying so in :attr:`note`).

        Every word must be in the toy vocabulary, at most 12 of them.
        """
        tokens, x = embed_known(sentence)
        change: dict[str, Any] = {"tokens": tokens, "x": _plain_matrix(x), "note": ""}
        if len(self.w_q) != len(FEATURES):
            w_q, w_k, w_v = toy_weights()
            change.update(w_q=_plain_matrix(w_q), w_k=_plain_matrix(w_k), w_v=_plain_matrix(w_v),
                          note=_toy_note(len(self.w_q)))
        self._set(**change)

    def _set(self, **change) -> None:
        with self.hold_trait_notifications():
            for key, value in change.items():
                setattr(self, key, value)

    # -- describing ----------------------------------------------------------------

    def describe(self) -> str:
        """A text summary of the state shown: settings and each token's largest weight."""
        tokens, weights = self.setup.tokens, self.result.weights
        d_k = self.setup.w_q.shape[1]
        largest = "; ".join(strongest(token, tokens, row) for token, row in zip(tokens, weights))
        scaling = f"scores divided by √{d_k}" if self.scaling else "no scaling"
        return (
            f"Self-attention over {len(tokens)} tokens ({', '.join(tokens)}), d_k = {d_k}, "
            f"{scaling}, temperature {self.temperature:.3g}. {largest}."
        )

    def tables_html(self) -> dict[str, str]:
        """The tables the widget shows, as the package's HTML tables (the snapshot's)."""
        setup, result = self.setup, self.result
        tokens, d_k = list(setup.tokens), setup.w_q.shape[1]
        how = f"÷ √{d_k}" if self.scaling else "not scaled"
        q_names = _column_names(setup.w_q, setup.axis_names, "q")
        k_names = _column_names(setup.w_k, setup.axis_names, "k")
        v_names = _column_names(setup.w_v, setup.axis_names, "v")
        return {
            "scores": heatmap_table(
                result.scores, tokens, tokens, fmt="{:.2f}",
                caption=f"Scores Q Kᵀ, before scaling. Softmax gets each × {result.scale:.3f} "
                        f"({how}, temperature {self.temperature:.3g}).",
            ),
            "weights": heatmap_table(
                result.weights, tokens, tokens, fmt="{:.2f}", vmin=0.0, vmax=1.0,
                caption="Attention weights: softmax of each row; each row sums to 1.",
            ),
            "queries": number_table(result.queries, tokens, q_names, caption="Queries Q = X W_Q"),
            "keys": number_table(result.keys, tokens, k_names, caption="Keys K = X W_K"),
            "values": number_table(result.values, tokens, v_names, caption="Values V = X W_V"),
            "output": number_table(result.output, tokens, v_names, fmt="{:.3f}",
                                   caption="Output: weights × V, one new vector per token"),
        }

    def snapshot(self) -> str:
        setup = self.setup
        axes = list(setup.axis_names)
        tables = self.tables_html()
        settings = "".join(
            number_table(matrix, rows, cols, caption=name, fmt="{:.4g}")
            for name, matrix, rows, cols in (
                ("X (embeddings)", setup.x, list(setup.tokens), axes),
                ("W_Q", setup.w_q, axes, _column_names(setup.w_q, axes, "q")),
                ("W_K", setup.w_k, axes, _column_names(setup.w_k, axes, "k")),
                ("W_V", setup.w_v, axes, _column_names(setup.w_v, axes, "v")),
            )
        )
        notes = "".join(f"<p>{html.escape(note)}</p>" for note in setup.notes)
        body = (
            f'<div class="sa-explorer-row">{tables["scores"]}{tables["weights"]}</div>'
            f'<div class="sa-explorer-row">{tables["queries"]}{tables["keys"]}'
            f'{tables["values"]}</div>{tables["output"]}'
            f'<div class="sa-explorer-row">{settings}</div>{notes}'
        )
        return snapshot_from_html(body, "Attention explorer", self.describe())
