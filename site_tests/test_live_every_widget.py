"""What every live widget on the website must do, whatever it shows.

For each chapter page, offline, for each widget the site's host mounted:
* every control has an accessible name, and no label or button text is cut off;
* no text is drawn smaller than 10 px (SVG text at its rendered size) at the page's
  width, and the widget does not scroll sideways;
* bad input in its first number box (letters) gives a red "Not applied" message, the
  widget keeps its last good state, and putting back a good value clears the message;
* the page logs no console errors.
The widget-specific tests (test_live_<name>.py) check the numbers against the package.
"""

from __future__ import annotations

import pytest

from conftest import SITE, load_page, page_errors

CHAPTER_PAGES = sorted(p.relative_to(SITE).as_posix() for p in (SITE / "chapters").glob("*.html"))
MIN_TEXT_PX = 10.0


def _live_pages():
    return [p for p in CHAPTER_PAGES if 'class="sa-live-widget"' in (SITE / p).read_text()]


@pytest.fixture(params=_live_pages() or [None])
def page_with_widgets(request, browser, site_url):
    if request.param is None:
        pytest.skip("no page has a live widget")
    loaded = load_page(browser, site_url, request.param)
    loaded.page.wait_for_function(
        "() => [...document.querySelectorAll('.sa-live-widget')].every(w => w.dataset.saLive)",
        timeout=20_000)
    yield request.param, loaded
    loaded.page.context.close()



def test_every_widget_mounts_without_console_errors(page_with_widgets):
    path, loaded = page_with_widgets
    states = loaded.page.eval_on_selector_all(".sa-live-widget", "ws => ws.map(w => w.dataset.saLive)")
    assert states and all(s == "mounted" for s in states), f"{path}: {states}"
    assert page_errors(loaded) == [], path


def test_every_control_is_named_and_no_label_is_cut_off(page_with_widgets):
    path, loaded = page_with_widgets
    problems = loaded.page.evaluate(
        """() => {
          const out = [];
          for (const root of document.querySelectorAll('.sa-live')) {
            for (const c of root.querySelectorAll('input, select, button, textarea')) {
              const labelled = c.getAttribute('aria-label') || c.getAttribute('aria-labelledby')
                || (c.id && root.querySelector(`label[for="${c.id}"]`)) || c.closest('label')
                || (c.tagName === 'BUTTON' && c.textContent.trim());
              if (!labelled) out.push(`unnamed ${c.tagName.toLowerCase()} ${c.outerHTML.slice(0, 80)}`);
            }
            for (const t of root.querySelectorAll('label, button, legend, th, .sa-title')) {
              if (t.offsetParent !== null && t.scrollWidth > t.clientWidth + 1
                  && getComputedStyle(t).overflow !== 'visible') {
                out.push(`cut off: "${t.textContent.trim()}"`);
              }
            }
          }
          return out;
        }""")
    assert problems == [], f"{path}: {problems}"


def test_no_text_under_10_px_and_no_sideways_scrolling(page_with_widgets):
    path, loaded = page_with_widgets
    found = loaded.page.evaluate(
        """(minimum) => {
          const small = [], wide = [];
          for (const root of document.querySelectorAll('.sa-live')) {
            if (root.scrollWidth > root.clientWidth + 1) {
              wide.push(`${root.closest('.sa-live-widget').dataset.saWidget}: ${root.scrollWidth} > ${root.clientWidth}`);
            }
            for (const svg of root.querySelectorAll('svg')) {
              const box = svg.viewBox.baseVal;
              const scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
              for (const t of svg.querySelectorAll('text')) {
                if (!t.textContent.trim()) continue;
                const size = parseFloat(getComputedStyle(t).fontSize) * scale;
                if (size < minimum - 0.05) small.push(`svg "${t.textContent.trim().slice(0, 30)}" ${size.toFixed(1)} px`);
              }
            }
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              const el = n.parentElement;
              if (!n.textContent.trim() || el.closest('svg') || el.offsetParent === null) continue;
              const size = parseFloat(getComputedStyle(el).fontSize);
              if (size < minimum - 0.05) small.push(`"${n.textContent.trim().slice(0, 30)}" ${size} px`);
            }
          }
          return {small, wide};
        }""", MIN_TEXT_PX)
    assert found["wide"] == [], f"{path}: widgets that scroll sideways: {found['wide']}"
    assert found["small"] == [], f"{path}: text under {MIN_TEXT_PX} px: {found['small'][:10]}"


def test_letters_in_a_number_box_give_a_message_and_the_widget_recovers(page_with_widgets):
    path, loaded = page_with_widgets
    page = loaded.page
    widgets = page.locator(".sa-live")
    tried = 0
    for i in range(widgets.count()):
        root = widgets.nth(i)
        boxes = root.locator("input.sa-number")
        if boxes.count() == 0:
            continue
        tried += 1
        box = boxes.first
        good = box.input_value()
        before = root.locator(".sa-figure, .sa-table-holder").all_inner_texts()
        box.fill("abc")
        box.press("Enter")
        message = root.locator(".sa-message")
        assert "Not applied" in message.inner_text(), f"{path}: widget {i}"
        assert message.get_attribute("role") == "alert"
        assert root.locator(".sa-figure, .sa-table-holder").all_inner_texts() == before
        box.fill(good)
        box.press("Enter")
        assert message.inner_text().strip() == "", f"{path}: widget {i}: the message stayed"
    if tried == 0:
        pytest.skip(f"{path}: no widget with a number box")
    assert page_errors(loaded) == [], path
