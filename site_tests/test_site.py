"""Every page of the built site, loaded in a real browser with no internet.

For each page: no console errors (but two known, harmless ones), no request
leaves localhost, maths rendered by MathJax, every mermaid diagram drawn as
SVG, every image loaded and described by alt text, and on chapter pages the
Binder and Colab launch links point at that chapter's notebook, and each
widget is either live (mounted by the site's own host script) or shows its
static snapshot; no frozen copy of a kernel widget. The live widgets are tested
in depth in test_live_widgets.py.
A full-page screenshot of each page, light and dark, goes to _build/screenshots/.
"""

from __future__ import annotations

import re

import pytest

from conftest import KNOWN_CONSOLE_ERRORS, ROOT, SITE, LoadedPage, load_page

PAGES = sorted(
    str(path.relative_to(SITE))
    for path in SITE.rglob("*.html")
    if path.name not in {"genindex.html", "search.html"} and "_static" not in path.parts
)
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb"))


def _shot_name(path: str, scheme: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", path.removesuffix(".html")) + f"-{scheme}.png"


@pytest.fixture(scope="session")
def page_cache(browser):
    cache: dict[str, LoadedPage] = {}
    yield cache
    for result in cache.values():
        result.page.context.close()


@pytest.fixture(params=PAGES)
def loaded(request, browser, site_url, screenshots, page_cache):
    """Each page is loaded once, screenshotted, and shared by every check on it."""
    path = request.param
    if path not in page_cache:
        page_cache[path] = load_page(browser, site_url, path)
        page_cache[path].page.screenshot(path=screenshots / _shot_name(path, "light"), full_page=True)
    return path, page_cache[path]


def test_there_is_a_page_per_chapter():
    assert CHAPTERS and all(f"chapters/{c}.html" in PAGES for c in CHAPTERS)
    assert "intro.html" in PAGES


def test_no_console_errors_and_nothing_from_the_internet(loaded):
    path, result = loaded
    errors = [e for e in result.errors if not any(k in e for k in KNOWN_CONSOLE_ERRORS)]
    assert errors == [], f"{path}: console errors"
    assert result.external == [], f"{path}: requests leaving localhost"
    assert result.failed == [], f"{path}: local requests that failed"


def test_math_is_rendered(loaded):
    path, result = loaded
    page = result.page
    formulas = page.locator(".math").count()
    if "chapters/" in path or path == "intro.html":
        assert formulas > 0, f"{path}: expected some maths"
    assert page.locator("mjx-container").count() >= formulas
    assert page.locator("mjx-merror, .MathJax_Error").count() == 0, f"{path}: a formula failed"


def test_diagrams_are_svg(loaded):
    path, result = loaded
    page = result.page
    diagrams = page.locator("pre.mermaid")
    assert page.locator("pre.mermaid > svg").count() == diagrams.count()
    if path == "intro.html":
        assert diagrams.count() >= 1, "the book map is missing"
    for i in range(diagrams.count()):
        box = diagrams.nth(i).locator("svg").bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50, f"{path}: diagram {i} is empty"


def test_every_image_loads_and_has_alt_text(loaded):
    path, result = loaded
    images = result.page.evaluate(
        """() => [...document.querySelectorAll('article img')].map(
              i => ({src: i.src.slice(0, 80), ok: i.complete && i.naturalWidth > 0,
                     alt: (i.getAttribute('alt') || '').trim()}))"""
    )
    assert all(i["ok"] for i in images), f"{path}: images not loaded: {[i['src'] for i in images if not i['ok']]}"
    assert all(len(i["alt"]) > 10 for i in images), f"{path}: images without alt text: {images}"


def test_code_and_printed_output_fit_the_column(loaded):
    # No sideways scrolling: code wraps at 88 characters, and the stylesheet sizes
    # code so that 88 characters fit the column at the page's width (1280 px).
    path, result = loaded
    wide = result.page.evaluate(
        """() => [...document.querySelectorAll('article pre')]
              .filter(p => p.offsetParent !== null && !p.classList.contains('mermaid'))
              .filter(p => p.scrollWidth > p.clientWidth + 1)
              .map(p => p.textContent.split('\\n').reduce((a, b) => a.length > b.length ? a : b))"""
    )
    assert not wide, f"{path}: blocks that scroll sideways, longest lines: {wide}"


def test_tables_fit_the_column(loaded):
    # A table wider than the column scrolls sideways inside it, its last columns hidden
    path, result = loaded
    wide = result.page.evaluate(
        """() => {
              const column = (t) => {
                const article = t.closest('article'), style = getComputedStyle(article);
                return article.clientWidth - parseFloat(style.paddingLeft)
                  - parseFloat(style.paddingRight);
              };
              return [...document.querySelectorAll('article table')]
                .filter(t => t.offsetParent !== null)
                .filter(t => t.getBoundingClientRect().width > column(t) + 1)
                .map(t => (t.caption ? t.caption.textContent : t.textContent).slice(0, 80));
            }"""
    )
    assert not wide, f"{path}: tables wider than the column: {wide}"


def test_chapter_launch_links_point_at_its_notebook(loaded):
    path, result = loaded
    if not path.startswith("chapters/"):
        pytest.skip("not a chapter")
    notebook = path.removesuffix(".html") + ".ipynb"
    hrefs = result.page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.href)")
    binder = [h for h in hrefs if "mybinder.org" in h]
    colab = [h for h in hrefs if "colab.research.google.com" in h]
    assert binder and all(h.endswith(f"urlpath=lab/tree/{notebook}") for h in binder), binder
    assert colab and all(h.endswith(notebook) for h in colab), colab


def test_widgets_are_live_or_show_their_snapshot_and_nothing_is_frozen(loaded):
    path, result = loaded
    if not path.startswith("chapters/"):
        pytest.skip("not a chapter")
    page = result.page
    snapshots = page.locator("figure.sa-widget-snapshot")
    live = page.locator(".sa-live-widget")
    assert snapshots.count() + live.count() >= 1, f"{path}: every chapter has at least one widget"
    # a widget not yet rebuilt on the live base shows its snapshot, which says how to go live
    for i in range(snapshots.count()):
        assert "make lab" in snapshots.nth(i).inner_text()
    # a live widget has mounted, in place of its snapshot
    page.wait_for_function(
        "() => [...document.querySelectorAll('.sa-live-widget')].every(w => w.dataset.saLive)")
    for i in range(live.count()):
        widget = live.nth(i)
        assert widget.get_attribute("data-sa-live") == "mounted", f"{path}: widget {i}"
        assert widget.locator("figure.sa-widget-snapshot").is_hidden()
    # no frozen ipywidgets copy, no widget manager, no saved widget state
    frozen = page.locator(".jupyter-widgets, .widget-slider, script[type*='widget-view'], "
                          "script[type*='widget-state']")
    assert frozen.count() == 0, f"{path}: a frozen widget is on the page"
    # the host script is on the pages that need it, and only there
    hosts = page.locator("script[src*='sa-widgets/host.js']")
    assert hosts.count() == (1 if live.count() else 0), f"{path}: host scripts {hosts.count()}"


@pytest.mark.parametrize("path", PAGES)
def test_dark_mode_screenshot(browser, site_url, screenshots, path):
    result = load_page(browser, site_url, path, scheme="dark")
    page = result.page
    page.evaluate("() => document.documentElement.dataset.theme = 'dark'")
    page.wait_for_timeout(300)
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") != "rgb(255, 255, 255)"
    # mermaid draws dark diagrams itself; the theme's image inversion must not undo that
    filters = page.evaluate("() => [...document.querySelectorAll('pre.mermaid svg')].map(s => getComputedStyle(s).filter)")
    assert all(f == "none" for f in filters), f"{path}: diagrams are filtered in dark mode: {filters}"
    page.screenshot(path=screenshots / _shot_name(path, "dark"), full_page=True)
    page.context.close()
