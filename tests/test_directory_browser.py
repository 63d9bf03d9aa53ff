"""The member directory's name filter in a browser: over the cards of a whole
directory, and over the slim name index when the directory is split by letter."""
from __future__ import annotations

import json

import pytest

from conftest import Served, build_under_base
from conftest import big_site


def visible_names(pg) -> list[str]:
    return pg.locator("#directory > li:visible h3 a").all_inner_texts()


@pytest.mark.browser
def test_name_filter_hides_the_cards_whose_name_does_not_match(page, bundled):  # noqa: F811
    pg = page
    pg.goto(bundled.url("/members/"))
    everyone = visible_names(pg)
    assert len(everyone) == json.loads((bundled.out / "members.json").read_text())["count"]
    pg.evaluate("""() => { window.announced = [];
      new MutationObserver(() => window.announced.push(document.getElementById('name-filter-status').textContent))
        .observe(document.getElementById('name-filter-status'), {childList: true, characterData: true, subtree: true}); }""")
    pg.locator("#name-filter-q").press_sequentially("cab", delay=30)
    want = [n for n in everyone if "cab" in n.lower()]
    assert 1 < len(want) < len(everyone)
    pg.wait_for_function("n => document.querySelectorAll('#directory > li:not([hidden])').length === n", arg=len(want))
    assert visible_names(pg) == want
    # letter tabs make no sense among a few matches; the count is said once typing pauses
    assert not pg.locator("#directory .dir-h").first.is_visible()
    pg.wait_for_function("() => window.announced.length > 0")
    pg.wait_for_timeout(700)
    assert pg.evaluate("window.announced") == [f"{len(want)} members\u2019 names contain \u201ccab\u201d."]
    # accents and case do not matter
    pg.fill("#name-filter-q", "COASTLINE")
    pg.wait_for_function("() => document.querySelectorAll('#directory > li:not([hidden])').length === 1")
    assert visible_names(pg) == ["Coastline Cabling Co."]
    pg.fill("#name-filter-q", "zzz")
    pg.wait_for_function("() => !document.getElementById('directory-none').hidden")
    assert visible_names(pg) == []
    pg.fill("#name-filter-q", "")
    pg.wait_for_function("n => document.querySelectorAll('#directory > li:not([hidden])').length === n", arg=len(everyone))
    assert pg.locator("#directory .dir-h").first.is_visible() and not pg.locator("#directory-none").is_visible()


@pytest.mark.browser
def test_name_filter_is_hidden_without_javascript(browser, bundled):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(bundled.url("/members/"))
    assert not pg.locator("#name-filter").is_visible()
    assert pg.locator("#directory > li").first.is_visible()
    context.close()


@pytest.mark.browser
def test_name_filter_of_a_split_directory_searches_the_name_index(page, tmp_path):  # noqa: F811
    root, big = tmp_path / "root", tmp_path / "big"
    big_site(big, 400)
    out = build_under_base(big, root)
    index = (out / "members" / "index.json").read_bytes()
    assert len(index) < 40 * 400  # names and slugs only: what the filter needs
    served = Served(root)
    try:
        page.goto(served.url("/members/letter/b/"))
        page.fill("#name-filter-q", "systems 0012")
        page.wait_for_function("() => document.querySelectorAll('#name-filter-hits a').length > 0")
        hits = page.locator("#name-filter-hits a")
        names = hits.all_inner_texts()
        assert names and all("Systems 0012" in n for n in names)
        assert len(names) == len([i for i in range(400) if f"{i:05d}".startswith("0012")])
        requested = page.evaluate("performance.getEntriesByType('resource').map(r => r.name)")
        assert any(r.endswith("/members/index.json") for r in requested)
        assert not any(r.endswith("/members.json") for r in requested)
        hits.first.click()
        assert page.locator("h1").inner_text() == names[0]
    finally:
        served.stop()
