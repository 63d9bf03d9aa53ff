"""What templates see: validated records plus what the build derives.

Each class extends its ``*Record`` (so templates read ``member.name``) with the
slug, where it came from, its URL and rendered Markdown. Instances are made
with ``construct`` from already-validated data, so this costs next to nothing.

Records do not point at each other: which vendors a member names, which members a vendor
has, an event's sponsors and guests are the model's `Links`, by slug. Templates still read
`member.vendor_list`: the template environment and the dependency recorder ask the model
(`SiteModel.value`). So a new record in `serve` is one new object, not one per neighbour.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from markupsafe import Markup
from pydantic import ConfigDict

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


class Derived(_Named):
    """What every record of the site model has beyond its file's fields: a kind with no
    derived fields of its own declares its class as `class Job(Derived, JobRecord)`."""

    slug: str = ""
    source: str = ""
    url: str = ""
    pos: Positions | None = None


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


class Member(_HasLogo, MemberRecord):
    model_config = FROZEN
    slug: str = ""
    source: str = ""
    url: str = ""
    pos: Positions | None = None
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


class Vendor(_HasLogo, VendorRecord):
    model_config = FROZEN
    slug: str = ""
    source: str = ""
    url: str = ""
    pos: Positions | None = None
    description_html: Html = Markup("")
    logo_file: Any = None
    logo_plan: Any = None
    current_benefits: list[Benefit] = []  # expired ones left out


class Event(_Named, EventRecord):
    model_config = FROZEN
    slug: str = ""
    source: str = ""
    url: str = ""
    ics_url: str = ""
    pos: Positions | None = None
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


class Article(_Named, ArticleMeta):
    model_config = FROZEN
    slug: str = ""
    source: str = ""
    url: str = ""
    pos: Positions | None = None
    body: str = ""
    body_line: int = 1
    html: Html = Markup("")
    published: datetime | None = None  # aware, in the site's zone


class Page(_Named, PageMeta):
    model_config = FROZEN
    slug: str = ""
    source: str = ""
    url: str = ""
    pos: Positions | None = None
    body: str = ""
    body_line: int = 1
    html: Html = Markup("")


for _cls in (Member, Benefit, Vendor, Event):
    _cls.model_rebuild()  # they name each other


# What records name of each other, as templates read it: (class, field) -> (the table of Links, the
# kind of record it names). member.vendor_list, vendor.members (the members partnering with it),
# event.sponsor_list, event.guest_list.
LINKED: dict[tuple[type, str], tuple[str, str]] = {
    (Member, "vendor_list"): ("member_vendors", "vendor"),
    (Vendor, "members"): ("vendor_members", "member"),
    (Event, "sponsor_list"): ("event_sponsors", "vendor"),
    (Event, "guest_list"): ("event_guests", "member"),
}
LINK_NAMES = frozenset(name for _, name in LINKED)


@dataclass(frozen=True)
class Links:
    """Which record names which, by slug, each list in the order pages show it (only records the
    model has): a member's vendors, a vendor's partnering members, an event's sponsors and guests."""

    member_vendors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    vendor_members: dict[str, tuple[str, ...]] = field(default_factory=dict)
    event_sponsors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    event_guests: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class SiteModel:
    """The whole site, as deriving/derive.py made it."""

    config: SiteConfig
    as_of: date
    members: list[Member] = field(default_factory=list)  # A-Z by name
    vendors: list[Vendor] = field(default_factory=list)  # A-Z by name
    events: list[Event] = field(default_factory=list)  # by start
    articles: list[Article] = field(default_factory=list)  # newest first
    pages: list[Page] = field(default_factory=list)  # by menu, then title
    drafts: bool = False
    # the records of kinds declared with a generic page (kinds.Kind.content), by the kind's list
    # name (site.jobs), in the order of their slugs
    others: dict[str, list[Any]] = field(default_factory=dict)
    links: Links = field(default_factory=Links)

    def __post_init__(self) -> None:
        object.__setattr__(self, "member_by_slug", {m.slug: m for m in self.members})
        object.__setattr__(self, "vendor_by_slug", {v.slug: v for v in self.vendors})
        object.__setattr__(self, "event_by_slug", {e.slug: e for e in self.events})
        object.__setattr__(self, "article_by_slug", {a.slug: a for a in self.articles})
        object.__setattr__(self, "page_by_slug", {p.slug: p for p in self.pages})
        object.__setattr__(self, "_other_by_slug", {(type(r), r.slug): r for rs in self.others.values() for r in rs})
        self._tables()

    def _tables(self) -> None:
        """What is worked out of the lists, for lookups: once as the model is made."""
        object.__setattr__(self, "_by_type", {Member: self.member_by_slug, Vendor: self.vendor_by_slug,  # type: ignore[attr-defined]
                                              Event: self.event_by_slug, Article: self.article_by_slug,  # type: ignore[attr-defined]
                                              Page: self.page_by_slug})  # type: ignore[attr-defined]
        object.__setattr__(self, "_resolved", {})  # (table, slug) -> its records: worked out once per model

    def by_kind(self, name: str) -> dict[str, Any]:
        """slug -> record of the class named name ("Member"); the model itself for "SiteModel" and its
        settings for "SiteConfig", under the slug ""."""
        if name == "SiteModel":
            return {"": self}
        if name == "SiteConfig":
            return {"": self.config}
        for cls, table in self._by_type.items():  # type: ignore[attr-defined]
            if cls.__name__ == name:
                return table
        return {slug: r for (cls, slug), r in self._other_by_slug.items() if cls.__name__ == name}  # type: ignore[attr-defined]

    def value(self, rec: Any, name: str) -> Any:
        """A field of rec as templates see it: a link (member.vendor_list, …) as this model's
        records, any other field as the record holds it."""
        if name in LINK_NAMES and (type(rec), name) in LINKED:
            return self.linked(rec, name)
        return getattr(rec, name)

    def linked(self, rec: Any, name: str) -> list[Any]:
        """The records of this model that rec links to under name (see LINKED)."""
        table, kind = LINKED[type(rec), name]
        key = (table, rec.slug)
        got = self._resolved.get(key)  # type: ignore[attr-defined]
        if got is None:
            by_slug = self.member_by_slug if kind == "member" else self.vendor_by_slug  # type: ignore[attr-defined]
            got = self._resolved[key] = [by_slug[s] for s in getattr(self.links, table).get(rec.slug, ())]  # type: ignore[attr-defined]
        return got

    def replacing(self, new: Any) -> SiteModel:
        """A new model in which `new` replaces the record of its kind and slug; every other record,
        and the links, are the same objects. Only for a record whose place in every list and whose
        links are as they were (serve's fast path compares its kind's shape fields first)."""
        cls, values = type(new), dict(self.__dict__)  # every other list and table is shared: nothing changes them
        table = self._by_type.get(cls)  # type: ignore[attr-defined]
        if table is not None:  # members -> member_by_slug
            name = cls.__name__.lower()
            values[name + "s"] = _swapped(getattr(self, name + "s"), table.get(new.slug), new)
            values[name + "_by_slug"] = {**table, new.slug: new}
        else:
            old = self._other_by_slug.get((cls, new.slug))  # type: ignore[attr-defined]
            values["others"] = {n: _swapped(rs, old, new) for n, rs in self.others.items()}
            values["_other_by_slug"] = {**self._other_by_slug, (cls, new.slug): new}  # type: ignore[attr-defined]
        fresh = object.__new__(SiteModel)
        object.__setattr__(fresh, "__dict__", values)
        fresh._tables()
        return fresh

    def __getattr__(self, name: str) -> Any:
        others = self.__dict__.get("others", {})
        if name in others:
            return others[name]
        raise AttributeError(name)

    def current(self, rec: Any) -> Any:
        """This model's record of rec's kind and slug (rec may come from an older model);
        rec itself when this model has none such."""
        if isinstance(rec, Benefit):  # by its place among its vendor's benefits
            vendor = self.current(rec.vendor)
            index = next(i for i, b in enumerate(rec.vendor.benefits) if b is rec)
            return vendor.benefits[index] if index < len(vendor.benefits) else rec
        table = self._by_type.get(type(rec))
        if table is not None:
            return table.get(rec.slug, rec)
        return self._other_by_slug.get((type(rec), getattr(rec, "slug", None)), rec)

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
