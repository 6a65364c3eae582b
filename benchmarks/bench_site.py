"""Bytes each page of the built site transfers on first load, in a real browser.

Loads every page of _build/html in Debian's chromium with an empty cache and
adds up the bytes of every response. Shared assets (_static/: theme, MathJax,
mermaid) are counted apart from the page's own bytes (its HTML and images).
Target: each chapter page under 2 MB apart from shared assets.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
LIMIT = 2_000_000


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(site: Path):
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(site: Path = SITE) -> list[dict]:
    from playwright.sync_api import sync_playwright

    if not (site / "index.html").exists():
        raise SystemExit("no built site: run `make book` first")
    server = _serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    pages = sorted(p.relative_to(site).as_posix() for p in site.glob("**/*.html")
                   if p.name not in {"genindex.html", "search.html", "index.html"} and "_static" not in p.parts)
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for path in pages:
            context = browser.new_context()
            page = context.new_page()
            sizes = {"own": 0, "shared": 0}

            def on_response(response, sizes=sizes):
                if not response.url.startswith(base):
                    return
                try:
                    body = len(response.body())
                except Exception:  # redirects and aborted requests have no body
                    return
                sizes["shared" if "/_static/" in response.url else "own"] += body

            page.on("response", on_response)
            page.goto(f"{base}/{path}", wait_until="networkidle")
            page.wait_for_timeout(500)
            rows.append({"page": path, **sizes})
            context.close()
        browser.close()
    server.shutdown()
    print("Site weight on first load (empty cache)")
    print(f"  {'page':<40} {'own':>9} {'shared':>9}")
    for r in rows:
        verdict = "ok" if r["own"] <= LIMIT else "OVER 2 MB"
        print(f"  {r['page']:<40} {r['own'] / 1e6:7.2f} MB {r['shared'] / 1e6:7.2f} MB  {verdict}")
    return rows


if __name__ == "__main__":
    main()
