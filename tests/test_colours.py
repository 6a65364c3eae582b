"""One text-colour rule for PNG and HTML heatmaps, and it always reaches WCAG AA contrast."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from selfattention import colours
from selfattention.colours import (
    BLACK,
    CMAP,
    VIRIDIS_RGB,
    WHITE,
    contrast_ratio,
    relative_luminance,
    text_colour,
)
from selfattention.html_tables import cell_colour, heatmap_table
from selfattention.plotting import heatmap, new_figure

AA = 4.5  # WCAG 2 contrast ratio for normal text
VIRIDIS = matplotlib.colormaps["viridis"]


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    return tuple(int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))


def test_the_lookup_table_is_matplotlibs_viridis():
    assert CMAP == VIRIDIS.name
    np.testing.assert_array_equal(VIRIDIS_RGB, VIRIDIS(np.arange(256))[:, :3])


def test_wcag_formulas_on_known_colours():
    assert relative_luminance(WHITE) == pytest.approx(1.0)
    assert relative_luminance(BLACK) == 0.0
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast_ratio(WHITE, BLACK) == contrast_ratio(BLACK, WHITE)
    # mid grey #777777 is the classic borderline: 4.48 against white, 4.69 against black
    grey = (0x77 / 255,) * 3
    assert contrast_ratio(grey, WHITE) == pytest.approx(4.48, abs=0.01)
    assert text_colour(grey) == "black"


@pytest.mark.parametrize("index", range(256))
def test_every_viridis_colour_gets_the_higher_contrast_text_and_reaches_aa(index):
    rgba = VIRIDIS(index)  # with alpha, as matplotlib hands it to the rule
    colour = text_colour(rgba)
    black, white = contrast_ratio(rgba, BLACK), contrast_ratio(rgba, WHITE)
    assert colour == ("black" if black >= white else "white")
    assert contrast_ratio(rgba, BLACK if colour == "black" else WHITE) >= AA


def test_ends_of_viridis():
    assert text_colour(VIRIDIS(0.0)) == "white"  # dark purple
    assert text_colour(VIRIDIS(1.0)) == "black"  # yellow


@pytest.fixture
def asked(monkeypatch):
    """Every background the PNG heatmap asks the rule about, recorded."""
    seen = []

    def recording(rgb):
        seen.append(tuple(rgb))
        return text_colour(rgb)

    monkeypatch.setattr("selfattention.plotting.text_colour", recording)
    return seen


def test_png_heatmap_text_reaches_aa_on_every_cell_it_draws(asked):
    values = np.linspace(-0.2, 1.2, 64).reshape(8, 8)  # some outside 0..1, so clipped
    names = [str(i) for i in range(8)]
    handle = heatmap(new_figure().add_subplot(), values, names, names)
    handle.update(values[::-1])
    assert len(asked) == 2 * values.size
    for rgb in asked:
        ink = BLACK if text_colour(rgb) == "black" else WHITE
        assert contrast_ratio(rgb, ink) >= AA


def test_png_and_html_heatmaps_write_each_value_in_the_same_colour():
    values = np.linspace(0.0, 1.0, 101)
    handle = heatmap(new_figure().add_subplot(), values[None, :], ["q"],
                     [str(i) for i in range(101)])
    table = heatmap_table(values[None, :], ["q"], [str(i) for i in range(101)],
                          caption="c", vmin=0, vmax=1)
    for value, text in zip(values, handle.texts[0]):
        background, foreground = cell_colour(value, 0.0, 1.0)
        assert text.get_color() == foreground
        assert f"background:{background};color:{foreground}" in table
        assert contrast_ratio(_rgb(background), BLACK if foreground == "black" else WHITE) >= AA


def test_both_renderers_use_the_one_rule():
    from selfattention import html_tables, plotting

    assert plotting.text_colour is colours.text_colour
    assert html_tables.text_colour is colours.text_colour
