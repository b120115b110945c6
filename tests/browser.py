"""How the browser tests and `make docs` start Debian's Chromium (browsers cannot be downloaded
here): its path and the flags that keep it off this machine's closed network; and the checks
every page on a phone must pass (no sideways scrolling, tap targets of 44 px)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# -- what every page on a phone must hold to --------------------------------------------------

LAYOUT = """(width) => {
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  // a box that scrolls sideways on purpose (.table-wrap): what is inside may be wider
  const scroller = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const x = getComputedStyle(a).overflowX;
      if (x === 'auto' || x === 'scroll') return a;
    }
    return null;
  };
  const past = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right <= width + 0.5 && box.left >= -0.5) continue;
    const s = scroller(el);
    if (s && s.getBoundingClientRect().right <= width + 0.5 && s.getBoundingClientRect().left >= -0.5) continue;
    past.push(describe(el) + ' [' + Math.round(box.left) + ', ' + Math.round(box.right) + ']');
  }
  return {
    width: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    bodyScrollWidth: document.body.scrollWidth,
    past: past.slice(0, 15),
  };
}"""

TAPPABLE = """() => {
  const small = [];
  const targets = 'a[href], button, select, textarea, summary, label[for], ' +
    'input:not([type=hidden]):not(.visually-hidden)';
  for (const el of document.querySelectorAll(targets)) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
    if (box.width < 43.5 || box.height < 43.5)
      small.push(el.tagName.toLowerCase() + ' "' + (el.innerText || el.value || '').trim().slice(0, 30) +
                 '" ' + Math.round(box.width) + '×' + Math.round(box.height));
  }
  return small;
}"""


def assert_fits(page, width: int = 390) -> None:
    page.evaluate("document.fonts.ready")
    layout = page.evaluate(LAYOUT, width)
    where = page.url
    assert layout["scrollWidth"] == width, f"{where}: the page scrolls sideways: {layout}"
    assert layout["width"] == width, f"{where}: the layout viewport grew: {layout}"
    assert layout["bodyScrollWidth"] <= width, f"{where}: {layout}"
    assert layout["past"] == [], f"{where}: elements reach past the right edge: {layout['past']}"


def assert_tappable(page) -> None:
    small = page.evaluate(TAPPABLE)
    assert small == [], f"{page.url}: tap targets under 44 px: {small}"


def assert_phone_page(page, width: int = 390) -> None:
    assert_fits(page, width)
    assert_tappable(page)


@contextlib.contextmanager
def launched() -> Iterator:
    """Debian's Chromium through Playwright, for a test module's `browser` fixture (skips the
    module when Chromium is missing)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} missing: run scripts/ensure-chromium.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
