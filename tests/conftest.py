"""Shared fixtures: small sites written into tmp_path, and the CLI run as a user runs it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-26"

SITE_YAML = """\
title: Test Network
tagline: Testing, together
base_url: https://example.org/net/
language: en
timezone: America/Los_Angeles
membership_goal: 10
specialties:
  cabling: {label: Structured cabling, description: Network drops}
  web-development: {label: Web development, description: Sites and shops}
  microsoft-crm: {label: Microsoft CRM, description: Dynamics CRM}
"""

MEMBER_YAML = """\
name: Acme Networks
summary: Cabling and web sites for small offices.
joined: 2024-05-01
city: Fresno
state: CA
serves: [NV]
specialties: [cabling, web-development]
vendors: [sonicwall]
website: https://acme.example.com
description: |
  We pull cable. See [joining](/join/).
"""

VENDOR_YAML = """\
name: Sonicwall
summary: Firewalls for small businesses.
benefits:
  - title: 20% off firewalls
    type: discount
    claim: Email the partner desk.
"""

EVENT_YAML = """\
title: Annual Conference
type: conference
starts: 2027-03-30
ends: 2027-04-01
location: {name: Hall, address: 1 Main St, city: Buena Park, state: CA}
sponsors: [sonicwall]
sessions:
  - {title: Opening, starts: 2027-03-30T09:00, ends: 2027-03-30T10:00, speakers: [Ann Lee]}
"""

# a second member, as a contributor's pull request would add it
NEW_MEMBER = """\
name: Basalt Data Works
summary: Backups and wireless for farms and packing houses.
joined: 2026-10-01
city: Yakima
state: WA
specialties: [cabling]
"""

ARTICLE_MD = """\
---
title: Hello members
date: 2026-10-01
author: Staff
summary: First post.
---
Welcome to the [directory](/members/).
"""

PAGE_MD = """\
---
title: Join
menu: 1
---
Join us.
"""


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if content.startswith("\n") else content, encoding="utf-8")


def base_files() -> dict[str, str]:
    return {
        "site.yaml": SITE_YAML,
        "members/acme-networks.yaml": MEMBER_YAML,
        "vendors/sonicwall.yaml": VENDOR_YAML,
        "events/annual-conference.yaml": EVENT_YAML,
        "content/articles/hello-members.md": ARTICLE_MD,
        "content/pages/join.md": PAGE_MD,
    }


@pytest.fixture
def make_site(tmp_path: Path):
    """make_site({path: text, ...}, base=True, templates=True) -> site folder in tmp_path.

    With base=True the files are laid over a small valid site; a value of None
    deletes that base file. Templates are copied from the repository.
    """
    counter = {"n": 0}

    def make(files: dict[str, str | bytes | None] | None = None, base: bool = True, templates: bool = True) -> Path:
        counter["n"] += 1
        root = tmp_path / f"site{counter['n']}"
        root.mkdir()
        merged: dict = dict(base_files()) if base else {}
        for k, v in (files or {}).items():
            if v is None:
                merged.pop(k, None)
            else:
                merged[k] = v
        write_files(root, merged)
        if templates:
            shutil.copytree(REPO / "templates", root / "templates")
        return root

    return make


def build_ok(make_site, files: dict | None = None) -> Path:
    """Build a fixture site (the base files plus `files`) into its output/; it must build clean."""
    from smbsite import api

    site = make_site(files or {})
    out = site / "output"
    result = api.build(site, out, as_of=AS_OF)
    assert result.ok, [str(p) for p in result.problems]
    return out


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `smbsite ARGS` as a user would (a subprocess of this Python)."""
    full_env = dict(os.environ)
    full_env.pop("SOURCE_DATE_EPOCH", None)
    full_env["NO_COLOR"] = "1"
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "smbsite", *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture
def cli():
    return run_cli
