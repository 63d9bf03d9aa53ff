"""Stage 3, derive: validated records -> the site model templates see.

Everything here is worked out from records that passed validation: their URLs, what each
kind's own derive adds (kinds.Kind.derive: directory letters, logo sizes, event times in their
zone, agendas, what is upcoming or current on the build date), the order of every list and the
links between records that each kind's references make.
Nothing in it can fail. The model it returns is frozen (model/site.py): later stages
read it, and `serve` replaces records with new objects instead of changing them.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any, Iterable

from ..model.site import SiteConfig, SiteModel, construct, derived
from ..model.kinds import KINDS, SITE_PROSE, Kind
from ..core.markdown import typographic
from ..checking.validate import Valid, Validated


def derive(checked: Validated, as_of: date, drafts: bool = False, base_url: str | None = None) -> SiteModel:
    """The whole site model, its records in the order the site lists them, linked to each other.
    base_url: --base-url, in place of site.yaml's."""
    cfg = config(checked.site, base_url)
    records = {}
    for kind in KINDS.values():
        made = [record(kind.name, v, cfg, as_of) for v in checked.records.get(kind.name, [])
                if drafts or not getattr(v.rec, "draft", False)]
        records[kind.name] = [r for r in ordered(kind, made) if kind.published is None or kind.published(r)]
    return link(SiteModel(cfg, as_of, records, drafts))


def ordered(kind: Kind, records: list[Any]) -> list[Any]:
    return kind.order(records) if kind.order is not None else sorted(records, key=lambda r: r.slug)


def link(site: SiteModel) -> SiteModel:
    """Point records at the records they name (each kind's refs): a member's vendors, a vendor's
    members, an event's sponsors and guests, what other kinds show on a record's page. Called
    on a model whose records are not linked yet."""
    backs: dict[tuple[int, str], list[Any]] = {}  # (id of a named record, attribute) -> records naming it
    related: dict[int, list[tuple[str, list[Any]]]] = {}
    shown_on = {ref.kind for kind in KINDS.values() for ref in kind.refs if ref.shown}
    for name in shown_on:
        for target in site.records.get(name, []):
            related[id(target)] = []
    for kind in KINDS.values():
        for ref in kind.refs:
            if ref.back:
                for target in site.records.get(ref.kind, []):
                    backs[id(target), ref.back] = []
    for kind in KINDS.values():
        for ref in kind.refs:
            if not (ref.link or ref.back or ref.shown):
                continue
            targets = getattr(site, ref.kind + "_by_slug")
            blocks: dict[int, list[Any]] = {}
            for rec in site.records.get(kind.name, []):
                value = getattr(rec, ref.field)
                many = isinstance(value, list)
                named = [targets[s] for s in (value if many else [value]) if s in targets]
                if ref.link:
                    derived(rec, **{ref.link: named if many else (named[0] if named else None)})
                for target in named:
                    if ref.back:
                        backs[id(target), ref.back].append(rec)
                    if ref.shown:
                        blocks.setdefault(id(target), []).append(rec)
            if ref.shown:
                for key, recs in blocks.items():
                    related[key].append((ref.shown, recs))
    for kind in KINDS.values():
        for ref in kind.refs:
            if ref.back:
                for target in site.records.get(ref.kind, []):
                    derived(target, **{ref.back: backs[id(target), ref.back]})
    for name in shown_on:
        for target in site.records.get(name, []):
            derived(target, related=related[id(target)])
    return site


def relinked(site: SiteModel, new: Any) -> SiteModel:
    """A new model in which `new` replaces the record of its kind and slug, every linked
    record a new object pointing at the new ones: the old model is left as it was.

    Only for a change that leaves the record's place in every list and its links as they
    were (serve's fast path checks the kind's shape fields first)."""
    linked = {ref.kind for kind in KINDS.values() for ref in kind.refs} | {
        kind.name for kind in KINDS.values() if kind.refs}
    records = {}
    for name, recs in site.records.items():
        swapped = [new if type(r) is type(new) and r.slug == new.slug else r for r in recs]
        records[name] = [_unlinked(KINDS[name], r) for r in swapped] if name in linked else swapped
    return link(SiteModel(site.config, site.as_of, records, site.drafts))


def _unlinked(kind: Kind, rec: Any) -> Any:
    """A copy of a record (the same values) that link() may point at others."""
    copy = _copy(rec)
    if kind.copied is not None:  # what points back at it (a vendor's benefits)
        kind.copied(copy, _copy)
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
    """One record of a kind, not linked to others yet: its fields, slug, source and URL (and a
    Markdown file's body), then what its kind works out (kinds.Kind.derive)."""
    declared = KINDS[kind]
    src = valid.src
    fields = typeset(dict(valid.rec), declared.prose)
    fields.update(slug=src.slug, source=src.path, pos=src.pos, url=declared.url_of(src.slug))
    if declared.front_matter:
        fields.update(body=src.body, body_line=src.body_line)
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
