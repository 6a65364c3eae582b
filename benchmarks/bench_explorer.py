"""How long the attention explorer takes to redraw after one control changes.

Target: a median of 30 ms or less with an 8-token sentence. The explorer is
built on a typed 8-token sentence, then each control below is changed 50
times, alternating between two values so that every change is real and
recomputes everything (attention, five HTML tables, the widget values).
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from selfattention.widgets.attention_explorer import AttentionExplorer

SENTENCE = "The cat sat on the mat because it"  # 8 tokens
CHANGES = 50
TARGET_MS = 30.0


def _time_changes(set_value, values) -> list[float]:
    times = []
    for i in range(CHANGES):
        start = time.perf_counter()
        set_value(values[i % 2])
        times.append((time.perf_counter() - start) * 1e3)
    return times


def main() -> dict:
    explorer = AttentionExplorer()
    explorer.sentence.value = SENTENCE
    assert len(explorer.setup.tokens) == 8, explorer.setup.tokens
    w_v = explorer.w_v_text.value
    controls = {
        "temperature slider": (lambda v: setattr(explorer.temperature, "value", v), (2.0, 1.0)),
        "scaling checkbox": (lambda v: setattr(explorer.scaling, "value", v), (False, True)),
        "W_V text": (lambda v: setattr(explorer.w_v_text, "value", v),
                     (w_v.replace("1", "2"), w_v)),
    }
    rows = {}
    for name, (set_value, values) in controls.items():
        times = _time_changes(set_value, values)
        assert explorer.message.value == "", explorer.message.value
        rows[name] = {"median_ms": statistics.median(times),
                      "p90_ms": float(np.percentile(times, 90))}
    worst = max(rows.values(), key=lambda r: r["median_ms"])
    print(f"Attention explorer, {len(explorer.setup.tokens)} tokens, {CHANGES} changes per control")
    for name, row in rows.items():
        print(f"  {name:<20} median {row['median_ms']:6.2f} ms   p90 {row['p90_ms']:6.2f} ms")
    verdict = "within" if worst["median_ms"] <= TARGET_MS else "OVER"
    print(f"Target: median update <= {TARGET_MS:.0f} ms -> {worst['median_ms']:.2f} ms ({verdict})")
    return {"tokens": len(explorer.setup.tokens), "changes": CHANGES, **worst, "controls": rows}


if __name__ == "__main__":
    main()
