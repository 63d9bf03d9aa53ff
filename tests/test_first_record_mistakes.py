"""The mistakes a member really makes in a new record, each with one message at the spot to fix
and a hint that says what to write instead (found by trying the product as a member would)."""
from __future__ import annotations

import pytest

from conftest import AS_OF, EVENT_YAML, MEMBER_YAML
from smbsite.api import check

M = "members/acme-networks.yaml"
E = "events/annual-conference.yaml"


def edit(old: str, new: str, text: str = MEMBER_YAML) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def errors(make_site, files: dict) -> list[str]:
    return [p.text() for p in check(make_site(files), as_of=AS_OF).problems if p.severity == "error"]


# --- values of the wrong form: the hint shows the right one --------------------------------

VALUE_MISTAKES = {
    "state as a newspaper writes it": (
        {M: edit("state: CA", "state: Calif.")},
        f"{M}:5:8: error: state: unknown US state code 'Calif.' — did you mean 'CA' (California)?"),
    "state written out": (
        {M: edit("state: CA", "state: California")},
        f"{M}:5:8: error: state: unknown US state code 'California' — did you mean 'CA' (California)?"),
    "state misspelt": (
        {M: edit("state: CA", "state: Pensylvania")},
        f"{M}:5:8: error: state: unknown US state code 'Pensylvania' — did you mean 'PA' (Pennsylvania)?"),
    "served state written out": (
        {M: edit("serves: [NV]", "serves: [Nevada]")},
        f"{M}:6:10: error: serves › item 1: unknown US state code 'Nevada' — did you mean 'NV' (Nevada)?"),
    "venue state as a newspaper writes it": (
        {E: edit("state: CA}", "state: Calif.}", EVENT_YAML)},
        f"{E}:5:69: error: location › state: unknown US state code 'Calif.' — did you mean 'CA' (California)?"),
    "website without https://": (
        {M: edit("website: https://acme.example.com", "website: www.acme.example.com")},
        f"{M}:9:10: error: website: expected a web address starting with http:// or https://, found "
        "'www.acme.example.com' — write it in full: https://www.acme.example.com"),
    "date written month/day/year": (
        {M: edit("joined: 2024-05-01", "joined: 05/01/2024")},
        f"{M}:3:9: error: joined: expected a date written YYYY-MM-DD, found '05/01/2024' — write it as "
        "YYYY-MM-DD: 2024-05-01 for May 1, 2024"),
    "date written day.month.year": (
        {M: edit("joined: 2024-05-01", "joined: 23.05.2024")},
        f"{M}:3:9: error: joined: expected a date written YYYY-MM-DD, found '23.05.2024' — write it as "
        "YYYY-MM-DD: 2024-05-23 for May 23, 2024"),
    "date without leading zeros": (
        {M: edit("joined: 2024-05-01", "joined: 2024-5-1")},
        f"{M}:3:9: error: joined: expected a date written YYYY-MM-DD, found '2024-5-1' — write it as "
        "YYYY-MM-DD: 2024-05-01 for May 1, 2024"),
    "date in words": (
        {M: edit("joined: 2024-05-01", "joined: May 1, 2024")},
        f"{M}:3:9: error: joined: expected a date written YYYY-MM-DD, found 'May 1, 2024' — write it as "
        "YYYY-MM-DD: 2024-05-01 for May 1, 2024"),
    "month and year only": (
        {M: edit("joined: 2024-05-01", "joined: May 2024")},
        f"{M}:3:9: error: joined: expected a date written YYYY-MM-DD, found 'May 2024' — write the day too, as "
        "YYYY-MM-DD, e.g. 2024-05-01"),
    "a time where only a date goes": (
        {M: edit("joined: 2024-05-01", "joined: 2024-05-01 09:00")},
        f"{M}:3:9: error: joined: expected a date written YYYY-MM-DD, found '2024-05-01 09:00' — this field is a "
        "date without a time: write 2024-05-01"),
    "event date month/day/year": (
        {E: edit("starts: 2027-03-30", "starts: 03/30/2027", EVENT_YAML)},
        f"{E}:3:9: error: starts: expected a date (YYYY-MM-DD) or a local date-time (YYYY-MM-DDTHH:MM), found "
        "'03/30/2027' — write it as YYYY-MM-DD: 2027-03-30 for March 30, 2027"),
    "curly quotes from a word processor": (
        {M: MEMBER_YAML + "phone: \u201c+1 559 555 0100\u201d\n"},
        f"{M}:12:8: error: phone: expected a phone number like +1 555 010 0199, found '\u201c+1 559 555 0100\u201d' "
        "— use straight quotes (\") instead of curly ones (\u201c \u201d)"),
    "email that is not one shows what was written": (
        {M: MEMBER_YAML + "email: sales at acme dot com\n"},
        f"{M}:12:8: error: email: expected an email address like info@example.com, found 'sales at acme dot com'"),
    "a misspelt required field is one mistake, not two": (
        {M: edit("specialties:", "Specialties:")},
        f"{M}:7:1: error: unknown field 'Specialties' — did you mean 'specialties'?"),
    "a list item indented under the one before": (
        {M: edit("specialties: [cabling, web-development]", "specialties:\n- cabling\n  - web-development")},
        f"{M}:8:3: error: unknown specialty 'cabling - web-development' — start each item on its own line with "
        "'- ', all in the same column"),
}


@pytest.mark.parametrize("files,expected", VALUE_MISTAKES.values(), ids=VALUE_MISTAKES.keys())
def test_a_value_of_the_wrong_form_gets_the_right_form_as_hint(make_site, files, expected):
    assert errors(make_site, files) == [expected]


def test_unknown_state_codes_get_no_wild_guess(make_site):
    assert errors(make_site, {M: edit("state: CA", "state: XX")}) == [
        f"{M}:5:8: error: state: unknown US state code 'XX'"]


# --- YAML mistakes: the line to fix, not where the parser gave up ------------------------------

YAML_MISTAKES = {
    "a field indented more than the one above": (
        edit("city: Fresno", "  city: Fresno"),
        f"{M}:4:3: error: YAML syntax error: 'city' is indented more than the field above it — start 'city:' in "
        "the same column as the other fields"),
    "no space after the colon, first line": (
        edit("name: Acme Networks", "name:Acme Networks"),
        f"{M}:1:6: error: YAML syntax error: 'name:' needs a space after the colon — write 'name: Acme Networks'"),
    "no space after the colon, a middle line": (
        edit("city: Fresno", "city:Fresno"),
        f"{M}:4:6: error: YAML syntax error: 'city:' needs a space after the colon — write 'city: Fresno'"),
    "a quote left open runs on to the next quote": (
        edit("summary: Cabling and web sites for small offices.",
             'summary: "Cabling and web sites for small offices.').replace(
            "description: |", 'phone: "+1 559 555 0100"\ndescription: |'),
        f'{M}:2:10: error: YAML syntax error: this quote is never closed — add the closing quote; the next one is '
        "on line 10, so every line until there was read as part of this value"),
    "a quote left open inside a list": (
        edit("specialties: [cabling, web-development]", 'specialties: ["cabling, web-development]').replace(
            "description: |", 'phone: "+1 559 555 0100"\ndescription: |'),
        f'{M}:7:15: error: YAML syntax error: this quote is never closed — add the closing quote; the next one is '
        "on line 10, so every line until there was read as part of this value"),
    "an apostrophe inside single quotes": (
        edit("name: Acme Networks", "name: 'Joe's Networks'"),
        f"{M}:1:11: error: YAML syntax error: an apostrophe inside single quotes ends the value — write the "
        "apostrophe twice (e.g. 'Joe''s IT') or put the value in double quotes"),
    "text after the closing quote": (
        edit("name: Acme Networks", 'name: "Acme" Networks'),
        f"{M}:1:14: error: YAML syntax error: there is text after the closing quote — put the whole value inside "
        "the quotes"),
    "a list item on the field's own line": (
        edit("specialties: [cabling, web-development]", "specialties: - cabling"),
        f"{M}:7:14: error: YAML syntax error: a list item ('- …') cannot start on the same line as its field name "
        "— put each '- item' on a line of its own below, indented, or write the list as [cabling, voip]"),
}


@pytest.mark.parametrize("text,expected", YAML_MISTAKES.values(), ids=YAML_MISTAKES.keys())
def test_a_yaml_mistake_is_reported_where_it_was_made(make_site, text, expected):
    assert errors(make_site, {M: text}) == [expected]


def test_a_quote_spanning_lines_on_purpose_is_fine(make_site):
    text = edit("summary: Cabling and web sites for small offices.",
                'summary: "Cabling and web sites\n  for small offices: fast."')
    assert errors(make_site, {M: text}) == []


def test_a_colon_inside_a_value_keeps_the_general_advice(make_site):
    text = edit("summary: Cabling and web sites for small offices.", "summary: Cabling: fiber and copper")
    assert errors(make_site, {M: text}) == [
        f"{M}:2:17: error: YAML syntax error: a value holds ': ' but is not in quotes — put the value in quotes, "
        'e.g. summary: "Cabling: fiber and copper"; if this is a field, indent it like the others']
