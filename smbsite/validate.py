"""Stage 2, validate: raw documents -> the typed content model, or problems at file:line:col.

Schema errors are put in a member's words in schema_messages.py; logo files are checked
in logos.py (their contents in images.py)."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from . import logos
from .imaging import MEMBER_BOXES, VENDOR_BOXES
from .colors import brand_problems
from .content import (construct, Article, Benefit, Event, Member, Page, SessionItem, SiteConfig, SiteModel, Vendor,
                      sort_key_when)
from .kinds import KINDS, RESERVED_PAGE_SLUGS, url_of
from .load import LINES, Loaded, Source
from .fields import NATIONWIDE, PLACEHOLDER, SLUG_RE
from .model import ArticleMeta, EventRecord, MemberRecord, PageMeta, SiteRecord, VendorRecord
from . import messages
from .markdown import MarkdownRenderer, needs_check
from .sourcemap import source_mapper
from .problems import Problems
from .places import map_url, zone_label
from .schema_messages import check_record

EXPIRY_WARNING_DAYS = 30

AGENDA_DAYS_MAX = 31  # an agenda lists every day of an event up to this long, else the days with sessions

# what follows a company's name without making it another company ("Acme Networks, LLC")
COMPANY_SUFFIXES = {"inc", "incorporated", "llc", "pllc", "llp", "lp", "co", "company", "corp", "corporation",
                    "ltd", "limited", "pc", "plc"}


def company_key(name: str) -> str:
    """A company name as compared for duplicates: without case, accents, punctuation and a
    trailing Inc, LLC, Co, Corp, Ltd and the like."""
    import unicodedata
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()
    words = re.findall(r"[^\W_]+", re.sub(r"[.'’]", "", plain))
    while len(words) > 1 and words[-1] in COMPANY_SUFFIXES:
        words.pop()
    return "".join(words)


# hosts where many companies have a page: there the path tells them apart
SHARED_HOSTS = {"facebook.com", "linkedin.com", "instagram.com", "x.com", "twitter.com", "sites.google.com",
                "youtube.com", "yelp.com"}


def website_host(url: str | None) -> str:
    """A member's web site as compared for duplicates: its host without 'www.' (with the
    path on a host such as facebook.com that many companies share); '' when there is none."""
    from urllib.parse import urlsplit
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:
        return ""
    if host in SHARED_HOSTS:
        path = parts.path.rstrip("/").lower()
        return host + path if path else ""
    return host


def _base_parts(base_url: str) -> tuple[str, str]:
    m = re.match(r"^(https?://[^/]+)(/.*)?$", base_url)
    origin, path = (m.group(1), m.group(2) or "/") if m else ("", "/")
    return origin, path if path.endswith("/") else path + "/"


def _letter(name: str) -> str:
    import unicodedata
    first = unicodedata.normalize("NFKD", name.strip())[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def _when_text(value: date | datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else value.isoformat()


def _in_zone(value: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=zone)
    return datetime.combine(value, time(0), zone)


class Validator:
    def __init__(self, loaded: Loaded, problems: Problems, as_of: date, drafts: bool = False,
                 base_url: str | None = None):
        self.loaded, self.problems, self.as_of, self.drafts = loaded, problems, as_of, drafts
        self.base_url = base_url
        self.choices: dict[str, list[str]] = {
            "vendors": sorted(loaded.slugs.get("vendor", ())), "sponsors": sorted(loaded.slugs.get("vendor", ())),
            "guests": sorted(loaded.slugs.get("member", ()))}
        vendor_names = self._names("vendor")
        self.names: dict[str, dict[str, str]] = {"vendors": vendor_names, "sponsors": vendor_names,
                                                 "guests": self._names("member")}

    def run(self) -> SiteModel | None:
        cfg = self.site()
        if cfg is not None:
            self.choices["specialties"] = sorted(cfg.specialties)
            self.names["specialties"] = {s.label: key for key, s in cfg.specialties.items()}
        members = [m for s in self.loaded.sources.get("member", []) if (m := self.member(s, cfg))]
        vendors = [v for s in self.loaded.sources.get("vendor", []) if (v := self.vendor(s))]
        events = [e for s in self.loaded.sources.get("event", []) if (e := self.event(s, cfg))]
        articles = [a for s in self.loaded.sources.get("article", []) if (a := self.article(s, cfg))]
        pages = [p for s in self.loaded.sources.get("page", []) if (p := self.page(s))]
        self.same_company(members)
        if cfg is None:
            return None
        members.sort(key=lambda m: (m.name.casefold(), m.slug))
        vendors.sort(key=lambda v: (v.name.casefold(), v.slug))
        events.sort(key=lambda e: (e.start, e.slug))
        articles.sort(key=lambda a: (a.published, a.slug), reverse=True)
        pages.sort(key=lambda p: (p.menu is None, p.menu or 0, p.title.casefold(), p.slug))
        site = SiteModel(cfg, self.as_of, members, vendors, events, articles, pages, self.drafts)
        self.cross_reference(site)
        return site

    def _names(self, kind: str) -> dict[str, str]:
        """The names records of a kind give themselves -> their slugs."""
        return {src.data["name"]: src.slug for src in self.loaded.sources.get(kind, [])
                if isinstance(src.data, dict) and isinstance(src.data.get("name"), str)}

    # --- one record each -------------------------------------------------------------

    def site(self) -> SiteConfig | None:
        src = self.loaded.site
        if src is None:
            return None
        rec = check_record(src, SiteRecord, self.problems)
        if rec is None:
            return None
        data = dict(rec)
        if rec.colors is not None:
            for key, message, hint in brand_problems(rec.colors.brand, rec.colors.accent):
                line, col = src.pos.value(("colors", key))
                self.problems.error(src.path, line, col, message, hint)
        logo_file = logos.site_logo(src, rec.logo, self.problems) if rec.logo is not None else None
        if self.base_url:
            data["base_url"] = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
        origin, path = _base_parts(data["base_url"])
        return construct(SiteConfig, **data, origin=origin, base_path=path, logo_file=logo_file)

    def member(self, src: Source, cfg: SiteConfig | None) -> Member | None:
        rec = check_record(src, MemberRecord, self.problems, self.choices, self.names)
        if rec is None:
            self.raw_checks(src, cfg)
            return None
        m = construct(Member, **dict(rec), slug=src.slug, source=src.path, pos=src.pos,
                                   url=url_of("member", src.slug), letter=_letter(rec.name))
        m.serves_all = NATIONWIDE in rec.serves
        if rec.joined > self.as_of:
            line, col = src.pos.value(("joined",))
            self.problems.warning(src.path, line, col, f"joined {rec.joined} is after today ({self.as_of})",
                                  "write the date the company became a member")
        if cfg is not None:
            self.specialties(src, enumerate(rec.specialties), cfg)
            m.specialty_list = [(k, cfg.specialties[k]) for k in dict.fromkeys(rec.specialties)
                                if k in cfg.specialties]
        self._duplicates(src, "specialties", rec.specialties)
        self._duplicates(src, "serves", rec.serves)
        self._duplicates(src, "vendors", rec.vendors)
        if rec.logo is not None:
            m.logo_file = logos.record_logo(src, rec.logo, self.loaded.root, self.problems)
            if m.logo_file is not None:
                m.logo_plan = logos.plan_logo(m.logo_file, m.url, MEMBER_BOXES, social=True)
        return m

    def vendor(self, src: Source) -> Vendor | None:
        rec = check_record(src, VendorRecord, self.problems)
        if rec is None:
            self.raw_checks(src, None)
            return None
        v = construct(Vendor, **dict(rec), slug=src.slug, source=src.path, pos=src.pos,
                                   url=url_of("vendor", src.slug))
        benefits = []
        for i, b in enumerate(rec.benefits):
            benefit = construct(Benefit, **dict(b), vendor=v)
            if b.starts and b.ends and b.ends < b.starts:
                line, col = src.pos.value(("benefits", i, "ends"))
                self.problems.error(src.path, line, col,
                                    f"benefit '{b.title}' ends ({b.ends}) before it starts ({b.starts})")
            if b.ends and b.ends < self.as_of:
                benefit.current = False
                line, col = src.pos.value(("benefits", i, "ends"))
                self.problems.warning(src.path, line, col, f"benefit '{b.title}' expired on {b.ends} and is not shown",
                                      "remove it or set a new end date")
            elif b.ends and b.ends <= self.as_of + timedelta(days=EXPIRY_WARNING_DAYS):
                line, col = src.pos.value(("benefits", i, "ends"))
                self.problems.warning(src.path, line, col, f"benefit '{b.title}' expires on {b.ends}",
                                      "renew it with the vendor or let it lapse")
            if b.starts and b.starts > self.as_of:
                benefit.current = False
            benefits.append(benefit)
        v.benefits = benefits
        v.current_benefits = [b for b in benefits if b.current]
        if rec.logo is not None:
            v.logo_file = logos.record_logo(src, rec.logo, self.loaded.root, self.problems)
            if v.logo_file is not None:
                v.logo_plan = logos.plan_logo(v.logo_file, v.url, VENDOR_BOXES, social=True)
        return v

    def event(self, src: Source, cfg: SiteConfig | None) -> Event | None:
        rec = check_record(src, EventRecord, self.problems, self.choices, self.names)
        if rec is None:
            self.raw_checks(src, cfg)
            return None
        zone_name = rec.timezone or (cfg.timezone if cfg else "UTC")
        zone = ZoneInfo(zone_name)
        e = construct(Event, **dict(rec), slug=src.slug, source=src.path, pos=src.pos,
                                  url=url_of("event", src.slug), ics_url=url_of("event", src.slug).rstrip("/") + ".ics", zone=zone_name)
        e.all_day = not isinstance(rec.starts, datetime)
        e.start = _in_zone(rec.starts, zone)
        if rec.ends is None:
            e.end = e.start + (timedelta(days=1) if e.all_day else timedelta(hours=1))
        elif isinstance(rec.ends, datetime):
            e.end = _in_zone(rec.ends, zone)
        else:
            e.end = _in_zone(rec.ends + timedelta(days=1), zone)  # exclusive end of the last day
        if rec.ends is not None and sort_key_when(rec.ends) < sort_key_when(rec.starts):
            line, col = src.pos.value(("ends",))
            self.problems.error(src.path, line, col, f"ends ({rec.ends}) is before starts ({rec.starts})")
        if e.all_day and isinstance(rec.ends, datetime):
            line, col = src.pos.value(("ends",))
            self.problems.error(src.path, line, col, "starts is a date but ends has a time",
                                "give both a time, or neither")
        if rec.type == "radio" and not rec.stations:
            self.radio_without_stations(src)
        first_day, last_day = e.start.date(), (e.end - timedelta(microseconds=1)).date()
        days: dict[date, list] = {}
        e.sessions = [construct(SessionItem, **dict(s), start=_in_zone(s.starts, zone),
                                                  end=_in_zone(s.ends, zone) if s.ends else None)
                      for s in rec.sessions]
        for i, s in enumerate(e.sessions):
            s_start = sort_key_when(s.starts)
            if s.ends is not None and sort_key_when(s.ends) < s_start:
                line, col = src.pos.value(("sessions", i, "ends"))
                self.problems.error(src.path, line, col,
                                    f"session '{s.title}' ends ({_when_text(s.ends)}) before it starts "
                                    f"({_when_text(s.starts)})")
            for key, when in (("starts", s.starts), ("ends", s.ends)):
                if when is None:
                    continue
                day = when.date() if isinstance(when, datetime) else when
                # (when the event itself ends before it starts, that is the error to report)
                if first_day <= last_day and not first_day <= day <= last_day:
                    line, col = src.pos.value(("sessions", i, key))
                    self.problems.error(src.path, line, col,
                                        f"session '{s.title}' {key} {_when_text(when)} is outside the event "
                                        f"({first_day} to {last_day})")
            days.setdefault(s_start.date(), []).append(s)
        if days and first_day <= last_day and (last_day - first_day).days < AGENDA_DAYS_MAX:
            # every day of the event has its place in the agenda, with sessions or without
            for n in range((last_day - first_day).days + 1):
                days.setdefault(first_day + timedelta(days=n), [])
        e.session_days = [(d, sorted(ss, key=lambda s: (sort_key_when(s.starts), s.title)))
                          for d, ss in sorted(days.items())]
        e.upcoming = e.end.date() > self.as_of if e.all_day else e.end.astimezone(zone).date() >= self.as_of
        e.zone_label = zone_label(zone_name, rec.location.city if rec.location else "")
        if rec.location is not None:
            e.map_url = map_url(rec.location)
        if rec.hotel is not None:
            e.hotel_map_url = map_url(rec.hotel)
        if rec.register_by is not None:
            e.registration_open = self.as_of <= rec.register_by
            if first_day <= last_day and rec.register_by > last_day:
                line, col = src.pos.value(("register_by",))
                self.problems.error(src.path, line, col,
                                    f"register_by ({rec.register_by}) is after the event's last day ({last_day})")
        self._duplicates(src, "sponsors", rec.sponsors)
        self._duplicates(src, "guests", rec.guests)
        self.speaker_members(src)
        return e

    def article(self, src: Source, cfg: SiteConfig | None) -> Article | None:
        rec = check_record(src, ArticleMeta, self.problems)
        self.body_placeholder(src)
        if rec is None:
            self.raw_markdown(src)
        if rec is None or (rec.draft and not self.drafts):
            return None
        zone = ZoneInfo(cfg.timezone if cfg else "UTC")
        return construct(Article, **dict(rec), slug=src.slug, source=src.path, pos=src.pos,
                                       url=url_of("article", src.slug), body=src.body, body_line=src.body_line,
                                       published=_in_zone(rec.date, zone))

    def body_placeholder(self, src: Source) -> None:
        """An article left as `smbsite new` wrote it must not pass the check."""
        for i, line in enumerate(LINES.split(src.body)):
            if PLACEHOLDER in line:
                self.problems.error(src.path, src.body_line + i, line.index(PLACEHOLDER) + 1,
                                    f"replace the placeholder '{PLACEHOLDER}' in the text")

    def page(self, src: Source) -> Page | None:
        rec = check_record(src, PageMeta, self.problems)
        if rec is None:
            self.raw_markdown(src)
        if rec is None or (rec.draft and not self.drafts):
            return None
        if src.slug in RESERVED_PAGE_SLUGS:
            self.problems.error(src.path, 1, 1, f"a page cannot be called '{src.slug}': /{src.slug}/ belongs to the site",
                                "rename the file")
            return None
        return construct(Page, **dict(rec), slug=src.slug, source=src.path, pos=src.pos,
                                    url=url_of("page", src.slug), body=src.body, body_line=src.body_line)

    def same_company(self, members: list[Member]) -> None:
        """Two records for one company (a copy saved under another file name, the name in
        other case or with 'LLC' added, the same web site): an error at the later file, in
        the order of file names without their extension (acme.yaml, then acme-llc.yaml)."""
        rules = (("name", lambda m: company_key(m.name), "a member named '{name}'"),
                 ("website", lambda m: website_host(m.website), "a member with the web site {key}"))
        for field, key_of, what in rules:
            first: dict[str, Member] = {}
            for m in sorted(members, key=lambda m: (m.slug, m.source)):
                key = key_of(m)
                if key in first:
                    other = first[key]
                    line, col = m.pos.value((field,))
                    self.problems.error(m.source, line, col,
                                        f"{other.source} already lists " + what.format(name=other.name, key=key),
                                        f"edit {other.source} instead of adding a second file for the same company")
                elif key:
                    first[key] = m

    # --- helpers ----------------------------------------------------------------------

    def specialties(self, src: Source, keys: Iterable[tuple[int, str]], cfg: SiteConfig) -> None:
        for i, key in keys:
            if key not in cfg.specialties:
                line, col = src.pos.value(("specialties", i))
                self.problems.error(src.path, line, col, f"unknown specialty '{key}'",
                                    messages.reference_hint("specialty", key, cfg.specialties,
                                                            self.names.get("specialties")))

    def radio_without_stations(self, src: Source) -> None:
        line, col = src.pos.value(("type",))
        self.problems.error(src.path, line, col, "a radio episode needs 'stations' (city, state, station)",
                            "add stations: [{city: Fresno, state: CA, station: KXYZ 1340 AM}]")

    def raw_checks(self, src: Source, cfg: SiteConfig | None) -> None:
        """The checks beyond the schema, on a record the schema rejected: every mistake of a
        file is reported in one run, not one round of fixes at a time."""
        data = src.data

        def valid_slugs(key: str) -> list[tuple[int, str]]:
            items = data.get(key)
            if not isinstance(items, list):
                return []
            return [(i, v) for i, v in enumerate(items) if isinstance(v, str) and SLUG_RE.match(v)]

        refs: dict[str, str] = {}
        self.raw_markdown(src)
        if "logo" in KINDS[src.kind].record.model_fields and isinstance(data.get("logo"), str):
            logos.record_logo(src, data["logo"], self.loaded.root, self.problems)
        if src.kind == "member":
            if cfg is not None:
                self.specialties(src, valid_slugs("specialties"), cfg)
            refs = {"vendors": "vendor"}
        elif src.kind == "event":
            refs = {"sponsors": "vendor", "guests": "member"}
            self.speaker_members(src)
            # (a 'stations' value of the wrong kind has its own schema error already)
            if data.get("type") == "radio" and data.get("stations", []) == []:
                self.radio_without_stations(src)
        for key, what in refs.items():
            known = self.loaded.slugs.get(what, set())
            for i, slug in valid_slugs(key):
                if slug not in known:
                    self._unknown(src.path, src.pos, (key, i), what, slug, known)

    def speaker_members(self, src: Source) -> None:
        """Each session speaker's `member:` must name a member of the site."""
        sessions = src.data.get("sessions") if isinstance(src.data, dict) else None
        known = self.loaded.slugs.get("member", set())
        for i, session in enumerate(sessions if isinstance(sessions, list) else []):
            speakers = session.get("speakers") if isinstance(session, dict) else None
            for j, sp in enumerate(speakers if isinstance(speakers, list) else []):
                slug = sp.get("member") if isinstance(sp, dict) else None
                if isinstance(slug, str) and SLUG_RE.match(slug) and slug not in known:
                    self._unknown(src.path, src.pos, ("sessions", i, "speakers", j, "member"), "member", slug, known)

    def raw_markdown(self, src: Source) -> None:
        """The Markdown of a record the schema rejected, checked as a valid record's is when
        the site is built (all but its site links, which need every page of the site)."""
        data = src.data if isinstance(src.data, dict) else {}
        fields: list[tuple] = [("description",)]
        for key, sub in (("benefits", "details"), ("sessions", "description")):
            items = data.get(key)
            fields += [(key, i, sub) for i in range(len(items))] if isinstance(items, list) else []
        if src.kind in ("article", "page"):
            self._report_markdown(src, src.body, lambda line, col: (src.body_line + line - 1, col))
            return
        for path in fields:
            value: Any = data
            for part in path:
                value = value.get(part) if isinstance(value, dict) else (
                    value[part] if isinstance(value, list) and isinstance(part, int) else None)
            if isinstance(value, str) and needs_check(value):
                line, col = src.pos.value(path)
                self._report_markdown(src, value, source_mapper(line, col, src.pos.style(path),
                                                                src.text.splitlines()))

    def _report_markdown(self, src: Source, text: str, to_file: Any) -> None:
        if not needs_check(text):
            return
        for line, col, severity, message, hint in messages.markdown_problems(MarkdownRenderer().render(text)):
            add = self.problems.warning if severity == "warning" else self.problems.error
            add(src.path, *to_file(line, col), message, hint)

    def _duplicates(self, src: Source, key: str, values: list[str]) -> None:
        seen: set[str] = set()
        for i, value in enumerate(values):
            if value in seen:
                line, col = src.pos.value((key, i))
                self.problems.error(src.path, line, col, f"'{value}' is listed twice in {key}")
            seen.add(value)

    # --- references between records ----------------------------------------------------

    def cross_reference(self, site: SiteModel) -> None:
        vendors, members = site.vendor_by_slug, site.member_by_slug
        # a slug of a file with errors of its own is known: reporting it here too would be noise
        known_vendors = self.loaded.slugs.get("vendor", set()) | set(vendors)
        known_members = self.loaded.slugs.get("member", set()) | set(members)
        for m in site.members:
            for i, slug in enumerate(m.vendors):
                if slug not in known_vendors:
                    self._unknown(m.source, m.pos, ("vendors", i), "vendor", slug, known_vendors)
            m.vendor_list = [vendors[s] for s in m.vendors if s in vendors]
            for v in m.vendor_list:
                v.members.append(m)
        for e in site.events:
            for i, slug in enumerate(e.sponsors):
                if slug not in known_vendors:
                    self._unknown(e.source, e.pos, ("sponsors", i), "vendor", slug, known_vendors)
            for i, slug in enumerate(e.guests):
                if slug not in known_members:
                    self._unknown(e.source, e.pos, ("guests", i), "member", slug, known_members)
            e.sponsor_list = [vendors[s] for s in e.sponsors if s in vendors]
            e.guest_list = [members[s] for s in e.guests if s in members]

    def _unknown(self, source: str, pos: Any, path: tuple, what: str, slug: str, known: Iterable[str]) -> None:
        """A reference to a vendor or member that no file of the site defines."""
        line, col = pos.value(path)
        self.problems.error(source, line, col, f"unknown {what} '{slug}'",
                            messages.reference_hint(what, slug, known, self.names.get(path[0])))


def validate(loaded: Loaded, problems: Problems, as_of: date, drafts: bool = False,
             base_url: str | None = None) -> SiteModel | None:
    return Validator(loaded, problems, as_of, drafts, base_url).run()
