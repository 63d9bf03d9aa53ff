"""Machine-readable outputs: sitemap, robots.txt, members.json, feeds, calendars.

Each is an Output whose ``produce`` returns bytes; ``add_outputs`` puts them
into the site graph after the HTML pages (the sitemap lists those).
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from .graph import GraphBuilder

ALL = frozenset({"site.yaml", "members/", "vendors/", "events/", "content/articles/", "content/pages/"})


def add_outputs(b: "GraphBuilder") -> None:
    site, urls = b.site, b.urls
    b.add(url="/.nojekyll", kind="meta", sitemap=False, produce=lambda: b"", deps=frozenset())
    b.add(url="/robots.txt", kind="meta", sitemap=False, deps=frozenset({"site.yaml"}),
          produce=lambda: f"User-agent: *\nAllow: /\n\nSitemap: {urls.abs('/sitemap.xml')}\n".encode())
    if site.config.cname:
        b.add(url="/CNAME", kind="meta", sitemap=False, deps=frozenset({"site.yaml"}),
              produce=lambda: (site.config.cname + "\n").encode())
    b.add(url="/members.json", kind="data", sitemap=False, deps=frozenset({"site.yaml", "members/"}),
          produce=lambda: members_json(b))
    pages = [o for o in b.outputs if o.sitemap and o.template]
    b.add(url="/sitemap.xml", kind="meta", sitemap=False, deps=ALL, produce=lambda: sitemap(b, pages))


def members_json(b: "GraphBuilder") -> bytes:
    urls = b.urls
    rows = [{
        "slug": m.slug, "name": m.name, "summary": m.summary, "city": m.city, "state": m.state,
        "serves": list(m.serves), "specialties": list(m.specialties), "vendors": list(m.vendors),
        "url": urls.abs(m.url), "website": m.website, "partnering": m.partnering,
    } for m in sorted(b.site.members, key=lambda m: m.slug)]
    doc = {"generator": "smbsite", "site": b.site.config.title, "count": len(rows), "members": rows}
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def sitemap(b: "GraphBuilder", pages: list) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for o in sorted(pages, key=lambda o: o.url):
        lastmod = f"<lastmod>{o.lastmod.isoformat()}</lastmod>" if o.lastmod else ""
        lines.append(f"<url><loc>{escape(b.urls.abs(o.url))}</loc>{lastmod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")
