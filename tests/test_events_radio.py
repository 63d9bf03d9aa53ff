"""Radio show, conference and event pages as built: air times and listen-live links,
cover art and subscribe links, the next episode, the owner's email in the podcast
feed, a conference's every day, price, deadline, hotel and map, speakers linked to
members, and times labelled with whose they are."""
from __future__ import annotations

import struct
import zlib
from urllib.parse import parse_qs, urlsplit

import lxml.etree
import lxml.html
import pytest

from conftest import AS_OF, EVENT_YAML, SITE_YAML
from smbsite import api

BASE_PATH = "/net/"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


EPISODE = """\
title: {title}
type: radio
starts: {starts}
ends: {ends}
timezone: America/Los_Angeles
summary: {title} for small offices.
online: https://media.example.org/live
stations:
  - {{city: Fresno, state: CA, station: KFRE 1340 AM, day: Saturday, time: "09:00", listen: https://kfre.example.com/live}}
  - {{city: Reno, state: NV, station: KRNO 1230 AM}}
"""

CONFERENCE = EVENT_YAML.replace(
    "  - {title: Opening, starts: 2027-03-30T09:00, ends: 2027-03-30T10:00, speakers: [Ann Lee]}\n",
    "  - {title: Opening, starts: 2027-03-30T09:00, ends: 2027-03-30T10:00,"
    " speakers: [Ann Lee, {name: Bo Park, member: acme-networks}, {member: acme-networks}]}\n"
    "  - {title: Wrap-up, starts: 2027-04-01T15:00, ends: 2027-04-01T16:00}\n"
) + """\
timezone: America/Los_Angeles
registration: https://tickets.example.org/conf
register_by: 2027-03-01
price: $295 for members, $445 for guests
hotel:
  name: Parkside Hotel
  address: 9 Grove Ave
  city: Buena Park
  state: CA
  url: https://hotel.example.org/book
  note: Group rate $149 a night
"""


def build(make_site, files: dict, as_of: str = AS_OF, templates: bool = True):
    site = make_site(files, templates=templates)
    out = site / "output"
    result = api.build(site, out, as_of=as_of)
    assert result.ok, [str(p) for p in result.problems]
    return out


def page(out, path: str):
    return lxml.html.fromstring((out / path.strip("/") / "index.html").read_bytes())


def text(el) -> str:
    return " ".join(el.text_content().split())


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    from conftest import base_files, write_files
    root = tmp_path_factory.mktemp("events") / "site"
    site_yaml = SITE_YAML.replace("membership_goal: 10\n", "membership_goal: 10\ncontact: {email: radio@example.org}\n")
    site_yaml += "radio:\n  apple: https://podcasts.example.org/apple/show\n  spotify: https://podcasts.example.org/spotify/show\n"
    files = {**base_files(), "site.yaml": site_yaml, "events/annual-conference.yaml": CONFERENCE,
             "events/radio-past.yaml": EPISODE.format(title="Past show", starts="2026-10-01T18:00",
                                                      ends="2026-10-01T19:00")
             + "audio: {url: https://media.example.org/past.mp3, bytes: 1000, duration: '58:30'}\n",
             "events/radio-next.yaml": EPISODE.format(title="Next show", starts="2026-12-10T18:00",
                                                      ends="2026-12-10T19:00"),
             "events/radio-later.yaml": EPISODE.format(title="Later show", starts="2027-01-14T18:00",
                                                       ends="2027-01-14T19:00"),
             "templates/static/podcast-cover.png": png(300, 200)}
    write_files(root, files)
    result = api.build(root, root / "output", as_of=AS_OF)
    assert result.ok, [str(p) for p in result.problems]
    return root / "output"


# --- radio -------------------------------------------------------------------------------------

def test_radio_page_shows_cover_subscribe_links_and_the_next_episode(out):
    doc = page(out, "/radio/")
    cover = doc.xpath("//main//img")[0]
    assert cover.get("src") == BASE_PATH + "static/podcast-cover.png"
    assert (cover.get("width"), cover.get("height")) == ("160", "107")  # drawn at 160 px, in its proportions
    subscribe = {text(a): a.get("href") for a in doc.xpath("//ul[@aria-label='Subscribe to the podcast']//a")}
    assert subscribe == {"Apple Podcasts": "https://podcasts.example.org/apple/show",
                         "Spotify": "https://podcasts.example.org/spotify/show",
                         "Podcast feed (RSS)": BASE_PATH + "radio/feed.xml"}
    nxt = doc.get_element_by_id("next-h").getparent()
    assert text(nxt.xpath("h3")[0]) == "Next show"
    assert "Thursday, December 10, 2026, 6 PM PST (Pacific time)" in text(nxt)
    assert nxt.xpath(".//a[text()='live online']/@href") == ["https://media.example.org/live"]
    assert "Later show" in text(doc) and "None scheduled" not in text(doc)


def test_radio_page_lists_air_times_and_listen_live_links_per_station(out):
    doc = page(out, "/radio/")
    table = doc.xpath("//table[contains(@class, 'stations')]")[0]
    assert [text(th) for th in table.xpath(".//th")] == ["City", "Station", "On air (local time)"]
    rows = [[text(td) for td in tr.xpath("td")] for tr in table.xpath(".//tbody/tr")]
    assert rows == [["Fresno, California", "KFRE 1340 AMListen live to KFRE 1340 AM", "Saturdays, 9 AM"],
                    ["Reno, Nevada", "KRNO 1230 AM", ""]]
    assert table.xpath(".//a/@href") == ["https://kfre.example.com/live"]


def test_past_episodes_with_audio_get_a_player(out):
    doc = page(out, "/radio/")
    players = doc.xpath("//audio")
    assert len(players) == 1
    assert players[0].get("src") == "https://media.example.org/past.mp3"
    assert players[0].get("controls") is not None and players[0].get("preload") == "none"


def test_without_an_upcoming_episode_the_radio_page_says_what_to_do(make_site):
    out = build(make_site, {"events/radio-past.yaml": EPISODE.format(
        title="Past show", starts="2026-10-01T18:00", ends="2026-10-01T19:00")}, templates=False)
    body = text(page(out, "/radio/"))
    assert "The next episode has not been announced yet. Subscribe above" in body
    assert "None scheduled" not in body
    assert not page(out, "/radio/").xpath("//main//img")  # no cover file in this site


def test_the_podcast_feed_names_the_owners_email(out, make_site):
    feed = lxml.etree.fromstring((out / "radio" / "feed.xml").read_bytes())
    owner = feed.find(f".//{{{ITUNES}}}owner")
    assert owner.findtext(f"{{{ITUNES}}}email") == "radio@example.org"
    assert owner.findtext(f"{{{ITUNES}}}name") == "Test Network"
    plain = build(make_site, {})  # no contact in site.yaml: no email element
    feed = lxml.etree.fromstring((plain / "radio" / "feed.xml").read_bytes())
    assert feed.find(f".//{{{ITUNES}}}owner/{{{ITUNES}}}email") is None


def test_an_episode_page_lists_its_stations_air_times(out):
    doc = page(out, "/events/radio-next/")
    rows = [[text(td) for td in tr.xpath("td")] for tr in doc.xpath("//tbody/tr")]
    assert [rows[0][0], rows[0][2]] == ["Fresno, CA", "Saturdays, 9 AM"]
    assert text(doc.xpath("//dl")[0]).count("Listen live") == 1  # the show's own stream


# --- conference --------------------------------------------------------------------------------

def test_conference_agenda_has_every_day_and_no_all_day_beside_it(out):
    doc = page(out, "/events/annual-conference/")
    when = text(doc.xpath("//dl/dd")[0])
    assert when == "Tuesday, March 30, 2027 – Thursday, April 1, 2027"  # no "(all day)": the agenda has times
    days = [(text(s.xpath("h3")[0]), text(s)) for s in doc.xpath("//section[starts-with(@aria-labelledby, 'day-')]")]
    assert [d for d, _ in days] == ["Tuesday, March 30", "Wednesday, March 31", "Thursday, April 1"]
    assert "No sessions are scheduled on this day." in days[1][1]
    assert "Wrap-up" in days[2][1]


def test_an_all_day_event_without_an_agenda_still_says_all_day(make_site):
    out = build(make_site, {"events/annual-conference.yaml": EVENT_YAML.split("sessions:")[0]})
    assert text(page(out, "/events/annual-conference/").xpath("//dl/dd")[0]).endswith("(all day)")


def test_conference_shows_price_deadline_hotel_and_map_links(out):
    doc = page(out, "/events/annual-conference/")
    facts = dict(zip([text(dt) for dt in doc.xpath("//dl/dt")], doc.xpath("//dl/dd")))
    assert text(facts["Price"]) == "$295 for members, $445 for guests"
    assert text(facts["Register by"]) == "March 1, 2027"
    assert facts["Register by"].xpath(".//time/@datetime") == ["2027-03-01"]
    hotel = facts["Hotel"]
    assert hotel.xpath(".//a")[0].get("href") == "https://hotel.example.org/book"
    assert [t.strip() for t in hotel.itertext() if t.strip()][:4] == [
        "Parkside Hotel", "9 Grove Ave", "Buena Park, California", "Group rate $149 a night"]
    where_map = facts["Where"].xpath(".//a")[0].get("href")
    hotel_map = hotel.xpath(".//a")[1].get("href")
    for href, query in ((where_map, "1 Main St, Buena Park, CA"), (hotel_map, "9 Grove Ave, Buena Park, CA")):
        parts = urlsplit(href)
        assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.openstreetmap.org", "/search")
        assert parse_qs(parts.query) == {"query": [query]}
    assert text(facts["Where"].xpath(".//a")[0]) == "Map of Hall"  # each map link named for its place
    assert doc.xpath("//a[text()='Register']/@href") == ["https://tickets.example.org/conf"]


def test_after_the_registration_deadline_the_register_button_goes(make_site):
    out = build(make_site, {"events/annual-conference.yaml": CONFERENCE}, as_of="2027-03-02")
    doc = page(out, "/events/annual-conference/")
    assert not doc.xpath("//a[text()='Register']")
    assert "(registration has closed)" in text(doc.xpath("//dl")[0])


def test_speakers_may_name_a_member_and_then_link_to_it(out):
    doc = page(out, "/events/annual-conference/")
    first = doc.xpath("//ul[@class='agenda']/li")[0]
    speakers = first.xpath(".//div/span")[0]
    assert text(speakers) == "Ann Lee; Bo Park (Acme Networks); Acme Networks"
    assert speakers.xpath(".//a/@href") == [BASE_PATH + "members/acme-networks/"] * 2


# --- whose time ----------------------------------------------------------------------------------

def test_event_times_say_whose_they_are(out):
    events = text(page(out, "/events/"))
    assert "December 10, 2026, 6 PM PST (Pacific time)" in events
    doc = page(out, "/events/radio-next/")
    when = doc.xpath("//dl/dd")[0]
    assert text(when).startswith("Thursday, December 10, 2026, 6 PM – 7 PM PST (Pacific time)")
    # a line for the visitor's own zone, filled in by a script (hidden without one)
    local = when.xpath(".//*[@data-local-start]")[0]
    assert local.get("data-local-start") == "2026-12-10T18:00:00-08:00"
    assert local.get("data-zone") == "America/Los_Angeles" and "needs-js" in local.get("class")
    assert doc.xpath(f"//script[@src='{BASE_PATH}static/localtime.js']")
    conference = page(out, "/events/annual-conference/")
    assert "Times are Buena Park time (PDT)." in text(conference)
    assert not conference.xpath("//script[contains(@src, 'localtime.js')]")  # all-day: nothing to convert
