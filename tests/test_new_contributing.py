"""CONTRIBUTING.md tells the truth: its examples pass or fail exactly as it says, on the bundled site."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from conftest import AS_OF, REPO, as_json, run_cli

GUIDE = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")


def example(name: str) -> str:
    """The fenced block right after `<!-- example: NAME -->`, dedented as the list item indents it."""
    m = re.search(rf"^( *)<!-- example: {re.escape(name)} -->\n\1```[a-z]*\n(.*?)^\1```", GUIDE, re.S | re.M)
    assert m, f"CONTRIBUTING.md has no example {name!r}"
    indent = m.group(1)
    return "".join(line.removeprefix(indent) for line in m.group(2).splitlines(keepends=True))


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(REPO / "site.yaml", site)
    shutil.copy(REPO / "smbtn-logo.svg", site)
    for folder in ("members", "vendors", "events", "content", "templates", "schemas"):
        shutil.copytree(REPO / folder, site / folder)
    return site


def check(site: Path, *args: str):
    return run_cli("check", "-s", str(site), "--as-of", AS_OF, *args)


def test_member_template_in_guide_checks_clean(bundled):
    text = example("member")
    (bundled / "members/acme-networks.yaml").write_text(text, encoding="utf-8")
    res = check(bundled)
    assert res.returncode == 0, res.stderr
    assert "members/acme-networks.yaml" not in res.stderr
    schema = yaml.safe_load((REPO / "schemas/member.schema.json").read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(as_json(yaml.safe_load(text)))) == []


def test_broken_example_output_is_copied_from_a_real_run(bundled):
    (bundled / "members/acme-networks.yaml").write_text(example("broken-member"), encoding="utf-8")
    res = check(bundled)
    assert res.returncode == 1
    ours = [line for line in res.stderr.splitlines() if line.startswith("members/acme-networks.yaml:")]
    assert ours == example("broken-member-output").splitlines()
    github = check(bundled, "--format", "github")
    assert github.returncode == 1
    ours = [line for line in github.stdout.splitlines() if "file=members/acme-networks.yaml," in line]
    assert ours == example("broken-member-github").splitlines()


def test_every_message_in_the_guide_table_is_real(bundled):
    table = GUIDE.split("Other messages you may meet:")[1].split("\n\n")[1]
    messages = [m for m in re.findall(r"^\| `([^`]+)` \|", table, re.M) if "…" not in m]
    assert len(messages) >= 6
    members = bundled / "members"
    (members / "a.yaml").write_text(
        "name: A\nsummary: REPLACE ME\njoined: 2026-11-01\nstate: CA\nspecialties: [cabling]\n"
        "website: www.example.com\n", encoding="utf-8")
    (members / "b.yaml").write_text(
        f"name: B\nsummary: {'x' * 216}\njoined: 2026-11-01\ncity: Fresno\nstate: CA\nspecialties: []\n",
        encoding="utf-8")
    (members / "Acme Networks.yaml").write_text("name: C\n", encoding="utf-8")
    (members / "d.yaml").write_text(
        "name: D\nsummary: Wi-Fi.\njoined: 2026-11-01\ncity: Fresno\nstate: CA\n"
        "specialties: [Wireless Networking]\nlogo: logo.png\ndescription: We do <b>Wi-Fi</b>.\n", encoding="utf-8")
    (members / "logo.png").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 40)
    res = check(bundled)
    assert res.returncode == 1
    for message in messages:
        assert message in res.stderr, f"CONTRIBUTING.md quotes {message!r}, the check never says it"
