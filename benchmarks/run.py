"""Run every benchmark and print its figures: `make bench`."""

from __future__ import annotations

import bench_attention
import bench_book
import bench_explorer


def main() -> None:
    rows = bench_attention.main()
    at_2048 = next(r for r in rows if r["device"] == "cpu" and r["T"] == 2048)
    verdict = "within" if at_2048["ratio"] <= 1.5 else "OVER"
    print(f"Target: package within 1.5x of torch at T=2048 on CPU -> {at_2048['ratio']:.2f}x ({verdict})")
    print()
    explorer = bench_explorer.main()
    verdict = "within" if explorer["median_ms"] <= 30 else "OVER"
    print(f"Target: explorer update median <= 30 ms in the kernel -> {explorer['median_ms']:.1f} ms ({verdict})")
    print()
    bench_book.main()


if __name__ == "__main__":
    main()
