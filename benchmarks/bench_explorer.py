"""What one change costs the kernel in the live attention explorer.

The front end (js/attention.js) draws every table in the browser; the kernel's part of
a change is to receive the new state, check it, and recompute the package's reference
(``explorer.result``, by ``self_attention``). No picture is drawn per change. This
times exactly that: ``set_state`` with what the front end sends for one change, on an
8-token sentence in the toy space, alternating between two values so that every change
is real and recomputes. 50 changes per control after 5 warm-up changes.

Target: a median of 30 ms or less per change (issue 12: the JupyterLab round trip).
Run: ``PYTHONPATH=src python benchmarks/bench_explorer.py``.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from selfattention.widgets.attention_explorer import AttentionExplorer

SENTENCE = "The cat sat on the mat because it"  # 8 tokens
CHANGES = 50
WARM_UP = 5
TARGET_MS = 30.0


def _time_changes(explorer: AttentionExplorer, states: tuple[dict, dict]) -> list[float]:
    times = []
    for i in range(WARM_UP + CHANGES):
        start = time.perf_counter()
        explorer.set_state(states[i % 2])
        elapsed = (time.perf_counter() - start) * 1e3
        if explorer.error:
            raise RuntimeError(f"the change was refused: {explorer.error}")
        if i >= WARM_UP:
            times.append(elapsed)
    return times


def main() -> dict:
    explorer = AttentionExplorer(preset="Apple phones")
    explorer.embed(SENTENCE)
    n_tokens = len(explorer.tokens)
    assert n_tokens == 8, explorer.tokens
    w_v = [list(row) for row in explorer.w_v]
    doubled = [[2 * v for v in row] for row in w_v]
    other = explorer.page_state()["presets"][2]  # "seeded random": 4 tokens, d_k = 4
    start = {k: explorer.page_state()[k] for k in ("tokens", "x", "w_q", "w_k", "w_v")}
    controls = {
        "temperature": ({"temperature": 2.0}, {"temperature": 1.0}),
        "scaling checkbox": ({"scaling": False}, {"scaling": True}),
        "W_V box": ({"w_v": doubled, "note": ""}, {"w_v": w_v, "note": ""}),
        "preset (8 <-> 4 tokens)": ({k: other[k] for k in start} | {"note": ""}, start | {"note": ""}),
    }
    rows = {}
    for name, states in controls.items():
        times = _time_changes(explorer, states)
        rows[name] = {"median_ms": statistics.median(times),
                      "p90_ms": float(np.percentile(times, 90))}
    worst = max(rows.values(), key=lambda r: r["median_ms"])
    print(f"Attention explorer in the kernel: set_state, check, reference; "
          f"{n_tokens} tokens, {CHANGES} changes per control")
    for name, row in rows.items():
        print(f"  {name:<24} median {row['median_ms']:6.2f} ms   p90 {row['p90_ms']:6.2f} ms")
    verdict = "within" if worst["median_ms"] <= TARGET_MS else "OVER"
    print(f"Target: median per change <= {TARGET_MS:.0f} ms -> {worst['median_ms']:.2f} ms ({verdict})")
    return {"tokens": n_tokens, "changes": CHANGES, **worst, "controls": rows}


if __name__ == "__main__":
    main()
