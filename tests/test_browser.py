"""The built site in a real browser and a real validator.

Chromium (through Playwright) runs axe-core and uses the partner finder as a
visitor would; the W3C Nu checker validates every page. The tools come from
Debian (chromium, java) and npm (axe-core, vnu-jar; .ci/run installs them into
.ci/node). Locally a missing tool skips with the reason; with CI=true it fails.
"""
from __future__ import annotations

import json
import subprocess

import pytest

from conftest import (AS_OF, AXE_TAGS, BASE, REPO, Served, anywhere_only, build_under_base, expected, need_axe, need_vnu,
                      query, shown)
from smbsite import api
from conftest import CONTRAST_JS, big_site


# --- the site, served under its base path ----------------------------------------------------


# --- W3C Nu checker ------------------------------------------------------------------------------

@pytest.mark.validator
def test_nu_checker_finds_no_errors_on_any_page(tmp_path):
    vnu = need_vnu()
    out = tmp_path / "out"
    assert api.build(REPO, out, as_of=AS_OF).ok
    # pages only a large site has: letter pages with pagination, per-state partner pages
    big = tmp_path / "big"
    big_site(big, 700)
    big_out = tmp_path / "big-out"
    assert api.build(big, big_out, as_of=AS_OF).ok
    extra = [big_out / p for p in ("members/index.html", "members/letter/s/index.html",
                                   "members/letter/s/2/index.html", "partners/cabling/index.html",
                                   "partners/cabling/nv/index.html", "regions/nv/index.html")]
    assert all(f.is_file() for f in extra)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 100
    files = [*pages, *extra, out / "static" / "style.css"]
    res = subprocess.run([*vnu, "--errors-only", "--also-check-css", "--format", "json", "--exit-zero-always",
                          *map(str, files)],
                         capture_output=True, text=True, timeout=600)
    report = json.loads(res.stderr or res.stdout)
    errors = [f"{m.get('url', '').split(str(tmp_path))[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in report["messages"] if m["type"] == "error"]
    assert errors == []
    checked = {m.get("url") for m in report["messages"]}
    assert not any("non-document" in m.get("message", "") for m in report["messages"]), checked


# --- axe-core ----------------------------------------------------------------------------------

AXE_PAGES = ["/", "/members/", "/members/coastline-cabling-co/", "/partners/",
             "/partners/?specialty=cabling&state=nv", "/partners/?vendor=microsoft", "/partners/cabling/",
             "/regions/", "/regions/nv/", "/vendors/", "/vendors/microsoft/", "/events/",
             "/events/smbtn-conference-2027/", "/radio/", "/events/radio-pilot/",
             "/articles/", "/articles/finding-a-cabling-partner/", "/about/", "/404.html"]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(browser, bundled, scheme):
    axe = need_axe()
    context = browser.new_context(color_scheme=scheme)
    pg = context.new_page()
    found = []
    for path in AXE_PAGES:
        pg.goto(bundled.url(path), wait_until="load")
        if "?" in path:  # the finder has filtered: axe sees the results
            pg.wait_for_selector("#finder-list > li")
        pg.add_script_tag(path=str(axe))
        res = pg.evaluate("tags => axe.run(document, {runOnly: tags})", AXE_TAGS)
        found += [f"{path}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
                  for v in res["violations"]]
        assert res["passes"], f"axe ran no check on {path}"
    context.close()
    assert found == []


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_map_tile_text_keeps_aa_contrast(browser, bundled, scheme):
    context = browser.new_context(color_scheme=scheme)
    pg = context.new_page()
    pg.goto(bundled.url("/partners/cabling/"))
    # axe leaves SVG text "incomplete", so measure the painted colours here
    ratios = pg.evaluate("""() => {
""" + CONTRAST_JS + """
      return [...document.querySelectorAll('svg.tilemap .tile')].map(t => {
        const fill = getComputedStyle(t.querySelector('rect')).fill;
        return [t.className.baseVal, ...[...t.querySelectorAll('text')].map(x => ratio(getComputedStyle(x).fill, fill))];
      });
    }""")
    context.close()
    assert {r[0] for r in ratios} >= {"tile tile-0", "tile tile-1"}
    low = [r for r in ratios if min(r[1:]) < 4.5]
    assert low == []


# --- the partner finder ----------------------------------------------------------------------------


def settled(pg, text: str) -> None:
    """Wait until the finder's status (announced once the choice settles) reads `text`."""
    pg.wait_for_function("t => document.getElementById('finder-status').textContent === t", arg=text)


@pytest.mark.browser
def test_finder_filters_in_place_keeps_the_choice_in_the_url_and_back_leaves(page, bundled):
    members = json.loads((bundled.out / "members.json").read_text())["members"]
    pg = page
    pg.goto(bundled.url("/members/"))
    pg.goto(bundled.url("/partners/"))
    entries = pg.evaluate("history.length")
    status = pg.locator("#finder-status")
    assert status.get_attribute("aria-live") == "polite"
    assert status.inner_text().startswith("Choose")
    assert pg.locator("#finder").is_visible() and not pg.locator("#finder-results").is_visible()

    pg.select_option("#f-specialty", label="Structured cabling")
    cabling = expected(members, "cabling")
    assert 3 < len(cabling) < len(members)
    pg.wait_for_function("n => document.querySelectorAll('#finder-list > li').length === n", arg=len(cabling))
    assert shown(pg) == cabling
    assert query(pg) == {"specialty": ["cabling"]}
    settled(pg, f"{len(cabling)} members offer Structured cabling.")

    pg.select_option("#f-state", label="Nevada")
    in_nv = expected(members, "cabling", "nv")
    assert 0 < len(in_nv) < len(cabling)
    pg.wait_for_function("n => document.querySelectorAll('#finder-list > li').length === n", arg=len(in_nv))
    assert shown(pg) == in_nv
    assert query(pg) == {"specialty": ["cabling"], "state": ["nv"]}
    assert anywhere_only(members, "nv", "cabling") == []
    settled(pg, f"{len(in_nv)} members offer Structured cabling in Nevada.")
    assert not any(m["name"] in in_nv for m in members if m["partnering"] is False)
    # members based in the state come first; every result links to its page under the base path
    first = pg.locator("#finder-list > li.card").first
    assert ", NV" in first.locator(".meta").inner_text()
    for href in pg.locator("#finder-list > li.card h3 a").evaluate_all("as => as.map(a => a.getAttribute('href'))"):
        assert href.startswith(BASE + "members/") and (bundled.out / href[len(BASE):] / "index.html").is_file()

    # the choices replaced the address instead of adding history: back leaves the finder
    assert pg.evaluate("history.length") == entries
    pg.go_back()
    assert pg.url == bundled.url("/members/")
    pg.go_forward()
    pg.wait_for_function("n => document.querySelectorAll('#finder-list > li').length === n", arg=len(in_nv))
    assert pg.input_value("#f-specialty") == "cabling" and pg.input_value("#f-state") == "nv"


@pytest.mark.browser
def test_a_state_counts_its_own_members_and_says_apart_those_working_anywhere(page, bundled):
    members = json.loads((bundled.out / "members.json").read_text())["members"]
    rows = {m["name"]: m for m in members}
    page.goto(bundled.url("/partners/?state=nv"))
    listed = expected(members, state="nv")
    remote = anywhere_only(members, "nv")
    own = len(listed) - len(remote)
    assert remote and own > 1  # the bundled site has both kinds
    page.wait_for_function("n => document.querySelectorAll('#finder-list > li').length === n", arg=len(listed))
    assert shown(page) == listed  # every one is listed ...
    # ... but only the state's own are counted as serving it; the others are said apart
    settled(page, f"{own} members are based in or serve Nevada. {len(remote)} more "
                  f"{'works' if len(remote) == 1 else 'work'} with clients anywhere.")
    cards = page.locator("#finder-list > li.card")
    names = cards.locator("h3 a").all_inner_texts()
    # based in the state first, then serving it from elsewhere, those working anywhere last and labelled
    order = [0 if rows[n]["state"] == "NV" else 1 if "NV" in rows[n]["serves"] else 2 for n in names]
    assert order == sorted(order) and names[own:] == sorted(remote)
    for i, name in enumerate(names):
        meta = cards.nth(i).locator(".meta").inner_text()
        assert meta.endswith("works with clients anywhere") == (name in remote), name
    # a member working anywhere is one of its home state's own
    home = rows[remote[0]]["state"]
    state_label = page.locator(f"#f-state option[value='{home.lower()}']").inner_text()
    page.select_option("#f-state", home.lower())
    in_home = expected(members, state=home)
    assert remote[0] in in_home and not anywhere_only(members, home)
    settled(page, f"{len(in_home)} members are based in or serve {state_label}.")


@pytest.mark.browser
def test_finder_cards_have_the_contact_buttons_of_the_member_pages(page, bundled):
    members = json.loads((bundled.out / "members.json").read_text())["members"]
    page.goto(bundled.url("/partners/?state=ga"))
    listed = expected(members, state="ga")
    page.wait_for_function("n => document.querySelectorAll('#finder-list > li').length === n", arg=len(listed))
    cards = page.locator("#finder-list > li.card")
    live = {}
    for i in range(cards.count()):
        card = cards.nth(i)
        live[card.locator("h3 a").inner_text()] = (
            card.locator("h3 a").get_attribute("href"),
            [(b.inner_text().split()[0], b.get_attribute("href")) for b in card.locator("ul.contact-buttons a").all()])
    own_page = page.context.new_page()
    for name, (href, buttons) in live.items():
        own_page.goto(bundled.url("/" + href[len(BASE):]))
        # the same Call (tel:), Email (mailto:) and Website buttons as the member's own page,
        # where the Call button says the number too
        want = [(b.inner_text().split()[0], b.get_attribute("href")) for b in own_page.locator("#contact a").all()]
        assert buttons == want, name
    own_page.close()
    hrefs = [h for _, b in live.values() for _, h in b]
    assert {label for _, b in live.values() for label, _ in b} == {"Call", "Email", "Website"}
    assert any(h.startswith("tel:") for h in hrefs) and any(h.startswith("mailto:") for h in hrefs)


@pytest.mark.browser
def test_a_finder_card_offers_only_the_contact_a_member_lists(page, make_site, tmp_path):
    from conftest import MEMBER_YAML
    site = make_site({
        "members/acme-networks.yaml": MEMBER_YAML + 'phone: "+1 (559) 555-0142 ext. 7"\nemail: desk@acme.example.com\n',
        "members/bravo-web.yaml": MEMBER_YAML.replace("Acme Networks", "Bravo Web")
                                             .replace("website: https://acme.example.com\n", "")
                                  + "email: hi@bravo.example.com\n",
    })
    build_under_base(site, tmp_path / "root")
    served = Served(tmp_path / "root")
    try:
        page.goto(served.url("/partners/?specialty=cabling"))
        page.wait_for_function("document.querySelectorAll('#finder-list > li').length === 2")
        buttons = {page.locator("#finder-list > li").nth(i).locator("h3 a").inner_text():
                   page.locator("#finder-list > li").nth(i).locator(".contact-buttons a").evaluate_all(
                       "as => as.map(a => [a.firstChild.textContent, a.getAttribute('href'), a.textContent])")
                   for i in range(2)}
    finally:
        served.stop()
    assert buttons["Acme Networks"] == [
        ["Call", "tel:+15595550142;ext=7", "Call Acme Networks"],
        ["Email", "mailto:desk@acme.example.com", "Email Acme Networks"],
        ["Website", "https://acme.example.com", "Website of Acme Networks"]]
    assert buttons["Bravo Web"] == [["Email", "mailto:hi@bravo.example.com", "Email Bravo Web"]]


@pytest.mark.browser
def test_a_shared_finder_url_opens_with_its_choice(page, bundled):
    members = json.loads((bundled.out / "members.json").read_text())["members"]
    page.goto(bundled.url("/partners/?specialty=web-development&state=ca&vendor=microsoft"))
    want = expected(members, "web-development", "ca", "microsoft")
    assert want
    page.wait_for_function("n => document.querySelectorAll('#finder-list > li').length === n", arg=len(want))
    assert shown(page) == want
    assert [page.input_value(s) for s in ("#f-specialty", "#f-state", "#f-vendor")] == [
        "web-development", "ca", "microsoft"]
    page.wait_for_function("n => document.getElementById('finder-status').textContent.startsWith(n)",
                           arg=f"{len(want)} member")
    text = page.inner_text("#finder-status")
    assert "in California" in text and "Microsoft" in text
    # an unknown value in a shared link is ignored, not an error
    page.goto(bundled.url("/partners/?specialty=nonsense&state=nv"))
    page.wait_for_function("document.querySelectorAll('#finder-list > li').length > 0")
    assert page.input_value("#f-specialty") == "" and shown(page) == expected(members, state="nv")


@pytest.mark.browser
def test_finder_shows_the_first_results_then_all_on_request(page, tmp_path):
    root = tmp_path / "root"
    big = tmp_path / "big"
    big_site(big, 400)
    out = build_under_base(big, root)
    served = Served(root)
    try:
        members = json.loads((out / "members.json").read_text())["members"]
        page.goto(served.url("/partners/?specialty=cabling"))
        want = expected(members, "cabling")
        page.wait_for_function("document.querySelectorAll('#finder-list > li').length > 0")
        assert page.locator("#finder-list > li").count() == 60
        settled(page, f"{len(want)} members offer Structured cabling. Showing the first 60.")
        page.click("#finder-more")
        page.wait_for_function("n => document.querySelectorAll('#finder-list > li').length === n", arg=len(want))
        assert shown(page) == want and not page.locator("#finder-more").is_visible()
    finally:
        served.stop()


@pytest.mark.browser
def test_finder_and_map_work_without_javascript(browser, bundled):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(bundled.url("/partners/"))
    # the form, which could not filter, is replaced by a note leading to the lists below
    assert not pg.locator("#finder").is_visible() and pg.locator("#finder-nojs").is_visible()
    assert not pg.locator("#finder-status").is_visible()
    pg.get_by_role("link", name="Structured cabling").first.click()
    assert pg.url == bundled.url("/partners/cabling/")
    assert pg.locator("h1").inner_text() == "Structured cabling"
    pg.locator("svg.tilemap a[href$='#st-nv']").click()  # the map jumps to the state's row
    assert pg.url.endswith("/partners/cabling/#st-nv")
    assert "Coastline Cabling Co." in pg.locator("#st-nv").inner_text()
    pg.locator("#st-nv").get_by_role("link", name="Coastline Cabling Co.").click()  # and on to its card
    assert pg.url.endswith("/partners/cabling/#m-coastline-cabling-co")
    assert pg.locator("#m-coastline-cabling-co").is_visible()
    pg.goto(bundled.url("/partners/"))
    # each map tile links to its state's page (for the mouse: the state list is the keyboard path)
    tile = pg.locator(f"svg.tilemap a[href='{BASE}regions/nv/']")
    assert tile.count() == 1 and tile.locator("title").text_content() == "Nevada: 4 members"  # a remote member counts only at home
    tile.click()
    assert pg.url == bundled.url("/regions/nv/") and pg.locator("h1").inner_text() == "Members in Nevada"
    context.close()


# --- theme in the browser ------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", "/members/", "/members/coastline-cabling-co/", "/partners/",
                                  "/partners/cabling/", "/vendors/microsoft/", "/events/smbtn-conference-2027/",
                                  "/events/", "/events/radio-conference-preview/", "/radio/", "/articles/"])
def test_pages_fit_a_320_pixel_screen(browser, bundled, path):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    pg = context.new_page()
    pg.goto(bundled.url(path))
    width = pg.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 320


@pytest.mark.browser
def test_skip_link_appears_on_focus_and_moves_to_main(page, bundled):
    page.goto(bundled.url("/members/"))
    skip = page.locator("a.skip")
    assert skip.bounding_box()["y"] < 0  # out of sight until focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] >= 24
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.browser
def test_print_styles_hide_navigation(page, bundled):
    page.goto(bundled.url("/members/coastline-cabling-co/"))
    assert page.locator("nav[aria-label=Main]").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("nav[aria-label=Main]").is_visible()
    assert page.locator("h1").is_visible()
