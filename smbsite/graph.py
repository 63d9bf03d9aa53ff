"""Stage 3, site graph: every output URL, what renders it, and what it depends on.

Markdown is rendered here because its links must be checked against the
complete set of URLs; a broken one is reported at its file:line:col.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from markupsafe import Markup

from .content import Event, Member, SiteModel
from .markdown import MarkdownRenderer, source_mapper
from .model import NATIONWIDE, US_STATES
from .problems import Problems, did_you_mean
from .urls import Urls

ARTICLES_PER_PAGE = 20
LETTER_PAGES_FROM = 300  # a directory this large is split into one page per letter

# Dependency keys: a source path ("members/acme.yaml"), a whole collection
# ("members/"), "site.yaml", or "template:<name>" (added while rendering).
ALL_MEMBERS, ALL_VENDORS, ALL_EVENTS, ALL_ARTICLES, ALL_PAGES = (
    "members/", "vendors/", "events/", "content/articles/", "content/pages/")


@dataclass
class Output:
    url: str  # site path: /members/acme/ or /feed.xml
    kind: str
    title: str = ""
    template: str | None = None  # Jinja template, or
    produce: Callable[[], bytes] | None = None  # a function for machine-readable files
    context: dict[str, Any] = field(default_factory=dict)
    deps: frozenset[str] = frozenset()
    lastmod: date | None = None
    sitemap: bool = True
    copy_from: Any = None  # a file copied verbatim (static assets, logos)


@dataclass
class SiteGraph:
    site: SiteModel
    urls: Urls
    outputs: list[Output]
    nav: list[tuple[str, str]]  # (label, site path) of the main navigation
    by_url: dict[str, Output] = field(default_factory=dict)

    def kinds(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for o in self.outputs:
            counts[o.kind] = counts.get(o.kind, 0) + 1
        return counts


def region_groups(members: list[Member], states: list[str] | None = None) -> list[tuple[str, list[Member]]]:
    """Members grouped by every state they are based in or serve (nationwide ones under each)."""
    groups: dict[str, list[Member]] = {}
    nationwide = [m for m in members if m.serves_all]
    for m in members:
        for code in dict.fromkeys([m.state, *m.serves]):
            if code != NATIONWIDE:
                groups.setdefault(code, []).append(m)
    codes = states if states is not None else sorted(groups if not nationwide else US_STATES)
    out = []
    for code in codes:
        listed = groups.get(code, [])
        seen = {m.slug for m in listed}
        listed = listed + [m for m in nationwide if m.slug not in seen]
        if listed:
            out.append((code, sorted(listed, key=lambda m: (m.name.casefold(), m.slug))))
    return out


class GraphBuilder:
    def __init__(self, site: SiteModel, problems: Problems, static_files: list[tuple[str, Any]]):
        self.site, self.problems = site, problems
        cfg = site.config
        self.urls = Urls(cfg.origin, cfg.base_path)
        self.md = MarkdownRenderer(cfg.base_path)
        self.outputs: list[Output] = []
        self.links: list[tuple[str, str, int, int]] = []  # (target, source path, line, col)
        self.static_files = static_files

    def add(self, **kw: Any) -> Output:
        out = Output(**kw)
        self.outputs.append(out)
        return out

    # --- Markdown with link positions --------------------------------------------------

    def markdown_field(self, rec: Any, key: tuple, text: str) -> Markup:
        if not text:
            return Markup("")
        rendered = self.md.render(text)
        if rendered.links or rendered.unsafe:
            line, col = rec.pos.value(key)
            to_file = source_mapper(line, col, rec.pos.style(key), self._file_lines(rec.source))
            for link in rendered.links:
                self.links.append((link.target, rec.source, *to_file(link.line, link.col)))
            for link in rendered.unsafe:
                self.problems.error(rec.source, *to_file(link.line, link.col),
                                    f"link '{link.target}' is not allowed: only http, https, mailto, tel and "
                                    "site links are kept")
        return Markup(rendered.html)

    def markdown_body(self, rec: Any) -> Markup:
        if not rec.body.strip():
            return Markup("")
        rendered = self.md.render(rec.body)
        for link in rendered.links:
            self.links.append((link.target, rec.source, rec.body_line + link.line - 1, link.col))
        for link in rendered.unsafe:
            self.problems.error(rec.source, rec.body_line + link.line - 1, link.col,
                                f"link '{link.target}' is not allowed: only http, https, mailto, tel and "
                                "site links are kept")
        return Markup(rendered.html)

    _lines_cache: dict[str, list[str]] = {}

    def _file_lines(self, source: str) -> list[str]:
        if source not in self._lines_cache:
            self._lines_cache[source] = (self.site_root / source).read_text(encoding="utf-8-sig").splitlines()
        return self._lines_cache[source]

    # --- the outputs ------------------------------------------------------------------

    def build(self, site_root: Any) -> SiteGraph:
        self.site_root = site_root
        self._lines_cache = {}
        site = self.site
        self.render_markdown()
        members = site.members
        listed = [m for m in members if m.partnering]
        upcoming = [e for e in site.events if e.upcoming]
        past = [e for e in reversed(site.events) if not e.upcoming]
        everything = frozenset({"site.yaml", ALL_MEMBERS, ALL_VENDORS, ALL_EVENTS, ALL_ARTICLES, ALL_PAGES})

        self.add(url="/", kind="home", title=site.config.title, template="home.html", deps=everything,
                 context={"upcoming": upcoming[:3], "articles": site.articles[:3],
                          "benefits": [b for v in site.vendors for b in v.current_benefits][:6],
                          "member_count": len(members), "listed": listed})
        self.directory(members)
        for m in members:
            self.add(url=m.url, kind="member", title=m.name, template="member.html",
                     context={"member": m}, deps=frozenset({m.source, "site.yaml", ALL_VENDORS}),
                     lastmod=None)
            if m.logo_url:
                self.add(url=m.logo_url, kind="asset", sitemap=False,
                         copy_from=(site_root / m.source).parent / m.logo, deps=frozenset({m.source}))
        self.partners(listed)
        self.regions(listed)
        self.add(url="/vendors/", kind="vendors", title="Vendor benefits", template="vendors.html",
                 context={"vendors": site.vendors}, deps=frozenset({"site.yaml", ALL_VENDORS}))
        for v in site.vendors:
            self.add(url=v.url, kind="vendor", title=v.name, template="vendor.html", context={"vendor": v},
                     deps=frozenset({v.source, "site.yaml", ALL_MEMBERS}))
            if v.logo_url:
                self.add(url=v.logo_url, kind="asset", sitemap=False,
                         copy_from=(site_root / v.source).parent / v.logo, deps=frozenset({v.source}))
        self.add(url="/events/", kind="events", title="Events", template="events.html",
                 context={"upcoming": upcoming, "past": past}, deps=frozenset({"site.yaml", ALL_EVENTS}))
        for e in site.events:
            self.add(url=e.url, kind="event", title=e.title, template="event.html", context={"event": e},
                     deps=frozenset({e.source, "site.yaml", ALL_VENDORS, ALL_MEMBERS}))
        radio = [e for e in site.events if e.type == "radio"]
        self.add(url="/radio/", kind="radio", title="Radio show", template="radio.html",
                 context={"upcoming": [e for e in radio if e.upcoming],
                          "past": [e for e in reversed(radio) if not e.upcoming],
                          "stations": self.stations(radio)},
                 deps=frozenset({"site.yaml", ALL_EVENTS, ALL_MEMBERS}))
        self.articles()
        for p in site.pages:
            self.add(url=p.url, kind="page", title=p.title, template="page.html", context={"page_doc": p},
                     deps=frozenset({p.source, "site.yaml", ALL_PAGES}))
        self.add(url="/404.html", kind="404", title="Page not found", template="404.html", sitemap=False,
                 deps=frozenset({"site.yaml", ALL_PAGES}))
        for rel, file in self.static_files:
            self.add(url="/static/" + rel, kind="static", sitemap=False, copy_from=file,
                     deps=frozenset({"templates/static/" + rel}))
        from . import machine  # the machine-readable outputs live together
        machine.add_outputs(self)
        nav = [(p.title, p.url) for p in site.pages if p.menu is not None]
        graph = SiteGraph(site, self.urls, self.outputs, nav)
        self.check_urls(graph)
        return graph

    def render_markdown(self) -> None:
        site = self.site
        for m in site.members:
            m.description_html = self.markdown_field(m, ("description",), m.description)
        for v in site.vendors:
            v.description_html = self.markdown_field(v, ("description",), v.description)
            for i, b in enumerate(v.benefits):
                b.details_html = self.markdown_field(v, ("benefits", i, "details"), b.details)
        for e in site.events:
            e.description_html = self.markdown_field(e, ("description",), e.description)
            for i, s in enumerate(e.sessions):
                s.description_html = self.markdown_field(e, ("sessions", i, "description"), s.description)
        for a in site.articles:
            a.html = self.markdown_body(a)
        for p in site.pages:
            p.html = self.markdown_body(p)

    def directory(self, members: list[Member]) -> None:
        letters: dict[str, list[Member]] = {}
        for m in members:
            letters.setdefault(m.letter, []).append(m)
        groups = sorted(letters.items(), key=lambda kv: (kv[0] == "#", kv[0]))
        split = len(members) > LETTER_PAGES_FROM
        deps = frozenset({"site.yaml", ALL_MEMBERS})
        self.add(url="/members/", kind="members", title="Member directory", template="members.html", deps=deps,
                 context={"groups": groups, "split": split, "letter_url": self.letter_url, "total": len(members)})
        if split:
            for letter, ms in groups:
                self.add(url=self.letter_url(letter), kind="members-letter", title=f"Members: {letter}",
                         template="members_letter.html", deps=deps,
                         context={"letter": letter, "members": ms, "groups": groups, "letter_url": self.letter_url})

    @staticmethod
    def letter_url(letter: str) -> str:
        return f"/members/letter/{'0-9' if letter == '#' else letter.lower()}/"

    def partners(self, listed: list[Member]) -> None:
        specs = self.site.config.specialties
        by_spec: dict[str, list[Member]] = {k: [] for k in specs}
        for m in listed:
            for key, _ in m.specialty_list:
                by_spec[key].append(m)
        deps = frozenset({"site.yaml", ALL_MEMBERS})
        states = [code for code, _ in region_groups(listed)]
        self.add(url="/partners/", kind="partners", title="Find a partner", template="partners.html", deps=deps,
                 context={"by_specialty": by_spec, "states": states, "vendors": self.site.vendors,
                          "regions": region_groups(listed)})
        for key, spec in specs.items():
            self.add(url=f"/partners/{key}/", kind="partner", title=spec.label, template="partner.html", deps=deps,
                     context={"key": key, "specialty": spec, "members": by_spec[key],
                              "groups": region_groups(by_spec[key])})

    def regions(self, listed: list[Member]) -> None:
        deps = frozenset({"site.yaml", ALL_MEMBERS})
        groups = region_groups(listed)
        self.add(url="/regions/", kind="regions", title="Members by region", template="regions.html", deps=deps,
                 context={"regions": groups})
        for code, ms in groups:
            based = [m for m in ms if m.state == code]
            serving = [m for m in ms if m.state != code]
            self.add(url=f"/regions/{code.lower()}/", kind="region", title=US_STATES[code], template="region.html",
                     deps=deps, context={"code": code, "state_name": US_STATES[code], "based": based,
                                         "serving": serving, "members": ms})

    @staticmethod
    def stations(radio: list[Event]) -> list[Any]:
        seen: dict[tuple, Any] = {}
        for e in radio:
            for s in e.stations:
                seen.setdefault((s.state, s.city, s.station), s)
        return [seen[k] for k in sorted(seen)]

    def articles(self) -> None:
        arts = self.site.articles
        pages = max(1, math.ceil(len(arts) / ARTICLES_PER_PAGE))
        deps = frozenset({"site.yaml", ALL_ARTICLES})

        def page_url(n: int) -> str:
            return "/articles/" if n == 1 else f"/articles/page/{n}/"

        for n in range(1, pages + 1):
            chunk = arts[(n - 1) * ARTICLES_PER_PAGE: n * ARTICLES_PER_PAGE]
            self.add(url=page_url(n), kind="articles", title="News" if n == 1 else f"News, page {n}",
                     template="articles.html", deps=deps,
                     context={"articles": chunk, "page_number": n, "page_count": pages,
                              "prev_url": page_url(n - 1) if n > 1 else None,
                              "next_url": page_url(n + 1) if n < pages else None})
        for i, a in enumerate(arts):
            newer = arts[i - 1] if i > 0 else None
            older = arts[i + 1] if i + 1 < len(arts) else None
            self.add(url=a.url, kind="article", title=a.title, template="article.html",
                     context={"article": a, "newer": newer, "older": older},
                     deps=frozenset({a.source, "site.yaml", ALL_ARTICLES}), lastmod=a.published.date())

    # --- integrity ----------------------------------------------------------------------

    def check_urls(self, graph: SiteGraph) -> None:
        seen: dict[str, Output] = {}
        for o in graph.outputs:
            if o.url in seen:
                first = seen[o.url]
                self.problems.error(self._src_of(o), 1, 1,
                                    f"two outputs write {o.url}: {self._src_of(first)} and {self._src_of(o)}")
            seen[o.url] = o
        graph.by_url = seen
        for target, source, line, col in self.links:
            if target in seen or (target + "/") in seen:
                continue
            candidates = [u for u in seen if not u.startswith("/static/") or target.startswith("/static/")]
            hint = did_you_mean(target, candidates) or "link to a page of this site, e.g. /members/"
            self.problems.error(source, line, col, f"link to {target}, a page that does not exist", hint)

    @staticmethod
    def _src_of(o: Output) -> str:
        for d in sorted(o.deps):
            if d.endswith((".yaml", ".yml", ".md")) and d != "site.yaml":
                return d
        return "site.yaml"


def build_graph(site: SiteModel, problems: Problems, site_root: Any,
                static_files: list[tuple[str, Any]]) -> SiteGraph:
    return GraphBuilder(site, problems, static_files).build(site_root)
