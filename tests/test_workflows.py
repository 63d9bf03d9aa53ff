"""The GitHub Actions workflows: valid, audited, least-privilege, and their shell steps work.

check-jsonschema and zizmor are the test extra's; locally a missing tool skips
its test, with CI=true it fails. The `run:` steps of the pull-request job and
the Pages build are executed here, in order, the way the runner does (bash -eo
pipefail, $GITHUB_ENV carried between steps), on small sites.
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
import yaml

from conftest import NEW_MEMBER, REPO, base_files, write_files
from smbsite.schema import write_schemas

WORKFLOWS = REPO / ".github" / "workflows"
CHECK = WORKFLOWS / "check.yml"
PAGES = WORKFLOWS / "pages.yml"
CI = os.environ.get("CI") == "true"



def tool(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if path is None:
        if CI:
            pytest.fail(f"{name} is not installed (pip install -e '.[test]')")
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return path


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


# --- third-party checkers -----------------------------------------------------------------

def test_workflows_match_the_github_workflow_schema():
    res = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                          str(CHECK), str(PAGES)], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "ok -- validation done" in res.stdout


def test_zizmor_finds_nothing():
    # .github/zizmor.yml allows tag pins for actions/* only: commit pins can't be verified offline
    res = subprocess.run([tool("zizmor"), "--offline", "--no-progress", str(REPO)], capture_output=True, text=True,
                         cwd=REPO)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "No findings to report" in res.stdout


# --- what the workflows promise ---------------------------------------------------------------

@pytest.mark.parametrize("path", [CHECK, PAGES], ids=lambda p: p.name)
def test_least_privilege_and_no_template_injection(path):
    wf = load(path)
    assert wf["permissions"] == {"contents": "read"}
    for job_id, step in steps(wf):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False, f"{job_id}: checkout keeps the token"
        # expressions reach shell scripts through env:, never pasted into them
        assert "${{" not in step.get("run", ""), f"{job_id}: {step.get('name')}"
    assert "pull_request_target" not in wf["on"]


def test_pull_request_workflow_steps():
    wf = load(CHECK)
    assert "pull_request" in wf["on"]
    runs = "\n".join(step.get("run", "") for _, step in steps(wf))
    assert "smbsite check --format github" in runs
    assert re.search(r"smbsite diff .* --format markdown[^\n]*\n?[^\n]*>> \"\$GITHUB_STEP_SUMMARY\"", runs)
    assert ".ci/run" in runs  # the tests, as on a clean machine
    assert wf["concurrency"]["cancel-in-progress"] is True


def test_pages_workflow_steps():
    wf = load(PAGES)
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build = {step.get("id") or step.get("name"): step for step in wf["jobs"]["build"]["steps"]}
    assert build["pages"]["uses"].startswith("actions/configure-pages@")
    step = next(s for s in build.values() if "smbsite build" in s.get("run", ""))
    assert step["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert '--base-url "$BASE_URL/"' in step["run"]
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") for s in build.values())
    deploy = wf["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


# --- running the steps ----------------------------------------------------------------------

class Runner:
    """Runs a job's `run:` steps like GitHub's runner: bash -eo pipefail, $GITHUB_ENV between steps."""

    def __init__(self, tmp: Path):
        self.workspace = tmp / "workspace"
        self.temp = tmp / "runner-temp"
        bin_dir = tmp / "bin"
        for d in (self.workspace, self.temp, bin_dir):
            d.mkdir()
        self.env_file, self.summary = tmp / "github-env", tmp / "step-summary"
        self.env_file.touch()
        self.summary.touch()
        # smbsite is installed in this Python already: `python -m venv` makes a stand-in whose pip does
        # nothing and whose smbsite is this one, so no step reaches a package index
        self._script(bin_dir / "smbsite", f'exec "{sys.executable}" -m smbsite "$@"')
        self._script(bin_dir / "python", f"""\
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"
  printf '#!/bin/sh\\nexit 0\\n' > "$3/bin/pip"
  printf '#!/bin/sh\\nexec "{sys.executable}" -m smbsite "$@"\\n' > "$3/bin/smbsite"
  chmod +x "$3/bin/pip" "$3/bin/smbsite"
  exit 0
fi
exec "{sys.executable}" "$@\"""")
        self.env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                    "RUNNER_TEMP": str(self.temp), "GITHUB_ENV": str(self.env_file),
                    "GITHUB_STEP_SUMMARY": str(self.summary), "GITHUB_WORKSPACE": str(self.workspace)}
        self.env.pop("SOURCE_DATE_EPOCH", None)

    @staticmethod
    def _script(path: Path, body: str) -> None:
        path.write_text("#!/usr/bin/env bash\n" + body + "\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)

    def run(self, step: dict) -> subprocess.CompletedProcess:
        for line in self.env_file.read_text().splitlines():
            key, _, value = line.partition("=")
            self.env[key] = value
        env = {**self.env, **{k: str(v) for k, v in step.get("env", {}).items()}}
        cwd = self.workspace / step.get("working-directory", ".")
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=cwd,
                              env=env, capture_output=True, text=True, timeout=300)


def fixture_site(root: Path, files: dict) -> None:
    """The conftest site with FILES laid over it (None removes), templates and schemas added."""
    merged: dict = dict(base_files())
    for rel, text in files.items():
        if text is None:
            merged.pop(rel, None)
        else:
            merged[rel] = text
    write_files(root, merged)
    shutil.copytree(REPO / "templates", root / "templates")
    write_schemas(root)


def check_job_steps() -> list[dict]:
    job = load(CHECK)["jobs"]["check"]
    # installing from the pull request is pip's business; this Python has smbsite already
    return [s for s in job["steps"] if "run" in s and not s["run"].startswith("python -m pip install")]


def run_check_job(tmp_path: Path, pr_files: dict, base_files_: dict | None = None):
    runner = Runner(tmp_path)
    pr, base = runner.workspace / "pr", runner.workspace / "base"
    pr.mkdir()
    base.mkdir()
    fixture_site(pr, pr_files)
    fixture_site(base, base_files_ or {})
    results = []
    for step in check_job_steps():
        res = runner.run(step)
        results.append((step["name"], res))
        if res.returncode != 0:
            break
    return runner, results


def test_check_job_summarises_the_pages_a_pull_request_changes(tmp_path):
    runner, results = run_check_job(tmp_path, {"members/basalt-data-works.yaml": NEW_MEMBER})
    for name, res in results:
        assert res.returncode == 0, f"{name}: {res.stdout}{res.stderr}"
    assert len(results) == len(check_job_steps())
    assert re.fullmatch(r"AS_OF=\d{4}-\d{2}-\d{2}\n", runner.env_file.read_text())
    summary = runner.summary.read_text()
    assert summary.startswith("## Pages this pull request adds, removes or changes\n")
    assert "### Added (2)\n\n- `/members/basalt-data-works/`\n- `/regions/wa/`\n" in summary
    assert "- `/partners/cabling/`" in summary
    log = results[-1][1].stdout
    assert "added    /members/basalt-data-works/" in log.splitlines()


def test_check_job_annotates_the_lines_of_a_broken_record(tmp_path):
    broken = NEW_MEMBER.replace("state: WA", "state: Wash").replace("[cabling]", "[cabeling]")
    _, results = run_check_job(tmp_path, {"members/basalt-data-works.yaml": broken})
    name, res = results[-1]
    assert name == "Check every record (annotations on the pull request's lines)"
    assert res.returncode == 1
    assert res.stdout.splitlines() == [
        "::error file=members/basalt-data-works.yaml,line=5,col=8::state: unknown US state code 'Wash' — did you "
        "mean 'WA' (Washington)?",
        "::error file=members/basalt-data-works.yaml,line=6,col=15::unknown specialty 'cabeling' — did you mean "
        "'cabling'?",
    ]


def test_check_job_copes_with_a_base_that_does_not_build(tmp_path):
    runner, results = run_check_job(tmp_path, {}, {"members/acme-networks.yaml": "name: [unclosed\n"})
    for name, res in results:
        assert res.returncode == 0, f"{name}: {res.stdout}{res.stderr}"
    base_step = next(res for name, res in results if name.startswith("Build the base branch"))
    assert "::warning::The base branch does not build" in base_step.stdout
    summary = runner.summary.read_text()
    assert "- `/members/acme-networks/`" in summary
    assert "Removed" not in summary and "Changed" not in summary


@pytest.mark.parametrize("pages_url, prefix", [
    ("https://smbtn.github.io/site", "https://smbtn.github.io/site/"),
    ("https://www.smbtn.org", "https://www.smbtn.org/"),
])
def test_pages_build_step_uses_the_pages_address(tmp_path, pages_url, prefix):
    runner = Runner(tmp_path)
    fixture_site(runner.workspace, {})
    step = next(s for s in load(PAGES)["jobs"]["build"]["steps"] if "smbsite build" in s.get("run", ""))
    step = {**step, "env": {"BASE_URL": pages_url}}
    res = runner.run(step)
    assert res.returncode == 0, res.stdout + res.stderr
    page = lxml.html.parse(str(runner.workspace / "output" / "members" / "acme-networks" / "index.html"))
    canonical = page.find(".//link[@rel='canonical']").get("href")
    assert canonical == prefix + "members/acme-networks/"
