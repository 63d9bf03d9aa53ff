"""The Atom news feed and the podcast feed, read back with feedparser."""
from __future__ import annotations

import struct
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import lxml.html
from lxml import etree

from conftest import AS_OF
from smbsite import api

ORIGIN = "https://example.org"
BASE = "https://example.org/net/"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"

RADIO_WITH_AUDIO = """\
title: "Radio: cables & <partners>"
type: radio
starts: 2026-07-09T18:00
ends: 2026-07-09T19:00
timezone: America/New_York
summary: Three members on cabling.
description: See the [partner finder](/partners/).
stations:
  - {city: Fresno, state: CA, station: KXYZ 1340 AM}
audio: {url: "https://media.example.org/show/ep1.m4a?src=feed", bytes: 54912000, duration: "1:02:03"}
"""

RADIO_NO_AUDIO = """\
title: "Radio: next month"
type: radio
starts: 2027-01-14T18:00
stations:
  - {city: Fresno, state: CA, station: KXYZ 1340 AM}
"""


def build(make_site, files=None, **kw) -> Path:
    site = make_site(files or {})
    out = site / "output"
    result = api.build(site, out, as_of=AS_OF, **kw)
    assert result.ok, [str(p) for p in result.problems]
    return out


def parse(path: Path):
    d = feedparser.parse(path.read_bytes())
    assert not d.bozo, d.get("bozo_exception")
    return d


def article(title: str, day: str, author: str = "", body: str = "Text.") -> str:
    head = f"---\ntitle: {title!r}\ndate: {day}\n"
    if author:
        head += f"author: {author}\n"
    return head + "summary: A short summary.\n---\n" + body + "\n"


# --- Atom --------------------------------------------------------------------------------

def test_atom_feed_parses_with_absolute_links_and_full_content(make_site):
    out = build(make_site)
    d = parse(out / "feed.xml")
    assert d.version == "atom10"
    assert d.feed.title == "Test Network"
    assert any(link.rel == "self" and link.href == BASE + "feed.xml" for link in d.feed.links)
    [entry] = d.entries
    assert entry.title == "Hello members"
    assert entry.link == BASE + "articles/hello-members/"
    assert entry.author == "Staff"
    assert entry.summary == "First post."
    # midnight in the site's zone (America/Los_Angeles, -07:00 on Oct 1) as an RFC 3339 instant
    assert datetime(*entry.updated_parsed[:6], tzinfo=timezone.utc) == datetime(2026, 10, 1, 7, tzinfo=timezone.utc)
    html = entry.content[0].value
    assert entry.content[0].type == "text/html"
    links = lxml.html.fromstring(html).xpath("//a/@href")
    assert links == [BASE + "members/"]


def test_atom_updated_is_rfc3339_with_offset(make_site):
    out = build(make_site)
    root = etree.parse(str(out / "feed.xml")).getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.findtext("a:updated", namespaces=ns) == "2026-10-01T00:00:00-07:00"
    assert root.findtext("a:entry/a:published", namespaces=ns) == "2026-10-01T00:00:00-07:00"


def test_atom_keeps_newest_20_newest_first(make_site):
    files = {f"content/articles/post-{i:02d}.md": article(f"Post {i}", f"2026-01-{i:02d}") for i in range(1, 23)}
    d = parse(build(make_site, files) / "feed.xml")
    titles = [e.title for e in d.entries]
    assert len(titles) == 20
    assert titles[:3] == ["Hello members", "Post 22", "Post 21"]
    assert titles[-1] == "Post 4"


def test_atom_ids_are_stable_across_builds_and_title_edits(make_site):
    first = parse(build(make_site) / "feed.xml").entries[0].id
    renamed = {"content/articles/hello-members.md": article("A new title", "2026-10-01")}
    second = parse(build(make_site, renamed) / "feed.xml").entries[0].id
    assert first == second
    assert first.startswith("tag:example.org,2026-10-01:")


def test_atom_escapes_markup_in_titles_and_authors(make_site):
    files = {"content/articles/hello-members.md": article("Q&A: <b>firewalls</b> & \"you\"", "2026-10-01",
                                                          author="Ann & <Co>")}
    d = parse(build(make_site, files) / "feed.xml")
    assert d.entries[0].title == 'Q&A: <b>firewalls</b> & “you”'  # a title is prose: its quotes are set
    assert d.entries[0].author == "Ann & <Co>"


def test_atom_without_author_names_the_site(make_site):
    files = {"content/articles/hello-members.md": article("No byline", "2026-10-01")}
    d = parse(build(make_site, files) / "feed.xml")
    assert d.entries[0].author == "Test Network"


def test_every_page_links_the_atom_feed_in_head(make_site):
    out = build(make_site)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        doc = lxml.html.parse(str(page)).getroot()
        hrefs = doc.xpath('//head/link[@rel="alternate"][@type="application/atom+xml"]/@href')
        assert hrefs == ["/net/feed.xml"], page


def test_drafts_stay_out_of_the_feed(make_site):
    files = {"content/articles/secret.md": "---\ntitle: Secret\ndate: 2026-11-01\ndraft: true\n---\nShh.\n"}
    d = parse(build(make_site, files) / "feed.xml")
    assert [e.title for e in d.entries] == ["Hello members"]


# --- podcast -----------------------------------------------------------------------------

def test_podcast_feed_has_episodes_with_enclosures(make_site):
    out = build(make_site, {"events/radio-one.yaml": RADIO_WITH_AUDIO, "events/radio-two.yaml": RADIO_NO_AUDIO})
    d = parse(out / "radio" / "feed.xml")
    assert d.version == "rss20"
    assert d.feed.link == BASE + "radio/"
    assert d.feed.language == "en"
    assert d.feed.title == "Test Network Radio"
    assert d.feed.description
    # only the episode with a recording is in the feed
    [ep] = d.entries
    assert ep.title == "Radio: cables & <partners>"
    assert ep.link == BASE + "events/radio-one/"
    assert ep.description == "Three members on cabling."
    [enc] = ep.enclosures
    assert enc.href == "https://media.example.org/show/ep1.m4a?src=feed"
    assert int(enc.length) == 54912000
    assert enc.type == "audio/x-m4a"
    assert ep.itunes_duration == "01:02:03"
    assert ep.id == "tag:example.org,2026-07-09:/net/events/radio-one/"
    assert ep.guidislink is False
    # 18:00 in New York in July is 22:00 UTC
    assert datetime(*ep.published_parsed[:6], tzinfo=timezone.utc) == datetime(2026, 7, 9, 22, tzinfo=timezone.utc)


def test_podcast_channel_has_itunes_fields(make_site):
    out = build(make_site, {"events/radio-one.yaml": RADIO_WITH_AUDIO})
    raw = (out / "radio" / "feed.xml").read_bytes()
    channel = etree.fromstring(raw).find("channel")
    image = channel.find(f"{{{ITUNES}}}image").get("href")
    assert image == BASE + "static/podcast-cover.png"
    assert channel.find(f"{{{ITUNES}}}category").get("text") == "Technology"
    assert channel.findtext(f"{{{ITUNES}}}explicit") == "false"
    pub = channel.find("item/pubDate").text
    assert pub == "Thu, 09 Jul 2026 18:00:00 -0400"  # RFC 822 with the event's offset
    assert channel.find("item/guid").get("isPermaLink") == "false"


def test_podcast_cover_is_a_square_png_of_at_least_1400px(make_site):
    out = build(make_site, {"events/radio-one.yaml": RADIO_WITH_AUDIO})
    png = (out / "static" / "podcast-cover.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert width == height and width >= 1400
    assert len(png) < 100_000


def test_podcast_episode_content_links_are_absolute(make_site):
    out = build(make_site, {"events/radio-one.yaml": RADIO_WITH_AUDIO})
    ep = parse(out / "radio" / "feed.xml").entries[0]
    [html] = [c.value for c in ep.content if c.type == "text/html"]
    assert lxml.html.fromstring(html).xpath("//a/@href") == [BASE + "partners/"]


def test_podcast_feed_without_episodes_is_still_valid(make_site):
    out = build(make_site)
    d = feedparser.parse((out / "radio" / "feed.xml").read_bytes())
    assert not d.bozo and d.version == "rss20" and d.entries == []
