"""The words a member reads when a record needs fixing: what is wrong and what to write instead.

The checks find a mistake; the functions here say it. Every hint that shows YAML to
write is YAML that loads to what it promises.
"""
from __future__ import annotations

import difflib
import re
from datetime import date
from typing import Any, Iterable

import yaml

from ..model.kinds import KINDS
from ..core.markdown import MAX_NESTING
from ..core.problems import QUOTE_MAX, shorten
from ..reading.yamlpos import written

LISTED_AT_MOST = 10  # known values named in one hint


# --- lists and dates -------------------------------------------------------------------

def flow_list(value: str) -> str | None:
    """'cabling, wireless]' -> '[cabling, wireless]': a list written without (one of) its
    brackets, as YAML that loads to those items; None when no such list can be shown."""
    items = [item.strip().strip("[]").strip() for item in value.strip().strip("[]").split(",")]
    items = [item for item in items if item]
    if not items:
        return None
    text = "[" + ", ".join(written(item, in_list=True) for item in items) + "]"
    try:
        return text if yaml.safe_load(text) == items else None
    except yaml.YAMLError:  # pragma: no cover - every item is plain or quoted above
        return None


def list_hint(value: str) -> str:
    # a long value is not worth showing again as a list (nor parsing item by item)
    shown = flow_list(value) if len(value) <= QUOTE_MAX else None
    shown = shown if shown is None or len(shown) <= QUOTE_MAX else None
    return f"write it as {shown}, or one '- …' line per item" if shown else "write one '- …' line per item"


def date_number_hint(value: int) -> str:
    """A date field holding a number: a year (2006), or a date written without dashes (20060501)."""
    if 1900 <= value <= 2999:
        return f"write the full date, e.g. {value}-01-01"
    text = str(value)
    if len(text) == 8:
        try:
            day = date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return ""
        return f"write it with dashes: {day.isoformat()}"
    return ""


# --- the placeholder `smbsite new` writes ------------------------------------------

def placeholder_message(placeholder: str) -> str:
    return f"replace the placeholder '{placeholder}'"


# --- references to specialties, vendors and members --------------------------------

SPECIALTY = (None, "label", "a maintainer adds new specialties to site.yaml")


def reference_kind(what: str) -> tuple[str | None, str, str]:
    """(folder of its records or None, the word for its display name, who adds new ones)"""
    if what == "specialty":
        return SPECIALTY
    kind = KINDS[what]
    return kind.folder, kind.name_word or f"{kind.name}'s name", kind.who_adds


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def closest_first(word: str, known: Iterable[str], names: dict[str, str] | None = None) -> list[str]:
    """Known keys, the most alike first (ties in alphabetical order); a key whose record's
    name (in `names`: key -> name) holds the word ('cisco' in 'Cisco Meraki') counts as close."""
    word = _normal(word)
    names = names or {}

    def likeness(key: str) -> float:
        name = _normal(names.get(key, ""))
        return max(difflib.SequenceMatcher(None, word, key).ratio(),
                   difflib.SequenceMatcher(None, word, name).ratio() if name else 0.0,
                   0.9 if word and word in re.split(r"[^\w]+", name) else 0.0)

    return sorted(set(known), key=lambda k: (-likeness(k), k))


def reference_hint(what: str, value: str, known: Iterable[str], names: dict[str, str] | None = None) -> str:
    """What to write instead of an unknown specialty key, vendor or member slug.

    `names` maps display names (a specialty's label, a vendor's name) to their keys: a
    member who copies the label from the page is told the key that goes with it.
    """
    folder, name_word, who_adds = reference_kind(what)
    known = sorted(set(known))
    raw_names = names
    names = {_normal(n): k for n, k in (names or {}).items() if k in known}
    if _normal(value) in names:
        return f"'{shorten(value)}' is the {name_word}; write its key: {names[_normal(value)]}"
    lowered = value.strip().lower()
    close = difflib.get_close_matches(lowered, known, n=1, cutoff=0.6)
    if not close:
        by_name = difflib.get_close_matches(_normal(value), list(names), n=1, cutoff=0.8)
        if by_name:
            return f"'{shorten(value)}' looks like the {name_word} '{by_name[0]}'; write its key: {names[by_name[0]]}"
    if close:
        return f"did you mean '{close[0]}'?"
    parts = []
    if what == "specialty":
        listing = sorted(known)
        intro = "the specialties of site.yaml are"
    else:
        by_key = {k: n for n, k in (raw_names or {}).items() if k in known}
        listing = [f"{k} ({by_key[k]})" if k in by_key and _normal(by_key[k]) != k else k
                   for k in closest_first(lowered, known, by_key)]
        intro = f"the {what}s of this site" + (", closest first:" if len(listing) > 1 else " are")
        parts.append(f"no {folder}/{shorten(value)}.yaml in this site")
    if listing:
        more = len(listing) - LISTED_AT_MOST
        shown = ", ".join(listing[:LISTED_AT_MOST]) + (f" and {more} more" if more > 0 else "")
        parts.append(f"{intro} {shown}")
    elif what != "specialty":
        parts.append(f"this site has no {what} records yet")
    if who_adds:
        parts.append(f"{who_adds}: leave '{shorten(value)}' out, or ask for it in your pull request")
    return "; ".join(parts)


# --- Markdown ------------------------------------------------------------------------

HTML_HINTS = {  # a tag written in a description -> the Markdown that does the same
    "b": "write **bold** instead", "strong": "write **bold** instead", "i": "write *italic* instead",
    "em": "write *italic* instead", "a": "write [the link's words](https://…) instead",
    "br": "end the line with a backslash (\\) for a line break, or leave an empty line for a new paragraph",
    "p": "leave an empty line between paragraphs instead", "ul": "start each item with '- ' instead",
    "ol": "start each item with '1. ' instead", "li": "start each item with '- ' instead",
    "h1": "write '## Heading' instead", "h2": "write '## Heading' instead", "h3": "write '### Heading' instead",
    "h4": "write '#### Heading' instead", "img": "write ![what it shows](/static/picture.png) instead",
    "code": "put code between backticks (`code`) instead", "u": "use *italic* or **bold** instead",
    "hr": "write --- on a line of its own instead",
}


def markdown_problems(rendered: Any) -> list[tuple[int, int, str, str, str]]:
    """(line, col, severity, message, hint) of every problem of a rendered Markdown text
    (markdown.Rendered), at its place in the text: dropped links and the findings."""
    out = [(link.line, link.col, "error", f"link '{shorten(link.target)}' is not allowed: only http, https, mailto, tel "
            "and site links are kept", "") for link in rendered.unsafe]
    for found in rendered.findings:
        out.append((found.line, found.col, *markdown_problem(found.kind, found.detail)))
    for line, col in rendered.too_deep:
        out.append((line, col, "error", f"quotes and lists are nested more than {MAX_NESTING} levels deep here "
                    "(a list counts as two): the text from here on would not be shown",
                    "nest fewer quotes ('>') and lists inside each other"))
    return out


def markdown_problem(kind: str, detail: str) -> tuple[str, str, str]:
    """(severity, message, hint) of a finding in Markdown text (see MarkdownRenderer.render)."""
    written, detail = detail, shorten(detail)
    if kind == "empty-link":
        return ("error", f"the link to {detail} has no text: people using a screen reader hear only "
                "'link'", f"write the words to show between the brackets: [what it links to]({detail})")
    if kind == "empty-alt":
        return ("error", "the image has no description (alt text) for people who cannot see it",
                f"describe it between the brackets: ![what the image shows]({detail})")
    if kind == "outside-image":
        return ("error", f"the image {detail} is loaded from another site, which can follow readers "
                "and may vanish", "save the image in the site's templates/static/ folder and write "
                "![what it shows](/static/name.png), or leave it out")
    if kind == "raw-html":
        tag = re.match(r"</?([A-Za-z][A-Za-z0-9]*)", written)
        name = tag.group(1).lower() if tag else ""
        shown = shorten(written, 40)
        hint = HTML_HINTS.get(name) or ("remove it" if detail.startswith("<!--") else
                                        "use Markdown instead: **bold**, *italic*, [words](https://…), '- ' lists")
        return "warning", f"HTML is not allowed here: '{shown}' is shown as text", hint
    raise ValueError(kind)  # pragma: no cover
