"""Touch and phones, and the finder without JavaScript, in Chromium: targets large enough to
tap with room around them (WCAG 2.2 target size), the finder's controls a full 44 px, its
results on the first screen, contact buttons under a member's summary, and a finder page
where nothing visible does nothing when scripts are off."""
from __future__ import annotations

import pytest

from conftest import axe_violations, need_axe

PHONE = {"width": 390, "height": 844}
PAGES = ["/", "/partners/", "/partners/cabling/", "/regions/ca/", "/regions/", "/members/",
         "/members/coastline-cabling-co/", "/vendors/", "/vendors/microsoft/", "/events/",
         "/events/smbtn-conference-2027/", "/join/", "/add-your-company/"]


@pytest.mark.browser
def test_every_target_is_large_enough_at_390_px_light_and_dark(browser, bundled):  # noqa: F811
    axe = need_axe()
    found = []
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport=PHONE, color_scheme=scheme, has_touch=True, is_mobile=True)
        pg = context.new_page()
        for path in PAGES:
            pg.goto(bundled.url(path))
            found += axe_violations(pg, axe, f"{scheme} {path}")
        context.close()
    assert found == []


@pytest.mark.browser
def test_finder_controls_are_44_px_and_results_start_on_the_first_screen(browser, bundled):  # noqa: F811
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    pg = context.new_page()
    pg.goto(bundled.url("/partners/"))
    for sel in ("#f-specialty", "#f-state", "#f-vendor", "#finder button[type=submit]"):
        box = pg.locator(sel).bounding_box()
        assert box["height"] >= 44, (sel, box)
    pg.wait_for_function("window.performance.getEntriesByType('resource').some(r => r.name.endsWith('members.json'))")
    pg.select_option("#f-specialty", "cabling")
    pg.wait_for_selector("#finder-list > li")
    first = pg.locator("#finder-list > li").first.bounding_box()
    assert first["y"] < PHONE["height"], first  # the first result shows without scrolling
    # every result card leads to its member's contact
    card = pg.locator("#finder-list > li").first
    assert card.locator(".contact-buttons a").count() >= 1
    context.close()


@pytest.mark.browser
def test_a_members_contact_buttons_follow_its_summary_on_a_phone(browser, bundled):  # noqa: F811
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    pg = context.new_page()
    pg.goto(bundled.url("/members/coastline-cabling-co/"))
    buttons = pg.locator("main .contact-buttons a")
    names = [t.split("\n")[0] for t in buttons.all_inner_texts()]
    assert [n.split()[0] for n in names] == ["Call", "Email", "Website"]
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert box["y"] + box["height"] < PHONE["height"], "contact is on the first screen"
        assert box["height"] >= 24 and box["width"] >= 24
    # the summary comes right before them, and no web address is written out to break mid-word
    assert pg.evaluate("document.querySelector('main .lead').nextElementSibling.className") == "contact-buttons"
    assert "https://" not in pg.locator("main").inner_text()
    context.close()


@pytest.mark.browser
def test_whole_cards_are_links_to_their_page(browser, bundled):  # noqa: F811
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    pg = context.new_page()
    pg.goto(bundled.url("/members/"))
    card = pg.locator("#directory > li.card").first
    href = card.locator(".card-title a").get_attribute("href")
    box = card.bounding_box()
    # a tap on the card's summary, away from its heading, tags and buttons, opens the member's page
    summary = card.locator("p:not(.meta)").first.bounding_box()
    pg.mouse.click(summary["x"] + 5, summary["y"] + summary["height"] / 2)
    pg.wait_for_url("**" + href)
    assert box["height"] > 0
    context.close()


@pytest.mark.browser
def test_without_javascript_the_finder_leads_to_the_static_pages_and_nothing_does_nothing(browser, bundled):  # noqa: F811
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    pg = context.new_page()
    pg.goto(bundled.url("/partners/?specialty=cabling&state=nv"))
    note = pg.locator("#finder-nojs")
    assert note.is_visible()
    # no select, button or status that could not work without scripts is shown
    for sel in ("#finder", "#finder-out", "#f-specialty", "#finder button"):
        assert not pg.locator(sel).is_visible(), sel
    assert pg.locator("main button:visible, main select:visible").count() == 0
    note.get_by_role("link", name="a specialty").click()
    assert pg.url.endswith("#by-specialty")
    pg.locator("#by-specialty").locator("xpath=..").get_by_role("link", name="Structured cabling").click()
    assert pg.url == bundled.url("/partners/cabling/")
    pg.goto(bundled.url("/partners/"))
    pg.locator("#finder-nojs").get_by_role("link", name="a state").click()
    assert pg.url.endswith("#by-state")
    context.close()
