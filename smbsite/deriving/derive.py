"""Stage 3, derive: validated records -> the site model templates see, with the links between them.

Everything here is worked out from records that passed validation: URLs, directory
letters, logo sizes, event times in their zone, agendas, what is upcoming or
current on the build date, the order of every list, each record's Markdown (rendered
as the record is made) and the links between records (the model's `Links`, by slug).
Nothing in it can fail. Each record is made whole and the model it returns is frozen
(model/site.py): later stages read it, and `serve` swaps in a new model with a new record.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from ..model.site import (Article, Benefit, Event, Links, Member, Page, SessionItem, SiteConfig, SiteModel, Vendor,
                          construct, construct_into, reserve, sort_key_when)
from ..model.fields import NATIONWIDE
from ..images.imaging import MEMBER_BOXES, VENDOR_BOXES
from ..model.kinds import KINDS, SITE_PROSE, Kind, url_of
from ..core.markdown import typographic
from ..images.logos import plan_logo
from ..model.places import event_span, in_zone, map_url, zone_label
from ..checking.validate import Valid, Validated
from ..core.problems import Problems
from .links import MarkdownLinks

AGENDA_DAYS_MAX = 31  # an agenda lists every day of an event up to this long, else the days with sessions


@dataclass(frozen=True)
class Derived:
    """What the derive stage hands on: the site model, final, and the site links its Markdown
    holds (checked by the routes stage, once every URL is known)."""

    site: SiteModel
    markdown: MarkdownLinks


def derive(checked: Validated, as_of: date, problems: Problems, texts: dict[str, str], drafts: bool = False,
           base_url: str | None = None) -> Derived:
    """The whole site model, its records in the order the site lists them, their Markdown
    rendered, the links between them worked out. base_url: --base-url, in place of site.yaml's.
    texts: source path -> its text as loaded, where Markdown findings are placed."""
    assert checked.site is not None, "the whole site is derived from a checked site.yaml"
    cfg = config(checked.site, base_url)
    md = MarkdownLinks(cfg.base_path, problems, texts)
    made = {kind: [record(kind, v, cfg, as_of, md) for v in valid
                   if kind not in ("article", "page") or drafts or not v.rec.draft]
            for kind, valid in checked.records.items()}
    members, vendors, events = made.get("member", []), made.get("vendor", []), made.get("event", [])
    articles, pages = made.get("article", []), made.get("page", [])
    members.sort(key=lambda m: (m.name.casefold(), m.slug))
    vendors.sort(key=lambda v: (v.name.casefold(), v.slug))
    events.sort(key=lambda e: (e.start, e.slug))
    articles.sort(key=lambda a: (a.published, a.slug), reverse=True)
    pages.sort(key=lambda p: (p.menu is None, p.menu or 0, p.title.casefold(), p.slug))
    others = {KINDS[kind].attr: sorted(recs, key=lambda r: r.slug) for kind, recs in made.items() if kind not in KNOWN}
    site = SiteModel(cfg, as_of, members, vendors, events, articles, pages, drafts, others,
                     link_table(members, vendors, events))
    md.in_order(rec.source for kind in KINDS.values() for rec in getattr(site, kind.attr))
    return Derived(site, md)


def link_table(members: list[Member], vendors: list[Vendor], events: list[Event]) -> Links:
    """Which records name which, by slug, in the order pages list them: a member's vendors, a
    vendor's members, an event's sponsors and guests (names of records the site lacks left out)."""
    vendor_slugs, member_slugs = {v.slug for v in vendors}, {m.slug for m in members}
    partners: dict[str, list[str]] = {v.slug: [] for v in vendors}
    member_vendors = {}
    for m in members:
        mine = member_vendors[m.slug] = tuple(s for s in m.vendors if s in vendor_slugs)
        for s in mine:
            partners[s].append(m.slug)
    return Links(member_vendors, {s: tuple(ms) for s, ms in partners.items()},
                 {e.slug: tuple(s for s in e.sponsors if s in vendor_slugs) for e in events},
                 {e.slug: tuple(s for s in e.guests if s in member_slugs) for e in events})


# --- one record each ----------------------------------------------------------------------

def typeset(values: dict[str, Any], paths: Iterable[tuple[str, ...]]) -> dict[str, Any]:
    """A record's values with the plain-text fields at `paths` (a kind's `prose`) set as prose:
    the one place short texts from YAML get the quotes and dashes their Markdown gets."""
    out = dict(values)
    for head, *rest in paths:
        if head in out:
            out[head] = _set_text(out[head], tuple(rest))
    return out


def _set_text(value: Any, path: tuple[str, ...]) -> Any:
    if isinstance(value, list):
        return [_set_text(v, path) for v in value]
    if not path:
        return typographic(value) if isinstance(value, str) else value
    if value is None:
        return None
    head, rest = path[0], path[1:]
    return value.model_copy(update={head: _set_text(getattr(value, head), rest)})


def record(kind: str, valid: Valid, cfg: SiteConfig, as_of: date, md: MarkdownLinks) -> Any:
    """One record of a kind, final: its Markdown rendered (its site links noted in md)."""
    make = {"member": lambda: member(valid, cfg, md), "vendor": lambda: vendor(valid, as_of, md),
            "event": lambda: event(valid, cfg, as_of, md), "article": lambda: article(valid, cfg, md),
            "page": lambda: page(valid, md)}.get(kind)
    return make() if make is not None else generic(valid, KINDS[kind], md)


KNOWN = ("member", "vendor", "event", "article", "page")  # the kinds with a derive function of their own


def generic(valid: Valid, kind: Kind, md: MarkdownLinks) -> Any:
    """A record of a kind declared with a generic page: its fields, slug, source, URL and Markdown."""
    assert kind.content is not None, f"kind {kind.name} declares no content class"
    src = valid.src
    return construct(kind.content, **md.rendered(kind.name, src.path, src.pos, typeset(dict(valid.rec), kind.prose)),
                     slug=src.slug,
                     source=src.path, pos=src.pos, url=kind.url_of(src.slug))


def config(valid: Valid, base_url: str | None = None) -> SiteConfig:
    data = typeset(dict(valid.rec), SITE_PROSE)
    if base_url:
        data["base_url"] = base_url if base_url.endswith("/") else base_url + "/"
    origin, path = base_parts(data["base_url"])
    return construct(SiteConfig, **data, origin=origin, base_path=path, logo_file=valid.logo, pos=valid.src.pos)


def member(valid: Valid, cfg: SiteConfig, md: MarkdownLinks) -> Member:
    rec, src = valid.rec, valid.src
    url = url_of("member", src.slug)
    plan = plan_logo(valid.logo, url, MEMBER_BOXES, social=True) if valid.logo is not None else None
    data = typeset(dict(rec), KINDS["member"].prose)
    return construct(Member, **md.rendered("member", src.path, src.pos, data), slug=src.slug, source=src.path, pos=src.pos, url=url,
                     letter=letter(rec.name), serves_all=NATIONWIDE in rec.serves,
                     specialty_list=[(k, cfg.specialties[k]) for k in dict.fromkeys(rec.specialties)
                                     if k in cfg.specialties],
                     logo_file=valid.logo, logo_plan=plan)


def vendor(valid: Valid, as_of: date, md: MarkdownLinks) -> Vendor:
    rec, src = valid.rec, valid.src
    url = url_of("vendor", src.slug)
    plan = plan_logo(valid.logo, url, VENDOR_BOXES, social=True) if valid.logo is not None else None
    data = typeset(dict(rec), KINDS["vendor"].prose)
    v = reserve(Vendor)  # its benefits name it: made in one go
    benefits = [construct(Benefit, **dict(b), vendor=v, current=benefit_current(b, as_of)) for b in data["benefits"]]
    values = md.rendered("vendor", src.path, src.pos, {**data, "benefits": benefits})
    return construct_into(v, **values, slug=src.slug, source=src.path, pos=src.pos, url=url, logo_file=valid.logo,
                          logo_plan=plan, current_benefits=[b for b in values["benefits"] if b.current])


def benefit_current(b: Any, as_of: date) -> bool:
    """Shown on the build date: started, and not yet ended."""
    return not (b.ends and b.ends < as_of) and not (b.starts and b.starts > as_of)


def event(valid: Valid, cfg: SiteConfig, as_of: date, md: MarkdownLinks) -> Event:
    rec, src = valid.rec, valid.src
    zone_name = rec.timezone or cfg.timezone
    start, end, all_day = event_span(rec, zone_name)
    data = typeset(dict(rec), KINDS["event"].prose)
    values = md.rendered("event", src.path, src.pos, {**data, "sessions": [
        construct(SessionItem, **dict(s), start=in_zone(s.starts, zone_name),
                  end=in_zone(s.ends, zone_name) if s.ends else None) for s in data["sessions"]]})
    sessions = values["sessions"]
    first_day, last_day = start.date(), (end - timedelta(microseconds=1)).date()
    days: dict[date, list] = {}
    for s in sessions:
        days.setdefault(sort_key_when(s.starts).date(), []).append(s)
    if days and first_day <= last_day and (last_day - first_day).days < AGENDA_DAYS_MAX:
        # every day of the event has its place in the agenda, with sessions or without
        for n in range((last_day - first_day).days + 1):
            days.setdefault(first_day + timedelta(days=n), [])
    url = url_of("event", src.slug)
    return construct(
        Event, **values, slug=src.slug, source=src.path, pos=src.pos, url=url,
        ics_url=url.rstrip("/") + ".ics", zone=zone_name, all_day=all_day, start=start, end=end,
        session_days=[(d, sorted(ss, key=lambda s: (sort_key_when(s.starts), s.title)))
                      for d, ss in sorted(days.items())],
        upcoming=end.date() > as_of if all_day else end.astimezone(ZoneInfo(zone_name)).date() >= as_of,
        zone_label=zone_label(zone_name, rec.location.city if rec.location else ""),
        map_url=map_url(rec.location) if rec.location is not None else None,
        hotel_map_url=map_url(rec.hotel) if rec.hotel is not None else None,
        registration_open=as_of <= rec.register_by if rec.register_by is not None else True)


def article(valid: Valid, cfg: SiteConfig, md: MarkdownLinks) -> Article:
    rec, src = valid.rec, valid.src
    values = md.rendered("article", src.path, src.pos, {**typeset(dict(rec), KINDS["article"].prose), "body": src.body,
                                                        "body_line": src.body_line})
    return construct(Article, **values, slug=src.slug, source=src.path, pos=src.pos,
                     url=url_of("article", src.slug), published=in_zone(rec.date, cfg.timezone))


def page(valid: Valid, md: MarkdownLinks) -> Page:
    rec, src = valid.rec, valid.src
    values = md.rendered("page", src.path, src.pos, {**typeset(dict(rec), KINDS["page"].prose), "body": src.body,
                                                     "body_line": src.body_line})
    return construct(Page, **values, slug=src.slug, source=src.path, pos=src.pos, url=url_of("page", src.slug))


def letter(name: str) -> str:
    """The directory's A-Z bucket of a name; '#' for digits and everything else."""
    first = unicodedata.normalize("NFKD", name.strip())[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def base_parts(base_url: str) -> tuple[str, str]:
    """(scheme://host, path ending in /) of the site's base URL."""
    m = re.match(r"^(https?://[^/]+)(/.*)?$", base_url)
    origin, path = (m.group(1), m.group(2) or "/") if m else ("", "/")
    return origin, path if path.endswith("/") else path + "/"
