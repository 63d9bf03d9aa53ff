"""The frame of every page in a real browser: the header and its menu button on a phone
(with and without JavaScript), site search under the base path, the footer at the
bottom of short pages, and what a printed page shows."""
from __future__ import annotations

import pytest

from conftest import AS_OF, SITE_YAML, base_files, write_files
from smbsite import api
from conftest import BASE, Served, axe_violations, need_axe

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NAV_LINKS = "header nav a"


def visual_rows(boxes: list[dict]) -> int:
    """How many rows the boxes sit in: boxes that overlap vertically share a row."""
    rows: list[tuple[float, float]] = []
    for b in sorted(boxes, key=lambda b: b["y"]):
        top, bottom = b["y"], b["y"] + b["height"]
        for i, (t, btm) in enumerate(rows):
            if top < btm - 1 and bottom > t + 1:
                rows[i] = (min(t, top), max(btm, bottom))
                break
        else:
            rows.append((top, bottom))
    return len(rows)


def header_items(pg) -> list[dict]:
    return pg.evaluate("""() => [...document.querySelectorAll('.site-header .bar > *')]
        .map(e => e.tagName === 'DETAILS' ? e.querySelector('summary') : e)
        .filter(e => e.getClientRects().length && getComputedStyle(e).display !== 'none')
        .map(e => { const r = e.getBoundingClientRect(); return {y: r.y, height: r.height, x: r.x, w: r.width}; })""")


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def phone(browser, request):  # noqa: F811
    context = browser.new_context(viewport=PHONE, java_script_enabled=request.param, is_mobile=True, has_touch=True)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", "/members/", "/members/coastline-cabling-co/", "/join/", "/search/"])
def test_phone_header_takes_at_most_two_rows(phone, bundled, path):  # noqa: F811
    phone.goto(bundled.url(path))
    assert visual_rows(header_items(phone)) <= 2
    height = phone.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
    assert height <= 130
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.browser
def test_phone_menu_button_reveals_every_destination_without_javascript(phone, bundled):  # noqa: F811
    phone.goto(bundled.url("/members/"))
    links = phone.locator(NAV_LINKS)
    labels = [links.nth(i).text_content() for i in range(links.count())]
    assert {"Members", "Find an IT provider", "Vendor benefits", "Events", "Radio", "News", "About the network",
            "Join the network"} <= set(labels)
    assert not any(links.nth(i).is_visible() for i in range(links.count())), "the menu starts closed"
    button = phone.locator("summary", has_text="Menu")
    assert button.is_visible()
    box = button.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, "a comfortable touch target"
    button.click()
    for i in range(links.count()):
        link = links.nth(i)
        assert link.is_visible(), labels[i]
        b = link.bounding_box()
        assert b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"], labels[i]
    phone.locator(NAV_LINKS, has_text="Join the network").click()
    assert phone.url == bundled.url("/join/")
    button = phone.locator("summary", has_text="Menu")
    button.click()
    button.click()
    assert not phone.locator(NAV_LINKS, has_text="Members").is_visible(), "a second press closes it"


@pytest.mark.browser
def test_phone_menu_is_reachable_and_operable_by_keyboard(browser, bundled):  # noqa: F811
    context = browser.new_context(viewport=PHONE)
    pg = context.new_page()
    pg.goto(bundled.url("/"))
    for _ in range(6):
        pg.keyboard.press("Tab")
        if pg.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert pg.evaluate("document.activeElement.textContent.trim()") == "Menu"
    assert pg.evaluate("document.activeElement.closest('details').open") is False
    pg.keyboard.press("Enter")
    assert pg.evaluate("document.activeElement.closest('details').open") is True
    pg.keyboard.press("Tab")
    assert pg.evaluate("document.activeElement.textContent") == "Members"
    context.close()


@pytest.mark.browser
def test_wide_screens_show_the_navigation_inline_without_a_menu_button(browser, bundled):  # noqa: F811
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    pg = context.new_page()
    pg.goto(bundled.url("/vendors/"))
    assert not pg.locator("summary", has_text="Menu").is_visible()
    links = pg.locator(NAV_LINKS)
    assert links.count() >= 8 and all(links.nth(i).is_visible() for i in range(links.count()))
    main_nav = pg.locator("nav[aria-label=Main] a")
    tops = {round(main_nav.nth(i).bounding_box()["y"]) for i in range(main_nav.count())}
    assert len(tops) == 1, "the main navigation is one line"
    assert pg.locator(".site-search input").is_visible()
    context.close()


@pytest.mark.browser
def test_opened_menu_and_search_page_pass_axe(browser, bundled):  # noqa: F811
    axe = need_axe()
    found = []
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport=PHONE, color_scheme=scheme)
        pg = context.new_page()
        pg.goto(bundled.url("/members/"))
        pg.locator("summary", has_text="Menu").click()
        for path in (None, "/search/?q=cabling"):
            if path:
                pg.goto(bundled.url(path))
                pg.wait_for_selector("#search-results li")
            found += axe_violations(pg, axe, f"{scheme} {path}")
        context.close()
    assert found == []


# --- search ------------------------------------------------------------------------------------

@pytest.mark.browser
def test_searching_a_member_name_from_the_header_finds_its_page_under_the_base_path(browser, bundled):  # noqa: F811
    context = browser.new_context(viewport=DESKTOP)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(bundled.url("/events/"))
    pg.fill(".site-search input", "Wasatch Wireless")
    pg.press(".site-search input", "Enter")
    pg.wait_for_url("**/smbtn/search/?q=Wasatch+Wireless")
    pg.wait_for_selector("#search-results li")
    first = pg.locator("#search-results li a").first
    assert first.text_content() == "Wasatch Wireless"
    assert first.get_attribute("href") == BASE + "members/wasatch-wireless/"
    assert "found for" in pg.locator("#search-status").text_content()
    first.click()
    pg.wait_for_url(bundled.url("/members/wasatch-wireless/"))
    assert pg.locator("h1").text_content() == "Wasatch Wireless"
    pg.goto(bundled.url("/search/?q=zzyzxnothing"))
    pg.wait_for_function("document.getElementById('search-status').textContent.startsWith('Nothing')")
    context.close()
    assert errors == []


@pytest.mark.browser
def test_search_results_show_what_members_wrote_as_text(browser, tmp_path):  # noqa: F811
    member = """\
name: Tagged Text Co
summary: Zebrawood cabling & <b>bold</b> "claims" for offices.
joined: 2024-05-01
city: Fresno
state: CA
specialties: [cabling]
description: Zebrawood racks <img src=x onerror="document.title='pwned'"> & more.
"""
    site = tmp_path / "site"
    write_files(site, {**base_files(), "site.yaml": SITE_YAML + "search: true\n",
                       "members/tagged-text-co.yaml": member})
    root = tmp_path / "root"
    result = api.build(site, root / "net", as_of=AS_OF)
    assert result.ok, [p.text() for p in result.problems]
    served = Served(root)
    try:
        context = browser.new_context(viewport=DESKTOP)
        pg = context.new_page()
        pg.goto(served.origin + "/net/search/?q=zebrawood")
        pg.wait_for_selector("#search-results li")
        item = pg.locator("#search-results li").first
        assert item.locator("a").get_attribute("href") == "/net/members/tagged-text-co/"
        excerpt = item.locator("p").text_content()
        assert "<b>bold</b>" in excerpt or "<img src=x" in excerpt, excerpt
        assert item.locator("b, img").count() == 0
        assert item.locator("mark").first.text_content().lower() == "zebrawood"
        assert pg.title() != "pwned"
        context.close()
    finally:
        served.stop()


@pytest.mark.browser
def test_search_page_without_javascript_says_so_and_offers_browsing(browser, bundled):  # noqa: F811
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    pg = context.new_page()
    pg.goto(bundled.url("/"))
    pg.fill(".site-search input", "cabling")
    pg.press(".site-search input", "Enter")
    pg.wait_for_url("**/search/?q=cabling")
    body = pg.locator("main").text_content()
    assert "needs JavaScript" in body
    assert pg.locator("main a", has_text="member directory").get_attribute("href") == BASE + "members/"
    context.close()


# --- footer and print ----------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_footer_sits_at_the_bottom_of_a_short_page(browser, bundled, viewport):  # noqa: F811
    context = browser.new_context(viewport=viewport)
    pg = context.new_page()
    pg.goto(bundled.url("/404.html"))
    footer = pg.locator("footer.site-footer").bounding_box()
    doc_height = pg.evaluate("document.documentElement.scrollHeight")
    assert abs(footer["y"] + footer["height"] - viewport["height"]) <= 1, "no blank band under the footer"
    assert doc_height <= viewport["height"] + 1
    context.close()


@pytest.mark.browser
def test_printed_member_page_shows_each_address_once_and_no_navigation(browser, bundled):  # noqa: F811
    context = browser.new_context(viewport=DESKTOP)
    pg = context.new_page()
    pg.goto(bundled.url("/members/coastline-cabling-co/"))
    pg.emulate_media(media="print")
    for selector in ("nav[aria-label=Main]", "nav[aria-label='About the association']", ".site-search",
                     "summary", "nav[aria-label=Breadcrumb]", "footer nav", "footer .feeds"):
        assert not pg.locator(selector).first.is_visible(), selector
    assert pg.locator("h1").is_visible() and pg.locator("footer address").is_visible()
    # what the print stylesheet adds after each link
    added = pg.evaluate("""() => [...document.querySelectorAll('a')].filter(a => a.getClientRects().length)
        .map(a => [a.getAttribute('href'), a.textContent.trim(), getComputedStyle(a, '::after').content])""")
    printed = []
    for href, text, after in added:
        extra = "" if after in ("none", "normal") else after.strip('"')
        assert "mailto:" not in extra and "tel:" not in extra, (href, extra)
        printed.append(text + extra)
    website = [h for h, _, _ in added if h.startswith("https://")]
    assert website, "the fixture member has a website"
    for url in website:
        assert sum(p.count(url) for p in printed) == 1, url
    context.close()
