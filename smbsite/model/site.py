"""What templates see: validated records plus what the build derives.

Each class extends its ``*Record`` (so templates read ``member.name``) with the
slug, where it came from, its URL and rendered Markdown. Instances are made
with ``construct`` from already-validated data, so this costs next to nothing.

Records do not point at each other: what each kind's references (model.kinds.Ref) link, which
vendors a member names, which members a vendor has, an event's sponsors and guests, a job
posting's member, what other kinds show on a record's page, are the model's `Links`, by slug.
Templates still read `member.vendor_list`: the template environment and the dependency recorder
ask the model (`SiteModel.value`). So a new record in `serve` is one new object, not one per
neighbour.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from markupsafe import Markup
from pydantic import BaseModel, ConfigDict

from ..core.markdown import LazyHtml
from .records import (ArticleMeta, BenefitRecord, EventRecord, MemberRecord, PageMeta, Session, SiteRecord,
                    Specialty, VendorRecord)
from ..core.slugify import initials
from ..core.positions import Positions


Html = LazyHtml | Markup  # Markdown rendered (or to be rendered when a template shows it)
# Frozen: once deriving/derive.py has made the model, nothing changes it (an assignment raises).
# The derived fields hold types pydantic does not know: arbitrary_types_allowed.
FROZEN = ConfigDict(arbitrary_types_allowed=True, frozen=True)


class SiteConfig(SiteRecord):
    model_config = FROZEN
    base_path: str = "/"  # path of base_url, always ending in /
    origin: str = ""  # scheme://host of base_url
    logo_file: Any = None  # imaging.LogoFile of `logo`, once validated
    pos: Positions | None = None  # where each value of site.yaml is, for problems found after validation


class _Named:
    """Records name themselves by kind and slug: they point at each other (a member at its
    vendors, a vendor at its members), and pydantic's repr would walk those links for ever."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.slug!r})"  # type: ignore[attr-defined]


class Derived(_Named, BaseModel):
    """What every record of the site model has beyond its file's fields: a kind declares the
    class templates see as `class Job(Derived, JobRecord)`, with what its derive adds."""

    model_config = FROZEN
    slug: str = ""
    source: str = ""
    url: str = ""
    pos: Positions | None = None


class Body(Derived):
    """A Markdown file's record: its text below the front matter, and that text rendered."""

    body: str = ""
    body_line: int = 1
    html: Html = Markup("")


class _HasLogo(_Named):
    """Members and vendors: a logo (or the initials of a monogram where there is none)."""

    @property
    def initials(self) -> str:
        return initials(self.name)  # type: ignore[attr-defined]

    @property
    def logo_sizes(self) -> dict[str, Any]:
        """{box: logos.Drawn} of the theme's boxes; empty without a logo."""
        plan = self.logo_plan  # type: ignore[attr-defined]
        return plan.drawn if plan is not None else {}

    @property
    def wordmark(self) -> bool:
        """A logo at least twice as wide as it is tall carries the name: the theme shows it in place
        of the name (said once, to assistive technology). A square mark is shown beside the name."""
        card = self.logo_sizes.get("card")
        return card is not None and card.width >= 2 * card.height

    @property
    def logo_url(self) -> str | None:
        """Site path of the logo at its largest published size."""
        plan = self.logo_plan  # type: ignore[attr-defined]
        return plan.url if plan is not None else None


class Member(_HasLogo, Derived, MemberRecord):
    model_config = FROZEN
    description_html: Html = Markup("")
    logo_file: Any = None  # imaging.LogoFile, once validated
    logo_plan: Any = None  # logos.LogoPlan: where it is published, at which sizes
    letter: str = ""  # A-Z bucket of the directory, '#' for digits and others
    specialty_list: list[tuple[str, Specialty]] = []
    serves_all: bool = False


class Benefit(BenefitRecord):
    model_config = FROZEN

    def __repr__(self) -> str:
        return f"Benefit({self.title!r} of {self.vendor!r})"
    details_html: Html = Markup("")
    vendor: Vendor | None = None
    current: bool = True


class SessionItem(Session):
    model_config = FROZEN
    description_html: Html = Markup("")
    start: datetime | None = None  # aware
    end: datetime | None = None


class Vendor(_HasLogo, Derived, VendorRecord):
    model_config = FROZEN
    description_html: Html = Markup("")
    logo_file: Any = None
    logo_plan: Any = None
    current_benefits: list[Benefit] = []  # expired ones left out


class Event(Derived, EventRecord):
    model_config = FROZEN
    ics_url: str = ""
    description_html: Html = Markup("")
    zone: str = "UTC"  # the event's IANA zone (its own or the site's)
    start: datetime | None = None  # aware (all-day events: midnight local)
    end: datetime | None = None  # aware, exclusive for all-day events
    all_day: bool = True
    upcoming: bool = True
    session_days: list[tuple[date, list[SessionItem]]] = []
    zone_label: str = ""  # whose time the times are: "Buena Park time", "Pacific time"
    map_url: str | None = None  # an OpenStreetMap search for the location
    hotel_map_url: str | None = None
    registration_open: bool = True  # False once register_by has passed


class Article(Body, ArticleMeta):
    model_config = FROZEN
    published: datetime | None = None  # aware, in the site's zone


class Page(Body, PageMeta):
    model_config = FROZEN


for _cls in (Member, Benefit, Vendor, Event):
    _cls.model_rebuild()  # they name each other


@dataclass(frozen=True)
class Links:
    """Which record names which, by slug, as each kind's references declare them
    (model.kinds.Ref), each list in the order pages show it and naming only records the model has.

    named: (kind, attribute) -> {slug: the slugs it links to}; a reference to one record holds
    its slug or None (job.company), to a list a tuple (member.vendor_list, event.sponsor_list),
    and a back attribute the records naming one (vendor.members). related: kind -> {slug:
    ((template, naming kind, slugs), ...)}, what other kinds show on a record's page (Ref.shown)."""

    named: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    related: dict[str, dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]]] = field(default_factory=dict)


RELATED = "related"  # what templates read, through related(record), of what other kinds show on a page


def link_fields(kinds: Any) -> dict[tuple[type, str], tuple[str, str]]:
    """(class templates see, attribute) -> (its kind, attribute) for every link the kinds' references
    make: a reference's `link` on the naming kind, its `back` on the named kind, and every kind's
    `related` (what Ref.shown puts on a record's page)."""
    # every record has its related blocks, most none: related(record) is the same on any page
    fields: dict[tuple[type, str], tuple[str, str]] = {(kind.content, RELATED): (kind.name, RELATED)
                                                        for kind in kinds.values()}
    for kind in kinds.values():
        for ref in kind.refs:
            named = kinds.get(ref.kind)
            if ref.link:
                fields[kind.content, ref.link] = (kind.name, ref.link)
            if named is not None and ref.back:
                fields[named.content, ref.back] = (ref.kind, ref.back)
    return fields


@dataclass(frozen=True)
class SiteModel:
    """The whole site, as deriving/derive.py made it: the records of each kind, by the kind's
    name, in the order the site lists them. `site.members` is the member kind's list (its
    `attr`), `site.member_by_slug` its records by slug. `links`: who names whom (see Links)."""

    config: SiteConfig
    as_of: date
    records: dict[str, list[Any]] = field(default_factory=dict)
    drafts: bool = False
    links: Links = field(default_factory=Links)

    def __post_init__(self) -> None:
        from .kinds import KINDS
        object.__setattr__(self, "_by_slug", {kind.name: {r.slug: r for r in self.records.get(kind.name, [])}
                                              for kind in KINDS.values()})
        self._tables()

    def _tables(self) -> None:
        """What is worked out of the lists, for lookups: once as the model is made."""
        from .kinds import KINDS
        named: dict[str, Any] = {}
        kind_of: dict[type, str] = {}
        by_slug = self._by_slug  # type: ignore[attr-defined]
        for kind in KINDS.values():
            named[kind.attr] = self.records.get(kind.name, [])
            named[kind.name + "_by_slug"] = by_slug[kind.name]
            kind_of[kind.content] = kind.name
        object.__setattr__(self, "_named", named)
        object.__setattr__(self, "_kind_of", kind_of)  # the class templates see -> its kind
        linked = link_fields(KINDS)
        object.__setattr__(self, "_linked", linked)  # (class, attribute) -> (kind, attribute)
        object.__setattr__(self, "link_names", frozenset(name for _, name in linked))
        object.__setattr__(self, "_resolved", {})  # (kind, attribute, slug) -> its records: once per model

    def is_link(self, rec: Any, name: str) -> bool:
        """Whether rec's field name is a link the model holds (member.vendor_list, job.company, …)."""
        return name in self.link_names and (type(rec), name) in self._linked  # type: ignore[attr-defined]

    def by_kind(self, name: str) -> dict[str, Any]:
        """slug -> record of the class named name ("Member"); the model itself for "SiteModel" and its
        settings for "SiteConfig", under the slug ""."""
        if name == "SiteModel":
            return {"": self}
        if name == "SiteConfig":
            return {"": self.config}
        for cls, kind in self._kind_of.items():  # type: ignore[attr-defined]
            if cls.__name__ == name:
                return self._by_slug[kind]  # type: ignore[attr-defined]
        return {}

    def value(self, rec: Any, name: str) -> Any:
        """A field of rec as templates see it: a link (member.vendor_list, …) as this model's
        records, any other field as the record holds it."""
        if self.is_link(rec, name):
            return self.linked(rec, name)
        return getattr(rec, name)

    def linked(self, rec: Any, name: str) -> Any:
        """The records of this model that rec links to under name (see Links): a list, one record
        (or None) for a reference to one, (template, records) blocks for `related`."""
        kind, attr = self._linked[type(rec), name]  # type: ignore[attr-defined]
        key = (kind, attr, rec.slug)
        if key in self._resolved:  # type: ignore[attr-defined]
            return self._resolved[key]  # type: ignore[attr-defined]
        by_slug = self._by_slug  # type: ignore[attr-defined]
        if attr == RELATED:
            got: Any = [(template, [by_slug[naming][s] for s in slugs])
                        for template, naming, slugs in self.links.related.get(kind, {}).get(rec.slug, ())]
        else:
            from .kinds import KINDS
            target = self._target(kind, attr, KINDS)
            slugs = self.links.named.get((kind, attr), {}).get(rec.slug, ())
            table = by_slug[target]
            got = table.get(slugs) if isinstance(slugs, str) else None if slugs is None else [table[s] for s in slugs]
        self._resolved[key] = got  # type: ignore[attr-defined]
        return got

    @staticmethod
    def _target(kind: str, attr: str, kinds: Any) -> str:
        """The kind whose records kind's attribute lists: the named kind of a link, the naming one of a back."""
        for ref in kinds[kind].refs:
            if ref.link == attr:
                return ref.kind
        return next(k.name for k in kinds.values() for ref in k.refs if ref.kind == kind and ref.back == attr)

    def replacing(self, new: Any) -> SiteModel:
        """A new model in which `new` replaces the record of its kind and slug; every other record,
        and the links, are the same objects. Only for a record whose place in every list and whose
        links are as they were (serve's fast path compares its kind's shape fields first)."""
        name, values = self._kind_of[type(new)], dict(self.__dict__)  # type: ignore[attr-defined]
        table = self._by_slug[name]  # type: ignore[attr-defined]
        # every other list and table is shared: nothing changes them
        values["records"] = {**self.records, name: _swapped(self.records.get(name, []), table.get(new.slug), new)}
        values["_by_slug"] = {**self._by_slug, name: {**table, new.slug: new}}  # type: ignore[attr-defined]
        fresh = object.__new__(SiteModel)
        object.__setattr__(fresh, "__dict__", values)
        fresh._tables()
        return fresh

    def __getattr__(self, name: str) -> Any:
        named = self.__dict__.get("_named", {})
        if name in named:
            return named[name]
        raise AttributeError(name)

    def current(self, rec: Any) -> Any:
        """This model's record of rec's kind and slug (rec may come from an older model);
        rec itself when this model has none such."""
        if isinstance(rec, Benefit):  # by its place among its vendor's benefits
            vendor = self.current(rec.vendor)
            index = next(i for i, b in enumerate(rec.vendor.benefits) if b is rec)
            return vendor.benefits[index] if index < len(vendor.benefits) else rec
        kind = self._kind_of.get(type(rec))  # type: ignore[attr-defined]
        if kind is None:
            return rec
        return self._by_slug[kind].get(getattr(rec, "slug", None), rec)  # type: ignore[attr-defined]

    @property
    def specialties(self) -> dict[str, Specialty]:
        return self.config.specialties


def _swapped(records: list[Any], old: Any, new: Any) -> list[Any]:
    """records with new in old's place (records itself when old is not among them)."""
    at = next((i for i, r in enumerate(records) if r is old), None) if old is not None else None
    if at is None:
        return records
    swapped = list(records)
    swapped[at] = new
    return swapped


def sort_key_when(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)


__all__ = ["Article", "Benefit", "Derived", "Event", "Links", "Member", "Page", "Positions", "SiteConfig",
           "SiteModel", "Vendor"]


_DEFAULTS: dict[type, dict[str, Any]] = {}


def reserve(cls: type[Any]) -> Any:
    """An object of cls to point at before construct_into gives it its values: a vendor's
    benefits name their vendor, made in one go with it. Nothing sees it before then."""
    return cls.__new__(cls)


def construct(cls: type[Any], **values: Any) -> Any:
    """Like pydantic's model_construct (no validation: the values were validated as
    the record), without its per-field default resolution and deep copies, which
    cost a second per 10,000 members. Mutable defaults are copied shallowly."""
    return construct_into(reserve(cls), **values)


def construct_into(obj: Any, **values: Any) -> Any:
    """construct, into an object reserve() made."""
    cls = type(obj)
    defaults = _DEFAULTS.get(cls)
    if defaults is None:
        defaults = {name: f.default for name, f in cls.model_fields.items() if not f.is_required()}
        _DEFAULTS[cls] = defaults
    data = {}
    for name, default in defaults.items():
        if name not in values:
            data[name] = default.copy() if isinstance(default, (list, dict, set)) else default
    data.update(values)
    object.__setattr__(obj, "__dict__", data)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj



def copied(rec: Any, **values: Any) -> Any:
    """A shallow copy of a record or an item of one (a session, a benefit) with values added: its
    other values as they are, no defaults worked out again."""
    copy = object.__new__(type(rec))
    object.__setattr__(copy, "__dict__", {**rec.__dict__, **values})
    object.__setattr__(copy, "__pydantic_fields_set__", rec.__pydantic_fields_set__)
    object.__setattr__(copy, "__pydantic_extra__", getattr(rec, "__pydantic_extra__", None))
    object.__setattr__(copy, "__pydantic_private__", None)
    return copy
