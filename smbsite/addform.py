"""The "Add your company" page: a form that writes a member record in the browser.

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
from typing import Any
from urllib.parse import quote

from .content import SiteModel
from .fields import (EMAIL_MESSAGE, EMAIL_PATTERN, HTTP_URL_PATTERN, PHONE_MESSAGE, PHONE_PATTERN, PLACEHOLDER,
                     URL_MESSAGE, US_STATES)
from .model import MemberRecord
from .schema import schema_comment
from .slugify import FOLD, SLUG_MAX
from .schema_messages import BARE_ADDRESS, FOUND_MAX
from .load import LOGO_TYPES
from .logos import LOGO_MAX

URL = "/add-your-company/"

# The record's fields the form asks for, in the record's order; the others
# (serves, certifications, partnering, logo) are added in GitHub's editor.
FIELDS = ("name", "summary", "joined", "city", "state", "specialties", "vendors", "website", "email", "phone",
          "employees", "description")

# What the check says about each mistake the form can catch, {field} being the
# field's name in the record (a field left blank is a line the record lacks).
# A test makes the check say each of them.
MESSAGES = {
    "missing": "missing required field '{field}'",
    "too_long": "{field}: at most {max} characters allowed, this has {n}",
    "too_few": "{field}: needs at least {min} item{s}",
    "too_many": "{field}: at most {max} items allowed, this has {n}",
    "placeholder": f"{{field}}: replace the placeholder '{PLACEHOLDER}'",
    "url": "{field}: " + URL_MESSAGE.replace("{v}", "{value}"),
    "url_hint": "write it in full: https://{value}",
    "email": "{field}: " + EMAIL_MESSAGE + "{found}",
    "phone": "{field}: " + PHONE_MESSAGE + "{found}",
    "whole": "{field}: expected a whole number{found}",
    "positive": "{field}: must be a positive number, found the number {value}",
    "date": "{field}: expected a date written YYYY-MM-DD{found}",
    # the form's own: the file name is made from the name
    "no_slug": "{field}: needs letters or digits (A-Z, 0-9), from which the file name is made",
    "exists": "members/{slug}.yaml already exists",
    "exists_hint": "if it is your company, edit that file instead",
}
PATTERNS = {"website": HTTP_URL_PATTERN, "email": EMAIL_PATTERN, "phone": PHONE_PATTERN}
MAX_URL = 8000  # longer editor links are refused by some servers: the record is shown to copy instead


def _property(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """A field's schema, the non-null branch of an optional one."""
    prop = schema["properties"][name]
    return next((p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"), prop)


@functools.cache
def field_rules() -> dict[str, dict[str, Any]]:
    """Per form field: required, maxLength, minItems, maxItems, minimum, pattern, as the model has them."""
    schema = MemberRecord.model_json_schema()
    required = set(schema.get("required", ()))
    rules: dict[str, dict[str, Any]] = {}
    for name in FIELDS:
        prop = _property(schema, name)
        rule: dict[str, Any] = {"required": name in required}
        for key in ("maxLength", "minItems", "maxItems"):
            if key in prop:
                rule[key] = prop[key]
        if "exclusiveMinimum" in prop:
            rule["minimum"] = prop["exclusiveMinimum"] + 1
        if name in PATTERNS:
            rule["pattern"] = PATTERNS[name]
        rule["kind"] = ("list" if prop.get("type") == "array" else "integer" if prop.get("type") == "integer"
                        else "date" if prop.get("format") == "date" else "text")
        rules[name] = rule
    return rules


def form_context(site: SiteModel) -> dict[str, Any]:
    """What the template and its script need: the rules, the choices, and GitHub's addresses."""
    cfg = site.config
    assert cfg.repository is not None
    rules = field_rules()
    branch = quote(cfg.branch, safe="/")
    script = {
        "order": list(FIELDS), "fields": rules, "messages": MESSAGES, "fold": FOLD, "slugMax": SLUG_MAX,
        "foundMax": FOUND_MAX, "bareAddress": BARE_ADDRESS, "placeholder": PLACEHOLDER,
        "schemaComment": schema_comment("member"),
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
        "logo_types": ", ".join(logo_types[:-1]) + " or " + logo_types[-1], "logo_max_kb": LOGO_MAX // 1024,
        "description": "List your company in the member directory: this form writes your listing and opens "
                       "it in GitHub's editor, ready to propose.",
    }
