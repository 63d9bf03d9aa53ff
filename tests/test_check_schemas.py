"""A site that keeps the JSON Schemas in schemas/ hears from `smbsite check` when they no longer
match site.yaml, before CI's `smbsite schema --check` fails on them."""
from __future__ import annotations

from conftest import AS_OF, SITE_YAML, run_cli

MORE = SITE_YAML.replace("specialties:\n", "specialties:\n  solar-install: {label: Solar installation, "
                                           "description: Panels on roofs}\n")


def test_a_changed_specialty_makes_check_say_the_schemas_are_stale_until_they_are_rewritten(make_site):
    site = make_site()
    assert run_cli("schema", "-q", cwd=site).returncode == 0
    assert run_cli("check", "--as-of", AS_OF, cwd=site).returncode == 0
    (site / "site.yaml").write_text(MORE, encoding="utf-8")
    assert run_cli("schema", "--check", cwd=site).returncode == 1
    run = run_cli("check", "--as-of", AS_OF, cwd=site)
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert errors == ["schemas/member.schema.json:1:1: error: schemas/member.schema.json is out of date with "
                      "site.yaml and this version of smbsite — run smbsite schema to rewrite it (editors "
                      "autocomplete records from it; smbsite schema --check fails until then)"]
    (site / "schemas" / "vendor.schema.json").unlink()
    run = run_cli("check", "--as-of", AS_OF, "--format", "github", cwd=site)
    assert "::error file=schemas/vendor.schema.json,line=1,col=1::schemas/vendor.schema.json is missing" \
        in run.stdout + run.stderr
    assert run_cli("schema", "-q", cwd=site).returncode == 0
    assert run_cli("check", "--as-of", AS_OF, cwd=site).returncode == 0
    assert run_cli("schema", "--check", cwd=site).returncode == 0


def test_a_site_without_a_schemas_folder_is_not_asked_to_keep_one(make_site):
    site = make_site({"site.yaml": MORE})
    run = run_cli("check", "--as-of", AS_OF, cwd=site)
    assert run.returncode == 0, run.stderr
    assert not (site / "schemas").exists()
