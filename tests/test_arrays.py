"""The package's checks of scalar arguments: check_int and check_number."""

from __future__ import annotations

import math

import numpy as np
import pytest

from selfattention._arrays import check_int, check_number


@pytest.mark.parametrize("value", [3, np.int64(3), np.int32(3), np.uint8(3)])
def test_check_int_accepts_python_and_numpy_integers(value):
    result = check_int(value, "n")
    assert result == 3 and type(result) is int


@pytest.mark.parametrize(
    "value", [True, np.bool_(True), 3.0, np.float64(3.0), "3", None, [3], np.array([3])]
)
def test_check_int_refuses_everything_else_naming_the_argument(value):
    with pytest.raises(TypeError, match=r"n_tokens must be an int, got "):
        check_int(value, "n_tokens")


def test_check_int_checks_the_bounds():
    assert check_int(np.int64(1), "n", minimum=1) == 1
    assert check_int(5, "n", minimum=1, maximum=5) == 5
    with pytest.raises(ValueError, match="n must be at least 1, got 0"):
        check_int(0, "n", minimum=1)
    with pytest.raises(ValueError, match="n must be at most 5, got 6"):
        check_int(6, "n", maximum=5)
    with pytest.raises(ValueError, match="n must be an int from 1 to 5, got 7"):
        check_int(np.int64(7), "n", minimum=1, maximum=5)


@pytest.mark.parametrize("value", [2, 2.5, np.float32(2.5), np.int64(2), np.float64(-1e300)])
def test_check_number_accepts_finite_real_numbers(value):
    result = check_number(value, "temperature")
    assert result == float(value) and type(result) is float


@pytest.mark.parametrize("value", ["2", True, np.bool_(False), None, 1 + 2j, [1.0], np.ones(1)])
def test_check_number_refuses_non_numbers_naming_the_argument(value):
    with pytest.raises(TypeError, match="temperature must be a real number, got "):
        check_number(value, "temperature")


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, np.float64("nan")])
def test_check_number_refuses_non_finite_numbers(value):
    with pytest.raises(ValueError, match="temperature must be a finite number, got "):
        check_number(value, "temperature")


def test_check_number_checks_the_bounds():
    assert check_number(0.1, "t", minimum=0.1, maximum=10) == 0.1
    with pytest.raises(ValueError, match=r"t must lie in \[0.1, 10\], got 50"):
        check_number(50, "t", minimum=0.1, maximum=10)
    with pytest.raises(ValueError, match="t must be at least 0, got -1"):
        check_number(-1, "t", minimum=0)
    with pytest.raises(ValueError, match="t must be at most 5, got 7.5"):
        check_number(7.5, "t", maximum=5)
