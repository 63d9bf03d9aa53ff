"""sitemap.xml (against the sitemaps.org XSD), robots.txt, 404.html, .nojekyll, CNAME, members.json."""
from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from conftest import build_ok as build, MEMBER_YAML, SITE_YAML

SITEMAP_XSD = Path(__file__).parent / "data" / "sitemap-0.9.xsd"  # the sitemaps.org schema
SM = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "https://example.org/net/"

QUIET_MEMBER = """\
name: Zephyr Quiet Systems
summary: Busy this year; not taking partner work.
joined: 2025-01-10
city: Reno
state: NV
specialties: [microsoft-crm]
partnering: false
"""


def schema() -> etree.XMLSchema:
    if not SITEMAP_XSD.is_file():
        pytest.fail(f"{SITEMAP_XSD} is missing: the sitemap cannot be validated")
    return etree.XMLSchema(etree.parse(str(SITEMAP_XSD)))


# --- sitemap -----------------------------------------------------------------------------

def test_sitemap_is_valid_and_lists_every_page_absolutely(make_site):
    out = build(make_site)
    doc = etree.parse(str(out / "sitemap.xml"))
    xsd = schema()
    assert xsd.validate(doc), xsd.error_log
    locs = doc.xpath("//sm:url/sm:loc/text()", namespaces=SM)
    assert len(locs) == len(set(locs))
    assert all(loc.startswith(BASE) for loc in locs)
    pages = {BASE + p.relative_to(out).parent.as_posix().removeprefix(".") for p in out.rglob("index.html")}
    pages = {p if p.endswith("/") else p + "/" for p in pages}
    assert set(locs) == pages
    assert BASE + "404.html" not in locs


def test_sitemap_lastmod_is_the_article_date(make_site):
    out = build(make_site)
    doc = etree.parse(str(out / "sitemap.xml"))
    lastmod = {u.findtext("sm:loc", namespaces=SM): u.findtext("sm:lastmod", namespaces=SM)
               for u in doc.xpath("//sm:url", namespaces=SM)}
    assert lastmod[BASE + "articles/hello-members/"] == "2026-10-01"
    assert lastmod[BASE + "members/acme-networks/"] is None  # no honest date known


def test_sitemap_escapes_and_stays_valid_with_many_pages(make_site):
    files = {f"members/member-{i:03d}.yaml": MEMBER_YAML.replace("Acme Networks", f"R&D Shop {i}")
             .replace("acme.example.com", f"shop-{i}.example.com") for i in range(40)}
    out = build(make_site, files)
    doc = etree.parse(str(out / "sitemap.xml"))
    xsd = schema()
    assert xsd.validate(doc), xsd.error_log
    assert len(doc.xpath("//sm:url", namespaces=SM)) > 40


def test_robots_names_the_sitemap(make_site):
    out = build(make_site)
    lines = (out / "robots.txt").read_text().splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {BASE}sitemap.xml" in lines
    assert "Disallow: /" not in lines


def test_nojekyll_and_no_cname_by_default(make_site):
    out = build(make_site)
    assert (out / ".nojekyll").read_bytes() == b""
    assert not (out / "CNAME").exists()


def test_cname_when_site_sets_it(make_site):
    out = build(make_site, {"site.yaml": SITE_YAML + "cname: www.example-net.org\n"})
    assert (out / "CNAME").read_text() == "www.example-net.org\n"


def test_404_links_work_at_any_depth(make_site):
    out = build(make_site)
    doc = lxml.html.parse(str(out / "404.html")).getroot()
    refs = doc.xpath("//@href | //@src")
    assert refs
    for ref in refs:
        # GitHub Pages serves 404.html for any missing path: relative links would break there
        assert ref.startswith(("/net/", "https://", "http://", "#", "mailto:", "data:")), ref
    assert "/net/members/" in refs


# --- members.json --------------------------------------------------------------------------

def test_members_json_is_compact_sorted_open_data(make_site):
    files = {"members/zephyr-quiet.yaml": QUIET_MEMBER,
             "members/bravo-web.yaml": MEMBER_YAML.replace("Acme Networks", "Bravo Web")
                                                  .replace("website: https://acme.example.com\n", "")}
    out = build(make_site, files)
    raw = (out / "members.json").read_bytes()
    assert raw.count(b"\n") == 1 and raw.endswith(b"\n")  # one line: no indentation
    doc = json.loads(raw)
    assert raw == json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
    assert doc["format"] == 1
    assert doc["count"] == 3
    assert [m["slug"] for m in doc["members"]] == ["acme-networks", "bravo-web", "zephyr-quiet"]
    acme, bravo, quiet = doc["members"]
    assert acme == {
        "slug": "acme-networks", "name": "Acme Networks", "summary": "Cabling and web sites for small offices.",
        "city": "Fresno", "state": "CA", "serves": ["NV"], "specialties": ["cabling", "web-development"],
        "vendors": ["sonicwall"], "url": BASE + "members/acme-networks/",
        "website": "https://acme.example.com", "partnering": True,
    }
    assert bravo["website"] is None
    assert quiet["partnering"] is False  # listed, but marked for the partner finder to leave out
    # contact details only when the member lists them (its own page shows them)
    assert "email" not in acme and "phone" not in acme


def test_members_json_carries_the_phone_and_email_a_member_lists(make_site):
    files = {"members/acme-networks.yaml": MEMBER_YAML + 'phone: "(559) 555-0142 x12"\nemail: hi@acme.example.com\n'}
    out = build(make_site, files)
    row = json.loads((out / "members.json").read_text())["members"][0]
    assert (row["phone"], row["email"]) == ("(559) 555-0142 x12", "hi@acme.example.com")  # as written


def test_members_json_is_byte_identical_across_builds(make_site):
    first = (build(make_site) / "members.json").read_bytes()
    second = (build(make_site) / "members.json").read_bytes()
    assert first == second


def test_members_json_keeps_unicode_readable(make_site):
    files = {"members/acme-networks.yaml": MEMBER_YAML.replace("Acme Networks", "Señor Café Réseaux")}
    raw = (build(make_site, files) / "members.json").read_bytes()
    assert "Señor Café Réseaux".encode() in raw
    assert json.loads(raw)["members"][0]["name"] == "Señor Café Réseaux"
