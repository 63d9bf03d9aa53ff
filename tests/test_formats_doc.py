"""docs/formats.md says what the code accepts: every site.yaml field once, and the logo file
types the checks let through, as the starter's site.yaml says them too."""
from __future__ import annotations

import re

from conftest import REPO

from smbsite.reading.load import LOGO_TYPES
from smbsite.model.records import HomeCopy, MemberRecord, SiteRecord

FORMATS = (REPO / "docs" / "formats.md").read_text(encoding="utf-8")
STARTER_SITE = (REPO / "smbsite" / "starter" / "site.yaml").read_text(encoding="utf-8")


def section(title: str, level: str = "##") -> str:
    """A section's own text, up to its first subsection."""
    start = FORMATS.index(f"\n{level} {title}\n")
    end = FORMATS.find("\n#", start + 1)
    return FORMATS[start:end if end != -1 else None]


def table_fields(text: str) -> list[str]:
    """The field names of a section's table, in order, as often as they are listed."""
    names = []
    for row in re.findall(r"^\| (`[^|]+`) \|", text, re.M):
        names += re.findall(r"`([a-z_]+)`", row)
    return names


def image_types(text: str) -> set[str]:
    found = {t.lower() for t in re.findall(r"\b(svg|png|jpe?g|webp|gif|avif|bmp|tiff?|ico|heic)\b", text, re.I)}
    return {"jpg" if t == "jpeg" else t for t in found}


ACCEPTED = {t.lstrip(".").replace("jpeg", "jpg") for t in LOGO_TYPES}


def test_every_site_yaml_field_is_documented_once():
    listed = table_fields(section("site.yaml"))
    assert sorted(listed) == sorted(set(listed)), [n for n in set(listed) if listed.count(n) > 1]
    assert set(listed) == set(SiteRecord.model_fields)


def test_every_field_of_the_home_pages_words_is_documented_once():
    listed = table_fields(section("The home page's words: `home`", "###"))
    assert sorted(listed) == sorted(set(listed))
    assert set(listed) == set(HomeCopy.model_fields)


def test_every_member_field_is_documented_once():
    listed = table_fields(section("members/&lt;slug&gt;.yaml"))
    assert sorted(listed) == sorted(set(listed))
    assert set(listed) == set(MemberRecord.model_fields)


def logo_row(title: str) -> str:
    [row] = re.findall(r"^\| `logo` \|.*$", section(title), re.M)
    return row


def test_the_logo_types_in_the_docs_and_the_starter_are_the_ones_the_checks_accept():
    assert image_types(logo_row("site.yaml")) == ACCEPTED
    assert image_types(logo_row("members/&lt;slug&gt;.yaml")) == ACCEPTED
    comment = STARTER_SITE[STARTER_SITE.index("# Optional: the association's logo"):STARTER_SITE.index("# logo:")]
    assert image_types(comment) == ACCEPTED
