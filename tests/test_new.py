"""`smbsite new`: a commented template that fails the check until filled in, then checks clean."""
from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
import yaml

from conftest import AS_OF, run_cli
from smbsite.model.fields import US_STATES

NAME = "Zürich Systèmes"
SLUG = "zurich-systemes"
FILES = {
    "member": f"members/{SLUG}.yaml",
    "vendor": f"vendors/{SLUG}.yaml",
    "event": f"events/{SLUG}.yaml",
    "article": f"content/articles/{SLUG}.md",
}
SCHEMA_LINES = {
    "member": "# yaml-language-server: $schema=../schemas/member.schema.json",
    "vendor": "# yaml-language-server: $schema=../schemas/vendor.schema.json",
    "event": "# yaml-language-server: $schema=../schemas/event.schema.json",
}

# What a member types over each placeholder line (the key's line, whole).
FILLED = {
    "member": {
        "summary": "summary: Swiss-run IT support and cabling for offices in the Central Valley.",
        "joined": "joined: 2026-11-02",
        "city": "city: Fresno",
        "state": "state: CA",
        "specialties": "specialties: [cabling, microsoft-crm]",
    },
    "vendor": {
        "summary": "summary: Network switches for small offices.",
        "title": "  - title: 15% off managed switches",
        "type": "    type: discount",
        "claim": "    claim: Quote code SMBTN15 to the partner desk.",
    },
    "event": {
        "type": "type: meetup",
        "starts": "starts: 2027-02-11T18:00",
    },
    "article": {
        "REPLACE ME": "Our newest member wires offices across the [Central Valley](/members/).",
    },
}


def new(site: Path, kind: str, name: str = NAME):
    return run_cli("new", kind, name, "-s", str(site))


def check(site: Path):
    return run_cli("check", "-s", str(site), "--as-of", AS_OF)


def errors(res, path: str) -> list[str]:
    return [line for line in res.stderr.splitlines() if line.startswith(path + ":")]


def position(text: str, key: str) -> tuple[int, int]:
    """1-based line and column of the value of the first `key:` line (list items allowed)."""
    for i, line in enumerate(text.splitlines(), 1):
        m = re.match(rf"^(\s*(?:- )?){re.escape(key)}: ?", line)
        if m:
            return i, m.end() + 1
    raise AssertionError(f"no {key}: line")


def fill(text: str, kind: str) -> str:
    lines = text.splitlines()
    for key, replacement in FILLED[kind].items():
        if kind == "article":
            lines = [replacement if line.startswith(key) else line for line in lines]
            continue
        line, _ = position(text, key)
        lines[line - 1] = replacement
    return "\n".join(lines) + "\n"


def test_member_template_is_commented_and_lists_site_vocabulary(make_site):
    site = make_site()
    res = new(site, "member")
    assert res.returncode == 0, res.stderr
    path = site / FILES["member"]
    assert res.stdout == f"wrote {path}: fill in every REPLACE ME, then run smbsite check\n"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == SCHEMA_LINES["member"]
    data = yaml.safe_load(text)
    assert data["name"] == NAME
    assert data["summary"] == data["city"] == data["state"] == data["joined"] == "REPLACE ME"
    assert data["specialties"] == []
    # the fixture site.yaml's specialty keys with their labels, one per comment line
    assert "#   cabling          Structured cabling" in lines
    assert "#   web-development  Web development" in lines
    assert "#   microsoft-crm    Microsoft CRM" in lines
    codes = set(" ".join(line.lstrip("# ") for line in lines if re.fullmatch(r"#   ([A-Z]{2} ?)+", line)).split())
    assert codes == set(US_STATES)
    assert "#   sonicwall" in lines  # the vendors this site has
    # every field is explained by a comment right above it
    for i, line in enumerate(lines):
        if re.match(r"^[a-z_]+:", line):
            assert lines[i - 1].startswith("# "), f"no comment above {line!r}"


def test_unfilled_member_fails_check_with_one_message_per_placeholder(make_site):
    site = make_site()
    assert new(site, "member").returncode == 0
    text = (site / FILES["member"]).read_text(encoding="utf-8")
    res = check(site)
    assert res.returncode == 1
    p = FILES["member"]
    expected = [f"{p}:{':'.join(map(str, position(text, key)))}: error: {message}" for key, message in (
        ("summary", "summary: replace the placeholder 'REPLACE ME'"),
        ("joined", "joined: replace the placeholder 'REPLACE ME'"),
        ("city", "city: replace the placeholder 'REPLACE ME'"),
        ("state", "state: replace the placeholder 'REPLACE ME'"),
        ("specialties", "specialties: needs at least 1 item"),
    )]
    assert errors(res, p) == expected
    assert "check failed: 5 errors, 0 warnings" in res.stderr


@pytest.mark.parametrize("kind, expected", [
    ("vendor", [("summary", "summary: replace the placeholder 'REPLACE ME'"),
                ("title", "benefits › item 1 › title: replace the placeholder 'REPLACE ME'"),
                ("type", "benefits › item 1 › type: 'REPLACE ME' is not one of discount, training, marketing, support, "
                         "certification, other"),
                ("claim", "benefits › item 1 › claim: replace the placeholder 'REPLACE ME'")]),
    ("event", [("type", "type: 'REPLACE ME' is not one of conference, radio, webinar, training, meetup"),
               ("starts", "starts: replace the placeholder 'REPLACE ME'")]),
])
def test_unfilled_vendor_and_event_fail_check(make_site, kind, expected):
    site = make_site()
    assert new(site, kind).returncode == 0
    text = (site / FILES[kind]).read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_LINES[kind]
    res = check(site)
    assert res.returncode == 1
    p = FILES[kind]
    assert errors(res, p) == [f"{p}:{':'.join(map(str, position(text, key)))}: error: {message}"
                              for key, message in expected]


def test_unfilled_article_fails_check_on_its_text(make_site):
    site = make_site()
    assert new(site, "article").returncode == 0
    path = site / FILES["article"]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == NAME and front["draft"] is False
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(front["date"]))
    line = text.splitlines().index("REPLACE ME: write the article here, in Markdown.") + 1
    res = check(site)
    assert res.returncode == 1
    assert errors(res, FILES["article"]) == [
        f"{FILES['article']}:{line}:1: error: replace the placeholder 'REPLACE ME' in the text"]


def test_article_date_is_the_build_date(make_site):
    site = make_site()
    res = run_cli("new", "article", "Spring news", "-s", str(site), env={"SOURCE_DATE_EPOCH": "1806192000"})
    assert res.returncode == 0, res.stderr
    front = yaml.safe_load((site / "content/articles/spring-news.md").read_text().split("---\n")[1])
    assert str(front["date"]) == "2027-03-28"


@pytest.mark.parametrize("kind", ["member", "vendor", "event", "article"])
def test_filled_template_checks_clean_and_builds(make_site, kind):
    site = make_site()
    assert new(site, kind).returncode == 0
    path = site / FILES[kind]
    path.write_text(fill(path.read_text(encoding="utf-8"), kind), encoding="utf-8")
    res = check(site)
    assert res.returncode == 0, res.stderr
    assert ": error:" not in res.stderr and ": warning:" not in res.stderr
    assert "check ok: 0 errors, 0 warnings" in res.stderr
    out = site / "output"
    build = run_cli("build", "-s", str(site), "--as-of", AS_OF, "-q")
    assert build.returncode == 0, build.stderr
    folder = {"member": "members", "vendor": "vendors", "event": "events", "article": "articles"}[kind]
    page = lxml.html.parse(str(out / folder / SLUG / "index.html"))
    assert NAME in "".join(page.find(".//h1").itertext())


def test_new_refuses_to_overwrite(make_site):
    site = make_site()
    assert new(site, "member").returncode == 0
    path = site / FILES["member"]
    path.write_text("name: kept\n", encoding="utf-8")
    res = new(site, "member")
    assert res.returncode == 2
    assert res.stderr == f"smbsite: {path} already exists: edit it, or choose another name\n"
    assert res.stdout == ""
    assert path.read_text(encoding="utf-8") == "name: kept\n"


def test_new_refuses_when_a_yml_twin_exists(make_site):
    site = make_site({"members/zurich-systemes.yml": "name: Older\n"})
    res = new(site, "member")
    assert res.returncode == 2
    assert res.stderr == f"smbsite: {site / 'members/zurich-systemes.yml'} already exists: edit it, or choose " \
                         "another name\n"
    assert not (site / FILES["member"]).exists()


@pytest.mark.parametrize("name, message", [
    ("   ", "the name is empty: write it in quotes, e.g. smbsite new member \"Acme Networks\""),
    ("!!!", "cannot make a file name from '!!!': the name needs letters or digits"),
    ("x" * 121, "the name is 121 characters long; at most 120 are allowed"),
])
def test_new_rejects_unusable_names(make_site, name, message):
    site = make_site()
    res = new(site, "member", name)
    assert res.returncode == 2
    assert res.stderr == f"smbsite: {message}\n"
    assert sorted(p.name for p in (site / "members").iterdir()) == ["acme-networks.yaml"]


def test_new_outside_a_site_is_a_usage_error(tmp_path):
    res = new(tmp_path, "member")
    assert res.returncode == 2
    assert res.stderr == f"smbsite: no site.yaml in {tmp_path}: run smbsite new in the site folder, or pass -s SRC\n"
    assert list(tmp_path.iterdir()) == []


def test_unknown_kind_is_a_usage_error(make_site):
    res = run_cli("new", "sponsor", "Acme", "-s", str(make_site()))
    assert res.returncode == 2
    assert "Invalid value for '{member|vendor|event|article}'" in res.stderr


def test_names_that_need_quoting_survive(make_site):
    site = make_site()
    name = "Acme: IT & Co #1"
    res = new(site, "member", name)
    assert res.returncode == 0, res.stderr
    data = yaml.safe_load((site / "members/acme-it-and-co-1.yaml").read_text(encoding="utf-8"))
    assert data["name"] == name


# --- every field, and a guide that covers it --------------------------------------------------------

def _models(kind: str):
    from smbsite.model.records import ArticleMeta, BenefitRecord, EventRecord, MemberRecord, VendorRecord
    return {"member": [MemberRecord], "vendor": [VendorRecord, BenefitRecord], "event": [EventRecord],
            "article": [ArticleMeta]}[kind]


@pytest.mark.parametrize("kind", ["member", "vendor", "event", "article"])
def test_every_field_of_the_record_is_in_its_template(make_site, kind):
    site = make_site()
    assert new(site, kind).returncode == 0
    text = (site / FILES[kind]).read_text(encoding="utf-8")
    keys = set(re.findall(r"^\s*(?:- )?([a-z_]+):", text, re.M))
    for model in _models(kind):
        missing = sorted(set(model.model_fields) - keys)
        assert missing == [], f"smbsite new {kind} leaves out {missing}"


@pytest.mark.parametrize("kind", ["vendor", "event", "article"])
def test_templates_point_to_the_guide_only_for_the_fields_it_explains(make_site, kind):
    """CONTRIBUTING.md explains a member's fields; other records explain theirs in their comments."""
    site = make_site()
    assert new(site, kind).returncode == 0
    assert "CONTRIBUTING" not in (site / FILES[kind]).read_text(encoding="utf-8")
    assert new(site, "member", "Another Company").returncode == 0
    assert "CONTRIBUTING.md explains every field." in (site / "members/another-company.yaml").read_text()


def test_the_event_templates_examples_of_its_optional_fields_check_clean(make_site):
    """Each `For example:` of the event template, pasted over its empty line, is a valid value."""
    site = make_site()
    assert new(site, "event").returncode == 0
    path = site / FILES["event"]
    lines = fill(path.read_text(encoding="utf-8"), "event").splitlines()
    out, example = [], []
    for line in lines:
        if line == "# For example:":
            example = []
        elif example is not None and re.match(r"^#   ", line):
            example.append(line[4:])
        m = re.match(r"^([a-z_]+):\s*(\[\])?$", line)
        if m and m.group(1) in ("hotel", "location") and example and example[0].startswith(f"{m.group(1)}:"):
            out += example
            example = []
            continue
        if not line.startswith("#"):
            example = [] if line == "" else example
        out.append(line)
    text = "\n".join(out) + "\n"
    for key in ("hotel", "location"):
        assert re.search(rf"^{key}: \{{", text, re.M), key
    path.write_text(text.replace("register_by:\n", "register_by: 2027-02-01\n")
                    .replace("price:\n", 'price: "$25 for members, $40 for guests"\n'), encoding="utf-8")
    res = check(site)
    assert res.returncode == 0, res.stderr
    event = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert event["hotel"]["name"] == "Harbor Inn" and event["price"].startswith("$25")
