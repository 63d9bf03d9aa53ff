"""Logos in a real browser: they load, they never move the page, and the partner finder's cards show them."""
from __future__ import annotations

import pytest

from test_browser import BASE, browser, bundled, page  # noqa: F401 (fixtures)

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


@pytest.mark.parametrize("path", ["/", "/members/", "/members/granite-peak-it/", "/regions/ca/", "/vendors/",
                                  "/vendors/harborline-distribution/", "/events/smbtn-conference-2027/"])
def test_logos_load_and_nothing_moves_while_they_do(page, bundled, path):  # noqa: F811
    page.goto(bundled.url(path))
    assert page.evaluate(LAYOUT_SHIFT) == 0
    assert page.evaluate(BROKEN) == []
    assert page.locator("img").count() >= 1  # the header logo at least


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
