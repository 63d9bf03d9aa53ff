"""The theme, directory, partner finder (static side) and tile map, checked on built HTML.

Browser-driven checks (axe, the finder's JavaScript, the Nu checker) are in test_browser.py.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from lxml import etree

from conftest import AS_OF, REPO, big_site
from smbsite import api
from smbsite.routes import tilemap
from smbsite.model.fields import US_STATES

BASE_PATH = "/net/"  # the fixture site's base_url is https://example.org/net/
MAX_PAGE = 500 * 1024

MEMBERS = {
    "members/acme-networks.yaml": """\
name: Acme Networks
summary: Cabling and web sites for small offices.
joined: 2024-05-01
city: Fresno
state: CA
serves: [NV]
specialties: [cabling, web-development]
vendors: [sonicwall]
website: https://acme.example.com
""",
    "members/basin-cabling.yaml": """\
name: Basin Cabling
summary: Fiber and copper in the Great Basin.
joined: 2023-02-01
city: Reno
state: NV
specialties: [cabling]
""",
    "members/quiet-crm.yaml": """\
name: Quiet CRM Shop
summary: Busy this year.
joined: 2022-01-01
city: Reno
state: NV
specialties: [cabling, microsoft-crm]
partnering: false
""",
    "members/everywhere-web.yaml": """\
name: Everywhere Web
summary: Remote web development for any state.
joined: 2021-03-03
city: Boise
state: ID
serves: [nationwide]
specialties: [web-development]
vendors: [sonicwall]
""",
    "members/9-lives-repair.yaml": """\
name: 9 Lives Repair
summary: Bench repair that keeps old machines going.
joined: 2020-01-01
city: Austin
state: TX
specialties: [microsoft-crm]
""",
}

VENDOR = """\
name: Sonicwall
summary: Firewalls for small businesses.
benefits:
  - title: 20% off firewalls
    type: discount
    claim: Email the partner desk.
    ends: 2027-06-30
  - title: Old rebate
    type: discount
    claim: Too late.
    ends: 2025-01-01
  - title: Firewall course seats
    type: training
    claim: Book through the members' area.
    details: Two days, hands on.
"""

RADIO = """\
title: Radio pilot
type: radio
starts: 2026-05-07T18:00
ends: 2026-05-07T19:00
timezone: America/Phoenix
stations:
  - {city: Phoenix, state: AZ, station: KJPX 1510 AM}
  - {city: Austin, state: TX, station: KAZB 1490 AM}
audio: {url: "https://media.example.org/pilot.mp3", bytes: 1000, duration: "58:30"}
guests: [acme-networks]
"""


def build(site: Path, base_url: str | None = None) -> Path:
    out = site.parent / (site.name + "-out")
    result = api.build(site, out, as_of=AS_OF, base_url=base_url)
    assert result.ok, [str(p) for p in result.problems]
    return out


def page(out: Path, site_path: str) -> lxml.html.HtmlElement:
    rel = site_path.lstrip("/")
    file = out / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)
    return lxml.html.fromstring(file.read_bytes())


def has_class(name: str) -> str:
    """XPath predicate: the element's class list contains NAME."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def text(el) -> str:
    return " ".join(el.text_content().split())


def hrefs(el) -> list[str]:
    return [a.get("href") for a in el.iter("a") if a.get("href")]


@pytest.fixture(scope="module")
def site_out(tmp_path_factory) -> Path:
    from conftest import base_files, write_files
    import shutil
    root = tmp_path_factory.mktemp("theme") / "site"
    files = {**base_files(), **MEMBERS, "vendors/sonicwall.yaml": VENDOR, "events/radio-pilot.yaml": RADIO}
    write_files(root, files)
    shutil.copytree(REPO / "templates", root / "templates")
    return build(root)


# --- link checking (also used by test_browser.py) --------------------------------------

LINK_ATTRS = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("audio", "src"),
              ("source", "src"), ("form", "action"), ("iframe", "src"))


def internal_links(out: Path, base_path: str) -> dict[str, list[str]]:
    """{page: [broken link, ...]} for every internal href/src in every HTML file under OUT."""
    ids: dict[Path, set[str]] = {}

    def ids_of(file: Path) -> set[str]:
        if file not in ids:
            doc = lxml.html.fromstring(file.read_bytes())
            ids[file] = {e.get("id") for e in doc.iter() if isinstance(e.tag, str) and e.get("id")}
        return ids[file]

    broken: dict[str, list[str]] = {}
    for file in sorted(out.rglob("*.html")):
        doc = lxml.html.fromstring(file.read_bytes())
        here = "/" + file.relative_to(out).as_posix()
        for tag, attr in LINK_ATTRS:
            for el in doc.iter(tag):
                value = el.get(attr)
                if value is None:
                    continue
                parts = urlsplit(value)
                if parts.scheme in ("http", "https", "mailto", "tel", "data") or parts.netloc:
                    continue
                if not value.startswith(("/", "#")):
                    broken.setdefault(here, []).append(f"{value} (relative links break under a base path)")
                    continue
                if value.startswith("#"):
                    target = file
                else:
                    path = unquote(parts.path)
                    if not path.startswith(base_path):
                        broken.setdefault(here, []).append(f"{value} (outside the base path {base_path})")
                        continue
                    rel = path[len(base_path):]
                    target = out / rel
                    if rel == "" or rel.endswith("/"):
                        target = target / "index.html"
                    elif target.is_dir():
                        target = target / "index.html"
                    if not target.is_file():
                        broken.setdefault(here, []).append(value)
                        continue
                if parts.fragment and target.suffix == ".html" and parts.fragment not in ids_of(target):
                    broken.setdefault(here, []).append(f"{value} (no element with that id)")
    return broken


def test_every_internal_link_of_the_fixture_site_resolves(site_out):
    assert internal_links(site_out, BASE_PATH) == {}


@pytest.mark.parametrize("base_url, base_path", [(None, "/"), ("https://example.github.io/smbtn/", "/smbtn/"),
                                                 ("http://127.0.0.1:8000/", "/")])
def test_every_internal_link_of_the_bundled_site_resolves(tmp_path, base_url, base_path):
    out = tmp_path / "out"
    result = api.build(REPO, out, as_of=AS_OF, base_url=base_url)
    assert result.ok, [str(p) for p in result.problems]
    assert internal_links(out, base_path) == {}
    # a page per state that has members, and the map links to exactly those
    regions = {p.name.upper() for p in (out / "regions").iterdir() if p.is_dir()}
    mapped = {h.rstrip("/").rsplit("/", 1)[-1].upper()
              for h in hrefs(page(out, "/regions/").xpath("//svg")[0])}
    assert mapped == regions


def test_link_checker_finds_broken_links(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="/net/a/">ok</a><a href="/net/b/">no</a><a href="#x">no id</a>'
                                         '<img src="/net/logo.png" alt=""><a href="other/">relative</a>')
    (tmp_path / "a" / "index.html").write_text('<p id="x">x</p>')
    broken = internal_links(tmp_path, "/net/")["/index.html"]
    assert broken == ["/net/b/", "#x (no element with that id)", "other/ (relative links break under a base path)",
                      "/net/logo.png"]


# --- theme ------------------------------------------------------------------------------

def css() -> str:
    return (REPO / "smbsite" / "theme" / "static" / "style.css").read_text()


def test_theme_fetches_nothing_from_elsewhere(site_out):
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", css())
    assert "http" not in (REPO / "smbsite" / "theme" / "static" / "finder.js").read_text()
    for file in site_out.rglob("*.html"):
        doc = lxml.html.fromstring(file.read_bytes())
        for el in doc.xpath("//script[@src] | //link[@href] | //img[@src] | //iframe"):
            value = el.get("src") or el.get("href")
            rel = el.get("rel") or ""
            if el.tag == "link" and rel in ("canonical", "alternate"):
                continue
            assert value.startswith((BASE_PATH, "data:")), f"{file}: {el.tag} loads {value}"


def test_theme_has_dark_mode_print_focus_and_skip_link(site_out):
    sheet = css()
    assert "@media (prefers-color-scheme: dark)" in sheet
    assert "@media print" in sheet
    assert ":focus-visible" in sheet
    assert re.search(r"\.skip:focus\s*\{[^}]*top:", sheet)
    doc = page(site_out, "/members/acme-networks/")
    skip = doc.xpath(f"//a[{has_class('skip')}]")[0]
    assert skip.get("href") == "#main" and doc.get_element_by_id("main").tag == "main"
    assert doc.xpath('//meta[@name="viewport"]/@content') == ["width=device-width, initial-scale=1"]
    crumbs = doc.xpath('//nav[@aria-label="Breadcrumb"]//li')
    assert [text(li) for li in crumbs] == ["Home", "Member directory", "Acme Networks"]
    assert crumbs[-1].xpath('.//*[@aria-current="page"]')


def _hex_luminance(color: str) -> float:
    color = color.lstrip("#")
    if len(color) == 3:
        color = "".join(c * 2 for c in color)
    channels = [int(color[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_hex_luminance(a), _hex_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def palettes() -> dict[str, dict[str, str]]:
    sheet = css()
    dark_at = sheet.index("@media (prefers-color-scheme: dark)")
    light = sheet[sheet.index(":root"):dark_at]
    dark = sheet[dark_at:sheet.index("}", sheet.index("}", dark_at) + 1)]
    read = lambda block: dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\b", block))  # noqa: E731
    light_vars = read(light)
    return {"light": light_vars, "dark": {**light_vars, **read(dark)}}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colours_keep_aa_contrast(scheme):
    v = palettes()[scheme]
    for shade in range(tilemap.BUCKETS + 1):
        assert contrast(v[f"t{shade}"], v[f"t{shade}-fg"]) >= 4.5, f"{scheme} tile-{shade}"
    for fg, bg in [("fg", "bg"), ("muted", "bg"), ("muted", "soft"), ("accent", "bg"), ("accent", "soft"),
                   ("accent", "soft2"), ("accent-fg", "accent"), ("fg", "soft2")]:
        assert contrast(v[fg], v[bg]) >= 4.5, f"{scheme}: {fg} on {bg}"
    assert contrast(v["focus"], v["bg"]) >= 3, "focus ring"
    # each band is told apart from the next one, and from the page, without relying on its text
    for shade in range(tilemap.BUCKETS):
        assert contrast(v[f"t{shade}"], v[f"t{shade + 1}"]) >= 3, f"{scheme}: tile-{shade} beside tile-{shade + 1}"
    assert contrast(v["t1"], v["bg"]) >= 3 and contrast(v[f"t{tilemap.BUCKETS}"], v["bg"]) >= 3


def test_member_page_with_its_styles_and_scripts_fits_the_first_round_trip(site_out):
    """What a phone downloads for a member page, compressed as GitHub Pages sends it: within the
    14 KB a server sends in its first round trip."""
    import gzip
    file = site_out / "members" / "acme-networks" / "index.html"
    doc = lxml.html.fromstring(file.read_bytes())
    files = [file] + [site_out / (el.get("href") or el.get("src"))[len(BASE_PATH):]
                      for el in doc.xpath("//link[@rel='stylesheet'] | //script[@src]")]
    total = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
    assert total <= 14 * 1024, f"{total} bytes"


# --- home ---------------------------------------------------------------------------------

def test_home_pitch_events_news_benefits_and_finder_without_goal_progress(site_out):
    doc = page(site_out, "/")
    # a site without `home` copy gets no words written for another association
    body = text(doc)
    for pillar in ("Business development", "Professional development", "Vendor relations", "Need cabling"):
        assert pillar not in body
    # the goal is the association's business, not a visitor's: no progress on the home page
    assert not doc.xpath("//progress") and "goal" not in body
    assert "5 member companies in our directory" in body
    assert any(h.endswith("/events/annual-conference/") for h in hrefs(doc))
    assert any(h.endswith("/articles/hello-members/") for h in hrefs(doc))
    benefits = text(doc.get_element_by_id("benefits-h").getparent())
    assert "20% off firewalls" in benefits and "Old rebate" not in benefits
    finder = doc.get_element_by_id("finder-h").getparent()
    assert BASE_PATH + "partners/cabling/" in hrefs(finder) and BASE_PATH + "partners/" in hrefs(finder)


# --- directory --------------------------------------------------------------------------

def test_directory_has_az_jump_list_with_counts_and_cards(site_out):
    doc = page(site_out, "/members/")
    jump = doc.xpath('//nav[@aria-label="Members by first letter"]//li')
    by_letter = {text(li).split()[0].rstrip(","): li for li in jump}
    assert list(by_letter)[:26] == list("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert text(by_letter["B"]) == "B 1 member"  # Basin Cabling
    assert text(by_letter["0–9"]) == "0–9 1 member"  # 9 Lives Repair, after Z
    assert not by_letter["C"].xpath(".//a") and text(by_letter["C"]) == "C, no members"  # shown, not a link
    href = by_letter["Q"].xpath(".//a")[0].get("href")
    assert doc.get_element_by_id(href.lstrip("#")).tag == "h2"
    card = [c for c in doc.xpath(f"//li[{has_class('card')}]") if "Acme Networks" in text(c)][0]
    assert "Fresno, CA" in text(card)
    tags = card.xpath(f".//ul[{has_class('tags')}]//a")
    assert [(text(a), a.get("href")) for a in tags] == [("Structured cabling", BASE_PATH + "partners/cabling/"),
                                                        ("Web development", BASE_PATH + "partners/web-development/")]
    # the directory lists everyone, partnering or not
    assert "Quiet CRM Shop" in text(doc)


def test_directory_is_one_grid_with_each_letters_heading_on_its_first_card(site_out):
    doc = page(site_out, "/members/")
    grids = doc.xpath(f"//main//ul[{has_class('cards')}]")
    assert len(grids) == 1 and grids[0].get("id") == "directory"
    cards = grids[0].xpath("./li")
    assert len(cards) == 5  # every member, partnering or not
    headings = [(text(h), h.getparent().xpath("./h3")[0]) for h in grids[0].xpath("./li/h2")]
    assert [(letter, text(h3)) for letter, h3 in headings] == [
        ("A", "Acme Networks"), ("B", "Basin Cabling"), ("E", "Everywhere Web"), ("Q", "Quiet CRM Shop"),
        ("0–9", "9 Lives Repair")]
    # the A-Z list jumps to those headings
    jump = doc.xpath('//nav[@aria-label="Members by first letter"]//a/@href')
    assert [doc.get_element_by_id(h.lstrip("#")).getparent().getparent() is grids[0] for h in jump] == [True] * 5
    # the name filter is there for the script, and hidden without it
    box = doc.get_element_by_id("name-filter")
    assert "needs-js" in box.get("class") and box.get("data-here") == "all"
    assert box.xpath(".//label[@for='name-filter-q']") and box.xpath(".//input[@type='search']")
    assert doc.xpath(f'//script[@src="{BASE_PATH}static/directory.js"]')


def test_members_index_holds_only_names_and_slugs(site_out):
    doc = json.loads((site_out / "members" / "index.json").read_text(encoding="utf-8"))
    assert doc["count"] == 5
    assert doc["members"][:3] == [["9 Lives Repair", "9-lives-repair"], ["Acme Networks", "acme-networks"],
                                  ["Basin Cabling", "basin-cabling"]]
    assert all(len(row) == 2 for row in doc["members"])


def test_a_large_directory_splits_by_letter_and_page_and_stays_small(tmp_path):
    root = tmp_path / "big"
    big_site(root, 1200)
    quiet = {f"{'Summit' if i % 3 else ['Acme', 'Blue', 'Cedar', 'Delta'][i % 4]} Systems {i:05d}"
             for i in range(1200) if i % 41 == 5}
    out = build(root)
    sizes = {f: f.stat().st_size for f in out.rglob("*.html")}
    biggest = max(sizes, key=sizes.get)
    assert sizes[biggest] < MAX_PAGE, biggest
    directory = page(out, "/members/")
    assert not directory.xpath(f"//li[{has_class('card')}]")  # the index only jumps to letters
    s_link = [a for a in directory.xpath(f"//ul[{has_class('letters')}]//a") if text(a).startswith("S ")][0]
    assert s_link.get("href") == BASE_PATH + "members/letter/s/" and text(s_link) == "S 800 members"
    # 800 names under S: four pages of 200 cards, chained by prev/next
    seen = []
    url = "/members/letter/s/"
    while url:
        doc = page(out, url)
        seen += [text(h) for h in doc.xpath(f"//li[{has_class('card')}]/h2")]  # no h1 -> h3 jump
        nxt = doc.xpath('//a[@rel="next"]')
        url = nxt[0].get("href")[len(BASE_PATH) - 1:] if nxt else None
    assert len(seen) == 800 and seen == sorted(seen) and len(set(seen)) == 800
    assert (out / "members/letter/s/4/index.html").is_file() and not (out / "members/letter/s/5").exists()
    # cabling is offered everywhere: its page becomes a map and a list of per-state pages
    cabling = page(out, "/partners/cabling/")
    assert not cabling.xpath(f"//ul[{has_class('compact')}]")
    assert BASE_PATH + "partners/cabling/nv/" in hrefs(cabling.xpath("//svg")[0])
    nv = page(out, "/partners/cabling/nv/")
    assert text(nv.xpath("//h1")[0]) == "Structured cabling in Nevada"
    names = {text(a) for a in nv.xpath(f"//ul[{has_class('compact')}]//a")}
    anywhere = {text(a) for a in nv.xpath(f"//h2[starts-with(., 'Working with clients anywhere')]"
                                         f"/following-sibling::ul[1]//a")}
    assert "Acme Systems 00000" in anywhere and "Acme Systems 00000" not in names - anywhere  # named once, apart
    assert len(names) > 50 and not names & quiet  # none of those not taking partner work
    # a vendor every member works with names the first thousand and sends the rest to the finder
    vendor = page(out, "/vendors/sonicwall/")
    assert len(vendor.xpath(f"//ul[{has_class('compact')}]/li")) == 1000
    assert "Showing 1000 of 1200." in text(vendor)
    assert BASE_PATH + "partners/?vendor=sonicwall" in hrefs(vendor)
    assert internal_links(out, BASE_PATH) == {}


# --- partner finder, regions, map -----------------------------------------------------------

def test_partner_finder_works_without_javascript(site_out):
    doc = page(site_out, "/partners/")
    form = doc.get_element_by_id("finder")
    assert form.get("method") == "get" and form.xpath('.//button[@type="submit"]')
    # without scripts the form, which could not filter, is not shown: a note before it points
    # to the static pages of each specialty and state, listed on the page
    assert "needs-js" in form.get("class").split()
    assert ".needs-js { display: none" in doc.xpath("//head/noscript")[0].text_content()
    note = doc.xpath("//main/noscript")[0]
    assert note.getnext() is form
    assert hrefs(note) == ["#by-specialty", "#by-state"] and "needs JavaScript" not in text(note)
    assert doc.get_element_by_id("by-specialty").tag == "h2" and doc.get_element_by_id("by-state").tag == "h2"
    assert "needs-js" in doc.get_element_by_id("finder-out").get("class")
    assert form.get("data-members") == BASE_PATH + "members.json"
    states = form.xpath('.//select[@id="f-state"]/option/@value')
    assert states == ["", "ca", "id", "nv", "tx"]  # where members are based or name, not every state
    specialties = form.xpath('.//select[@id="f-specialty"]/option/@value')
    assert specialties == ["", "cabling", "web-development", "microsoft-crm"]
    status = doc.get_element_by_id("finder-status")
    assert status.get("aria-live") == "polite"
    links = hrefs(doc)
    for key in ("cabling", "web-development", "microsoft-crm"):
        assert BASE_PATH + f"partners/{key}/" in links
    assert BASE_PATH + "regions/nv/" in links
    assert doc.xpath(f'//script[@src="{BASE_PATH}static/finder.js"]')


def test_partner_pages_list_each_member_once_with_states_and_summary(site_out):
    doc = page(site_out, "/partners/cabling/")
    cards = doc.xpath(f"//main//li[{has_class('card')}]")
    assert [text(c.xpath("./h3")[0]) for c in cards] == ["Acme Networks", "Basin Cabling"]  # once each, A-Z
    acme = text(cards[0])
    assert "Fresno, CA" in acme and "Also serves Nevada" in acme and "Cabling and web sites for small offices." in acme
    assert "Quiet CRM Shop" not in text(doc)
    # a row per state names who works there, linking to the cards above
    nv = doc.get_element_by_id("st-nv")
    assert [(text(a), a.get("href")) for a in nv.xpath(".//a")] == [
        ("Nevada", BASE_PATH + "regions/nv/"), ("Acme Networks", "#m-acme-networks"), ("Basin Cabling", "#m-basin-cabling")]
    assert doc.get_element_by_id("m-acme-networks") is cards[0]
    # the map on a specialty page jumps to the state's section
    tiles = {t.findtext("title"): t.get("href") for t in doc.xpath("//svg//a")}
    here = BASE_PATH + "partners/cabling/"
    assert tiles == {"California: 1 member": here + "#st-ca", "Nevada: 2 members": here + "#st-nv"}


def test_members_working_anywhere_are_named_once_and_counted_only_where_based(site_out):
    doc = page(site_out, "/partners/web-development/")
    cards = [text(c.xpath("./h3")[0]) for c in doc.xpath(f"//main//li[{has_class('card')}]")]
    assert cards == ["Acme Networks", "Everywhere Web"]
    assert "Works with clients anywhere: Everywhere Web." in text(doc)
    assert "Boise, ID · works with clients anywhere" in text(doc)
    # rows only for the states members are based in or name: CA, NV (Acme), ID (Everywhere Web's base)
    rows = doc.xpath(f"//ul[{has_class('by-state')}]/li")
    assert [r.get("id") for r in rows] == ["st-ca", "st-id", "st-nv"]
    assert text(doc.get_element_by_id("st-nv")) == "Nevada (1): Acme Networks"
    assert text(doc.get_element_by_id("st-id")) == "Idaho (1): Everywhere Web"
    assert "based in or serving 3 states; 1 of them works with clients anywhere." in text(doc)
    tiles = {t.findtext("title") for t in doc.xpath("//svg//a")}
    assert tiles == {"California: 1 member", "Idaho: 1 member", "Nevada: 1 member"}


def test_region_pages_split_based_and_serving(site_out):
    doc = page(site_out, "/regions/nv/")
    assert text(doc.xpath("//h1")[0]) == "Members in Nevada"
    sections = {text(h).rsplit(" (", 1)[0]: h.getnext() for h in doc.xpath("//main//h2")}
    names = './/a[contains(@class, "row-name")]'
    assert [text(a) for a in sections["Based in Nevada"].xpath(names)] == ["Basin Cabling"]
    assert [text(a) for a in sections["Serving Nevada from elsewhere"].xpath(names)] == ["Acme Networks"]
    # a member working anywhere is named once, apart, and not counted as serving Nevada
    assert [text(a) for a in sections["Working with clients anywhere"].xpath(names)] == ["Everywhere Web"]
    assert "2 members are based in or serve Nevada" in text(doc)
    # each row leads to its contact: the website as a button, named for the company
    [site_button] = sections["Serving Nevada from elsewhere"].xpath('.//ul[@class="contact-buttons"]//a')
    assert site_button.get("href") == "https://acme.example.com" and text(site_button) == "Website of Acme Networks"
    by_spec = {text(a): a.get("href") for a in sections["By specialty"].xpath(".//a")}
    assert by_spec == {"Structured cabling (2)": BASE_PATH + "partners/cabling/#st-nv",
                       "Web development (1)": BASE_PATH + "partners/web-development/#st-nv"}


def test_tile_map_links_states_with_members_and_names_each(site_out):
    doc = page(site_out, "/regions/")
    svg = doc.xpath("//svg")[0]
    # a picture for pointer users: the state list below is the keyboard and screen-reader path
    assert svg.get("aria-hidden") == "true"
    links = svg.xpath(".//a")
    assert {a.get("tabindex") for a in links} == {"-1"}
    listed = {text(a): a.get("href") for a in doc.xpath(f"//ul[{has_class('states')}]//a")}
    assert {href for href in listed.values()} == {a.get("href") for a in links}
    names = {a.findtext("title"): a.get("href") for a in links}
    # Everywhere Web works anywhere: it shades Idaho, where it is based, and no other state
    assert set(names) == {"California: 1 member", "Idaho: 1 member", "Nevada: 2 members", "Texas: 1 member"}
    assert names["Nevada: 2 members"] == BASE_PATH + "regions/nv/"
    assert not (site_out / "regions" / "vt").exists()
    assert "counted only where they are based: Everywhere Web." in text(doc)


def test_tile_map_draws_empty_states_as_muted_non_links():
    svg = etree.fromstring(str(tilemap.tile_map({"NV": 3, "CA": 12, "PR": 1}, lambda c: f"/regions/{c.lower()}/")))
    tiles = [g for g in svg if g.tag in ("a", "g")]
    by_code = {t.findall("text")[0].text: t for t in tiles}
    assert set(by_code) == set(tilemap.GRID) - {"AS", "GU", "MP", "VI"}  # territories only with members
    assert by_code["VT"].tag == "g" and by_code["VT"].get("class") == "tile tile-0"
    assert by_code["NV"].tag == "a" and by_code["NV"].findtext("title") == "Nevada: 3 members"
    assert by_code["CA"].get("class") == "tile tile-2" and by_code["NV"].get("class") == "tile tile-2"
    assert by_code["PR"].get("class") == "tile tile-1"


def test_tile_grid_places_every_state_once():
    assert set(tilemap.GRID) == set(US_STATES)
    cells = list(tilemap.GRID.values())
    assert len(cells) == len(set(cells))
    assert all(0 <= c < tilemap.COLUMNS and 0 <= r < tilemap.ROWS for c, r in cells)
    # rough geography: west left of east, north above south
    col, row = lambda s: tilemap.GRID[s][0], lambda s: tilemap.GRID[s][1]  # noqa: E731
    assert col("CA") < col("NV") < col("CO") < col("MO") < col("VA") < col("DE")
    assert row("WA") < row("OR") < row("CA") and row("ND") < row("KS") < row("TX")


def test_shading_bands_are_only_those_drawn_and_leave_no_gap():
    counts = {"CA": 100, "NV": 1, "AZ": 20, "UT": 55}
    bounds = tilemap.buckets(counts)
    assert bounds == [20, 100]  # the lower half of the states, then the rest
    assert [tilemap.shade(counts[s], bounds) for s in ("NV", "AZ", "UT", "CA")] == [1, 1, 2, 2]
    # other states are drawn with no count, so 'none' is listed first
    assert tilemap.legend(counts) == [(0, "none"), (1, "1–20"), (2, "21–100")]
    assert tilemap.buckets({"NV": 2}) == [2] and tilemap.legend({"NV": 2})[1:] == [(1, "1–2")]
    assert tilemap.buckets({}) == [] and tilemap.legend({}) == [(0, "none")]


def test_legend_leaves_out_none_when_every_drawn_state_has_a_count():
    states = sorted(code for code in tilemap.GRID if code not in tilemap.TERRITORIES)
    every = {code: 1 if i % 2 else 3 for i, code in enumerate(states)}
    assert tilemap.legend(every) == [(1, "1"), (2, "2–3")]
    assert tilemap.legend({**every, "PR": 0})[0] != (0, "none")  # an empty territory is not drawn


@pytest.mark.parametrize("path", ["/partners/", "/regions/", "/partners/cabling/", "/partners/web-development/"])
def test_legend_matches_the_counts_on_the_tiles(site_out, path):
    doc = page(site_out, path)
    legend = [(li.xpath("./i")[0].get("class"), text(li)) for li in doc.xpath(f"//ul[{has_class('legend')}]/li")]
    tiles = [(t.get("class").split()[-1], t.xpath("./text[@class='n']/text()")) for t in doc.xpath("//svg/*")]
    used = {cls for cls, _ in tiles}
    assert [cls for cls, _ in legend] == sorted(used)  # every band drawn is listed, and only those
    low = 1
    for cls, label in legend:
        if cls == "tile-0":
            assert label == "none"
            continue
        lo, _, hi = label.partition("–")
        assert int(lo) == low  # ranges follow each other from 1, none skipped
        low = int(hi or lo) + 1
        for tile_cls, n in tiles:
            if tile_cls == cls:
                assert int(lo) <= int(n[0]) <= int(hi or lo)


# --- vendors, events, radio ------------------------------------------------------------------

def test_vendor_page_groups_current_benefits_by_type(site_out):
    doc = page(site_out, "/vendors/sonicwall/")
    groups = {text(h): h.getparent() for h in doc.xpath("//section/h3")}
    assert list(groups) == ["Discounts", "Training"]
    discount = text(groups["Discounts"])
    assert "20% off firewalls" in discount and "Until June 30, 2027" in discount
    assert "How to claim: Email the partner desk." in discount
    assert "Old rebate" not in text(doc)
    assert "Ongoing" in text(groups["Training"]) and "Two days, hands on." in text(groups["Training"])
    index = text(page(site_out, "/vendors/"))
    assert "20% off firewalls" in index and "Firewall course seats" in index and "Old rebate" not in index


def test_event_page_shows_zone_venue_agenda_and_sponsors(site_out):
    doc = page(site_out, "/events/annual-conference/")
    when = text(doc.xpath("//dl")[0])
    assert "Tuesday, March 30, 2027 – Thursday, April 1, 2027" in when and "Hall" in when and "Buena Park" in when
    assert text(doc.get_element_by_id("day-1")) == "Tuesday, March 30"
    session = text(doc.xpath(f"//ul[{has_class('agenda')}]/li")[0])
    assert session.startswith("9 AM–10 AM Opening") and "Ann Lee" in session
    assert "Times are Buena Park time (PDT)." in text(doc)
    sponsors = [a for a in doc.xpath("//main//a") if text(a) == "Sonicwall"]
    assert sponsors[0].get("href") == BASE_PATH + "vendors/sonicwall/"
    radio = text(page(site_out, "/events/radio-pilot/").xpath("//dl")[0])
    assert "Thursday, May 7, 2026, 6 PM – 7 PM MST (Arizona time)" in radio


def test_radio_page_lists_stations_episodes_and_guests(site_out):
    doc = page(site_out, "/radio/")
    rows = [[text(td) for td in tr.xpath("td")] for tr in doc.xpath("//tbody/tr")]
    assert rows == [["Phoenix, Arizona", "KJPX 1510 AM"], ["Austin, Texas", "KAZB 1490 AM"]]
    audio = doc.xpath("//audio")[0]
    assert audio.get("controls") is not None and audio.get("preload") == "none"
    assert audio.get("src") == "https://media.example.org/pilot.mp3"
    guest = [a for a in doc.xpath(f"//section[{has_class('episode')}]//a") if text(a) == "Acme Networks"][0]
    assert guest.get("href") == BASE_PATH + "members/acme-networks/"


def test_member_page_links_specialties_regions_and_vendors(site_out):
    doc = page(site_out, "/members/acme-networks/")
    links = {text(a): a.get("href") for a in doc.xpath("//main//a")}
    assert links["Structured cabling"] == BASE_PATH + "partners/cabling/"
    assert links["California"] == BASE_PATH + "regions/ca/"
    assert links["Nevada"] == BASE_PATH + "regions/nv/"
    assert links["Sonicwall"] == BASE_PATH + "vendors/sonicwall/"


def test_members_json_has_what_the_finder_reads(site_out):
    doc = json.loads((site_out / "members.json").read_text())
    row = [m for m in doc["members"] if m["slug"] == "everywhere-web"][0]
    assert {"slug", "name", "summary", "city", "state", "serves", "specialties", "vendors", "url", "website",
            "partnering"} <= set(row)
    assert row["serves"] == ["nationwide"]


# --- the packaged theme and a site's own overrides ------------------------------------------------

def test_a_site_without_templates_builds_with_the_packaged_theme(make_site):
    site = make_site(templates=False)
    out = site / "output"
    assert api.build(site, out, as_of=AS_OF).ok
    assert (out / "static" / "style.css").read_bytes() == (REPO / "smbsite/theme/static/style.css").read_bytes()
    assert "Acme Networks" in (out / "members" / "acme-networks" / "index.html").read_text(encoding="utf-8")


def test_a_file_in_the_sites_templates_replaces_the_themes_file_of_that_name_only(make_site):
    site = make_site(templates=False)
    theme_member = (REPO / "smbsite/theme/member.html").read_text(encoding="utf-8")
    (site / "templates" / "static").mkdir(parents=True)
    (site / "templates" / "member.html").write_text(
        theme_member.replace("{% block main %}", "{% block main %}<p class=own-member>Our own layout</p>", 1),
        encoding="utf-8")
    (site / "templates" / "static" / "style.css").write_text("body{color:#123}\n", encoding="utf-8")
    (site / "templates" / "static" / "extra.txt").write_text("ours\n", encoding="utf-8")
    out = site / "output"
    assert api.build(site, out, as_of=AS_OF).ok
    member = lxml.html.fromstring((out / "members" / "acme-networks" / "index.html").read_bytes())
    assert member.xpath("//p[@class='own-member']")
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "own-member" not in home and "<main" in home  # every other page still comes from the theme
    assert (out / "static" / "style.css").read_text(encoding="utf-8") == "body{color:#123}\n"
    assert (out / "static" / "finder.js").read_bytes() == (REPO / "smbsite/theme/static/finder.js").read_bytes()
    assert (out / "static" / "extra.txt").read_text(encoding="utf-8") == "ours\n"


def test_a_sites_template_can_extend_the_themes_and_replace_one_block(make_site):
    """theme/NAME is the packaged theme's file even where the site has its own NAME: a site
    changes one block of a page and keeps the rest of the theme's."""
    site = make_site(templates=False)
    (site / "templates").mkdir()
    (site / "templates" / "home.html").write_text(
        '{% extends "theme/home.html" %}{% block intro %}<p class="own-intro">We are {{ member_count }}.</p>'
        "{% endblock %}\n", encoding="utf-8")
    out = site / "output"
    assert api.build(site, out, as_of=AS_OF).ok
    home = lxml.html.fromstring((out / "index.html").read_bytes())
    assert [p.text for p in home.xpath("//p[@class='own-intro']")] == ["We are 1."]
    assert home.xpath("//h1") and home.xpath("//a[@class='button']")  # the rest is the theme's
    assert not home.xpath("//p[contains(., 'member company so far')]")  # the theme's own intro is gone
