"""Small glue between the chapters and the book build.

:func:`glue` hands a computed value to the prose, so the text can never disagree with
the code. The prose quotes it with an ``{eval}`` role holding a Python expression on
:data:`glued`::

    *love*, {eval}`f"{glued.love_gap:.0f}"` points behind

The expression reads the same in both places a reader meets the chapter:

* in the book, ``_ext/glued_numbers.py`` reads ``glued.love_gap`` from the value myst-nb
  recorded for ``love_gap`` and formats it with ``.0f`` (the execution cache is kept);
* in JupyterLab and Binder, jupyterlab-myst evaluates the expression in the kernel when
  the markdown cell is run, where :data:`glued` holds the same value.

Outside a book build (JupyterLab, Colab) :func:`glue` only records the value in
:data:`glued` when ``myst_nb`` is not installed.
"""

from __future__ import annotations

import ast
import math
import re
from typing import Any

__all__ = ["glue", "glued", "Glued", "literal_value", "parse_expression", "readable_number"]


class Glued:
    """The values glued so far, as attributes: ``glued.love_gap``.

    A name not glued yet is an :class:`AttributeError` that says so (in a notebook the
    cell that glues it has not been run yet).
    """

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(
            f"nothing is glued under {name!r} yet: run the code cells above this text first"
        )

    def __repr__(self) -> str:
        return f"Glued({', '.join(sorted(vars(self)))})"


glued = Glued()
"""Every value :func:`glue` has recorded in this kernel, by name."""

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def glue(name: str, value: Any, display: bool = False) -> None:
    """Record ``value`` under ``name`` for the prose (book and notebook alike)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"name must be a Python identifier, such as 'love_gap', got {name!r}")
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        value = value.item()  # numpy / torch scalars -> plain Python numbers
    if not _round_trips(value):
        raise TypeError(
            f"glue({name!r}, ...) takes a number, a string, or a list or tuple of them "
            f"(the book reads it back from its repr), got {type(value).__name__} {value!r:.80}"
        )
    setattr(glued, name, value)
    try:
        from myst_nb import glue as _glue
    except ImportError:  # e.g. on Colab: the numbers still print in the cells
        return
    _glue(name, value, display=display)


_SPECIAL = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def literal_value(text: str) -> Any:
    """The value whose ``repr`` is ``text``: ``ast.literal_eval``, plus nan and inf."""
    if text in _SPECIAL:
        return _SPECIAL[text]
    return ast.literal_eval(text)


def _round_trips(value: Any) -> bool:
    try:
        back = literal_value(repr(value))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    if isinstance(value, float) and math.isnan(value):
        return isinstance(back, float) and math.isnan(back)
    return type(back) is type(value) and back == value


_PLAIN = re.compile(r"glued\.([A-Za-z_][A-Za-z0-9_]*)")
_FORMATTED = re.compile(r'f"\{glued\.([A-Za-z_][A-Za-z0-9_]*)(?::([^"{}]*))?\}"')


def parse_expression(text: str) -> tuple[str, str]:
    """The glued name and format spec of an ``{eval}`` role's expression.

    Two forms are accepted: ``glued.NAME`` (``str(value)``) and ``f"{glued.NAME:SPEC}"``.

    >>> parse_expression('f"{glued.love_gap:.0f}"')
    ('love_gap', '.0f')
    >>> parse_expression("glued.tokens")
    ('tokens', '')

    Raises
    ------
    ValueError
        For any other expression: the book can only show values that were glued.
    """
    text = text.strip()
    for pattern in (_PLAIN, _FORMATTED):
        match = pattern.fullmatch(text)
        if match:
            return match.group(1), (match.group(2) or "") if pattern is _FORMATTED else ""
    raise ValueError(
        f'an {{eval}} role must read glued.NAME or f"{{glued.NAME:SPEC}}", got {text!r}'
    )


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def readable_number(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits, written for a reader, not as code.

    ``0.0250``, ``0.303`` and ``312``; below a thousandth as ``8.50 × 10⁻⁷`` (never
    ``8.50e-07``). The widgets' front end writes the same (``formatReadable`` in
    ``widgets/js/tables.js``). For the prose, glue the text:
    ``glue("diff_text", readable_number(diff, 2))``.
    """
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    power = int(exponent)
    if power < -3:
        return f"{mantissa} × 10{str(power).translate(_SUPERSCRIPTS)}"
    return f"{value:.{max(0, digits - 1 - power)}f}"
