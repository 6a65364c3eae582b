"""The widgets' JS tables colour and format cells exactly as the package's html_tables does.

A live heatmap on the website must read like its static snapshot: the same viridis
colour, the same black-or-white text (the WCAG rule of ``colours.py``), the same digits.
"""

from __future__ import annotations

import numpy as np
import pytest

from selfattention.colours import VIRIDIS_RGB, text_colour
from selfattention.html_tables import _BACKGROUNDS, _fmt, cell_colour

MODULE = "tables.js"


def test_the_palette_is_the_package_viridis(js):
    assert js("cellColour", 0, 0, 1, module=MODULE)[0] == _BACKGROUNDS[0]
    palette = [js("cellColour", i + 0.25, 0, 255, module=MODULE)[0] for i in range(256)]
    assert palette == _BACKGROUNDS
    assert palette[0] == "#440154" and palette[-1] == "#fde725"  # dark purple to yellow


def test_text_colour_follows_the_wcag_rule_on_every_colour(js):
    expected = [text_colour(rgb) for rgb in VIRIDIS_RGB]
    assert "black" in expected and "white" in expected  # the rule has both outcomes
    assert [js("textColour", c, module=MODULE) for c in _BACKGROUNDS] == expected


@pytest.mark.parametrize("seed", range(3))
def test_cell_colours_agree_on_random_values_and_ranges(js, seed):
    rng = np.random.default_rng(seed)
    low, high = sorted(rng.normal(0, 3, size=2).tolist())
    for value in [*rng.uniform(low - 1, high + 1, size=40).tolist(), low, high]:
        assert tuple(js("cellColour", value, low, high, module=MODULE)) == cell_colour(value, low, high)
    # a flat matrix (vmin == vmax) is drawn in the first colour, as matplotlib does
    assert tuple(js("cellColour", 2.0, 2.0, 2.0, module=MODULE)) == cell_colour(2.0, 2.0, 2.0)


TIES = [0.125, 0.375, -0.125, 0.625, 2.5, 0.5, 1.5, -2.5, 0.005, 0.015]
AWKWARD = [0.115, -2.675, 1e-9, -1e-9, -0.004, 0.0049, 123456.785, 1 / 3, -2 / 3, 0.0, -0.0]


@pytest.mark.parametrize("digits", [0, 2, 3, 4])
def test_numbers_are_written_as_the_package_writes_them(js, digits):
    rng = np.random.default_rng(digits)
    values = [*TIES, *AWKWARD, *rng.normal(0, 5, size=60).tolist(),
              *(rng.integers(-400, 400, size=30) / 8).tolist()]  # exact halves and eighths
    for value in values:
        assert js("formatFixed", value, digits, module=MODULE) == _fmt(value, f"{{:.{digits}f}}"), value
        assert js("formatFixed", value, digits, True, module=MODULE) == _fmt(value, f"{{:+.{digits}f}}"), value


def test_uniform_weights_over_eight_tokens_read_as_in_python(js):
    # 1/8 is exactly halfway between 0.12 and 0.13: Python rounds to even, toFixed up
    assert f"{1 / 8:.2f}" == "0.12"
    assert js("formatFixed", 1 / 8, 2, module=MODULE) == "0.12"
