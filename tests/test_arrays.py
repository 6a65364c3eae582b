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


# --- every integer argument of the package goes through check_int ----------------------


def _numpy_integer_calls():
    """One call per integer argument that used to refuse numpy integers, with np.int64."""
    import selfattention as sa
    from selfattention.arrows import arc_points
    from selfattention.cost import attention_counts, weights_matrix_bytes
    from selfattention.model import AttentionClassifier
    from selfattention.models_table import ModelSpec
    from selfattention.toy_task import embedding_matrix
    from selfattention.training import train

    i = np.int64
    scores = np.array([[1.0, 3.0], [2.0, 0.0]])
    return {
        "causal_mask": lambda: sa.causal_mask(i(3)).shape == (3, 3),
        "softmax dim": lambda: np.allclose(sa.softmax(scores, dim=i(0)).sum(axis=0), 1),
        "hardmax dim": lambda: sa.hardmax(scores, dim=i(-1)).sum() == 2,
        "naive_softmax dim": lambda: sa.naive_softmax(scores, dim=i(1)).shape == (2, 2),
        "entropy dim": lambda: sa.entropy([[0.5, 0.5]], dim=i(-1)).shape == (1,),
        "arc_points n": lambda: arc_points(0.0, 90.0, 1.0, n=i(5)).shape == (5, 2),
        "weights_matrix_bytes": lambda: weights_matrix_bytes(i(4), n_heads=i(2), batch=i(3))
        == 4 * 4 * 4 * 2 * 3,
        "attention_counts": lambda: attention_counts(i(4), i(2)) == attention_counts(4, 2),
        "ModelSpec": lambda: ModelSpec("m", "encoder", i(8), i(2), attention_width=i(8)).width
        == 8,
        "AttentionClassifier": lambda: AttentionClassifier(
            embedding_matrix(), d_k=i(3), d_v=i(2), n_classes=i(2)
        ).w_q.shape[1] == 3,
        "train": lambda: len(
            train(steps=i(2), batch_size=i(4), checkpoint_every=i(1), device="cpu",
                  progress=False).checkpoints
        ) >= 2,
    }


@pytest.mark.parametrize("call", sorted(_numpy_integer_calls()))
def test_numpy_integers_are_accepted_where_an_int_is_expected(call):
    assert _numpy_integer_calls()[call]()
