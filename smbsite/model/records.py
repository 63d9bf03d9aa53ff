"""The typed content model: what each record file may hold.

The ``*Record`` classes describe the files exactly (their JSON Schema is what
editors autocomplete); the classes without the suffix add what the build
derives (slug, URL, rendered Markdown) and are what templates see.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints,
                      model_validator)
from pydantic_core import PydanticCustomError

from .fields import (Clock, Count, Day, Duration, Email, HexColor, HttpUrl, Markdown, Name, Number, Phone, Sentence,
                     Served, Slug, State, Summary, Text, TimeZone, Weekday, When, US_STATES, _base_url, _branch,
                     _repository)

# Items a list of a record may hold: far beyond any real listing, vendor or event (a
# programme or a radio network may be longer), so that no record makes pages without end.
MAX_ITEMS = 100
MAX_SESSIONS = 500


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False)


# --- site.yaml ------------------------------------------------------------------

class Specialty(Record):
    label: Text
    description: str = ""


class Contact(Record):
    email: Email | None = None
    phone: Phone | None = None
    address: Sentence | None = None


class RadioLinks(Record):
    apple: HttpUrl | None = None
    spotify: HttpUrl | None = None


class SiteColors(Record):
    # not Optional: `brand: #0b5394` without quotes reads as an empty value (# starts a YAML comment)
    brand: HexColor = None  # type: ignore[assignment]
    accent: HexColor = None  # type: ignore[assignment]


class Sections(Record):
    """The optional parts of the theme: each on unless site.yaml turns it off."""
    radio: bool = True
    conference: bool = True
    vendors: bool = True
    join_form: bool = True
    news: bool = True


class Audience(Record):
    title: Text
    text: Markdown = ""
    link: Text
    url: Annotated[str, StringConstraints(pattern=r"^(/|https?://)")]


class Pillar(Record):
    title: Text
    text: Markdown = ""
    page: Slug | None = None


class Quote(Record):
    text: Sentence
    member: Slug
    person: str = ""


class HomeCopy(Record):
    """The home page's own words: the theme writes none of the association's copy."""
    intro: Markdown = ""
    audiences: list[Audience] = []
    pillars_title: Text = "What we do together"
    pillars: list[Pillar] = []
    quote: Quote | None = None


class SiteRecord(Record):
    title: Text
    tagline: str = ""
    description: str = ""
    base_url: Annotated[HttpUrl, AfterValidator(_base_url)] = "http://localhost:8000/"
    language: Annotated[str, StringConstraints(pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")] = "en"
    timezone: TimeZone = "UTC"
    membership_goal: Count | None = None
    cname: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$")] | None = None
    contact: Contact | None = None
    join_url: HttpUrl | None = None
    search: bool = False
    logo: str | None = None
    colors: SiteColors | None = None
    repository: Annotated[str, BeforeValidator(_repository),
                          Field(json_schema_extra={"format": "uri", "pattern": "^https://"})] | None = None
    branch: Annotated[str, BeforeValidator(_branch)] = "main"
    specialties: Annotated[dict[Slug, Specialty], Field(min_length=1)]
    radio: RadioLinks | None = None
    sections: Sections = Sections()
    home: HomeCopy = HomeCopy()
    extra_css: list[Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_./-]*\.css$")]] = []


# --- members ---------------------------------------------------------------------

class MemberRecord(Record):
    name: Name
    summary: Summary
    joined: Day
    city: Text
    state: State
    serves: Annotated[list[Served], Field(max_length=len(US_STATES) + 1)] = []
    specialties: Annotated[list[Slug], Field(min_length=1, max_length=8)]
    vendors: Annotated[list[Slug], Field(max_length=MAX_ITEMS)] = []
    certifications: Annotated[list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]],
                              Field(max_length=MAX_ITEMS)] = []
    website: HttpUrl | None = None
    email: Email | None = None
    phone: Phone | None = None
    employees: Count | None = None
    partnering: bool = True
    logo: str | None = None
    description: Markdown = ""


# --- vendors ---------------------------------------------------------------------

BenefitType = Literal["discount", "training", "marketing", "support", "certification", "other"]


class BenefitRecord(Record):
    title: Text
    type: BenefitType
    claim: Sentence
    details: Markdown = ""
    starts: Day | None = None
    ends: Day | None = None


class VendorRecord(Record):
    name: Name
    summary: Summary
    website: HttpUrl | None = None
    logo: str | None = None
    description: Markdown = ""
    benefits: Annotated[list[BenefitRecord], Field(max_length=MAX_ITEMS)] = []


# --- events ----------------------------------------------------------------------

EventType = Literal["conference", "radio", "webinar", "training", "meetup"]


class Location(Record):
    name: Text
    address: str = ""
    city: str = ""
    state: State | None = None


class Speaker(Record):
    name: Text | None = None
    member: Slug | None = None

    @model_validator(mode="after")
    def _named(self) -> "Speaker":
        if self.name is None and self.member is None:
            raise PydanticCustomError("speaker", "a speaker needs a name, a member, or both")
        return self


def _speaker(value: Any) -> Any:
    """A plain text speaker ("Ann Lee (Acme Networks)") is a speaker with just a name."""
    return {"name": value} if isinstance(value, str) else value


SpeakerItem = Annotated[Speaker, BeforeValidator(_speaker)]


class Session(Record):
    title: Text
    starts: When
    ends: When | None = None
    speakers: Annotated[list[SpeakerItem], Field(max_length=MAX_ITEMS)] = []
    room: str = ""
    track: str = ""
    description: Markdown = ""


class Station(Record):
    city: Text
    state: State
    station: Text
    day: Weekday | None = None
    time: Clock | None = None
    listen: HttpUrl | None = None


class Hotel(Record):
    name: Text
    address: str = ""
    city: str = ""
    state: State | None = None
    url: HttpUrl | None = None
    note: Text | None = None


class Audio(Record):
    url: HttpUrl
    bytes: Count
    duration: Duration | None = None


class EventRecord(Record):
    title: Text
    type: EventType
    starts: When
    ends: When | None = None
    timezone: TimeZone | None = None
    summary: str = ""
    description: Markdown = ""
    location: Location | None = None
    online: HttpUrl | None = None
    registration: HttpUrl | None = None
    register_by: Day | None = None
    price: Text | None = None
    hotel: Hotel | None = None
    sponsors: Annotated[list[Slug], Field(max_length=MAX_ITEMS)] = []
    sessions: Annotated[list[Session], Field(max_length=MAX_SESSIONS)] = []
    stations: Annotated[list[Station], Field(max_length=MAX_SESSIONS)] = []
    audio: Audio | None = None
    guests: Annotated[list[Slug], Field(max_length=MAX_ITEMS)] = []


# --- Markdown front matter ----------------------------------------------------------

class ArticleMeta(Record):
    title: Text
    date: When
    author: str = ""
    summary: str = ""
    tags: Annotated[list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]], Field(max_length=MAX_ITEMS)] = []
    draft: bool = False


class PageMeta(Record):
    title: Text
    menu: Number | None = None
    summary: str = ""
    draft: bool = False

