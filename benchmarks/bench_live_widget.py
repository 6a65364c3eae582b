"""The live softmax explorer on the built website: slider input to new pixels, in Chromium.

Serves _build/html on localhost (nothing else reachable), opens chapter 4 in Debian's
chromium, and times moves of a score slider inside the page, with no kernel anywhere:

* frame: the slider's `input` event is dispatched at the start of a frame, inside a
  requestAnimationFrame callback, which is where Chromium delivers the input of a drag
  (rAF-aligned input). The widget's handler redraws the SVG bars and the table, then a
  message posted from that callback runs once the frame's style, layout and paint are
  done. So this is the cost of the change on screen: maths, DOM update and paint.
* drag: a real mouse drag through Playwright, from each `pointermove` event's timestamp
  to after the next rendered frame. It adds the wait for that frame (up to one vsync
  interval) and the browser's own input pipeline, which the page cannot shorten.
* handler: the widget's own code alone, from the `input` event to the DOM updated.

Each on the chapter's explorer (3 tokens) and on one with 8 tokens, mounted in the same
page by the site's host script; 40 moves after 5 warm-up moves. Also: the bytes of the
widget scripts the page loads (_static/sa-widgets/).
Targets (frame): median <= 16 ms (one frame), p90 <= 33 ms; scripts <= 300 kB.
"""

from __future__ import annotations

import functools
import http.server
import os
import statistics
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
PAGE = "chapters/04_softmax.html"
CHANGES = 40
WARM_UP = 5
TARGET_MEDIAN_MS, TARGET_P90_MS, TARGET_BYTES = 16.0, 33.0, 300_000
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]

# Runs in the page: moves the first score slider of widget `index` through `values`, each
# move dispatched at the start of a frame; returns the times to the rendered frame and
# the handler's own times.
MEASURE_JS = """
async ([index, values]) => {
  const widget = document.querySelectorAll('.sa-live-widget')[index];
  const slider = widget.querySelector('input[type=range]');
  const label = widget.querySelector('text.sa-bar-value');
  const frames = [], handlers = [];
  for (const value of values) {
    const [frame, handler] = await new Promise((resolve, reject) => requestAnimationFrame(() => {
      const before = label.textContent;
      const start = performance.now();
      slider.value = String(value);
      slider.dispatchEvent(new Event('input', {bubbles: true}));
      const handled = performance.now();
      if (label.textContent === before) reject(new Error('the bars did not change'));
      const channel = new MessageChannel();  // runs after this frame is rendered
      channel.port1.onmessage = () => resolve([performance.now() - start, handled - start]);
      channel.port2.postMessage(null);
    }));
    frames.push(frame);
    handlers.push(handler);
  }
  return {frames, handlers};
}
"""

# Installs listeners for a real drag on widget `index`: each input event records the time
# from the pointermove that caused it to after the next rendered frame.
DRAG_LISTEN_JS = """
([index]) => {
  const root = document.querySelectorAll('.sa-live-widget')[index].querySelector('.sa-live');
  window.__saDrag = [];
  let moved = null;
  document.addEventListener('pointermove', (e) => { moved = e.timeStamp; }, {capture: true});
  root.addEventListener('input', () => {
    const start = moved;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => window.__saDrag.push(performance.now() - start);
      channel.port2.postMessage(null);
    });
  });
}
"""

# Adds a second explorer with 8 tokens to the page and mounts it with the site's host.
MOUNT_8_JS = """
async ([state]) => {
  const container = document.createElement('div');
  container.className = 'sa-live-widget';
  container.dataset.saWidget = 'softmax';
  const script = document.createElement('script');
  script.type = 'application/json';
  script.className = 'sa-widget-state';
  script.textContent = JSON.stringify(state);
  container.append(script, Object.assign(document.createElement('figure'),
                                         {className: 'sa-widget-snapshot'}));
  document.querySelector('.sa-live-widget').after(container);
  const host = await import(document.querySelector('script[src*="sa-widgets/host.js"]').src);
  await host.mount(container);
  return document.querySelectorAll('.sa-live-widget').length - 1;
}
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _summary(times: list[float]) -> dict:
    return {"median_ms": statistics.median(times), "p90_ms": statistics.quantiles(times, n=10)[-1]}


def _drag(page, widget, index: int) -> list[float]:
    page.evaluate(DRAG_LISTEN_JS, [index])
    box = widget.locator("input[type=range]").first.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.5, y)
    page.mouse.down()
    for i in range(WARM_UP + CHANGES):  # back and forth across the slider
        page.mouse.move(box["x"] + box["width"] * (0.1 + 0.8 * ((i * 7) % 40) / 40), y)
        page.wait_for_timeout(20)
    page.mouse.up()
    return page.evaluate("window.__saDrag")[WARM_UP:]


def measure(site: Path = SITE) -> dict:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "src"))
    from selfattention.widgets import SoftmaxExplorer

    if not (site / PAGE).exists():
        raise SystemExit(f"no {PAGE} in {site}: run `make book` first")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    eight = SoftmaxExplorer(tokens=["I", "love", "Apple", "phones", "and", "apple", "juice", "too"],
                            scores=[0.5, 1.0, 3.0, 6.0, -1.0, 2.0, 4.0, 0.0]).page_state()
    values = [(-2.0 if i % 2 else 4.5) + 0.1 * (i % 7) for i in range(WARM_UP + CHANGES)]
    script_bytes: dict[str, int] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", lambda route: route.continue_()
                       if route.request.url.startswith(base) else route.abort())

            def on_response(response):
                if "/_static/sa-widgets/" in response.url:
                    script_bytes[response.url.split("/")[-1].split("?")[0]] = len(response.body())

            page.on("response", on_response)
            page.goto(f"{base}/{PAGE}", wait_until="networkidle")
            page.wait_for_selector(".sa-live-widget[data-sa-live=mounted]", timeout=20_000)
            page.locator(".sa-live-widget").first.scroll_into_view_if_needed()
            results = {}
            for label, index in (("3 tokens", 0), ("8 tokens", None)):
                if index is None:
                    index = page.evaluate(MOUNT_8_JS, [eight])
                widget = page.locator(".sa-live-widget").nth(index)
                widget.scroll_into_view_if_needed()
                timed = page.evaluate(MEASURE_JS, [index, values])
                results[label] = {
                    "frame": _summary(timed["frames"][WARM_UP:]),
                    "handler": _summary(timed["handlers"][WARM_UP:]),
                    "drag": _summary(_drag(page, widget, index)),
                    "n": len(timed["frames"]) - WARM_UP,
                }
            browser.close()
    finally:
        server.shutdown()
    return {"results": results, "script_bytes": script_bytes}


def main(site: Path = SITE) -> dict:
    measured = measure(site)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print("Live widget on the website (chapter 4's softmax explorer, chromium, no kernel; "
          f"load average {load} on {os.cpu_count()} CPUs: timings are noisy on a busy machine)")
    for label, r in measured["results"].items():
        frame, drag, handler = r["frame"], r["drag"], r["handler"]
        ok = frame["median_ms"] <= TARGET_MEDIAN_MS and frame["p90_ms"] <= TARGET_P90_MS
        print(f"  {label}, {r['n']} moves: input to rendered frame median {frame['median_ms']:5.1f} ms, "
              f"p90 {frame['p90_ms']:5.1f} ms ({'within' if ok else 'OVER'} target "
              f"{TARGET_MEDIAN_MS:.0f} / {TARGET_P90_MS:.0f} ms)")
        print(f"  {'':8}  real mouse drag, pointermove to rendered frame: median "
              f"{drag['median_ms']:5.1f} ms, p90 {drag['p90_ms']:5.1f} ms")
        print(f"  {'':8}  the widget's handler alone: median {handler['median_ms']:.2f} ms, "
              f"p90 {handler['p90_ms']:.2f} ms")
    total = sum(measured["script_bytes"].values())
    files = ", ".join(f"{name} {size / 1000:.1f} kB"
                      for name, size in sorted(measured["script_bytes"].items()))
    print(f"  widget scripts loaded by the page: {total / 1000:.1f} kB "
          f"(target <= {TARGET_BYTES / 1000:.0f} kB): {files}")
    eight = measured["results"]["8 tokens"]
    return {"median_ms": eight["frame"]["median_ms"], "p90_ms": eight["frame"]["p90_ms"],
            "drag_median_ms": eight["drag"]["median_ms"], "drag_p90_ms": eight["drag"]["p90_ms"],
            "script_bytes": total}


if __name__ == "__main__":
    main()
