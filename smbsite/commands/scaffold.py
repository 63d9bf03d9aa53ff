"""`smbsite new`: a commented record for a member (or staff) to fill in.

The file is not valid until it is filled in: every required value that only
the member can know is the placeholder REPLACE ME (or an empty list where a
list is required), which `smbsite check` and the JSON Schema both reject, so
an unfilled record cannot pass CI. The comments are the field guide; they come
from the same descriptions the JSON Schemas carry (smbsite.model.schema.FIELD_DOCS).
"""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import yaml
from pydantic import BaseModel

from ..pipeline import build_date
from ..core.problems import UsageError, no_site_yaml
from ..model.kinds import KINDS as RECORD_KINDS, SCAFFOLD_KINDS
from ..model.fields import NATIONWIDE, PLACEHOLDER, US_STATES
from ..model.records import ArticleMeta, BenefitRecord, EventRecord, MemberRecord, VendorRecord
from ..reading.safefs import link_problem
from ..reading.yamlpos import written
from ..model.schema import FIELD_DOCS, schema_comment
from ..core.slugify import slugify

KINDS = SCAFFOLD_KINDS
WIDTH = 88
NAME_MAX = 120

Field = tuple[str, str, list[str]]  # (key, YAML value text, comment lines after the field's description)


def _comment(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(text, WIDTH - len(indent) - 2, break_on_hyphens=False) if text else []


def _block(model: type[BaseModel], fields: list[Field], indent: str = "") -> list[str]:
    """Each field preceded by its description (from the schema docs) and any extra comment lines."""
    docs = FIELD_DOCS.get(model, {})
    lines: list[str] = []
    for key, value, extra in fields:
        if key.startswith("#"):  # a section heading
            lines += ["", f"{indent}{key}"]
            continue
        comment = _comment(docs.get(key, ""), indent) + extra
        lines += [""] if lines else []
        lines += [f"{indent}# {c}".rstrip() for c in comment]
        lines.append(f"{indent}{key}:{' ' + value if value else ''}")
    return lines


def _columns(words: list[str], indent: str = "  ") -> list[str]:
    return textwrap.wrap(" ".join(words), WIDTH - 2 - len(indent), initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False)


def lenient_settings(site: Path) -> dict:
    """site.yaml as plain data, or {} where it cannot be read: the templates and the guide quote
    what they can from a site that may still have mistakes."""
    try:
        data = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        data = None
    return data if isinstance(data, dict) else {}


def specialty_labels(data: dict) -> dict[str, str]:
    """The specialty keys of lenient site.yaml data, with their labels ('' where none)."""
    specialties = data.get("specialties")
    if not isinstance(specialties, dict):
        return {}
    return {str(key): str(spec.get("label", "")) if isinstance(spec, dict) else ""
            for key, spec in specialties.items()}


def vendor_slugs(site: Path) -> list[str]:
    """The vendor records' slugs, by file name, sorted."""
    folder, suffixes = RECORD_KINDS["vendor"].folder, RECORD_KINDS["vendor"].suffixes
    return sorted(p.stem for p in (site / folder).glob("*") if p.suffix in suffixes) \
        if (site / folder).is_dir() else []


class _Site:
    """What the template lists from the site: its specialties, vendors, time zone, today."""

    def __init__(self, src: Path):
        data = lenient_settings(src)
        self.specialties: dict[str, str] = specialty_labels(data)
        self.title = str(data.get("title") or "the site")
        self.timezone = str(data.get("timezone") or "UTC")
        self.vendors = vendor_slugs(src)
        self.today = build_date(None, self.timezone).isoformat()

    def specialty_lines(self) -> list[str]:
        if not self.specialties:
            return ["The specialty keys are listed in site.yaml."]
        width = max(len(k) for k in self.specialties) + 2
        return ["This site's specialties:"] + [f"  {k.ljust(width)}{label}".rstrip()
                                               for k, label in self.specialties.items()]

    def vendor_lines(self) -> list[str]:
        return ["This site's vendors:"] + _columns(self.vendors) if self.vendors else []

    def specialty_example(self) -> str:
        return f"[{', '.join(list(self.specialties)[:2] or ['cabling', 'wireless'])}]"


# CONTRIBUTING.md is the members' guide: it explains the member fields, no others.
MEMBER_GUIDE = "CONTRIBUTING.md explains every field."
FIELD_COMMENTS = "The comment above each field explains it."


def _header(title: str, steps: list[str], guide: str = FIELD_COMMENTS) -> list[str]:
    lines = [f"# {title}", "#", "# How to fill it in:"]
    for i, step in enumerate(steps, 1):
        wrapped = _comment(step, "     ")
        lines += [f"#   {i}. {wrapped[0]}"] + [f"#      {w}" for w in wrapped[1:]]
    return lines + [f"# Lines starting with # are comments. {guide}"]


CHECK_STEP = ("Run `smbsite check`, or open the pull request and read the check's notes: each mistake is "
              "reported with its line and how to fix it.")


def member_text(name: str, site: _Site) -> str:
    states = _columns(sorted(US_STATES))
    fields: list[Field] = [
        ("name", written(name), []),
        ("summary", PLACEHOLDER, []),
        ("joined", PLACEHOLDER, [f"For example {site.today} (today)."]),
        ("city", PLACEHOLDER, []),
        ("state", PLACEHOLDER, ["The codes:"] + states),
        ("specialties", "[]", site.specialty_lines() + [f"Write the keys in brackets, e.g. {site.specialty_example()}."]),
        ("# --- Optional: fill in what you want shown, leave the rest empty ---", "", []),
        ("serves", "[]", [f"For example [NV, AZ], or [{NATIONWIDE}] when you work with clients anywhere;",
                           "leave [] when you work only in your state."]),
        ("vendors", "[]", site.vendor_lines()),
        ("certifications", "[]", ["For example [CompTIA Network+, Microsoft Solutions Partner]."]),
        ("website", "", []),
        ("email", "", []),
        ("phone", "", []),
        ("employees", "", []),
        ("partnering", "true", []),
        ("logo", "", ["For example: logo: " + slugify(name) + ".png"]),
        ("description", '""', ["To write several lines, replace \"\" with | and indent the text below it:",
                               "  description: |", "    First paragraph.", "",
                               "    Second paragraph, with a [link](https://example.com/)."]),
    ]
    return _record("member", _header(f"The member listing of {name} on the {site.title} site.", [
        f"Replace every {PLACEHOLDER} and choose 1 to 8 specialties.",
        "Fill in the optional fields you want shown; leave the others empty.", CHECK_STEP,
    ], MEMBER_GUIDE), _block(MemberRecord, fields))


def vendor_text(name: str, site: _Site) -> str:
    fields: list[Field] = [
        ("name", written(name), []),
        ("summary", PLACEHOLDER, []),
        ("website", "", []),
        ("logo", "", []),
        ("description", '""', ["To write several lines, replace \"\" with | and indent the text below it."]),
        ("benefits", "", ["Copy the block starting with '- title' once for each benefit."]),
    ]
    benefit: list[Field] = [
        ("title", PLACEHOLDER, []),
        ("type", PLACEHOLDER, []),
        ("claim", PLACEHOLDER, []),
        ("details", '""', []),
        ("starts", "", [f"For example {site.today}."]),
        ("ends", "", []),
    ]
    items = _block(BenefitRecord, benefit, "    ")
    first = next(i for i, line in enumerate(items) if not line.lstrip().startswith("#"))
    # the first field opens the list item, so it and its comment sit at the dash
    items[:first + 1] = [line.replace("    ", "  ", 1) for line in items[:first]] + ["  - " + items[first].lstrip()]
    return _record("vendor", _header(f"The vendor record of {name} on the {site.title} site.", [
        f"Replace every {PLACEHOLDER}.", "Fill in the optional fields you want shown; leave the others empty.",
        CHECK_STEP,
    ]), _block(VendorRecord, fields) + items)


def event_text(name: str, site: _Site) -> str:
    fields: list[Field] = [
        ("title", written(name), []),
        ("type", PLACEHOLDER, []),
        ("starts", PLACEHOLDER, []),
        ("# --- Optional: fill in what applies, leave the rest empty ---", "", []),
        ("ends", "", []),
        ("timezone", "", [f"This site's time zone is {site.timezone}."]),
        ("summary", '""', []),
        ("description", '""', ["To write several lines, replace \"\" with | and indent the text below it."]),
        ("location", "", ["For example:",
                          "  location: {name: Riverside Hall, address: 100 Main Street, city: Fresno, state: CA}"]),
        ("online", "", []),
        ("registration", "", []),
        ("register_by", "", [f"For example {site.today}."]),
        ("price", "", []),
        ("hotel", "", ["For example:",
                       "  hotel: {name: Harbor Inn, address: 5 Bay Street, city: Fresno, state: CA,",
                       "          url: https://harbor-inn.example.com/, note: \"Code ASSOC26 for $149 a night\"}"]),
        ("sponsors", "[]", site.vendor_lines()),
        ("sessions", "[]", ["For example:", "  sessions:",
                            "    - title: Opening keynote", "      starts: 2027-03-30T09:00",
                            "      ends: 2027-03-30T09:45", "      speakers: [Ann Lee (Acme Networks)]",
                            "      room: Main hall", "      track: Business development"]),
        ("stations", "[]", ["For example: [{city: Fresno, state: CA, station: KFRS 1340 AM}]"]),
        ("audio", "", ["For example: {url: https://media.example.org/episode-1.mp3, bytes: 28000000, "
                       "duration: \"58:30\"}"]),
        ("guests", "[]", []),
    ]
    return _record("event", _header(f"The event {name} on the {site.title} site.", [
        f"Replace every {PLACEHOLDER}.", "Fill in the optional fields that apply; leave the others empty.",
        CHECK_STEP,
    ]), _block(EventRecord, fields))


def article_text(name: str, site: _Site) -> str:
    fields: list[Field] = [
        ("title", written(name), []),
        ("date", site.today, []),
        ("author", '""', []),
        ("summary", '""', []),
        ("tags", "[]", []),
        ("draft", "false", []),
    ]
    front = [line for line in _block(ArticleMeta, fields) if line]
    body = [f"{PLACEHOLDER}: write the article here, in Markdown.", "",
            "Separate paragraphs with a blank line, make lists with - at the start of a line,",
            "and links like [the member directory](/members/)."]
    return "\n".join(["---", *front, "---", *body]) + "\n"


def _record(kind: str, header: list[str], body: list[str]) -> str:
    return "\n".join([schema_comment(kind), *header, "", *body]) + "\n"


RENDER = {"member": member_text, "vendor": vendor_text, "event": event_text, "article": article_text}


def _check_folder(src: Path, folder: str) -> None:
    """A usage error unless SRC/folder is (or can be made) a folder inside the site."""
    parts = folder.split("/")
    for i in range(1, len(parts) + 1):
        path = src.joinpath(*parts[:i])
        why = link_problem(src, path) if path.is_symlink() else None
        if why is not None:
            raise UsageError(f"cannot write into {src / folder}: {why}")
        if path.is_symlink() and not path.exists():
            raise UsageError(f"cannot write into {src / folder}: {path} is a link to '{os.readlink(path)}', "
                             "which does not exist")
        if os.path.lexists(path) and not path.is_dir():
            raise UsageError(f"cannot write into {src / folder}: {path} is a file, not a folder")


def new_record(src: Path, kind: str, name: str) -> Path:
    """Write the template for a new KIND named NAME into SRC; returns its path. Never overwrites."""
    src = Path(src)
    if kind not in RENDER:
        raise UsageError(f"cannot make a new {kind!r}: choose one of {', '.join(KINDS)}")
    if not (src / "site.yaml").is_file():
        raise no_site_yaml(src, "new")
    name = " ".join(name.split())
    if not name:
        raise UsageError("the name is empty: write it in quotes, e.g. smbsite new member \"Acme Networks\"")
    if len(name) > NAME_MAX:
        raise UsageError(f"the name is {len(name)} characters long; at most {NAME_MAX} are allowed")
    if PLACEHOLDER in name:
        raise UsageError(f"use the real name, not {PLACEHOLDER!r}")
    slug = slugify(name)
    if not slug:
        raise UsageError(f"cannot make a file name from {name!r}: the name needs letters or digits")
    folder, suffixes = RECORD_KINDS[kind].folder, RECORD_KINDS[kind].suffixes
    _check_folder(src, folder)
    for suffix in suffixes:
        existing = src / folder / f"{slug}{suffix}"
        if existing.exists():
            raise UsageError(f"{existing} already exists: edit it, or choose another name")
    path = src / folder / f"{slug}{suffixes[0]}"
    text = RENDER[kind](name, _Site(src))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as fh:  # "x": never replace a file that appeared meanwhile
            fh.write(text)
    except FileExistsError:
        if path.exists():
            raise UsageError(f"{path} already exists: edit it, or choose another name") from None
        raise UsageError(f"cannot write {path}: {path.parent} is not a folder") from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    return path

