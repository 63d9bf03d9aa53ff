"""Where and when an event is, in a visitor's words: whose time its times are, and a map link."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo


# What visitors call a zone's time; elsewhere a zone is named by its city ("Berlin time").
ZONE_NAMES = {
    "America/Los_Angeles": "Pacific time", "America/Denver": "Mountain time", "America/Boise": "Mountain time",
    "America/Phoenix": "Arizona time", "America/Chicago": "Central time", "America/New_York": "Eastern time",
    "America/Detroit": "Eastern time", "America/Indiana/Indianapolis": "Eastern time",
    "America/Anchorage": "Alaska time", "Pacific/Honolulu": "Hawaii time", "America/Puerto_Rico": "Atlantic time",
}


def zone_label(zone: str, city: str = "") -> str:
    """Whose time an event's times are: its city's ("Buena Park time") when it has a place,
    else the zone's common name ("Pacific time")."""
    if city.strip():
        return f"{city.strip()} time"
    if zone in ZONE_NAMES:
        return ZONE_NAMES[zone]
    if "/" not in zone:
        return zone  # UTC
    return zone.rsplit("/", 1)[-1].replace("_", " ") + " time"


def map_url(place: Any) -> str | None:
    """An OpenStreetMap search for a place's address (name and address, city, state)."""
    from urllib.parse import quote
    parts = [place.address.strip(), place.city.strip(), (place.state or "")]
    query = ", ".join(p for p in parts if p)
    if not place.address.strip():
        query = ", ".join(p for p in [place.name, *parts[1:]] if p)
    return "https://www.openstreetmap.org/search?query=" + quote(query) if query else None


def in_zone(value: date | datetime, zone: str) -> datetime:
    """A local date or date-time of a record, made aware in the zone (a date: its midnight)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=ZoneInfo(zone))
    return datetime.combine(value, time(0), ZoneInfo(zone))


def event_span(rec: Any, zone: str) -> tuple[datetime, datetime, bool]:
    """(start, end, all day) of an event, aware in its zone; the end is exclusive (an
    all-day event ends at midnight after its last day; one without an end lasts an
    hour, or its day)."""
    all_day = not isinstance(rec.starts, datetime)
    start = in_zone(rec.starts, zone)
    if rec.ends is None:
        end = start + (timedelta(days=1) if all_day else timedelta(hours=1))
    elif isinstance(rec.ends, datetime):
        end = in_zone(rec.ends, zone)
    else:
        end = in_zone(rec.ends + timedelta(days=1), zone)
    return start, end, all_day
