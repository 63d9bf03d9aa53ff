"""Stage 4, routes: every output URL and what renders it (template and context). What each
output depends on is recorded while it renders (routes/dependencies.py). Reads the site model, changes nothing in it."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..model.site import SiteModel
from .outputs import Output, SiteGraph
from ..model.kinds import KINDS, Kind
from . import identity
from . import machine_readable as machine
from ..images.imaging import ImageStore
from ..core.problems import Problems
from .home import home_view
from ..core.urls import Urls
from .views import RecordsView, RecordView

SITE_CSS = "/static/site.css"  # a site's own stylesheet, loaded on every page after the theme's
APPLICATION_SUBJECT = "Membership application"
APPLICATION_BODY = """Hello,

We would like to join {title}.

Company name:
Website:
City and state:
Number of employees:
What we do, in a sentence or two:
Contact person and phone:

Thank you.
"""


def application_url(join_url: str | None, email: str | None = None, title: str = "") -> str | None:
    """Where an applicant applies: site.yaml's join_url, else an email to the site's contact address
    with the subject and a short form to fill in. Never the listing form: that is for members, and
    needs a GitHub account an applicant may not have."""
    if join_url:
        return join_url
    if not email:
        return None
    body = APPLICATION_BODY.format(title=title or "the association")
    return f"mailto:{quote(email, safe='@')}?subject={quote(APPLICATION_SUBJECT)}&body={quote(body)}"


class GraphBuilder:
    def __init__(self, site: SiteModel, problems: Problems, site_root: Any,
                 static_files: list[tuple[str, Any]] = (), store: ImageStore | None = None):
        self.site, self.problems, self.site_root = site, problems, site_root
        self.store = store if store is not None else ImageStore(None)
        cfg = site.config
        self.urls = Urls(cfg.origin, cfg.base_path)
        self.outputs: list[Output] = []
        self.static_files = list(static_files)

    def add(self, **kw: Any) -> Output:
        if kw.get("template"):  # the page's og:image: its own card, else the site's
            kw["image"] = self.planned.shares.get(kw["url"], self.planned.identity.site_card)
        out = Output(**kw)
        self.outputs.append(out)
        return out

    # --- the outputs ------------------------------------------------------------------

    def build(self) -> SiteGraph:
        site = self.site
        self.planned = planned = identity.plan(site, self.urls, self.store, self.problems)
        self.add(url="/", kind="home", title=site.config.title, template="home.html", context=home_view(site))
        for kind in KINDS.values():
            if kind.pages is not None:
                kind.pages(self)
            elif kind.page is not None:
                self.generic_pages(kind)
        if site.config.search:  # the index itself is written after rendering (publishing/search.py)
            self.add(url="/search/", kind="search", title="Search", template="search.html", sitemap=False)
        self.add(url="/404.html", kind="404", title="Page not found", template="404.html", sitemap=False)
        for rel, file in self.static_files:
            self.add(url="/static/" + rel, kind="static", sitemap=False, copy_from=file)
        self.outputs += planned.outputs
        self.outputs += machine.outputs(site, self.urls, self.outputs)
        # records with a place in the menu (pages with `menu:`), in their kind's order
        nav = [(r.title, r.url) for kind in KINDS.values() for r in getattr(site, kind.attr)
               if getattr(r, "menu", None) is not None]
        by_url = self.check_urls(self.outputs)
        cfg = site.config
        return SiteGraph(site, self.urls, self.outputs, nav, by_url, identity=planned.identity, images=planned.images,
                         stylesheets=self.stylesheets(by_url),
                         application_url=application_url(cfg.join_url, cfg.contact.email if cfg.contact else None,
                                                         cfg.title))

    def stylesheets(self, by_url: dict[str, Output]) -> list[str]:
        """templates/static/site.css when the site has one, then site.yaml's extra_css, in order."""
        sheets = [SITE_CSS] if SITE_CSS in by_url else []
        cfg = self.site.config

        def at(*path: Any) -> tuple[int, int]:
            return cfg.pos.value(path) if cfg.pos is not None else (1, 1)

        for i, name in enumerate(cfg.extra_css):
            path = "/static/" + name
            if path not in by_url:
                self.problems.error("site.yaml", *at("extra_css", i),
                                    f"extra_css: no stylesheet templates/static/{name}", f"put the file in templates/static/ (it is published as {path}), "
                                    "or take it off extra_css")
            elif path not in sheets:
                sheets.append(path)
        for i, a in enumerate(cfg.home.audiences):
            target = a.url.split("#")[0]
            if target.startswith("/") and target not in by_url:
                self.problems.error("site.yaml", *at("home", "audiences", i, "url"),
                                    f"home: audience '{a.title}' links to {a.url}, which is no page of the site",
                                    "write the address of a page the site has, like /partners/ or /members/")
        return sheets

    def generic_pages(self, kind: Kind) -> None:
        """A page per record, and a listing when the kind has one, for a kind that declares
        its templates and no pages of its own."""
        records = getattr(self.site, kind.attr)
        for rec in records:
            title = getattr(rec, "title", None) or getattr(rec, "name", None) or rec.slug
            self.add(url=rec.url, source=rec.source, kind=kind.name, title=title, template=kind.page,
                     context=RecordView(record=rec))
        if kind.listing is not None:
            self.add(url=kind.url_of("").removesuffix("/") or "/", kind=kind.attr,
                     title=kind.title or kind.attr.capitalize(), template=kind.listing,
                     context=RecordsView(records=records))

    # --- integrity ----------------------------------------------------------------------

    def check_urls(self, outputs: list[Output]) -> dict[str, Output]:
        """Every output by URL; two at one URL are an error."""
        seen: dict[str, Output] = {}
        for o in outputs:
            if o.url in seen:
                first = seen[o.url]
                self.problems.error(self._src_of(o), 1, 1,
                                    f"two outputs write {o.url}: {self._src_of(first)} and {self._src_of(o)}")
            seen[o.url] = o
        return seen

    @staticmethod
    def _src_of(o: Output) -> str:
        return o.source


def build_graph(site: SiteModel, problems: Problems, site_root: Any,
                static_files: list[tuple[str, Any]], store: ImageStore | None = None) -> SiteGraph:
    return GraphBuilder(site, problems, site_root, static_files, store).build()
