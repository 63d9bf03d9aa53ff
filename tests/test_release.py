"""Releasing and installing smbsite: one version, an install line that works, a changelog and an upgrade
guide that keep up with the theme."""
from __future__ import annotations

import re
import tomllib

from conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
README = (REPO / "README.md").read_text(encoding="utf-8")
CHANGELOG = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
UPGRADING = (REPO / "docs" / "upgrading.md").read_text(encoding="utf-8")


def test_the_version_is_written_once():
    assert re.fullmatch(r"\d+\.\d+\.\d+", PROJECT["version"])
    written = [p.relative_to(REPO).as_posix() for p in (REPO / "smbsite").rglob("*.py")
               if re.search(r"""__version__\s*=\s*["']|VERSION\s*=\s*["']\d""", p.read_text(encoding="utf-8"))]
    assert written == []


def test_the_licence_is_an_spdx_expression_with_its_file():
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"] and (REPO / "LICENSE").read_text().startswith("MIT License")
    # setuptools reads license-files and SPDX expressions from 77 on
    assert PYPROJECT["build-system"]["requires"] == ["setuptools>=77"]


def test_the_project_says_where_it_lives():
    urls = PROJECT["urls"]
    assert urls["Source"].startswith("https://github.com/")
    assert urls["Changelog"] == f"{urls['Source']}/blob/main/CHANGELOG.md"
    assert urls["Upgrading"] == f"{urls['Source']}/blob/main/docs/upgrading.md"


def test_readme_installs_from_the_repository_at_this_versions_tag():
    """Until smbsite is on PyPI, the install line is the git form, at the tag the release workflow publishes."""
    start = README.split("## Start your own association site", 1)[1].split("\n## ", 1)[0]
    install = next(line for line in start.splitlines() if line.startswith("pip install"))
    assert install == f"pip install 'smbsite @ git+{PROJECT['urls']['Source']}@v{PROJECT['version']}'"
    assert "pip install smbsite\n" not in README


def test_changelog_has_an_unreleased_section_on_the_theme_and_one_per_version():
    headings = re.findall(r"^## \[([^\]]+)\]", CHANGELOG, re.M)
    assert headings[0] == "Unreleased" and PROJECT["version"] in headings
    unreleased = CHANGELOG.split("## [Unreleased]", 1)[1].split("\n## [", 1)[0]
    assert "### Theme: blocks and templates" in unreleased
    for heading in headings:
        assert re.search(rf"^\[{re.escape(heading)}\]: https://", CHANGELOG, re.M), heading


def test_the_upgrade_guide_names_every_block_of_the_theme_and_the_refresh():
    blocks = {m for p in (REPO / "smbsite" / "theme").glob("*.html")
              for m in re.findall(r"\{%-?\s*block\s+(\w+)", p.read_text(encoding="utf-8"))}
    assert blocks
    missing = sorted(b for b in blocks if f"`{b}`" not in UPGRADING)
    assert missing == [], f"docs/upgrading.md does not say which release brought the blocks {missing}"
    assert "smbsite init . --refresh" in UPGRADING
    assert "### Unreleased" in UPGRADING and f"### {PROJECT['version']}" in UPGRADING
