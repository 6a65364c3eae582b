"""Timing and memory on this machine: the measurement harness for the cost chapter.

The exact counts (entries, multiply-adds, bytes of the ``(T, T)`` matrix)
are in :mod:`selfattention.cost`; they are the same everywhere. What this
module measures depends on the machine and on whatever else it is doing:

* :func:`fastest_seconds` times a call (the fastest of several, after a warm-up);
* :func:`cpu_threads` pins torch to a number of CPU threads for a block;
* :func:`peak_memory` records the peak memory a call allocates;
* :func:`measure_attention_cost` times the package's
  :func:`~selfattention.scaled_dot_product_attention` against torch's fused
  ``torch.nn.functional.scaled_dot_product_attention`` for growing ``T``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from time import perf_counter

import torch
import torch.nn.functional as F

from .attention import scaled_dot_product_attention
from .cost import _check_count
from .device import pick_device

__all__ = [
    "IMPLEMENTATIONS",
    "CostRow",
    "cpu_threads",
    "fastest_seconds",
    "measure_attention_cost",
    "peak_memory",
]

IMPLEMENTATIONS = ("package", "torch fused")
"""The two implementations :func:`measure_attention_cost` compares."""


@contextlib.contextmanager
def _native_stderr_silenced():
    """Send file descriptor 2 to the null device for a moment.

    Some torch builds print a line to the process's raw standard error each
    time a profiler starts and stops; in a notebook it would show up as noise
    under the cell. Python-level ``sys.stderr`` is not involved, so it is the
    file descriptor itself that is redirected, and restored afterwards.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable descriptor 2: nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


@contextlib.contextmanager
def cpu_threads(n_threads: int | None = 1):
    """Run a block with torch limited to ``n_threads`` CPU threads, then restore.

    On a machine shared with other programs, multi-threaded timings jump
    around as threads wait for each other; one thread gives repeatable
    figures. ``None`` leaves torch's setting alone.

    >>> with cpu_threads(1):
    ...     torch.get_num_threads()
    1
    """
    if n_threads is not None:
        n_threads = _check_count(n_threads, "n_threads")
    previous = torch.get_num_threads()
    if n_threads is not None:
        torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _cpu_peak_bytes(fn: Callable[[], object]) -> int | None:
    """Peak bytes torch's CPU allocator handed out while ``fn`` ran.

    torch's profiler, with ``profile_memory=True``, records every CPU
    allocation and free with its size. Adding them up in time order and
    taking the maximum gives the peak above the level before the call.
    Returns None if this torch build records no memory events.
    """
    from torch.profiler import ProfilerActivity, profile

    with _native_stderr_silenced():
        with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
            fn()
    handle, path = tempfile.mkstemp(suffix=".json")
    os.close(handle)
    try:
        prof.export_chrome_trace(path)
        with open(path, encoding="utf-8") as stream:
            events = json.load(stream).get("traceEvents", [])
    finally:
        os.remove(path)
    changes = sorted(  # in time order; events at the same instant keep the trace's order
        (
            (event["ts"], event["args"]["Bytes"])
            for event in events
            if event.get("name") == "[memory]" and "Bytes" in event.get("args", {})
        ),
        key=lambda change: change[0],
    )
    if not changes:
        return None
    level = peak = 0
    for _, size in changes:
        level += size
        peak = max(peak, level)
    return peak


def peak_memory(fn: Callable[[], object], device: str = "cpu") -> tuple[int | None, str]:
    """Run ``fn`` once and return (peak bytes it allocated, how that was measured).

    On CUDA: ``torch.cuda.max_memory_allocated`` after resetting the peak,
    minus what was allocated before the call. On the CPU: torch's profiler
    records each allocation and free the CPU allocator makes, and the peak of
    their running sum is taken. Both count only memory that torch allocates
    during the call (outputs included), not the inputs that already existed.
    """
    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated()
        fn()
        torch.cuda.synchronize()
        return torch.cuda.max_memory_allocated() - before, "torch.cuda.max_memory_allocated"
    if device == "cpu":
        peak = _cpu_peak_bytes(fn)
        if peak is None:
            return None, "not recorded by this torch build"
        return peak, "torch profiler (CPU allocations)"
    return None, f"not measured on {device}"


@dataclass(frozen=True)
class CostRow:
    """One measurement: an implementation at one sequence length.

    Attributes
    ----------
    implementation : str
        "package" (materialises the (T, T) weights, which the book shows)
        or "torch fused" (``torch.nn.functional.scaled_dot_product_attention``).
    device : str
    n_tokens : int
        ``T``.
    seconds : float
        Wall-clock time of one call: the fastest of the timed repeats, the
        one least disturbed by whatever else the machine was doing.
    peak_bytes : int or None
        Peak memory allocated during one call, or None if not measurable.
    memory_method : str
        How ``peak_bytes`` was obtained.
    threads : int or None
        CPU threads torch used (None on a GPU).
    """

    implementation: str
    device: str
    n_tokens: int
    seconds: float
    peak_bytes: int | None
    memory_method: str
    threads: int | None


def _fastest_seconds(fn: Callable[[], object], repeats: int, sync: Callable[[], None]) -> float:
    fn()  # warm-up: the first call pays for kernel selection and allocation
    sync()
    times = []
    for _ in range(repeats):
        start = perf_counter()
        fn()
        sync()
        times.append(perf_counter() - start)
    return min(times)


def fastest_seconds(fn: Callable[[], object], repeats: int = 7, *, device: str = "cpu") -> float:
    """Wall-clock seconds of the fastest of ``repeats`` calls to ``fn``, after one warm-up.

    The fastest run is the one least disturbed by whatever else the machine
    was doing, so it is the most repeatable figure. For ``device="cuda"``
    the GPU is synchronised around each call, since CUDA calls return before
    the GPU has finished.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    repeats = _check_count(repeats, "repeats")
    return _fastest_seconds(fn, repeats, _sync_for(device))


def _sync_for(device: str) -> Callable[[], None]:
    if device == "cuda":
        return torch.cuda.synchronize
    if device == "mps":
        return torch.mps.synchronize
    return lambda: None


def measure_attention_cost(
    lengths: Iterable[int] = (128, 256, 512, 1024, 2048, 4096),
    *,
    d_k: int = 64,
    device: str = "cpu",
    repeats: int = 3,
    measure_memory: bool = True,
    seed: int = 0,
    threads: int | None = 1,
) -> list[CostRow]:
    """Time (and size) both attention implementations for growing ``T``.

    Queries, keys and values are random float32 tensors of shape
    ``(1, 1, T, d_k)``: one sequence, one head, the layout torch's fused
    kernels expect. Everything runs under ``torch.inference_mode``.

    Parameters
    ----------
    lengths : iterable of int
        The sequence lengths ``T`` to try.
    d_k : int, default 64
        Size of each query, key and value.
    device : str, default "cpu"
        "cpu", "cuda", "mps" or "auto" (:func:`~selfattention.pick_device`).
    repeats : int, default 3
        Timed calls per measurement, after one warm-up call; the fastest is kept.
    measure_memory : bool, default True
        Also run each call once under :func:`peak_memory`.
    seed : int
        Seeds the random inputs.
    threads : int or None, default 1
        CPU threads for torch while measuring (restored afterwards). One
        thread makes CPU timings repeatable even when other programs share
        the machine; ``None`` keeps torch's current setting.

    Returns
    -------
    list of CostRow
        For each ``T`` in order, a "package" row then a "torch fused" row.
    """
    lengths = [_check_count(T, "each length") for T in lengths]
    if not lengths:
        raise ValueError("lengths is empty; give at least one sequence length T")
    d_k = _check_count(d_k, "d_k")
    repeats = _check_count(repeats, "repeats")
    device = pick_device(device)
    if threads is not None:
        threads = _check_count(threads, "threads")
    with cpu_threads(threads if device == "cpu" else None):
        rows = _measure(lengths, d_k, device, repeats, measure_memory, seed)
    return rows


def _measure(lengths, d_k, device, repeats, measure_memory, seed) -> list[CostRow]:
    sync = _sync_for(device)
    threads = torch.get_num_threads() if device == "cpu" else None
    generator = torch.Generator().manual_seed(seed)
    rows = []
    for n_tokens in lengths:
        # (B, H, T, d_k) = (1, 1, T, d_k)
        queries, keys, values = (
            torch.randn(1, 1, n_tokens, d_k, generator=generator).to(device) for _ in range(3)
        )
        calls = {
            "package": lambda: scaled_dot_product_attention(queries, keys, values),
            "torch fused": lambda: F.scaled_dot_product_attention(queries, keys, values),
        }
        for name in IMPLEMENTATIONS:
            with torch.inference_mode():
                seconds = _fastest_seconds(calls[name], repeats, sync)
                if measure_memory:
                    peak, method = peak_memory(calls[name], device)
                else:
                    peak, method = None, "not measured"
            rows.append(CostRow(name, device, n_tokens, seconds, peak, method, threads))
    return rows
