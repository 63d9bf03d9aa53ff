"""Searching the bundled site in Chromium: member pages first, a type label on every result,
and excerpts without monogram letters or repeated download links."""
from __future__ import annotations

import re

import pytest

from conftest import BASE

DESKTOP = {"width": 1280, "height": 900}


def results(browser, bundled, query: str) -> list[dict]:
    context = browser.new_context(viewport=DESKTOP)
    pg = context.new_page()
    pg.goto(bundled.url(f"/search/?q={query}"))
    pg.wait_for_function("document.getElementById('search-status').textContent.includes('found for')")
    found = pg.evaluate("""() => [...document.querySelectorAll('#search-results li')].map(li => ({
        type: (li.querySelector('.result-type') || {}).textContent,
        href: li.querySelector('a').getAttribute('href'),
        title: li.querySelector('a').textContent,
        excerpt: (li.querySelector('p') || {}).textContent || ''}))""")
    context.close()
    return found


@pytest.mark.browser
@pytest.mark.parametrize("name, slug", [("Front Range Voice and Data", "front-range-voice-data"),
                                        ("Coastline Cabling", "coastline-cabling-co"),
                                        ("Cascade Cloudworks", "cascade-cloudworks")])
def test_a_member_searched_by_name_comes_first_labelled_member(browser, bundled, name, slug):
    found = results(browser, bundled, name.replace(" ", "+"))
    assert found[0]["href"] == BASE + f"members/{slug}/" and found[0]["type"] == "Member"
    assert {r["type"] for r in found} <= {"Member", "Vendor", "Event", "News", "Page"}
    for r in found:  # no monogram glued to a name: "FRFront Range"
        assert not re.search(r"\b[A-Z]{2,3}" + re.escape(name.split()[0]), r["excerpt"]), r


@pytest.mark.browser
def test_episode_excerpts_name_the_download_once_at_most(browser, bundled):
    found = results(browser, bundled, "episode")
    assert any(r["type"] == "Event" for r in found)
    for r in found:
        assert r["excerpt"].count("Download the episode") <= 1, r
