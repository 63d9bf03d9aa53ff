"""The member kind's "Add your company" page: a form that writes a member record in the browser.

The page is built only when site.yaml names the site's `repository`. Its script
(theme static/add-your-company.js) checks what the member typed, writes the
YAML record and opens GitHub's new-file editor with it. Everything the script
enforces comes from here, and from the content model behind `smbsite check`:
which fields are required, their lengths and item counts (MemberRecord's JSON
Schema), the address patterns, the message texts, and the slug rule, so the
form accepts what the check accepts and says what the check says.
"""
from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import quote

from ..model.site import SiteModel
from ..model.fields import (EMAIL_PATTERN, FIRST_DAY, HTTP_URL_PATTERN, LAST_DAY, PHONE_PATTERN, PLACEHOLDER, US_STATES,
                     _date_range, _no_placeholder, _one_line)
from ..model.records import MemberRecord
from ..model.schema import schema_comment
from ..core.slugify import FOLD, SLUG_MAX
from ..checking.record_checks import BARE_ADDRESS
from ..reading.yamlpos import INVISIBLE
from ..reading.load import LOGO_TYPES
from ..images.logos import LOGO_MAX

URL = "/add-your-company/"

# The record's fields the form asks for, in the record's order; the others
# (certifications, partnering, logo) are added in GitHub's editor.
FIELDS = ("name", "summary", "joined", "city", "state", "serves", "specialties", "vendors", "website", "email",
          "phone", "employees", "description")

# A value the form fills in itself when left empty: the date a listing is written is the
# best guess at "member since", and the member can correct it on the page or later.
DEFAULTS = {"joined": "today"}

# The form's words, one table: for each field, what the person is asked to do about each rule
# of the check the value breaks (the rules themselves are the content model's, see field_rules).
# The check's own file:line messages stay as they are for pull requests; a test feeds each
# rule's mistake to both and compares. {max}, {n}, {min}, {first}, {last} are filled in.
WORDS: dict[str, dict[str, str]] = {
    "name": {
        "missing": "Enter your company name",
        "too_long": "Shorten your company name to {max} characters or fewer (it has {n})",
        "one_line": "Write your company name on one line",
        "invisible": "Remove the invisible character from your company name (it can come with pasted text)",
        "placeholder": f"Replace {PLACEHOLDER} with your company name",
        "no_slug": "Use some letters or digits (A to Z, 0 to 9) in your company name",
    },
    "summary": {
        "missing": "Enter a one-line summary of what your company does",
        "too_long": "Shorten your summary to {max} characters or fewer (it has {n})",
        "one_line": "Write your summary on one line",
        "invisible": "Remove the invisible character from your summary (it can come with pasted text)",
        "placeholder": f"Replace {PLACEHOLDER} in your summary with your own words",
    },
    "joined": {
        "date": "Enter the date like 2024-05-01 (year, month, day)",
        "date_range": "Enter a date between {first} and {last}",
    },
    "city": {
        "missing": "Enter the city where your company is based",
        "one_line": "Write the city on one line",
        "invisible": "Remove the invisible character from the city (it can come with pasted text)",
        "placeholder": f"Replace {PLACEHOLDER} with your city",
    },
    "state": {"missing": "Choose the state where your company is based"},
    "serves": {"too_many": "Choose at most {max} states (you chose {n})"},
    "specialties": {
        "too_few": "Choose at least one specialty",
        "too_many": "Choose at most {max} specialties (you chose {n})",
    },
    "vendors": {"too_many": "Choose at most {max} vendors (you chose {n})"},
    "website": {
        "url": "Enter your web address, like https://example.com",
        "invisible": "Remove the invisible character from your web address",
    },
    "email": {
        "email": "Enter an email address, like info@example.com",
        "invisible": "Remove the invisible character from the email address",
    },
    "phone": {
        "phone": "Enter a phone number, like +1 555 010 0199",
        "invisible": "Remove the invisible character from the phone number",
    },
    "employees": {
        "whole": "Enter the number of people who work for your company as a whole number, like 12",
        "positive": "Enter a number of employees of at least {min}",
    },
    "description": {
        "invisible": "Remove the invisible character from the description (it can come with pasted text)",
        "placeholder": f"Replace {PLACEHOLDER} in the description with your own words",
    },
}
# The form's own: a company already listed is sent to its listing.
ALREADY_LISTED = {"exists": "{name} is already listed", "see": "See its listing",
                  "edit": "Change it in GitHub’s editor"}
PATTERNS = {"website": HTTP_URL_PATTERN, "email": EMAIL_PATTERN, "phone": PHONE_PATTERN}
MAX_URL = 8000  # longer editor links are refused by some servers: the record is shown to copy instead

# Python's \s and ECMAScript's differ (Python's holds U+001C-U+001F and U+0085, ECMAScript's
# U+FEFF): the patterns go to the browser with Python's set spelled out.
_PY_SPACE = "\\t-\\r\\x1c- \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"


def js_pattern(pattern: str) -> str:
    """A Python pattern as ECMAScript reads it the same way (\\s and \\S spelled out)."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            pair = pattern[i:i + 2]
            if pair in ("\\s", "\\S"):
                if in_class:
                    assert pair == "\\s", "\\S inside a class has no ECMAScript spelling here"
                    out.append(_PY_SPACE)
                else:
                    out.append(("[" if pair == "\\s" else "[^") + _PY_SPACE + "]")
            else:
                out.append(pair)
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


def js_class(regex: re.Pattern[str]) -> str:
    """A character class of raw characters as ECMAScript source, each unprintable one escaped."""
    return "".join(c if " " < c < "\x7f" else f"\\u{ord(c):04x}" for c in regex.pattern)


def _property(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """A field's schema, the non-null branch of an optional one."""
    prop = schema["properties"][name]
    return next((p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"), prop)


def _validators(name: str) -> set[Any]:
    """The functions the content model runs on a field's value (its Annotated metadata)."""
    found: set[Any] = set()
    todo = list(MemberRecord.model_fields[name].metadata)
    while todo:
        meta = todo.pop()
        func = getattr(meta, "func", None)
        if func is not None:
            found.add(func)
        todo += list(getattr(meta, "metadata", None) or [])
    return found


@functools.cache
def field_rules() -> dict[str, dict[str, Any]]:
    """Per form field, the check's rules as the content model has them: required, maxLength,
    minItems, maxItems, minimum, pattern, one line, no placeholder, the dates a site can show,
    no invisible characters (which the record reader refuses in any text)."""
    schema = MemberRecord.model_json_schema()
    required = set(schema.get("required", ()))
    rules: dict[str, dict[str, Any]] = {}
    for name in FIELDS:
        prop = _property(schema, name)
        checks = _validators(name)
        rule: dict[str, Any] = {"required": name in required}
        for key in ("maxLength", "minItems", "maxItems"):
            if key in prop:
                rule[key] = prop[key]
        if "exclusiveMinimum" in prop:
            rule["minimum"] = prop["exclusiveMinimum"] + 1
        if name in PATTERNS:
            rule["pattern"] = PATTERNS[name]
            rule["jsPattern"] = js_pattern(PATTERNS[name])
        rule["kind"] = ("list" if prop.get("type") == "array" else "integer" if prop.get("type") == "integer"
                        else "date" if prop.get("format") == "date" else "choice" if "enum" in prop
                        else "text")
        rule["oneLine"] = _one_line in checks
        rule["placeholder"] = _no_placeholder in checks
        if _date_range in checks:
            rule["dateMin"], rule["dateMax"] = FIRST_DAY.isoformat(), LAST_DAY.isoformat()
        if name in DEFAULTS:
            rule["default"] = DEFAULTS[name]
        rules[name] = rule
    return rules


def form_context(site: SiteModel) -> dict[str, Any]:
    """What the template and its script need: the rules, the words, the choices, and GitHub's addresses."""
    cfg = site.config
    assert cfg.repository is not None
    rules = field_rules()
    branch = quote(cfg.branch, safe="/")
    script = {
        "order": list(FIELDS), "fields": rules, "words": WORDS, "listed": ALREADY_LISTED, "fold": FOLD,
        "slugMax": SLUG_MAX, "bareAddress": js_pattern(BARE_ADDRESS), "placeholder": PLACEHOLDER,
        "invisible": js_class(INVISIBLE), "schemaComment": schema_comment("member"),
        "newFile": f"{cfg.repository}/new/{branch}",  # GitHub's new-file editor; the script adds the file
        "editFile": f"{cfg.repository}/edit/{branch}/members/", "maxUrl": MAX_URL,
    }
    logo_types = sorted(t.lstrip(".") for t in LOGO_TYPES if t != ".jpeg")
    return {
        "rules": rules, "script": script,
        "states": sorted(US_STATES.items(), key=lambda kv: kv[1]),
        "specialties": list(cfg.specialties.items()),
        "vendors": [(v.slug, v.name) for v in site.vendors],
        "repository": cfg.repository, "branch": cfg.branch,
        "members_folder": f"{cfg.repository}/tree/{branch}/members",
        "new_in_members": f"{cfg.repository}/new/{branch}/members",
        "upload_to_members": f"{cfg.repository}/upload/{branch}/members",
        "join_url": site.page_by_slug["join"].url if "join" in site.page_by_slug else None,
        "logo_types": ", ".join(logo_types[:-1]) + " or " + logo_types[-1], "logo_max_kb": LOGO_MAX // 1024,
        "description": "For member companies: this form writes your listing for the member directory and "
                       "the partner finder and opens it in GitHub’s editor, ready to propose.",
    }
