"""Stage 3, derive: validated records -> the site model templates see, with the links between them.

Everything here is worked out from records that passed validation: their URLs, each record's
Markdown (rendered as the record is made, before its kind's own derive), what each kind's own
derive adds (kinds.Kind.derive: directory letters, logo sizes, event times in their zone,
agendas, what is upcoming or current on the build date), the order of every list and the links
between records that each kind's references make (the model's `Links`, by slug).
Nothing in it can fail. Each record is made whole and the model it returns is frozen
(model/site.py): later stages read it, and `serve` swaps in a new model with a new record.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from ..model.site import Links, SiteConfig, SiteModel, construct
from ..model.kinds import KINDS, SITE_PROSE, Kind
from ..core.markdown import typographic
from ..checking.validate import Valid, Validated
from ..core.problems import Problems
from .links import MarkdownLinks


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
    records = {}
    for kind in KINDS.values():
        made = [record(kind.name, v, cfg, as_of, md) for v in checked.records.get(kind.name, [])
                if drafts or not getattr(v.rec, "draft", False)]
        records[kind.name] = [r for r in ordered(kind, made) if kind.published is None or kind.published(r)]
    site = SiteModel(cfg, as_of, records, drafts, link_table(records))
    # the site links of records left out (an expired posting) are not checked: no page shows them
    md.in_order([rec.source for kind in KINDS.values() for rec in getattr(site, kind.attr)], only=True)
    return Derived(site, md)


def ordered(kind: Kind, records: list[Any]) -> list[Any]:
    return kind.order(records) if kind.order is not None else sorted(records, key=lambda r: r.slug)


def link_table(records: dict[str, list[Any]]) -> Links:
    """Which records name which, by slug, as each kind's references declare them (kinds.Ref), in
    the order pages list them: a member's vendors, a vendor's members, an event's sponsors and
    guests, a job posting's member and the postings shown on the member's page (names of records
    the site lacks left out)."""
    known = {name: {r.slug for r in recs} for name, recs in records.items()}
    named: dict[tuple[str, str], dict[str, Any]] = {}
    related: dict[str, dict[str, list[tuple[str, str, tuple[str, ...]]]]] = {}
    for kind in KINDS.values():
        for ref in kind.refs:
            if not (ref.link or ref.back or ref.shown):
                continue
            targets = known.get(ref.kind, set())
            links = named.setdefault((kind.name, ref.link), {}) if ref.link else None
            backs: dict[str, list[str]] = {r.slug: [] for r in records.get(ref.kind, [])} if ref.back else {}
            blocks: dict[str, list[str]] = {}
            for rec in records.get(kind.name, []):
                value = getattr(rec, ref.field)
                many = isinstance(value, list)
                mine = tuple(s for s in (value if many else [value]) if s in targets)
                if links is not None:
                    links[rec.slug] = mine if many else (mine[0] if mine else None)
                for s in mine:
                    if ref.back:
                        backs[s].append(rec.slug)
                    if ref.shown:
                        blocks.setdefault(s, []).append(rec.slug)
            if ref.back:
                named[ref.kind, ref.back] = {s: tuple(ms) for s, ms in backs.items()}
            if ref.shown:
                shown = related.setdefault(ref.kind, {})
                for s, naming in blocks.items():
                    shown.setdefault(s, []).append((ref.shown, kind.name, tuple(naming)))
    return Links(named, {name: {s: tuple(bs) for s, bs in table.items()} for name, table in related.items()})


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
    """One record of a kind, final: its fields, slug, source and URL (and a Markdown file's body),
    its Markdown rendered (its site links noted in md), then what its kind works out
    (kinds.Kind.derive), which gets the rendered fields and makes the record whole."""
    declared = KINDS[kind]
    src = valid.src
    fields = typeset(dict(valid.rec), declared.prose)
    fields.update(slug=src.slug, source=src.path, pos=src.pos, url=declared.url_of(src.slug))
    if declared.front_matter:
        fields.update(body=src.body, body_line=src.body_line)
    fields = md.rendered(kind, src.path, src.pos, fields)
    if declared.derive is not None:
        return declared.derive(valid, cfg, as_of, fields)
    return construct(declared.content, **fields)


def config(valid: Valid, base_url: str | None = None) -> SiteConfig:
    data = typeset(dict(valid.rec), SITE_PROSE)
    if base_url:
        data["base_url"] = base_url if base_url.endswith("/") else base_url + "/"
    origin, path = base_parts(data["base_url"])
    return construct(SiteConfig, **data, origin=origin, base_path=path, logo_file=valid.logo, pos=valid.src.pos)


def letter(name: str) -> str:
    """The directory's A-Z bucket of a name; '#' for digits and everything else."""
    first = unicodedata.normalize("NFKD", name.strip())[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def base_parts(base_url: str) -> tuple[str, str]:
    """(scheme://host, path ending in /) of the site's base URL."""
    m = re.match(r"^(https?://[^/]+)(/.*)?$", base_url)
    origin, path = (m.group(1), m.group(2) or "/") if m else ("", "/")
    return origin, path if path.endswith("/") else path + "/"
