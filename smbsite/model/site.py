"""What templates see: validated records plus what the build derives.

Each class extends its ``*Record`` (so templates read ``member.name``) with the
slug, where it came from, its URL and rendered Markdown. Instances are made
with ``construct`` from already-validated data, so this costs next to nothing.
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
    vendor_list: list[Vendor] = []
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
    members: list[Member] = []  # partnering with this vendor


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
    sponsor_list: list[Vendor] = []
    guest_list: list[Member] = []
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "member_by_slug", {m.slug: m for m in self.members})
        object.__setattr__(self, "vendor_by_slug", {v.slug: v for v in self.vendors})
        object.__setattr__(self, "event_by_slug", {e.slug: e for e in self.events})
        object.__setattr__(self, "article_by_slug", {a.slug: a for a in self.articles})
        object.__setattr__(self, "page_by_slug", {p.slug: p for p in self.pages})
        object.__setattr__(self, "_other_by_slug", {(type(r), r.slug): r for rs in self.others.values() for r in rs})
        object.__setattr__(self, "_by_type", {Member: self.member_by_slug, Vendor: self.vendor_by_slug,
                                              Event: self.event_by_slug, Article: self.article_by_slug,
                                              Page: self.page_by_slug})

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


def sort_key_when(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)


__all__ = ["Article", "Benefit", "Derived", "Event", "Member", "Page", "Positions", "SiteConfig", "SiteModel",
           "Vendor"]


_DEFAULTS: dict[type, dict[str, Any]] = {}


def derived(obj: Any, **values: Any) -> None:
    """Set fields of a record that deriving/derive.py is still making (its links, its rendered
    Markdown); the only way past the freeze, for the derive stage alone."""
    obj.__dict__.update(values)


def construct(cls: type[Any], **values: Any) -> Any:
    """Like pydantic's model_construct (no validation: the values were validated as
    the record), without its per-field default resolution and deep copies, which
    cost a second per 10,000 members. Mutable defaults are copied shallowly."""
    defaults = _DEFAULTS.get(cls)
    if defaults is None:
        defaults = {name: f.default for name, f in cls.model_fields.items() if not f.is_required()}
        _DEFAULTS[cls] = defaults
    data = {}
    for name, default in defaults.items():
        if name not in values:
            data[name] = default.copy() if isinstance(default, (list, dict, set)) else default
    data.update(values)
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", data)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj

