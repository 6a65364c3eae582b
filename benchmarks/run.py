"""Run every benchmark and print its figures against their targets: `make bench`.

1. attention kernels: the package against torch's built-in (CPU, and GPU if any);
2. the Attention Explorer's update time in the kernel;
3. the widget round trips in JupyterLab + chromium: input to pixels, input to kernel;
4. each notebook's run time on a fresh kernel;
5. cold and cached strict book builds, then each page's weight in the browser, and the
   live widget on the built site: slider input to new pixels, and its scripts' bytes;
   then every live widget on every page.
"""

from __future__ import annotations

import bench_attention
import bench_book
import bench_explorer
import bench_live_pages
import bench_live_widget
import bench_notebooks
import bench_site
import bench_widget_browser


def _verdict(ok: bool) -> str:
    return "within target" if ok else "OVER TARGET"


def main() -> None:
    summary = []
    rows = bench_attention.main()
    at_2048 = next(r for r in rows if r["device"] == "cpu" and r["T"] == 2048)
    summary.append(("attention vs torch, CPU, T=2048", f"{at_2048['ratio']:.2f}x", "<= 1.5x",
                    at_2048["ratio"] <= 1.5))
    print()
    explorer = bench_explorer.main()
    summary.append(("explorer update in the kernel (median)", f"{explorer['median_ms']:.1f} ms",
                    "<= 30 ms", explorer["median_ms"] <= 30))
    print()
    browser = bench_widget_browser.main()
    summary.append(("JupyterLab: slider input to pixels (median)", f"{browser['median_ms']:.1f} ms",
                    "<= 30 ms", browser["median_ms"] <= 30))
    summary.append(("JupyterLab: slider input to pixels (p90)", f"{browser['p90_ms']:.1f} ms", "-", True))
    summary.append(("JupyterLab: slider input to kernel (median)",
                    f"{browser['kernel_median_ms']:.1f} ms", "-", True))
    print()
    for r in bench_notebooks.main():
        summary.append((f"notebook {r['chapter']}", f"{r['seconds']:.1f} s",
                        f"<= {r['target']:.0f} s", r["seconds"] <= r["target"]))
    print()
    pages: list[dict] = []
    live: dict = {}
    every: list[dict] = []

    def on_site(site):
        pages.extend(bench_site.main(site))
        print()
        live.update(bench_live_widget.main(site))
        print()
        every.extend(bench_live_pages.main(site))

    book = bench_book.main(then=on_site)
    summary.append(("cold strict book build", f"{book['cold_s']:.0f} s", "<= 180 s", book["cold_s"] <= 180))
    summary.append(("cached rebuild", f"{book['cached_s']:.1f} s", "<= 15 s", book["cached_s"] <= 15))
    heaviest = max(pages, key=lambda r: r["own"])
    summary.append((f"heaviest page ({heaviest['page']})", f"{heaviest['own'] / 1e6:.2f} MB",
                    "<= 2 MB", heaviest["own"] <= 2e6))
    summary.append(("live widget on the site, input to pixels (median)",
                    f"{live['median_ms']:.1f} ms", "<= 16 ms", live["median_ms"] <= 16))
    summary.append(("live widget on the site, input to pixels (p90)",
                    f"{live['p90_ms']:.1f} ms", "<= 33 ms", live["p90_ms"] <= 33))
    timed = [r for r in every if r["median_ms"] is not None]
    if timed:
        slowest = max(timed, key=lambda r: r["median_ms"])
        summary.append((f"slowest live widget ({slowest['widget']}), median",
                        f"{slowest['median_ms']:.1f} ms", "<= 16 ms", slowest["median_ms"] <= 16))
        worst = max(timed, key=lambda r: r["p90_ms"])
        summary.append((f"slowest live widget ({worst['widget']}), p90",
                        f"{worst['p90_ms']:.1f} ms", "<= 33 ms", worst["p90_ms"] <= 33))
    heaviest_scripts = max([live["script_bytes"], *(r["script_bytes"] for r in every)])
    summary.append(("live widget scripts, heaviest page", f"{heaviest_scripts / 1000:.0f} kB",
                    "<= 300 kB", heaviest_scripts <= 300_000))

    print("\nSummary")
    for name, value, target, ok in summary:
        print(f"  {name:<52} {value:>10}  {target:>9}  {_verdict(ok) if target != '-' else ''}")


if __name__ == "__main__":
    main()
