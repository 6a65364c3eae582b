r"""What attention costs: counting the work, sizing the T x T matrix, timing it.

Self-attention compares every query with every key, so for ``T`` tokens it
builds a ``(T, T)`` matrix of scores. Doubling the sentence quadruples that
matrix. This module puts numbers on it in three ways:

* :func:`attention_counts` counts entries and multiply-adds exactly;
* :func:`weights_matrix_bytes` sizes one ``(T, T)`` matrix in a given dtype;
* :func:`measure_attention_cost` times the package's
  :func:`~selfattention.scaled_dot_product_attention` against torch's fused
  ``torch.nn.functional.scaled_dot_product_attention`` on this machine, and
  records the peak memory each one allocated (see :func:`peak_memory` for how).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from time import perf_counter
from typing import Callable, Iterable

import torch
import torch.nn.functional as F

from ._arrays import check_int
from .attention import scaled_dot_product_attention
from .device import pick_device

__all__ = [
    "AttentionCounts",
    "CostRow",
    "IMPLEMENTATIONS",
    "attention_counts",
    "bytes_per_element",
    "cpu_threads",
    "fastest_seconds",
    "measure_attention_cost",
    "peak_memory",
    "weights_matrix_bytes",
]

IMPLEMENTATIONS = ("package", "torch fused")
"""The two implementations :func:`measure_attention_cost` compares."""

_DTYPES = {
    "float64": torch.float64,
    "float32": torch.float32,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "bf16": torch.bfloat16,
}


def _check_count(value, name: str) -> int:
    return check_int(value, name, minimum=1)


def _as_dtype(dtype) -> torch.dtype:
    if isinstance(dtype, torch.dtype):
        return dtype
    if isinstance(dtype, str) and dtype.strip().lower() in _DTYPES:
        return _DTYPES[dtype.strip().lower()]
    raise ValueError(
        f"dtype must be a torch dtype or one of {sorted(_DTYPES)}, got {dtype!r}"
    )


def bytes_per_element(dtype) -> int:
    """Bytes one number takes in ``dtype`` ("float32" -> 4, "bfloat16" -> 2)."""
    return torch.empty((), dtype=_as_dtype(dtype)).element_size()


def weights_matrix_bytes(
    n_tokens: int, dtype="float32", *, n_heads: int = 1, batch: int = 1
) -> int:
    """Bytes of the ``(T, T)`` attention matrix, per head and per sequence.

    Parameters
    ----------
    n_tokens : int
        ``T``, the sequence length.
    dtype : str or torch.dtype, default "float32"
        "float32", "bfloat16", "float16", "float64" or a torch dtype.
    n_heads, batch : int, default 1
        Multiply by ``H`` heads and ``B`` sequences: shape (B, H, T, T).

    >>> weights_matrix_bytes(4096) == 4096 * 4096 * 4
    True
    """
    n_tokens = _check_count(n_tokens, "n_tokens")
    n_heads = _check_count(n_heads, "n_heads")
    batch = _check_count(batch, "batch")
    return batch * n_heads * n_tokens * n_tokens * bytes_per_element(dtype)


@dataclass(frozen=True)
class AttentionCounts:
    """Exact work of one self-attention pass over ``T`` tokens (one head).

    Attributes
    ----------
    score_entries : int
        ``T * T``: one score per (query, key) pair.
    score_multiply_adds : int
        ``T * T * d_k``: each score is a dot product of length ``d_k``.
    mixing_multiply_adds : int
        ``T * T * d_v``: each output row mixes ``T`` value rows of length ``d_v``.
    projection_multiply_adds : int
        ``T * d_model * (2 d_k + d_v)`` for ``X W_Q``, ``X W_K``, ``X W_V``;
        0 when no ``d_model`` was given. Grows only linearly in ``T``.
    """

    n_tokens: int
    score_entries: int
    score_multiply_adds: int
    mixing_multiply_adds: int
    projection_multiply_adds: int

    @property
    def total_multiply_adds(self) -> int:
        """Projections plus scores plus mixing."""
        return self.projection_multiply_adds + self.score_multiply_adds + self.mixing_multiply_adds


def attention_counts(
    n_tokens: int, d_k: int, d_v: int | None = None, d_model: int | None = None
) -> AttentionCounts:
    """Count the entries and multiply-adds of self-attention for ``T`` tokens.

    Parameters
    ----------
    n_tokens : int
        ``T``.
    d_k : int
        Size of each query and key.
    d_v : int, optional
        Size of each value; defaults to ``d_k``.
    d_model : int, optional
        Embedding size. Given, the three projections are counted too.

    >>> attention_counts(100, 64).score_entries
    10000
    """
    n_tokens = _check_count(n_tokens, "n_tokens")
    d_k = _check_count(d_k, "d_k")
    d_v = d_k if d_v is None else _check_count(d_v, "d_v")
    projections = 0
    if d_model is not None:
        projections = n_tokens * _check_count(d_model, "d_model") * (2 * d_k + d_v)
    return AttentionCounts(
        n_tokens=n_tokens,
        score_entries=n_tokens * n_tokens,
        score_multiply_adds=n_tokens * n_tokens * d_k,  # (T, d_k) @ (d_k, T) -> (T, T)
        mixing_multiply_adds=n_tokens * n_tokens * d_v,  # (T, T) @ (T, d_v) -> (T, d_v)
        projection_multiply_adds=projections,  # (T, d_model) @ (d_model, d_k or d_v), three times
    )


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
