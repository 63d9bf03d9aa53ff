"""Stage 2, validate: loaded documents -> valid records, or problems at file:line:col.

Each record is checked against its kind's model (schema errors are put in a member's words in
checking/record_checks.py), then by its kind's own checks (kinds.Kind.check: dates that
contradict each other, duplicates; the kinds' modules hold them), then against the rest of the
site: every record its kind's references name must exist. Logo files are checked in
images/logos.py (their contents in images/filetypes.py). Nothing here works out what the site shows: that is deriving/derive.py's job.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Iterable

from ..images import logos
from ..images.colors import brand_problems
from ..images.imaging import LogoFile
from ..model.kinds import KINDS
from ..reading.load import LINES, Loaded, Source
from ..model.fields import PLACEHOLDER, SLUG_RE
from ..model.records import SiteRecord
from . import messages
from ..core.markdown import MarkdownRenderer, needs_check
from ..reading.sourcemap import source_mapper
from ..core.problems import Problems, shorten
from .record_checks import check_record
from .lookalikes import skeleton

EXPIRY_WARNING_DAYS = 30

# what follows a company's name without making it another company ("Acme Networks, LLC")
COMPANY_SUFFIXES = {"inc", "incorporated", "llc", "pllc", "llp", "lp", "co", "company", "corp", "corporation",
                    "ltd", "limited", "pc", "plc"}


def _looks(word: str) -> str:
    """A word as it looks, without case: each character outside ASCII is replaced by its
    UTS #39 prototype before case is folded (Greek Ν looks like N, its small ν like v).
    ASCII stays as typed: 'Bam IT' and 'Barn IT', 'GRANITE' and 'Granite' are told apart
    or matched by their letters alone, while a Cyrillic а in 'Grаnite' counts as a."""
    return "".join(ch if ch.isascii() else skeleton(ch) for ch in word).casefold()


_SUFFIX_LOOKS = {_looks(s) for s in COMPANY_SUFFIXES}


def company_key(name: str) -> str:
    """A company name as compared for duplicates: without case, accents, punctuation and a
    trailing Inc, LLC, Co, Corp, Ltd and the like, and as it looks: a letter of another
    alphabet that looks like a Latin one (Cyrillic а, Greek Ο) counts as that letter."""
    import unicodedata
    # case is folded after the skeleton: Greek Ν looks like N, its small ν like v
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    words = [_looks(w) for w in re.findall(r"[^\W_]+", re.sub(r"[.'’]", "", plain))]
    while len(words) > 1 and words[-1] in _SUFFIX_LOOKS:
        words.pop()
    return "".join(words)


# hosts where many companies have a page: there the path tells them apart
SHARED_HOSTS = {"facebook.com", "linkedin.com", "instagram.com", "x.com", "twitter.com", "sites.google.com",
                "youtube.com", "yelp.com"}


def website_host(url: str | None) -> str:
    """A member's web site as compared for duplicates: its host without 'www.' (with the
    path on a host such as facebook.com that many companies share); '' when there is none."""
    from urllib.parse import urlsplit
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:
        return ""
    if host in SHARED_HOSTS:
        path = parts.path.rstrip("/").lower()
        return host + path if path else ""
    return host


@dataclass(frozen=True)
class Valid:
    """A record that passed validation, with the source it came from."""

    src: Source
    rec: Any  # the kind's record model (MemberRecord, …; SiteRecord for site.yaml)
    logo: LogoFile | None = None  # its logo file, checked


@dataclass
class Validated:
    """What deriving/derive.py makes the site model of: site.yaml and every valid record, by kind
    (unpublished drafts too: whether they are left out is derive's choice)."""

    site: Valid | None  # None when one record is checked against a site checked before (serve)
    records: dict[str, list[Valid]] = field(default_factory=dict)


class Validator:
    """Checks every record against its kind's model, then the kind's own checks (kinds.Kind.check),
    then what each names (kinds.Kind.refs); what a kind checks is in its module."""

    def __init__(self, loaded: Loaded, problems: Problems, as_of: date, drafts: bool = False):
        self.loaded, self.problems, self.as_of, self.drafts = loaded, problems, as_of, drafts
        # a reference field's known values and the names records give themselves, for did-you-means
        self.choices: dict[str, list[str]] = {}
        self.names: dict[str, dict[str, str]] = {}
        for kind in KINDS.values():
            for ref in kind.refs:
                self.choices[ref.field] = sorted(loaded.slugs.get(ref.kind, ()))
                self.names[ref.field] = self._names(ref.kind)

    def run(self) -> Validated | None:
        site = self.site()
        cfg = site.rec if site is not None else None
        if cfg is not None:
            self.choices["specialties"] = sorted(cfg.specialties)
            self.names["specialties"] = {s.label: key for key, s in cfg.specialties.items()}
        records = {kind: [v for s in self.loaded.sources.get(kind, []) if (v := self.record(s, cfg))]
                   for kind in KINDS}
        for kind in KINDS.values():
            if kind.check_all is not None:
                kind.check_all(self, records[kind.name])
        if site is None:
            return None
        self.site_rec = site.rec
        self.cross_reference(records)
        return Validated(site, records)

    def record(self, src: Source, cfg: SiteRecord | None) -> Valid | None:
        """One record: its model, its logo, then its kind's own checks."""
        kind = KINDS[src.kind]
        rec = check_record(src, kind.record, self.problems, self.choices, self.names)
        if rec is None:
            self.raw_checks(src, cfg)
            return None
        for ref in kind.refs:
            value = getattr(rec, ref.field)
            if isinstance(value, list):
                self.duplicates(src, ref.field, value)
        logo = getattr(rec, "logo", None) if "logo" in kind.record.model_fields else None
        valid = Valid(src, rec, logos.record_logo(src, logo, self.loaded.root, self.problems) if logo else None)
        return kind.check(self, valid, cfg) if kind.check is not None else valid

    def _names(self, kind: str) -> dict[str, str]:
        """The names records of a kind give themselves -> their slugs."""
        return {src.data["name"]: src.slug for src in self.loaded.sources.get(kind, [])
                if isinstance(src.data, dict) and isinstance(src.data.get("name"), str)}

    # --- one record each -------------------------------------------------------------

    def site(self) -> Valid | None:
        src = self.loaded.site
        if src is None:
            return None
        rec = check_record(src, SiteRecord, self.problems)
        if rec is None:
            return None
        if rec.colors is not None:
            for key, message, hint in brand_problems(rec.colors.brand, rec.colors.accent):
                line, col = src.pos.value(("colors", key))
                self.problems.error(src.path, line, col, message, hint)
        logo_file = logos.site_logo(src, rec.logo, self.problems) if rec.logo is not None else None
        return Valid(src, rec, logo_file)

    def expiry(self, src: Source, path: tuple, what: str, ends: date | None, starts: date | None = None,
               renew: str = "renew it or let it lapse") -> None:
        """An offer with an end date at path (a vendor's benefit, a job posting): one that ends
        before it starts is an error; one that has ended is not shown, one that ends soon is noted."""
        if ends is None:
            return
        line, col = src.pos.value(path)
        if starts and ends < starts:
            self.problems.error(src.path, line, col, f"{what} ends ({ends}) before it starts ({starts})")
        if ends < self.as_of:
            self.problems.warning(src.path, line, col, f"{what} expired on {ends} and is not shown",
                                  "remove it or set a new end date")
        elif ends <= self.as_of + timedelta(days=EXPIRY_WARNING_DAYS):
            self.problems.warning(src.path, line, col, f"{what} expires on {ends}", renew)

    def body_placeholder(self, src: Source) -> None:
        """A Markdown file left as `smbsite new` wrote it must not pass the check."""
        for i, line in enumerate(LINES.split(src.body)):
            if PLACEHOLDER in line:
                self.problems.error(src.path, src.body_line + i, line.index(PLACEHOLDER) + 1,
                                    f"replace the placeholder '{PLACEHOLDER}' in the text")

    # --- helpers ----------------------------------------------------------------------

    def specialties(self, src: Source, keys: Iterable[tuple[int, str]], cfg: SiteRecord) -> None:
        for i, key in keys:
            if key not in cfg.specialties:
                line, col = src.pos.value(("specialties", i))
                self.problems.error(src.path, line, col, f"unknown specialty '{shorten(key)}'",
                                    messages.reference_hint("specialty", key, cfg.specialties,
                                                            self.names.get("specialties")))

    @staticmethod
    def valid_slugs(data: Any, key: str) -> list[tuple[int | None, str]]:
        """The slugs a field of a record the model rejected holds: (index or None for one, slug)."""
        items = data.get(key) if isinstance(data, dict) else None
        pairs = list(enumerate(items)) if isinstance(items, list) else [(None, items)]
        return [(i, v) for i, v in pairs if isinstance(v, str) and len(v) <= 64 and SLUG_RE.match(v)]

    def raw_checks(self, src: Source, cfg: SiteRecord | None) -> None:
        """The checks beyond the schema, on a record the schema rejected: every mistake of a
        file is reported in one run, not one round of fixes at a time."""
        data = src.data
        kind = KINDS[src.kind]
        self.raw_markdown(src)
        if "logo" in kind.record.model_fields and isinstance(data.get("logo"), str):
            logos.record_logo(src, data["logo"], self.loaded.root, self.problems)
        if kind.check_raw is not None:
            kind.check_raw(self, src, cfg)
        for ref in kind.refs:
            known = self.loaded.slugs.get(ref.kind, set())
            for i, slug in self.valid_slugs(data, ref.field):
                if slug not in known:
                    self.unknown(src.path, src.pos, (ref.field,) if i is None else (ref.field, i), ref.kind, slug, known)

    def raw_markdown(self, src: Source) -> None:
        """The Markdown of a record the schema rejected, checked as a valid record's is when
        the site is built (all but its site links, which need every page of the site)."""
        data = src.data if isinstance(src.data, dict) else {}
        kind = KINDS[src.kind]
        fields: list[tuple] = [path for path in kind.markdown if len(path) == 1]
        for key, sub in (path for path in kind.markdown if len(path) == 2):
            items = data.get(key)
            fields += [(key, i, sub) for i in range(len(items))] if isinstance(items, list) else []
        if kind.front_matter:
            self._report_markdown(src, src.body, lambda line, col: (src.body_line + line - 1, col))
            return
        for path in fields:
            value: Any = data
            for part in path:
                value = value.get(part) if isinstance(value, dict) else (
                    value[part] if isinstance(value, list) and isinstance(part, int) else None)
            if isinstance(value, str) and needs_check(value):
                line, col = src.pos.value(path)
                self._report_markdown(src, value, source_mapper(line, col, src.pos.style(path),
                                                                src.text.splitlines()))

    def _report_markdown(self, src: Source, text: str, to_file: Any) -> None:
        if not needs_check(text):
            return
        for line, col, severity, message, hint in messages.markdown_problems(MarkdownRenderer().render(text)):
            add = self.problems.warning if severity == "warning" else self.problems.error
            add(src.path, *to_file(line, col), message, hint)

    def duplicates(self, src: Source, key: str, values: list[str]) -> None:
        seen: set[str] = set()
        for i, value in enumerate(values):
            if value in seen:
                line, col = src.pos.value((key, i))
                self.problems.error(src.path, line, col, f"'{shorten(value)}' is listed twice in {key}")
            seen.add(value)

    # --- references between records ----------------------------------------------------

    def known(self, kind: str, records: dict[str, list[Valid]]) -> set[str]:
        """The slugs of a kind's records (a file with errors of its own is known: reporting a
        reference to it too would be noise)."""
        return self.loaded.slugs.get(kind, set()) | {v.src.slug for v in records.get(kind, [])}

    def cross_reference(self, records: dict[str, list[Valid]]) -> None:
        """Every record a record names (its kind's refs) is a record of the site."""
        self.home_references(records)
        for kind in KINDS.values():
            for ref in kind.refs:
                known = self.known(ref.kind, records)
                for valid in records[kind.name]:
                    value = getattr(valid.rec, ref.field)
                    for i, slug in (enumerate(value) if isinstance(value, list) else [(None, value)]):
                        if slug is not None and slug not in known:
                            path = (ref.field,) if i is None else (ref.field, i)
                            self.unknown(valid.src.path, valid.src.pos, path, ref.kind, slug, known)

    def home_references(self, records: dict[str, list[Valid]]) -> None:
        """site.yaml's home copy names records too: its quote a member, its pillars the pages that tell more."""
        site = self.loaded.site
        home = getattr(self.site_rec, "home", None)
        if site is None or home is None:
            return
        for path, kind, slug in home_refs(home):
            known = self.known(kind, records)
            if slug not in known:
                self.unknown(site.path, site.pos, path, kind, slug, known)

    def unknown(self, source: str, pos: Any, path: tuple, what: str, slug: str, known: Iterable[str]) -> None:
        """A reference to a record that no file of the site defines."""
        line, col = pos.value(path)
        self.problems.error(source, line, col, f"unknown {what} '{slug}'",
                            messages.reference_hint(what, slug, known, self.names.get(path[0])))


def home_refs(home: Any) -> list[tuple[tuple, str, str]]:
    """(where in site.yaml, kind, slug) of each record the home page's copy names."""
    refs = [(("home", "quote", "member"), "member", home.quote.member)] if home.quote is not None else []
    return refs + [(("home", "pillars", i, "page"), "page", p.page) for i, p in enumerate(home.pillars)
                   if p.page is not None]


def validate(loaded: Loaded, problems: Problems, as_of: date, drafts: bool = False) -> Validated | None:
    """Every record checked; None when site.yaml itself is not valid (nothing can be derived)."""
    return Validator(loaded, problems, as_of, drafts).run()
