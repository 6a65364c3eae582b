"""2-D views of the toy space: projection on named axes, labels, styles, redraws."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from matplotlib.patches import Polygon

from selfattention.embeddings import FEATURES, embed, embed_sentence
from selfattention.plotting import figure_png, new_figure
from selfattention.views import (
    _LABEL_ORDER,
    INPUT_ROLES,
    STYLES,
    check_feature,
    convex_hull,
    feature_view,
    view_limits,
)


def label_texts(view) -> set[str]:
    return {t.get_text() for t in view.ax.texts if t.get_text()}


def draw(names, vectors, roles=None, **kwargs):
    fig = new_figure()
    view = feature_view(fig.add_subplot(), names, vectors, roles, **kwargs)
    return fig, view


def test_points_are_the_two_named_features():
    tokens, x = embed_sentence("love Apple phones")
    _, view = draw([t.word for t in tokens], x)
    np.testing.assert_array_equal(view.points, [[-0.5, -0.5], [2, 2], [3, 1]])
    assert view.ax.get_xlabel().startswith("technology")
    assert view.ax.get_ylabel().startswith("fruit")
    _, other = draw(["bank", "river"], np.stack([embed("bank").vector, embed("river").vector]),
                    x_feature="nature", y_feature="money")
    np.testing.assert_array_equal(other.points, [[1.0, 1.5], [3.0, 0.0]])


def test_every_word_gets_a_label_and_coinciding_words_share_one():
    tokens, x = embed_sentence("I saw the bank near the river")
    _, view = draw([t.word for t in tokens], x, x_feature="nature", y_feature="money")
    texts = label_texts(view)
    assert "I, saw, the" in texts  # all at the origin; "the" written once
    assert {"bank", "near", "river"} <= texts


def test_update_moves_points_changes_axes_and_does_not_pile_up_artists():
    fig, view = draw(["apple"], embed("apple").vector[None, :])
    first_png, count = figure_png(fig), len(view.ax.get_children())
    for _ in range(3):
        view.update(["apple", "juice"], np.stack([embed("apple").vector, embed("juice").vector]))
    settled = len(view.ax.get_children())
    view.update(["apple", "juice"], np.stack([embed("apple").vector, embed("juice").vector]))
    assert len(view.ax.get_children()) == settled > count
    view.update(["cat"], embed("cat").vector, x_feature="object", y_feature="animal")
    np.testing.assert_array_equal(view.points, [[0.5, 3.0]])
    assert view.ax.get_xlabel().startswith("object")
    assert label_texts(view) == {"cat"}
    assert figure_png(fig) != first_png


def test_limits_fit_the_points_or_stay_fixed():
    _, view = draw(["river"], embed("river").vector, x_feature="nature", y_feature="money")
    x_min, x_max = view.ax.get_xlim()
    assert x_min < 0 and x_max > 3  # origin and the point (3, 0) both visible
    fixed = ((-1.0, 5.0), (-2.0, 2.0))
    view.update(["river"], embed("river").vector, limits=fixed)
    view.update(["money"], embed("money").vector)
    assert view.ax.get_xlim() == fixed[0] and view.ax.get_ylim() == fixed[1]


def test_view_limits_include_origin_and_margin():
    (x_min, x_max), (y_min, y_max) = view_limits([[2.0, 3.0]], margin=0.5)
    assert (x_min, x_max, y_min, y_max) == (-0.5, 2.5, -0.5, 3.5)


def test_roles_are_told_apart_by_marker_or_line_style_not_only_colour():
    for (a, sa), (b, sb) in itertools.combinations(STYLES.items(), 2):
        assert (sa.marker, sa.linestyle) != (sb.marker, sb.linestyle), (a, b)
    assert set(_LABEL_ORDER) == set(STYLES)
    assert INPUT_ROLES < set(STYLES)


def test_legend_lists_each_role_present_once_with_its_marker():
    vectors = np.stack([embed(w).vector for w in ["love", "apple", "phones", "zebra"]])
    roles = ["word", "focus", "word", "fallback"]
    _, view = draw(["love", "apple", "phones", "zebra"], vectors, roles)
    legend = view.ax.get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts == [STYLES["word"].legend, STYLES["focus"].legend, STYLES["fallback"].legend]
    assert [h.get_marker() for h in legend.legend_handles] == ["o", "*", "X"]


def test_legend_texts_can_be_replaced_per_role():
    _, view = draw(["apple", "juice"], np.stack([embed("apple").vector, embed("juice").vector]),
                   ["focus", "word"], legend={"word": "other words"})
    texts = [t.get_text() for t in view.ax.get_legend().get_texts()]
    assert texts == ["chosen word", "other words"]
    with pytest.raises(ValueError, match=r"legend names unknown role\(s\) \['hero'\]"):
        draw(["apple"], embed("apple").vector, legend={"hero": "x"})


def test_diagonal_and_hull_of_the_input_vectors():
    _, x = embed_sentence("love Apple phones")
    mixed = np.array([0.1, 0.5, 0.4]) @ x  # (3,) @ (3, d_model) -> (d_model,)
    _, view = draw(
        ["love", "Apple", "phones", "new Apple"], np.vstack([x, mixed]),
        ["word", "static", "word", "mixed"], diagonal="technology = fruit", hull="reachable",
    )
    patches = [p for p in view.ax.patches if isinstance(p, Polygon)]
    assert len(patches) == 1
    corners = {tuple(np.round(c, 6)) for c in patches[0].get_xy()}
    assert corners == {(-0.5, -0.5), (3.0, 1.0), (2.0, 2.0)}  # the mix is not a corner
    legend = [t.get_text() for t in view.ax.get_legend().get_texts()]
    assert "technology = fruit" in legend and "reachable" in legend
    assert any(line.get_linestyle() == "-." for line in view.ax.lines)


def test_accepts_tensors_and_describes_itself():
    x = torch.tensor(np.stack([embed("apple").vector, embed("juice").vector]))
    _, view = draw(["apple", "juice"], x)
    assert view.describe() == "technology across, fruit up: apple at (2, 2); juice at (0, 3)"


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"vectors": np.zeros((2, 3))}, ValueError, r"shape \(n, 8\)"),
        ({"names": ["a"]}, ValueError, "names has 1 entries but there are 2 vectors"),
        ({"roles": ["word"]}, ValueError, "roles has 1 entries"),
        ({"roles": ["word", "hero"]}, ValueError, r"unknown role\(s\) \['hero'\]"),
        ({"x_feature": "colour"}, ValueError, "x_feature='colour' is not a feature"),
        ({"y_feature": 3}, TypeError, "y_feature must be a feature name"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(kwargs, error, words):
    arguments = {"names": ["a", "b"], "vectors": np.zeros((2, len(FEATURES))), **kwargs}
    with pytest.raises(error, match=words):
        draw(**arguments)


def test_check_feature():
    assert check_feature("fruit", "y_feature") == 1
    with pytest.raises(ValueError, match="x_feature='size' is not a feature; choose one of tech"):
        check_feature("size", "x_feature")


def test_convex_hull():
    square = convex_hull([[0, 0], [1, 0], [0, 1], [1, 1], [0.5, 0.5], [1, 0]])
    assert [tuple(c) for c in square] == [(0, 0), (1, 0), (1, 1), (0, 1)]
    np.testing.assert_array_equal(convex_hull([[0, 0], [1, 1], [2, 2]]), [[0, 0], [2, 2]])
    np.testing.assert_array_equal(convex_hull([[1, 2]]), [[1, 2]])
    with pytest.raises(ValueError, match=r"points must have shape \(n, 2\)"):
        convex_hull(np.zeros((3, 3)))


def test_labels_of_nearby_points_do_not_overlap():
    # Chapter 2's juice panel: "new apple" at (0.95, 2.15) sits next to the static apple.
    tokens, x = embed_sentence("love apple juice")
    mixed = np.array([0.1, 0.5, 0.4]) @ x
    labels = ["love", "apple (static)", "juice", "new apple"]
    fig, view = draw(labels, np.vstack([x, mixed]), ["word", "static", "word", "mixed"],
                     diagonal="technology = fruit", hull="where a proper mix can land")
    renderer = fig._get_renderer()
    boxes = [t.get_window_extent(renderer) for t in view.ax.texts if t.get_text()]
    assert len(boxes) == 4
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
