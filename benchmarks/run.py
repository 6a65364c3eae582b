"""Run every benchmark and print its figures: `make bench`."""

from __future__ import annotations

import bench_attention
import bench_book


def main() -> None:
    rows = bench_attention.main()
    at_2048 = next(r for r in rows if r["device"] == "cpu" and r["T"] == 2048)
    verdict = "within" if at_2048["ratio"] <= 1.5 else "OVER"
    print(f"Target: package within 1.5x of torch at T=2048 on CPU -> {at_2048['ratio']:.2f}x ({verdict})")
    print()
    bench_book.main()


if __name__ == "__main__":
    main()
