"""A site's CONTRIBUTING.md, written from the site's own data.

The packaged guide (`smbsite/starter/CONTRIBUTING.md`) holds `@@NAME@@` marks
where the site's facts go: the address of its *Add your company* form, two of
its specialty keys, one of its vendors, and a broken record whose messages are
those a check of this site prints for it. `smbsite init` fills them in for the
new site and `smbsite init --refresh` again after the specialties, vendors or
address changed, so a member who pastes an example pastes keys that exist.
"""
from __future__ import annotations

import re
import shutil
import tempfile
import textwrap
from pathlib import Path

import yaml

from ..api import check
from ..model.kinds import KINDS
from .scaffold import lenient_settings, specialty_labels, vendor_slugs

GUIDE = Path(__file__).resolve().parents[1] / "starter" / "CONTRIBUTING.md"
MARK = re.compile(r"@@([A-Z_]+)@@")
EXAMPLE_SLUG = "maple-street-computing"
FORM_PATH = "add-your-company/"
VOWELS = "aeiou"

BROKEN = """\
# yaml-language-server: $schema=../schemas/member.schema.json
name: Maple Street Computing
summary: Managed IT and backup for dental practices and accountants in the Capital District.
joined: 2026-11-01
city: Troy
state: New York
specialties: @@BROKEN_SPECIALTIES@@
@@BROKEN_VENDORS_LINE@@
webiste: https://maple-street.example.com
"""
NUMBERS = ["no", "one", "two", "three", "four", "five"]


def misspelt(word: str, known: set[str]) -> str:
    """WORD with a letter dropped the way people drop one (`managed-it` -> `manged-it`), never a known key."""
    candidates = [word[:i] + word[i + 1:] for i in range(3, len(word)) if word[i] in VOWELS]
    candidates += [word + word[-1], word[:-1]]
    return next(c for c in candidates if c and c not in known)


class SiteFacts:
    """What the guide quotes from the site: read leniently, since a site being refreshed may have mistakes."""

    def __init__(self, site: Path):
        data = lenient_settings(site)
        self.specialties = specialty_labels(data)
        base = str(data.get("base_url") or "/")
        self.form_url = base.rstrip("/") + "/" + FORM_PATH
        self.form_on = bool(data.get("repository"))
        self.vendors = vendor_slugs(site)

    def specialty_example(self) -> str:
        return f"[{', '.join(list(self.specialties)[:2])}]"


def _broken_record(facts: SiteFacts) -> str:
    keys = list(facts.specialties)
    wrong = [misspelt(keys[0], set(keys)), *keys[1:2]]
    vendor = f"vendors: [{misspelt(facts.vendors[0], set(facts.vendors))}]" if facts.vendors else ""
    text = BROKEN.replace("@@BROKEN_SPECIALTIES@@", f"[{', '.join(wrong)}]")
    return text.replace("@@BROKEN_VENDORS_LINE@@\n", f"{vendor}\n" if vendor else "")


def _checked(site: Path, record: str) -> tuple[list, int]:
    """The problems a check of SITE finds in RECORD added as a member, and how many pages the check counted."""
    with tempfile.TemporaryDirectory(prefix="smbsite-guide-") as tmp:
        root = Path(tmp)
        # the home page's words name members and pages this copy leaves out: they are no part of the check
        try:
            settings = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8"))
        except yaml.YAMLError:
            settings = None  # the check of the copy reports it
        if isinstance(settings, dict) and "home" in settings:
            settings.pop("home")
            (root / "site.yaml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
        else:
            shutil.copy(site / "site.yaml", root / "site.yaml")
        vendors = KINDS["vendor"].folder
        if (site / vendors).is_dir():
            shutil.copytree(site / vendors, root / vendors, symlinks=True)
        rel = f"{KINDS['member'].folder}/{EXAMPLE_SLUG}.yaml"
        (root / rel).parent.mkdir(parents=True)
        (root / rel).write_text(record, encoding="utf-8")
        result = check(root)
        if any(p.path == "site.yaml" and p.severity == "error" for p in result.problems):
            raise ValueError("site.yaml has mistakes: run smbsite check and correct them first")
        mine = [p for p in result.problems if p.path == rel]
        pages = len([o for o in result.graph.outputs if o.template]) if result.graph else 0
    return mine, pages


def _explained(record: str, problems: list, pages: int) -> str:
    lines = record.splitlines()

    def line_of(key: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if line.startswith(f"{key}:"))

    parts = [f"Read each line as: in `{KINDS['member'].folder}/{EXAMPLE_SLUG}.yaml`, on line {line_of('state')} at column "
             f"{len('state: ') + 1}, the state `New York` is not a state code (the hint names the code, `NY`)",
             f"on line {line_of('specialties')} the specialty is misspelt"]
    if any(line.startswith("vendors:") for line in lines):
        parts.append(f"on line {line_of('vendors')} the vendor is misspelt")
    parts.append(f"on line {line_of('webiste')} the field name is misspelt")
    summary = f"`check failed: {len(problems)} errors, 0 warnings, {pages} pages (12 ms)`"
    return textwrap.fill("; ".join(parts) + ". A last line sums up the run, e.g.", 78,
                         break_on_hyphens=False, break_long_words=False) + f"\n{summary}."


def contributing(site: Path) -> str:
    """The guide for SITE, every mark filled in from the site's own settings and vendors."""
    site = Path(site)
    facts = SiteFacts(site)
    if not facts.specialties:
        raise ValueError("site.yaml has no specialties to quote")
    record = _broken_record(facts)
    problems, pages = _checked(site, record)
    label_key = next((k for k, label in facts.specialties.items() if label and label != k),
                     next(iter(facts.specialties)))
    label = facts.specialties[label_key] or label_key
    vendor = facts.vendors[0] if facts.vendors else None
    form = f"<{facts.form_url}>" if facts.form_on else \
        f"`{facts.form_url}`, once a maintainer names this repository in `site.yaml` (`repository:`)"
    values = {
        "FORM": form,
        "SPECIALTIES": facts.specialty_example(),
        "VENDORS_LINE": f"vendors: [{vendor}]" if vendor else "",
        "VENDORS_EXAMPLE": f"`[{vendor}]`" if vendor else "`[their-file-name]` (this site lists none yet)",
        "MISTAKES": NUMBERS[len(problems)] if len(problems) < len(NUMBERS) else str(len(problems)),
        "BROKEN_SPECIALTIES": record.split("specialties: ", 1)[1].split("\n", 1)[0],
        "BROKEN_VENDORS_LINE": next((line for line in record.splitlines() if line.startswith("vendors:")), ""),
        "BROKEN_OUTPUT": "\n".join(p.text() for p in problems),
        "BROKEN_GITHUB": "\n".join(p.github() for p in problems),
        "BROKEN_EXPLAINED": _explained(record, problems, pages),
        "LABEL_MESSAGE": f"unknown specialty '{label}' — '{label}' is the label; write its key: {label_key}",
    }
    text = GUIDE.read_text(encoding="utf-8")
    # a mark alone on its line with nothing to say takes its line with it
    text = re.sub(r"^ *@@([A-Z_]+)@@\n", lambda m: "" if not values[m.group(1)] else m.group(0), text, flags=re.M)
    text = MARK.sub(lambda m: values[m.group(1)], text)
    return text
