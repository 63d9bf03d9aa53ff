"""Logos in a real browser: they load, they never move the page, and the partner finder's cards show them."""
from __future__ import annotations

import re

import pytest

from conftest import BASE

LAYOUT_SHIFT = """async () => {
  let total = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; })
    .observe({type: "layout-shift", buffered: true});
  for (let y = 0; y < document.body.scrollHeight; y += 300) {
    window.scrollTo(0, y);
    await new Promise(r => setTimeout(r, 40));
  }
  await Promise.all(Array.from(document.images).map(i => i.decode().catch(() => null)));
  await new Promise(r => setTimeout(r, 200));
  return total;
}"""

BROKEN = "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
BOXES = """Array.from(document.querySelectorAll('h1, h2, h3, p, li, img')).map(e => {
  const r = e.getBoundingClientRect();
  return [e.tagName, Math.round(r.x), Math.round(r.y + scrollY), Math.round(r.width), Math.round(r.height)];
})"""
PATHS = ["/", "/members/", "/members/granite-peak-it/", "/regions/ca/", "/vendors/",
         "/vendors/harborline-distribution/", "/events/smbtn-conference-2027/"]


@pytest.mark.parametrize("path", PATHS)
def test_every_box_is_where_it_ends_up_before_any_logo_arrives(browser, bundled, path):  # noqa: F811
    """The page laid out while every image is still on its way, and again once all have loaded: the same."""
    def layout(hold_images: bool) -> list:
        context = browser.new_context(viewport={"width": 390, "height": 800})
        pg = context.new_page()
        if hold_images:  # answered never: the browser lays the page out as it would on a slow line
            pg.route(re.compile(r"\.(webp|svg|png|jpe?g)$"), lambda route: None)
            pg.goto(bundled.url(path), wait_until="domcontentloaded")
            pg.wait_for_function("getComputedStyle(document.body).margin === '0px'")
        else:
            pg.goto(bundled.url(path))
            pg.evaluate("Promise.all(Array.from(document.images).map(i => { i.loading = 'eager'; return i.decode(); }))")
            assert pg.evaluate(BROKEN) == []
        boxes = pg.evaluate(BOXES)
        context.close()
        return boxes

    waiting, loaded = layout(True), layout(False)
    assert sum(1 for b in loaded if b[0] == "IMG") >= 1  # the header logo at least
    assert len(waiting) == len(loaded)
    # (a pixel of rounding: a scaled image's box is fractional, rounded one way or the other)
    moved = [(w, l) for w, l in zip(waiting, loaded)
             if w[0] != l[0] or max(abs(a - b) for a, b in zip(w[1:], l[1:])) > 1]
    assert moved == []


@pytest.mark.parametrize("path", PATHS[:3])
def test_logos_load_without_layout_shift(page, bundled, path):  # noqa: F811
    page.goto(bundled.url(path))
    assert page.evaluate(LAYOUT_SHIFT) == 0
    assert page.evaluate(BROKEN) == []


def test_finder_cards_show_logos_and_monograms(page, bundled):  # noqa: F811
    page.goto(bundled.url("/partners/?specialty=cloud-migration"))
    page.wait_for_function("document.querySelectorAll('#finder-list > li').length > 2")
    cards = page.locator("#finder-list > li")
    with_logo = page.locator("#finder-list .card-logo img")
    assert with_logo.count() >= 1
    for i in range(with_logo.count()):
        img = with_logo.nth(i)
        assert img.get_attribute("src").startswith(BASE)
        assert img.get_attribute("width") and img.get_attribute("height")
        assert img.get_attribute("aria-hidden") == "true"
    assert page.locator("#finder-list .card-logo .monogram").count() == cards.count() - with_logo.count()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function(f"({BROKEN}).length === 0")
