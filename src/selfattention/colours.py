"""The book's one rule for the colour of numbers written on a coloured cell.

Heatmaps write a number in every cell, in the PNG figures of
:mod:`selfattention.plotting` and in the HTML tables of
:mod:`selfattention.html_tables`. Both ask :func:`text_colour` which of black
or white to use, so a cell of a given colour gets the same text everywhere.

The rule is the WCAG 2 one: pick the colour with the higher contrast ratio
against the background. On every colour of ``viridis`` the winner reaches a
ratio of at least 4.5, the level WCAG asks for normal text.

The colormap itself is here as data (:data:`VIRIDIS_RGB`), so that code
writing HTML needs no matplotlib.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._viridis import VIRIDIS_DATA

__all__ = [
    "BLACK",
    "CMAP",
    "VIRIDIS_RGB",
    "WHITE",
    "contrast_ratio",
    "relative_luminance",
    "text_colour",
]

CMAP = "viridis"
"""The book's colormap: readable with every common colour-vision deficiency."""

VIRIDIS_RGB: np.ndarray = np.array(VIRIDIS_DATA)
"""The colormap's 256 colours, shape (256, 3), RGB floats in [0, 1]: entry 0 for the
lowest value (dark purple), entry 255 for the highest (yellow)."""

BLACK = (0.0, 0.0, 0.0)
WHITE = (1.0, 1.0, 1.0)


def relative_luminance(rgb: Sequence[float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour with channels in [0, 1].

    Each channel is first turned back into linear light, then weighted by how
    bright it looks (green most, blue least). An alpha channel is ignored.
    """
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb[:3]]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(rgb_a: Sequence[float], rgb_b: Sequence[float]) -> float:
    """WCAG 2 contrast ratio of two colours: from 1 (none) to 21 (black on white)."""
    light, dark = sorted((relative_luminance(rgb_a), relative_luminance(rgb_b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(rgb: Sequence[float]) -> str:
    """``"black"`` or ``"white"``: whichever contrasts more with the background ``rgb``.

    Parameters
    ----------
    rgb : sequence of float
        Red, green and blue in [0, 1]; a fourth (alpha) entry, as matplotlib's
        colormaps return, is ignored.
    """
    return "black" if contrast_ratio(rgb, BLACK) >= contrast_ratio(rgb, WHITE) else "white"
