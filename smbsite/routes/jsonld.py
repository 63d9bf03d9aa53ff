"""Head metadata for pages: JSON-LD (Organization, Event, ProfessionalService, NewsArticle)
and the one-line description that Open Graph and Twitter cards show.

The JSON goes inside <script>, where HTML escaping does not apply but "</script>"
still ends the element; so <, > and & are written as JSON \\u escapes, which
parse back to the same string.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..model.fields import NATIONWIDE, US_STATES
from . import dependencies as deps
from .views import ArticleView, EventView, FormView, MemberView, PageView, PartnerView, VendorView

if TYPE_CHECKING:
    from ..model.site import Article, Event, Member, SiteModel
    from .outputs import Output, SiteGraph
    from ..core.urls import Urls

SCHEMA = "https://schema.org"
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                              "\u2028": "\\u2028", "\u2029": "\\u2029"})


def dumps(data: dict[str, Any]) -> Markup:
    """JSON that cannot end the script element it is written into."""
    return Markup(json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE))


def for_output(graph: "SiteGraph", out: "Output") -> Markup:
    """The <script type="application/ld+json"> body for a page, or '' when it has none."""
    urls, site = graph.urls, graph.site
    if out.kind == "home":
        data = organization(site, urls)
        ident = graph.identity
        if ident is not None:  # the header logo, or the square icon every site has
            data["logo"] = urls.abs(ident.logo.src2x or ident.logo.src) if ident.logo else urls.abs(
                ident.favicons[-1][0])
    elif isinstance(out.context, EventView):
        data = event(out.context.event, site, urls)
    elif isinstance(out.context, MemberView):
        data = business(out.context.member, site, urls)
    elif isinstance(out.context, ArticleView):
        data = news_article(out.context.article, site, urls)
    else:
        return Markup("")
    return dumps({"@context": SCHEMA, **data})


def description(graph: "SiteGraph", out: "Output") -> str:
    """What the page is about in one line (for og:description); mirrors the templates' description block."""
    ctx, cfg = out.context, graph.site.config
    if isinstance(ctx, MemberView):
        return ctx.member.summary
    if isinstance(ctx, VendorView):
        return ctx.vendor.summary
    if isinstance(ctx, EventView):
        return ctx.event.summary or ctx.event.title
    if isinstance(ctx, ArticleView):
        return ctx.article.summary or ctx.article.title
    if isinstance(ctx, PageView):
        return ctx.page_doc.summary or ctx.page_doc.title
    if out.kind == "form" and isinstance(ctx, FormView):
        return ctx.form["description"]
    if out.kind == "partner" and isinstance(ctx, PartnerView):
        return f"Members offering {ctx.specialty.label}"
    return cfg.tagline or cfg.title


# --- the types --------------------------------------------------------------------------

def _org_ref(site: "SiteModel", urls: "Urls") -> dict[str, Any]:
    return {"@type": "Organization", "@id": urls.abs("/") + "#organization", "name": site.config.title,
            "url": urls.abs("/")}


def organization(site: "SiteModel", urls: "Urls") -> dict[str, Any]:
    cfg = site.config
    data = _org_ref(site, urls)
    if cfg.description or cfg.tagline:
        data["description"] = cfg.description or cfg.tagline
    data["areaServed"] = {"@type": "Country", "name": "United States"}
    return data


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def event(e: "Event", site: "SiteModel", urls: "Urls") -> dict[str, Any]:
    page = urls.abs(e.url)
    if e.all_day:
        # schema.org dates are inclusive; our end is the exclusive day after
        start, end = e.start.date().isoformat(), (e.end - timedelta(days=1)).date().isoformat()
    else:
        start, end = _iso(e.start), _iso(e.end)
    places: list[dict[str, Any]] = []
    if e.location is not None:
        loc = e.location
        address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "US"}
        if loc.address:
            address["streetAddress"] = loc.address
        if loc.city:
            address["addressLocality"] = loc.city
        if loc.state:
            address["addressRegion"] = loc.state
        places.append({"@type": "Place", "name": loc.name, "address": address})
    if e.online:
        places.append({"@type": "VirtualLocation", "url": e.online})
    if not places:
        # a broadcast with no venue: listeners follow it from the event page
        places.append({"@type": "VirtualLocation", "url": page})
    physical = e.location is not None
    online = any(p["@type"] == "VirtualLocation" for p in places)
    mode = "Mixed" if physical and online else "Offline" if physical else "Online"
    data: dict[str, Any] = {
        "@type": "Event", "@id": page + "#event", "name": e.title, "url": page,
        "startDate": start, "endDate": end,
        "eventAttendanceMode": f"{SCHEMA}/{mode}EventAttendanceMode",
        "eventStatus": f"{SCHEMA}/EventScheduled",
        "location": places[0] if len(places) == 1 else places,
        "organizer": _org_ref(site, urls),
    }
    if e.summary:
        data["description"] = e.summary
    if e.registration:
        data["offers"] = {"@type": "Offer", "url": e.registration, "availability": f"{SCHEMA}/InStock"}
    sponsors, guests = deps.linked(site, e, "sponsor_list"), deps.linked(site, e, "guest_list")
    if sponsors:
        data["sponsor"] = [{"@type": "Organization", "name": v.name, "url": urls.abs(v.url)} for v in sponsors]
    if guests:
        data["performer"] = [{"@type": "Organization", "name": m.name, "url": urls.abs(m.url)} for m in guests]
    return data


def _area(code: str) -> dict[str, Any]:
    if code == NATIONWIDE:
        return {"@type": "Country", "name": "United States"}
    return {"@type": "State", "name": US_STATES.get(code, code)}


def business(m: "Member", site: "SiteModel", urls: "Urls") -> dict[str, Any]:
    page = urls.abs(m.url)
    areas = [NATIONWIDE] if m.serves_all else list(dict.fromkeys([m.state, *m.serves]))
    data: dict[str, Any] = {
        "@type": "ProfessionalService", "@id": page + "#business", "name": m.name,
        "url": m.website or page, "mainEntityOfPage": page, "description": m.summary,
        "address": {"@type": "PostalAddress", "addressLocality": m.city, "addressRegion": m.state,
                    "addressCountry": "US"},
        "areaServed": [_area(c) for c in areas],
        "knowsAbout": [spec.label for _, spec in m.specialty_list],
        "memberOf": _org_ref(site, urls),
    }
    if m.email:
        data["email"] = m.email
    if m.phone:
        data["telephone"] = m.phone
    if m.logo_url:
        data["logo"] = data["image"] = urls.abs(m.logo_url)
    if m.employees:
        data["numberOfEmployees"] = {"@type": "QuantitativeValue", "value": m.employees}
    return data


def news_article(a: "Article", site: "SiteModel", urls: "Urls") -> dict[str, Any]:
    page = urls.abs(a.url)
    author = ({"@type": "Person", "name": a.author} if a.author else _org_ref(site, urls))
    data: dict[str, Any] = {
        "@type": "NewsArticle", "@id": page + "#article", "headline": a.title, "url": page,
        "mainEntityOfPage": page, "datePublished": _iso(a.published), "dateModified": _iso(a.published),
        "author": author, "publisher": _org_ref(site, urls), "inLanguage": site.config.language,
    }
    if a.summary:
        data["description"] = a.summary
    if a.tags:
        data["keywords"] = ", ".join(a.tags)
    return data
