"""Loading: every key and list item keeps its line and column; every unreadable file is a content error."""
from __future__ import annotations

import pytest
import yaml

from conftest import AS_OF, MEMBER_YAML, NEW_MEMBER
from smbsite.reading import yamlpos
from smbsite.api import check
from smbsite.reading.load import load_site, parse_record
from smbsite.core.problems import Problems
from smbsite.reading.yamlpos import YamlProblem, parse_yaml

M = "members/acme-networks.yaml"
A = "content/articles/hello-members.md"


def parse(kind: str, raw: bytes | str, path: str = "x.yaml"):
    problems = Problems()
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    src = parse_record(kind, "x", path, None, data, problems)  # type: ignore[arg-type]
    return src, [p.text() for p in problems.sorted()]


def problems(site) -> list[str]:
    return [p.text() for p in check(site, as_of=AS_OF).problems if p.severity == "error"]


# --- positions ------------------------------------------------------------------------

def test_the_c_loader_is_used_when_libyaml_is_present():
    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("this PyYAML build has no libyaml")
    assert yamlpos._Loader is yaml.CSafeLoader


def test_every_key_value_and_list_item_has_its_line_and_column():
    text = (
        "name: Acme\n"
        "specialties:\n"
        "  - cabling\n"
        "  - web-development\n"
        "location: {city: Fresno, state: CA}\n"
        "sessions:\n"
        "  - title: Opening\n"
        "    speakers: [Ann, Bo]\n"
    )
    data, pos = parse_yaml(text)
    assert data["sessions"][0]["speakers"] == ["Ann", "Bo"]
    assert pos.key(("name",)) == (1, 1)
    assert pos.value(("name",)) == (1, 7)
    assert pos.key(("specialties",)) == (2, 1)
    assert pos.value(("specialties", 0)) == (3, 5)
    assert pos.value(("specialties", 1)) == (4, 5)
    assert pos.key(("location", "state")) == (5, 26)
    assert pos.value(("location", "state")) == (5, 33)
    assert pos.value(("sessions", 0)) == (7, 5)
    assert pos.key(("sessions", 0, "speakers")) == (8, 5)
    assert pos.value(("sessions", 0, "speakers", 1)) == (8, 21)


def test_a_missing_path_falls_back_to_its_nearest_parent():
    _, pos = parse_yaml("a:\n  b: 1\n")
    assert pos.value(("a", "c")) == (2, 3)
    assert pos.value(("nothing",)) == (1, 1)


def test_front_matter_positions_count_the_opening_dashes():
    src, errors = parse("article", "---\ntitle: Hi\ndate: 2026-10-01\n---\nText [x](/y/)\n", A)
    assert errors == []
    assert src.pos.value(("date",)) == (3, 7)
    assert src.body == "Text [x](/y/)\n"
    assert src.body_line == 5


def test_windows_line_endings_and_a_byte_order_mark_are_read():
    raw = ("\ufeff---\r\ntitle: Hi\r\ndate: 2026-10-01\r\n---\r\nBody\r\n").encode("utf-8")
    src, errors = parse("article", raw, A)
    assert errors == []
    assert src.data["title"] == "Hi"
    assert src.pos.value(("date",)) == (3, 7)
    assert src.body_line == 5


def test_yes_and_no_keys_stay_names():
    """YAML 1.1 reads a bare `on:` key as a boolean; as a field name it must stay the text."""
    data, _ = parse_yaml("on: 1\nno: 2\n")
    assert data == {"on": 1, "no": 2}


# --- files that are not records -------------------------------------------------------

BAD_FILES = {
    "not UTF-8": (
        b"name: Acme\nsummary: Caf\xe9 networks\n",
        f"{M}:2:13: error: the file is not valid UTF-8 (byte 0xe9) — save it with UTF-8 encoding"),
    "empty": (
        b"",
        f"{M}:1:1: error: the file is empty — see CONTRIBUTING.md or run 'smbsite new' for a template"),
    "only blank lines": (
        b"\n  \n",
        f"{M}:1:1: error: the file is empty — see CONTRIBUTING.md or run 'smbsite new' for a template"),
    "a list": (
        b"# Acme\n- name: Acme\n",
        f"{M}:2:1: error: expected fields (name: value lines), found a list — write one 'field: "
        "value' per line, e.g. title: Spring meetup"),
    "a single value": (
        b"Acme Networks\n",
        f"{M}:1:1: error: expected fields (name: value lines), found a single value — write one 'field: "
        "value' per line, e.g. title: Spring meetup"),
    "a colon in an unquoted value": (
        b"name: Acme\nsummary: Cabling: fiber and copper\n",
        f"{M}:2:17: error: YAML syntax error: a value holds ': ' but is not in quotes — put the value in quotes, "
        'e.g. summary: "Cabling: fiber and copper"; if this is a field, indent it like the others'),
    "a tab for indenting": (
        b"name: Acme\nlocation:\n\tcity: Fresno\n",
        f"{M}:3:1: error: YAML syntax error: a tab is used for indenting — indent with spaces, not tabs"),
    "an unclosed quote": (
        b'name: Acme\nsummary: "Cabling\n',
        f"{M}:2:10: error: YAML syntax error: this quote is never closed — add the closing quote"),
    "an unclosed list": (
        b"name: Acme\nspecialties: [cabling, web-development\n",
        f"{M}:2:14: error: YAML syntax error: this list is never closed — close it with ']' and put commas "
        "between items"),
    "a value starting with @": (
        b"name: Acme\nemail: @acme\n",
        f"{M}:2:8: error: YAML syntax error: a value starts with a character YAML reserves ('@', '`', '%') "
        "— put the value in quotes"),
    "a value starting with *": (
        b"name: *Star IT\n",
        f"{M}:1:7: error: YAML syntax error: a value starts with '*', which YAML reads as a reference — put the "
        'value in quotes, e.g. name: "*Star IT"'),
    "a line that is not a field": (
        b"name: Acme\njust some text\nstate: CA\n",
        f"{M}:2:1: error: YAML syntax error: this line is not a 'name: value' field — write 'name: value', or "
        "indent it under the field it continues"),
    "a duplicate key": (
        b"name: Acme\nstate: CA\nname: Acme Two\n",
        f"{M}:3:1: error: duplicate key 'name' — it is already set on line 1"),
    "two documents": (
        b"name: Acme\n---\nname: Other\n",
        f"{M}:2:1: error: a record holds one YAML document, but a second one starts here — remove the extra "
        "'---' line"),
    "a control character": (
        b"name: Acme\x07 Networks\n",
        f"{M}:1:11: error: the file holds an invisible control character (U+0007) that YAML does not allow — "
        "delete it (copying from a word processor or PDF often leaves one)"),
    "a control character written as an escape": (
        b'name: "Acme\\a Networks"\n',
        f"{M}:1:7: error: name: the text holds an invisible control character (U+0007) — remove the escape; "
        "write line breaks as real new lines"),
    "a merge key": (
        b"base: &b {city: Fresno}\n<<: *b\n",
        f"{M}:2:1: error: merge keys ('<<') are not supported — write the fields out"),
    "a recursive alias": (
        b"name: &a [*a]\n",
        f"{M}:1:7: error: recursive alias"),
    "a tag": (
        b"name: !!python/object:os.system echo\n",
        f"{M}:1:7: error: name: tags are not allowed ('!!python/object:os.system') — remove "
        "'!!python/object:os.system'; a record holds plain text, numbers, dates, lists and fields"),
    "a tag without a value": (
        b"employees: !!int\n",
        f"{M}:1:12: error: employees: tags are not allowed ('!!int') — remove '!!int'; a record holds plain "
        "text, numbers, dates, lists and fields"),
    "a key that is a list": (
        b"[a, b]: 1\n",
        f"{M}:1:1: error: a key must be a plain name, not a list or mapping"),
}


@pytest.mark.parametrize("raw,expected", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_an_unreadable_record_is_a_content_error(raw, expected):
    src, errors = parse("member", raw, M)
    assert src is None
    assert errors == [expected]


def test_an_alias_bomb_is_stopped():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    src, errors = parse("member", "\n".join(lines) + "\n", M)
    assert src is None
    assert len(errors) == 1 and "document too large" in errors[0]


def test_front_matter_problems():
    _, errors = parse("article", "Just text\n", A)
    assert errors == [f"{A}:1:1: error: missing front matter — start the file with a '---' line, the fields "
                      "(title: …), and another '---' line"]
    _, errors = parse("article", "---\ntitle: Hi\ndate: 2026-10-01\nText\n", A)
    assert errors == [f"{A}:1:1: error: the front matter is never closed — end the fields with a line holding "
                      "just '---', then write the text"]
    _, errors = parse("article", "---\ntitle: Hi\n  date: 2026-10-01\n---\nText\n", A)
    assert errors == [f"{A}:3:3: error: YAML syntax error: 'date' is indented more than the field above it — start "
                      "'date:' in the same column as the other fields"]


def test_a_control_character_in_the_text_of_an_article():
    _, errors = parse("article", "---\ntitle: Hi\ndate: 2026-10-01\n---\nFirst\nSecond \x1b[1m line\n", A)
    assert errors == [f"{A}:6:8: error: the text holds an invisible control character (U+001B) — delete it "
                      "(copying from a word processor or PDF often leaves one)"]


def test_empty_front_matter_is_an_empty_mapping():
    src, errors = parse("page", "---\n---\nBody\n", "content/pages/x.md")
    assert errors == [] and src.data == {}


def test_yaml_problem_keeps_its_position():
    with pytest.raises(YamlProblem) as info:
        parse_yaml("a: 1\nb: [x\n")
    assert (info.value.line, info.value.col) == (2, 4)


# --- file names -------------------------------------------------------------------------

def test_a_file_name_that_is_not_a_slug(make_site):
    site = make_site({"members/Acme_Networks.yaml": MEMBER_YAML})
    assert problems(site) == [
        "members/Acme_Networks.yaml:1:1: error: file name 'Acme_Networks.yaml' is not allowed: a record's name "
        "(its slug) uses lowercase letters, digits and single hyphens, at most 64 characters — rename it to "
        "acme-networks.yaml"]


def test_a_slug_longer_than_64_characters(make_site):
    long = "a" + "-b" * 32  # 65 characters
    site = make_site({f"members/{long}.yaml": MEMBER_YAML})
    assert problems(site) == [
        f"members/{long}.yaml:1:1: error: file name '{long}.yaml' is not allowed: a record's name (its slug) uses "
        "lowercase letters, digits and single hyphens, at most 64 characters — rename it to "
        f"{long[:63]}.yaml"]


def test_a_slug_of_64_characters_is_fine(make_site):
    slug = "a" * 64
    assert problems(make_site({f"members/{slug}.yaml": NEW_MEMBER})) == []


def test_the_same_slug_twice(make_site):
    site = make_site({"members/acme-networks.yml": MEMBER_YAML})
    assert problems(site) == [
        "members/acme-networks.yml:1:1: error: duplicate slug 'acme-networks': members/acme-networks.yaml has the "
        "same name — keep one of the two files (.yaml and .yml are the same record)"]


def test_files_that_are_not_records_are_ignored(make_site):
    site = make_site({"members/README.txt": "notes", "members/.draft.yaml": "x: [", "members/logo.png": b"\x89PNG"})
    assert problems(site) == []


def test_a_record_linked_to_a_file_outside_the_site_is_refused(make_site, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(MEMBER_YAML, encoding="utf-8")
    site = make_site()
    (site / "members" / "zeta-it.yaml").symlink_to(outside)
    assert problems(site) == [
        "members/zeta-it.yaml:1:1: error: zeta-it.yaml is a link to a file outside the site folder — put the record "
        "itself in the site folder"]


def test_load_site_keeps_every_well_named_slug(make_site):
    site = make_site({"members/broken.yaml": "name: [\n"})
    problems_ = Problems()
    loaded = load_site(site, problems_)
    assert loaded.slugs["member"] == {"acme-networks", "broken"}
    assert [s.slug for s in loaded.sources["member"]] == ["acme-networks"]
    assert [p.path for p in problems_.items] == ["members/broken.yaml"]
