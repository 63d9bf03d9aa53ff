"""The registry of record kinds: what a kind is, and which kinds a site has.

A kind (member, vendor, event, page, article, or one an association installs) is one module
that declares a `Kind`: its folder, model, URL, the records it names, its own checks, what it
works out, the pages it adds, the text `smbsite new` writes and its JSON Schema's words. The
kinds are found through the `smbsite.kinds` entry point group (smbsite's own are declared in
its pyproject.toml), when first asked for: loading, validation, derive, routes, the schemas,
`smbsite new` and `serve` read them here and name none of them.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import import_module, metadata
from typing import Any, Callable, Iterator

GROUP = "smbsite.kinds"
# smbsite's own, in the order they are loaded, listed in the CLI and the schemas; others follow by name
BUILT_IN = ("member", "vendor", "event", "page", "article")
YAML = (".yaml", ".yml")


@dataclass(frozen=True)
class Ref:
    """A field that names records of another kind by slug (one slug, or a list of them)."""

    field: str  # member: the job posting's field
    kind: str  # the kind it names: member
    link: str | None = None  # the attribute templates read the named records under: member.vendor_list
    back: str | None = None  # the attribute of a named record listing the records naming it: vendor.members
    # the template that shows records of this kind on the page of the record they name (its `related`)
    shown: str | None = None


@dataclass(frozen=True)
class Kind:
    name: str  # the kind's word: member
    folder: str  # where its files sit, relative to the site: members
    suffixes: tuple[str, ...]  # the file endings read as records, the first is the one to write
    record: type  # what a file may hold (a model.records.Record)
    url: str  # its page, with {slug}: /members/{slug}/
    attr: str  # the site model's list of them: site.members
    content: type  # what templates see: its record plus model.site.Derived and what derive adds
    # The fields that decide where a record appears, in which order and beside what
    # (on other pages than its own): a change to one re-validates the whole site.
    shape: tuple[str, ...] = ()
    # Its Markdown fields: ("description",) renders into description_html, ("benefits",
    # "details") into details_html of every benefit. A front-matter kind's body renders into html.
    markdown: tuple[tuple[str, ...], ...] = ()
    # Its short plain-text fields read as prose (a summary, a title), set with typographic quotes
    # and dashes as its Markdown is (core/markdown.typographic); paths as in `markdown`. Names,
    # addresses, URLs and phone numbers are not prose and are never listed here.
    prose: tuple[tuple[str, ...], ...] = ()
    front_matter: bool = False  # Markdown with YAML front matter, not a YAML file
    refs: tuple[Ref, ...] = ()  # the records it names, checked to exist, in the model's links (model/site.py)
    # What reference hints call a record's name, and who adds new ones
    name_word: str = ""  # "vendor's name" (default: "<name>'s name")
    who_adds: str = ""
    reserved: tuple[str, ...] = ()  # top-level paths its pages take beyond its folder URL (partners)
    # Hooks, each optional (checking/validate.py, deriving/derive.py, routes/pages.py call them):
    check: Callable[..., Any] | None = None  # (validator, valid, site record) -> Valid | None: its own checks
    check_raw: Callable[..., Any] | None = None  # (validator, source, site record): on a record the model rejected
    check_all: Callable[..., Any] | None = None  # (validator, [Valid]): checks across its records
    # (valid, site config, as_of, fields, its Markdown rendered) -> the record, whole; None: fields alone
    derive: Callable[..., Any] | None = None
    order: Callable[[list[Any]], list[Any]] | None = None  # the site's list of them; None: by slug
    published: Callable[[Any], bool] | None = None  # (record) -> whether the site shows it (not expired)
    pages: Callable[..., Any] | None = None  # (routes builder): its pages; None: page and listing below
    files: Callable[..., Any] | None = None  # (site, urls, pages so far) -> machine-readable Outputs
    page: str | None = None  # the template of each record's page (generic pages)
    listing: str | None = None  # the template of the listing at its folder URL (/jobs/)
    card: Callable[[Any], str] | None = None  # (record) -> the line under its title on its link-preview card
    title: str = ""  # the listing's title (default: the list's name, capitalised)
    templates: str | None = None  # a folder of the kind's own templates, found after the theme's
    scaffold: Callable[..., str] | None = None  # (name, writer) -> the text `smbsite new` writes
    schema: str | None = None  # the JSON Schema's name (schemas/<name>.schema.json), None for none
    schema_title: tuple[str, str] = ("", "")  # its title and description
    schema_extra: Callable[..., None] | None = None  # (schema, site's specialties): what the model cannot say
    docs: dict[type, dict[str, str]] = field(default_factory=dict)  # each record class: field -> meaning

    def url_of(self, slug: str) -> str:
        return self.url.format(slug=slug)

    @property
    def collection(self) -> str:
        """The dependency key of the whole collection: members/."""
        return self.folder + "/"

    def holds(self, rel: str, any_file: bool = False) -> bool:
        """Whether rel (relative to the site, forward slashes) is a record file of this kind;
        with any_file, any file beside its records (members/acme.png, a logo)."""
        return (rel.startswith(self.folder + "/") and rel.count("/") == self.folder.count("/") + 1
                and (any_file or rel.endswith(self.suffixes)))


@functools.cache
def registry() -> dict[str, Kind]:
    """Every installed kind by name: smbsite's own first, in their order, then the others by name."""
    found: dict[str, Any] = {}
    for ep in metadata.entry_points(group=GROUP):
        found.setdefault(ep.name, ep)
    for name in BUILT_IN:
        # an install whose metadata predates the entry points still has the modules
        found.setdefault(name, f"smbsite.kinds.{name}:KIND")
    kinds: dict[str, Kind] = {}
    for name in [*BUILT_IN, *sorted(set(found) - set(BUILT_IN))]:
        entry = found[name]
        if isinstance(entry, str):
            module, _, attr = entry.partition(":")
            kind = getattr(import_module(module), attr)
        else:
            kind = entry.load()
        if not isinstance(kind, Kind) or kind.name != name:
            raise TypeError(f"entry point {name!r} of {GROUP} is not a Kind named {name!r}")
        kinds[name] = kind
    return kinds


class _Registry(Mapping[str, Kind]):
    """The kinds by name, found when first read (so `smbsite --help` loads no kind)."""

    def __getitem__(self, name: str) -> Kind:
        return registry()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(registry())

    def __len__(self) -> int:
        return len(registry())


KINDS: Mapping[str, Kind] = _Registry()

# site.yaml's own short texts read as prose, set like a kind's `prose` fields.
SITE_PROSE: tuple[tuple[str, ...], ...] = (
    ("tagline",), ("description",), ("home", "audiences", "title"), ("home", "audiences", "link"),
    ("home", "pillars_title"), ("home", "pillars", "title"), ("home", "quote", "text"))

# Top-level names a page's slug may not take, whatever the kinds: the site's own files and
# folders ('search' and 'pagefind' whether or not the site has search yet: turning it on must
# not turn a page into a clash).
SITE_PATHS = {"add-your-company", "static", "sitemap", "robots", "404", "members-json", "index", "search",
              "pagefind"}


def reserved_page_slugs() -> set[str]:
    """Another kind's folder of pages, the paths kinds' listings take, and the site's own."""
    kinds = KINDS.values()
    firsts = {k.url.split("/")[1] for k in kinds}
    return {f for f in firsts if "{" not in f} | {p for k in kinds for p in k.reserved} | SITE_PATHS


def scaffold_kinds() -> tuple[str, ...]:
    """The kinds `smbsite new` writes."""
    return tuple(k.name for k in KINDS.values() if k.scaffold is not None)


def kind_of(rel: str, any_file: bool = False) -> Kind | None:
    """The kind whose record rel is (members/acme.yaml -> member), else None; with any_file,
    the kind whose folder rel is directly in."""
    for kind in KINDS.values():
        if kind.holds(rel, any_file):
            return kind
    return None


def url_of(kind: str, slug: str) -> str:
    """A record's page: the one place record URLs are made."""
    return KINDS[kind].url_of(slug)


def source_folders() -> list[str]:
    """The top-level folders records are read from (members, vendors, events, content)."""
    return list(dict.fromkeys(k.folder.split("/")[0] for k in KINDS.values()))


def __getattr__(name: str) -> Any:
    if name == "SCAFFOLD_KINDS":
        return scaffold_kinds()
    if name == "RESERVED_PAGE_SLUGS":
        return reserved_page_slugs()
    raise AttributeError(name)
