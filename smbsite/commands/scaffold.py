"""`smbsite new`: a commented record for a member (or staff) to fill in.

The file is not valid until it is filled in: every required value that only
the member can know is the placeholder REPLACE ME (or an empty list where a
list is required), which `smbsite check` and the JSON Schema both reject, so
an unfilled record cannot pass CI. The comments are the field guide; they come
from the same descriptions the JSON Schemas carry (each kind's docs). The text of each
kind is its module's (kinds.Kind.scaffold), written with the `Writer` here.
"""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import yaml
from pydantic import BaseModel

from ..pipeline import build_date
from ..core.problems import UsageError, no_site_yaml
from ..model.kinds import KINDS as RECORD_KINDS, scaffold_kinds
from ..model.fields import PLACEHOLDER
from ..reading.safefs import link_problem
from ..reading.yamlpos import written
from ..model.schema import field_docs, schema_comment
from ..core.slugify import slugify

WIDTH = 88
NAME_MAX = 120

Field = tuple[str, str, list[str]]  # (key, YAML value text, comment lines after the field's description)


def _comment(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(text, WIDTH - len(indent) - 2, break_on_hyphens=False) if text else []


def _block(model: type[BaseModel], fields: list[Field], indent: str = "") -> list[str]:
    """Each field preceded by its description (from the schema docs) and any extra comment lines."""
    docs = field_docs().get(model, {})
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
    """The vendor records' slugs, by file name, sorted (the member and event templates list them)."""
    return record_slugs(site, "vendor")


def record_slugs(site: Path, kind: str) -> list[str]:
    """A kind's records' slugs, by file name, sorted."""
    folder, suffixes = RECORD_KINDS[kind].folder, RECORD_KINDS[kind].suffixes
    return sorted(p.stem for p in (site / folder).glob("*") if p.suffix in suffixes) \
        if (site / folder).is_dir() else []


class _Site:
    """What the template lists from the site: its specialties, records of a kind, time zone, today."""

    def __init__(self, src: Path):
        data = lenient_settings(src)
        self.specialties: dict[str, str] = specialty_labels(data)
        self.title = str(data.get("title") or "the site")
        self.timezone = str(data.get("timezone") or "UTC")
        self.src = src
        self.today = build_date(None, self.timezone).isoformat()

    def specialty_lines(self) -> list[str]:
        if not self.specialties:
            return ["The specialty keys are listed in site.yaml."]
        width = max(len(k) for k in self.specialties) + 2
        return ["This site's specialties:"] + [f"  {k.ljust(width)}{label}".rstrip()
                                               for k, label in self.specialties.items()]

    def slug_lines(self, kind: str) -> list[str]:
        """The records of a kind a field may name, by slug: "This site's vendors:" and their slugs."""
        slugs = record_slugs(self.src, kind)
        return [f"This site's {RECORD_KINDS[kind].attr}:"] + _columns(slugs) if slugs else []

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


def _record(kind: str, header: list[str], body: list[str]) -> str:
    return "\n".join([schema_comment(kind), *header, "", *body]) + "\n"


class Writer:
    """What a kind's scaffold (kinds.Kind.scaffold) writes its text with: the site's facts, the
    field blocks with their descriptions (from the schema docs) and the header."""

    CHECK_STEP = CHECK_STEP
    MEMBER_GUIDE = MEMBER_GUIDE
    FIELD_COMMENTS = FIELD_COMMENTS

    def __init__(self, src: Path):
        self.site = _Site(src)

    scalar = staticmethod(written)
    columns = staticmethod(_columns)
    block = staticmethod(_block)
    header = staticmethod(_header)
    record = staticmethod(_record)
    slug = staticmethod(slugify)


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
    kinds = scaffold_kinds()
    if kind not in kinds:
        raise UsageError(f"cannot make a new {kind!r}: choose one of {', '.join(kinds)}")
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
    text = RECORD_KINDS[kind].scaffold(name, Writer(src))
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

