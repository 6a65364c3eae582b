"""Widget round trips in JupyterLab, with a kernel, in a real browser (headless chromium).

Starts JupyterLab on localhost over a scratch notebook (nothing in chapters/ is touched)
that shows the softmax explorer with 8 tokens, and moves a score slider 40 times (after
5 warm-up moves), each move dispatched at the start of a frame. Two times per move:

* input to pixels: from the slider's `input` event until the browser has rendered the
  frame with the new bars. The front end computes what it shows itself, so the kernel is
  not in this path: this is what the reader waits for, in JupyterLab as on the website.
* input to kernel: from the same event until the kernel has applied the new state and
  recomputed the package's reference (`explorer.weights`), timed by the kernel's clock
  (the same machine's wall clock as the page's `performance.timeOrigin + now()`). It
  covers the message through the server, the check of every value, and softmax.

Target: input to pixels, median <= 30 ms. The kernel's times are reported beside it.
The server runs with the extension `make lab` enables (`selfattention_lab`: kernel
websockets without Nagle's delay).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CHANGES = 40
WARM_UP = 5
TARGET_MS = 30.0
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
NOTEBOOK = "round_trip.ipynb"
CELLS = [
    "import time\n"
    "from selfattention.widgets import SoftmaxExplorer\n"
    "explorer = SoftmaxExplorer(\n"
    "    tokens=['I', 'love', 'Apple', 'phones', 'and', 'apple', 'juice', 'too'],\n"
    "    scores=[0.5, 1.0, 3.0, 6.0, -1.0, 2.0, 4.0, 0.0])\n"
    "applied = []  # the kernel's wall-clock time (ms) once each front-end state is applied\n"
    "_apply = explorer.set_state\n"
    "def _timed(state):\n"
    "    _apply(state)\n"
    "    applied.append(time.time() * 1000)\n"
    "explorer.set_state = _timed\n"
    "explorer",
    "import json; print('APPLIED', json.dumps(applied))",
]

# Runs in the page: moves the first score slider through `values`, one move per frame
# start, waiting `gap` ms between moves so that each reaches the kernel on its own.
MEASURE_JS = """
async ([values, gap]) => {
  const root = document.querySelector('.sa-live');
  const slider = root.querySelector('input[type=range]');
  const label = root.querySelector('text.sa-bar-value');
  const frames = [], sent = [];
  for (const value of values) {
    const frame = await new Promise((resolve, reject) => requestAnimationFrame(() => {
      const before = label.textContent;
      const start = performance.now();
      sent.push(performance.timeOrigin + start);
      slider.value = String(value);
      slider.dispatchEvent(new Event('input', {bubbles: true}));
      if (label.textContent === before) reject(new Error('the bars did not change'));
      const channel = new MessageChannel();  // runs after this frame is rendered
      channel.port1.onmessage = () => resolve(performance.now() - start);
      channel.port2.postMessage(null);
    }));
    frames.push(frame);
    await new Promise((resolve) => setTimeout(resolve, gap));
  }
  return {frames, sent};
}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"JupyterLab did not start at {url}")


def _run_cell(page) -> None:
    page.keyboard.press("Shift+Enter")
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)


def measure() -> dict:
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp())
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(cell) for cell in CELLS]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, work / NOTEBOOK)
    port = _free_port()
    lab = subprocess.Popen(
        [str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password=",
         "--allow-root", f"--ServerApp.root_dir={work}", "--LabApp.news_url=None",
         "--ServerApp.jpserver_extensions={'selfattention_lab': True}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    values = [(-2.0 if i % 2 else 4.5) + 0.1 * (i % 7) for i in range(WARM_UP + CHANGES)]
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/api")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/lab/tree/{NOTEBOOK}")
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                                   timeout=90_000)
            time.sleep(1)
            page.locator(".jp-Cell").first.click()
            _run_cell(page)
            try:
                page.wait_for_selector(".sa-live svg[role=img]", timeout=120_000)
            except Exception:
                page.screenshot(path=str(work / "failure.png"))
                raise SystemExit(f"the explorer did not appear: see {work / 'failure.png'}") from None
            timed = page.evaluate(MEASURE_JS, [values, 150])
            time.sleep(1)
            _run_cell(page)
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jp-OutputArea-output')]"
                ".some(o => o.textContent.includes('APPLIED'))", timeout=60_000)
            text = page.locator(".jp-OutputArea-output", has_text="APPLIED").inner_text()
            applied = json.loads(text.split("APPLIED", 1)[1])
            browser.close()
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        lab.wait(timeout=30)
    if len(applied) != len(values):
        raise SystemExit(f"the kernel applied {len(applied)} states for {len(values)} moves")
    kernel = [done - sent for done, sent in zip(applied, timed["sent"])]
    return {"frames": timed["frames"][WARM_UP:], "kernel": kernel[WARM_UP:]}


def _summary(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), statistics.quantiles(times, n=10)[-1]


def main() -> dict:
    measured = measure()
    frame_median, frame_p90 = _summary(measured["frames"])
    kernel_median, kernel_p90 = _summary(measured["kernel"])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    verdict = "within" if frame_median <= TARGET_MS else "OVER"
    print(f"Widget round trip in JupyterLab + chromium (softmax explorer, 8 tokens, "
          f"{len(measured['frames'])} slider moves; load average {load})")
    print(f"  input to pixels:  median {frame_median:6.1f} ms   p90 {frame_p90:6.1f} ms   "
          f"(target median <= {TARGET_MS:.0f} ms: {verdict})")
    print(f"  input to kernel:  median {kernel_median:6.1f} ms   p90 {kernel_p90:6.1f} ms   "
          "(state applied and the package's weights recomputed)")
    return {"median_ms": frame_median, "p90_ms": frame_p90,
            "kernel_median_ms": kernel_median, "kernel_p90_ms": kernel_p90}


if __name__ == "__main__":
    main()
