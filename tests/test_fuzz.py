"""No traceback for any content, ever: random bytes, random YAML and random field values
go through the loader and the whole check, and come out as success or clean problems."""
from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import AS_OF, EVENT_YAML, MEMBER_YAML, REPO, VENDOR_YAML, base_files, write_files
from smbsite.api import prepare
from smbsite.reading.load import parse_record
from smbsite.core.problems import Problems

SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

YAML_PIECES = st.sampled_from(
    list(":-[]{},'\"|>&*!#?%@` \n\t\\0123abcxyz.~\r") + ["\ufeff", "\x00", "\x85", "é", "---", "...", "- ", ": ",
                                                      "!!binary", "!!python/object", "&a", "*a", "<<: *a", "!!set",
                                                      "!!timestamp", "!!float", "!!int", "2024-02-30", "1e999",
                                                      "0x1F", "name", "specialties", "\n  ", "? "])
YAML_TEXT = st.lists(YAML_PIECES, max_size=60).map("".join)


def assert_clean(problems: Problems, paths: set[str] | None = None) -> None:
    for p in problems.items:
        assert p.line >= 1 and p.col >= 1, p
        assert p.message and "Traceback" not in p.message, p
        if paths is not None:
            assert p.path in paths, p
        p.text(), p.github()


@SETTINGS
@given(raw=st.binary(max_size=400), kind=st.sampled_from(["site", "member", "event", "article", "page"]))
def test_random_bytes_load_or_fail_cleanly(raw, kind):
    problems = Problems()
    src = parse_record(kind, "x", "x.yaml", Path("x.yaml"), raw, problems)
    assert (src is None) == bool(problems.errors)
    assert_clean(problems, {"x.yaml"})


@SETTINGS
@given(text=YAML_TEXT, kind=st.sampled_from(["member", "article"]))
def test_random_yaml_loads_or_fails_cleanly(text, kind):
    if kind == "article":
        text = "---\n" + text + "\n---\nBody\n"
    problems = Problems()
    src = parse_record(kind, "x", "x.md", Path("x.md"), text.encode("utf-8", "surrogatepass"), problems)
    assert (src is None) == bool(problems.errors)
    assert_clean(problems, {"x.md"})
    if src is not None:
        assert isinstance(src.data, dict)


@pytest.fixture(scope="module")
def fuzz_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    write_files(root, base_files())
    shutil.copytree(REPO / "templates", root / "templates")
    return root


@SETTINGS
@given(raw=st.one_of(st.binary(max_size=400), YAML_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_a_member_file_of_random_bytes_goes_through_the_whole_check(fuzz_site, raw):
    member = fuzz_site / "members" / "acme-networks.yaml"
    member.write_bytes(raw)
    prepared = prepare(fuzz_site, AS_OF)
    problems, site = prepared.problems, prepared.site
    # the event's guest list and the article's links do not depend on this member
    assert_clean(problems, {"members/acme-networks.yaml"})
    assert site is not None


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), st.dates(), st.datetimes(),
    st.sampled_from(["cabling", "CA", "ca", "nationwide", "sonicwall", "acme-networks", "https://x.example",
                     "javascript:alert(1)", "radio", "conference", "2027-03-30", "2027-03-30T10:00", "2027-04-31",
                     "58:30", "[x](/nope/)", "[x](javascript:y)", "<script>", "logo.png", "../x.png", "REPLACE ME",
                     "America/New_York", "", " ", "\n"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(["title", "city", "state", "station", "starts", "ends", "url", "bytes",
                                     "duration", "name", "type", "claim", "speakers", "label", "x"]),
                    inner, max_size=4)), max_leaves=10)


def mutated(base: str, keys: list[str]):
    """A valid record with up to three fields set to random values."""
    start = yaml.safe_load(base)
    return st.dictionaries(st.sampled_from(keys), VALUES, max_size=3).map(lambda d: {**start, **d})


MEMBER_KEYS = list(yaml.safe_load(MEMBER_YAML)) + ["email", "phone", "employees", "partnering", "logo",
                                                   "certifications", "colour"]
EVENT_KEYS = list(yaml.safe_load(EVENT_YAML)) + ["timezone", "online", "audio", "guests", "stations", "summary"]


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, default_flow_style=False)


@SETTINGS
@given(member=mutated(MEMBER_YAML, MEMBER_KEYS), event=mutated(EVENT_YAML, EVENT_KEYS),
       vendor=mutated(VENDOR_YAML, ["benefits", "website", "logo", "description", "name"]))
def test_random_field_values_are_reported_not_raised(fuzz_site, member, event, vendor):
    files = {"members/acme-networks.yaml": member, "events/annual-conference.yaml": event,
             "vendors/sonicwall.yaml": vendor}
    for rel, data in files.items():
        (fuzz_site / rel).write_text(dump(data), encoding="utf-8")
    prepared = prepare(fuzz_site, AS_OF)
    problems, site, graph = prepared.problems, prepared.site, prepared.graph
    assert_clean(problems, set(files) | {"content/articles/hello-members.md"})
    assert site is not None
    if not problems.errors:
        assert graph is not None


def test_the_fuzzed_values_include_valid_records(fuzz_site):
    """Guard against a fuzz that only ever exercises the first failing check."""
    for rel, text in {"members/acme-networks.yaml": MEMBER_YAML, "events/annual-conference.yaml": EVENT_YAML,
                      "vendors/sonicwall.yaml": VENDOR_YAML}.items():
        (fuzz_site / rel).write_text(dump(yaml.safe_load(text)), encoding="utf-8")
    prepared = prepare(fuzz_site, AS_OF)
    problems, graph = prepared.problems, prepared.graph
    assert problems.errors == [] and graph is not None
    assert isinstance(yaml.safe_load(EVENT_YAML)["starts"], date)
    assert not isinstance(yaml.safe_load(EVENT_YAML)["starts"], datetime)


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(lambda t: t.strip())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=TEXT, summary=TEXT, city=TEXT, description=st.text(max_size=80), title=TEXT)
def test_any_text_that_passes_the_check_renders(fuzz_site, name, summary, city, description, title):
    """Valid records with unusual text (any script, control characters YAML allows) render every page."""
    from smbsite.rendering.render import make_env, render_output
    member = {**yaml.safe_load(MEMBER_YAML), "name": name, "summary": summary, "city": city,
              "description": description}
    event = {**yaml.safe_load(EVENT_YAML), "title": title, "description": description}
    (fuzz_site / "members/acme-networks.yaml").write_text(dump(member), encoding="utf-8")
    (fuzz_site / "events/annual-conference.yaml").write_text(dump(event), encoding="utf-8")
    (fuzz_site / "vendors/sonicwall.yaml").write_text(VENDOR_YAML, encoding="utf-8")
    prepared = prepare(fuzz_site, AS_OF)
    problems, graph = prepared.problems, prepared.graph
    assert_clean(problems)
    if problems.errors:
        return
    env = make_env(fuzz_site, graph)
    for out in graph.outputs:
        if out.copy_from is None:
            assert isinstance(render_output(env, graph, out), bytes)
