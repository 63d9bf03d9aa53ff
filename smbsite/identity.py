"""The site's look as data: logos at the sizes the theme draws, favicons, social cards
and brand colours, planned into the site graph.

Every image here is an Output copied from the image cache (see imaging.py); this
module only decides sizes, URLs and which image each page shares. Templates get:

* ``identity``: the header logo, the favicon links and the brand colours' CSS;
* ``rec.logo_sizes[box]`` on members and vendors: ``Drawn(src, width, height, src2x)``
  per box of imaging.BOXES, plus ``row`` (half the card size);
* ``page.image``: the og:image of the page (url, width, height, alt, twitter card).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from . import colors, imaging
from .imaging import BOXES, CARD_SIZE, SOCIAL_LOGO, CardSpec, LogoFile, Variant

if TYPE_CHECKING:
    from .graph import GraphBuilder

EVENT_KINDS = {"conference": "Conference", "radio": "Radio show", "webinar": "Webinar", "training": "Training",
               "meetup": "Meetup"}


@dataclass(frozen=True)
class Drawn:
    """One logo as an <img>: its file, the size it is drawn at, and a file twice as sharp when there is one."""

    src: str
    width: int
    height: int
    src2x: str | None = None


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


def add_outputs(b: "GraphBuilder") -> None:
    """Plan every image of the site into the graph, and say which image each page shares."""
    site, cfg = b.site, b.site.config
    c = cfg.colors
    brand = colors.normalise(c.brand or c.accent) if c and (c.brand or c.accent) else colors.DEFAULT_BRAND
    ident = Identity(brand=brand, initials=imaging.initials(cfg.title), style=_style(c))
    b.identity = ident
    logo: LogoFile | None = getattr(cfg, "logo_file", None)
    site_deps = frozenset({"site.yaml", *([f"{cfg.logo}"] if cfg.logo else [])})
    raster_site_logo = logo if logo is not None and not logo.svg else None

    # the header logo
    if logo is not None:
        sizes = _logo(b, logo, "/", ("header",), site_deps, social=False)
        ident.logo = sizes["header"]

    # favicons: the SVG logo itself when it is square enough, else the monogram
    if logo is not None and logo.svg and logo.squareish:
        b.add(url="/favicon.svg", kind="image", sitemap=False, copy_from=logo.file, deps=site_deps)
    else:
        svg = imaging.monogram_svg(ident.initials, brand)
        b.add(url="/favicon.svg", kind="image", sitemap=False, produce=lambda: svg, deps=site_deps)
    ident.favicon_svg = "/favicon.svg"
    for url, size in imaging.FAVICONS.items():
        job = imaging.favicon_job(size, logo, brand, ident.initials)
        _add_job(b, job, [url], site_deps)
        ident.favicons.append((url, size))

    # the site's card, and one per event and article
    host = cfg.base_url.split("://", 1)[-1].rstrip("/")

    def card(url: str, title: str, kind: str, deps: frozenset[str], alt: str) -> Social:
        spec = CardSpec(title=title, kind=kind, site_title=cfg.title, footer=host, brand=brand,
                        initials=ident.initials, logo=raster_site_logo)
        _add_job(b, imaging.card_job(spec), [url], deps | site_deps)
        return Social(b.urls.abs(url), *CARD_SIZE, alt=alt, card="summary_large_image")

    ident.site_card = card("/social.png", cfg.tagline or cfg.title, "", site_deps,
                           f"{cfg.title}: {cfg.tagline}" if cfg.tagline else cfg.title)
    own: dict[str, Social] = {}
    for e in site.events:
        kind = " · ".join(p for p in (EVENT_KINDS.get(e.type, e.type.title()), _when(e), _place(e)) if p)
        own[e.url] = card(f"{e.url}social.png", e.title, kind, frozenset({e.source}), f"{e.title}: {kind}")
    for a in site.articles:
        kind = f"News · {_day(a.published)}"
        own[a.url] = card(f"{a.url}social.png", a.title, kind, frozenset({a.source}), f"{a.title}: {kind}")

    # members' and vendors' logos
    logo_deps: dict[str, str] = {}  # page URL -> its logo file: a new file of the same name redraws the page
    for kind, records, boxes in (("member", site.members, imaging.MEMBER_BOXES),
                                 ("vendor", site.vendors, imaging.VENDOR_BOXES)):
        for rec in records:
            lf = getattr(rec, "logo_file", None)
            if lf is None:
                continue
            deps = frozenset({rec.source, _rel(rec.source, lf.name)})
            logo_deps[rec.url] = _rel(rec.source, lf.name)
            rec.logo_sizes = _logo(b, lf, rec.url, boxes, deps, social=True)
            rec.logo_url = (rec.logo_sizes["page"].src2x or rec.logo_sizes["page"].src)
            shared = rec.logo_sizes.get("social")
            if shared is not None:
                own[rec.url] = Social(b.urls.abs(shared.src), shared.width, shared.height, alt=f"{rec.name} logo",
                                      card="summary")

    for out in b.outputs:
        if out.template:
            out.image = own.get(out.url, ident.site_card)
            if out.url in logo_deps:
                out.deps = out.deps | {logo_deps[out.url]}


def _logo(b: "GraphBuilder", lf: LogoFile, folder: str, boxes: tuple[str, ...], deps: frozenset[str],
          social: bool) -> dict[str, Drawn]:
    """The outputs of one logo; {box: Drawn} (and 'row', and 'social' for a raster logo's og:image)."""
    drawn: dict[str, Drawn] = {}
    if lf.svg:
        url = f"{folder}logo.svg"
        b.add(url=url, kind="image", sitemap=False, copy_from=lf.file, deps=deps)
        for box in boxes:
            drawn[box] = Drawn(url, *imaging.fit(lf.width, lf.height, *BOXES[box], upscale=True))
        if "card" in drawn:
            drawn["row"] = Drawn(url, *imaging.fit(lf.width, lf.height, *BOXES["row"], upscale=True))
        return drawn
    variants: dict[str, Variant] = {}  # url -> variant

    def variant(w: int, h: int) -> str:
        url = f"{folder}logo-{w}x{h}.webp"
        variants[url] = Variant(w, h, "webp")
        return url

    for box in boxes:
        bw, bh = BOXES[box]
        w1, h1 = imaging.fit(lf.width, lf.height, bw, bh, upscale=False)
        w2, h2 = imaging.fit(lf.width, lf.height, bw * 2, bh * 2, upscale=False)
        drawn[box] = Drawn(variant(w1, h1), w1, h1, variant(w2, h2) if (w2, h2) != (w1, h1) else None)
    if "card" in drawn:  # rows draw the card's file smaller: sharp on every screen, no file of their own
        drawn["row"] = Drawn(drawn["card"].src, *imaging.fit(lf.width, lf.height, *BOXES["row"], upscale=False))
    if social:
        w, h = imaging.fit(lf.width, lf.height, SOCIAL_LOGO * 4 // 5, SOCIAL_LOGO * 4 // 5, upscale=True)
        url = f"{folder}social.png"
        variants[url] = Variant(w, h, "png8", background="#ffffff", canvas=(SOCIAL_LOGO, SOCIAL_LOGO))
        drawn["social"] = Drawn(url, SOCIAL_LOGO, SOCIAL_LOGO)
    urls = list(variants)
    job = imaging.logo_job(lf, [variants[u] for u in urls])
    _add_job(b, job, urls, deps)
    return drawn


def _add_job(b: "GraphBuilder", job: imaging.Job, urls: list[str], deps: frozenset[str]) -> None:
    b.images.append(job)
    for url, name in zip(urls, job.names):
        b.add(url=url, kind="image", sitemap=False, copy_from=b.store.file(name), deps=deps)


def _rel(source: str, name: str) -> str:
    return source.rsplit("/", 1)[0] + "/" + name if "/" in source else name


def _style(c: Any) -> Markup:
    props = colors.theme_properties(c.brand if c else None, c.accent if c else None)
    if not props["light"]:
        return Markup("")

    def block(values: dict[str, str]) -> str:
        return ":root{" + ";".join(f"{k}:{v}" for k, v in values.items()) + "}"

    # hex colours only (validated), so nothing here can end the <style> element
    return Markup(block(props["light"]) + "@media (prefers-color-scheme:dark){" + block(props["dark"]) + "}")


def _day(when: datetime) -> str:
    return f"{when:%B} {when.day}, {when.year}"


def _when(e: Any) -> str:
    start = e.start
    last = (e.end - timedelta(microseconds=1)) if e.all_day else e.end
    if last.date() == start.date():
        return _day(start)
    if (last.year, last.month) == (start.year, start.month):
        return f"{start:%B} {start.day}-{last.day}, {start.year}"
    if last.year == start.year:
        return f"{start:%B} {start.day} - {last:%B} {last.day}, {start.year}"
    return f"{_day(start)} - {_day(last)}"


def _place(e: Any) -> str:
    if e.location and e.location.city:
        return e.location.city + (f", {e.location.state}" if e.location.state else "")
    return "Online" if e.online else ""
