"""Fixtures for the browser tests of the built website.

The site in ``_build/html`` is served on localhost by a thread of this process,
and Debian's Chromium, driven by Playwright, loads every page. Every request
that leaves localhost is blocked and recorded: the site must work offline.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Logged on every page by Jupyter Book 1 itself; see shared/TECH-NOTES.md.
KNOWN_CONSOLE_ERRORS = (
    "Identifier 'THEBE_JS_URL' has already been declared",
    "Got invalid theme mode",
)

@dataclass
class LoadedPage:
    page: object
    errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def load_page(browser, site_url: str, path: str, scheme: str = "light") -> LoadedPage:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    loaded = LoadedPage(page)

    def route(route):
        url = route.request.url
        if url.startswith(site_url) or url.startswith("data:"):
            route.continue_()
        else:
            loaded.external.append(url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and loaded.errors.append(m.text))
    page.on("pageerror", lambda e: loaded.errors.append(str(e)))
    page.on("requestfailed", lambda r: r.url.startswith(site_url) and loaded.failed.append(r.url))
    page.goto(f"{site_url}/{path}", wait_until="load")
    # mermaid and MathJax render after load: wait until every diagram and formula is done.
    page.wait_for_function(
        """() => [...document.querySelectorAll('pre.mermaid')].every(d => d.querySelector('svg'))
              && [...document.querySelectorAll('.math')].every(m => m.querySelector('mjx-container')
                                                                || m.tagName === 'MJX-CONTAINER')""",
        timeout=20_000,
    )
    return loaded


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


@pytest.fixture(scope="session")
def site_url():
    if not (SITE / "index.html").exists():
        pytest.exit("no built site in _build/html: run `make book` first", returncode=1)
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.exit(f"{CHROMIUM} is missing: install Debian's chromium package", returncode=1)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(root: Path, cells: list[str], name: str):
    """JupyterLab on localhost over a scratch notebook ``root/name`` of ``cells``.

    Yields the server's base URL; the server is stopped on exit. The package is
    imported from this checkout's ``src/``; nothing in ``chapters/`` is touched.
    """
    write_notebook(root / name, cells)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password=",
         "--allow-root", f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
         "--ServerApp.disable_check_xsrf=True"],  # the tests call the REST API too
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api", timeout=2)
                break
            except OSError:
                if time.time() > deadline:
                    pytest.fail("JupyterLab did not start")
                time.sleep(0.5)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def write_notebook(path: Path, cells: list[str]) -> None:
    """A notebook of code ``cells`` (not run) at ``path``, for JupyterLab to open."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(cell) for cell in cells]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, path)


@dataclass
class Lab:
    """One JupyterLab server for the whole test session, over a scratch folder."""

    base: str
    root: Path

    def notebook(self, name: str, cells: list[str]) -> str:
        """Write a scratch notebook of ``cells`` and return the URL that opens it.

        Each notebook opens in a fresh workspace of its own, so the page holds that
        notebook alone (not the ones earlier tests opened).
        """
        write_notebook(self.root / name, cells)
        return f"{self.base}/lab/workspaces/{Path(name).stem}/tree/{name}?reset"


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    """JupyterLab, started once: each widget's Lab test opens its own notebook in it."""
    root = tmp_path_factory.mktemp("lab")
    with jupyterlab(root, [""], "scratch.ipynb") as base:
        yield Lab(base, root)


def open_in_lab(browser, url: str):
    """Open a notebook in JupyterLab, wait for its kernel, and select its first cell.

    Returns the page and the list the page's uncaught errors are collected in. Cells
    are then run one by one with Shift+Enter.
    """
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector(".jp-Notebook", timeout=90_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
    time.sleep(1)
    page.locator(".jp-Cell").first.click()
    return page, errors


def show_widget(page, selector: str, name: str, attempts: int = 3) -> None:
    """Run the notebook's first cell (the widget's) and wait for ``selector`` to appear.

    On a loaded machine a first run can be lost to a kernel still starting, so it is
    tried ``attempts`` times. A screenshot of the last failure is kept in
    ``_build/lab-<name>-failure.png``.
    """
    for attempt in range(attempts):
        page.locator(".jp-Cell").first.click()
        page.keyboard.press("Shift+Enter")
        try:
            page.wait_for_selector(selector, timeout=60_000)
            return
        except Exception:
            page.screenshot(path=str(ROOT / "_build" / f"lab-{name}-failure.png"))
            if attempt == attempts - 1:
                raise


def run_report(page, text: str, cell: int = 1) -> None:
    """Run cell ``cell`` (a print of the kernel's state) and wait until ``text`` is printed."""
    page.locator(".jp-Cell").nth(cell).click()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        "(text) => [...document.querySelectorAll('.jp-OutputArea-output')]"
        ".some(o => o.textContent.includes(text))", arg=text, timeout=60_000)


# -- numbers in the prose: {eval}`f"{glued.NAME:SPEC}"` roles and what the build glued --

ROLE = re.compile(r"\{eval\}`([^`]*)`")
CACHE = ROOT / ".jupyter_cache"


def eval_roles(path):
    """(markdown cell index, expression) for each {eval} role, in reading order."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(i, m.group(1)) for i, cell in enumerate(cells) if cell["cell_type"] == "markdown"
            for m in ROLE.finditer("".join(cell["source"]))]


def executed_notebook(path):
    """The notebook as the book build ran it, with its glue outputs (the execution cache)."""
    import nbformat
    from jupyter_cache import get_cache

    if not CACHE.exists():
        pytest.skip("no execution cache: run make book first")
    cache = get_cache(str(CACHE))
    try:
        record = cache.match_cache_notebook(nbformat.read(path, as_version=4))
    except KeyError:
        pytest.fail(f"{path.name} is not in the execution cache: run make book again")
    return cache.get_cache_bundle(record.pk).nb


def glued_values(path):
    """name -> (index of the code cell that glued it, its text/plain), from the run notebook."""
    glued = {}
    for i, cell in enumerate(executed_notebook(path).cells):
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook")
            if record:
                text = output["data"][record.get("mime_prefix", "") + "text/plain"]
                glued.setdefault(record["name"], (i, text))
    return glued


# -- a live widget's page on the built site ------------------------------------------------


def live_page(browser, site_url: str, path: str, selector: str):
    """Load ``path``, wait for the widget ``selector`` to mount, scroll to it; close after.

    A generator for fixtures: ``yield from live_page(browser, site_url, PAGE, SELECTOR)``.
    """
    loaded = load_page(browser, site_url, path)
    loaded.page.wait_for_selector(f"{selector}[data-sa-live]", timeout=10_000)
    loaded.page.locator(selector).scroll_into_view_if_needed()
    yield loaded
    loaded.page.context.close()


def page_errors(loaded) -> list[str]:
    """The page's console errors and uncaught exceptions, less the known harmless ones."""
    return [e for e in loaded.errors if not any(k in e for k in KNOWN_CONSOLE_ERRORS)]
