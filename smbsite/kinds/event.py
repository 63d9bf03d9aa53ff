"""The event kind: a conference, radio-show episode, webinar, training or meetup (events/<slug>.yaml).

Its checks (times that contradict each other, sessions outside the event, a radio episode
without stations, speakers naming members that do not exist), what derive works out (times
in the event's zone, the agenda by day, whether it is upcoming, map links), its pages (the
events listing, a page per event, the radio show), its calendars and the podcast feed, the
text of `smbsite new event` and the JSON Schema's words.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..checking.validate import Valid, Validator
from ..core.problems import shorten
from ..core.urls import Urls
from ..routes.identity import event_days, event_place
from ..model.fields import PLACEHOLDER, SLUG_RE
from ..model.kinds import YAML, Kind, Ref
from ..model.places import event_span, in_zone, map_url, zone_label
from ..model.records import Audio, EventRecord, Hotel, Location, Session, Speaker, Station
from ..model.site import Event, SessionItem, SiteConfig, SiteModel, construct, sort_key_when
from ..reading.load import Source
from ..routes import feeds, ics
from ..routes.outputs import Output
from ..routes.views import EventsView, EventView, RadioView

AGENDA_DAYS_MAX = 31  # an agenda lists every day of an event up to this long, else the days with sessions
COVER_FILE = "podcast-cover.png"  # in static/: the podcast's artwork, shown on the radio page too
COVER_SIZE = 160  # CSS pixels the radio page draws it at
EVENT_TYPES = {"conference": "Conference", "radio": "Radio show", "webinar": "Webinar", "training": "Training",
               "meetup": "Meetup"}


def _when_text(value: date | datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else value.isoformat()


def check(v: Validator, valid: Valid, cfg: Any) -> Valid:
    src, rec, problems = valid.src, valid.rec, v.problems
    start, end, all_day = event_span(rec, rec.timezone or (cfg.timezone if cfg else "UTC"))
    if rec.ends is not None and sort_key_when(rec.ends) < sort_key_when(rec.starts):
        line, col = src.pos.value(("ends",))
        problems.error(src.path, line, col, f"ends ({rec.ends}) is before starts ({rec.starts})")
    if all_day and isinstance(rec.ends, datetime):
        line, col = src.pos.value(("ends",))
        problems.error(src.path, line, col, "starts is a date but ends has a time", "give both a time, or neither")
    if rec.type == "radio" and not rec.stations:
        radio_without_stations(v, src)
    first_day, last_day = start.date(), (end - timedelta(microseconds=1)).date()
    for i, s in enumerate(rec.sessions):
        if s.ends is not None and sort_key_when(s.ends) < sort_key_when(s.starts):
            line, col = src.pos.value(("sessions", i, "ends"))
            problems.error(src.path, line, col,
                           f"session '{shorten(s.title)}' ends ({_when_text(s.ends)}) before it starts "
                           f"({_when_text(s.starts)})")
        for key, when in (("starts", s.starts), ("ends", s.ends)):
            if when is None:
                continue
            day = when.date() if isinstance(when, datetime) else when
            # (when the event itself ends before it starts, that is the error to report)
            if first_day <= last_day and not first_day <= day <= last_day:
                line, col = src.pos.value(("sessions", i, key))
                problems.error(src.path, line, col,
                               f"session '{shorten(s.title)}' {key} {_when_text(when)} is outside the event "
                               f"({first_day} to {last_day})")
    if rec.register_by is not None and first_day <= last_day and rec.register_by > last_day:
        line, col = src.pos.value(("register_by",))
        problems.error(src.path, line, col,
                       f"register_by ({rec.register_by}) is after the event's last day ({last_day})")
    speaker_members(v, src)
    return valid


def check_raw(v: Validator, src: Source, cfg: Any) -> None:
    speaker_members(v, src)
    # (a 'stations' value of the wrong kind has its own schema error already)
    if src.data.get("type") == "radio" and src.data.get("stations", []) == []:
        radio_without_stations(v, src)


def radio_without_stations(v: Validator, src: Source) -> None:
    line, col = src.pos.value(("type",))
    v.problems.error(src.path, line, col, "a radio episode needs 'stations' (city, state, station)",
                     "add stations: [{city: Fresno, state: CA, station: KXYZ 1340 AM}]")


def speaker_members(v: Validator, src: Source) -> None:
    """Each session speaker's `member:` must name a member of the site."""
    sessions = src.data.get("sessions") if isinstance(src.data, dict) else None
    known = v.loaded.slugs.get("member", set())
    for i, session in enumerate(sessions if isinstance(sessions, list) else []):
        speakers = session.get("speakers") if isinstance(session, dict) else None
        for j, sp in enumerate(speakers if isinstance(speakers, list) else []):
            slug = sp.get("member") if isinstance(sp, dict) else None
            if isinstance(slug, str) and SLUG_RE.match(slug) and slug not in known:
                v.unknown(src.path, src.pos, ("sessions", i, "speakers", j, "member"), "member", slug, known)


def derive(valid: Valid, cfg: SiteConfig, as_of: date, fields: dict[str, Any]) -> Event:
    rec = valid.rec
    zone_name = rec.timezone or cfg.timezone
    start, end, all_day = event_span(rec, zone_name)
    sessions = [construct(SessionItem, **dict(s), start=in_zone(s.starts, zone_name),
                          end=in_zone(s.ends, zone_name) if s.ends else None) for s in fields["sessions"]]
    first_day, last_day = start.date(), (end - timedelta(microseconds=1)).date()
    days: dict[date, list] = {}
    for s in sessions:
        days.setdefault(sort_key_when(s.starts).date(), []).append(s)
    if days and first_day <= last_day and (last_day - first_day).days < AGENDA_DAYS_MAX:
        # every day of the event has its place in the agenda, with sessions or without
        for n in range((last_day - first_day).days + 1):
            days.setdefault(first_day + timedelta(days=n), [])
    url = fields["url"]
    return construct(
        Event, **{**fields, "sessions": sessions},
        ics_url=url.rstrip("/") + ".ics", zone=zone_name, all_day=all_day, start=start, end=end,
        session_days=[(d, sorted(ss, key=lambda s: (sort_key_when(s.starts), s.title)))
                      for d, ss in sorted(days.items())],
        upcoming=end.date() > as_of if all_day else end.astimezone(ZoneInfo(zone_name)).date() >= as_of,
        zone_label=zone_label(zone_name, rec.location.city if rec.location else ""),
        map_url=map_url(rec.location) if rec.location is not None else None,
        hotel_map_url=map_url(rec.hotel) if rec.hotel is not None else None,
        registration_open=as_of <= rec.register_by if rec.register_by is not None else True)


def order(events: list[Event]) -> list[Event]:
    return sorted(events, key=lambda e: (e.start, e.slug))


def card(e: Event) -> str:
    """Under the title on its link-preview card: Conference · March 30-31, 2027 · Fresno, CA."""
    return " · ".join(part for part in (EVENT_TYPES.get(e.type, e.type.title()), event_days(e), event_place(e))
                      if part)


# --- pages, calendars and the podcast feed ------------------------------------------------------

def pages(self: Any) -> None:
    site = self.site
    upcoming = [e for e in site.events if e.upcoming]
    past = [e for e in reversed(site.events) if not e.upcoming]
    self.add(url="/events/", kind="events", title="Events", template="events.html",
             context=EventsView(upcoming=upcoming, past=past))
    on_air = site.config.sections.radio
    for e in site.events:
        # a radio episode belongs to the show: its trail goes through the radio page
        self.add(url=e.url, source=e.source, kind="event", title=e.title, template="event.html",
                 context=EventView(event=e), filed_under="/radio/" if on_air and e.type == "radio" else None)
    if on_air:
        radio(self)


def radio(self: Any) -> None:
    radio = [e for e in self.site.events if e.type == "radio"]
    cover = podcast_cover(self.static_files)
    self.add(url="/radio/", kind="radio", title="Radio show", template="radio.html",
             context=RadioView(upcoming=[e for e in radio if e.upcoming],
                               past=[e for e in reversed(radio) if not e.upcoming],
                               stations=stations(radio), cover=cover))


def stations(radio: list[Event]) -> list[Any]:
    """Every station that has aired the show, as the latest episode lists it (its air time
    and listen-live address may have changed since)."""
    seen: dict[tuple, Any] = {}
    for e in radio:  # oldest first: a later episode's entry replaces an earlier one
        for s in e.stations:
            seen[(s.state, s.city, s.station)] = s
    return [seen[k] for k in sorted(seen)]


def podcast_cover(static_files: list[tuple[str, Any]]) -> dict[str, Any] | None:
    """The show's cover art (static/podcast-cover.png), with the size the radio page draws it."""
    for rel, file in static_files:
        if rel == COVER_FILE:
            raw = Path(file).read_bytes()[:24]
            if raw[:8] != b"\x89PNG\r\n\x1a\n":
                return None
            width, height = int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")
            if not width or not height:
                return None
            return {"url": "/static/" + rel, "width": COVER_SIZE, "height": round(COVER_SIZE * height / width)}
    return None


def files(site: SiteModel, urls: Urls, pages: list[Output]) -> list[Output]:
    out = []
    if site.config.sections.radio:  # a section turned off publishes no feed either
        has_cover = any(o.url == feeds.PODCAST_COVER for o in pages)
        out.append(Output(url="/radio/feed.xml", kind="feed", sitemap=False,
                          produce=lambda site: feeds.podcast(site, urls, cover=has_cover)))
    out.append(Output(url="/events.ics", kind="calendar", sitemap=False,
                      produce=lambda site: ics.all_events_ics(site, urls)))
    for e in site.events:
        out.append(Output(url=e.ics_url, kind="calendar", sitemap=False, source=e.source,
                          produce=lambda site, slug=e.slug: ics.event_ics(site.event_by_slug[slug], site, urls)))
    return out


# --- smbsite new event, and the JSON Schema --------------------------------------------------

def scaffold(name: str, w: Any) -> str:
    site = w.site
    fields = [
        ("title", w.scalar(name), []),
        ("type", PLACEHOLDER, []),
        ("starts", PLACEHOLDER, []),
        ("# --- Optional: fill in what applies, leave the rest empty ---", "", []),
        ("ends", "", []),
        ("timezone", "", [f"This site's time zone is {site.timezone}."]),
        ("summary", '""', []),
        ("description", '""', ["To write several lines, replace \"\" with | and indent the text below it."]),
        ("location", "", ["For example:",
                          "  location: {name: Riverside Hall, address: 100 Main Street, city: Fresno, state: CA}"]),
        ("online", "", []),
        ("registration", "", []),
        ("register_by", "", [f"For example {site.today}."]),
        ("price", "", []),
        ("hotel", "", ["For example:",
                       "  hotel: {name: Harbor Inn, address: 5 Bay Street, city: Fresno, state: CA,",
                       "          url: https://harbor-inn.example.com/, note: \"Code ASSOC26 for $149 a night\"}"]),
        ("sponsors", "[]", site.slug_lines("vendor")),
        ("sessions", "[]", ["For example:", "  sessions:",
                            "    - title: Opening keynote", "      starts: 2027-03-30T09:00",
                            "      ends: 2027-03-30T09:45", "      speakers: [Ann Lee (Acme Networks)]",
                            "      room: Main hall", "      track: Business development"]),
        ("stations", "[]", ["For example: [{city: Fresno, state: CA, station: KFRS 1340 AM}]"]),
        ("audio", "", ["For example: {url: https://media.example.org/episode-1.mp3, bytes: 28000000, "
                       "duration: \"58:30\"}"]),
        ("guests", "[]", []),
    ]
    return w.record("event", w.header(f"The event {name} on the {site.title} site.", [
        f"Replace every {PLACEHOLDER}.", "Fill in the optional fields that apply; leave the others empty.",
        w.CHECK_STEP,
    ]), w.block(EventRecord, fields))


def schema_extra(schema: dict, specialties: dict[str, str]) -> None:
    """A speaker is a name (plain text) or {name, member}; a radio episode needs its stations."""
    from ..model.schema import ONE_LINE
    session = schema["$defs"]["Session"]["properties"]["speakers"]
    session["items"] = {"anyOf": [{"type": "string", "minLength": 1, "pattern": ONE_LINE}, session["items"]]}
    schema["allOf"] = [{
        "if": {"properties": {"type": {"const": "radio"}}, "required": ["type"]},
        "then": {"required": ["stations"], "properties": {"stations": {"minItems": 1}}},
    }]


DOCS = {
    EventRecord: {
        "title": "The event's name.",
        "type": "One of conference, radio, webinar, training, meetup.",
        "starts": "A date (2027-03-30) for an all-day event, or a local date and time (2027-03-30T09:00) "
                  "in the event's time zone.",
        "ends": "Optional: the last day (all-day events) or the end time; written like starts.",
        "timezone": "The IANA time zone of the times, e.g. America/Chicago; default: site.yaml's timezone.",
        "summary": "One or two sentences for listings and calendars.",
        "description": "The full description, in Markdown.",
        "location": "Where it takes place: name, address, city, state.",
        "online": "The address where it is streamed or held online (http or https).",
        "registration": "Where to register (http or https).",
        "register_by": "Optional last day to register (YYYY-MM-DD); afterwards the Register button is not shown.",
        "price": "Optional: what it costs, in one line, e.g. \"$295 for members, $445 for guests\".",
        "hotel": "Optional: the recommended hotel: name, address, city, state, url and a note (rate, booking code).",
        "sponsors": "Sponsoring vendors, by their file name in vendors/ without .yaml.",
        "sessions": "A conference programme: each session's title, times, speakers, room and track.",
        "stations": "Radio episodes only (required there): the stations that air it.",
        "audio": "Radio episodes: the recording, for the podcast feed.",
        "guests": "Member companies on the show, by their file name in members/ without .yaml.",
    },
    Location: {
        "name": "The venue's name.",
        "address": "The street address.",
        "city": "The city.",
        "state": "Two-letter US state or territory code.",
    },
    Session: {
        "title": "The session's title.",
        "starts": "Local date and time it starts, e.g. 2027-03-30T09:00 (within the event's days).",
        "ends": "Local date and time it ends.",
        "speakers": "Who speaks: text such as \"Ann Lee (Sonicwall)\", or {name: Ann Lee, member: acme-networks} "
                    "to link the member's page.",
        "room": "The room.",
        "track": "The track, e.g. Business development.",
        "description": "What the session covers, in Markdown.",
    },
    Speaker: {
        "name": "The speaker's name.",
        "member": "The member company the speaker is from, by its file name in members/ without .yaml.",
    },
    Station: {
        "city": "The city the station broadcasts to.",
        "state": "Two-letter US state code.",
        "station": "Call sign and frequency, e.g. KXBZ 1340 AM.",
        "day": "Optional: the day of the week the station airs the show, e.g. Saturday.",
        "time": "Optional: the local time the station airs it, e.g. \"09:00\", 18:30 or \"6:30 PM\".",
        "listen": "Optional: the address of the station's live stream (http or https).",
    },
    Hotel: {
        "name": "The hotel's name.",
        "address": "The street address.",
        "city": "The city.",
        "state": "Two-letter US state or territory code.",
        "url": "Where to book (http or https).",
        "note": "One line, e.g. the conference rate and booking code.",
    },
    Audio: {
        "url": "The address of the audio file (http or https).",
        "bytes": "The file's size in bytes, a whole number.",
        "duration": "Running time as \"58:30\" or \"1:02:00\" (quoted), or seconds.",
    },
}

KIND = Kind(
    "event", "events", YAML, EventRecord, "/events/{slug}/", "events", Event,
    shape=("title", "type", "starts", "ends", "timezone", "stations", "sponsors", "guests", "audio"),
    markdown=(("description",), ("sessions", "description")),
    prose=(("title",), ("summary",), ("sessions", "title")),
    refs=(Ref("sponsors", "vendor", link="sponsor_list"), Ref("guests", "member", link="guest_list")),
    reserved=("radio",),
    check=check, check_raw=check_raw, derive=derive, order=order, pages=pages, files=files, card=card,
    scaffold=scaffold, schema="event", schema_extra=schema_extra, docs=DOCS,
    schema_title=("smbsite event record (events/<slug>.yaml)",
                  "A conference, radio-show episode, webinar, training or meetup."),
)
