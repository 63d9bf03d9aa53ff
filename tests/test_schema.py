"""The JSON Schemas in schemas/: current with the model, valid 2020-12, and agreeing with `smbsite check`.

Records are read the way a JSON Schema validator sees YAML: yaml.safe_load,
with dates turned into ISO strings (editors read YAML 1.2, where they are strings).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from conftest import AS_OF, EVENT_YAML, MEMBER_YAML, REPO, VENDOR_YAML, as_json, run_cli
from smbsite import api
from smbsite.model.schema import KINDS, RECORD_FOLDERS, render_schemas, schema_comment

CI = os.environ.get("CI") == "true"


def load_schema(kind: str) -> dict:
    return json.loads((REPO / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))


def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(kind: str, text: str) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator(kind).iter_errors(as_json(yaml.safe_load(text)))]


def bundled_records() -> list[tuple[str, Path]]:
    records = [("site", REPO / "site.yaml")]
    for kind, folder in RECORD_FOLDERS.items():
        records += [(kind, p) for p in sorted((REPO / folder).glob("*.y*ml"))]
    return records


# --- the files themselves --------------------------------------------------------------

def test_schemas_match_the_model():
    for rel, text in render_schemas(REPO).items():
        on_disk = (REPO / rel).read_text(encoding="utf-8")
        assert on_disk == text, f"{rel} is out of date with smbsite/model/records.py: run `smbsite schema`"
    res = run_cli("schema", "--check", "-s", str(REPO))
    assert res.returncode == 0, res.stderr


@pytest.mark.parametrize("kind", list(KINDS))
def test_schema_is_valid_draft_2020_12(kind):
    schema = load_schema(kind)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:smbsite:schema:{kind}"
    assert schema["title"] and schema["description"]
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_field_is_described(kind):
    schema = load_schema(kind)
    objects = [schema, *schema.get("$defs", {}).values()]
    for obj in objects:
        for name, prop in obj.get("properties", {}).items():
            assert prop.get("description"), f"{kind}: field {name!r} has no description"


def test_member_specialties_are_the_sites_keys():
    keys = set(yaml.safe_load((REPO / "site.yaml").read_text(encoding="utf-8"))["specialties"])
    items = load_schema("member")["properties"]["specialties"]["items"]
    assert set(items["enum"]) == keys


@pytest.mark.parametrize("kind, path", bundled_records(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_bundled_record_validates_and_names_its_schema(kind, path):
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == schema_comment(kind)
    target = (path.parent / schema_comment(kind).split("$schema=")[1]).resolve()
    assert target == (REPO / "schemas" / f"{kind}.schema.json").resolve()
    assert schema_errors(kind, text) == []


# --- the schema rejects what the check rejects -------------------------------------------

SITE_FILES = {"member": "members/acme-networks.yaml", "vendor": "vendors/sonicwall.yaml",
              "event": "events/annual-conference.yaml"}
BASE = {"member": MEMBER_YAML, "vendor": VENDOR_YAML, "event": EVENT_YAML}

MISTAKES = {
    "unknown field": ("member", lambda t: t + "webiste: https://acme.example.com\n"),
    "bad state": ("member", lambda t: t.replace("state: CA", "state: Calif")),
    "bad served state": ("member", lambda t: t.replace("serves: [NV]", "serves: [NV, XX]")),
    "missing name": ("member", lambda t: t.replace("name: Acme Networks\n", "")),
    "too-long summary": ("member", lambda t: t.replace("summary: Cabling and web sites for small offices.",
                                                       "summary: " + "x" * 201)),
    "two-line summary": ("member", lambda t: t.replace("summary: Cabling and web sites for small offices.",
                                                       'summary: "Cabling\\nand web"')),
    "bad URL scheme": ("member", lambda t: t.replace("https://acme.example.com", "ftp://acme.example.com")),
    "URL without scheme": ("member", lambda t: t.replace("https://acme.example.com", "acme.example.com")),
    "placeholder": ("member", lambda t: t.replace("city: Fresno", "city: REPLACE ME")),
    "unknown specialty": ("member", lambda t: t.replace("[cabling, web-development]", "[cabeling]")),
    "no specialties": ("member", lambda t: t.replace("[cabling, web-development]", "[]")),
    "nine specialties": ("member", lambda t: t.replace("[cabling, web-development]", "[" + ", ".join(
        ["cabling"] * 9) + "]")),
    "not a date": ("member", lambda t: t.replace("joined: 2024-05-01", "joined: May 2024")),
    "bad email": ("member", lambda t: t + "email: acme at example\n"),
    "bad logo type": ("member", lambda t: t + "logo: acme.gif\n"),
    "zero employees": ("member", lambda t: t + "employees: 0\n"),
    "bad benefit type": ("vendor", lambda t: t.replace("type: discount", "type: rebate")),
    "benefit without claim": ("vendor", lambda t: t.replace("    claim: Email the partner desk.\n", "")),
    "bad event type": ("event", lambda t: t.replace("type: conference", "type: gala")),
    "time with offset": ("event", lambda t: t.replace("starts: 2027-03-30T09:00,", "starts: 2027-03-30T09:00:00-07:00,")),
    "radio without stations": ("event", lambda t: t.replace("type: conference", "type: radio")),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_schema_and_check_both_reject(make_site, mistake):
    kind, change = MISTAKES[mistake]
    text = change(BASE[kind])
    assert text != BASE[kind]
    assert schema_errors(kind, BASE[kind]) == []
    assert schema_errors(kind, text), f"the {kind} schema accepts a record with {mistake}"
    result = api.check(make_site({SITE_FILES[kind]: text}, templates=False), as_of=AS_OF)
    assert not result.ok, f"smbsite check accepts a record with {mistake}"
    assert SITE_FILES[kind] in {p.path for p in result.errors}


ACCEPTED = {
    "phone as a bare number": ("member", lambda t: t + "phone: 5595550142\n"),
    "phone with extension": ("member", lambda t: t + "phone: \"+1 559 555 0142 ext. 12\"\n"),
    "nationwide": ("member", lambda t: t.replace("serves: [NV]", "serves: [nationwide]")),
    "empty optional value": ("member", lambda t: t + "email:\n"),
    "Markdown description": ("member", lambda t: t.replace("We pull cable.", "We pull *cable*.\n\n  - fiber")),
    "benefit dates": ("vendor", lambda t: t + "    starts: 2026-01-01\n    ends: 2027-12-31\n"),
    "all-day event": ("event", lambda t: t.replace("sessions:\n", "sessions: []\n").split("  - {title")[0]),
    "date-time with seconds": ("event", lambda t: t.replace("ends: 2027-03-30T10:00", "ends: 2027-03-30T10:00:00")),
    "radio with stations and audio": ("event", lambda t: t.replace("type: conference", "type: radio") +
                                      "stations: [{city: Fresno, state: CA, station: KFRS 1340 AM}]\n"
                                      "audio: {url: https://media.example.org/1.mp3, bytes: 1000, "
                                      "duration: \"58:30\"}\n"),
    "time zone": ("event", lambda t: t + "timezone: America/Chicago\n"),
}


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_schema_and_check_both_accept(make_site, case):
    kind, change = ACCEPTED[case]
    text = change(BASE[kind])
    assert schema_errors(kind, text) == []
    result = api.check(make_site({SITE_FILES[kind]: text}, templates=False), as_of=AS_OF)
    assert result.errors == []


def test_unfilled_new_member_fails_the_schema_and_filled_passes(make_site):
    site = make_site()
    assert run_cli("new", "member", "Zurich Systems", "-s", str(site)).returncode == 0
    text = (site / "members/zurich-systems.yaml").read_text(encoding="utf-8")
    problems = schema_errors("member", text)
    assert {p.split(":")[0] for p in problems} == {"summary", "joined", "city", "state", "specialties"}
    filled = (text.replace("summary: REPLACE ME", "summary: Swiss-run IT support.")
              .replace("joined: REPLACE ME", "joined: 2026-11-02").replace("city: REPLACE ME", "city: Fresno")
              .replace("state: REPLACE ME", "state: CA").replace("specialties: []", "specialties: [cabling]"))
    assert schema_errors("member", filled) == []


# --- regenerating --------------------------------------------------------------------------

def test_schema_command_writes_and_detects_drift(make_site):
    site = make_site()
    res = run_cli("schema", "-s", str(site))
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == [f"wrote schemas/{kind}.schema.json" for kind in KINDS]
    member = json.loads((site / "schemas/member.schema.json").read_text(encoding="utf-8"))
    assert member["properties"]["specialties"]["items"]["enum"] == ["cabling", "microsoft-crm", "web-development"]
    assert run_cli("schema", "--check", "-s", str(site)).returncode == 0
    (site / "site.yaml").write_text((site / "site.yaml").read_text() + "  wireless: {label: Wireless}\n")
    res = run_cli("schema", "--check", "-s", str(site))
    assert res.returncode == 1
    assert res.stderr == "schemas/member.schema.json: out of date with the content model; run smbsite schema\n"
    res = run_cli("schema", "-s", str(site))
    assert res.stdout == "wrote schemas/member.schema.json\n"


def test_schema_command_needs_a_site(tmp_path):
    res = run_cli("schema", "-s", str(tmp_path))
    assert res.returncode == 2
    assert "no site.yaml" in res.stderr
    assert list(tmp_path.iterdir()) == []


# --- a third-party validator on the files as they are --------------------------------------

def test_check_jsonschema_accepts_bundled_records_and_rejects_a_mistake(tmp_path):
    tool = shutil.which("check-jsonschema")
    if tool is None:
        if CI:
            pytest.fail("check-jsonschema is not installed (pip install -e '.[test]')")
        pytest.skip("check-jsonschema is not installed")
    for kind, folder in [("site", None), *RECORD_FOLDERS.items()]:
        files = [str(REPO / "site.yaml")] if folder is None else sorted(str(p) for p in (REPO / folder).glob("*.yaml"))
        res = subprocess.run([tool, "--schemafile", str(REPO / "schemas" / f"{kind}.schema.json"), *files],
                             capture_output=True, text=True)
        assert res.returncode == 0, res.stdout + res.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text(MEMBER_YAML.replace("state: CA", "state: Calif"), encoding="utf-8")
    res = subprocess.run([tool, "--schemafile", str(REPO / "schemas/member.schema.json"), str(bad)],
                         capture_output=True, text=True)
    assert res.returncode == 1
    assert "'Calif' is not one of" in res.stdout
