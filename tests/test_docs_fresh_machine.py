"""The guides work for someone starting from nothing: a member in a browser, a member on a fresh
machine, and the maintainer setting the repository up."""
from __future__ import annotations

import re
import subprocess

import yaml

from conftest import REPO

CONTRIBUTING = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
README = (REPO / "README.md").read_text(encoding="utf-8")
MAINTAINERS = (REPO / "MAINTAINERS.md").read_text(encoding="utf-8")
CODEOWNERS = (REPO / ".github" / "CODEOWNERS").read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    return text.split(heading, 1)[1].split("\n## ", 1)[0]


def load_workflow(name: str) -> dict:
    data = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))
    return data


# --- CONTRIBUTING ----------------------------------------------------------------------------------

def test_contributing_leads_with_the_browser_routes_then_the_local_one():
    headings = re.findall(r"^## (.+)$", CONTRIBUTING, re.M)
    assert headings[:4] == ["Add your company with the form", "Or write the file in GitHub's editor",
                            "Your company is already listed?", "On your own computer"]
    form = section(CONTRIBUTING, "## Add your company with the form")
    site = yaml.safe_load((REPO / "site.yaml").read_text(encoding="utf-8"))
    assert f"]({site['base_url']}add-your-company/)" in form


def test_an_already_listed_company_edits_its_existing_file():
    listed = section(CONTRIBUTING, "## Your company is already listed?")
    assert "rather than adding a new one" in listed and "**Edit this file**" in listed
    assert "`members/acme-networks.yaml`" in listed


def test_the_local_route_uses_a_virtual_environment_and_python_3_11():
    local = section(CONTRIBUTING, "## On your own computer")
    assert "Python 3.11 or newer" in local
    blocks = re.findall(r"```sh\n(.*?)```", local, re.S)
    setup = blocks[0]
    assert "python3 -m venv .venv && . .venv/bin/activate" in setup
    assert setup.index(". .venv/bin/activate") < setup.index("pip install -e .")
    assert "externally-managed-environment" in local


def test_the_local_route_commits_the_logo_with_the_record(tmp_path):
    local = section(CONTRIBUTING, "## On your own computer")
    add = next(line for line in local.splitlines() if line.startswith("git add "))
    members = tmp_path / "members"
    members.mkdir()
    for name in ("acme-networks.yaml", "acme-networks.png", "acme-networks-two.yaml", "other.yaml"):
        (members / name).write_text("x")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    command = add.split("#", 1)[0].strip()
    subprocess.run(["bash", "-c", command], cwd=tmp_path, check=True)
    staged = subprocess.run(["git", "diff", "--cached", "--name-only"], cwd=tmp_path, capture_output=True,
                            text=True, check=True).stdout.split()
    assert staged == ["members/acme-networks.png", "members/acme-networks.yaml"]
    # and without a logo the same line adds the record alone
    (members / "acme-networks.png").unlink()
    subprocess.run(["git", "rm", "-q", "--cached", "members/acme-networks.png"], cwd=tmp_path, check=True)
    assert subprocess.run(["bash", "-c", command], cwd=tmp_path).returncode == 0


# --- README ------------------------------------------------------------------------------------------

def test_readme_says_python_3_11_a_virtual_environment_and_serve_to_look_at_the_site():
    quick = section(README, "## Quick start")
    assert "Python 3.11 or newer" in quick
    assert "python3 -m venv .venv && . .venv/bin/activate" in quick
    assert "run `smbsite serve`" in quick and "http://127.0.0.1:8000/" in quick
    assert not re.search(r"open `output/index\.html`", README)
    assert "[MAINTAINERS.md](MAINTAINERS.md)" in README


def test_python_requirement_in_the_docs_is_the_packages():
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'requires-python = ">=3.11"' in pyproject


# --- MAINTAINERS and CODEOWNERS ----------------------------------------------------------------------------

def test_maintainers_guide_covers_pages_forks_branch_protection_codeowners_and_the_daily_rebuild():
    text = " ".join(MAINTAINERS.split())
    assert "Settings → Pages → Build and deployment → Source: GitHub Actions" in MAINTAINERS
    assert "Require approval for first-time contributors" in text and "Approve and run" in text
    assert "Require status checks to pass" in text and "Require review from Code Owners" in text
    # the checks to require, by the names GitHub shows: the jobs' names
    jobs = load_workflow("check.yml")["jobs"]
    for job_id in ("check", "test"):
        assert f"`{jobs[job_id]['name']}`" in MAINTAINERS, job_id
    # the daily rebuild at the time the workflow has
    cron = load_workflow("pages.yml")["on"]["schedule"][0]["cron"]
    minute, hour = cron.split()[:2]
    assert f"once a day at {int(hour):02d}:{int(minute):02d} UTC" in text
    assert "`.github/CODEOWNERS`" in MAINTAINERS and "YOUR_ORG" in MAINTAINERS


def test_codeowners_holds_only_clearly_marked_placeholders():
    rules = [line.split() for line in CODEOWNERS.splitlines() if line.strip() and not line.startswith("#")]
    assert rules and all(len(rule) >= 2 for rule in rules)
    owners = {owner for rule in rules for owner in rule[1:]}
    assert all(owner.startswith("@YOUR_ORG/") for owner in owners), owners
    assert "PLACEHOLDERS" in CODEOWNERS and "MAINTAINERS.md" in CODEOWNERS
    # a placeholder that can never name somebody's real organisation
    assert not re.fullmatch(r"[A-Za-z0-9](-?[A-Za-z0-9])*", "YOUR_ORG")
