"""The record kinds of a site, each declared once.

Everything that treats records by kind reads this table: loading (folder and
file suffixes), validation (the model, reserved page names), URLs, the site
model's lists, `serve`'s incremental path (the fields that shape other pages),
`smbsite new` and the JSON Schemas. Adding a kind starts here.
"""
from __future__ import annotations

from dataclasses import dataclass

from .records import ArticleMeta, EventRecord, MemberRecord, PageMeta, Record, VendorRecord


@dataclass(frozen=True)
class Kind:
    name: str  # the kind's word: member
    folder: str  # where its files sit, relative to the site: members
    suffixes: tuple[str, ...]  # the file endings read as records, the first is the one to write
    record: type[Record]  # what a file may hold
    url: str  # its page, with {slug}: /members/{slug}/
    attr: str  # the site model's list of them: site.members
    # The fields that decide where a record appears, in which order and beside what
    # (on other pages than its own): a change to one re-validates the whole site.
    shape: tuple[str, ...]
    # Its Markdown fields: ("description",) renders into description_html, ("benefits",
    # "details") into details_html of every benefit. A front-matter kind's body renders into html.
    markdown: tuple[tuple[str, ...], ...] = ()
    # Its short plain-text fields read as prose (a summary, a title), set with typographic quotes
    # and dashes as its Markdown is (core/markdown.typographic); paths as in `markdown`. Names,
    # addresses, URLs and phone numbers are not prose and are never listed here.
    prose: tuple[tuple[str, ...], ...] = ()
    front_matter: bool = False  # Markdown with YAML front matter, not a YAML file
    scaffold: bool = False  # `smbsite new KIND` writes one
    schema: str | None = None  # the JSON Schema's name (schemas/<name>.schema.json), None for none
    # A kind with nothing to work out beyond its slug, URL and Markdown (one that checking/validate.py
    # and deriving/derive.py do not know by name) declares what the generic path needs: the class
    # templates see (its record plus content.Derived), the template of each record's page,
    # and optionally of the listing of all of them at the kind's folder URL (/jobs/).
    content: type | None = None
    page: str | None = None
    listing: str | None = None

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


YAML = (".yaml", ".yml")

# In the order they are loaded (and listed in the CLI and the schemas).
KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("member", "members", YAML, MemberRecord, "/members/{slug}/", "members",
         shape=("name", "website", "state", "serves", "specialties", "vendors", "partnering", "logo"),
         markdown=(("description",),), prose=(("summary",),), scaffold=True, schema="member"),
    Kind("vendor", "vendors", YAML, VendorRecord, "/vendors/{slug}/", "vendors",
         shape=("name", "benefits", "logo"),
         markdown=(("description",), ("benefits", "details")),
         prose=(("summary",), ("benefits", "title"), ("benefits", "claim")), scaffold=True, schema="vendor"),
    Kind("event", "events", YAML, EventRecord, "/events/{slug}/", "events",
         shape=("title", "type", "starts", "ends", "timezone", "stations", "sponsors", "guests", "audio"),
         markdown=(("description",), ("sessions", "description")),
         prose=(("title",), ("summary",), ("sessions", "title")), scaffold=True, schema="event"),
    Kind("page", "content/pages", (".md",), PageMeta, "/{slug}/", "pages",
         shape=("title", "menu", "draft"), prose=(("title",),), front_matter=True),
    Kind("article", "content/articles", (".md",), ArticleMeta, "/articles/{slug}/", "articles",
         shape=("title", "date", "draft", "tags"), prose=(("title",), ("summary",)), front_matter=True,
         scaffold=True),
)}

# site.yaml's own short texts read as prose, set like a kind's `prose` fields.
SITE_PROSE: tuple[tuple[str, ...], ...] = (
    ("tagline",), ("description",), ("home", "audiences", "title"), ("home", "audiences", "link"),
    ("home", "pillars_title"), ("home", "pillars", "title"), ("home", "quote", "text"))

# Top-level names a page's slug may not take: another kind's folder of pages, and
# the site's own listings, files and folders ('search' and 'pagefind' whether or not the
# site has search yet: turning it on must not turn a page into a clash).
SITE_PATHS = {"partners", "regions", "radio", "add-your-company", "static", "feed", "sitemap", "robots", "404",
              "members-json", "index", "search", "pagefind"}
RESERVED_PAGE_SLUGS = {k.url.split("/")[1] for k in KINDS.values() if k.url != "/{slug}/"} | SITE_PATHS


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


SCAFFOLD_KINDS = tuple(k.name for k in KINDS.values() if k.scaffold)
