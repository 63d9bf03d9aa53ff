"""SECURITY.md states the trust model, what is checked and how to report a problem, and the
limits and files it names are the ones the code has."""
from __future__ import annotations

import re

from conftest import REPO
from smbsite.images import logos, svg_clean
from smbsite.reading import load, yamlpos

DOC = (REPO / "SECURITY.md").read_text(encoding="utf-8") if (REPO / "SECURITY.md").is_file() else ""


def section(title: str) -> str:
    assert f"\n## {title}\n" in DOC, title
    return DOC.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_it_says_what_is_trusted_and_what_is_not():
    trust = section("Trust model")
    for untrusted in ("members/", "vendors/", "events/", "logos", "content/pages/"):
        assert untrusted in trust, untrusted
    rows = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in trust.splitlines()
            if line.startswith("| ") and "---" not in line}
    assert [k for k, v in rows.items() if v == "**no**"] and all(
        v == "yes" for k, v in rows.items() if "site.yaml" in k or "templates" in k)


def test_the_limits_it_names_are_the_code_s():
    checks = section("What is checked")
    assert f"at most {load.RECORD_MAX >> 20} MB" in checks and f"at most {load.MARKDOWN_MAX >> 20} MB" in checks
    assert f"at most {logos.LOGO_MAX // 1024} KB" in checks
    assert f"{yamlpos.MAX_NODES:,} values" in checks
    named = {m.lower() for m in re.findall(r"`<(\w+)>`", checks.split("**Logos**", 1)[1].split("**", 1)[0])}
    assert {name.lower() for name in svg_clean.HOSTILE} <= named  # what an SVG logo may never hold


def test_it_names_the_header_svgs_are_served_with_and_where_the_cache_and_its_key_live():
    from smbsite.server import serve
    checks = " ".join(section("What is checked").split())
    assert f"Content-Security-Policy: {serve.SVG_POLICY}" in checks
    assert "A host should send the same header" in checks
    assert "$XDG_CACHE_HOME/smbsite/sites/" in checks and "~/.cache/smbsite/key" in checks
    assert "O_NOFOLLOW" in checks and "One lock covers the whole cache" in checks


def test_every_module_it_points_to_exists():
    for path in re.findall(r"`(smbsite/[\w/]+\.py)`", DOC):
        assert (REPO / path).is_file(), path


def test_it_says_how_to_report_a_problem_privately():
    report = section("Reporting a problem")
    assert "privately" in report and "security advisory" in report
