"""The figure helpers: annotated heatmaps and bar charts that update in place."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from selfattention.plotting import CMAP, bar_chart, figure_png, heatmap, new_figure


def test_heatmap_writes_every_value_in_its_cell():
    fig = new_figure()
    ax = fig.add_subplot()
    matrix = np.array([[0.25, 0.5], [0.125, 0.875]])
    handle = heatmap(ax, matrix, ["a", "b"], ["c", "d"])
    assert [[t.get_text() for t in row] for row in handle.texts] == [["0.25", "0.50"], ["0.12", "0.88"]]
    assert handle.image.get_cmap().name == CMAP


def test_heatmap_update_changes_numbers_and_text_colour():
    fig = new_figure()
    handle = heatmap(fig.add_subplot(), np.zeros((2, 2)), ["a", "b"], ["c", "d"])
    assert handle.texts[0, 0].get_color() == "white"  # dark purple cell
    handle.update(torch.tensor([[1.0, 0.0], [0.0, 0.5]]))
    assert handle.texts[0, 0].get_text() == "1.00"
    assert handle.texts[0, 0].get_color() == "black"  # bright yellow cell
    with pytest.raises(ValueError, match="shape"):
        handle.update(np.zeros((3, 3)))


def test_heatmap_checks_labels():
    with pytest.raises(ValueError, match="2 row names and 3 column names"):
        heatmap(new_figure().add_subplot(), np.zeros((2, 2)), ["a", "b"], ["c", "d", "e"])


def test_bar_chart_update_and_png():
    fig = new_figure()
    chart = bar_chart(fig.add_subplot(), ["x", "y"], [0.2, 0.8])
    first = figure_png(fig)
    chart.update([0.6, 0.4])
    assert [bar.get_height() for bar in chart.bars] == [0.6, 0.4]
    assert [label.get_text() for label in chart.labels] == ["0.600", "0.400"]
    assert figure_png(fig) != first


def test_tall_bars_carry_their_number_inside():
    fig = new_figure()
    chart = bar_chart(fig.add_subplot(), ["x", "y"], [0.95, 0.05], ylim=(0, 1.1))
    tall, short = chart.labels
    assert tall.get_color() == "white" and tall.get_verticalalignment() == "top"
    assert short.get_color() == "black" and short.get_verticalalignment() == "bottom"
