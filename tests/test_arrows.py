"""2-D vector drawing: polar coordinates, angles, arcs and the arrow figure."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import selfattention as sa
from selfattention.arrows import (
    angle_between,
    arc_points,
    polar_to_xy,
    vector_pair,
    xy_to_polar,
)
from selfattention.plotting import figure_png, new_figure


def test_polar_and_cartesian_round_trip(rng):
    np.testing.assert_allclose(polar_to_xy(2.0, 90.0), [0.0, 2.0], atol=1e-15)
    np.testing.assert_allclose(polar_to_xy(1.0, 180.0), [-1.0, 0.0], atol=1e-15)
    assert xy_to_polar([0.0, -3.0]) == (3.0, -90.0)
    for vector in rng.normal(size=(20, 2)):
        np.testing.assert_allclose(polar_to_xy(*xy_to_polar(vector)), vector)


def test_angle_from_directions_agrees_with_the_cosine(rng):
    for a, b in rng.normal(size=(50, 2, 2)):
        theta = angle_between(a, b)
        assert 0.0 <= theta <= 180.0
        assert math.cos(math.radians(theta)) == pytest.approx(float(sa.cosine_similarity(a, b)))


def test_angle_takes_the_short_way_round():
    assert angle_between(polar_to_xy(1, 170), polar_to_xy(2, -170)) == pytest.approx(20.0)
    assert angle_between([1.0, 0.0], [-1.0, 0.0]) == pytest.approx(180.0)
    assert angle_between(torch.tensor([0.0, 1.0]), np.array([1.0, 0.0])) == pytest.approx(90.0)


def test_arc_points_run_from_start_to_end_on_the_circle():
    points = arc_points(170.0, -170.0, 2.0, n=21)
    assert points.shape == (21, 2)
    np.testing.assert_allclose(np.hypot(points[:, 0], points[:, 1]), 2.0)
    np.testing.assert_allclose(points[0], polar_to_xy(2.0, 170.0))
    np.testing.assert_allclose(points[-1], polar_to_xy(2.0, -170.0), atol=1e-12)
    middle = xy_to_polar(points[10])[1]
    assert middle == pytest.approx(180.0)  # through 180 degrees, not through 0


def test_drawing_follows_the_vectors():
    fig = new_figure(4, 4)
    a, b = polar_to_xy(3.0, 20.0), polar_to_xy(2.0, 80.0)
    drawing = vector_pair(fig.add_subplot(), a, b, names=("Apple", "phones"))
    assert drawing.arc_label.get_text() == "angle θ = 60°"
    assert [label.get_text() for label in drawing.tip_labels] == ["Apple", "phones"]
    # the shadow of b on a's line ends at the projection (a.b / a.a) a
    foot = drawing.shadow.get_xydata()[1]
    np.testing.assert_allclose(foot, (a @ b) / (a @ a) * a)
    assert np.linalg.norm(foot) == pytest.approx(2.0 * 0.5)
    np.testing.assert_allclose(drawing.drop.get_xydata(), [b, foot])
    before = figure_png(fig)
    drawing.update(a, polar_to_xy(2.0, -100.0))
    assert drawing.arc_label.get_text() == "angle θ = 120°"
    assert figure_png(fig) != before


def test_drawing_without_projection_and_with_a_zero_vector():
    fig = new_figure(4, 4)
    drawing = vector_pair(fig.add_subplot(), [1.0, 0.0], [0.0, 1.0], projection=False)
    assert drawing.shadow is None and drawing.drop is None
    drawing.update([0.0, 0.0], [0.0, 1.0])  # no direction: no angle drawn, no error
    assert drawing.arc_label.get_text() == ""
    assert len(drawing.arc.get_xdata()) == 0


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: polar_to_xy(-1.0, 0.0), ValueError, "length must be >= 0"),
        (lambda: polar_to_xy(1.0, float("inf")), ValueError, "must be finite"),
        (lambda: xy_to_polar([1.0, 2.0, 3.0]), ValueError, r"shape \(2,\)"),
        (lambda: xy_to_polar(["a", "b"]), TypeError, "two real numbers"),
        (lambda: angle_between([0.0, 0.0], [1.0, 0.0]), ValueError, "a is the zero vector"),
        (lambda: angle_between([1.0, 0.0], [1.0, np.nan]), ValueError, "b must hold finite"),
        (lambda: arc_points(0.0, 90.0, 1.0, n=1), ValueError, "n must be at least 2, got 1"),
        (lambda: arc_points(0.0, 90.0, 1.0, n=5.0), TypeError, "n must be an int, got float"),
        (lambda: arc_points(0.0, 90.0, 0.0), ValueError, "radius must be > 0"),
    ],
)
def test_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_bad_drawing_settings():
    ax = new_figure().add_subplot()
    with pytest.raises(ValueError, match="names must hold two labels"):
        vector_pair(ax, [1.0, 0.0], [0.0, 1.0], names=("a",))
    with pytest.raises(ValueError, match="limit must be > 0"):
        vector_pair(ax, [1.0, 0.0], [0.0, 1.0], limit=0.0)
