"""The vendor kind: a vendor partner and the benefits it offers members (vendors/<slug>.yaml).

Its checks (benefit dates: one that ends before it starts, one that has ended or ends soon),
what derive works out (logo sizes, which benefits are current on the build date), its pages
(the benefits listing and a page per vendor, when the site has the vendors section), the
text of `smbsite new vendor` and the JSON Schema's words. The members partnering with a
vendor are linked by the member kind's reference (member.vendors).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from ..checking.validate import Valid, Validator
from ..core.problems import shorten
from ..images.imaging import VENDOR_BOXES
from ..images.logos import plan_logo
from ..model.fields import PLACEHOLDER
from ..model.kinds import YAML, Kind
from ..model.records import BenefitRecord, VendorRecord
from ..model.site import Benefit, SiteConfig, Vendor, construct, construct_into, reserve
from ..routes.views import VendorsView, VendorView

VENDOR_MEMBERS_SHOWN = 1000  # names on a vendor page; the partner finder filters by vendor for the rest
BENEFIT_TYPES = {"discount": "Discounts", "training": "Training", "certification": "Certification",
                 "marketing": "Marketing", "support": "Support", "other": "Other benefits"}


def check(v: Validator, valid: Valid, cfg: Any) -> Valid:
    for i, b in enumerate(valid.rec.benefits):
        v.expiry(valid.src, ("benefits", i, "ends"), f"benefit '{shorten(b.title)}'", b.ends, b.starts,
                 "renew it with the vendor or let it lapse")
    return valid


def derive(valid: Valid, cfg: SiteConfig, as_of: date, fields: dict[str, Any]) -> Vendor:
    plan = plan_logo(valid.logo, fields["url"], VENDOR_BOXES, social=True) if valid.logo is not None else None
    v = reserve(Vendor)  # its benefits name it: made in one go
    # the benefits as fields holds them: their titles and claims set as prose, their details rendered
    benefits = [construct(Benefit, **dict(b), vendor=v, current=benefit_current(b, as_of)) for b in fields["benefits"]]
    return construct_into(v, **{**fields, "benefits": benefits}, logo_file=valid.logo, logo_plan=plan,
                          current_benefits=[b for b in benefits if b.current])


def benefit_current(b: Any, as_of: date) -> bool:
    """Shown on the build date: started, and not yet ended."""
    return not (b.ends and b.ends < as_of) and not (b.starts and b.starts > as_of)


def order(vendors: list[Vendor]) -> list[Vendor]:
    return sorted(vendors, key=lambda v: (v.name.casefold(), v.slug))


def benefit_groups(benefits: list[Any]) -> list[tuple[str, list[Any]]]:
    """(heading, benefits) by type, in a fixed order that puts money and training first."""
    return [(label, [b for b in benefits if b.type == t]) for t, label in BENEFIT_TYPES.items()
            if any(b.type == t for b in benefits)]


def pages(self: Any) -> None:
    site = self.site
    if not site.config.sections.vendors:
        return
    self.add(url="/vendors/", kind="vendors", title="Vendor benefits", template="vendors.html",
             context=VendorsView(vendors=site.vendors))
    for v in site.vendors:
        self.add(url=v.url, source=v.source, kind="vendor", title=v.name, template="vendor.html",
                 context=VendorView(vendor=v, benefit_groups=benefit_groups(v.current_benefits),
                                    members_shown=site.linked(v, "members")[:VENDOR_MEMBERS_SHOWN]))


def scaffold(name: str, w: Any) -> str:
    site = w.site
    fields = [
        ("name", w.scalar(name), []),
        ("summary", PLACEHOLDER, []),
        ("website", "", []),
        ("logo", "", []),
        ("description", '""', ["To write several lines, replace \"\" with | and indent the text below it."]),
        ("benefits", "", ["Copy the block starting with '- title' once for each benefit."]),
    ]
    benefit = [
        ("title", PLACEHOLDER, []),
        ("type", PLACEHOLDER, []),
        ("claim", PLACEHOLDER, []),
        ("details", '""', []),
        ("starts", "", [f"For example {site.today}."]),
        ("ends", "", []),
    ]
    items = w.block(BenefitRecord, benefit, "    ")
    first = next(i for i, line in enumerate(items) if not line.lstrip().startswith("#"))
    # the first field opens the list item, so it and its comment sit at the dash
    items[:first + 1] = [line.replace("    ", "  ", 1) for line in items[:first]] + ["  - " + items[first].lstrip()]
    return w.record("vendor", w.header(f"The vendor record of {name} on the {site.title} site.", [
        f"Replace every {PLACEHOLDER}.", "Fill in the optional fields you want shown; leave the others empty.",
        w.CHECK_STEP,
    ]), w.block(VendorRecord, fields) + items)


DOCS = {
    VendorRecord: {
        "name": "The vendor's name (1-120 characters).",
        "summary": "One line of plain text, at most 200 characters: what the vendor makes.",
        "website": "The vendor's web site, starting with https:// or http://.",
        "logo": "A logo file placed beside the record (png, jpg, webp or svg, at most 512 KB).",
        "description": "More about the vendor and the partnership, in Markdown.",
        "benefits": "What the vendor offers members; a benefit whose end date has passed is not shown.",
    },
    BenefitRecord: {
        "title": "The benefit in a few words, e.g. 20% off firewall appliances.",
        "type": "One of discount, training, marketing, support, certification, other.",
        "claim": "How a member claims the benefit: whom to contact or where to sign up.",
        "details": "Conditions and details, in Markdown.",
        "starts": "Optional first day of the offer (YYYY-MM-DD); until then it is not shown.",
        "ends": "Optional last day of the offer (YYYY-MM-DD); afterwards it is not shown.",
    },
}

KIND = Kind(
    "vendor", "vendors", YAML, VendorRecord, "/vendors/{slug}/", "vendors", Vendor,
    shape=("name", "benefits", "logo"),
    markdown=(("description",), ("benefits", "details")),
    prose=(("summary",), ("benefits", "title"), ("benefits", "claim")),
    name_word="vendor's name", who_adds="a maintainer adds new vendors",
    check=check, derive=derive, order=order, pages=pages, scaffold=scaffold,
    schema="vendor", docs=DOCS,
    schema_title=("smbsite vendor record (vendors/<slug>.yaml)",
                  "One vendor partner and the benefits it offers members."),
)
