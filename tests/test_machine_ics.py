"""Calendars (.ics) read back with icalendar, and the event page's "Add to calendar" links."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import icalendar
import lxml.html

from conftest import build_ok as build, AS_OF, run_cli

UTC = timezone.utc

WEBINAR_NY = """\
title: "CRM quick start; Q&A, live"
type: webinar
starts: 2027-01-15T10:00
ends: 2027-01-15T11:30
timezone: America/New_York
summary: Dynamics CRM basics for new members.
online: https://meet.example.org/crm
registration: https://example.org/register/crm
"""

SUMMER_NY = """\
title: Summer meetup
type: meetup
starts: 2027-07-15T18:00
timezone: America/New_York
location: {name: Rooftop, city: Albany, state: NY}
"""


def read(path: Path) -> icalendar.Calendar:
    raw = path.read_bytes()
    cal = icalendar.Calendar.from_ical(raw)
    assert cal["VERSION"] == "2.0"
    assert "PRODID" in cal
    for event in cal.walk("VEVENT"):
        for key in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "URL"):
            assert key in event, key
    return cal


def only_event(cal: icalendar.Calendar) -> icalendar.Event:
    [event] = cal.walk("VEVENT")
    return event


def test_timed_event_in_new_york_lands_at_the_right_instant(make_site):
    out = build(make_site, {"events/crm-webinar.yaml": WEBINAR_NY})
    path = out / "events" / "crm-webinar.ics"
    cal = read(path)
    ev = only_event(cal)
    start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
    assert start.astimezone(UTC) == datetime(2027, 1, 15, 15, 0, tzinfo=UTC)  # EST is UTC-5
    assert end - start == timedelta(minutes=90)
    assert ev["DTSTART"].params["TZID"] == "America/New_York"
    [tz] = cal.walk("VTIMEZONE")
    assert tz["TZID"] == "America/New_York"
    assert str(ev["SUMMARY"]) == "CRM quick start; Q&A, live"
    assert str(ev["URL"]) == "https://example.org/net/events/crm-webinar/"
    assert str(ev["LOCATION"]) == "https://meet.example.org/crm"
    assert "https://example.org/register/crm" in str(ev["DESCRIPTION"])


def test_daylight_saving_time_is_respected(make_site):
    out = build(make_site, {"events/summer.yaml": SUMMER_NY})
    ev = only_event(read(out / "events" / "summer.ics"))
    assert ev.decoded("DTSTART").astimezone(UTC) == datetime(2027, 7, 15, 22, 0, tzinfo=UTC)  # EDT is UTC-4
    assert ev.decoded("DTEND") - ev.decoded("DTSTART") == timedelta(hours=1)
    assert str(ev["LOCATION"]) == "Rooftop, Albany, NY"


def test_all_day_conference_spans_exactly_three_days(make_site):
    out = build(make_site)
    path = out / "events" / "annual-conference.ics"
    cal = read(path)
    ev = only_event(cal)
    start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
    assert type(start) is date and type(end) is date
    assert start == date(2027, 3, 30)
    assert end == date(2027, 4, 2)  # RFC 5545: DTEND of an all-day event is exclusive
    assert (end - start).days == 3
    raw = path.read_bytes()
    assert b"DTSTART;VALUE=DATE:20270330\r\n" in raw
    assert b"DTEND;VALUE=DATE:20270402\r\n" in raw
    assert not cal.walk("VTIMEZONE")  # floating dates need no zone
    assert str(ev["LOCATION"]) == "Hall, 1 Main St, Buena Park, CA"


def test_uid_and_dtstamp_are_stable(make_site):
    out = build(make_site)
    ev = only_event(read(out / "events" / "annual-conference.ics"))
    assert str(ev["UID"]) == "annual-conference@example.org"
    assert ev.decoded("DTSTAMP") == datetime(2026, 11, 26, tzinfo=UTC)  # the build date, not the clock
    again = build(make_site)
    assert (out / "events.ics").read_bytes() == (again / "events.ics").read_bytes()
    assert (out / "events" / "annual-conference.ics").read_bytes() == \
        (again / "events" / "annual-conference.ics").read_bytes()


def test_lines_end_with_crlf_and_are_folded(make_site):
    long_summary = "A very long summary, " * 12
    files = {"events/crm-webinar.yaml": WEBINAR_NY.replace("Dynamics CRM basics for new members.",
                                                           long_summary.strip())}
    out = build(make_site, files)
    for path in (out / "events.ics", out / "events" / "crm-webinar.ics"):
        raw = path.read_bytes()
        assert raw.endswith(b"\r\n")
        lines = raw.split(b"\r\n")[:-1]
        assert b"\n" not in b"".join(lines)  # no bare LF anywhere
        assert all(len(line) <= 75 for line in lines)
        assert any(line.startswith(b" ") for line in lines)  # the long DESCRIPTION was folded
    ev = only_event(read(out / "events" / "crm-webinar.ics"))
    assert str(ev["DESCRIPTION"]).startswith(long_summary.strip())


def test_all_events_calendar_has_every_event(make_site):
    out = build(make_site, {"events/crm-webinar.yaml": WEBINAR_NY, "events/summer.yaml": SUMMER_NY})
    cal = read(out / "events.ics")
    uids = sorted(str(ev["UID"]) for ev in cal.walk("VEVENT"))
    assert uids == ["annual-conference@example.org", "crm-webinar@example.org", "summer@example.org"]
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]


def test_event_page_offers_add_to_calendar(make_site):
    out = build(make_site)
    doc = lxml.html.parse(str(out / "events" / "annual-conference" / "index.html")).getroot()
    hrefs = doc.xpath("//main//a/@href")
    assert "/net/events/annual-conference.ics" in hrefs
    [google] = [h for h in hrefs if h.startswith("https://calendar.google.com/calendar/render?")]
    query = parse_qs(urlsplit(google).query)
    assert query["action"] == ["TEMPLATE"]
    assert query["text"] == ["Annual Conference"]
    assert query["dates"] == ["20270330/20270402"]
    assert query["location"] == ["Hall, 1 Main St, Buena Park, CA"]
    assert "https://example.org/net/events/annual-conference/" in query["details"][0]


def test_google_link_of_a_timed_event_is_in_utc(make_site):
    out = build(make_site, {"events/crm-webinar.yaml": WEBINAR_NY})
    doc = lxml.html.parse(str(out / "events" / "crm-webinar" / "index.html")).getroot()
    [google] = doc.xpath('//main//a[starts-with(@href, "https://calendar.google.com/")]/@href')
    query = parse_qs(urlsplit(google).query)
    assert query["dates"] == ["20270115T150000Z/20270115T163000Z"]
    assert query["text"] == ["CRM quick start; Q&A, live"]


def test_zones_come_in_the_same_order_whatever_the_hash_seed(make_site):
    """icalendar collects zones in a set; a rebuild must still be byte-identical."""
    site = make_site({"events/crm-webinar.yaml": WEBINAR_NY,
                      "events/phoenix.yaml": SUMMER_NY.replace("America/New_York", "America/Phoenix"),
                      "events/la.yaml": SUMMER_NY.replace("America/New_York", "America/Los_Angeles")})
    outputs = []
    for seed in ("1", "2", "3", "4"):
        out = site.parent / f"out-{seed}"
        res = run_cli("build", "-s", str(site), "-o", str(out), "--as-of", AS_OF, env={"PYTHONHASHSEED": seed})
        assert res.returncode == 0, res.stderr
        outputs.append((out / "events.ics").read_bytes())
    assert len(set(outputs)) == 1
    zones = [str(tz["TZID"]) for tz in icalendar.Calendar.from_ical(outputs[0]).walk("VTIMEZONE")]
    assert zones == ["America/Los_Angeles", "America/New_York", "America/Phoenix"]
