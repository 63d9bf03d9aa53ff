"""What YAML may put into a record: the values it resolves by itself, never a tag, never a
number in a form only YAML 1.1 knows, never a control character; and every value and key
at the line and column an editor shows."""
from __future__ import annotations

import pickle

import pytest

from conftest import AS_OF, ARTICLE_MD, MEMBER_YAML, SITE_YAML, build_ok
from smbsite.api import build, check
from smbsite.reading.load import parse_record
from smbsite.core.problems import Problems
from smbsite.model.fields import LegacyNumber
from smbsite.reading.yamlpos import parse_yaml

M = "members/acme-networks.yaml"
A = "content/articles/hello-members.md"
HINT = "a record holds plain text, numbers, dates, lists and fields"


def parse(raw: str, kind: str = "member"):
    problems = Problems()
    src = parse_record(kind, "x", M, None, raw.encode("utf-8"), problems)  # type: ignore[arg-type]
    return src, [p.text() for p in problems.sorted()]


def errors(site) -> list[str]:
    return [p.text() for p in check(site, as_of=AS_OF).problems if p.severity == "error"]


def member(extra: str = "", **replace: str) -> str:
    text = MEMBER_YAML
    for key, value in replace.items():
        old = next(line for line in text.splitlines() if line.startswith(f"{key}:"))
        text = text.replace(old, f"{key}: {value}", 1)
    return text + extra


# --- tags --------------------------------------------------------------------------------

@pytest.mark.parametrize("line,tag,col", [
    ("name: !!binary AAEbDA==", "!!binary", 7),
    ("name: !!python/tuple [Acme, Networks]", "!!python/tuple", 7),
    ("name: !!python/object/apply:os.system [ls]", "!!python/object/apply:os.system", 7),
    ("name: !!python/str Acme", "!!python/str", 7),
    ("name: !!set {Acme}", "!!set", 7),
    ("name: !!omap [a: 1]", "!!omap", 7),
    ("name: !local Acme", "!local", 7),
    ("name: &n !!binary AAE=", "!!binary", 7),
    ("employees: !!float 12", "!!float", 12),
    ("employees: !!int", "!!int", 12),
])
def test_a_tag_is_an_error_at_its_line(line, tag, col):
    src, problems = parse(line + "\nstate: CA\n")
    assert src is None
    assert len(problems) == 1
    assert problems[0].startswith(f"{M}:1:{col}: error: ")
    assert f"tags are not allowed ('{tag}') — remove '{tag}'; {HINT}" in problems[0]


def test_a_tag_on_a_key_or_deeper_in_the_record_is_an_error_there():
    _, problems = parse("name: Acme\nlocation:\n  city: !!binary AAE=\n")
    assert problems == [f"{M}:3:9: error: location › city: tags are not allowed ('!!binary') — remove "
                        f"'!!binary'; {HINT}"]
    _, problems = parse("name: Acme\n!!binary AAE=: x\n")
    assert problems[0].startswith(f"{M}:2:1: error: tags are not allowed ('!!binary')")


@pytest.mark.parametrize("text,expected", [
    ("name: !!str 12\n", {"name": "12"}),  # an explicit string is what quotes would do
    ("n: !!int 5\n", {"n": 5}),  # a tag that changes nothing is harmless
    ("d: 2024-05-01\nb: yes\nn: ~\nf: 1.5\nl: [a]\nm: {a: b}\n", None),
])
def test_values_yaml_resolves_by_itself_and_harmless_tags_load(text, expected):
    data, _ = parse_yaml(text)
    if expected is not None:
        assert data == expected


def test_a_binary_name_never_reaches_the_pages(make_site):
    site = make_site({M: member(name="!!binary QWNtZQAbDA==")})
    assert errors(site) == [f"{M}:1:7: error: name: tags are not allowed ('!!binary') — remove '!!binary'; {HINT}"]
    result = build(site, site / "output", as_of=AS_OF)
    assert not result.ok and not (site / "output").exists()


# --- numbers only YAML 1.1 reads as numbers -------------------------------------------------

@pytest.mark.parametrize("written,message,meant", [
    ("1:30", "written as 1:30, which YAML reads as a base-60 number (90)", "90"),
    ("0x10", "written as 0x10, which YAML reads as a hexadecimal number (16)", "16"),
    ("010", "written as 010, which YAML reads as an octal number (8)", "10"),
    ("0b11", "written as 0b11, which YAML reads as a binary number (3)", "3"),
])
def test_a_yaml_1_1_number_in_a_number_field_is_an_error(make_site, written, message, meant):
    site = make_site({M: member("employees: " + written + "\n")})
    assert errors(site) == [f"{M}:12:12: error: employees: {message} — write the number in plain digits, "
                            f"e.g. employees: {meant}"]


def test_every_number_field_refuses_yaml_1_1_numbers(make_site):
    site = make_site({
        "site.yaml": SITE_YAML.replace("membership_goal: 10", "membership_goal: 0x0A"),
        "content/pages/join.md": "---\ntitle: Join\nmenu: 010\n---\nJoin us.\n",
        "events/radio.yaml": "title: Show\ntype: radio\nstarts: 2027-01-12T10:00\n"
                             "stations: [{city: Fresno, state: CA, station: KXYZ}]\n"
                             "audio: {url: https://example.org/a.mp3, bytes: 1:00:00}\n",
    })
    found = errors(site)
    assert [p.split(": error: ")[0] for p in found] == [
        "content/pages/join.md:3:7", "events/radio.yaml:5:48", "site.yaml:6:18"]
    assert "menu: written as 010, which YAML reads as an octal number (8)" in found[0]
    assert "audio › bytes: written as 1:00:00, which YAML reads as a base-60 number (3600)" in found[1]
    assert "membership_goal: written as 0x0A, which YAML reads as a hexadecimal number (10)" in found[2]


def test_plain_numbers_and_a_base_60_duration_are_fine(make_site):
    site = make_site({
        M: member("employees: 12\n"),
        "events/radio.yaml": "title: Show\ntype: radio\nstarts: 2027-01-12T10:00\n"
                             "stations: [{city: Fresno, state: CA, station: KXYZ}]\n"
                             "audio: {url: https://example.org/a.mp3, bytes: 1200, duration: 58:30}\n",
    })
    assert errors(site) == []


def test_a_yaml_1_1_number_survives_the_trip_to_another_process():
    value = pickle.loads(pickle.dumps(LegacyNumber(90, "1:30", "sexagesimal")))
    assert (value, value.written, value.form) == (90, "1:30", "sexagesimal")


# --- hints quote what was written ----------------------------------------------------------

@pytest.mark.parametrize("written,reading", [
    ("Yes", "true"), ("off", "false"), ("12:30", "the number 750"), ("010", "the number 8"),
    ("0x1F", "the number 31"), ("3.10", "the number 3.1"),
])
def test_the_quoting_hint_quotes_what_was_written(make_site, written, reading):
    site = make_site({M: member(name=written)})
    assert errors(site) == [f'{M}:1:7: error: name: expected text, found {written}, which YAML reads as '
                            f'{reading} — put it in quotes: name: "{written}"']


def test_a_value_read_as_written_is_not_explained(make_site):
    site = make_site({M: member(summary="42")})
    assert errors(site) == [f'{M}:2:10: error: summary: expected text, found the number 42 — put it in quotes: '
                            'summary: "42"']


# --- control characters ----------------------------------------------------------------------

@pytest.mark.parametrize("escape,code", [("\\f", "000C"), ("\\e", "001B"), ("\\0", "0000"), ("\\x0c", "000C"),
                                         ("\\N", "0085")])
def test_a_control_character_escape_is_an_error(escape, code):
    _, problems = parse(f'name: "Acme{escape}Networks"\n')
    assert problems == [f"{M}:1:7: error: name: the text holds an invisible control character (U+{code}) — remove "
                        "the escape; write line breaks as real new lines"]


def test_a_form_feed_in_an_article_is_an_error_at_its_place(make_site):
    site = make_site({A: ARTICLE_MD + "Page one\x0cpage two\n"})
    assert errors(site) == [f"{A}:8:9: error: the text holds an invisible control character (U+000C) — delete it "
                            "(copying from a word processor or PDF often leaves one)"]


def test_no_control_character_reaches_a_page(make_site):
    """Character references to control characters become U+FFFD, as CommonMark makes of most."""
    description = "description: |\n  Feed &#12; form &#x0C; nul &#0; esc &#27; [x](/join/)\n"
    out = build_ok(make_site, {M: MEMBER_YAML.split("description")[0] + description,
                               A: ARTICLE_MD + "Feed &#12; here.\n"})
    for page in ("members/acme-networks/index.html", "articles/hello-members/index.html", "feed.xml"):
        text = (out / page).read_text(encoding="utf-8")
        assert not any(ch in text for ch in "\x00\x0c\x1b"), page
    assert "Feed \ufffd form \ufffd" in (out / "members/acme-networks/index.html").read_text(encoding="utf-8")


# --- positions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["123", "1.5", "0x10", "2024-01-01", "yes"])
def test_a_key_yaml_reads_as_something_else_is_a_name_at_its_line(make_site, key):
    site = make_site({M: member(f"{key}: x\n")})
    assert errors(site) == [f"{M}:12:1: error: unknown field '{key}' — allowed here: name, summary, joined, city, "
                            "state, serves, specialties, vendors, certifications, website, email, phone, employees, "
                            "partnering, logo, description"]


def test_a_numeric_key_inside_a_list_item_is_not_a_list_position(make_site):
    site = make_site({"events/annual-conference.yaml": (
        "title: Annual Conference\ntype: conference\nstarts: 2027-03-30\n"
        "sessions:\n  - title: Opening\n    starts: 2027-03-30T09:00\n    7: x\n")})
    found = errors(site)
    assert found == ["events/annual-conference.yaml:7:5: error: unknown field '7' in sessions › item 1 — allowed "
                     "here: title, starts, ends, speakers, room, track, description"]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_a_line_separator_inside_a_quoted_value_moves_no_line(make_site, separator):
    text = f'name: "Acme{separator}Networks"\n' + MEMBER_YAML.split("\n", 1)[1].replace("city: Fresno",
                                                                                      "city: Fresno\nbogus: 1")
    site = make_site({M: text})
    found = [p for p in errors(site) if "bogus" in p]
    assert found and found[0].startswith(f"{M}:5:1: error: unknown field 'bogus'")


def test_a_line_separator_before_a_link_moves_neither_line_nor_column(make_site):
    text = MEMBER_YAML.replace("website:", 'certifications: ["Cisco\u2028CCNA"]\nwebsite:').replace(
        "[joining](/join/)", "[x](/nowhere/)")
    site = make_site({M: text})
    assert errors(site) == [
        f"{M}:12:26: error: link to /nowhere/, a page that does not exist — link to a page of this site, "
        "e.g. /members/"]


def test_a_syntax_error_after_a_line_separator_is_on_its_own_line():
    _, problems = parse('name: "Acme\u2028Networks"\nsummary: Cabling: fiber\n')
    assert problems[0].startswith(f"{M}:2:17: error: YAML syntax error: a value holds ': '")


def test_a_phone_number_with_a_leading_zero_keeps_its_digits(make_site):
    out = build_ok(make_site, {M: member("phone: 0301234567\n")})
    assert "0301234567" in (out / "members/acme-networks/index.html").read_text(encoding="utf-8")


def test_no_character_reference_makes_a_control_character():
    """Neither renderer turns a reference such as &#12; into a character HTML or XML forbid."""
    import re

    from smbsite.core.markdown import MarkdownRenderer

    forbidden = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]")
    md = MarkdownRenderer("/")
    for code in [*range(0, 0x200), 0xFDD0, 0xFFFE, 0xFFFF, 0x1FFFE, 0x10FFFF, 0xD800]:
        for text in (f"a &#{code}; b", f"a &#x{code:x}; b [l](/join/)"):
            for html in (md.html(text), md.render(text).html):
                assert not forbidden.search(html), (code, text)
