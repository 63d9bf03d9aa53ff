"""Any record within the size limits is checked in time linear in its size, and makes
messages and pages of bounded size: no pattern that backtracks on a value, no Markdown
bookkeeping that grows with the square of the links, no message that repeats a whole
value, and no alias that makes a record larger than a file may be.

The time bounds here are generous on purpose: they catch catastrophic (quadratic or
exponential) behaviour, not a slow machine. Before these rules, a 5 KB web address took
76 s to check and a 300 KB description a minute."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import AS_OF, MEMBER_YAML, NEW_MEMBER, PAGE_MD, SITE_YAML, VENDOR_YAML
from smbsite import api
from smbsite.model import fields
from smbsite.model.kinds import KINDS
from smbsite.reading.load import parse_record
from smbsite.core.markdown import MarkdownRenderer
from smbsite.checking.messages import markdown_problems
from smbsite.model.records import SiteRecord
from smbsite.core.problems import QUOTE_MAX, Problems, shorten
from smbsite.checking.record_checks import check_record
from smbsite.reading.sourcemap import source_mapper
from smbsite.reading.yamlpos import MAX_CHARS, YamlProblem, parse_yaml

SECONDS = 2.0  # for a 20 KB value: what a linear check does in milliseconds
SIZE = 20_000

MEMBER = {"name": "Acme Networks", "summary": "Cabling.", "joined": "2024-05-01", "city": "Fresno", "state": "CA",
          "specialties": ["cabling"]}
VENDOR = {"name": "Sonicwall", "summary": "Firewalls.",
          "benefits": [{"title": "20% off", "type": "discount", "claim": "Email us."}]}
EVENT = {"title": "Radio hour", "type": "radio", "starts": "2027-03-30T09:00",
         "stations": [{"city": "Fresno", "state": "CA", "station": "KXYZ"}]}
SITE = {"title": "Net", "base_url": "https://example.org/", "specialties": {"cabling": {"label": "Cabling"}}}
ARTICLE = {"title": "Hello", "date": "2026-10-01"}

# every field whose value is checked against a form (a pattern, a date, a code, a name),
# as (kind, the record to put it in, its path)
FIELDS = [("member", MEMBER, path) for path in (
    ("name",), ("summary",), ("city",), ("state",), ("serves", 0), ("specialties", 0), ("vendors", 0),
    ("certifications", 0), ("website",), ("email",), ("phone",), ("employees",), ("joined",), ("description",))] + [
    ("vendor", VENDOR, path) for path in (
        ("website",), ("benefits", 0, "title"), ("benefits", 0, "type"), ("benefits", 0, "claim"),
        ("benefits", 0, "starts"), ("benefits", 0, "details"))] + [
    ("event", EVENT, path) for path in (
        ("title",), ("type",), ("starts",), ("ends",), ("timezone",), ("online",), ("registration",),
        ("register_by",), ("location",), ("sponsors", 0), ("guests", 0), ("stations", 0, "time"),
        ("stations", 0, "day"), ("stations", 0, "listen"), ("stations", 0, "state"), ("audio",))] + [
    ("site", SITE, path) for path in (
        ("base_url",), ("language",), ("cname",), ("repository",), ("branch",), ("timezone",), ("join_url",),
        ("contact",), ("colors",))] + [
    ("article", ARTICLE, path) for path in (("date",), ("tags", 0))]
# fields whose value is a mapping: the long value goes into each of its text fields
MAPPINGS = {"location": ("name", "address", "city", "state"), "audio": ("url", "bytes", "duration"),
            "contact": ("email", "phone", "address"), "colors": ("brand", "accent")}

# long runs of what the patterns take (letters, digits, dots, hyphens, colons, slashes,
# spaces, @), with the start a pattern looks for and a mismatch at the end
UNITS = st.text(alphabet="aZ09.-_/:@ #?&=+()x\té", min_size=1, max_size=4)
STARTS = st.sampled_from(["", "https://", "http://a", "a@", "+1 ", "www.", "2027-03-30T", "12:", "0x", "#", "1"])
ENDS = st.sampled_from(["", "!", " x", "@", "/?#", "é", "..", ":", "\t"])
HOSTILE = st.builds(lambda start, unit, end: start + unit * (SIZE // len(unit)) + end, STARTS, UNITS, ENDS)


def _put(record: dict, path: tuple, value: str) -> dict:
    data = json.loads(json.dumps(record))
    target = data
    for part, after in zip(path, path[1:]):
        if isinstance(target, dict) and part not in target:
            target[part] = [] if isinstance(after, int) else {}
        target = target[part] if isinstance(target, dict) or part < len(target) else target
    last = path[-1]
    if last in MAPPINGS:
        value = {key: value for key in MAPPINGS[last]}
    if isinstance(target, list) and last >= len(target):
        target.append(value)
    else:
        target[last] = value
    return data


def _check(kind: str, data: dict) -> Problems:
    """What `smbsite check` does with one record file: parse it, check it against its model."""
    problems = Problems()
    text = json.dumps(data, ensure_ascii=True)  # JSON is YAML: every value double-quoted
    if kind == "article":
        text = f"---\n{text}\n---\nText.\n"
    src = parse_record(kind, "x", f"{kind}s/x.yaml", Path("x.yaml"), text.encode(), problems)
    if src is not None:
        model = SiteRecord if kind == "site" else KINDS[kind].record
        check_record(src, model, problems)
    return problems


@pytest.mark.parametrize("kind,record,path", FIELDS, ids=[f"{k}:{'.'.join(map(str, p))}" for k, _, p in FIELDS])
def test_a_hostile_20_kb_value_in_any_field_is_checked_at_once(kind, record, path):
    @settings(max_examples=12, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(HOSTILE)
    def check_quickly(value):
        data = _put(record, path, value)
        started = time.perf_counter()
        problems = _check(kind, data)
        took = time.perf_counter() - started
        assert took < SECONDS, f"{took:.1f} s for {value[:40]!r}…"
        for p in problems.items:  # and whatever it says quotes the value shortly
            assert len(p.message) + len(p.hint) < 700, p.text()[:300]

    check_quickly()


@pytest.mark.parametrize("value", [
    "https://" + "a." * 2500 + " x",  # took 76 s through `smbsite check`
    "https://" + "a." * 10_000 + "/ x", "http://" + "-" * 20_000 + "!", "https://a" + "." * 20_000 + " x",
])
def test_the_web_addresses_that_made_the_pattern_backtrack_are_refused_at_once(value):
    started = time.perf_counter()
    problems = _check("member", _put(MEMBER, ("website",), value))
    assert time.perf_counter() - started < SECONDS
    [problem] = problems.items
    assert "expected a web address starting with http:// or https://" in problem.message
    assert len(problem.message) < 200 and "…" in problem.message


OLD_HTTP_URL = r"^https?://[^\s/?#]+\.[^\s/?#]+[^\s]*$"  # what web addresses were checked against before


@settings(max_examples=500, deadline=None, database=None)
@given(st.builds(lambda a, b: a + b, st.sampled_from(["http://", "https://", "http:/", "ftp://", ""]),
                 st.text(alphabet="a.-/?#: \t1é", max_size=12)))
def test_the_linear_web_address_pattern_takes_exactly_what_the_old_one_took(value):
    assert bool(re.match(fields.HTTP_URL_PATTERN, value)) == bool(re.match(OLD_HTTP_URL, value))


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet="0123456789 :apmAPM.\t", max_size=10))
def test_times_of_day_read_as_before_with_spaces_around_them(value):
    old = re.fullmatch(r"\s*(\d{1,2})(?::(\d{2}))?\s*([AaPp]\.?[Mm]\.?)?\s*", value)
    new = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*([AaPp]\.?[Mm]\.?)?", value.strip())
    assert (old and old.groups()) == (new and new.groups())


# --- Markdown -------------------------------------------------------------------------

PIECES = ["[a](/members/) ", "![a](/static/x.png) ", "<b>", "[](/x/)", "![](/y.png)", "*", "_", "[", "](",
          "<a:b>", "http://a.", "a@b.", "> ", "- ", "1. ", "`", "\n", "  \n", "|", "~~", "&#x61;", "\\", " ",
          "[a]: /members/\n", "<https://a.b>", "![a](https://x.example/p.png)", "(916) 555-0199 "]


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=4))
def test_markdown_positions_cost_time_linear_in_the_text(pieces):
    """Rendering a 60 KB description and placing each of its links, images and findings at
    its line and column, as the check does for a record."""
    unit = "".join(pieces)
    text = unit * (60_000 // len(unit))
    block = "description: |\n" + "".join("  " + row + "\n" for row in text.split("\n"))
    started = time.perf_counter()
    rendered = MarkdownRenderer("/").render(text)
    to_file = source_mapper(1, 14, "|", block.split("\n"))
    places = [to_file(link.line, link.col) for link in rendered.links]
    said = markdown_problems(rendered)
    took = time.perf_counter() - started
    assert took < 10, f"{took:.1f} s for {unit!r} repeated"
    assert len(places) == len(rendered.links)
    assert all(len(message) + len(hint) < 700 for *_, message, hint in said)


def _member_with(description: str) -> str:
    return NEW_MEMBER + "description: |\n  " + description + "\n"


@pytest.mark.parametrize("description,links", [
    ("[a](/members/) " * 20_000, 20_000),  # 300 KB: a minute of `check` before
    ("![a](/static/x.png) " * 8_000, 8_000),  # 42 s of `build` before
])
def test_a_description_with_thousands_of_site_links_checks_and_builds_at_once(make_site, tmp_path, description,
                                                                             links):
    site = make_site({"members/basalt-data-works.yaml": _member_with(description)})
    (site / "templates/static").mkdir(exist_ok=True)
    (site / "templates/static/x.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    started = time.perf_counter()
    result = api.build(site, tmp_path / "out", as_of=AS_OF)
    assert time.perf_counter() - started < 60
    assert result.ok, [p.text() for p in result.problems][:3]
    page = (tmp_path / "out/members/basalt-data-works/index.html").read_text(encoding="utf-8")
    assert page.count('href="/net/members/"') + page.count('src="/net/static/x.png"') >= links


def test_a_broken_link_among_thousands_is_reported_where_it_is_written(make_site):
    description = "[a](/members/) " * 5_000 + "[b](/membres/) " + "[a](/members/) " * 5_000
    site = make_site({"members/basalt-data-works.yaml": _member_with(description)})
    errors = [p for p in api.check(site, as_of=AS_OF).problems if p.severity == "error"]
    assert [(p.path, p.line, p.col) for p in errors] == [("members/basalt-data-works.yaml", 8, 3 + 5_000 * 15 + 4)]
    assert "link to /membres/, a page that does not exist" in errors[0].message


def test_thousands_of_different_broken_links_are_each_reported_at_once(make_site):
    description = "".join(f"[a](/x{i}/) ![b](/static/y{i}.png) " for i in range(3_000))
    site = make_site({"members/basalt-data-works.yaml": _member_with(description)})
    started = time.perf_counter()
    errors = [p for p in api.check(site, as_of=AS_OF).problems if p.severity == "error"]
    assert time.perf_counter() - started < 60
    assert len(errors) == 6_000 and len({(p.line, p.col) for p in errors}) == 6_000
    assert all(p.hint for p in errors)


# --- messages -------------------------------------------------------------------------

def test_shorten_keeps_short_values_and_cuts_long_ones_with_an_ellipsis():
    assert shorten("Acme") == "Acme"
    assert shorten("x" * QUOTE_MAX) == "x" * QUOTE_MAX
    assert shorten("x" * 600_000) == "x" * (QUOTE_MAX - 1) + "…"
    assert shorten(12345, 3) == "12…"


HUGE = "a." * 300_000  # 600 KB


@pytest.mark.parametrize("field,value", [
    ("website", "https://" + HUGE + " x"), ("email", HUGE), ("phone", HUGE), ("state", HUGE),
    ("joined", HUGE), ("specialties", "[" + "x" * 600_000 + "]"), ("serves", "[" + HUGE + "]"),
    ("specialties", "'" + "cabling, " * 60_000 + "'"), ("x" * 600_000, "1"),
])
def test_a_600_kb_value_gives_a_one_line_message(make_site, cli, field, value):
    record = MEMBER_YAML.replace("website: https://acme.example.com\n", "")
    record = re.sub(rf"(?m)^{re.escape(field)}:.*\n", "", record) + f"{field}: {value}\n"
    site = make_site({"members/acme-networks.yaml": record})
    res = cli("check", "-s", str(site))
    assert res.returncode == 1
    assert 0 < len(res.stdout + res.stderr) < 2_000, (res.stdout + res.stderr)[:500]
    res = cli("check", "-s", str(site), "--format", "github")
    assert 0 < len(res.stdout + res.stderr) < 2_000


# --- how large a record may become ----------------------------------------------------

def test_a_benefit_repeated_by_aliases_is_refused_at_the_record(make_site, cli):
    """A 64 KB vendor record with one 51 KB benefit listed 2,000 times built a 100 MB page."""
    claim = "Call the partner desk. " * 2_200
    record = ("name: Sonicwall\nsummary: Firewalls.\nbenefits:\n"
              f"  - &b {{title: Deal, type: discount, claim: \"{claim}\"}}\n" + "  - *b\n" * 2_000)
    assert len(record) < 70_000
    site = make_site({"vendors/sonicwall.yaml": record})
    started = time.perf_counter()
    res = cli("check", "-s", str(site))
    assert time.perf_counter() - started < 60
    assert res.returncode == 1
    [line] = [row for row in (res.stdout + res.stderr).splitlines() if ": error: " in row]
    assert line.startswith("vendors/sonicwall.yaml:4:")
    assert f"repeated with YAML aliases ('*'), makes the record hold more than {MAX_CHARS:,} characters" in line


def test_keys_count_towards_the_limit_as_well_as_values():
    fields_ = "".join(f"  k{i:05d}{'x' * 40}: 1\n" for i in range(100))
    text = f"a: &m\n{fields_}" + "".join(f"b{i}: *m\n" for i in range(300))
    with pytest.raises(YamlProblem, match="more than 1,000,000 characters"):
        parse_yaml(text)


def test_a_record_as_large_as_a_file_may_be_is_within_the_limit():
    text = "name: Acme\ndescription: |\n" + ("  " + "word " * 19 + "\n") * 9_800  # about 1 MB, no aliases
    assert len(text.encode()) < 1 << 20
    data, _ = parse_yaml(text)
    assert len(data["description"]) > 900_000


@pytest.mark.parametrize("kind,field,item,limit", [
    ("vendors/sonicwall.yaml", "benefits", "{title: Deal, type: discount, claim: Call us.}", 100),
    ("members/acme-networks.yaml", "certifications", "CCNA", 100),
    ("events/annual-conference.yaml", "sponsors", "sonicwall", 100),
])
def test_lists_have_a_length_no_real_record_reaches(make_site, kind, field, item, limit):
    base = {"vendors/sonicwall.yaml": VENDOR_YAML, "members/acme-networks.yaml": MEMBER_YAML}.get(kind)
    if base is None:
        base = "title: Annual Conference\ntype: conference\nstarts: 2027-03-30\n"
    base = re.sub(rf"(?ms)^{field}:.*?(?=^\S|\Z)", "", base)
    record = base + f"{field}:\n" + f"  - {item}\n" * (limit + 1)
    site = make_site({kind: record})
    messages = [p.message for p in api.check(site, as_of=AS_OF).problems if p.severity == "error"]
    assert f"{field}: at most {limit} items allowed, this has {limit + 1}" in messages


# --- page names the site keeps --------------------------------------------------------

@pytest.mark.parametrize("slug", ["search", "pagefind", "members", "partners", "static", "404", "regions"])
@pytest.mark.parametrize("search", [True, False])
def test_a_page_named_like_an_output_of_the_site_is_an_error_at_the_page(make_site, slug, search):
    site = make_site({f"content/pages/{slug}.md": PAGE_MD, "site.yaml": SITE_YAML + f"search: {str(search).lower()}\n"})
    errors = [p.text() for p in api.check(site, as_of=AS_OF).problems if p.severity == "error"]
    assert errors == [f"content/pages/{slug}.md:1:1: error: a page cannot be called '{slug}': /{slug}/ belongs "
                      "to the site — rename the file"]
