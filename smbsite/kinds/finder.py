"""The member kind's pages: the directory (split by letter when long), the partner finder
with a page per specialty (and per state, when long), and the region pages.

Each function takes the routes builder (routes/pages.py) and adds its outputs."""
from __future__ import annotations

from typing import Any, Callable

from markupsafe import Markup

from ..model.fields import US_STATES
from ..model.site import Member
from ..routes.service_areas import anywhere, area_phrase, region_groups
from ..routes.tilemap import legend, tile_map
from ..routes.views import (DirectoryView, FormView, LetterView, MemberView, PartnerStateView, PartnersView, PartnerView,
                            RegionsView, RegionView)

LETTER_PAGES_FROM = 300  # a directory this large is split into one page per letter
DIRECTORY_PAGE_SIZE = 200  # member cards per letter page: a letter of thousands stays far below 500 KB
PARTNER_SPLIT_FROM = 500  # listings on one specialty page before it splits into a page per state


def by_state_name(codes: Any) -> list[str]:
    """State codes in the order a reader looks for them: by the state's name."""
    return sorted(codes, key=lambda code: US_STATES[code])


def pages(self: Any) -> None:
    """The directory, each member's page, the finder and the regions."""
    members = self.site.members
    listed = [m for m in members if m.partnering]
    directory(self, members)
    for m in members:
        self.add(url=m.url, source=m.source, kind="member", title=m.name, template="member.html",
                 context=MemberView(member=m), lastmod=None)
    partner_state_url = partners(self, listed)
    regions(self, listed, partner_state_url)


def add_your_company(self: Any) -> None:
    """The form that writes a new member record, when the site names its repository."""
    cfg = self.site.config
    if cfg.repository and cfg.sections.join_form:
        from .addform import URL, form_context
        self.add(url=URL, kind="form", title="Add your company", template="add_your_company.html",
                 context=FormView(form=form_context(self.site)))


def directory(self: Any, members: list[Member]) -> None:
    letters: dict[str, list[Member]] = {}
    for m in members:
        letters.setdefault(m.letter, []).append(m)
    groups = sorted(letters.items(), key=lambda kv: (kv[0] == "#", kv[0]))
    split = len(members) > LETTER_PAGES_FROM
    # every letter A-Z appears in the jump list; an empty one is shown but is no link
    jump = [(letter, len(letters.get(letter, [])),
             (letter_url(letter) if split else "#" + letter_id(letter)) if letter in letters else None)
            for letter in [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", *(["#"] if "#" in letters else [])]]
    self.add(url="/members/", kind="members", title="Member directory", template="members.html", context=DirectoryView(groups=[(letter, letter_id(letter), ms) for letter, ms in groups],
                                   split=split, jump=jump, total=len(members)))
    if not split:
        return
    for letter, ms in groups:
        chunks = [ms[i:i + DIRECTORY_PAGE_SIZE] for i in range(0, len(ms), DIRECTORY_PAGE_SIZE)]
        first = letter_url(letter)

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


def letter_url(letter: str) -> str:
    return f"/members/letter/{'0-9' if letter == '#' else letter.lower()}/"


def letter_id(letter: str) -> str:
    return "letter-" + ("0-9" if letter == "#" else letter.lower())


def state_map(self: Any, counts: dict[str, int], href: Callable[[str], str], map_id: str) -> Markup:
    return tile_map(counts, lambda code: self.urls.rel(href(code)), map_id=map_id)


def partners(self: Any, listed: list[Member]) -> dict[tuple[str, str], str]:
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
                 state_map=state_map(self, counts, lambda c: f"/regions/{c.lower()}/", "finder-map"),
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
                     state_map=state_map(self, counts, lambda c, k=key: partner_state_url[k, c], "spec-map"),
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


def regions(self: Any, listed: list[Member], partner_state_url: dict[tuple[str, str], str]) -> None:
    groups = region_groups(listed)
    counts = {code: len(ms) for code, ms in groups}
    specs = self.site.config.specialties
    self.add(url="/regions/", kind="regions", title="Members by region", template="regions.html", context=RegionsView(
                 regions=[(code, US_STATES[code], counts[code]) for code in by_state_name(counts)],
                 state_map=state_map(self, counts, lambda c: f"/regions/{c.lower()}/", "region-map"),
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

