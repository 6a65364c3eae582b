"""Small glue between the chapters and the book build.

:func:`glue` hands a computed number to the book, so the prose can quote it
(``{glue:text}`name:.3f```) and the text can never disagree with the code.
Outside a book build (JupyterLab, Colab) it quietly does nothing when
``myst_nb`` is not installed.
"""

from __future__ import annotations

from typing import Any

__all__ = ["glue"]


def glue(name: str, value: Any, display: bool = False) -> None:
    """Record ``value`` under ``name`` for the book's ``{glue}`` roles."""
    try:
        from myst_nb import glue as _glue
    except ImportError:  # e.g. on Colab: the numbers still print in the cells
        return
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        value = value.item()  # numpy / torch scalars -> plain Python numbers
    _glue(name, value, display=display)
