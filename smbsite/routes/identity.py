"""The site's look as data: logos at the sizes the theme draws, favicons, social cards
and brand colours, planned into the site graph.

Every image here is an Output copied from the image cache (see images/imaging.py); this
module only decides sizes, URLs and which image each page shares. Templates get:

* ``identity``: the header logo, the favicon links and the brand colours' CSS;
* ``rec.logo_sizes[box]`` on members and vendors: ``Drawn(src, width, height, src2x)``
  per box of imaging.BOXES, plus ``row`` (half the card size);
* ``page.image``: the og:image of the page (url, width, height, alt, twitter card).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from markupsafe import Markup

from ..core.problems import Problems
from ..core.slugify import initials
from ..model.kinds import KINDS
from ..core.urls import Urls
from ..images import colors, imaging
from ..images.drawing import CardSpec, card_job, favicon_job, monogram_svg, undrawable
from ..images.imaging import CARD_SIZE, ImageStore, LogoFile
from ..images.logos import Drawn, LogoPlan, plan_logo
from ..model.site import SiteModel
from .outputs import Output


@dataclass(frozen=True)
class Social:
    """A page's og:image."""

    url: str
    width: int
    height: int
    alt: str
    card: str  # twitter:card: summary_large_image for cards, summary for logos
    type: str = "image/png"


@dataclass
class Identity:
    brand: str
    initials: str
    logo: Drawn | None = None  # the header logo
    favicon_svg: str | None = None
    favicons: list[tuple[str, int]] = field(default_factory=list)  # (site path, size) of the PNG icons
    style: Markup = Markup("")  # the brand colours as CSS custom properties ('' for the theme's own)
    site_card: Social | None = None


@dataclass
class Planned:
    """What the site's images add to the graph."""

    identity: Identity
    outputs: list[Output] = field(default_factory=list)  # every image file, at its URL
    images: list[imaging.Job] = field(default_factory=list)  # the cache files to make before rendering
    shares: dict[str, Social] = field(default_factory=dict)  # page URL -> its og:image, where not the site's


def plan(site: SiteModel, urls: Urls, store: ImageStore, problems: Problems) -> Planned:
    """Plan every image of the site, and say which image each page shares; card text no
    installed font draws is a warning in problems."""
    cfg = site.config
    c = cfg.colors
    brand = colors.normalise(c.brand or c.accent) if c and (c.brand or c.accent) else colors.DEFAULT_BRAND
    ident = Identity(brand=brand, initials=initials(cfg.title), style=_style(c))
    p = Planned(ident)
    logo: LogoFile | None = cfg.logo_file
    raster_site_logo = logo if logo is not None and not logo.svg else None

    def add(url: str, **kw: Any) -> None:
        p.outputs.append(Output(url=url, kind="image", sitemap=False, **kw))

    def add_job(job: imaging.Job, job_urls: list[str]) -> None:
        p.images.append(job)
        for url, name in zip(job_urls, job.names):
            add(url, copy_from=store.file(name))

    def add_logo(lp: LogoPlan) -> None:
        if lp.copy_url is not None:
            add(lp.copy_url, produce=_published(lp.file))
        if lp.variants:
            job_urls = list(lp.variants)
            add_job(imaging.logo_job(lp.file, [lp.variants[u] for u in job_urls]), job_urls)

    # the header logo
    if logo is not None:
        header = plan_logo(logo, "/", ("header",), social=False)
        add_logo(header)
        ident.logo = header.drawn["header"]

    # favicons: the SVG logo itself when it is square enough, else the monogram
    if logo is not None and logo.svg and logo.squareish:
        add("/favicon.svg", produce=_published(logo))
    else:
        svg = monogram_svg(ident.initials, brand)
        add("/favicon.svg", produce=lambda site: svg)
    ident.favicon_svg = "/favicon.svg"
    for url, size in imaging.FAVICONS.items():
        add_job(favicon_job(size, logo, brand, ident.initials), [url])
        ident.favicons.append((url, size))

    # the site's card, and one per event and article
    host = cfg.base_url.split("://", 1)[-1].rstrip("/")

    def card(url: str, title: str, kind: str, alt: str, source: str = "site.yaml") -> Social:
        spec = CardSpec(title=title, kind=kind, site_title=cfg.title, footer=host, brand=brand,
                        initials=ident.initials, logo=raster_site_logo)
        _undrawn(spec, url, source, problems)
        add_job(card_job(spec), [url])
        return Social(urls.abs(url), *CARD_SIZE, alt=alt, card="summary_large_image")

    ident.site_card = card("/social.png", cfg.tagline or cfg.title, "",
                           f"{cfg.title}: {cfg.tagline}" if cfg.tagline else cfg.title)
    for declared in KINDS.values():  # a card for each record of a kind that draws one (events, articles)
        if declared.card is None:
            continue
        for rec in getattr(site, declared.attr):
            line = declared.card(rec)
            p.shares[rec.url] = card(f"{rec.url}social.png", rec.title, line, f"{rec.title}: {line}", rec.source)

    # records' logos (members', vendors'), at the sizes validation planned
    for records in site.records.values():
        for rec in records:
            lp: LogoPlan | None = getattr(rec, "logo_plan", None)
            if lp is None:
                continue
            add_logo(lp)
            shared = lp.drawn.get("social")
            if shared is not None:
                p.shares[rec.url] = Social(urls.abs(shared.src), shared.width, shared.height,
                                           alt=f"{rec.name} logo", card="summary")
    return p


def _published(logo: LogoFile) -> Any:
    """An SVG logo's output: the SVG rebuilt from its allowed parts when it was checked, never the file."""
    data = logo.svg_bytes
    assert data is not None, "an SVG logo is planned only after it was rebuilt"
    return lambda site: data


def _undrawn(spec: CardSpec, url: str, source: str, problems: Problems) -> None:
    """A warning for each text the card leaves off because no installed font draws all of it:
    a title is shown whole or not at all, never with characters silently missing."""
    for what, text, where in (("title", spec.title, source), ("line above the title", spec.kind, source),
                              ("site title", spec.site_title, "site.yaml"), ("site address", spec.footer, "site.yaml")):
        chars = undrawable(text) if text else []
        if not chars:
            continue
        shown = " ".join(f"'{c}' (U+{ord(c):04X})" for c in chars[:3]) + (" …" if len(chars) > 3 else "")
        cjk = any(unicodedata.east_asian_width(c) in ("W", "F") for c in chars)
        hint = ("install the Chinese, Japanese and Korean fonts: pip install 'smbsite[cjk]'" if cjk else
                "the page itself shows it; only its link-preview image leaves it off")
        image = f"the link-preview image of {url}" if where == source else "link-preview images"
        problems.warning(where, 1, 1, f"{image} leave{'s' * (where == source)} off the {what}: no installed font "
                         f"draws {shown}", hint)


def _style(c: Any) -> Markup:
    props = colors.theme_properties(c.brand if c else None, c.accent if c else None)
    if not props["light"]:
        return Markup("")

    def block(values: dict[str, str]) -> str:
        return ":root{" + ";".join(f"{k}:{v}" for k, v in values.items()) + "}"

    # hex colours only (validated), so nothing here can end the <style> element
    return Markup(block(props["light"]) + "@media (prefers-color-scheme:dark){" + block(props["dark"]) + "}")


def day(when: datetime) -> str:
    """How a link-preview card writes a day: March 30, 2027."""
    return f"{when:%B} {when.day}, {when.year}"


def event_days(e: Any) -> str:
    """An event's days as its card writes them."""
    start = e.start
    last = (e.end - timedelta(microseconds=1)) if e.all_day else e.end
    if last.date() == start.date():
        return day(start)
    if (last.year, last.month) == (start.year, start.month):
        return f"{start:%B} {start.day}-{last.day}, {start.year}"
    if last.year == start.year:
        return f"{start:%B} {start.day} - {last:%B} {last.day}, {start.year}"
    return f"{day(start)} - {day(last)}"


def event_place(e: Any) -> str:
    """Where an event is, as its card writes it."""
    if e.location and e.location.city:
        return e.location.city + (f", {e.location.state}" if e.location.state else "")
    return "Online" if e.online else ""
