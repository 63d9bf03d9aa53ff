"""The value types record files use (a US state, a web address, a local date-time, a
clock time …): each one's checks, its words when a value is wrong, and its JSON Schema
hints. model/records.py builds the records from them."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from ..core.problems import shorten

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PLACEHOLDER = "REPLACE ME"

US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands", "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
}
NATIONWIDE = "nationwide"


# --- numbers YAML 1.1 reads as numbers (reading/yamlpos.py makes them, number fields refuse them)


class LegacyNumber(int):
    """A whole number written in a form only YAML 1.1 reads as one (1:30, 0x10, 010):
    a number field refuses it, saying what was written."""

    written: str
    form: str

    def __new__(cls, value: int, written: str, form: str) -> "LegacyNumber":
        self = super().__new__(cls, value)
        self.written, self.form = written, form
        return self

    def __reduce__(self) -> tuple:
        return LegacyNumber, (int(self), self.written, self.form)


class LegacyFloat(float):
    """A base-60 number with a fraction (1:30.5), as LegacyNumber."""

    written: str
    form: str

    def __new__(cls, value: float, written: str, form: str) -> "LegacyFloat":
        self = super().__new__(cls, value)
        self.written, self.form = written, form
        return self

    def __reduce__(self) -> tuple:
        return LegacyFloat, (float(self), self.written, self.form)


# --- field types -----------------------------------------------------------------


def _no_placeholder(value: str) -> str:
    if PLACEHOLDER in value:
        raise PydanticCustomError("placeholder", "replace the placeholder '{p}'", {"p": PLACEHOLDER})
    return value


def _one_line(value: str) -> str:
    if any(brk in value.strip() for brk in "\n\r\u2028\u2029"):
        raise PydanticCustomError("one_line", "must be one line of plain text")
    return value.strip()


def _state(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("state", "expected a two-letter US state code such as CA")
    code = _no_placeholder(value).strip().upper()
    if code not in US_STATES:
        raise PydanticCustomError("state", "unknown US state code '{v}'", {"v": shorten(value)})
    return code


def _served(value: Any) -> str:
    if isinstance(value, str) and value.strip().lower() == NATIONWIDE:
        return NATIONWIDE
    return _state(value)


# The forms of web addresses, email addresses and phone numbers, written so that
# ECMA-262 reads them as Python's re does: editors (the JSON Schemas) and the
# "Add your company" form in the browser check the same patterns. Each runs in time
# linear in the value (no two quantifiers there can take the same characters), since a
# stranger writes the value: a web address needs a dot inside its host name, and the
# host is matched up to its first dot after the first character, so no match is tried
# twice (the form `[^\s/?#]+\.[^\s/?#]+` took minutes on 5 KB of 'a.a.a.').
HTTP_URL_PATTERN = r"^https?://[^\s/?#][^\s/?#.]*\.[^\s/?#][^\s]*$"
EMAIL_PATTERN = r'^[^@\s<>"]+@[^@\s<>"]+\.[A-Za-z]{2,}$'
PHONE_PATTERN = r"^\+?[0-9 ().\-]{7,25}(\s*(x|ext\.?)\s*[0-9]{1,6})?$"
URL_MESSAGE = "expected a web address starting with http:// or https://, found '{v}'"
EMAIL_MESSAGE = "expected an email address like info@example.com"
PHONE_MESSAGE = "expected a phone number like +1 555 010 0199"


def _http_url(value: Any) -> str:
    if not isinstance(value, str) or not re.match(HTTP_URL_PATTERN, value.strip()):
        raise PydanticCustomError("url", URL_MESSAGE, {"v": shorten(value)})
    return value.strip()


_NOT_IN_URL = re.compile(r"[\s\x00-\x1f\x7f\"<>\\^`{|}]")


def base_url_problem(url: str) -> tuple[str, str] | None:
    """(what is wrong, what to write) when url cannot be a site's address, which starts
    every link of the site: a query or fragment would land in the middle of each link."""
    # possessive: a part never gives back what it took, so a value that fails fails at once
    m = re.match(r"^(https?)://([^/?#]*+)([^?#]*+)(\?[^#]*+)?(#.*+)?$", url)
    if m is None:
        return "must be an absolute web address starting with http:// or https://", "https://example.org/"
    scheme, host, path, query, fragment = m.groups()
    better = f"{scheme}://{_NOT_IN_URL.sub('', host)}{_NOT_IN_URL.sub(lambda c: f'%{ord(c.group()):02X}', path)}"
    better = better if better.endswith("/") else better + "/"
    if query is not None or fragment is not None:
        return "must not have a query (?…) or a fragment (#…): it starts every link of the site", better
    if _NOT_IN_URL.search(url):
        return "must not hold spaces, control characters, quotes or any of <>\\^`{|}", better
    if not host or "@" in host:
        return "needs a host name, and no user name or password", "https://example.org/"
    if "//" in path:  # a link would begin with //, which a browser reads as the name of another host
        return ("must not have an empty part (//) in its path: it starts every link of the site",
                re.sub(r"(?<!:)/{2,}", "/", better))
    return None


def _base_url(value: str) -> str:
    problem = base_url_problem(value)
    if problem is not None:
        raise PydanticCustomError("base_url", problem[0], {"hint": f"e.g. base_url: {problem[1]}"})
    return value


def _email(value: Any) -> str:
    if not isinstance(value, str) or not re.match(EMAIL_PATTERN, value.strip()):
        raise PydanticCustomError("email", EMAIL_MESSAGE)
    return value.strip()


def _phone(value: Any) -> str:
    if isinstance(value, (LegacyNumber, LegacyFloat)):
        value = value.written  # 0301234567 is no octal number here
    elif isinstance(value, int):
        value = str(value)
    if not isinstance(value, str) or not re.match(PHONE_PATTERN, value.strip()):
        raise PydanticCustomError("phone", PHONE_MESSAGE)
    return value.strip()


def _hex_color(value: Any) -> str:
    if value is None:
        raise PydanticCustomError("hex_color", "found nothing: a # starts a YAML comment, so write the colour in "
                                               "quotes, like \"#0b5394\"")
    if not isinstance(value, str) or not re.match(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$", value.strip()):
        raise PydanticCustomError("hex_color", "expected a colour written \"#rrggbb\", like \"#0b5394\"")
    return value.strip().lower()


# The dates every stage can show: calendars, feeds and time zones all work well inside it,
# and a year outside it is a typo (9999, 0202) rather than an event.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2200, 12, 31)


def _date_range(value: date | datetime) -> date | datetime:
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise PydanticCustomError("date_range", "{v} is outside the dates a site can show ({first} to {last})",
                                  {"v": day.isoformat(), "first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat(),
                                   "hint": "check the year"})
    return value


_LEGACY_FORMS = {"sexagesimal": "a base-60 number", "hex": "a hexadecimal number", "octal": "an octal number",
                 "binary": "a binary number"}


def _plain_number(value: Any) -> Any:
    """A number field takes numbers written in plain digits: YAML 1.1 reads 1:30 as 90,
    0x10 as 16 and 010 as 8, which nobody filling in a record means."""
    if isinstance(value, (LegacyNumber, LegacyFloat)):
        if value.form == "octal":
            digits = value.written.replace("_", "")
            meant = ("-" if digits.startswith("-") else "") + (digits.lstrip("+-").lstrip("0") or "0")
        else:
            meant = str(value)
        raise PydanticCustomError("legacy_number", "written as {written}, which YAML reads as {form} ({value})",
                                  {"written": shorten(value.written), "form": _LEGACY_FORMS[value.form],
                                   "value": shorten(value), "meant": shorten(meant)})
    return value


def _repository(value: Any) -> str:
    text = value.strip().rstrip("/").removesuffix(".git") if isinstance(value, str) else ""
    if not re.match(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]+)?/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", text):
        raise PydanticCustomError("repository", "expected the repository's web address, like "
                                  "https://github.com/smbtn/website, found '{v}'", {"v": shorten(value)})
    return text


def _branch(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if (not re.match(r"^[A-Za-z0-9._/-]+$", text) or text.startswith(("-", "/", ".")) or text.endswith(("/", ".lock"))
            or ".." in text or "//" in text):
        raise PydanticCustomError("branch", "expected a branch name such as main, found '{v}'", {"v": shorten(value)})
    return text


def _not_number(value: Any) -> Any:
    # YAML reads 2024 as a number; pydantic would turn it into a 1970 timestamp
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise PydanticCustomError("date_type", "expected a date written YYYY-MM-DD")
    # `smbsite new` writes the placeholder where only the member knows the date
    return _no_placeholder(value) if isinstance(value, str) else value


def _local_datetime(value: Any) -> date | datetime:
    """A date, or a local date-time without offset (the event's zone gives it meaning)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            # which zone applies depends on the record: checking/validate.py says it in the hint
            raise PydanticCustomError("local_dt", "{v} has a UTC offset, which is not allowed here",
                                      {"v": value.isoformat(sep="T"),
                                       "local": value.replace(tzinfo=None).isoformat(timespec="minutes")})
        return value
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = _no_placeholder(value).strip()
        try:
            return date.fromisoformat(text) if len(text) == 10 else _local_datetime(datetime.fromisoformat(text))
        except ValueError as exc:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?", text):
                # the right form with an impossible day or time of day: say which
                timed = len(text) > 10
                raise PydanticCustomError(
                    "datetime_value", "'{v}' is not a real {what} ({reason})",
                    {"v": shorten(text), "what": "date and time" if timed else "date", "reason": shorten(exc),
                     "hint": "a time of day runs from 00:00 to 23:59" if timed and "day" not in str(exc)
                     else "check the month and the day"}) from None
    raise PydanticCustomError("datetime", "expected a date (YYYY-MM-DD) or a local date-time (YYYY-MM-DDTHH:MM)")


def _timezone(value: Any) -> str:
    try:
        if len(str(value)) > 64:  # no zone's name is this long; the system refuses such a file name (OSError)
            raise ValueError(value)
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise PydanticCustomError("timezone", "unknown time zone '{v}' (use an IANA name such as America/Los_Angeles)",
                                  {"v": shorten(value)}) from None
    return str(value)


def _duration(value: Any) -> int:
    """Seconds, from an int or [[H:]M]M:SS."""
    if isinstance(value, LegacyNumber) and value.form == "sexagesimal":
        value = value.written  # 58:30 unquoted: YAML's base-60 reading, which is what a duration means
    else:
        value = _plain_number(value)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    # (hours of more digits than any show lasts are no duration, and int() refuses thousands of them)
    if isinstance(value, str) and len(value.strip()) <= 16 and re.match(r"^(\d+:)?\d{1,2}:\d{2}$", value.strip()):
        seconds = 0
        for part in value.strip().split(":"):
            seconds = seconds * 60 + int(part)
        if seconds > 0:
            return seconds
    raise PydanticCustomError("duration", "expected a duration like \"58:30\" or \"1:02:00\", or seconds")


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _weekday(value: Any) -> str:
    """Monday … Sunday, whatever the case; 'Saturdays' reads as Saturday."""
    if isinstance(value, str):
        word = value.strip().capitalize()
        for day in WEEKDAYS:
            if word in (day, day + "s", day[:3], day[:3] + "."):
                return day
    raise PydanticCustomError("weekday", "expected a day of the week such as Saturday")


def _clock(value: Any) -> str:
    """A time of day as HH:MM (24-hour), from "18:00", "9:30", "6 PM" or "6:30 pm"."""
    if isinstance(value, LegacyNumber) and value.form == "sexagesimal":
        value = value.written  # 18:30 unquoted: YAML 1.1 reads it as a base-60 number, but it means the time
    if isinstance(value, int) and not isinstance(value, bool):
        raise PydanticCustomError("clock_number", "expected a time of day such as \"18:00\" or \"6:30 PM\"")
    if isinstance(value, str):
        # stripped first: spaces on both sides of an optional part would be tried at every split
        m = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*([AaPp]\.?[Mm]\.?)?", value.strip())
        if m and (m.group(2) is not None or m.group(3)):
            hour, minute = int(m.group(1)), int(m.group(2) or 0)
            half = (m.group(3) or "").lower()[:1]
            if half and 1 <= hour <= 12:
                hour = hour % 12 + (12 if half == "p" else 0)
            elif half:
                hour = 99
            if hour < 24 and minute < 60:
                return f"{hour:02d}:{minute:02d}"
    raise PydanticCustomError("clock", "expected a time of day such as \"18:00\" or \"6:30 PM\"")


# Titles, names and labels go into page titles, feeds and calendars, where a line break
# has no place (an .ics header would even break); longer text is Sentence or Markdown.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_one_line),
                 AfterValidator(_no_placeholder)]
Sentence = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_no_placeholder)]
Markdown = Annotated[str, AfterValidator(_no_placeholder)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
                 AfterValidator(_one_line), AfterValidator(_no_placeholder)]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
                    AfterValidator(_one_line), AfterValidator(_no_placeholder)]
State = Annotated[str, BeforeValidator(_state), Field(json_schema_extra={"enum": sorted(US_STATES)})]
Served = Annotated[str, BeforeValidator(_served),
                   Field(json_schema_extra={"enum": sorted(US_STATES) + [NATIONWIDE]})]
HttpUrl = Annotated[str, BeforeValidator(_http_url), Field(json_schema_extra={"format": "uri", "pattern": "^https?://"})]
Email = Annotated[str, BeforeValidator(_email), Field(json_schema_extra={"format": "email"})]
Phone = Annotated[str, BeforeValidator(_phone)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_RE.pattern, max_length=64)]
HexColor = Annotated[str, BeforeValidator(_hex_color),
                     Field(json_schema_extra={"pattern": r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"})]
Day = Annotated[date, BeforeValidator(_not_number), AfterValidator(_date_range)]
When = Annotated[date | datetime, BeforeValidator(_local_datetime), AfterValidator(_date_range)]
Count = Annotated[int, Field(gt=0), BeforeValidator(_plain_number)]
Number = Annotated[int, BeforeValidator(_plain_number)]
TimeZone = Annotated[str, AfterValidator(_timezone)]
Weekday = Annotated[str, BeforeValidator(_weekday), Field(json_schema_extra={"enum": list(WEEKDAYS)})]
Clock = Annotated[str, BeforeValidator(_clock)]
Duration = Annotated[int, BeforeValidator(_duration),
                     Field(json_schema_extra={"type": ["string", "integer"], "pattern": r"^(\d+:)?\d{1,2}:\d{2}$"})]
