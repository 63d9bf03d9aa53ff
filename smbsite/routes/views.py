"""Typed page contexts: what the routes stage hands each HTML template.

One frozen dataclass per kind of page. Its field names are the template's variable
names (`member`, `jump`, `page_number`, …); `View.variables()` turns one into the
keyword arguments of `template.render`. `PageInfo` is the `page` variable every
template gets, built while rendering.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from markupsafe import Markup

    from ..model.site import Article, Benefit, Event, Member, Page, SiteModel, Specialty, Vendor
    from ..model.records import Station


@functools.cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


@dataclass(frozen=True, slots=True)
class View:
    """A page's own template variables."""

    def variables(self) -> dict[str, Any]:
        """The fields by name, as they are (not copied): the template's keyword arguments."""
        return {name: getattr(self, name) for name in _names(type(self))}

    def rebind(self, site: SiteModel) -> View:
        """The same view with every record in it taken from site: serve swaps in a new model
        after an edit, and pages of the old one are rendered from the new one's records."""
        return type(self)(**{name: _rebind(getattr(self, name), site) for name in _names(type(self))})


def _rebind(value: Any, site: SiteModel) -> Any:
    if isinstance(value, BaseModel):
        return site.current(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_rebind(v, site) for v in value)
    if isinstance(value, dict):
        return {k: _rebind(v, site) for k, v in value.items()}
    return value


@dataclass(frozen=True, slots=True)
class PageInfo:
    """The `page` variable of every template: where the page is and what its head says."""

    url: str
    kind: str
    title: str
    canonical: str
    crumbs: list[tuple[str, str]]  # (label, site path) from Home down to the parent
    jsonld: Markup
    description: str
    image: Any  # identity.Social, the og:image (identity imports outputs, which imports this module)


# --- the front page and the records' own pages ----------------------------------------

@dataclass(frozen=True, slots=True)
class HomeView(View):
    upcoming: list[Event]
    articles: list[Article]
    benefits: list[Benefit]  # one per vendor in turn
    member_count: int
    goal: int | None
    goal_percent: int | None
    page_urls: dict[str, str]  # page slug -> its URL
    specialties: list[tuple[str, Specialty, int]]  # (key, specialty, members offering it)
    join_url: str | None
    intro: Markup  # site.yaml home.intro, rendered
    audiences: list[dict[str, Any]]  # title, html, link, url: who the site serves and where each starts
    pillars_title: str
    pillars: list[dict[str, Any]]  # title, html, url (of the page that tells more, or None)
    quote: dict[str, Any] | None  # text, person, member
    logos: list[Member]  # members with a logo, for the strip
    conference: Event | None  # the next conference (its banner), when the section is on
    conference_dates: str  # its days, "March 30 – April 1, 2027"


@dataclass(frozen=True, slots=True)
class MemberView(View):
    member: Member


@dataclass(frozen=True, slots=True)
class VendorsView(View):
    vendors: list[Vendor]


@dataclass(frozen=True, slots=True)
class VendorView(View):
    vendor: Vendor
    benefit_groups: list[tuple[str, list[Benefit]]]  # (heading, benefits of that type)
    members_shown: list[Member]


@dataclass(frozen=True, slots=True)
class EventsView(View):
    upcoming: list[Event]
    past: list[Event]  # newest first


@dataclass(frozen=True, slots=True)
class EventView(View):
    event: Event


@dataclass(frozen=True, slots=True)
class RadioView(EventsView):
    """The radio show: its episodes, upcoming and past, and where it airs."""

    stations: list[Station]
    cover: dict[str, Any] | None  # url, width, height of the podcast's artwork


@dataclass(frozen=True, slots=True)
class PageView(View):
    page_doc: Page


@dataclass(frozen=True, slots=True)
class RecordView(View):
    """The page of a record of a kind declared with a generic page (kinds.Kind.page)."""

    record: Any


@dataclass(frozen=True, slots=True)
class RecordsView(View):
    """The listing of every record of such a kind (kinds.Kind.listing)."""

    records: list[Any]


@dataclass(frozen=True, slots=True)
class FormView(View):
    """The "Add your company" page."""

    form: dict[str, Any]  # addform.form_context: rules, choices, GitHub addresses


# --- the member directory ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Paged(View):
    """One page of a listing split into pages."""

    page_number: int
    page_count: int
    prev_url: str | None
    next_url: str | None


@dataclass(frozen=True, slots=True)
class DirectoryView(View):
    groups: list[tuple[str, str, list[Member]]]  # (letter, its anchor id, members)
    split: bool  # one page per letter
    jump: list[tuple[str, int, str | None]]  # (letter, count, link or None)
    total: int


@dataclass(frozen=True, slots=True)
class LetterView(Paged):
    letter: str
    members: list[Member]
    jump: list[tuple[str, int, str | None]]
    letter_total: int


# --- the partner finder and the regions ---------------------------------------------------

@dataclass(frozen=True, slots=True)
class MapView(View):
    """A page with the US tile map of where members work."""

    state_map: Markup
    legend: list[tuple[int, str]]


@dataclass(frozen=True, slots=True)
class StateView(View):
    """Members in one state: based there, serving it from elsewhere, and working anywhere."""

    code: str
    state_name: str
    based: list[Member]
    serving: list[Member]
    anywhere: list[Member]  # working with clients anywhere, based elsewhere: not counted here


@dataclass(frozen=True, slots=True)
class PartnersView(MapView):
    specialties: list[tuple[str, Specialty, int]]  # (key, specialty, members listed)
    states: list[tuple[str, str, int]]  # (code, name, members)
    vendors: list[tuple[str, str]]  # (slug, name)
    listed_count: int
    anywhere: list[Member]  # working with clients anywhere: named once, counted only where based


@dataclass(frozen=True, slots=True)
class PartnerView(MapView):
    """One specialty."""

    key: str
    specialty: Specialty
    members: list[Member]
    split: bool  # one page per state
    rows: list[tuple[str, int, list[Member]]]  # (code, count, members based in or serving that state)
    nationwide: list[Member]  # working with clients anywhere
    area: str  # "12 states and Puerto Rico": the places the rows cover
    states: list[tuple[str, str, int, str]]  # (code, name, members, where they are listed)


@dataclass(frozen=True, slots=True)
class PartnerStateView(StateView):
    """One specialty in one state."""

    key: str
    specialty: Specialty


@dataclass(frozen=True, slots=True)
class RegionsView(MapView):
    regions: list[tuple[str, str, int]]  # (code, name, members)
    anywhere: list[Member]


@dataclass(frozen=True, slots=True)
class RegionView(StateView):
    members: list[Member]
    specialties: list[tuple[str, int, str]]  # (label, members offering it, where they are listed)


# --- news ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ArticlesView(Paged):
    articles: list[Article]


@dataclass(frozen=True, slots=True)
class ArticleView(View):
    article: Article
    newer: Article | None
    older: Article | None
