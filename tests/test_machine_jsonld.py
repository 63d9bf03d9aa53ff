"""JSON-LD in <head> (read back with json), and the Open Graph / Twitter card tags of every page."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import lxml.html

from conftest import build_ok as build, EVENT_YAML, MEMBER_YAML

BASE = "https://example.org/net/"
UTC = timezone.utc
EVIL = "</script><script>alert(1)</script>"

WEBINAR = """\
title: CRM quick start
type: webinar
starts: 2027-01-15T10:00
ends: 2027-01-15T11:30
timezone: America/New_York
summary: Dynamics CRM basics.
online: https://meet.example.org/crm
"""


def page(out: Path, path: str):
    return lxml.html.parse(str(out / path / "index.html")).getroot()


def jsonld(doc) -> dict:
    [script] = doc.xpath('//head/script[@type="application/ld+json"]')
    data = json.loads(script.text)
    assert data["@context"] == "https://schema.org"
    return data


def test_home_has_the_organization(make_site):
    data = jsonld(page(build(make_site), ""))
    assert data["@type"] == "Organization"
    assert data["name"] == "Test Network"
    assert data["url"] == BASE


def test_all_day_event_has_dates_place_and_offer(make_site):
    files = {"events/annual-conference.yaml": EVENT_YAML + "registration: https://example.org/register\n"}
    data = jsonld(page(build(make_site, files), "events/annual-conference"))
    assert data["@type"] == "Event"
    assert data["name"] == "Annual Conference"
    assert data["startDate"] == "2027-03-30"
    assert data["endDate"] == "2027-04-01"  # inclusive last day, unlike iCalendar
    place = data["location"]
    assert place["@type"] == "Place" and place["name"] == "Hall"
    assert place["address"] == {"@type": "PostalAddress", "streetAddress": "1 Main St", "addressLocality": "Buena Park",
                                "addressRegion": "CA", "addressCountry": "US"}
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["organizer"]["name"] == "Test Network"
    assert data["offers"]["url"] == "https://example.org/register"
    assert data["url"] == BASE + "events/annual-conference/"


def test_timed_online_event_has_offsets_and_virtual_location(make_site):
    data = jsonld(page(build(make_site, {"events/crm.yaml": WEBINAR}), "events/crm"))
    start, end = datetime.fromisoformat(data["startDate"]), datetime.fromisoformat(data["endDate"])
    assert start.utcoffset() is not None and end.utcoffset() is not None
    assert start.astimezone(UTC) == datetime(2027, 1, 15, 15, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2027, 1, 15, 16, 30, tzinfo=UTC)
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://meet.example.org/crm"}
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert "offers" not in data


def test_member_is_a_local_business(make_site):
    data = jsonld(page(build(make_site), "members/acme-networks"))
    assert data["@type"] == "ProfessionalService"  # a LocalBusiness subtype
    assert data["name"] == "Acme Networks"
    assert data["url"] == "https://acme.example.com"
    assert data["mainEntityOfPage"] == BASE + "members/acme-networks/"
    assert data["address"]["addressLocality"] == "Fresno"
    assert data["address"]["addressRegion"] == "CA"
    assert data["areaServed"] == [{"@type": "State", "name": "California"}, {"@type": "State", "name": "Nevada"}]
    assert data["memberOf"]["name"] == "Test Network"


def test_nationwide_member_serves_the_country(make_site):
    files = {"members/acme-networks.yaml": MEMBER_YAML.replace("serves: [NV]", "serves: [nationwide]")}
    data = jsonld(page(build(make_site, files), "members/acme-networks"))
    assert data["areaServed"] == [{"@type": "Country", "name": "United States"}]


def test_article_is_a_news_article(make_site):
    data = jsonld(page(build(make_site), "articles/hello-members"))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Hello members"
    assert datetime.fromisoformat(data["datePublished"]).astimezone(UTC) == datetime(2026, 10, 1, 7, tzinfo=UTC)
    assert data["author"] == {"@type": "Person", "name": "Staff"}
    assert data["publisher"]["name"] == "Test Network"


def test_pages_without_a_type_have_no_jsonld(make_site):
    doc = page(build(make_site), "members")
    assert doc.xpath('//script[@type="application/ld+json"]') == []


def test_record_values_cannot_break_out_of_the_script(make_site):
    files = {
        "members/acme-networks.yaml": MEMBER_YAML.replace("Cabling and web sites for small offices.", EVIL),
        "events/crm.yaml": WEBINAR.replace("CRM quick start", f"'{EVIL} & <!--'"),
    }
    out = build(make_site, files)
    from smbsite.core.markdown import typographic
    # (a title is prose: its -- is set as a dash, as everywhere it is shown)
    for path, key, expected in (("members/acme-networks", "description", typographic(EVIL)),
                                ("events/crm", "name", typographic(f"{EVIL} & <!--"))):
        raw = (out / path / "index.html").read_text()
        doc = lxml.html.fromstring(raw)
        carrying = [s.get("type") for s in doc.xpath("//script") if "alert" in (s.text or "")]
        assert carrying == ["application/ld+json"], path  # the value stayed inside the JSON-LD
        assert jsonld(doc)[key] == expected
        body = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
        assert "<" not in body and ">" not in body and "&" not in body


def test_every_page_has_open_graph_and_twitter_card(make_site):
    out = build(make_site)
    pages = [p for p in out.rglob("index.html")]
    assert len(pages) > 10
    for path in pages:
        doc = lxml.html.parse(str(path)).getroot()

        def meta(attr: str, name: str) -> str:
            [value] = doc.xpath(f'//head/meta[@{attr}="{name}"]/@content')
            return value

        canonical = doc.xpath('//head/link[@rel="canonical"]/@href')[0]
        assert meta("property", "og:url") == canonical
        assert canonical.startswith(BASE)
        assert meta("property", "og:site_name") == "Test Network"
        assert meta("property", "og:title")
        assert meta("property", "og:description")
        assert meta("property", "og:type") in ("website", "article")
        # without logos every page shares a drawn 1200x630 card (test_identity.py checks the images)
        assert meta("name", "twitter:card") == "summary_large_image"
        assert meta("property", "og:image").startswith(BASE)


def test_open_graph_values_follow_the_page(make_site):
    out = build(make_site)
    member = page(out, "members/acme-networks")
    assert member.xpath('//meta[@property="og:title"]/@content') == ["Acme Networks"]
    assert member.xpath('//meta[@property="og:description"]/@content') == ["Cabling and web sites for small offices."]
    art = page(out, "articles/hello-members")
    assert art.xpath('//meta[@property="og:type"]/@content') == ["article"]
    assert art.xpath('//meta[@property="og:description"]/@content') == ["First post."]
