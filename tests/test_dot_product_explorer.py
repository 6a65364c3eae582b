"""The dot product explorer, driven headless: its state is the two vectors' coordinates.

Setting ``a`` or ``b`` (as a cell does, or the front end through ``set_state``) recomputes
the package's reference numbers; the front end's own computation is compared with these
in test_js_math.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import selfattention as sa
from selfattention.arrows import polar_to_xy
from selfattention.widgets._base import LiveWidget
from selfattention.widgets.dot_product_explorer import DotProductExplorer


def test_opens_on_lengths_3_and_2_at_60_degrees():
    explorer = DotProductExplorer()
    assert isinstance(explorer, LiveWidget)
    np.testing.assert_allclose(explorer.a, polar_to_xy(3.0, 20.0))
    assert explorer.theta == pytest.approx(60.0)
    assert explorer.dot_product == pytest.approx(3.0)
    assert explorer.lengths_times_cosine == pytest.approx(3.0)
    assert explorer.cosine == pytest.approx(0.5)
    assert explorer.error == ""
    assert "data:image/png;base64," in explorer.snapshot()


def test_the_front_end_has_a_labelled_control_for_each_setting():
    esm = DotProductExplorer._esm
    for label in ("length of ${name}", "angle of ${name} (°)", "${name}: ${axis}"):
        assert f"label: `{label}`" in esm
    assert 'from "./' not in esm  # the bundle anywidget loads is self-contained


def test_turning_b_updates_the_numbers_and_the_snapshot():
    explorer = DotProductExplorer()
    snapshot = explorer.snapshot()
    explorer.set_polar("b", 2.0, 110.0)  # now 90 degrees from a
    assert explorer.theta == pytest.approx(90.0)
    assert explorer.dot_product == pytest.approx(0.0, abs=1e-12)
    assert explorer.snapshot() != snapshot
    np.testing.assert_allclose(explorer.b, polar_to_xy(2.0, 110.0))
    explorer.set_polar("b", 2.0, -160.0)  # opposite to a
    assert explorer.cosine == pytest.approx(-1.0)
    assert explorer.dot_product == pytest.approx(-6.0)


def test_algebra_and_geometry_agree_for_any_setting(rng):
    explorer = DotProductExplorer()
    for length_a, angle_a, length_b, angle_b in zip(
        rng.uniform(0.1, 5, 15), rng.uniform(-180, 180, 15),
        rng.uniform(0.1, 5, 15), rng.uniform(-180, 180, 15),
    ):
        explorer.set_polar("a", float(length_a), float(angle_a))
        explorer.set_polar("b", float(length_b), float(angle_b))
        assert explorer.dot_product == pytest.approx(explorer.lengths_times_cosine, abs=1e-9)
        assert explorer.dot_product == pytest.approx(float(sa.dot(explorer.a, explorer.b)))
        assert explorer.cosine == pytest.approx(math.cos(math.radians(explorer.theta)))
        assert explorer.polar("a") == pytest.approx((length_a, angle_a))
        assert explorer.error == ""


def test_stretching_a_scales_the_dot_product_but_not_the_cosine():
    explorer = DotProductExplorer()
    cosine, dot_product = explorer.cosine, explorer.dot_product
    explorer.set_polar("a", 4.5, 20.0)  # 1.5 times longer
    assert explorer.cosine == pytest.approx(cosine)
    assert explorer.dot_product == pytest.approx(1.5 * dot_product)


def test_typed_coordinates_are_used_exactly():
    explorer = DotProductExplorer()
    explorer.set_state({"a": [2.0, 1.0], "b": [1.0, 2.0]})  # as the front end sends them
    assert explorer.a == [2.0, 1.0] and explorer.b == [1.0, 2.0]
    assert explorer.dot_product == 4.0  # exactly, not 3.958 through slider steps
    assert explorer.polar("a") == pytest.approx((math.sqrt(5), math.degrees(math.atan2(1, 2))))
    assert "= <b>4.000</b>" in explorer.table_html()


@pytest.mark.parametrize(
    "state, words",
    [({"a": [9.0, 0.0]}, "a[0] must lie in [-5, 5]"),
     ({"b": [0.0, 0.0]}, "b is the zero vector"),
     ({"a": [4.0, 4.0]}, "a would have length 5.657")],
)
def test_bad_vectors_from_the_front_end_are_refused_and_the_next_good_one_clears(state, words):
    explorer = DotProductExplorer(length_b=2.0, angle_b=90.0)
    a, b, dot_product = list(explorer.a), list(explorer.b), explorer.dot_product
    explorer.set_state(state)
    assert words in explorer.error
    assert explorer.a == a and explorer.b == b and explorer.dot_product == dot_product
    explorer.set_state({"a": [3.0, 0.0]})  # a good change clears the message
    assert explorer.error == ""
    assert explorer.dot_product == pytest.approx(0.0, abs=1e-12)


def test_bad_vectors_from_a_cell_raise():
    explorer = DotProductExplorer()
    with pytest.raises(ValueError, match="a is the zero vector"):
        explorer.a = [0.0, 0.0]
    with pytest.raises(ValueError, match="b must have two coordinates"):
        explorer.b = [1.0, 2.0, 3.0]
    with pytest.raises(TypeError, match="a\\[1\\] must be a real number"):
        explorer.a = [1.0, "2"]
    with pytest.raises(ValueError, match='name must be "a" or "b"'):
        explorer.set_polar("c", 1.0, 0.0)
    assert explorer.dot_product == pytest.approx(3.0)


def test_snapshot_states_the_angle_and_the_dot_product():
    explorer = DotProductExplorer()
    a, b = polar_to_xy(3.0, 20.0), polar_to_xy(2.0, 80.0)
    snapshot = explorer.snapshot()
    assert f"angle of {80.0 - 20.0:.0f} degrees" in snapshot
    assert f"The dot product is {float(sa.dot(a, b)):.3f}" in snapshot
    explorer.set_polar("b", 4.0, 80.0)
    assert f"The dot product is {float(sa.dot(a, polar_to_xy(4.0, 80.0))):.3f}" in explorer.snapshot()


def test_the_page_carries_the_state_and_the_snapshot():
    explorer = DotProductExplorer()
    page = explorer.page_html()
    assert page.startswith('<div class="sa-live-widget" data-sa-widget="dot_product">')
    assert explorer.page_state() == {"title": "Dot product explorer", "error": "",
                                     "a": explorer.a, "b": explorer.b}
    assert 'class="sa-widget-snapshot"' in page


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"length_a": 0.0}, "length_a must lie"),
        ({"length_b": 7.0}, "length_b must lie"),
        ({"angle_a": 200.0}, "angle_a must lie"),
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
