"""Stage 2, validate: loaded documents -> valid records, or problems at file:line:col.

Each record is checked against its model (schema errors are put in a member's words in
checking/record_checks.py), then against the rest of the site: references, duplicates, dates
that contradict each other. Logo files are checked in images/logos.py (their contents in
images/filetypes.py). Nothing here works out what the site shows: that is deriving/derive.py's job.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Iterable

from ..images import logos
from ..images.colors import brand_problems
from ..model.site import sort_key_when
from ..images.imaging import LogoFile
from ..model.kinds import KINDS, RESERVED_PAGE_SLUGS
from ..reading.load import LINES, Loaded, Source
from ..model.fields import PLACEHOLDER, SLUG_RE
from ..model.records import ArticleMeta, EventRecord, MemberRecord, PageMeta, SiteRecord, VendorRecord
from . import messages
from ..core.markdown import MarkdownRenderer, needs_check
from ..reading.sourcemap import source_mapper
from ..core.problems import Problems, shorten
from ..model.places import event_span
from .record_checks import check_record
from .lookalikes import look_alikes, skeleton

EXPIRY_WARNING_DAYS = 30

# what follows a company's name without making it another company ("Acme Networks, LLC")
COMPANY_SUFFIXES = {"inc", "incorporated", "llc", "pllc", "llp", "lp", "co", "company", "corp", "corporation",
                    "ltd", "limited", "pc", "plc"}


def _looks(word: str) -> str:
    """A word as it looks, without case: each character outside ASCII is replaced by its
    UTS #39 prototype before case is folded (Greek Ν looks like N, its small ν like v).
    ASCII stays as typed: 'Bam IT' and 'Barn IT', 'GRANITE' and 'Granite' are told apart
    or matched by their letters alone, while a Cyrillic а in 'Grаnite' counts as a."""
    return "".join(ch if ch.isascii() else skeleton(ch) for ch in word).casefold()


_SUFFIX_LOOKS = {_looks(s) for s in COMPANY_SUFFIXES}


def company_key(name: str) -> str:
    """A company name as compared for duplicates: without case, accents, punctuation and a
    trailing Inc, LLC, Co, Corp, Ltd and the like, and as it looks: a letter of another
    alphabet that looks like a Latin one (Cyrillic а, Greek Ο) counts as that letter."""
    import unicodedata
    # case is folded after the skeleton: Greek Ν looks like N, its small ν like v
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    words = [_looks(w) for w in re.findall(r"[^\W_]+", re.sub(r"[.'’]", "", plain))]
    while len(words) > 1 and words[-1] in _SUFFIX_LOOKS:
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


def _when_text(value: date | datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else value.isoformat()


@dataclass(frozen=True)
class Valid:
    """A record that passed validation, with the source it came from."""

    src: Source
    rec: Any  # the kind's record model (MemberRecord, …; SiteRecord for site.yaml)
    logo: LogoFile | None = None  # its logo file, checked


@dataclass
class Validated:
    """What deriving/derive.py makes the site model of: site.yaml and every valid record, by kind
    (unpublished drafts too: whether they are left out is derive's choice)."""

    site: Valid | None  # None when one record is checked against a site checked before (serve)
    records: dict[str, list[Valid]] = field(default_factory=dict)


class Validator:
    def __init__(self, loaded: Loaded, problems: Problems, as_of: date, drafts: bool = False):
        self.loaded, self.problems, self.as_of, self.drafts = loaded, problems, as_of, drafts
        self.choices: dict[str, list[str]] = {
            "vendors": sorted(loaded.slugs.get("vendor", ())), "sponsors": sorted(loaded.slugs.get("vendor", ())),
            "guests": sorted(loaded.slugs.get("member", ()))}
        vendor_names = self._names("vendor")
        self.names: dict[str, dict[str, str]] = {"vendors": vendor_names, "sponsors": vendor_names,
                                                 "guests": self._names("member")}

    def run(self) -> Validated | None:
        site = self.site()
        cfg = site.rec if site is not None else None
        if cfg is not None:
            self.choices["specialties"] = sorted(cfg.specialties)
            self.names["specialties"] = {s.label: key for key, s in cfg.specialties.items()}
        records = {kind: [v for s in self.loaded.sources.get(kind, []) if (v := self.record(s, cfg))]
                   for kind in KINDS}
        self.same_company(records["member"])
        if site is None:
            return None
        self.site_rec = site.rec
        self.cross_reference(records)
        return Validated(site, records)

    def record(self, src: Source, cfg: SiteRecord | None) -> Valid | None:
        """One record of any kind: the kinds smbsite knows by name have checks of their own."""
        if src.kind == "member":
            return self.member(src, cfg)
        if src.kind == "event":
            return self.event(src, cfg)
        return {"vendor": self.vendor, "article": self.article, "page": self.page}.get(src.kind, self.generic)(src)

    def generic(self, src: Source) -> Valid | None:
        """A record of a kind declared with nothing to check beyond its model."""
        rec = check_record(src, KINDS[src.kind].record, self.problems)
        if rec is None:
            self.raw_markdown(src)
            return None
        return Valid(src, rec)

    def _names(self, kind: str) -> dict[str, str]:
        """The names records of a kind give themselves -> their slugs."""
        return {src.data["name"]: src.slug for src in self.loaded.sources.get(kind, [])
                if isinstance(src.data, dict) and isinstance(src.data.get("name"), str)}

    # --- one record each -------------------------------------------------------------

    def site(self) -> Valid | None:
        src = self.loaded.site
        if src is None:
            return None
        rec = check_record(src, SiteRecord, self.problems)
        if rec is None:
            return None
        if rec.colors is not None:
            for key, message, hint in brand_problems(rec.colors.brand, rec.colors.accent):
                line, col = src.pos.value(("colors", key))
                self.problems.error(src.path, line, col, message, hint)
        logo_file = logos.site_logo(src, rec.logo, self.problems) if rec.logo is not None else None
        return Valid(src, rec, logo_file)

    def member(self, src: Source, cfg: SiteRecord | None) -> Valid | None:
        rec = check_record(src, MemberRecord, self.problems, self.choices, self.names)
        if rec is None:
            self.raw_checks(src, cfg)
            return None
        if rec.joined > self.as_of:
            line, col = src.pos.value(("joined",))
            self.problems.warning(src.path, line, col, f"joined {rec.joined} is after today ({self.as_of})",
                                  "write the date the company became a member")
        if cfg is not None:
            self.specialties(src, enumerate(rec.specialties), cfg)
        self._duplicates(src, "specialties", rec.specialties)
        self._duplicates(src, "serves", rec.serves)
        self._duplicates(src, "vendors", rec.vendors)
        logo = logos.record_logo(src, rec.logo, self.loaded.root, self.problems) if rec.logo is not None else None
        return Valid(src, rec, logo)

    def vendor(self, src: Source) -> Valid | None:
        rec = check_record(src, VendorRecord, self.problems)
        if rec is None:
            self.raw_checks(src, None)
            return None
        for i, b in enumerate(rec.benefits):
            if b.starts and b.ends and b.ends < b.starts:
                line, col = src.pos.value(("benefits", i, "ends"))
                self.problems.error(src.path, line, col,
                                    f"benefit '{shorten(b.title)}' ends ({b.ends}) before it starts ({b.starts})")
            if b.ends and b.ends < self.as_of:
                line, col = src.pos.value(("benefits", i, "ends"))
                self.problems.warning(src.path, line, col,
                                      f"benefit '{shorten(b.title)}' expired on {b.ends} and is not shown",
                                      "remove it or set a new end date")
            elif b.ends and b.ends <= self.as_of + timedelta(days=EXPIRY_WARNING_DAYS):
                line, col = src.pos.value(("benefits", i, "ends"))
                self.problems.warning(src.path, line, col, f"benefit '{shorten(b.title)}' expires on {b.ends}",
                                      "renew it with the vendor or let it lapse")
        logo = logos.record_logo(src, rec.logo, self.loaded.root, self.problems) if rec.logo is not None else None
        return Valid(src, rec, logo)

    def event(self, src: Source, cfg: SiteRecord | None) -> Valid | None:
        rec = check_record(src, EventRecord, self.problems, self.choices, self.names)
        if rec is None:
            self.raw_checks(src, cfg)
            return None
        start, end, all_day = event_span(rec, rec.timezone or (cfg.timezone if cfg else "UTC"))
        if rec.ends is not None and sort_key_when(rec.ends) < sort_key_when(rec.starts):
            line, col = src.pos.value(("ends",))
            self.problems.error(src.path, line, col, f"ends ({rec.ends}) is before starts ({rec.starts})")
        if all_day and isinstance(rec.ends, datetime):
            line, col = src.pos.value(("ends",))
            self.problems.error(src.path, line, col, "starts is a date but ends has a time",
                                "give both a time, or neither")
        if rec.type == "radio" and not rec.stations:
            self.radio_without_stations(src)
        first_day, last_day = start.date(), (end - timedelta(microseconds=1)).date()
        for i, s in enumerate(rec.sessions):
            if s.ends is not None and sort_key_when(s.ends) < sort_key_when(s.starts):
                line, col = src.pos.value(("sessions", i, "ends"))
                self.problems.error(src.path, line, col,
                                    f"session '{shorten(s.title)}' ends ({_when_text(s.ends)}) before it starts "
                                    f"({_when_text(s.starts)})")
            for key, when in (("starts", s.starts), ("ends", s.ends)):
                if when is None:
                    continue
                day = when.date() if isinstance(when, datetime) else when
                # (when the event itself ends before it starts, that is the error to report)
                if first_day <= last_day and not first_day <= day <= last_day:
                    line, col = src.pos.value(("sessions", i, key))
                    self.problems.error(src.path, line, col,
                                        f"session '{shorten(s.title)}' {key} {_when_text(when)} is outside the event "
                                        f"({first_day} to {last_day})")
        if rec.register_by is not None and first_day <= last_day and rec.register_by > last_day:
            line, col = src.pos.value(("register_by",))
            self.problems.error(src.path, line, col,
                                f"register_by ({rec.register_by}) is after the event's last day ({last_day})")
        self._duplicates(src, "sponsors", rec.sponsors)
        self._duplicates(src, "guests", rec.guests)
        self.speaker_members(src)
        return Valid(src, rec)

    def article(self, src: Source) -> Valid | None:
        rec = check_record(src, ArticleMeta, self.problems)
        self.body_placeholder(src)
        if rec is None:
            self.raw_markdown(src)
            return None
        return Valid(src, rec)

    def body_placeholder(self, src: Source) -> None:
        """An article left as `smbsite new` wrote it must not pass the check."""
        for i, line in enumerate(LINES.split(src.body)):
            if PLACEHOLDER in line:
                self.problems.error(src.path, src.body_line + i, line.index(PLACEHOLDER) + 1,
                                    f"replace the placeholder '{PLACEHOLDER}' in the text")

    def page(self, src: Source) -> Valid | None:
        rec = check_record(src, PageMeta, self.problems)
        if rec is None:
            self.raw_markdown(src)
            return None
        published = not rec.draft or self.drafts
        if published and src.slug in RESERVED_PAGE_SLUGS:
            self.problems.error(src.path, 1, 1, f"a page cannot be called '{src.slug}': /{src.slug}/ belongs to the site",
                                "rename the file")
            return None
        return Valid(src, rec)

    def same_company(self, members: list[Valid]) -> None:
        """Two records for one company (a copy saved under another file name, the name in
        other case or with 'LLC' added, the same web site): an error at the later file, in
        the order of file names without their extension (acme.yaml, then acme-llc.yaml)."""
        rules = (("name", lambda m: company_key(m.rec.name), lambda r: r.name, "a member named '{}'"),
                 ("website", lambda m: _looks(website_host(m.rec.website)), lambda r: website_host(r.website),
                  "a member with the web site {}"))
        for key_name, key_of, shown_of, what in rules:
            first: dict[str, Valid] = {}
            for m in sorted(members, key=lambda m: (m.src.slug, m.src.path)):
                key = key_of(m)
                if key in first:
                    other = first[key].src
                    line, col = m.src.pos.value((key_name,))
                    shown = shown_of(first[key].rec)
                    message = f"{other.path} already lists " + what.format(shorten(shown))
                    hint = f"edit {other.path} instead of adding a second file for the same company"
                    odd_here, odd_there = look_alikes(shown_of(m.rec)), look_alikes(shown)
                    if odd_here != odd_there:
                        # the same look from other letters: a visitor could not tell the two apart
                        message += ", which looks the same as this one"
                        whose = "this name" if odd_here else f"the name in {other.path}"
                        hint += f"; {whose} uses look-alike letters ({'; '.join((odd_here or odd_there)[:3])})"
                    self.problems.error(m.src.path, line, col, message, hint)
                elif key:
                    first[key] = m

    # --- helpers ----------------------------------------------------------------------

    def specialties(self, src: Source, keys: Iterable[tuple[int, str]], cfg: SiteRecord) -> None:
        for i, key in keys:
            if key not in cfg.specialties:
                line, col = src.pos.value(("specialties", i))
                self.problems.error(src.path, line, col, f"unknown specialty '{shorten(key)}'",
                                    messages.reference_hint("specialty", key, cfg.specialties,
                                                            self.names.get("specialties")))

    def radio_without_stations(self, src: Source) -> None:
        line, col = src.pos.value(("type",))
        self.problems.error(src.path, line, col, "a radio episode needs 'stations' (city, state, station)",
                            "add stations: [{city: Fresno, state: CA, station: KXYZ 1340 AM}]")

    def raw_checks(self, src: Source, cfg: SiteRecord | None) -> None:
        """The checks beyond the schema, on a record the schema rejected: every mistake of a
        file is reported in one run, not one round of fixes at a time."""
        data = src.data

        def valid_slugs(key: str) -> list[tuple[int, str]]:
            items = data.get(key)
            if not isinstance(items, list):
                return []
            return [(i, v) for i, v in enumerate(items) if isinstance(v, str) and len(v) <= 64 and SLUG_RE.match(v)]

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
        kind = KINDS[src.kind]
        fields: list[tuple] = [path for path in kind.markdown if len(path) == 1]
        for key, sub in (path for path in kind.markdown if len(path) == 2):
            items = data.get(key)
            fields += [(key, i, sub) for i in range(len(items))] if isinstance(items, list) else []
        if kind.front_matter:
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
                self.problems.error(src.path, line, col, f"'{shorten(value)}' is listed twice in {key}")
            seen.add(value)

    # --- references between records ----------------------------------------------------

    def cross_reference(self, records: dict[str, list[Valid]]) -> None:
        """Every vendor, sponsor and guest a record names is a record of the site."""
        # a slug of a file with errors of its own is known: reporting it here too would be noise
        known_vendors = self.loaded.slugs.get("vendor", set()) | {v.src.slug for v in records["vendor"]}
        known_members = self.loaded.slugs.get("member", set()) | {m.src.slug for m in records["member"]}
        refs = {"member": (("vendors", "vendor", known_vendors),),
                "event": (("sponsors", "vendor", known_vendors), ("guests", "member", known_members))}
        self.home_references(known_members, self.loaded.slugs.get("page", set()) | {p.src.slug for p in records["page"]})
        for kind, fields in refs.items():
            for valid in records[kind]:
                for key, what, known in fields:
                    for i, slug in enumerate(getattr(valid.rec, key)):
                        if slug not in known:
                            self._unknown(valid.src.path, valid.src.pos, (key, i), what, slug, known)

    def home_references(self, members: set[str], pages: set[str]) -> None:
        """The home page's quote names a member, its pillars the pages that tell more."""
        site = self.loaded.site
        home = getattr(self.site_rec, "home", None)
        if site is None or home is None:
            return
        if home.quote is not None and home.quote.member not in members:
            self._unknown(site.path, site.pos, ("home", "quote", "member"), "member", home.quote.member, members)
        for i, pillar in enumerate(home.pillars):
            if pillar.page is not None and pillar.page not in pages:
                self._unknown(site.path, site.pos, ("home", "pillars", i, "page"), "page", pillar.page, pages)

    def _unknown(self, source: str, pos: Any, path: tuple, what: str, slug: str, known: Iterable[str]) -> None:
        """A reference to a vendor or member that no file of the site defines."""
        line, col = pos.value(path)
        self.problems.error(source, line, col, f"unknown {what} '{slug}'",
                            messages.reference_hint(what, slug, known, self.names.get(path[0])))


def validate(loaded: Loaded, problems: Problems, as_of: date, drafts: bool = False) -> Validated | None:
    """Every record checked; None when site.yaml itself is not valid (nothing can be derived)."""
    return Validator(loaded, problems, as_of, drafts).run()
