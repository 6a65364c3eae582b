"""The cost of attention: exact counts, matrix sizes, and the measurement harness."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from selfattention.cost import (
    IMPLEMENTATIONS,
    attention_counts,
    bytes_per_element,
    cpu_threads,
    fastest_seconds,
    measure_attention_cost,
    peak_memory,
    weights_matrix_bytes,
)

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


# --- measuring --------------------------------------------------------------------------------


def test_peak_memory_on_cpu_sees_a_known_allocation():
    peak, method = peak_memory(lambda: torch.empty(1000, 1000), "cpu")
    if peak is None:
        pytest.skip("this torch build records no CPU memory events")
    assert peak >= 1000 * 1000 * 4
    assert "profiler" in method


def test_measure_returns_both_implementations_for_each_length():
    before = torch.get_num_threads()
    rows = measure_attention_cost([32, 256], repeats=1)
    assert torch.get_num_threads() == before  # the thread setting is restored
    assert [(r.n_tokens, r.implementation) for r in rows] == [
        (32, IMPLEMENTATIONS[0]), (32, IMPLEMENTATIONS[1]), (256, IMPLEMENTATIONS[0]), (256, IMPLEMENTATIONS[1])
    ]
    assert all(r.device == "cpu" and r.seconds > 0 and r.threads == 1 for r in rows)
    package = rows[2]
    if package.peak_bytes is not None:
        # the package returns the (T, T) float32 weights, so it must allocate at least them
        assert package.peak_bytes >= weights_matrix_bytes(256)


def test_measure_without_memory_and_with_torch_threads():
    rows = measure_attention_cost([16], repeats=1, measure_memory=False, threads=None)
    assert all(r.peak_bytes is None and r.memory_method == "not measured" for r in rows)
    assert rows[0].threads == torch.get_num_threads()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
def test_measure_on_cuda_uses_the_cuda_allocator():
    rows = measure_attention_cost([512], device="cuda", repeats=1)
    assert rows[0].memory_method == "torch.cuda.max_memory_allocated"
    assert rows[0].peak_bytes >= weights_matrix_bytes(512)
    assert rows[0].threads is None


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"lengths": []}, ValueError, "lengths is empty"),
        ({"lengths": [0]}, ValueError, "each length must be at least 1"),
        ({"lengths": [8], "repeats": 0}, ValueError, "repeats must be at least 1"),
        ({"lengths": [8], "d_k": 0}, ValueError, "d_k must be at least 1"),
        ({"lengths": [8], "threads": 0}, ValueError, "threads must be at least 1"),
        ({"lengths": [8], "device": "tpu"}, ValueError, "prefer must be one of"),
    ],
)
def test_measure_refuses_bad_input(kwargs, error, words):
    with pytest.raises(error, match=words):
        measure_attention_cost(**kwargs)


# --- timing helpers ---------------------------------------------------------------------------


def test_cpu_threads_sets_and_restores_the_thread_count():
    before = torch.get_num_threads()
    with cpu_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with cpu_threads(None):
        assert torch.get_num_threads() == before


def test_cpu_threads_restores_after_an_error():
    before = torch.get_num_threads()
    with pytest.raises(RuntimeError, match="inside"):
        with cpu_threads(1):
            raise RuntimeError("inside")
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="n_threads must be at least 1"):
        with cpu_threads(0):
            pass


def test_fastest_seconds_calls_warm_up_plus_repeats_and_keeps_the_minimum(monkeypatch):
    # A fake clock: the warm-up call is not timed, then four calls last 5, 1, 2 and 9 s.
    # Their minimum is 1; their mean (4.25), median (3.5), first (5) and last (9) all differ.
    durations = [5.0, 1.0, 2.0, 9.0]
    readings = iter([t for i, d in enumerate(durations) for t in (10.0 * i, 10.0 * i + d)])
    monkeypatch.setattr("selfattention.cost.perf_counter", lambda: next(readings))
    calls = []
    seconds = fastest_seconds(lambda: calls.append(1), repeats=len(durations))
    assert len(calls) == 1 + len(durations)
    assert seconds == min(durations) == 1.0
    assert next(readings, None) is None  # two clock readings per timed call, no more


def test_fastest_seconds_times_a_real_call():
    seconds = fastest_seconds(lambda: sum(range(1000)), repeats=3)
    assert 0 < seconds < 1


def test_fastest_seconds_refuses_bad_input():
    with pytest.raises(TypeError, match="fn must be callable"):
        fastest_seconds(3)
    with pytest.raises(ValueError, match="repeats must be at least 1"):
        fastest_seconds(lambda: None, repeats=0)
