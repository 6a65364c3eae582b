"""The measurement harness: timing with a warm-up, CPU threads, peak memory, both kernels."""

from __future__ import annotations

import pytest
import torch

from selfattention.cost import weights_matrix_bytes
from selfattention.timing import (
    IMPLEMENTATIONS,
    cpu_threads,
    fastest_seconds,
    measure_attention_cost,
    peak_memory,
)

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
    with pytest.raises(RuntimeError, match="inside"), cpu_threads(1):
        raise RuntimeError("inside")
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="n_threads must be at least 1"), cpu_threads(0):
        pass


def test_fastest_seconds_calls_warm_up_plus_repeats_and_keeps_the_minimum(monkeypatch):
    # A fake clock: the warm-up call is not timed, then four calls last 5, 1, 2 and 9 s.
    # Their minimum is 1; their mean (4.25), median (3.5), first (5) and last (9) all differ.
    durations = [5.0, 1.0, 2.0, 9.0]
    readings = iter([t for i, d in enumerate(durations) for t in (10.0 * i, 10.0 * i + d)])
    monkeypatch.setattr("selfattention.timing.perf_counter", lambda: next(readings))
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
