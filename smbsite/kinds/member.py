"""The member kind: one member company of the association (members/<slug>.yaml).

Everything about members is here: the model and folder, the vendors a member names, the
checks beyond the model (a joining date in the future, specialties site.yaml does not have,
a second file for the same company), what derive works out (directory letter, logo sizes,
specialties), the pages (kinds/finder.py: the directory, the partner finder, the regions),
members.json, the text of `smbsite new member` and the JSON Schema's words.
"""
from __future__ import annotations

import json
from datetime import date
from typing import Any

from ..checking.lookalikes import look_alikes
from ..checking.validate import Valid, Validator, _looks, company_key, website_host
from ..core.problems import shorten
from ..core.urls import Urls
from ..deriving.derive import letter
from ..images.imaging import MEMBER_BOXES
from ..images.logos import plan_logo
from ..model.fields import NATIONWIDE, PLACEHOLDER, US_STATES
from ..model.kinds import YAML, Kind, Ref
from ..model.records import MemberRecord
from ..model.site import Member, SiteConfig, SiteModel, construct
from ..reading.load import Source
from ..routes.outputs import Output
from . import finder

MEMBERS_JSON_FORMAT = 1  # bump when a field changes meaning or goes away (docs/members-json.md)


def check(v: Validator, valid: Valid, cfg: Any) -> Valid:
    src, rec = valid.src, valid.rec
    if rec.joined > v.as_of:
        line, col = src.pos.value(("joined",))
        v.problems.warning(src.path, line, col, f"joined {rec.joined} is after today ({v.as_of})",
                           "write the date the company became a member")
    if cfg is not None:
        v.specialties(src, enumerate(rec.specialties), cfg)
    v.duplicates(src, "specialties", rec.specialties)
    v.duplicates(src, "serves", rec.serves)
    return valid


def check_raw(v: Validator, src: Source, cfg: Any) -> None:
    if cfg is not None:
        v.specialties(src, [(i, s) for i, s in v.valid_slugs(src.data, "specialties") if i is not None], cfg)


def same_company(v: Validator, members: list[Valid]) -> None:
    """Two records for one company (a copy saved under another file name, the name in
    other case or with 'LLC' added, the same web site): an error at the later file, in
    the order of file names without their extension (acme.yaml, then acme-llc.yaml)."""
    rules = (("name", lambda m: company_key(m.rec.name), lambda r: r.name, "a member named '{}'"),
             ("website", lambda m: _looks(website_host(m.rec.website)), lambda r: website_host(r.website),
              "a member with the web site {}"))
    for key_name, key_of, shown_of, what in rules:
        first: dict[str, Valid] = {}
        for m in sorted(members, key=lambda m: (m.src.slug, m.src.path)):
            key = key_of(m)
            if key in first:
                other = first[key].src
                line, col = m.src.pos.value((key_name,))
                shown = shown_of(first[key].rec)
                message = f"{other.path} already lists " + what.format(shorten(shown))
                hint = f"edit {other.path} instead of adding a second file for the same company"
                odd_here, odd_there = look_alikes(shown_of(m.rec)), look_alikes(shown)
                if odd_here != odd_there:
                    # the same look from other letters: a visitor could not tell the two apart
                    message += ", which looks the same as this one"
                    whose = "this name" if odd_here else f"the name in {other.path}"
                    hint += f"; {whose} uses look-alike letters ({'; '.join((odd_here or odd_there)[:3])})"
                v.problems.error(m.src.path, line, col, message, hint)
            elif key:
                first[key] = m


def derive(valid: Valid, cfg: SiteConfig, as_of: date, fields: dict[str, Any]) -> Member:
    rec = valid.rec
    plan = plan_logo(valid.logo, fields["url"], MEMBER_BOXES, social=True) if valid.logo is not None else None
    return construct(Member, **fields, letter=letter(rec.name), serves_all=NATIONWIDE in rec.serves,
                     specialty_list=[(k, cfg.specialties[k]) for k in dict.fromkeys(rec.specialties)
                                     if k in cfg.specialties],
                     logo_file=valid.logo, logo_plan=plan)


def order(members: list[Member]) -> list[Member]:
    return sorted(members, key=lambda m: (m.name.casefold(), m.slug))


def pages(builder: Any) -> None:
    finder.pages(builder)
    finder.add_your_company(builder)


# --- members.json ---------------------------------------------------------------------------

def files(site: SiteModel, urls: Urls, pages: list[Output]) -> list[Output]:
    return [Output(url="/members.json", kind="data", sitemap=False, produce=lambda site: members_json(site, urls)),
            Output(url="/members/index.json", kind="data", sitemap=False, produce=members_index)]


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


# --- smbsite new member, and the JSON Schema --------------------------------------------------

def scaffold(name: str, w: Any) -> str:
    site = w.site
    fields = [
        ("name", w.scalar(name), []),
        ("summary", PLACEHOLDER, []),
        ("joined", PLACEHOLDER, [f"For example {site.today} (today)."]),
        ("city", PLACEHOLDER, []),
        ("state", PLACEHOLDER, ["The codes:"] + w.columns(sorted(US_STATES))),
        ("specialties", "[]", site.specialty_lines() + [f"Write the keys in brackets, e.g. {site.specialty_example()}."]),
        ("# --- Optional: fill in what you want shown, leave the rest empty ---", "", []),
        ("serves", "[]", [f"For example [NV, AZ], or [{NATIONWIDE}] when you work with clients anywhere;",
                          "leave [] when you work only in your state."]),
        ("vendors", "[]", site.slug_lines("vendor")),
        ("certifications", "[]", ["For example [CompTIA Network+, Microsoft Solutions Partner]."]),
        ("website", "", []),
        ("email", "", []),
        ("phone", "", []),
        ("employees", "", []),
        ("partnering", "true", []),
        ("logo", "", ["For example: logo: " + w.slug(name) + ".png"]),
        ("description", '""', ["To write several lines, replace \"\" with | and indent the text below it:",
                               "  description: |", "    First paragraph.", "",
                               "    Second paragraph, with a [link](https://example.com/)."]),
    ]
    return w.record("member", w.header(f"The member listing of {name} on the {site.title} site.", [
        f"Replace every {PLACEHOLDER} and choose 1 to 8 specialties.",
        "Fill in the optional fields you want shown; leave the others empty.", w.CHECK_STEP,
    ], w.MEMBER_GUIDE), w.block(MemberRecord, fields))


def schema_extra(schema: dict, specialties: dict[str, str]) -> None:
    """Specialties limited to the site's keys, when they are known."""
    if specialties:
        items = schema["properties"]["specialties"]["items"]
        items["enum"] = sorted(specialties)
        listing = "; ".join(f"{key} ({label})" for key, label in sorted(specialties.items()))
        schema["properties"]["specialties"]["description"] += f" This site's keys: {listing}."


DOCS = {
    MemberRecord: {
        "name": "The company name as it appears in the directory (1-120 characters).",
        "summary": "One line of plain text, at most 200 characters: what the company does and for whom.",
        "joined": "The day the company became a member, written YYYY-MM-DD.",
        "city": "The city where the company is based.",
        "state": "Two-letter code of the US state or territory where the company is based, e.g. CA, DC, PR.",
        "serves": "Other states the company takes work in, as two-letter codes, or [nationwide].",
        "specialties": "1 to 8 specialty keys from site.yaml; the partner finder lists the company under each.",
        "vendors": "Vendor partners, by their file name in vendors/ without .yaml, e.g. sonicwall.",
        "certifications": "Short names of certifications the company holds (at most 80 characters each).",
        "website": "The company web site, starting with https:// or http://.",
        "email": "A contact email address.",
        "phone": "A contact phone number, e.g. +1 555 010 0199.",
        "employees": "The number of employees, a whole number.",
        "partnering": "true (the default) lists the company in the partner finder; false keeps it in the "
                      "directory only.",
        "logo": "A logo file placed beside the record (png, jpg, webp or svg, at most 512 KB): just its "
                "file name.",
        "description": "A longer description in Markdown: paragraphs, lists and links. Raw HTML is shown as text.",
    },
}

KIND = Kind(
    "member", "members", YAML, MemberRecord, "/members/{slug}/", "members", Member,
    shape=("name", "website", "state", "serves", "specialties", "vendors", "partnering", "logo"),
    markdown=(("description",),),
    prose=(("summary",),),
    refs=(Ref("vendors", "vendor", link="vendor_list", back="members"),),
    name_word="member's name", reserved=("partners", "regions"),
    check=check, check_raw=check_raw, check_all=same_company, derive=derive, order=order,
    pages=pages, files=files, scaffold=scaffold,
    schema="member", schema_extra=schema_extra, docs=DOCS,
    schema_title=("smbsite member record (members/<slug>.yaml)",
                  "One member company of the association, as listed in the directory and the partner finder."),
)
