"""Schema errors in a member's words: what pydantic rejects, said at the file, line and
column of the value, with a hint at the likely fix (a state's code for its name, the
ISO form of a date written another way, the closest known field or reference)."""
from __future__ import annotations

import difflib
import re
import typing
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from . import messages
from ..reading.load import Source
from ..model.kinds import KINDS
from ..model.fields import PLACEHOLDER, SLUG_RE, US_STATES, WEEKDAYS
from ..model.records import Record
from ..reading.sourcemap import source_mapper
from ..core.problems import QUOTE_MAX, Problems, did_you_mean, shorten
from ..core.slugify import slugify


TYPE_MESSAGES = {
    "string_type": "expected text", "int_type": "expected a whole number",
    "int_parsing": "expected a whole number", "int_from_float": "expected a whole number",
    "bool_type": "expected true or false", "bool_parsing": "expected true or false",
    "list_type": "expected a list", "model_type": "expected fields (name: value lines)",
    "dict_type": "expected fields (name: value lines)", "model_attributes_type": "expected fields (name: value lines)",
    "date_type": "expected a date written YYYY-MM-DD", "date_parsing": "expected a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "expected a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "expected a date written YYYY-MM-DD",
    "string_too_short": "must not be empty", "none_required": "must be empty",
}


def _unwrap(tp: Any) -> Any:
    """The model class behind Annotated/Optional/list/dict, if any."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (list, dict) or origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        for arg in typing.get_args(tp):
            found = _unwrap(arg)
            if found is not None:
                return found
        return None
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, str) and part in current.model_fields:
            current = _unwrap(current.model_fields[part].annotation)
    return current


def _label(loc: tuple) -> str:
    """A field's path as a member reads it: ('benefits', 0, 'type') -> 'benefits › item 1 › type'."""
    return " › ".join(f"item {part + 1}" if isinstance(part, int) else shorten(part) for part in loc)


FOUND_MAX = 40  # characters of a wrong value quoted back in a message


def _found(value: Any, written: str | None = None) -> str:
    """What was written instead, so the message shows why it was not accepted; `written`
    is the source text of a value YAML 1.1 read as something else (Yes, 12:30, 010)."""
    if written is not None and value is not None and not isinstance(value, str):
        shown = _found(value)[len(", found "):]
        if written != shown and written != str(value):
            return f", found {shorten(written)}, which YAML reads as {shown}"
    if value is None:
        return ", found nothing"
    if isinstance(value, bool):
        return f", found {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f", found the number {shorten(value)}"
    if isinstance(value, (date, datetime)):
        return f", found the date {value}"
    if isinstance(value, list):
        return ", found a list"
    if isinstance(value, dict):
        return ", found fields (name: value lines)"
    return f", found '{shorten(value, FOUND_MAX)}'"


def _quote_hint(key: Any, value: Any, written: str | None = None) -> str:
    """Quoting makes YAML keep what was written as text: quote that, not YAML's reading of it."""
    if isinstance(value, (bool, int, float, date)) and isinstance(key, str):
        text = written if written is not None else str(value)
        return f'put it in quotes: {key}: "{text}"' if len(text) <= QUOTE_MAX else "put it in quotes"
    return ""


# What members write for a state instead of its postal code: the AP style abbreviations
# newspapers use (as in "Buena Park, Calif.") and a few short forms.
STATE_ALIASES = {
    "ala": "AL", "ariz": "AZ", "ark": "AR", "cal": "CA", "calif": "CA", "colo": "CO", "conn": "CT", "del": "DE",
    "fla": "FL", "ill": "IL", "ind": "IN", "kan": "KS", "kans": "KS", "mass": "MA", "mich": "MI", "minn": "MN",
    "miss": "MS", "mont": "MT", "neb": "NE", "nebr": "NE", "nev": "NV", "okla": "OK", "ore": "OR", "oreg": "OR",
    "penn": "PA", "tenn": "TN", "tex": "TX", "wash": "WA", "wva": "WV", "wis": "WI", "wisc": "WI", "wyo": "WY",
    "washingtondc": "DC", "usvi": "VI", "virginislands": "VI",
}


def _squash(text: str) -> str:
    return re.sub(r"[\s.,'’-]+", "", text).casefold()


def _state_hint(value: Any) -> str:
    """'Calif.', 'California' or 'Califronia' -> did you mean 'CA' (California)?"""
    if not isinstance(value, str) or not value.strip():
        return ""
    known = {_squash(name): code for code, name in US_STATES.items()}
    known.update(STATE_ALIASES)
    key = _squash(value)
    code = known.get(key) or (key.upper() if key.upper() in US_STATES else None)
    if code is None:
        close = difflib.get_close_matches(key, [k for k in known if len(k) > 3], n=1, cutoff=0.8)
        code = known[close[0]] if close else None
    return f"did you mean '{code}' ({US_STATES[code]})?" if code else ""


BARE_ADDRESS = r"^(www\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/\S*)?$"  # a web address without http(s)://


def _url_hint(value: Any) -> str:
    """A web address written without its scheme: show it with one."""
    if isinstance(value, str) and re.match(BARE_ADDRESS, value.strip()):
        return f"write it in full: https://{shorten(value.strip())}"
    return ""


MONTHS = {name.casefold(): i for i, name in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"], 1)}


def _date_hint(value: Any, timed: bool = False) -> str:
    """The YYYY-MM-DD form of a date written another way, when it can be read without guessing wildly.
    timed: the field also takes a local date-time (YYYY-MM-DDTHH:MM)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return messages.date_number_hint(value)
    if not isinstance(value, str):
        return ""
    text = value.strip()

    def show(y: int, m: int, d: int | None = None) -> str:
        try:
            day = date(y, m, d or 1)
        except ValueError:
            return ""
        if d is None:
            return f"write the day too, as YYYY-MM-DD, e.g. {day.isoformat()}"
        return f"write it as YYYY-MM-DD: {day.isoformat()} for {day:%B} {day.day}, {day.year}"

    m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    if m:  # a US association: month first, unless the first number cannot be a month
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return show(y, b, a) if a > 12 else show(y, a, b)
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
    if m:
        return show(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(:\d{2})?", text)
    if m and not timed:
        return f"this field is a date without a time: write {m.group(1)}"
    if m:
        return f"write it as YYYY-MM-DDTHH:MM: {m.group(1)}T{int(m.group(2)):02d}:{m.group(3)}"
    words = re.findall(r"[A-Za-z]+|\d+", text)
    months = [MONTHS[w.casefold()] for w in words if w.casefold() in MONTHS]
    # (a number of more than nine digits is no day or year, and int() refuses thousands of them)
    numbers = [int(w) if len(w) <= 9 else 10 ** 9 for w in words if w.isdigit()]
    years = [n for n in numbers if 1900 <= n <= 2999]
    days = [n for n in numbers if 1 <= n <= 31]
    if len(months) == 1 and len(years) == 1 and len(numbers) <= 2:
        return show(years[0], months[0], days[0] if len(numbers) == 2 and days else None)
    return ""


def _value_hint(kind: str, value: Any) -> str:
    """A fix for a value of the wrong form, when what was meant can be seen."""
    if kind == "state":
        return _state_hint(value)
    if kind == "url":
        return _url_hint(value)
    if kind == "clock_number" and isinstance(value, int):
        # a whole number meant as an hour (18) or as a 24-hour clock without its colon (1830)
        hour, minute = (value, 0) if value < 24 else divmod(value, 100)
        if 0 <= hour < 24 and 0 <= minute < 60:
            return f'write it as a time: "{hour:02d}:{minute:02d}"'
        return 'write the time as "18:00" or "6:30 PM"'
    if kind == "weekday" and isinstance(value, str):
        return did_you_mean(value.strip().capitalize(), list(WEEKDAYS))
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return _date_hint(value)
    if kind == "datetime":
        return _date_hint(value, timed=True)
    if isinstance(value, str) and (value.strip()[:1] in ("\u201c", "\u2018", "\u201e")
                                   or value.strip()[-1:] in ("\u201d", "\u2019")):
        # a value wrapped in the quotes a word processor makes: YAML keeps them as text
        return "use straight quotes (\") instead of curly ones (\u201c \u201d)"
    return ""


PATTERN_MESSAGES = {"language": "expected a language code such as en or en-US",
                    "cname": "expected a domain name such as www.smbtn.org (no https://, no path)"}
def reference_fields() -> dict[str, str]:
    """The fields that name other things by key -> what they name: site.yaml's specialties, and
    each kind's references (kinds.Kind.refs)."""
    return {"specialties": "specialty", **{ref.field: ref.kind for kind in KINDS.values() for ref in kind.refs}}


def __getattr__(name: str) -> Any:
    if name == "REFERENCE_FIELDS":
        return reference_fields()
    raise AttributeError(name)


def _placeholder_at(src: Source, loc: tuple, value: Any) -> tuple[int, int]:
    """Where the placeholder is written inside the value at loc (line 95 of a description,
    not the 'description: |' line), else where the value starts."""
    line, col = src.pos.value(loc)
    if not isinstance(value, str) or PLACEHOLDER not in value:
        return line, col
    before = value[:value.index(PLACEHOLDER)]
    in_line = before.count("\n") + 1
    in_col = len(before) - (before.rfind("\n") + 1) + 1
    to_file = source_mapper(line, col, src.pos.style(loc), src.text.splitlines())
    return to_file(in_line, in_col)


def report_validation_error(src: Source, model: type[BaseModel], exc: ValidationError, problems: Problems,
                            choices: dict[str, list[str]] | None = None,
                            names: dict[str, dict[str, str]] | None = None) -> None:
    """Pydantic's errors in words a member understands, each at the value it is about.

    `choices` holds the known values of reference fields (specialty keys, vendor
    and member slugs) so that a malformed one still gets a did-you-mean, and `names`
    their display names (a specialty's label -> its key) for a member who wrote those.
    """
    choices = choices or {}
    errors = exc.errors(include_url=False)
    # a misspelt required field ('Specialties') is one mistake: the unknown field's
    # did-you-mean fixes it, so "missing 'specialties'" would only be noise
    misspelt = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            sub = _model_at(model, err["loc"][:-1])
            close = difflib.get_close_matches(str(err["loc"][-1]), list(sub.model_fields) if sub else [], n=1,
                                              cutoff=0.6)
            misspelt.update((err["loc"][:-1], c) for c in close)
    for err in errors:
        if err["type"] == "missing" and (err["loc"][:-1], err["loc"][-1]) in misspelt:
            continue
        loc = tuple(p for p in err["loc"] if p != "[key]")
        on_key = "[key]" in err["loc"]
        kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
        field = _label(loc)
        last = next((p for p in reversed(loc) if isinstance(p, str)), "")
        hint = ""
        if kind == "missing":
            line, col = src.pos.value(loc[:-1])
            message = f"missing required field '{shorten(loc[-1])}'"
            where = _label(loc[:-1])
            if where:
                message += f" in {where}"
            hint = f"add a line '{loc[-1]}: …'"
        elif kind == "extra_forbidden":
            line, col = src.pos.key(loc)
            sub = _model_at(model, loc[:-1])
            allowed = list(sub.model_fields) if sub else []
            message = f"unknown field '{shorten(loc[-1])}'"
            if len(loc) > 1:
                message += f" in {_label(loc[:-1])}"
            hint = did_you_mean(str(loc[-1]), allowed) or (
                f"allowed here: {', '.join(allowed)}" if allowed else "")
        else:
            line, col = src.pos.key(loc) if on_key else src.pos.value(loc)
            written = None if on_key else src.pos.text(loc)
            if kind == "literal_error":
                options = re.findall(r"'([^']*)'", ctx.get("expected", ""))
                message = f"{field}: '{shorten(value)}' is not one of {', '.join(options)}"
                hint = did_you_mean(str(value), options)
            elif kind == "string_pattern_mismatch" and ctx.get("pattern") == SLUG_RE.pattern:
                ref = reference_fields().get(str(loc[0])) if len(loc) == 2 and not on_key else None
                if ref is not None and str(loc[0]) in choices:
                    message = f"unknown {ref} '{shorten(value)}'"
                    hint = messages.reference_hint(ref, str(value), choices[str(loc[0])],
                                                   (names or {}).get(str(loc[0])))
                    if isinstance(value, str) and " - " in value:
                        # '- cabling' with '  - voip' indented under it reads as one item
                        hint = "start each item on its own line with '- ', all in the same column"
                else:
                    message = (f"{field}: '{shorten(value)}' is not a valid name: use lowercase letters, digits "
                               "and single hyphens")
                    hint = f"e.g. {slugify(str(value))}" if slugify(str(value)) else ""
            elif kind == "placeholder":
                line, col = _placeholder_at(src, loc, value)
                message = f"{field}: {messages.placeholder_message(PLACEHOLDER)}"
            elif kind == "string_pattern_mismatch" and last in PATTERN_MESSAGES:
                message = f"{field}: {PATTERN_MESSAGES[last]}{_found(value, written)}"
            elif kind in ("string_too_long", "too_long"):
                unit = "characters" if kind == "string_too_long" else "items"
                message = f"{field}: at most {ctx.get('max_length')} {unit} allowed"
                if kind == "string_too_long" and isinstance(value, str):
                    message += f", this has {len(value)}"
                elif ctx.get("actual_length"):
                    message += f", this has {ctx['actual_length']}"
            elif kind == "too_short":
                n = ctx.get("min_length", 1)
                message = f"{field}: needs at least {n} item{'s' if n != 1 else ''}"
            elif kind in ("greater_than", "greater_than_equal"):
                message = f"{field}: must be a positive number{_found(value, written)}"
            elif kind == "string_too_short":
                message = f"{field}: must not be empty"
            elif kind == "string_type":
                message = f"{field}: expected text{_found(value, written)}"
                hint = (f"write a value after '{last}:'" if value is None and last
                        else _quote_hint(last, value, written))
            elif kind == "list_type":
                message = f"{field}: expected a list{_found(value, written)}"
                if isinstance(value, str):
                    hint = messages.list_hint(value)
            elif kind in TYPE_MESSAGES:
                message = f"{field}: {TYPE_MESSAGES[kind]}{_found(value, written)}"
            else:
                message = f"{field}: {err['msg'][0].lower()}{err['msg'][1:]}" if err["msg"] else field
                if kind in ("email", "phone", "datetime", "duration", "weekday", "clock", "clock_number"):
                    message += _found(value, written)
                if kind == "legacy_number":
                    hint = f"write the number in plain digits, e.g. {last}: {ctx['meant']}"
                elif kind == "local_dt":
                    # a record with a 'timezone' field of its own (an event) says where; others are in site.yaml's
                    hint = f"write the local time without the offset, e.g. {last}: {ctx['local']}" + (
                        f"; the {src.kind}'s 'timezone' field says where it is (default: site.yaml's timezone)"
                        if src.kind in KINDS and "timezone" in model.model_fields else "; it is read in site.yaml's timezone")
            hint = hint or str(ctx.get("hint", "")) or _value_hint(kind, value)
        problems.error(src.path, line, col, message, hint)


def check_record(src: Source, model: type[Record], problems: Problems, choices: dict[str, list[str]] | None = None,
           names: dict[str, dict[str, str]] | None = None) -> Record | None:
    try:
        return model.model_validate(src.data)
    except ValidationError as exc:
        report_validation_error(src, model, exc, problems, choices, names)
        return None
