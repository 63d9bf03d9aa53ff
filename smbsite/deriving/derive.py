"""Stage 3, derive: validated records -> the site model templates see.

Everything here is worked out from records that passed validation: URLs, directory
letters, logo sizes, event times in their zone, agendas, what is upcoming or
current on the build date, the order of every list and the links between records.
Nothing in it can fail. The model it returns is frozen (model/site.py): later stages
read it, and `serve` replaces records with new objects instead of changing them.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from ..model.site import (Article, Benefit, Event, Member, Page, SessionItem, SiteConfig, SiteModel, Vendor, construct,
                      derived, sort_key_when)
from ..model.fields import NATIONWIDE
from ..images.imaging import MEMBER_BOXES, VENDOR_BOXES
from ..model.kinds import KINDS, SITE_PROSE, Kind, url_of
from ..core.markdown import typographic
from ..images.logos import plan_logo
from ..model.places import event_span, in_zone, map_url, zone_label
from ..checking.validate import Valid, Validated

AGENDA_DAYS_MAX = 31  # an agenda lists every day of an event up to this long, else the days with sessions


def derive(checked: Validated, as_of: date, drafts: bool = False, base_url: str | None = None) -> SiteModel:
    """The whole site model, its records in the order the site lists them, linked to each other.
    base_url: --base-url, in place of site.yaml's."""
    cfg = config(checked.site, base_url)
    records = checked.records
    members = [member(v, cfg) for v in records.get("member", [])]
    vendors = [vendor(v, as_of) for v in records.get("vendor", [])]
    events = [event(v, cfg, as_of) for v in records.get("event", [])]
    articles = [article(v, cfg) for v in records.get("article", []) if drafts or not v.rec.draft]
    pages = [page(v) for v in records.get("page", []) if drafts or not v.rec.draft]
    members.sort(key=lambda m: (m.name.casefold(), m.slug))
    vendors.sort(key=lambda v: (v.name.casefold(), v.slug))
    events.sort(key=lambda e: (e.start, e.slug))
    articles.sort(key=lambda a: (a.published, a.slug), reverse=True)
    pages.sort(key=lambda p: (p.menu is None, p.menu or 0, p.title.casefold(), p.slug))
    others = {KINDS[kind].attr: sorted((generic(v, KINDS[kind]) for v in valid), key=lambda r: r.slug)
              for kind, valid in records.items() if kind not in KNOWN}
    return link(SiteModel(cfg, as_of, members, vendors, events, articles, pages, drafts, others))


def link(site: SiteModel) -> SiteModel:
    """Point records at the records they name: a member's vendors, a vendor's members, an
    event's sponsors and guests. Called on a model whose records are not linked yet."""
    vendors, members = site.vendor_by_slug, site.member_by_slug
    partners: dict[str, list[Member]] = {v.slug: [] for v in site.vendors}
    for m in site.members:
        vendor_list = [vendors[s] for s in m.vendors if s in vendors]
        derived(m, vendor_list=vendor_list)
        for v in vendor_list:
            partners[v.slug].append(m)
    for v in site.vendors:
        derived(v, members=partners[v.slug])
    for e in site.events:
        derived(e, sponsor_list=[vendors[s] for s in e.sponsors if s in vendors],
                guest_list=[members[s] for s in e.guests if s in members])
    return site


def relinked(site: SiteModel, new: Any) -> SiteModel:
    """A new model in which `new` replaces the record of its kind and slug, every linked
    record a new object pointing at the new ones: the old model is left as it was.

    Only for a change that leaves the record's place in every list and its links as they
    were (serve's fast path checks the kind's shape fields first)."""
    def swap(records: Iterable[Any]) -> list[Any]:
        return [new if type(r) is type(new) and r.slug == new.slug else r for r in records]

    members, vendors, events = swap(site.members), swap(site.vendors), swap(site.events)
    fresh = SiteModel(site.config, site.as_of, [_unlinked(m) for m in members],
                      [_unlinked(v) for v in vendors], [_unlinked(e) for e in events],
                      swap(site.articles), swap(site.pages), site.drafts,
                      {name: swap(records) for name, records in site.others.items()})
    return link(fresh)


def _unlinked(rec: Any) -> Any:
    """A copy of a record (the same values) that link() may point at others."""
    copy = _copy(rec)
    if isinstance(copy, Vendor):  # its benefits point back at it
        benefits = [_copy(b, vendor=copy) for b in copy.benefits]
        derived(copy, benefits=benefits, current_benefits=[b for b in benefits if b.current])
    return copy


_new, _set = object.__new__, object.__setattr__


def _copy(rec: Any, **values: Any) -> Any:
    """A shallow copy of a validated record: its values as they are, no defaults worked out
    again (serve copies every linked record on an edit: 10,000 of them in a few ms)."""
    copy = _new(type(rec))
    _set(copy, "__dict__", {**rec.__dict__, **values})
    _set(copy, "__pydantic_fields_set__", rec.__pydantic_fields_set__)
    _set(copy, "__pydantic_extra__", None)
    _set(copy, "__pydantic_private__", None)
    return copy


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


def record(kind: str, valid: Valid, cfg: SiteConfig, as_of: date) -> Any:
    """One record of a kind, not linked to others yet."""
    make = {"member": lambda: member(valid, cfg), "vendor": lambda: vendor(valid, as_of),
            "event": lambda: event(valid, cfg, as_of), "article": lambda: article(valid, cfg),
            "page": lambda: page(valid)}.get(kind)
    return make() if make is not None else generic(valid, KINDS[kind])


KNOWN = ("member", "vendor", "event", "article", "page")  # the kinds with a derive function of their own


def generic(valid: Valid, kind: Kind) -> Any:
    """A record of a kind declared with a generic page: its fields, slug, source and URL."""
    assert kind.content is not None, f"kind {kind.name} declares no content class"
    src = valid.src
    return construct(kind.content, **typeset(dict(valid.rec), kind.prose), slug=src.slug, source=src.path, pos=src.pos,
                     url=kind.url_of(src.slug))


def config(valid: Valid, base_url: str | None = None) -> SiteConfig:
    data = typeset(dict(valid.rec), SITE_PROSE)
    if base_url:
        data["base_url"] = base_url if base_url.endswith("/") else base_url + "/"
    origin, path = base_parts(data["base_url"])
    return construct(SiteConfig, **data, origin=origin, base_path=path, logo_file=valid.logo, pos=valid.src.pos)


def member(valid: Valid, cfg: SiteConfig) -> Member:
    rec, src = valid.rec, valid.src
    url = url_of("member", src.slug)
    plan = plan_logo(valid.logo, url, MEMBER_BOXES, social=True) if valid.logo is not None else None
    return construct(Member, **typeset(dict(rec), KINDS["member"].prose), slug=src.slug, source=src.path, pos=src.pos, url=url,
                     letter=letter(rec.name), serves_all=NATIONWIDE in rec.serves,
                     specialty_list=[(k, cfg.specialties[k]) for k in dict.fromkeys(rec.specialties)
                                     if k in cfg.specialties],
                     logo_file=valid.logo, logo_plan=plan)


def vendor(valid: Valid, as_of: date) -> Vendor:
    rec, src = valid.rec, valid.src
    url = url_of("vendor", src.slug)
    plan = plan_logo(valid.logo, url, VENDOR_BOXES, social=True) if valid.logo is not None else None
    data = typeset(dict(rec), KINDS["vendor"].prose)
    v = construct(Vendor, **data, slug=src.slug, source=src.path, pos=src.pos, url=url,
                  logo_file=valid.logo, logo_plan=plan)
    benefits = [construct(Benefit, **dict(b), vendor=v, current=benefit_current(b, as_of)) for b in data["benefits"]]
    derived(v, benefits=benefits, current_benefits=[b for b in benefits if b.current])
    return v


def benefit_current(b: Any, as_of: date) -> bool:
    """Shown on the build date: started, and not yet ended."""
    return not (b.ends and b.ends < as_of) and not (b.starts and b.starts > as_of)


def event(valid: Valid, cfg: SiteConfig, as_of: date) -> Event:
    rec, src = valid.rec, valid.src
    zone_name = rec.timezone or cfg.timezone
    start, end, all_day = event_span(rec, zone_name)
    data = typeset(dict(rec), KINDS["event"].prose)
    sessions = [construct(SessionItem, **dict(s), start=in_zone(s.starts, zone_name),
                          end=in_zone(s.ends, zone_name) if s.ends else None) for s in data["sessions"]]
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
        Event, **{**data, "sessions": sessions}, slug=src.slug, source=src.path, pos=src.pos, url=url,
        ics_url=url.rstrip("/") + ".ics", zone=zone_name, all_day=all_day, start=start, end=end,
        session_days=[(d, sorted(ss, key=lambda s: (sort_key_when(s.starts), s.title)))
                      for d, ss in sorted(days.items())],
        upcoming=end.date() > as_of if all_day else end.astimezone(ZoneInfo(zone_name)).date() >= as_of,
        zone_label=zone_label(zone_name, rec.location.city if rec.location else ""),
        map_url=map_url(rec.location) if rec.location is not None else None,
        hotel_map_url=map_url(rec.hotel) if rec.hotel is not None else None,
        registration_open=as_of <= rec.register_by if rec.register_by is not None else True)


def article(valid: Valid, cfg: SiteConfig) -> Article:
    rec, src = valid.rec, valid.src
    return construct(Article, **typeset(dict(rec), KINDS["article"].prose), slug=src.slug, source=src.path, pos=src.pos,
                     url=url_of("article", src.slug), body=src.body, body_line=src.body_line,
                     published=in_zone(rec.date, cfg.timezone))


def page(valid: Valid) -> Page:
    rec, src = valid.rec, valid.src
    return construct(Page, **typeset(dict(rec), KINDS["page"].prose), slug=src.slug, source=src.path, pos=src.pos,
                     url=url_of("page", src.slug), body=src.body, body_line=src.body_line)


def letter(name: str) -> str:
    """The directory's A-Z bucket of a name; '#' for digits and everything else."""
    first = unicodedata.normalize("NFKD", name.strip())[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def base_parts(base_url: str) -> tuple[str, str]:
    """(scheme://host, path ending in /) of the site's base URL."""
    m = re.match(r"^(https?://[^/]+)(/.*)?$", base_url)
    origin, path = (m.group(1), m.group(2) or "/") if m else ("", "/")
    return origin, path if path.endswith("/") else path + "/"
