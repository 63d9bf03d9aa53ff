"""Stage 2, validate: raw documents -> the typed content model, or problems at file:line:col."""
from __future__ import annotations

import difflib
import hashlib
import re
import typing
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from . import imaging
from .colors import brand_problems
from .content import (construct, Article, Benefit, Event, Member, Page, SessionItem, SiteConfig, SiteModel, Vendor,
                      sort_key_when)
from .imaging import LogoFile
from .load import LINES, LOGO_TYPES, Loaded, Source
from .model import (NATIONWIDE, PLACEHOLDER, SLUG_RE, US_STATES, WEEKDAYS, ArticleMeta, EventRecord, MemberRecord,
                    PageMeta, Record, SiteRecord, VendorRecord)
from . import messages
from .images import logo_content_problems
from .markdown import MarkdownRenderer, needs_check, source_mapper
from .problems import Problems, did_you_mean
from .safefs import link_problem, special_kind
from .slugify import slugify

LOGO_MAX = 512 * 1024
EXPIRY_WARNING_DAYS = 30
RESERVED_PAGE_SLUGS = {"members", "partners", "regions", "vendors", "events", "radio", "articles", "add-your-company",
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
    """A field's path as a member reads it: ('benefits', 0, 'type') -> 'benefits › item 1 › type'."""
    return " › ".join(f"item {part + 1}" if isinstance(part, int) else str(part) for part in loc)


FOUND_MAX = 40  # characters of a wrong value quoted back in a message


def _found(value: Any, written: str | None = None) -> str:
    """What was written instead, so the message shows why it was not accepted; `written`
    is the source text of a value YAML 1.1 read as something else (Yes, 12:30, 010)."""
    if written is not None and value is not None and not isinstance(value, str):
        shown = _found(value)[len(", found "):]
        if written != shown and written != str(value):
            return f", found {written}, which YAML reads as {shown}"
    if value is None:
        return ", found nothing"
    if isinstance(value, bool):
        return f", found {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f", found the number {value}"
    if isinstance(value, (date, datetime)):
        return f", found the date {value}"
    if isinstance(value, list):
        return ", found a list"
    if isinstance(value, dict):
        return ", found fields (name: value lines)"
    text = str(value)
    return f", found '{text if len(text) <= FOUND_MAX else text[:FOUND_MAX - 1] + '…'}'"


def _quote_hint(key: Any, value: Any, written: str | None = None) -> str:
    """Quoting makes YAML keep what was written as text: quote that, not YAML's reading of it."""
    if isinstance(value, (bool, int, float, date)) and isinstance(key, str):
        text = written if written is not None else str(value)
        return f'put it in quotes: {key}: "{text}"'
    return ""


# What members write for a state instead of its postal code: the AP style abbreviations
# newspapers use (as in "Buena Park, Calif.") and a few short forms.
STATE_ALIASES = {
    "ala": "AL", "ariz": "AZ", "ark": "AR", "cal": "CA", "calif": "CA", "colo": "CO", "conn": "CT", "del": "DE",
    "fla": "FL", "ill": "IL", "ind": "IN", "kan": "KS", "kans": "KS", "mass": "MA", "mich": "MI", "minn": "MN",
    "miss": "MS", "mont": "MT", "neb": "NE", "nebr": "NE", "nev": "NV", "okla": "OK", "ore": "OR", "oreg": "OR",
    "penn": "PA", "tenn": "TN", "tex": "TX", "wash": "WA", "wva": "WV", "wis": "WI", "wisc": "WI", "wyo": "WY",
    "washingtondc": "DC", "usvi": "VI", "virginislands": "VI",
}


def _squash(text: str) -> str:
    return re.sub(r"[\s.,'’-]+", "", text).casefold()


def _state_hint(value: Any) -> str:
    """'Calif.', 'California' or 'Califronia' -> did you mean 'CA' (California)?"""
    if not isinstance(value, str) or not value.strip():
        return ""
    known = {_squash(name): code for code, name in US_STATES.items()}
    known.update(STATE_ALIASES)
    key = _squash(value)
    code = known.get(key) or (key.upper() if key.upper() in US_STATES else None)
    if code is None:
        close = difflib.get_close_matches(key, [k for k in known if len(k) > 3], n=1, cutoff=0.8)
        code = known[close[0]] if close else None
    return f"did you mean '{code}' ({US_STATES[code]})?" if code else ""


BARE_ADDRESS = r"^(www\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/\S*)?$"  # a web address without http(s)://


def _url_hint(value: Any) -> str:
    """A web address written without its scheme: show it with one."""
    if isinstance(value, str) and re.match(BARE_ADDRESS, value.strip()):
        return f"write it in full: https://{value.strip()}"
    return ""


MONTHS = {name.casefold(): i for i, name in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"], 1)}


def _date_hint(value: Any, timed: bool = False) -> str:
    """The YYYY-MM-DD form of a date written another way, when it can be read without guessing wildly.
    timed: the field also takes a local date-time (YYYY-MM-DDTHH:MM)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return messages.date_number_hint(value)
    if not isinstance(value, str):
        return ""
    text = value.strip()

    def show(y: int, m: int, d: int | None = None) -> str:
        try:
            day = date(y, m, d or 1)
        except ValueError:
            return ""
        if d is None:
            return f"write the day too, as YYYY-MM-DD, e.g. {day.isoformat()}"
        return f"write it as YYYY-MM-DD: {day.isoformat()} for {day:%B} {day.day}, {day.year}"

    m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    if m:  # a US association: month first, unless the first number cannot be a month
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return show(y, b, a) if a > 12 else show(y, a, b)
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
    if m:
        return show(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(:\d{2})?", text)
    if m and not timed:
        return f"this field is a date without a time: write {m.group(1)}"
    if m:
        return f"write it as YYYY-MM-DDTHH:MM: {m.group(1)}T{int(m.group(2)):02d}:{m.group(3)}"
    words = re.findall(r"[A-Za-z]+|\d+", text)
    months = [MONTHS[w.casefold()] for w in words if w.casefold() in MONTHS]
    numbers = [int(w) for w in words if w.isdigit()]
    years = [n for n in numbers if 1900 <= n <= 2999]
    days = [n for n in numbers if 1 <= n <= 31]
    if len(months) == 1 and len(years) == 1 and len(numbers) <= 2:
        return show(years[0], months[0], days[0] if len(numbers) == 2 and days else None)
    return ""


def _value_hint(kind: str, value: Any) -> str:
    """A fix for a value of the wrong form, when what was meant can be seen."""
    if kind == "state":
        return _state_hint(value)
    if kind == "url":
        return _url_hint(value)
    if kind == "clock_number" and isinstance(value, int):
        # a whole number meant as an hour (18) or as a 24-hour clock without its colon (1830)
        hour, minute = (value, 0) if value < 24 else divmod(value, 100)
        if 0 <= hour < 24 and 0 <= minute < 60:
            return f'write it as a time: "{hour:02d}:{minute:02d}"'
        return 'write the time as "18:00" or "6:30 PM"'
    if kind == "weekday" and isinstance(value, str):
        return did_you_mean(value.strip().capitalize(), list(WEEKDAYS))
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return _date_hint(value)
    if kind == "datetime":
        return _date_hint(value, timed=True)
    if isinstance(value, str) and (value.strip()[:1] in ("\u201c", "\u2018", "\u201e")
                                   or value.strip()[-1:] in ("\u201d", "\u2019")):
        # a value wrapped in the quotes a word processor makes: YAML keeps them as text
        return "use straight quotes (\") instead of curly ones (\u201c \u201d)"
    return ""


PATTERN_MESSAGES = {"language": "expected a language code such as en or en-US",
                    "cname": "expected a domain name such as www.smbtn.org (no https://, no path)"}
REFERENCE_FIELDS = {"specialties": "specialty", "vendors": "vendor", "sponsors": "vendor", "guests": "member"}


def _placeholder_at(src: Source, loc: tuple, value: Any) -> tuple[int, int]:
    """Where the placeholder is written inside the value at loc (line 95 of a description,
    not the 'description: |' line), else where the value starts."""
    line, col = src.pos.value(loc)
    if not isinstance(value, str) or PLACEHOLDER not in value:
        return line, col
    before = value[:value.index(PLACEHOLDER)]
    in_line = before.count("\n") + 1
    in_col = len(before) - (before.rfind("\n") + 1) + 1
    to_file = source_mapper(line, col, src.pos.style(loc), src.text.splitlines())
    return to_file(in_line, in_col)


def report_validation_error(src: Source, model: type[BaseModel], exc: ValidationError, problems: Problems,
                            choices: dict[str, list[str]] | None = None,
                            names: dict[str, dict[str, str]] | None = None) -> None:
    """Pydantic's errors in words a member understands, each at the value it is about.

    `choices` holds the known values of reference fields (specialty keys, vendor
    and member slugs) so that a malformed one still gets a did-you-mean, and `names`
    their display names (a specialty's label -> its key) for a member who wrote those.
    """
    choices = choices or {}
    errors = exc.errors(include_url=False)
    # a misspelt required field ('Specialties') is one mistake: the unknown field's
    # did-you-mean fixes it, so "missing 'specialties'" would only be noise
    misspelt = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            sub = _model_at(model, err["loc"][:-1])
            close = difflib.get_close_matches(str(err["loc"][-1]), list(sub.model_fields) if sub else [], n=1,
                                              cutoff=0.6)
            misspelt.update((err["loc"][:-1], c) for c in close)
    for err in errors:
        if err["type"] == "missing" and (err["loc"][:-1], err["loc"][-1]) in misspelt:
            continue
        loc = tuple(p for p in err["loc"] if p != "[key]")
        on_key = "[key]" in err["loc"]
        kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
        field = _label(loc)
        last = next((p for p in reversed(loc) if isinstance(p, str)), "")
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
            if len(loc) > 1:
                message += f" in {_label(loc[:-1])}"
            hint = did_you_mean(str(loc[-1]), allowed) or (
                f"allowed here: {', '.join(allowed)}" if allowed else "")
        else:
            line, col = src.pos.key(loc) if on_key else src.pos.value(loc)
            written = None if on_key else src.pos.text(loc)
            if kind == "literal_error":
                options = re.findall(r"'([^']*)'", ctx.get("expected", ""))
                message = f"{field}: '{value}' is not one of {', '.join(options)}"
                hint = did_you_mean(str(value), options)
            elif kind == "string_pattern_mismatch" and ctx.get("pattern") == SLUG_RE.pattern:
                ref = REFERENCE_FIELDS.get(str(loc[0])) if len(loc) == 2 and not on_key else None
                if ref is not None and str(loc[0]) in choices:
                    message = f"unknown {ref} '{value}'"
                    hint = messages.reference_hint(ref, str(value), choices[str(loc[0])],
                                                   (names or {}).get(str(loc[0])))
                    if isinstance(value, str) and " - " in value:
                        # '- cabling' with '  - voip' indented under it reads as one item
                        hint = "start each item on its own line with '- ', all in the same column"
                else:
                    message = (f"{field}: '{value}' is not a valid name: use lowercase letters, digits "
                               "and single hyphens")
                    hint = f"e.g. {slugify(str(value))}" if slugify(str(value)) else ""
            elif kind == "placeholder":
                line, col = _placeholder_at(src, loc, value)
                message = f"{field}: {messages.placeholder_message(PLACEHOLDER)}"
            elif kind == "string_pattern_mismatch" and last in PATTERN_MESSAGES:
                message = f"{field}: {PATTERN_MESSAGES[last]}{_found(value, written)}"
            elif kind in ("string_too_long", "too_long"):
                unit = "characters" if kind == "string_too_long" else "items"
                message = f"{field}: at most {ctx.get('max_length')} {unit} allowed"
                if kind == "string_too_long" and isinstance(value, str):
                    message += f", this has {len(value)}"
                elif ctx.get("actual_length"):
                    message += f", this has {ctx['actual_length']}"
            elif kind == "too_short":
                n = ctx.get("min_length", 1)
                message = f"{field}: needs at least {n} item{'s' if n != 1 else ''}"
            elif kind in ("greater_than", "greater_than_equal"):
                message = f"{field}: must be a positive number{_found(value, written)}"
            elif kind == "string_too_short":
                message = f"{field}: must not be empty"
            elif kind == "string_type":
                message = f"{field}: expected text{_found(value, written)}"
                hint = (f"write a value after '{last}:'" if value is None and last
                        else _quote_hint(last, value, written))
            elif kind == "list_type":
                message = f"{field}: expected a list{_found(value, written)}"
                if isinstance(value, str):
                    hint = messages.list_hint(value)
            elif kind in TYPE_MESSAGES:
                message = f"{field}: {TYPE_MESSAGES[kind]}{_found(value, written)}"
            else:
                message = f"{field}: {err['msg'][0].lower()}{err['msg'][1:]}" if err["msg"] else field
                if kind in ("email", "phone", "datetime", "duration", "weekday", "clock", "clock_number"):
                    message += _found(value, written)
                if kind == "legacy_number":
                    hint = f"write the number in plain digits, e.g. {last}: {ctx['meant']}"
                elif kind == "local_dt":
                    # an event has a 'timezone' field of its own; an article's times are in site.yaml's
                    hint = f"write the local time without the offset, e.g. {last}: {ctx['local']}" + (
                        "; the event's 'timezone' field says where it is (default: site.yaml's timezone)"
                        if src.kind == "event" else "; it is read in site.yaml's timezone")
            hint = hint or str(ctx.get("hint", "")) or _value_hint(kind, value)
        problems.error(src.path, line, col, message, hint)


def _check(src: Source, model: type[Record], problems: Problems, choices: dict[str, list[str]] | None = None,
           names: dict[str, dict[str, str]] | None = None) -> Record | None:
    try:
        return model.model_validate(src.data)
    except ValidationError as exc:
        report_validation_error(src, model, exc, problems, choices, names)
        return None


AGENDA_DAYS_MAX = 31  # an agenda lists every day of an event up to this long, else the days with sessions

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
        rec = _check(src, SiteRecord, self.problems)
        if rec is None:
            return None
        data = dict(rec)
        if rec.colors is not None:
            for key, message, hint in brand_problems(rec.colors.brand, rec.colors.accent):
                line, col = src.pos.value(("colors", key))
                self.problems.error(src.path, line, col, message, hint)
        logo_file = self.site_logo(src, rec.logo) if rec.logo is not None else None
        if self.base_url:
            data["base_url"] = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
        origin, path = _base_parts(data["base_url"])
        return construct(SiteConfig, **data, origin=origin, base_path=path, logo_file=logo_file)

    def member(self, src: Source, cfg: SiteConfig | None) -> Member | None:
        rec = _check(src, MemberRecord, self.problems, self.choices, self.names)
        if rec is None:
            self.raw_checks(src, cfg)
            return None
        m = construct(Member, **dict(rec), slug=src.slug, source=src.path, pos=src.pos,
                                   url=f"/members/{src.slug}/", letter=_letter(rec.name))
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
            m.logo_file = self.logo(src, rec.logo)
        return m

    def vendor(self, src: Source) -> Vendor | None:
        rec = _check(src, VendorRecord, self.problems)
        if rec is None:
            self.raw_checks(src, None)
            return None
        v = construct(Vendor, **dict(rec), slug=src.slug, source=src.path, pos=src.pos,
                                   url=f"/vendors/{src.slug}/")
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
            v.logo_file = self.logo(src, rec.logo)
        return v

    def event(self, src: Source, cfg: SiteConfig | None) -> Event | None:
        rec = _check(src, EventRecord, self.problems, self.choices, self.names)
        if rec is None:
            self.raw_checks(src, cfg)
            return None
        zone_name = rec.timezone or (cfg.timezone if cfg else "UTC")
        zone = ZoneInfo(zone_name)
        e = construct(Event, **dict(rec), slug=src.slug, source=src.path, pos=src.pos,
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
        rec = _check(src, ArticleMeta, self.problems)
        self.body_placeholder(src)
        if rec is None:
            self.raw_markdown(src)
        if rec is None or (rec.draft and not self.drafts):
            return None
        zone = ZoneInfo(cfg.timezone if cfg else "UTC")
        return construct(Article, **dict(rec), slug=src.slug, source=src.path, pos=src.pos,
                                       url=f"/articles/{src.slug}/", body=src.body, body_line=src.body_line,
                                       published=_in_zone(rec.date, zone))

    def body_placeholder(self, src: Source) -> None:
        """An article left as `smbsite new` wrote it must not pass the check."""
        for i, line in enumerate(LINES.split(src.body)):
            if PLACEHOLDER in line:
                self.problems.error(src.path, src.body_line + i, line.index(PLACEHOLDER) + 1,
                                    f"replace the placeholder '{PLACEHOLDER}' in the text")

    def page(self, src: Source) -> Page | None:
        rec = _check(src, PageMeta, self.problems)
        if rec is None:
            self.raw_markdown(src)
        if rec is None or (rec.draft and not self.drafts):
            return None
        if src.slug in RESERVED_PAGE_SLUGS:
            self.problems.error(src.path, 1, 1, f"a page cannot be called '{src.slug}': /{src.slug}/ belongs to the site",
                                "rename the file")
            return None
        return construct(Page, **dict(rec), slug=src.slug, source=src.path, pos=src.pos,
                                    url=f"/{src.slug}/", body=src.body, body_line=src.body_line)

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
        if src.kind in ("member", "vendor") and isinstance(data.get("logo"), str):
            self.logo(src, data["logo"])
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

    def logo(self, src: Source, logo: str) -> LogoFile | None:
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
        if file.exists() and not file.is_file():  # never opened: a pipe would hang the build
            what = "a folder" if file.is_dir() else special_kind(file.stat().st_mode)
            self.problems.error(src.path, line, col, f"logo '{logo}' is {what}, not an image file",
                                "put the image file itself beside the record")
            return None
        if not file.is_file():
            siblings = [p.name for p in src.file.parent.iterdir() if p.suffix.lower() in LOGO_TYPES]
            self.problems.error(src.path, line, col, f"logo file '{logo}' not found beside {src.path}",
                                did_you_mean(logo, siblings))
            return None
        if link_problem(self.loaded.root, file) is not None:
            # a link out of the site could publish any file of the machine that builds it
            self.problems.error(src.path, line, col, f"logo '{logo}' is a link to another file",
                                "put the image file itself beside the record")
            return None
        return self.logo_bytes(src, file, logo, line, col)

    def logo_bytes(self, src: Source, file: Path, logo: str, line: int, col: int) -> LogoFile | None:
        """The checks of a logo's content: size on disk, type, SVG safety, pixel size from the header."""
        size = file.stat().st_size
        if size > LOGO_MAX:
            self.problems.error(src.path, line, col, f"logo '{logo}' is {-(-size // 1024)} KB; at most 512 KB allowed",
                                "export it smaller (a 400 px wide PNG or an SVG is plenty)")
            return None
        raw = file.read_bytes()
        suffix = Path(logo).suffix.lower()
        found = logo_content_problems(raw, logo)
        for problem, hint in found:
            self.problems.error(src.path, line, col, f"logo '{logo}' {problem}", hint)
        if found:
            return None
        if suffix == ".svg":
            width, height = imaging.svg_size(raw) or (0.0, 0.0)
        else:
            try:
                width, height = imaging.probe(raw, suffix)
            except imaging.LogoError as exc:
                self.problems.error(src.path, line, col, f"logo '{logo}' {exc.message}", exc.hint)
                return None
        return LogoFile(file, logo, hashlib.sha256(raw).hexdigest(), suffix == ".svg", width, height,
                        (src.path, line, col))

    def site_logo(self, src: Source, logo: str) -> LogoFile | None:
        """site.yaml's logo: a path inside the site folder (site.yaml is trusted, but the build
        still publishes nothing from outside the folder)."""
        line, col = src.pos.value(("logo",))
        root = src.file.parent.resolve()
        file = src.file.parent / logo
        if Path(logo).is_absolute() or ".." in Path(logo).parts or not file.resolve().is_relative_to(root):
            self.problems.error(src.path, line, col, f"logo '{logo}' is outside the site folder",
                                "put the file in the site folder and write its path from there, e.g. logo.svg")
            return None
        if Path(logo).suffix.lower() not in LOGO_TYPES:
            self.problems.error(src.path, line, col, f"logo '{logo}' must be a png, jpg, webp or svg file")
            return None
        if file.exists() and not file.is_file():  # never opened: a pipe would hang the build
            what = "a folder" if file.is_dir() else special_kind(file.stat().st_mode)
            self.problems.error(src.path, line, col, f"logo '{logo}' is {what}, not an image file")
            return None
        if not file.is_file():
            near = [p.relative_to(src.file.parent).as_posix() for p in file.parent.glob("*")
                    if p.suffix.lower() in LOGO_TYPES] if file.parent.is_dir() else []
            self.problems.error(src.path, line, col, f"logo file '{logo}' not found in the site folder",
                                did_you_mean(logo, near))
            return None
        return self.logo_bytes(src, file, logo, line, col)

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
