"""Stage 4, routes: every output URL and what renders it (template and context). What each
output depends on is recorded while it renders (routes/dependencies.py). Reads the site model, changes nothing in it."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from markupsafe import Markup

from ..model.site import Event, Member, SiteModel
from .outputs import Output, SiteGraph
from ..model.kinds import KINDS
from . import identity
from . import machine_readable as machine
from ..images.imaging import ImageStore
from .service_areas import anywhere, area_phrase, region_groups
from ..model.fields import US_STATES
from ..core.problems import Problems
from .home import home_view
from ..core.slugify import slugify
from .tilemap import legend, tile_map
from ..core.urls import Urls
from .views import (ArticlesView, ArticleView, DirectoryView, EventsView, EventView, FormView,
                    LetterView, MemberView, PageView, PartnerStateView, PartnersView, PartnerView, RadioView,
                    RecordsView, RecordView, RegionsView, RegionView, VendorsView, VendorView)

ARTICLES_PER_PAGE = 20
LETTER_PAGES_FROM = 300  # a directory this large is split into one page per letter
DIRECTORY_PAGE_SIZE = 200  # member cards per letter page: a letter of thousands stays far below 500 KB
VENDOR_MEMBERS_SHOWN = 1000  # names on a vendor page; the partner finder filters by vendor for the rest
COVER_FILE = "podcast-cover.png"  # in static/: the podcast's artwork, shown on the radio page too
COVER_SIZE = 160  # CSS pixels the radio page draws it at
PARTNER_SPLIT_FROM = 500  # listings on one specialty page before it splits into a page per state



BENEFIT_TYPES = {"discount": "Discounts", "training": "Training", "certification": "Certification",
                 "marketing": "Marketing", "support": "Support", "other": "Other benefits"}


def benefit_groups(benefits: list[Any]) -> list[tuple[str, list[Any]]]:
    """(heading, benefits) by type, in a fixed order that puts money and training first."""
    return [(label, [b for b in benefits if b.type == t]) for t, label in BENEFIT_TYPES.items()
            if any(b.type == t for b in benefits)]


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


def by_state_name(codes: Any) -> list[str]:
    """State codes in the order a reader looks for them: by the state's name."""
    return sorted(codes, key=lambda code: US_STATES[code])


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
        members = site.members
        listed = [m for m in members if m.partnering]
        upcoming = [e for e in site.events if e.upcoming]
        past = [e for e in reversed(site.events) if not e.upcoming]

        sections = site.config.sections
        self.planned = planned = identity.plan(site, self.urls, self.store, self.problems)
        self.add(url="/", kind="home", title=site.config.title, template="home.html",
                 context=home_view(site, listed, upcoming))
        self.directory(members)
        for m in members:
            self.add(url=m.url, source=m.source, kind="member", title=m.name, template="member.html",
                     context=MemberView(member=m), lastmod=None)
        partner_state_url = self.partners(listed)
        self.regions(listed, partner_state_url)
        if sections.vendors:
            self.vendors()
        self.add(url="/events/", kind="events", title="Events", template="events.html",
                 context=EventsView(upcoming=upcoming, past=past))
        for e in site.events:
            self.add(url=e.url, source=e.source, kind="event", title=e.title, template="event.html", context=EventView(event=e))
        if sections.radio:
            self.radio()
        if sections.news:
            self.articles()
        for p in site.pages:
            self.add(url=p.url, source=p.source, kind="page", title=p.title, template="page.html", context=PageView(page_doc=p))
        self.generic_pages()
        if site.config.repository and sections.join_form:
            from .addform import URL, form_context
            self.add(url=URL, kind="form", title="Add your company", template="add_your_company.html",
                     context=FormView(form=form_context(site)))
        if site.config.search:  # the index itself is written after rendering (publishing/search.py)
            self.add(url="/search/", kind="search", title="Search", template="search.html", sitemap=False)
        self.add(url="/404.html", kind="404", title="Page not found", template="404.html", sitemap=False)
        for rel, file in self.static_files:
            self.add(url="/static/" + rel, kind="static", sitemap=False, copy_from=file)
        self.outputs += planned.outputs
        self.outputs += machine.outputs(site, self.urls, self.outputs)
        nav = [(p.title, p.url) for p in site.pages if p.menu is not None]
        by_url = self.check_urls(self.outputs)
        cfg = site.config
        return SiteGraph(site, self.urls, self.outputs, nav, by_url, identity=planned.identity, images=planned.images,
                         stylesheets=self.stylesheets(by_url),
                         application_url=application_url(cfg.join_url, cfg.contact.email if cfg.contact else None,
                                                         cfg.title))

    def vendors(self) -> None:
        site = self.site
        self.add(url="/vendors/", kind="vendors", title="Vendor benefits", template="vendors.html",
                 context=VendorsView(vendors=site.vendors))
        for v in site.vendors:
            self.add(url=v.url, source=v.source, kind="vendor", title=v.name, template="vendor.html",
                     context=VendorView(vendor=v, benefit_groups=benefit_groups(v.current_benefits),
                                        members_shown=site.linked(v, "members")[:VENDOR_MEMBERS_SHOWN]))

    def radio(self) -> None:
        radio = [e for e in self.site.events if e.type == "radio"]
        cover = self.podcast_cover()
        self.add(url="/radio/", kind="radio", title="Radio show", template="radio.html",
                 context=RadioView(upcoming=[e for e in radio if e.upcoming],
                                   past=[e for e in reversed(radio) if not e.upcoming],
                                   stations=self.stations(radio), cover=cover))

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

    def generic_pages(self) -> None:
        """A page per record, and a listing, for each kind declared with a generic page."""
        for kind in KINDS.values():
            if kind.page is None:
                continue
            records = getattr(self.site, kind.attr)
            for rec in records:
                title = getattr(rec, "title", None) or getattr(rec, "name", None) or rec.slug
                self.add(url=rec.url, source=rec.source, kind=kind.name, title=title, template=kind.page, context=RecordView(record=rec))
            if kind.listing is not None:
                self.add(url=kind.url_of("").removesuffix("/") or "/", kind=kind.attr, title=kind.attr.capitalize(),
                         template=kind.listing, context=RecordsView(records=records))

    def directory(self, members: list[Member]) -> None:
        letters: dict[str, list[Member]] = {}
        for m in members:
            letters.setdefault(m.letter, []).append(m)
        groups = sorted(letters.items(), key=lambda kv: (kv[0] == "#", kv[0]))
        split = len(members) > LETTER_PAGES_FROM
        # every letter A-Z appears in the jump list; an empty one is shown but is no link
        jump = [(letter, len(letters.get(letter, [])),
                 (self.letter_url(letter) if split else "#" + self.letter_id(letter)) if letter in letters else None)
                for letter in [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", *(["#"] if "#" in letters else [])]]
        self.add(url="/members/", kind="members", title="Member directory", template="members.html", context=DirectoryView(groups=[(letter, self.letter_id(letter), ms) for letter, ms in groups],
                                       split=split, jump=jump, total=len(members)))
        if not split:
            return
        for letter, ms in groups:
            chunks = [ms[i:i + DIRECTORY_PAGE_SIZE] for i in range(0, len(ms), DIRECTORY_PAGE_SIZE)]
            first = self.letter_url(letter)

            def page_url(n: int, first: str = first) -> str:
                return first if n == 1 else f"{first}{n}/"

            for n, chunk in enumerate(chunks, 1):
                here = [(lt, c, page_url(1) if lt == letter else u) for lt, c, u in jump]
                self.add(url=page_url(n), kind="members-letter",
                         title=f"Members: {letter}" + (f", page {n}" if n > 1 else ""),
                         template="members_letter.html", context=LetterView(letter=letter, members=chunk, jump=here, letter_total=len(ms),
                                            page_number=n, page_count=len(chunks),
                                            prev_url=page_url(n - 1) if n > 1 else None,
                                            next_url=page_url(n + 1) if n < len(chunks) else None))

    @staticmethod
    def letter_url(letter: str) -> str:
        return f"/members/letter/{'0-9' if letter == '#' else letter.lower()}/"

    @staticmethod
    def letter_id(letter: str) -> str:
        return "letter-" + ("0-9" if letter == "#" else letter.lower())

    def state_map(self, counts: dict[str, int], href: Callable[[str], str], map_id: str) -> Markup:
        return tile_map(counts, lambda code: self.urls.rel(href(code)), map_id=map_id)

    def partners(self, listed: list[Member]) -> dict[tuple[str, str], str]:
        """The finder and a page per specialty (per state, when it is long); returns where
        the members offering a specialty in a state are listed, which region pages link to."""
        specs = self.site.config.specialties
        by_spec: dict[str, list[Member]] = {k: [] for k in specs}
        for m in listed:
            for key, _ in m.specialty_list:
                by_spec[key].append(m)
        regions = region_groups(listed)
        counts = {code: len(ms) for code, ms in regions}
        vendors = sorted({v.slug: v for m in listed for v in self.site.linked(m, "vendor_list")}.values(),
                         key=lambda v: (v.name.casefold(), v.slug))
        # the finder filters by vendor: it names every vendor a listed member works with
        self.add(url="/partners/", kind="partners", title="Find an IT provider", template="partners.html",
                 context=PartnersView(
                     specialties=[(k, spec, len(by_spec[k])) for k, spec in specs.items()],
                     states=[(code, US_STATES[code], counts[code]) for code in by_state_name(counts)],
                     vendors=[(v.slug, v.name) for v in vendors], listed_count=len(listed),
                     state_map=self.state_map(counts, lambda c: f"/regions/{c.lower()}/", "finder-map"),
                     legend=legend(counts), anywhere=anywhere(listed)))
        # (specialty, state) -> where the members offering it there are listed; region pages link there
        partner_state_url: dict[tuple[str, str], str] = {}
        for key, spec in specs.items():
            groups = sorted(region_groups(by_spec[key]), key=lambda g: US_STATES[g[0]])
            split = sum(len(ms) for _, ms in groups) > PARTNER_SPLIT_FROM
            base = f"/partners/{key}/"
            for code, _ in groups:
                partner_state_url[key, code] = f"{base}{code.lower()}/" if split else f"{base}#st-{code.lower()}"
            counts = {code: len(ms) for code, ms in groups}
            # the page lists each member once; a row per state names who works there; those
            # working with clients anywhere are named once, not in every row
            rows = [] if split else [(code, len(ms), ms) for code, ms in groups]
            self.add(url=base, kind="partner", title=spec.label, template="partner.html",
                     context=PartnerView(
                         key=key, specialty=spec, members=by_spec[key], split=split, rows=rows,
                         nationwide=anywhere(by_spec[key]), area=area_phrase(counts),
                         states=[(code, US_STATES[code], counts[code], partner_state_url[key, code])
                                 for code in by_state_name(counts)],
                         state_map=self.state_map(counts, lambda c, k=key: partner_state_url[k, c], "spec-map"),
                         legend=legend(counts)))
            if split:
                for code, ms in groups:
                    self.add(url=f"{base}{code.lower()}/", kind="partner-state",
                             title=f"{spec.label} in {US_STATES[code]}", template="partner_state.html",
                             context=PartnerStateView(key=key, specialty=spec, code=code,
                                                                 state_name=US_STATES[code],
                                                                 based=[m for m in ms if m.state == code],
                                                                 serving=[m for m in ms if m.state != code],
                                                                 anywhere=[m for m in anywhere(by_spec[key])
                                                                           if m.state != code]))
        return partner_state_url

    def regions(self, listed: list[Member], partner_state_url: dict[tuple[str, str], str]) -> None:
        groups = region_groups(listed)
        counts = {code: len(ms) for code, ms in groups}
        specs = self.site.config.specialties
        self.add(url="/regions/", kind="regions", title="Members by region", template="regions.html", context=RegionsView(
                     regions=[(code, US_STATES[code], counts[code]) for code in by_state_name(counts)],
                     state_map=self.state_map(counts, lambda c: f"/regions/{c.lower()}/", "region-map"),
                     legend=legend(counts), anywhere=anywhere(listed)))
        for code, ms in groups:
            based = [m for m in ms if m.state == code]
            serving = [m for m in ms if m.state != code]
            offered: dict[str, int] = {}
            for m in ms:
                for key in m.specialties:
                    offered[key] = offered.get(key, 0) + 1
            self.add(url=f"/regions/{code.lower()}/", kind="region", title=US_STATES[code], template="region.html",
                     context=RegionView(code=code, state_name=US_STATES[code], based=based,
                                                   serving=serving, members=ms,
                                                   anywhere=[m for m in anywhere(listed) if m.state != code],
                                                   specialties=[(specs[k].label, offered[k],
                                                                 partner_state_url[k, code])
                                                                for k in specs if k in offered]))

    @staticmethod
    def stations(radio: list[Event]) -> list[Any]:
        """Every station that has aired the show, as the latest episode lists it (its air time
        and listen-live address may have changed since)."""
        seen: dict[tuple, Any] = {}
        for e in radio:  # oldest first: a later episode's entry replaces an earlier one
            for s in e.stations:
                seen[(s.state, s.city, s.station)] = s
        return [seen[k] for k in sorted(seen)]

    def podcast_cover(self) -> dict[str, Any] | None:
        """The show's cover art (static/podcast-cover.png), with the size the radio page draws it."""
        for rel, file in self.static_files:
            if rel == COVER_FILE:
                raw = Path(file).read_bytes()[:24]
                if raw[:8] != b"\x89PNG\r\n\x1a\n":
                    return None
                width, height = int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")
                if not width or not height:
                    return None
                return {"url": "/static/" + rel, "width": COVER_SIZE, "height": round(COVER_SIZE * height / width)}
        return None

    def articles(self) -> None:
        arts = self.site.articles
        pages = max(1, math.ceil(len(arts) / ARTICLES_PER_PAGE))

        def page_url(n: int) -> str:
            return "/articles/" if n == 1 else f"/articles/page/{n}/"

        for n in range(1, pages + 1):
            chunk = arts[(n - 1) * ARTICLES_PER_PAGE: n * ARTICLES_PER_PAGE]
            self.add(url=page_url(n), kind="articles", title="News" if n == 1 else f"News, page {n}",
                     template="articles.html", context=ArticlesView(articles=chunk, page_number=n, page_count=pages,
                                          prev_url=page_url(n - 1) if n > 1 else None,
                                          next_url=page_url(n + 1) if n < pages else None))
        # a page per tag, so the tags under an article lead somewhere
        tagged: dict[str, tuple[str, list[Any]]] = {}
        for a in arts:
            for tag in a.tags or ():
                key = slugify(tag)
                if key and a not in tagged.setdefault(key, (tag, []))[1]:
                    tagged[key][1].append(a)
        for key, (tag, items) in sorted(tagged.items()):
            self.add(url=f"/articles/tags/{key}/", kind="articles", title=f"News about {tag}",
                     template="articles.html",
                     context=ArticlesView(articles=items, page_number=1, page_count=1, prev_url=None, next_url=None))
        for i, a in enumerate(arts):
            newer = arts[i - 1] if i > 0 else None
            older = arts[i + 1] if i + 1 < len(arts) else None
            self.add(url=a.url, source=a.source, kind="article", title=a.title, template="article.html",
                     context=ArticleView(article=a, newer=newer, older=older),
                     lastmod=a.published.date())

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
