"""Stage 2, validate: raw documents -> the typed content model, or problems at file:line:col."""
from __future__ import annotations

import re
import typing
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from .content import (Article, Benefit, Event, Member, Page, SessionItem, SiteConfig, SiteModel, Vendor,
                      sort_key_when)
from .load import Loaded, Source
from .model import (NATIONWIDE, PLACEHOLDER, ArticleMeta, EventRecord, MemberRecord, PageMeta, Record,
                    SiteRecord, VendorRecord)
from .problems import Problems, did_you_mean

LOGO_TYPES = {".png", ".jpg", ".jpeg", ".webp", ".svg"}
LOGO_MAX = 512 * 1024
EXPIRY_WARNING_DAYS = 30
RESERVED_PAGE_SLUGS = {"members", "partners", "regions", "vendors", "events", "radio", "articles",
                       "static", "feed", "sitemap", "robots", "404", "members-json", "index"}

TYPE_MESSAGES = {
    "string_type": "expected text", "int_type": "expected a whole number",
    "int_parsing": "expected a whole number", "int_from_float": "expected a whole number",
    "bool_type": "expected true or false", "bool_parsing": "expected true or false",
    "list_type": "expected a list", "model_type": "expected fields (name: value lines)",
    "dict_type": "expected fields (name: value lines)", "model_attributes_type": "expected fields (name: value lines)",
    "date_type": "expected a date written YYYY-MM-DD", "date_parsing": "expected a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "expected a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "expected a date written YYYY-MM-DD",
    "string_too_short": "must not be empty", "none_required": "must be empty",
}


def _unwrap(tp: Any) -> Any:
    """The model class behind Annotated/Optional/list/dict, if any."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (list, dict) or origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        for arg in typing.get_args(tp):
            found = _unwrap(arg)
            if found is not None:
                return found
        return None
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, str) and part in current.model_fields:
            current = _unwrap(current.model_fields[part].annotation)
    return current


def _label(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def report_validation_error(src: Source, model: type[BaseModel], exc: ValidationError, problems: Problems) -> None:
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if p != "[key]")
        on_key = "[key]" in err["loc"]
        kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
        field = _label(loc)
        hint = ""
        if kind == "missing":
            line, col = src.pos.value(loc[:-1])
            message = f"missing required field '{loc[-1]}'"
            where = _label(loc[:-1])
            if where:
                message += f" in {where}"
            hint = f"add a line '{loc[-1]}: …'"
        elif kind == "extra_forbidden":
            line, col = src.pos.key(loc)
            sub = _model_at(model, loc[:-1])
            allowed = list(sub.model_fields) if sub else []
            message = f"unknown field '{loc[-1]}'"
            hint = did_you_mean(str(loc[-1]), allowed) or (
                f"allowed here: {', '.join(allowed)}" if allowed else "")
        else:
            line, col = src.pos.key(loc) if on_key else src.pos.value(loc)
            if kind == "literal_error":
                choices = re.findall(r"'([^']*)'", ctx.get("expected", ""))
                message = f"{field}: '{value}' is not one of {', '.join(choices)}"
                hint = did_you_mean(str(value), choices)
            elif kind == "string_pattern_mismatch" and "a-z0-9" in str(ctx.get("pattern", "")):
                message = f"{field}: '{value}' is not a valid slug (lowercase letters, digits, single hyphens)"
            elif kind in ("string_too_long", "too_long"):
                unit = "characters" if kind == "string_too_long" else "items"
                message = f"{field}: at most {ctx.get('max_length')} {unit} allowed"
                if kind == "string_too_long" and isinstance(value, str):
                    message += f", this has {len(value)}"
            elif kind == "too_short":
                n = ctx.get("min_length", 1)
                message = f"{field}: needs at least {n} item{'s' if n != 1 else ''}"
            elif kind in ("greater_than", "greater_than_equal"):
                message = f"{field}: must be a positive number"
            elif kind in TYPE_MESSAGES:
                message = f"{field}: {TYPE_MESSAGES[kind]}"
            else:
                message = f"{field}: {err['msg'][0].lower()}{err['msg'][1:]}" if err["msg"] else field
        problems.error(src.path, line, col, message, hint)


def _check(src: Source, model: type[Record], problems: Problems) -> Record | None:
    try:
        return model.model_validate(src.data)
    except ValidationError as exc:
        report_validation_error(src, model, exc, problems)
        return None


def _base_parts(base_url: str) -> tuple[str, str]:
    m = re.match(r"^(https?://[^/]+)(/.*)?$", base_url)
    origin, path = (m.group(1), m.group(2) or "/") if m else ("", "/")
    return origin, path if path.endswith("/") else path + "/"


def _letter(name: str) -> str:
    import unicodedata
    first = unicodedata.normalize("NFKD", name.strip())[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def _in_zone(value: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=zone)
    return datetime.combine(value, time(0), zone)


class Validator:
    def __init__(self, loaded: Loaded, problems: Problems, as_of: date, drafts: bool = False,
                 base_url: str | None = None):
        self.loaded, self.problems, self.as_of, self.drafts = loaded, problems, as_of, drafts
        self.base_url = base_url

    def run(self) -> SiteModel | None:
        cfg = self.site()
        members = [m for s in self.loaded.sources.get("member", []) if (m := self.member(s, cfg))]
        vendors = [v for s in self.loaded.sources.get("vendor", []) if (v := self.vendor(s))]
        events = [e for s in self.loaded.sources.get("event", []) if (e := self.event(s, cfg))]
        articles = [a for s in self.loaded.sources.get("article", []) if (a := self.article(s, cfg))]
        pages = [p for s in self.loaded.sources.get("page", []) if (p := self.page(s))]
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

    # --- one record each -------------------------------------------------------------

    def site(self) -> SiteConfig | None:
        src = self.loaded.site
        if src is None:
            return None
        rec = _check(src, SiteRecord, self.problems)
        if rec is None:
            return None
        data = dict(rec)
        if self.base_url:
            data["base_url"] = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
        origin, path = _base_parts(data["base_url"])
        return SiteConfig.model_construct(**data, origin=origin, base_path=path)

    def member(self, src: Source, cfg: SiteConfig | None) -> Member | None:
        rec = _check(src, MemberRecord, self.problems)
        if rec is None:
            return None
        m = Member.model_construct(**dict(rec), slug=src.slug, source=src.path, pos=src.pos,
                                   url=f"/members/{src.slug}/", letter=_letter(rec.name))
        m.serves_all = NATIONWIDE in rec.serves
        if cfg is not None:
            for i, key in enumerate(rec.specialties):
                if key not in cfg.specialties:
                    line, col = src.pos.value(("specialties", i))
                    self.problems.error(src.path, line, col, f"unknown specialty '{key}'",
                                        did_you_mean(key, cfg.specialties) or
                                        "the specialties are listed in site.yaml")
            m.specialty_list = [(k, cfg.specialties[k]) for k in dict.fromkeys(rec.specialties)
                                if k in cfg.specialties]
        self._duplicates(src, "specialties", rec.specialties)
        self._duplicates(src, "serves", rec.serves)
        self._duplicates(src, "vendors", rec.vendors)
        if rec.logo is not None:
            m.logo_url = self.logo(src, rec.logo, f"/members/{src.slug}/")
        return m

    def vendor(self, src: Source) -> Vendor | None:
        rec = _check(src, VendorRecord, self.problems)
        if rec is None:
            return None
        v = Vendor.model_construct(**dict(rec), slug=src.slug, source=src.path, pos=src.pos,
                                   url=f"/vendors/{src.slug}/")
        benefits = []
        for i, b in enumerate(rec.benefits):
            benefit = Benefit.model_construct(**dict(b), vendor=v)
            if b.starts and b.ends and b.ends < b.starts:
                line, col = src.pos.value(("benefits", i, "ends"))
                self.problems.error(src.path, line, col, f"benefit '{b.title}' ends before it starts ({b.starts})")
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
            v.logo_url = self.logo(src, rec.logo, f"/vendors/{src.slug}/")
        return v

    def event(self, src: Source, cfg: SiteConfig | None) -> Event | None:
        rec = _check(src, EventRecord, self.problems)
        if rec is None:
            return None
        zone_name = rec.timezone or (cfg.timezone if cfg else "UTC")
        zone = ZoneInfo(zone_name)
        e = Event.model_construct(**dict(rec), slug=src.slug, source=src.path, pos=src.pos,
                                  url=f"/events/{src.slug}/", ics_url=f"/events/{src.slug}.ics", zone=zone_name)
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
            line, col = src.pos.value(())
            self.problems.error(src.path, line, col, "a radio episode needs 'stations' (city, state, station)",
                                "add stations: [{city: Fresno, state: CA, station: KXYZ 1340 AM}]")
        first_day, last_day = e.start.date(), (e.end - timedelta(microseconds=1)).date()
        days: dict[date, list] = {}
        e.sessions = [SessionItem.model_construct(**dict(s), start=_in_zone(s.starts, zone),
                                                  end=_in_zone(s.ends, zone) if s.ends else None)
                      for s in rec.sessions]
        for i, s in enumerate(e.sessions):
            s_start = sort_key_when(s.starts)
            if s.ends is not None and sort_key_when(s.ends) < s_start:
                line, col = src.pos.value(("sessions", i, "ends"))
                self.problems.error(src.path, line, col, f"session '{s.title}' ends before it starts")
            for key, when in (("starts", s.starts), ("ends", s.ends)):
                if when is None:
                    continue
                day = when.date() if isinstance(when, datetime) else when
                if not first_day <= day <= last_day:
                    line, col = src.pos.value(("sessions", i, key))
                    self.problems.error(src.path, line, col,
                                        f"session '{s.title}' {key} {when} is outside the event "
                                        f"({first_day} to {last_day})")
            days.setdefault(s_start.date(), []).append(s)
        e.session_days = [(d, sorted(ss, key=lambda s: (sort_key_when(s.starts), s.title)))
                          for d, ss in sorted(days.items())]
        e.upcoming = e.end.date() > self.as_of if e.all_day else e.end.astimezone(zone).date() >= self.as_of
        self._duplicates(src, "sponsors", rec.sponsors)
        self._duplicates(src, "guests", rec.guests)
        return e

    def article(self, src: Source, cfg: SiteConfig | None) -> Article | None:
        rec = _check(src, ArticleMeta, self.problems)
        self.body_placeholder(src)
        if rec is None or (rec.draft and not self.drafts):
            return None
        zone = ZoneInfo(cfg.timezone if cfg else "UTC")
        return Article.model_construct(**dict(rec), slug=src.slug, source=src.path, pos=src.pos,
                                       url=f"/articles/{src.slug}/", body=src.body, body_line=src.body_line,
                                       published=_in_zone(rec.date, zone))

    def body_placeholder(self, src: Source) -> None:
        """An article left as `smbsite new` wrote it must not pass the check."""
        for i, line in enumerate(src.body.splitlines()):
            if PLACEHOLDER in line:
                self.problems.error(src.path, src.body_line + i, line.index(PLACEHOLDER) + 1,
                                    f"replace the placeholder '{PLACEHOLDER}' in the text")

    def page(self, src: Source) -> Page | None:
        rec = _check(src, PageMeta, self.problems)
        if rec is None or (rec.draft and not self.drafts):
            return None
        if src.slug in RESERVED_PAGE_SLUGS:
            self.problems.error(src.path, 1, 1, f"a page cannot be called '{src.slug}': /{src.slug}/ belongs to the site",
                                "rename the file")
            return None
        return Page.model_construct(**dict(rec), slug=src.slug, source=src.path, pos=src.pos,
                                    url=f"/{src.slug}/", body=src.body, body_line=src.body_line)

    # --- helpers ----------------------------------------------------------------------

    def _duplicates(self, src: Source, key: str, values: list[str]) -> None:
        seen: set[str] = set()
        for i, value in enumerate(values):
            if value in seen:
                line, col = src.pos.value((key, i))
                self.problems.error(src.path, line, col, f"'{value}' is listed twice in {key}")
            seen.add(value)

    def logo(self, src: Source, logo: str, folder_url: str) -> str | None:
        line, col = src.pos.value(("logo",))
        name = Path(logo).name
        if name != logo or logo.startswith("."):
            self.problems.error(src.path, line, col, f"logo '{logo}' must be a file name beside the record",
                                f"put the file next to {src.path} and write just its name")
            return None
        if Path(logo).suffix.lower() not in LOGO_TYPES:
            self.problems.error(src.path, line, col, f"logo '{logo}' must be a png, jpg, webp or svg file")
            return None
        file = src.file.parent / logo
        if not file.is_file():
            siblings = [p.name for p in src.file.parent.iterdir() if p.suffix.lower() in LOGO_TYPES]
            self.problems.error(src.path, line, col, f"logo file '{logo}' not found beside {src.path}",
                                did_you_mean(logo, siblings))
            return None
        size = file.stat().st_size
        if size > LOGO_MAX:
            self.problems.error(src.path, line, col, f"logo '{logo}' is {size // 1024} KB; at most 512 KB allowed",
                                "export it smaller (a 400 px wide PNG or an SVG is plenty)")
            return None
        return f"{folder_url}logo{Path(logo).suffix.lower()}"

    # --- references between records ----------------------------------------------------

    def cross_reference(self, site: SiteModel) -> None:
        vendors, members = site.vendor_by_slug, site.member_by_slug
        for m in site.members:
            for i, slug in enumerate(m.vendors):
                if slug not in vendors:
                    self._unknown(m, ("vendors", i), "vendor", slug, vendors)
            m.vendor_list = [vendors[s] for s in m.vendors if s in vendors]
            for v in m.vendor_list:
                v.members.append(m)
        for e in site.events:
            for i, slug in enumerate(e.sponsors):
                if slug not in vendors:
                    self._unknown(e, ("sponsors", i), "vendor", slug, vendors)
            for i, slug in enumerate(e.guests):
                if slug not in members:
                    self._unknown(e, ("guests", i), "member", slug, members)
            e.sponsor_list = [vendors[s] for s in e.sponsors if s in vendors]
            e.guest_list = [members[s] for s in e.guests if s in members]

    def _unknown(self, rec: Any, path: tuple, what: str, slug: str, known: dict) -> None:
        line, col = rec.pos.value(path)
        folder = "vendors" if what == "vendor" else "members"
        self.problems.error(rec.source, line, col, f"unknown {what} '{slug}'",
                            did_you_mean(slug, known) or f"no {folder}/{slug}.yaml in this site")


def validate(loaded: Loaded, problems: Problems, as_of: date, drafts: bool = False,
             base_url: str | None = None) -> SiteModel | None:
    return Validator(loaded, problems, as_of, drafts, base_url).run()
