"""The cost of attention, exactly: counts of the work and sizes of the T x T matrix."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from selfattention.cost import attention_counts, bytes_per_element, weights_matrix_bytes

# --- sizes of the T x T matrix ---------------------------------------------------------------


@pytest.mark.parametrize(
    "n_tokens, dtype, expected",
    [
        (4096, "float32", 64 * 2**20),  # 64 MiB
        (32768, "float32", 4 * 2**30),  # 4 GiB
        (131072, "float32", 64 * 2**30),  # 64 GiB
        (131072, "bfloat16", 32 * 2**30),
        (3, torch.float64, 72),
    ],
)
def test_weights_matrix_bytes(n_tokens, dtype, expected):
    assert weights_matrix_bytes(n_tokens, dtype) == expected


def test_weights_matrix_bytes_scales_with_heads_and_batch():
    one = weights_matrix_bytes(1024)
    assert weights_matrix_bytes(1024, n_heads=12, batch=8) == 96 * one
    assert weights_matrix_bytes(2048) == 4 * one  # doubling T quadruples the matrix


def test_bytes_per_element():
    assert [bytes_per_element(d) for d in ("float64", "float32", "float16", "bfloat16", "bf16")] == [8, 4, 2, 2, 2]
    assert bytes_per_element(torch.float32) == 4


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"n_tokens": 0}, ValueError, "n_tokens must be at least 1"),
        ({"n_tokens": 2.5}, TypeError, "n_tokens must be an int"),
        ({"n_tokens": True}, TypeError, "n_tokens must be an int"),
        ({"n_tokens": 8, "dtype": "int4"}, ValueError, "dtype must be"),
        ({"n_tokens": 8, "n_heads": 0}, ValueError, "n_heads must be at least 1"),
        ({"n_tokens": 8, "batch": -1}, ValueError, "batch must be at least 1"),
    ],
)
def test_weights_matrix_bytes_refuses_bad_input(kwargs, error, words):
    with pytest.raises(error, match=words):
        weights_matrix_bytes(**kwargs)


# --- counting the work ------------------------------------------------------------------------


def test_counts_for_the_lecture_notes_exercise():
    counts = attention_counts(100, 64)
    assert counts.score_entries == 100 * 100
    assert counts.score_multiply_adds == 100 * 100 * 64
    assert counts.mixing_multiply_adds == 100 * 100 * 64
    assert counts.projection_multiply_adds == 0
    assert counts.total_multiply_adds == 2 * 100 * 100 * 64


def test_counts_include_projections_when_d_model_is_given():
    counts = attention_counts(10, 64, d_v=32, d_model=512)
    assert counts.projection_multiply_adds == 10 * 512 * (64 + 64 + 32)
    assert counts.mixing_multiply_adds == 10 * 10 * 32
    assert counts.total_multiply_adds == 10 * 512 * 160 + 100 * 64 + 100 * 32


def test_score_entries_grow_as_the_square_of_t():
    lengths = np.array([64, 128, 256, 512, 1024])
    entries = [attention_counts(int(n), 64).score_entries for n in lengths]
    slope = np.polyfit(np.log(lengths), np.log(entries), 1)[0]
    assert slope == pytest.approx(2.0)


def test_counts_match_an_actual_matrix_product():
    T, d_k = 7, 5
    queries, keys = np.ones((T, d_k)), np.ones((T, d_k))
    scores = queries @ keys.T  # every entry is a sum of d_k products
    assert scores.size == attention_counts(T, d_k).score_entries
    assert scores.sum() == attention_counts(T, d_k).score_multiply_adds


@pytest.mark.parametrize("kwargs", [{"n_tokens": 0, "d_k": 4}, {"n_tokens": 4, "d_k": 0},
                                    {"n_tokens": 4, "d_k": 4, "d_v": 0}, {"n_tokens": 4, "d_k": 4, "d_model": 0}])
def test_counts_refuse_non_positive_sizes(kwargs):
    with pytest.raises(ValueError, match="must be at least 1"):
        attention_counts(**kwargs)
