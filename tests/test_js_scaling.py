"""The scaling explorer's front end (js/scaling.js) against the package, to 1e-6.

The JS computes what the website shows from the page state the Python class ships (the
seeded draws as float32, the gradient curves); here every d_k with and without the
division, other seeds and row lengths, extreme values and the typed d_k must give
what the package computes, and the same refusals.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from js_helpers import JSError, assert_agrees
from selfattention.book import readable_number
from selfattention.scaling import D_K_VALUES
from selfattention.softmax import entropy, softmax
from selfattention.widgets.scaling_explorer import (
    EDGES,
    ScalingExplorer,
    decode_float32,
    encode_float32,
    typical_row,
)

MODULE = "scaling.js"


@pytest.fixture(scope="module")
def explorer():
    return ScalingExplorer()


def view(js, explorer, **state):
    full = {"d_k": explorer.d_k, "scaling": explorer.scaling, **state}
    return js("computeView", full, explorer.page_state()["data"], module=MODULE)


def assert_same(shown, explorer):
    state = explorer.state
    assert shown["d_k"] == state["d_k"] and shown["scaled"] is state["scaled"]
    assert shown["row"] == state["row"]
    assert_agrees(shown["scoreStd"], state["score_std"])
    np.testing.assert_array_equal(shown["shares"], state["shares"])  # the same bins, exactly
    assert_agrees(shown["weights"], state["weights"])
    assert_agrees(shown["entropy"], state["entropy"])
    assert shown["gradNorm"] == state["grad_norm"]


@pytest.mark.parametrize("d_k", D_K_VALUES)
@pytest.mark.parametrize("scaled", [False, True])
def test_every_d_k_with_and_without_the_division_agrees(js, explorer, d_k, scaled):
    explorer.set_state({"d_k": d_k, "scaling": scaled})
    assert explorer.error == ""
    shown = view(js, explorer)
    assert_same(shown, explorer)
    assert js("summary", shown, module=MODULE) == explorer.summary()
    assert js("describe", shown, module=MODULE) == explorer.describe()


def test_the_chapter_opening_state(js, explorer):
    """The chapter opens at d_k = 64, unscaled; its caption quotes grad_norm."""
    explorer.set_state({"d_k": 64, "scaling": False})
    shown = view(js, explorer)
    assert_same(shown, explorer)
    assert "Median size of the gradient entering softmax, over 300 rows: " in js(
        "summary", shown, module=MODULE)


@pytest.mark.parametrize("seed, T", [(1, 8), (7, 2), (2026, 16)])
def test_other_seeds_and_row_lengths_agree(js, seed, T):
    explorer = ScalingExplorer(d_k=2, seed=seed, T=T)
    for d_k, scaled in [(2, False), (32, True), (1024, False), (1024, True)]:
        explorer.set_state({"d_k": d_k, "scaling": scaled})
        shown = view(js, explorer)
        assert len(shown["weights"]) == T
        assert_same(shown, explorer)
        assert js("summary", shown, module=MODULE) == explorer.summary()


def test_float32_base64_round_trips(js):
    rng = np.random.default_rng(12)
    values = np.concatenate([rng.normal(scale=40, size=50), [0.0, -0.0, 1e-30, -1e30, 3.4e38]])
    text = encode_float32(values)
    decoded = js("decodeFloat32", text, module=MODULE)
    np.testing.assert_array_equal(decoded, decode_float32(text))
    np.testing.assert_array_equal(decoded, values.astype(np.float32))


def test_histogram_agrees_at_the_edges_and_beyond(js):
    rng = np.random.default_rng(3)
    values = np.concatenate([
        rng.normal(scale=30, size=500), EDGES, EDGES + 1e-13, EDGES - 1e-13,
        [-1e9, 1e9, -100.0, 100.0, 99.99999999999999, -99.99999999999999, 0.0, -0.0],
    ])
    counts, _ = np.histogram(np.clip(values, -100, 100), bins=EDGES)
    shown = js("histogram", values, -100, 100, 100, module=MODULE)
    np.testing.assert_array_equal(shown, counts / len(values))


def test_statistics_agree_on_random_and_extreme_rows(js):
    rng = np.random.default_rng(5)
    for scale in (1e-3, 1.0, 30.0, 300.0):
        logits = rng.normal(scale=scale, size=(40, 8))
        rows = np.asarray(softmax(logits))
        shown_rows = [js("softmax", row.tolist()) for row in logits]
        assert_agrees(shown_rows, rows)
        assert js("typicalRow", rows.tolist(), module=MODULE) == typical_row(rows)
        for row in rows[:5]:
            assert_agrees(js("entropy", row.tolist(), module=MODULE), float(entropy(row)))
        values = rng.normal(scale=scale, size=2000)
        assert_agrees(js("std", values.tolist(), module=MODULE), values.std())
    one_hot = [1.0, 0.0, 0.0, 0.0]
    assert js("entropy", one_hot, module=MODULE) == 0
    assert_agrees(js("entropy", [0.25] * 4, module=MODULE), math.log(4))


@pytest.mark.parametrize("value, digits, text", [
    (2.5e-2, 2, "2.50e-02"), (0.30288, 2, "3.03e-01"), (8.5e-7, 2, "8.50e-07"),
    (1.0, 2, "1.00e+00"), (123456.0, 3, "1.235e+05"), (9.999e-5, 2, "1.00e-04"),
])
def test_exponent_format_is_pythons(js, value, digits, text):
    assert f"{value:.{digits}e}" == text
    assert js("formatE", value, digits, module="tables.js") == text


@pytest.mark.parametrize("value, text", [
    (2.5e-2, "0.0250"), (0.30288, "0.303"), (8.5e-7, "8.50 × 10⁻⁷"), (1.0, "1.00"),
    (312.4, "312"), (123456.0, "123456"), (9.9996e-4, "0.00100"), (-4.2e-12, "-4.20 × 10⁻¹²"),
    (0.0, "0"),
])
def test_readable_numbers_have_no_code_notation(js, value, text):
    assert readable_number(value) == text
    assert js("formatReadable", value, module="tables.js") == text


def test_readable_numbers_agree_with_python_at_every_scale(js):
    rng = np.random.default_rng(11)
    values = (rng.normal(size=300) * 10.0 ** rng.integers(-12, 6, size=300)).tolist()
    for digits in (2, 3, 4):
        shown = [js("formatReadable", v, digits, module="tables.js") for v in values]
        assert shown == [readable_number(v, digits) for v in values]


@pytest.mark.parametrize("text", ["2", "4", "64", " 1024 ", "+128", "512.0", "6.4e1"])
def test_a_typed_power_of_two_is_applied(js, text):
    assert js("parseDK", text, list(D_K_VALUES), module=MODULE) == float(text)


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "d_k is empty: type a number"),
        ("abc", 'd_k: could not read "abc" as a number'),
        ("64abc", "could not read"),
        ("1,024", "could not read"),
        ("1e400", "too large"),
        ("2048", "d_k must lie in [2, 1024], got 2048"),  # refused, not clamped to 1024
        ("1", "d_k must lie in [2, 1024], got 1"),
        ("0", "d_k must lie in [2, 1024]"),
        ("-64", "d_k must lie in [2, 1024]"),
        ("100", "d_k must be a power of two from 2 to 1024 (2, 4, 8, 16, 32, 64, 128, 256, "
                "512, 1024), got 100"),
        ("3", "d_k must be a power of two"),
        ("63.5", "d_k must be a whole number"),
    ],
)
def test_a_typed_d_k_that_cannot_be_shown_is_refused(js, explorer, text, words):
    with pytest.raises(JSError) as error:
        js("parseDK", text, list(D_K_VALUES), module=MODULE)
    assert words in str(error.value)


@pytest.mark.parametrize(
    "state, js_words, py_words",
    [
        ({"d_k": 100}, "d_k must be a power of two", "d_k must be a power of two"),
        ({"d_k": 2048}, "must lie in [2, 1024]", "must be an int from 2 to 1024"),
        ({"d_k": 64.5}, "d_k must be a whole number", "d_k must be an int"),
        ({"d_k": "64"}, "d_k must be a whole number", "d_k must be an int"),
        ({"scaling": 1}, "scaling must be true or false", "scaling must be a bool"),
    ],
)
def test_both_refuse_the_same_states(js, explorer, state, js_words, py_words):
    explorer.set_state({"d_k": 64, "scaling": False})
    with pytest.raises(JSError) as error:
        view(js, explorer, **state)
    assert js_words in str(error.value)
    explorer.set_state(state)
    assert py_words in explorer.error
    assert explorer.d_k == 64 and explorer.scaling is False
