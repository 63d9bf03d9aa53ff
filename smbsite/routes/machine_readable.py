"""Machine-readable outputs: sitemap, robots.txt, members.json, feeds, calendars.

Each is an Output whose ``produce`` returns bytes; ``outputs`` makes them from
the site and the HTML pages made before them (the sitemap lists those). A kind adds its
own (kinds.Kind.files: members.json, calendars, feeds); feeds are written by
routes/feeds.py, calendars by routes/ics.py.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

from ..model.kinds import KINDS
from ..model.site import SiteModel
from .outputs import Output
from ..core.urls import Urls


def outputs(site: SiteModel, urls: Urls, pages_so_far: list[Output]) -> list[Output]:
    """The machine-readable outputs, made after every page the sitemap lists."""
    pages = [o for o in pages_so_far if o.sitemap and o.template]
    out = [Output(url="/.nojekyll", kind="meta", sitemap=False, produce=lambda site: b""),
           Output(url="/robots.txt", kind="meta", sitemap=False, produce=lambda site: robots(urls))]
    if site.config.cname:
        out.append(Output(url="/CNAME", kind="meta", sitemap=False,
                          produce=lambda site: (site.config.cname + "\n").encode()))
    for kind in KINDS.values():
        if kind.files is not None:
            out += kind.files(site, urls, pages_so_far)
    out.append(Output(url="/sitemap.xml", kind="meta", sitemap=False, produce=lambda site: sitemap(urls, pages)))
    return out


def robots(urls: Urls) -> bytes:
    return f"User-agent: *\nDisallow:\n\nSitemap: {urls.abs('/sitemap.xml')}\n".encode()


def sitemap(urls: Urls, pages: list[Output]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for o in sorted(pages, key=lambda o: o.url):
        lastmod = f"<lastmod>{o.lastmod.isoformat()}</lastmod>" if o.lastmod else ""
        lines.append(f"<url><loc>{escape(urls.abs(o.url))}</loc>{lastmod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")
