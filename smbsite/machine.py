"""Machine-readable outputs: sitemap, robots.txt, members.json, feeds, calendars.

Each is an Output whose ``produce`` returns bytes; ``add_outputs`` puts them
into the site graph after the HTML pages (the sitemap lists those). Feeds are
in feeds.py, calendars in ics.py.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from . import feeds, ics

if TYPE_CHECKING:
    from .content import Member
    from .graph import GraphBuilder, Output

ALL = frozenset({"site.yaml", "members/", "vendors/", "events/", "content/articles/", "content/pages/"})
MEMBERS_JSON_FORMAT = 1  # bump when a field changes meaning or goes away (docs/members-json.md)


def add_outputs(b: "GraphBuilder") -> None:
    site, urls = b.site, b.urls
    pages = [o for o in b.outputs if o.sitemap and o.template]
    has_cover = any(o.url == feeds.PODCAST_COVER for o in b.outputs)
    b.add(url="/.nojekyll", kind="meta", sitemap=False, produce=lambda: b"", deps=frozenset())
    b.add(url="/robots.txt", kind="meta", sitemap=False, deps=frozenset({"site.yaml"}),
          produce=lambda: robots(b))
    if site.config.cname:
        b.add(url="/CNAME", kind="meta", sitemap=False, deps=frozenset({"site.yaml"}),
              produce=lambda: (site.config.cname + "\n").encode())
    b.add(url="/members.json", kind="data", sitemap=False, deps=frozenset({"site.yaml", "members/"}),
          produce=lambda: members_json(b))
    b.add(url="/members/index.json", kind="data", sitemap=False, deps=frozenset({"site.yaml", "members/"}),
          produce=lambda: members_index(b))
    b.add(url="/feed.xml", kind="feed", sitemap=False, deps=frozenset({"site.yaml", "content/articles/"}),
          produce=lambda: feeds.atom(site, urls))
    b.add(url="/radio/feed.xml", kind="feed", sitemap=False,
          deps=frozenset({"site.yaml", "events/", "templates/static/podcast-cover.png"}),
          produce=lambda: feeds.podcast(site, urls, cover=has_cover))
    b.add(url="/events.ics", kind="calendar", sitemap=False, deps=frozenset({"site.yaml", "events/"}),
          produce=lambda: ics.all_events_ics(site, urls))
    for e in site.events:
        b.add(url=e.ics_url, kind="calendar", sitemap=False, deps=frozenset({"site.yaml", e.source}),
              produce=lambda e=e: ics.event_ics(e, site, urls))
    b.add(url="/sitemap.xml", kind="meta", sitemap=False, deps=ALL, produce=lambda: sitemap(b, pages))


def robots(b: "GraphBuilder") -> bytes:
    return f"User-agent: *\nDisallow:\n\nSitemap: {b.urls.abs('/sitemap.xml')}\n".encode()


def members_json(b: "GraphBuilder") -> bytes:
    """The directory as open data: one row per member, compact, sorted by slug."""
    abs_url = b.urls.abs

    def logo(m: "Member") -> dict | None:
        """The logo as member cards draw it (the partner finder makes cards from this file)."""
        card = m.logo_sizes.get("card")
        if card is None:
            return None
        row = {"src": abs_url(card.src), "width": card.width, "height": card.height}
        if card.src2x:
            row["src2x"] = abs_url(card.src2x)
        return row

    rows = []
    for m in sorted(b.site.members, key=lambda m: m.slug):
        row = {"slug": m.slug, "name": m.name, "summary": m.summary, "city": m.city, "state": m.state,
               "serves": list(m.serves), "specialties": list(m.specialties), "vendors": list(m.vendors),
               "url": abs_url(m.url), "website": m.website, "partnering": m.partnering}
        if m.logo_sizes:
            row["logo"] = logo(m)
        rows.append(row)
    doc = {"format": MEMBERS_JSON_FORMAT, "generator": "smbsite", "site": b.site.config.title,
           "url": abs_url("/"), "count": len(rows), "members": rows}
    # Compact: with thousands of members this is what the partner finder downloads.
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def members_index(b: "GraphBuilder") -> bytes:
    """Every member's name and slug in directory order: what the directory's name filter
    searches when the directory is split into letter pages (a few dozen bytes a member)."""
    rows = [[m.name, m.slug] for m in b.site.members]
    doc = {"format": MEMBERS_JSON_FORMAT, "count": len(rows), "members": rows}
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def sitemap(b: "GraphBuilder", pages: list["Output"]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for o in sorted(pages, key=lambda o: o.url):
        lastmod = f"<lastmod>{o.lastmod.isoformat()}</lastmod>" if o.lastmod else ""
        lines.append(f"<url><loc>{escape(b.urls.abs(o.url))}</loc>{lastmod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")
