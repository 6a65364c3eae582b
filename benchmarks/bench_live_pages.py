"""Every live widget on the built website: a control's change to new pixels, in Chromium.

Serves _build/html on localhost (nothing else reachable) and opens each chapter page in
Debian's chromium. For every widget the site's host script mounted, it takes the
widget's first slider (else its first drop-down list, else its first radio button
group) and changes it back and forth, 30 times after 5 warm-up changes. Each change is
dispatched at the start of a frame, as Chromium delivers the input of a drag, and timed
until after that frame is rendered (style, layout, paint): the cost on screen of the
maths and the redraw. A change that leaves the widget's DOM untouched is an error.
Also: the bytes of the widget scripts each page loads (shared and cached across pages).

Targets: median <= 16 ms (one frame), p90 <= 33 ms; scripts <= 300 kB per page.
The widgets run with the chapter's own state (its sentence, its number of tokens);
bench_live_widget.py times the softmax explorer with 8 tokens.
"""

from __future__ import annotations

import functools
import http.server
import os
import statistics
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
CHANGES = 30
WARM_UP = 5
TARGET_MEDIAN_MS, TARGET_P90_MS, TARGET_BYTES = 16.0, 33.0, 300_000
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]

MEASURE_JS = """
async ([index, count]) => {
  const widget = document.querySelectorAll('.sa-live-widget[data-sa-live=mounted]')[index];
  const root = widget.querySelector('.sa-live');
  widget.scrollIntoView({block: 'center'});
  const slider = root.querySelector('input[type=range]');
  const select = root.querySelector('select');
  const radios = [...root.querySelectorAll('[role=radio]')];
  let control, change;
  if (slider) {
    const low = Number(slider.min), high = Number(slider.max);
    control = 'slider "' + (slider.getAttribute('aria-label') || '') + '"';
    change = (i) => {
      slider.value = String(low + (high - low) * (i % 2 ? 0.3 : 0.7));
      slider.dispatchEvent(new Event('input', {bubbles: true}));
    };
  } else if (select && select.options.length > 1) {
    control = 'list "' + (select.getAttribute('aria-label') || select.id) + '"';
    change = (i) => {
      select.selectedIndex = i % 2;
      select.dispatchEvent(new Event('change', {bubbles: true}));
    };
  } else if (radios.length > 1) {
    control = 'radio "' + radios[0].textContent.trim() + '"';
    change = (i) => radios[i % 2].click();
  } else {
    return {control: null, frames: []};
  }
  const frames = [];
  for (let i = 0; i < count; i++) {
    frames.push(await new Promise((resolve, reject) => requestAnimationFrame(() => {
      const observer = new MutationObserver(() => {});
      observer.observe(root, {subtree: true, childList: true, characterData: true, attributes: true});
      const start = performance.now();
      change(i);
      const changed = observer.takeRecords().length > 0;
      observer.disconnect();
      if (!changed) reject(new Error(`${control}: the widget did not change`));
      const channel = new MessageChannel();  // runs after this frame is rendered
      channel.port1.onmessage = () => resolve(performance.now() - start);
      channel.port2.postMessage(null);
    })));
  }
  return {control, frames};
}
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def measure(site: Path = SITE) -> list[dict]:
    from playwright.sync_api import sync_playwright

    pages = sorted(p.relative_to(site).as_posix() for p in (site / "chapters").glob("*.html"))
    if not pages:
        raise SystemExit(f"no chapter pages in {site}: run `make book` first")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=CHROMIUM_ARGS)
            for path in pages:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.route("**/*", lambda route: route.continue_()
                           if route.request.url.startswith(base) else route.abort())
                scripts: set[str] = set()  # the widget modules the page asked for

                def on_request(request, scripts=scripts):
                    if "/_static/sa-widgets/" in request.url:
                        scripts.add(request.url.split("/")[-1].split("?")[0])

                page.on("request", on_request)
                page.goto(f"{base}/{path}", wait_until="networkidle")
                page.wait_for_function(  # every widget container mounted (or failed)
                    "() => [...document.querySelectorAll('.sa-live-widget')]"
                    ".every(w => w.dataset.saLive)", timeout=20_000)
                script_bytes = sum((site / "_static" / "sa-widgets" / name).stat().st_size
                                   for name in scripts)
                live = page.locator(".sa-live-widget[data-sa-live=mounted]")
                for index in range(live.count()):
                    name = live.nth(index).get_attribute("data-sa-widget")
                    timed = page.evaluate(MEASURE_JS, [index, WARM_UP + CHANGES])
                    frames = timed["frames"][WARM_UP:]
                    rows.append({
                        "page": path, "widget": name, "control": timed["control"],
                        "median_ms": statistics.median(frames) if frames else None,
                        "p90_ms": statistics.quantiles(frames, n=10)[-1] if frames else None,
                        "script_bytes": script_bytes,
                    })
                page.close()
            browser.close()
    finally:
        server.shutdown()
    return rows


def main(site: Path = SITE) -> list[dict]:
    rows = measure(site)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Every live widget on the website (chromium, no kernel; {CHANGES} changes each; "
          f"load average {load} on {os.cpu_count()} CPUs: timings are noisy on a busy machine)")
    for r in rows:
        if r["median_ms"] is None:
            print(f"  {r['page']:<40} {r['widget']:<16} no slider, list or radio group to time")
            continue
        ok = r["median_ms"] <= TARGET_MEDIAN_MS and r["p90_ms"] <= TARGET_P90_MS
        print(f"  {r['page']:<40} {r['widget']:<16} median {r['median_ms']:5.1f} ms, "
              f"p90 {r['p90_ms']:5.1f} ms ({'within' if ok else 'OVER'} "
              f"{TARGET_MEDIAN_MS:.0f} / {TARGET_P90_MS:.0f} ms); {r['control']}; "
              f"scripts {r['script_bytes'] / 1000:.1f} kB")
    heaviest = max((r["script_bytes"] for r in rows), default=0)
    print(f"  widget scripts, heaviest page: {heaviest / 1000:.1f} kB "
          f"(target <= {TARGET_BYTES / 1000:.0f} kB)")
    return rows


if __name__ == "__main__":
    main()
