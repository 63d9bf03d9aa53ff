"""Calendars: /events/<slug>.ics, /events.ics and the Google Calendar link of an event page.

icalendar does the RFC 5545 work (escaping, folding, CRLF, VTIMEZONE). DTSTAMP
is the build date, not the clock, so that a rebuild is byte-identical.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    import icalendar
from urllib.parse import urlencode, urlsplit


if TYPE_CHECKING:
    from ..model.site import Event, SiteModel
    from ..core.urls import Urls

GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"


def host_of(urls: "Urls") -> str:
    return urlsplit(urls.origin).hostname or "localhost"


def event_uid(event: "Event", urls: "Urls") -> str:
    """Stable across builds and edits: only the file name and the site's host go in."""
    return f"{event.slug}@{host_of(urls)}"


def location_text(event: "Event") -> str:
    loc = event.location
    if loc is not None:
        return ", ".join(p for p in (loc.name, loc.address, loc.city, loc.state or "") if p)
    if event.online:
        return event.online
    if event.stations:
        return "; ".join(f"{s.station} ({s.city}, {s.state})" for s in event.stations)
    return ""


def description_text(event: "Event", urls: "Urls") -> str:
    parts = [event.summary.strip()] if event.summary.strip() else []
    if event.online and event.location is not None:
        parts.append(f"Online: {event.online}")
    if event.registration:
        parts.append(f"Register: {event.registration}")
    parts.append(f"Details: {urls.abs(event.url)}")
    return "\n\n".join(parts)


def _vevent(event: "Event", urls: "Urls", stamp: datetime) -> icalendar.Event:
    import icalendar  # here, not at the top: check and serve start faster without it

    ve = icalendar.Event()
    ve.add("uid", event_uid(event, urls))
    ve.add("dtstamp", stamp)
    if event.all_day:
        ve.add("dtstart", event.start.date())
        ve.add("dtend", event.end.date())  # already the exclusive day after the last one
    else:
        ve.add("dtstart", event.start)
        ve.add("dtend", event.end)
    ve.add("summary", event.title)
    ve.add("description", description_text(event, urls))
    ve.add("url", urls.abs(event.url))
    where = location_text(event)
    if where:
        ve.add("location", where)
    ve.add("categories", [event.type.capitalize()])
    ve.add("status", "CONFIRMED")
    ve.add("transp", "TRANSPARENT" if event.all_day else "OPAQUE")
    return ve


def calendar(events: Iterable["Event"], site: "SiteModel", urls: "Urls", name: str) -> bytes:
    events = list(events)
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", f"-//smbsite//{site.config.title}//{site.config.language.upper()}")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", " ".join(name.split()))  # a header value; a line break would end it
    cal.add("x-wr-timezone", site.config.timezone)
    stamp = datetime.combine(site.as_of, time(0), timezone.utc)
    for e in events:
        cal.add_component(_vevent(e, urls, stamp))
    timed = [e for e in events if not e.all_day]
    if timed:
        # Only the years the events touch: the full 1970-2038 default would make every file kilobytes longer.
        first = date(min(e.start.year for e in timed), 1, 1)
        last = date(max(e.end.year for e in timed) + 1, 1, 1)
        cal.add_missing_timezones(first_date=first, last_date=last)
        # icalendar adds the zones in set order, which changes from run to run; builds must not
        zones = sorted(cal.walk("VTIMEZONE"), key=lambda tz: str(tz["TZID"]))
        cal.subcomponents = zones + [c for c in cal.subcomponents if c.name != "VTIMEZONE"]
    return cal.to_ical()


def event_ics(event: "Event", site: "SiteModel", urls: "Urls") -> bytes:
    return calendar([event], site, urls, event.title)


def all_events_ics(site: "SiteModel", urls: "Urls") -> bytes:
    return calendar(site.events, site, urls, f"{site.config.title} events")


def google_calendar_url(event: "Event", urls: "Urls") -> str:
    """A link that opens Google Calendar's "new event" form filled in with this event."""
    if event.all_day:
        dates = f"{event.start:%Y%m%d}/{event.end:%Y%m%d}"
    else:
        utc = timezone.utc
        dates = f"{event.start.astimezone(utc):%Y%m%dT%H%M%SZ}/{event.end.astimezone(utc):%Y%m%dT%H%M%SZ}"
    params = {"action": "TEMPLATE", "text": event.title, "dates": dates,
              "details": description_text(event, urls)}
    where = location_text(event)
    if where:
        params["location"] = where
    if not event.all_day:
        params["ctz"] = event.zone
    return GOOGLE_CALENDAR + "?" + urlencode(params, safe="/")

