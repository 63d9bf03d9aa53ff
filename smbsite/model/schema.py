"""JSON Schemas (draft 2020-12) of the record files, generated from the content model.

Editors that speak yaml-language-server (VS Code's YAML extension, Neovim,
JetBrains) read a record's first line ``# yaml-language-server:
$schema=../schemas/member.schema.json`` and then autocomplete fields, show what
each one means and flag mistakes while the member types, before CI does.

The schemas come from ``MemberRecord.model_json_schema()`` and friends, adjusted
where the model's Python-side leniency differs from what an editor sees: YAML
dates arrive as strings, times are local (no offset), a phone may be a bare
number, and the placeholder ``REPLACE ME`` that ``smbsite new`` writes is
rejected as it is by ``smbsite check``. The adjustments hang off the model's
own validator functions, so a field that gains a validator type gains its schema.

Regenerate with ``smbsite schema``; a test
fails when the files in schemas/ drift from the model.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import yaml
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import GenerateJsonSchema

from . import fields
from .kinds import KINDS as RECORD_KINDS
from .fields import PLACEHOLDER
from .records import Audience, Contact, HomeCopy, Pillar, Quote, RadioLinks, Sections, SiteColors, SiteRecord, Specialty

DIALECT = "https://json-schema.org/draft/2020-12/schema"
FOLDER = "schemas"
SITE_TITLE = ("smbsite site settings (site.yaml)",
              "The site's title, address, time zone and the specialty vocabulary members choose from.")


def kinds() -> dict[str, type[BaseModel]]:
    """Schema name -> model: site.yaml's, then the record kinds that have one."""
    return {"site": SiteRecord, **{k.schema: k.record for k in RECORD_KINDS.values() if k.schema}}


def record_folders() -> dict[str, str]:
    return {k.schema: k.folder for k in RECORD_KINDS.values() if k.schema}


def field_docs() -> dict[type[BaseModel], dict[str, str]]:
    """What each field of each record class means: site.yaml's, then each kind's."""
    docs = dict(SITE_DOCS)
    for kind in RECORD_KINDS.values():
        docs.update(kind.docs)
    return docs


def __getattr__(name: str) -> Any:
    if name == "KINDS":
        return kinds()
    if name == "RECORD_FOLDERS":
        return record_folders()
    if name == "FIELD_DOCS":
        return field_docs()
    raise AttributeError(name)


# What each field means: shown by editors on hover, and the field guide of
# CONTRIBUTING.md and the `smbsite new` templates say the same in more words.
SITE_DOCS: dict[type[BaseModel], dict[str, str]] = {
    SiteRecord: {
        "title": "The association's name, shown in every page title.",
        "tagline": "A short line shown under the title on the home page.",
        "description": "One or two sentences about the association, for search engines and link previews.",
        "base_url": "The published address of the site, e.g. https://smbtn.github.io/site/. Its path is the "
                    "prefix of every link.",
        "language": "The language of the content as a BCP 47 tag, e.g. en or en-US.",
        "timezone": "The IANA time zone events use unless they name their own, e.g. America/Los_Angeles.",
        "membership_goal": "Optional: the number of members the association aims for, shown as progress.",
        "cname": "Optional: a custom domain for GitHub Pages, e.g. www.smbtn.org (writes output/CNAME).",
        "contact": "Optional: how to reach the association (email, phone, postal address), shown in the "
                   "footer of every page.",
        "join_url": "Optional: the address of the membership application the join page links to.",
        "search": "Optional: true adds a search box to every page and builds a search index into "
                  "output/pagefind/.",
        "logo": "Optional: the association's logo, an SVG or PNG (or JPEG, WebP) file in the site folder, e.g. "
                "logo.svg. Shown in the page header (in place of the title, so a wordmark reads best), and the "
                "source of the favicons and link-preview cards.",
        "colors": "Optional brand colours, written \"#rrggbb\": brand (buttons, the header rule, monograms, "
                  "link-preview cards; white text sits on it) and accent (links). Each must reach 4.5:1 contrast "
                  "where the theme uses it.",
        "repository": "Optional: the site's repository on GitHub, e.g. https://github.com/smbtn/website. Enables "
                      "/add-your-company/, a form that opens GitHub's editor with a new member record.",
        "branch": "The branch the form's new member records are proposed against (default main).",
        "specialties": "The partner-finder vocabulary. Each key (lowercase-with-hyphens) is what members "
                       "write in their specialties list.",
        "radio": "Optional: where the radio show's podcast can be followed besides its RSS feed.",
        "sections": "Optional: turn off the parts of the site the association does not have (radio, conference, "
                    "vendors, join_form, news); each is on by default. Navigation, footer, feeds and the sitemap "
                    "follow.",
        "home": "Optional: the home page's own words in Markdown: intro, audiences, pillars and a member's quote.",
        "extra_css": "Optional: stylesheets in templates/static/, e.g. [print.css], loaded on every page after the "
                     "theme's (templates/static/site.css is loaded without being listed).",
    },
    Sections: {
        "radio": "false leaves out the radio show page (/radio/), its podcast feed and its menu entry.",
        "conference": "false leaves out the home page's banner for the next conference.",
        "vendors": "false leaves out vendor benefits (/vendors/ and each vendor's page).",
        "join_form": "false leaves out the \"Add your company\" form (/add-your-company/).",
        "news": "false leaves out news (/articles/), the news feed and the home page's latest news.",
    },
    HomeCopy: {
        "intro": "Markdown shown under the home page's headline.",
        "audiences": "Who the site serves and where each starts: title, text (Markdown), link (a button's words) "
                     "and url (a page of the site, like /partners/, or a web address).",
        "pillars_title": "The heading over the pillars (default: What we do together).",
        "pillars": "What the association does: title, text (Markdown) and page (a file name in content/pages/ "
                   "without .md, the page that tells more).",
        "quote": "A member's words on the home page: text, person (who said it) and member (their record's file "
                 "name in members/ without .yaml).",
    },
    Audience: {
        "title": "Who this is for, as a heading, e.g. Looking for an IT provider?",
        "text": "One or two sentences in Markdown.",
        "link": "The button's words, e.g. Find an IT provider.",
        "url": "Where the button goes: a page of the site (/partners/) or a web address.",
    },
    Pillar: {
        "title": "The pillar's name, e.g. Business development.",
        "text": "One sentence in Markdown.",
        "page": "Optional: the page that tells more, by its file name in content/pages/ without .md.",
    },
    Quote: {
        "text": "The member's words, without quotation marks.",
        "person": "Optional: who said it, e.g. Dana Ortiz, owner.",
        "member": "The member's record, by its file name in members/ without .yaml.",
    },
    RadioLinks: {
        "apple": "The show's page on Apple Podcasts (http or https).",
        "spotify": "The show's page on Spotify (http or https).",
    },
    Contact: {
        "email": "The association's email address, e.g. office@example.org; the podcast feed names it as the "
                 "show's owner.",
        "phone": "The association's phone number, e.g. +1 916 555 0100.",
        "address": "The postal address; line breaks are kept.",
    },
    SiteColors: {
        "brand": "The main colour, e.g. \"#0b5394\" (in quotes): buttons, the header rule, monograms and "
                 "link-preview cards, with white text on it (at least 4.5:1 contrast).",
        "accent": "The colour of links, e.g. \"#0b5394\"; default: brand. At least 4.5:1 contrast on the "
                  "theme's light backgrounds.",
    },
    Specialty: {
        "label": "The specialty's name as visitors read it, e.g. Structured cabling.",
        "description": "One line explaining what the specialty covers.",
    },
}

# Patterns follow ECMA-262 (what editors run) and Python's re alike.
NO_PLACEHOLDER = rf"^(?![\s\S]*{PLACEHOLDER})"
ONE_LINE = r"^\s*[^\n]*\s*$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
LOCAL_WHEN = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$"
HTTP_URL, EMAIL, PHONE = fields.HTTP_URL_PATTERN, fields.EMAIL_PATTERN, fields.PHONE_PATTERN
ZONE = r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$"
CLOCK = r"^\s*\d{1,2}(:\d{2})?\s*([AaPp]\.?[Mm]\.?)?\s*$"
LOGO_SUFFIXES = ("png", "jpg", "jpeg", "webp", "svg")

_MARK = "x-smbsite-validators"


def _case_insensitive(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


LOGO = r"^[^/\\]+\.(" + "|".join(_case_insensitive(s) for s in LOGO_SUFFIXES) + ")$"
SITE_LOGO = r"^(?!/)(?!.*(^|/)\.\.(/|$))[^\\]+\.(" + "|".join(_case_insensitive(s) for s in LOGO_SUFFIXES) + ")$"


def _extra_pattern(node: dict, pattern: str, message: str) -> None:
    """Add a pattern without replacing one the node already has (allOf keeps both)."""
    node.setdefault("allOf", []).append({"pattern": pattern, "patternErrorMessage": message})


def _placeholder(node: dict) -> None:
    _extra_pattern(node, NO_PLACEHOLDER, f"replace the placeholder '{PLACEHOLDER}'")


def _one_line(node: dict) -> None:
    _extra_pattern(node, ONE_LINE, "must be one line of plain text")


def _not_number(node: dict) -> None:
    # YAML dates reach a JSON Schema validator as strings
    node.update(type="string", format="date", pattern=DATE, patternErrorMessage="write the date as YYYY-MM-DD")


def _local_datetime(node: dict) -> None:
    node.clear()
    node.update(type="string", pattern=LOCAL_WHEN, examples=["2027-03-30", "2027-03-30T09:00"],
                patternErrorMessage="a date (YYYY-MM-DD) or a local date-time (YYYY-MM-DDTHH:MM) "
                                    "without an offset")


def _http_url(node: dict) -> None:
    node.update(pattern=HTTP_URL, patternErrorMessage="an http:// or https:// web address")


def _email(node: dict) -> None:
    node.update(pattern=EMAIL, patternErrorMessage="an email address like info@example.com")


def _phone(node: dict) -> None:
    node.update(type=["string", "integer"], pattern=PHONE,
                patternErrorMessage="a phone number like +1 555 010 0199")


def _timezone(node: dict) -> None:
    node.update(pattern=ZONE, examples=["America/Los_Angeles", "America/New_York", "UTC"])


def _clock(node: dict) -> None:
    node.update(type="string", pattern=CLOCK, examples=["09:00", "18:30", "6:30 PM"],
                patternErrorMessage="a time of day such as \"18:00\" or \"6:30 PM\"")


def _weekday(node: dict) -> None:
    node.update(type="string")


def _duration(node: dict) -> None:
    node.update(minimum=1, patternErrorMessage="a duration like \"58:30\" or \"1:02:00\", or seconds")


# The model's validator functions, by what they mean for the schema.
ADJUST: dict[Callable[..., Any], Callable[[dict], None]] = {
    fields._no_placeholder: _placeholder,
    fields._one_line: _one_line,
    fields._not_number: _not_number,
    fields._local_datetime: _local_datetime,
    fields._http_url: _http_url,
    fields._email: _email,
    fields._phone: _phone,
    fields._timezone: _timezone,
    fields._duration: _duration,
    fields._clock: _clock,
    fields._weekday: _weekday,
}
_NAMES = {fn: fn.__name__ for fn in ADJUST}
_BY_NAME = {fn.__name__: adjust for fn, adjust in ADJUST.items()}


class _RecordSchema(GenerateJsonSchema):
    """Pydantic's generator, remembering which model validators sit behind each value."""

    def _mark(self, js: dict, schema: Any) -> dict:
        name = _NAMES.get(schema["function"]["function"])
        if name is None:
            return js
        js = dict(js)
        js[_MARK] = [*js.get(_MARK, []), name]
        return js

    def function_before_schema(self, schema: Any) -> dict:
        return self._mark(super().function_before_schema(schema), schema)

    def function_after_schema(self, schema: Any) -> dict:
        return self._mark(super().function_after_schema(schema), schema)

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False  # "Base Url" says less than the description


def _walk(node: Any, visit: Callable[[dict], None]) -> None:
    if isinstance(node, dict):
        visit(node)
        for value in list(node.values()):
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


def _adjust(node: dict) -> None:
    for name in node.pop(_MARK, []):
        _BY_NAME[name](node)
    if "patternProperties" in node and "additionalProperties" not in node:
        # pydantic leaves keys that fail the key pattern unchecked; the model rejects them
        node["additionalProperties"] = False


def _describe(schema: dict, root: type[BaseModel]) -> None:
    for cls, docs in field_docs().items():
        target = schema if cls is root else schema.get("$defs", {}).get(cls.__name__)
        if target is None:
            continue
        target["title"] = cls.__name__.removesuffix("Record")
        properties = target.get("properties", {})
        for name, prop in list(properties.items()):
            if name in docs:
                properties[name] = prop = {"description": docs[name], **prop}
            if name == "logo":  # checked by checking/validate.py, not the model, but an editor can say it early
                in_site = cls is SiteRecord
                for option in prop.get("anyOf", [prop]):
                    if option.get("type") == "string":
                        option.update(pattern=SITE_LOGO if in_site else LOGO,
                                      patternErrorMessage="a png, jpg, webp or svg file in the site folder" if in_site
                                      else "a png, jpg, webp or svg file name beside the record")


def _site_specialties(src: Path | None) -> dict[str, str]:
    """The specialty keys and labels of SRC/site.yaml, or {} when it cannot be read."""
    if src is None:
        return {}
    try:
        data = yaml.safe_load((Path(src) / "site.yaml").read_text(encoding="utf-8"))
        site = SiteRecord.model_validate(data)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError):
        return {}
    return {key: spec.label for key, spec in site.specialties.items()}


def record_schema(kind: str, specialties: dict[str, str] | None = None) -> dict[str, Any]:
    """The JSON Schema of site.yaml or of one record kind; member specialties limited to the site's
    keys when given (what a kind's schema says beyond its model is its kinds.Kind.schema_extra)."""
    cls = kinds()[kind]
    generated = cls.model_json_schema(schema_generator=_RecordSchema)
    _walk(generated, _adjust)
    _describe(generated, cls)
    declared = next((k for k in RECORD_KINDS.values() if k.schema == kind), None)
    title, description = SITE_TITLE if declared is None else declared.schema_title
    if declared is not None and declared.schema_extra is not None:
        declared.schema_extra(generated, specialties or {})
    generated.pop("title", None)
    return {"$schema": DIALECT, "$id": f"urn:smbsite:schema:{kind}", "title": title,
            "description": description, **generated}


def schema_file(kind: str) -> str:
    return f"{FOLDER}/{kind}.schema.json"


def schema_comment(kind: str) -> str:
    """The first line of a record that points editors at its schema (paths relative to the record)."""
    prefix = "" if kind == "site" else "../"
    return f"# yaml-language-server: $schema={prefix}{schema_file(kind)}"


def render_schemas(src: Path | None = None) -> dict[str, str]:
    """{relative path: file text} of every schema, specialties taken from SRC/site.yaml."""
    specialties = _site_specialties(src)
    return {schema_file(kind): json.dumps(record_schema(kind, specialties), indent=2, ensure_ascii=False) + "\n"
            for kind in kinds()}


def stale_schemas(src: Path) -> list[str]:
    """The schema files under SRC that are missing or differ from the model."""
    stale = []
    for rel, text in render_schemas(src).items():
        path = Path(src) / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(rel)
    return stale


def write_schemas(src: Path) -> list[str]:
    """Write SRC/schemas/*.schema.json; returns the files that changed."""
    changed = []
    for rel, text in render_schemas(src).items():
        path = Path(src) / rel
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        changed.append(rel)
    return changed

