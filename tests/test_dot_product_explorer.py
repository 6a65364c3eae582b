"""The dot product explorer, driven headless: setting a control's value runs its observers."""

from __future__ import annotations

import math

import numpy as np
import pytest

import selfattention as sa
from selfattention.arrows import polar_to_xy
from selfattention.widgets.dot_product_explorer import DotProductExplorer


def test_opens_on_lengths_3_and_2_at_60_degrees():
    explorer = DotProductExplorer()
    np.testing.assert_allclose(explorer.a, polar_to_xy(3.0, 20.0))
    assert explorer.theta == pytest.approx(60.0)
    assert explorer.dot_product == pytest.approx(3.0)
    assert explorer.lengths_times_cosine == pytest.approx(3.0)
    assert explorer.cosine == pytest.approx(0.5)
    assert bytes(explorer.image.value[:4]) == b"\x89PNG"
    assert explorer.a_x.value == pytest.approx(3 * math.cos(math.radians(20)), abs=1e-3)


def test_every_slider_has_a_label():
    explorer = DotProductExplorer()
    labels = [c.description for c in (*explorer._polar, *explorer._coordinates)]
    assert labels == ["length of a", "angle of a (°)", "length of b", "angle of b (°)",
                      "a: x", "a: y", "b: x", "b: y"]


def test_turning_b_updates_numbers_figure_table_and_coordinates():
    explorer = DotProductExplorer()
    png, table = explorer.image.value, explorer.table.value
    explorer.angle_b.value = 110.0  # now 90 degrees from a
    assert explorer.theta == pytest.approx(90.0)
    assert explorer.dot_product == pytest.approx(0.0, abs=1e-12)
    assert explorer.image.value != png and explorer.table.value != table
    np.testing.assert_allclose([explorer.b_x.value, explorer.b_y.value],
                               polar_to_xy(2.0, 110.0), atol=1e-3)
    explorer.angle_b.value = -160.0  # opposite to a
    assert explorer.cosine == pytest.approx(-1.0)
    assert explorer.dot_product == pytest.approx(-6.0)


def test_algebra_and_geometry_agree_for_any_setting(rng):
    explorer = DotProductExplorer()
    for length_a, angle_a, length_b, angle_b in zip(
        rng.uniform(0.1, 5, 15), rng.uniform(-180, 180, 15),
        rng.uniform(0.1, 5, 15), rng.uniform(-180, 180, 15),
    ):
        explorer.length_a.value, explorer.angle_a.value = length_a, angle_a
        explorer.length_b.value, explorer.angle_b.value = length_b, angle_b
        assert explorer.dot_product == pytest.approx(explorer.lengths_times_cosine, abs=1e-9)
        assert explorer.dot_product == pytest.approx(float(sa.dot(explorer.a, explorer.b)))
        assert explorer.cosine == pytest.approx(math.cos(math.radians(explorer.theta)))
        assert explorer.message.value == ""


def test_stretching_a_scales_the_dot_product_but_not_the_cosine():
    explorer = DotProductExplorer()
    cosine, dot_product = explorer.cosine, explorer.dot_product
    explorer.length_a.value = 4.5  # 1.5 times longer
    assert explorer.cosine == pytest.approx(cosine)
    assert explorer.dot_product == pytest.approx(1.5 * dot_product)


def test_typed_coordinates_move_the_sliders():
    explorer = DotProductExplorer()
    explorer.a_x.value, explorer.a_y.value = 1.0, 1.0
    np.testing.assert_allclose(explorer.a, [1.0, 1.0])
    assert explorer.length_a.value == pytest.approx(math.sqrt(2))
    assert explorer.angle_a.value == pytest.approx(45.0)
    assert explorer.dot_product == pytest.approx(float(sa.dot([1.0, 1.0], explorer.b)))


@pytest.mark.parametrize(
    "box, value, words",
    [("a_x", 9.0, "a would have length"), ("b_y", 0.0, None)],
)
def test_bad_coordinates_show_a_message_and_keep_the_vectors(box, value, words):
    explorer = DotProductExplorer(length_b=2.0, angle_b=90.0)  # b = (0, 2)
    if words is None:
        explorer.b_x.value = 0.0  # b = (0, 2) still
        words = "b is the zero vector"
    a, b, png = explorer.a.copy(), explorer.b.copy(), explorer.image.value
    getattr(explorer, box).value = value
    assert words in explorer.message.value
    np.testing.assert_allclose(explorer.a, a)
    np.testing.assert_allclose(explorer.b, b)
    assert explorer.image.value == png
    # the box goes back to the coordinate still drawn
    assert getattr(explorer, box).value == pytest.approx(round(float(
        {"a_x": a[0], "b_y": b[1]}[box]), 3))
    explorer.angle_a.value = 0.0  # a good change clears the message
    assert explorer.message.value == ""


def test_a_failing_update_shows_a_message_and_keeps_the_widget(monkeypatch):
    explorer = DotProductExplorer()
    before = explorer.dot_product

    def broken(*args, **kwargs):
        raise ValueError("the dot product broke")

    monkeypatch.setattr("selfattention.widgets.dot_product_explorer.dot", broken)
    explorer.angle_a.value = 50.0
    assert "the dot product broke" in explorer.message.value
    assert explorer.dot_product == before
    assert explorer.angle_a.value == pytest.approx(20.0)  # the slider goes back too
    monkeypatch.undo()
    explorer.angle_a.value = 50.0
    assert explorer.message.value == ""
    assert explorer.theta == pytest.approx(30.0)


def test_snapshot_states_the_angle_and_the_dot_product():
    explorer = DotProductExplorer()
    a, b = polar_to_xy(3.0, 20.0), polar_to_xy(2.0, 80.0)
    snapshot = explorer.snapshot()
    assert f"angle of {80.0 - 20.0:.0f} degrees" in snapshot
    assert f"The dot product is {float(sa.dot(a, b)):.3f}" in snapshot
    explorer.length_b.value = 4.0
    assert f"The dot product is {float(sa.dot(a, polar_to_xy(4.0, 80.0))):.3f}" in explorer.snapshot()


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"length_a": 0.0}, "length of a must lie"),
        ({"length_b": 7.0}, "length of b must lie"),
        ({"angle_a": 200.0}, "angle of a must lie"),
    ],
)
def test_refuses_bad_settings(kwargs, words):
    with pytest.raises(ValueError, match=words):
        DotProductExplorer(**kwargs)


@pytest.mark.parametrize("name", ["length_a", "angle_a", "length_b", "angle_b"])
@pytest.mark.parametrize("value", ["2", None, True])
def test_settings_that_are_not_numbers_are_type_errors(name, value):
    with pytest.raises(TypeError, match=f"{name} must be a real number"):
        DotProductExplorer(**{name: value})
