"""Machine-readable outputs: sitemap, robots.txt, members.json, feeds, calendars.

Each is an Output whose ``produce`` returns bytes; ``outputs`` makes them from
the site and the HTML pages made before them (the sitemap lists those). Feeds are
in routes/feeds.py, calendars in routes/ics.py.
"""
from __future__ import annotations

import json
from xml.sax.saxutils import escape

from . import feeds, ics
from ..model.site import Member, SiteModel
from .outputs import Output
from ..core.urls import Urls

MEMBERS_JSON_FORMAT = 1  # bump when a field changes meaning or goes away (docs/members-json.md)


def outputs(site: SiteModel, urls: Urls, pages_so_far: list[Output]) -> list[Output]:
    """The machine-readable outputs, made after every page the sitemap lists."""
    pages = [o for o in pages_so_far if o.sitemap and o.template]
    has_cover = any(o.url == feeds.PODCAST_COVER for o in pages_so_far)
    out = [Output(url="/.nojekyll", kind="meta", sitemap=False, produce=lambda site: b""),
           Output(url="/robots.txt", kind="meta", sitemap=False, produce=lambda site: robots(urls))]
    if site.config.cname:
        out.append(Output(url="/CNAME", kind="meta", sitemap=False,
                          produce=lambda site: (site.config.cname + "\n").encode()))
    out += [
        Output(url="/members.json", kind="data", sitemap=False,
               produce=lambda site: members_json(site, urls)),
        Output(url="/members/index.json", kind="data", sitemap=False,
               produce=members_index),
    ]
    sections = site.config.sections  # a section turned off publishes no feed either
    if sections.news:
        out.append(Output(url="/feed.xml", kind="feed", sitemap=False,
                          produce=lambda site: feeds.atom(site, urls)))
    if sections.radio:
        out.append(Output(url="/radio/feed.xml", kind="feed", sitemap=False,
                          produce=lambda site: feeds.podcast(site, urls, cover=has_cover)))
    out += [
        Output(url="/events.ics", kind="calendar", sitemap=False,
               produce=lambda site: ics.all_events_ics(site, urls)),
    ]
    for e in site.events:
        out.append(Output(url=e.ics_url, kind="calendar", sitemap=False, source=e.source,
                          produce=lambda site, slug=e.slug: ics.event_ics(site.event_by_slug[slug], site, urls)))
    out.append(Output(url="/sitemap.xml", kind="meta", sitemap=False, produce=lambda site: sitemap(urls, pages)))
    return out


def robots(urls: Urls) -> bytes:
    return f"User-agent: *\nDisallow:\n\nSitemap: {urls.abs('/sitemap.xml')}\n".encode()


def members_json(site: SiteModel, urls: Urls) -> bytes:
    """The directory as open data: one row per member, compact, sorted by slug."""
    abs_url = urls.abs

    def logo(m: Member) -> dict | None:
        """The logo as member cards draw it (the partner finder makes cards from this file)."""
        card = m.logo_sizes.get("card")
        if card is None:
            return None
        row = {"src": abs_url(card.src), "width": card.width, "height": card.height}
        if card.src2x:
            row["src2x"] = abs_url(card.src2x)
        return row

    rows = []
    for m in sorted(site.members, key=lambda m: m.slug):
        row = {"slug": m.slug, "name": m.name, "summary": m.summary, "city": m.city, "state": m.state,
               "serves": list(m.serves), "specialties": list(m.specialties), "vendors": list(m.vendors),
               "url": abs_url(m.url), "website": m.website, "partnering": m.partnering}
        # what the member's own page publishes: the finder's cards call and write from it
        if m.phone:
            row["phone"] = m.phone
        if m.email:
            row["email"] = m.email
        if m.logo_sizes:
            row["logo"] = logo(m)
        rows.append(row)
    doc = {"format": MEMBERS_JSON_FORMAT, "generator": "smbsite", "site": site.config.title,
           "url": abs_url("/"), "count": len(rows), "members": rows}
    # Compact: with thousands of members this is what the partner finder downloads.
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def members_index(site: SiteModel) -> bytes:
    """Every member's name and slug in directory order: what the directory's name filter
    searches when the directory is split into letter pages (a few dozen bytes a member)."""
    rows = [[m.name, m.slug] for m in site.members]
    doc = {"format": MEMBERS_JSON_FORMAT, "count": len(rows), "members": rows}
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def sitemap(urls: Urls, pages: list[Output]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for o in sorted(pages, key=lambda o: o.url):
        lastmod = f"<lastmod>{o.lastmod.isoformat()}</lastmod>" if o.lastmod else ""
        lines.append(f"<url><loc>{escape(urls.abs(o.url))}</loc>{lastmod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")
