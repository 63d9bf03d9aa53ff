"""The home page's view: the association's own words from site.yaml `home`, and what the
site's records give it (the next conference, member logos, events, news, benefits).

The theme writes none of an association's copy: a site without `home` gets its title,
tagline and lists, and nothing that speaks for another association."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from markupsafe import Markup

from ..model.site import Event, Member, SiteModel
from ..core.markdown import MarkdownRenderer
from .views import HomeView

LOGO_STRIP = 8  # member logos on the home page
FEATURED_BENEFITS = 6


def featured_benefits(site: SiteModel) -> list[Any]:
    """One benefit per vendor in turn, so the front page shows several partners."""
    queues = [list(v.current_benefits) for v in site.vendors]
    featured: list[Any] = []
    while len(featured) < FEATURED_BENEFITS and any(queues):
        for q in queues:
            if q and len(featured) < FEATURED_BENEFITS:
                featured.append(q.pop(0))
    return featured


def logo_strip(members: list[Member]) -> list[Member]:
    """Members that have a logo: the longest-standing first (the directory's order breaks ties)."""
    with_logo = [m for m in members if m.logo_sizes.get("card")]
    return sorted(with_logo, key=lambda m: m.joined)[:LOGO_STRIP]


def day_span(e: Event) -> tuple[date, date]:
    """An event's first and last day, where it takes place (an all-day end is exclusive)."""
    assert e.start is not None and e.end is not None
    last = (e.end - timedelta(microseconds=1)) if e.all_day else e.end
    return e.start.date(), max(e.start.date(), last.date())


def date_range(first: date, last: date) -> str:
    """"March 30 – April 1, 2027", "April 14–15, 2026", "May 2, 2027": as people write a span."""
    if first == last:
        return f"{first:%B} {first.day}, {first.year}"
    if first.year != last.year:
        return f"{first:%B} {first.day}, {first.year} – {last:%B} {last.day}, {last.year}"
    if first.month != last.month:
        return f"{first:%B} {first.day} – {last:%B} {last.day}, {last.year}"
    return f"{first:%B} {first.day}–{last.day}, {last.year}"


def home_view(site: SiteModel) -> HomeView:
    """The home page is the site's: it reads the members, events, vendors and news it shows."""
    listed = [m for m in site.members if m.partnering]
    upcoming = [e for e in site.events if e.upcoming]
    cfg = site.config
    sections, copy = cfg.sections, cfg.home
    md = MarkdownRenderer(cfg.base_path)

    def html(text: str) -> Markup:
        return Markup(md.html(text))

    pages = {p.slug: p for p in site.pages}
    spec_counts: dict[str, int] = {k: 0 for k in cfg.specialties}
    for m in listed:
        for key in m.specialties:
            spec_counts[key] = spec_counts.get(key, 0) + 1
    conference = next((e for e in upcoming if e.type == "conference"), None) if sections.conference else None
    quote = None
    if copy.quote is not None and copy.quote.member in site.member_by_slug:
        quote = {"text": copy.quote.text, "person": copy.quote.person,
                 "member": site.member_by_slug[copy.quote.member]}
    return HomeView(
        upcoming=[e for e in upcoming if e is not conference][:3],
        articles=site.articles[:3] if sections.news else [],
        benefits=featured_benefits(site) if sections.vendors else [],
        member_count=len(site.members), goal=cfg.membership_goal,
        goal_percent=min(100, round(100 * len(site.members) / cfg.membership_goal)) if cfg.membership_goal else None,
        page_urls={slug: p.url for slug, p in pages.items()},
        specialties=[(k, s, spec_counts[k]) for k, s in cfg.specialties.items()],
        join_url=pages["join"].url if "join" in pages else None,
        intro=html(copy.intro),
        audiences=[{"title": a.title, "html": html(a.text), "link": a.link, "url": a.url} for a in copy.audiences],
        pillars_title=copy.pillars_title,
        pillars=[{"title": p.title, "html": html(p.text),
                  "url": pages[p.page].url if p.page in pages else None} for p in copy.pillars],
        quote=quote, logos=logo_strip(site.members), conference=conference,
        conference_dates=date_range(*day_span(conference)) if conference is not None else "")
