"""The GitHub Actions workflows: valid, clean under zizmor, least-privilege, and their shell steps work.

check-jsonschema and zizmor are the test extra's; locally a missing tool skips
its test, with CI=true it fails. The `run:` steps of the pull-request job and
the Pages build are executed here, in order, the way the runner does (bash -eo
pipefail, $GITHUB_ENV carried between steps), on small sites.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
import yaml

from conftest import NEW_MEMBER, REPO, base_files, write_files
from smbsite.model.schema import write_schemas

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
                          *map(str, sorted(WORKFLOWS.glob("*.yml")))], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "ok -- validation done" in res.stdout


def test_zizmor_finds_nothing():
    # .github/zizmor.yml allows tag pins for actions/* only: commit pins can't be verified offline
    res = subprocess.run([tool("zizmor"), "--offline", "--no-progress", str(REPO)], capture_output=True, text=True,
                         cwd=REPO)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "No findings to report" in res.stdout


# --- what the workflows promise ---------------------------------------------------------------

JOB_PERMISSIONS = {
    (CHECK, "check"): {"contents": "read"},
    (CHECK, "changes"): {"contents": "read"},
    (CHECK, "test"): {"contents": "read"},
    # configure-pages reads the Pages site through the API: a private repository's needs pages: read
    (PAGES, "build"): {"contents": "read", "pages": "read"},
    (PAGES, "deploy"): {"pages": "write", "id-token": "write"},
    (WORKFLOWS / "release.yml", "build"): {"contents": "read"},
    (WORKFLOWS / "release.yml", "publish"): {"id-token": "write"},
}


@pytest.mark.parametrize("path", [CHECK, PAGES, WORKFLOWS / "release.yml"], ids=lambda p: p.name)
def test_least_privilege_and_no_template_injection(path):
    wf = load(path)
    assert wf["permissions"] == {}  # nothing by default: each job says what it needs
    for job_id, job in wf["jobs"].items():
        assert job["permissions"] == JOB_PERMISSIONS[path, job_id], job_id
    for job_id, step in steps(wf):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False, f"{job_id}: checkout keeps the token"
        # expressions reach shell scripts through env:, never pasted into them
        assert "${{" not in step.get("run", ""), f"{job_id}: {step.get('name')}"
    assert "pull_request_target" not in wf["on"]


def test_no_step_needs_write_access_or_the_target_repositorys_secrets():
    for path in (CHECK, PAGES):
        wf = load(path)
        assert set(wf["on"]) <= {"pull_request", "push", "schedule", "workflow_dispatch"}
    check = load(CHECK)
    assert all("write" not in job["permissions"].values() for job in check["jobs"].values())
    assert "secrets." not in CHECK.read_text()


def test_pull_request_workflow_steps():
    wf = load(CHECK)
    assert "pull_request" in wf["on"]
    check = {step["name"]: step for step in wf["jobs"]["check"]["steps"]}
    runs = "\n".join(step.get("run", "") for _, step in steps(wf))
    assert "smbsite check --format github" in runs
    # every problem reaches the summary, in a step that runs when the check has failed
    listing = check["List every problem in the job summary"]
    assert listing["if"] == "always()"
    assert 'smbsite check --format markdown >> "$GITHUB_STEP_SUMMARY"' in listing["run"]
    assert re.search(r"smbsite diff .* --format markdown", runs) and '>> "$GITHUB_STEP_SUMMARY"' in runs
    # the built site is uploaded and linked from the summary
    upload = check["Upload the built site as a preview"]
    assert upload["uses"].startswith("actions/upload-artifact@") and upload["with"]["path"].endswith("/site-pr")
    summary = check["Summarise the pages this pull request adds, removes or changes"]
    assert summary["env"]["PREVIEW_ZIP"] == "${{ steps.preview.outputs.artifact-url }}"
    assert ".ci/run" in runs  # the tests, as on a clean machine
    assert wf["concurrency"]["cancel-in-progress"] is True


def test_the_tests_run_only_when_more_than_records_content_and_logos_change():
    wf = load(CHECK)
    test = wf["jobs"]["test"]
    assert test["needs"] == "changes"
    assert test["if"] == "needs.changes.outputs.code == 'true'"
    assert wf["jobs"]["changes"]["outputs"]["code"] == "${{ steps.paths.outputs.code }}"
    # the check job never waits for the tests, nor they for it
    assert "needs" not in wf["jobs"]["check"]


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
    assert wf["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert wf["on"]["schedule"] and wf["on"]["schedule"][0]["cron"]  # the daily rebuild
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


@pytest.mark.parametrize("path", [CHECK, PAGES], ids=lambda p: p.name)
def test_builds_go_through_a_cache_that_a_new_smbsite_or_new_templates_start_afresh(path):
    job = load(path)["jobs"]["check" if path == CHECK else "build"]
    by_id = {step.get("id"): step for step in job["steps"]}
    names = [step.get("name") for step in job["steps"]]
    key = by_id["cache-key"]
    assert "code_fingerprint()" in key["run"]  # the code and theme of the installed smbsite
    assert "hashFiles(" in key["env"]["TEMPLATES"] and "templates/**" in key["env"]["TEMPLATES"]
    restore = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/cache@"))
    assert restore["with"]["path"] == "~/.cache/smbsite"  # outside the checkout; the signing key is in it
    assert restore["with"]["key"].startswith("${{ steps.cache-key.outputs.key }}-")
    assert restore["with"]["restore-keys"] == "${{ steps.cache-key.outputs.key }}-"
    first_build = next(i for i, step in enumerate(job["steps"]) if "smbsite build" in step.get("run", ""))
    assert names.index(key["name"]) < names.index(restore["name"]) < first_build
    builds = [step["run"] for step in job["steps"] if "build -s" in step.get("run", "") or
              "smbsite build" in step.get("run", "")]
    folder = '--cache-dir "$HOME/.cache/smbsite/' + ("pr" if path == CHECK else "pages") + '"'
    assert all(folder in run or '"${cache[@]}"' in run for run in builds), builds
    if path == CHECK:  # the base's own folder, so its prune never drops the pull request's pages
        assert '--cache-dir "$HOME/.cache/smbsite/base"' in "".join(builds)
    assert all("--no-cache" not in run for run in builds)


def test_the_starter_sites_workflows_build_through_the_cache_too():
    starter = REPO / "smbsite" / "starter" / "dot-github" / "workflows"
    for name in ("check.yml", "pages.yml"):
        text = (starter / name).read_text(encoding="utf-8")
        assert "actions/cache@" in text and "code_fingerprint()" in text, name


# --- running the steps ----------------------------------------------------------------------

ARTIFACT_URL = "https://github.com/smbtn/website/actions/runs/1/artifacts/2"


class Runner:
    """Runs a job's steps like GitHub's runner: `run:` steps in bash -eo pipefail with the job's env,
    $GITHUB_ENV and $GITHUB_OUTPUT between steps, `if:` as success() (the default) or always();
    `uses:` steps are stood in for by the outputs they would give."""

    def __init__(self, tmp: Path, job: dict | None = None):
        self.workspace = tmp / "workspace"
        self.temp = tmp / "runner-temp"
        bin_dir = tmp / "bin"
        for d in (self.workspace, self.temp, bin_dir):
            d.mkdir()
        self.env_file, self.summary, self.output = tmp / "github-env", tmp / "step-summary", tmp / "github-output"
        for f in (self.env_file, self.summary, self.output):
            f.touch()
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
        self.home = tmp / "home"  # a runner's own: the build cache goes under it, as on GitHub
        self.home.mkdir()
        self.env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(self.home),
                    "RUNNER_TEMP": str(self.temp), "GITHUB_ENV": str(self.env_file),
                    "GITHUB_STEP_SUMMARY": str(self.summary), "GITHUB_WORKSPACE": str(self.workspace),
                    "GITHUB_OUTPUT": str(self.output)}
        self.env.pop("SOURCE_DATE_EPOCH", None)
        self.env.pop("XDG_CACHE_HOME", None)
        self.env.update({k: str(v) for k, v in (job or {}).get("env", {}).items()})
        self.values = {"runner.temp": str(self.temp)}  # what ${{ … }} expressions stand for

    @staticmethod
    def _script(path: Path, body: str) -> None:
        path.write_text("#!/usr/bin/env bash\n" + body + "\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)

    def expand(self, text: str) -> str:
        return re.sub(r"\$\{\{\s*([^}]+?)\s*\}\}", lambda m: self.value(m.group(1)), str(text))

    def value(self, expression: str) -> str:
        if expression.startswith("hashFiles("):  # a digest of the files named, as GitHub gives it
            return "0" * 64
        return self.values[expression]

    def run(self, step: dict) -> subprocess.CompletedProcess:
        for line in self.env_file.read_text().splitlines():
            key, _, value = line.partition("=")
            self.env[key] = value
        env = {**self.env, **{k: self.expand(v) for k, v in step.get("env", {}).items()}}
        cwd = self.workspace / step.get("working-directory", ".")
        self.output.write_text("")
        res = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=cwd,
                             env=env, capture_output=True, text=True, timeout=300)
        if step.get("id"):
            for line in self.output.read_text().splitlines():
                key, _, value = line.partition("=")
                self.values[f"steps.{step['id']}.outputs.{key}"] = value
        return res

    def stand_in(self, step: dict) -> None:
        """A `uses:` step: its outputs as GitHub would give them."""
        if step["uses"].startswith("actions/upload-artifact@"):
            assert Path(self.expand(step["with"]["path"])).is_dir()
            self.values[f"steps.{step['id']}.outputs.artifact-url"] = ARTIFACT_URL


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


def check_job(workflow: Path = CHECK) -> dict:
    return load(workflow)["jobs"]["check"]


def installing(step: dict) -> bool:
    # installing from the pull request is pip's business; this Python has smbsite already
    return step.get("run", "").startswith("python -m pip install")


def cached_pages(folder: Path) -> list[str]:
    """The pages a build left in the cache folder's store (core/store.py), read with sqlite3 itself."""
    db = folder / "cache.sqlite"
    assert db.is_file(), db
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
        return [name for (name,) in con.execute("SELECT name FROM pages WHERE build IS NULL")]


def run_check_job(tmp_path: Path, pr_files: dict, base_files_: dict | None = None, same_program: bool = False,
                  workflow: Path = CHECK):
    """Run the check job's steps; returns the runner and (step name, result or None when skipped)."""
    job = check_job(workflow)
    runner = Runner(tmp_path, job)
    pr, base = runner.workspace / "pr", runner.workspace / "base"
    pr.mkdir()
    base.mkdir()
    fixture_site(pr, pr_files)
    fixture_site(base, base_files_ or {})
    if same_program:  # both checkouts carry the same program
        for root in (pr, base):
            shutil.copytree(REPO / "smbsite", root / "smbsite", ignore=shutil.ignore_patterns("__pycache__"))
            shutil.copy(REPO / "pyproject.toml", root)
    results = []
    failed = False
    for step in job["steps"]:
        condition = step.get("if", "success()")
        assert condition in ("success()", "always()"), condition
        if installing(step) or (failed and condition != "always()"):
            results.append((step.get("name"), None))
            continue
        if "uses" in step:
            runner.stand_in(step)
            continue
        res = runner.run(step)
        results.append((step["name"], res))
        failed = failed or res.returncode != 0
    return runner, results


def ran(results) -> dict:
    return {name: res for name, res in results if res is not None}


def test_check_job_summarises_the_pages_a_pull_request_changes(tmp_path):
    runner, results = run_check_job(tmp_path, {"members/basalt-data-works.yaml": NEW_MEMBER})
    for name, res in ran(results).items():
        assert res.returncode == 0, f"{name}: {res.stdout}{res.stderr}"
    assert all(res is not None for name, res in results if name != "Install smbsite from the pull request")
    assert re.fullmatch(r"AS_OF=\d{4}-\d{2}-\d{2}\n", runner.env_file.read_text())
    summary = runner.summary.read_text()
    assert summary.startswith("## Check passed: 0 errors, 0 warnings\n\nEvery record, page and link is in order.")
    pages = summary.split("## Pages this pull request adds, removes or changes\n", 1)[1]
    preview = "http://localhost:8000/"
    assert ("### Added (2)\n\n"
            f"- [`/members/basalt-data-works/`]({preview}members/basalt-data-works/)\n"
            f"- [`/regions/wa/`]({preview}regions/wa/)\n") in pages
    assert f"- [`/partners/cabling/`]({preview}partners/cabling/)" in pages
    # the built site to download, linked from the summary
    assert f"[Download the built site]({ARTIFACT_URL})" in pages
    assert "python3 -m http.server 8000 --directory site-preview" in pages
    log = results[-1][1].stdout
    assert "added    /members/basalt-data-works/" in log.splitlines()
    # the preview links to itself where the reviewer serves it
    home = (runner.temp / "site-pr" / "index.html").read_text()
    assert '<link rel="canonical" href="http://localhost:8000/">' in home


def test_a_broken_record_fails_the_check_and_the_summary_lists_every_problem(tmp_path):
    broken = NEW_MEMBER.replace("state: WA", "state: Wash").replace("[cabling]", "[cabeling]")
    runner, results = run_check_job(tmp_path, {"members/basalt-data-works.yaml": broken})
    done = ran(results)
    check = done["Check every record (annotations on the pull request's lines)"]
    assert check.returncode == 1
    assert check.stdout.splitlines() == [
        "::error file=members/basalt-data-works.yaml,line=5,col=8::state: unknown US state code 'Wash' — did you "
        "mean 'WA' (Washington)?",
        "::error file=members/basalt-data-works.yaml,line=6,col=15::unknown specialty 'cabeling' — did you mean "
        "'cabling'?",
    ]
    # the summary step runs after the failure and passes; nothing is built
    assert done["List every problem in the job summary"].returncode == 0
    assert [name for name, res in results if res is not None] == [
        "Name the build cache after this smbsite and the site's templates",
        "Check every record (annotations on the pull request's lines)", "List every problem in the job summary"]
    assert runner.summary.read_text() == (
        "## Check failed: 2 errors, 0 warnings\n\n"
        "Each problem, where it is and how to fix it (the same notes appear under the lines in **Files changed**):\n\n"
        "| Where | What is wrong | How to fix it |\n|---|---|---|\n"
        "| `members/basalt-data-works.yaml:5:8` | state: unknown US state code 'Wash' | did you mean 'WA' "
        "(Washington)? |\n"
        "| `members/basalt-data-works.yaml:6:15` | unknown specialty 'cabeling' | did you mean 'cabling'? |\n")


def test_the_summary_lists_more_problems_than_github_shows_annotations(tmp_path):
    members = {f"members/broken-{i:02d}.yaml": NEW_MEMBER.replace("state: WA", f"state: X{i}")
               for i in range(25)}
    runner, results = run_check_job(tmp_path, members)
    summary = runner.summary.read_text()
    rows = [line for line in summary.splitlines() if line.startswith("| `members/broken-")]
    assert len(rows) == 25
    assert summary.startswith("## Check failed: 25 errors")


def test_check_job_copes_with_a_base_that_does_not_build(tmp_path):
    runner, results = run_check_job(tmp_path, {}, {"members/acme-networks.yaml": "name: [unclosed\n"})
    for name, res in ran(results).items():
        assert res.returncode == 0, f"{name}: {res.stdout}{res.stderr}"
    base_step = ran(results)["Build the base branch with its own smbsite"]
    assert "::warning::The base branch does not build" in base_step.stdout
    summary = runner.summary.read_text()
    assert "`/members/acme-networks/`" in summary
    assert "Removed" not in summary and "Changed" not in summary


def test_the_base_is_built_by_the_pull_requests_smbsite_when_the_program_is_unchanged(tmp_path):
    runner, results = run_check_job(tmp_path, {"members/basalt-data-works.yaml": NEW_MEMBER}, same_program=True)
    assert all(res.returncode == 0 for res in ran(results).values())
    assert (runner.temp / "site-base" / "index.html").is_file()
    assert not (runner.temp / "base-venv").exists()  # no second install
    # both builds went through the cache the workflow saves, each in its own folder, so the
    # base build pruned none of the pull request's pages
    pages = {name: cached_pages(runner.home / f".cache/smbsite/{name}") for name in ("pr", "base")}
    assert len(pages["pr"]) > len(pages["base"])  # the pull request's new member page is still there
    assert (runner.home / ".cache/smbsite/key").is_file()
    assert not (runner.workspace / "pr" / ".smbsite-cache").exists()
    assert not (runner.workspace / ".smbsite-cache").exists()


def test_the_base_gets_its_own_smbsite_when_the_program_changes(tmp_path):
    runner, results = run_check_job(tmp_path, {"members/basalt-data-works.yaml": NEW_MEMBER})
    assert all(res.returncode == 0 for res in ran(results).values())
    assert (runner.temp / "base-venv" / "bin" / "smbsite").is_file()


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=env).stdout


@pytest.mark.parametrize("changed, tests", [
    (["members/basalt-data-works.yaml"], False),
    (["members/basalt-data-works.yaml", "members/basalt-data-works.png"], False),
    (["vendors/harborline.yaml", "events/meetup.yaml", "content/articles/news.md", "content/pages/about.md"], False),
    (["members/basalt-data-works.yaml", "smbsite/commands/cli.py"], True),
    (["smbsite/theme/base.html"], True),
    (["templates/home.html"], True),
    (["tests/test_cli.py"], True),
    (["pyproject.toml"], True),
    ([".github/workflows/check.yml"], True),
    ([".ci/run"], True),
    (["site.yaml"], True),
    (["CONTRIBUTING.md"], True),
    (["schemas/member.schema.json"], True),
])
def test_path_filter_runs_the_tests_only_when_more_than_records_content_and_logos_change(tmp_path, changed, tests):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("base\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "switch", "-qc", "pr")
    for rel in changed:
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text("changed\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "pull request")
    git(repo, "switch", "-q", "main")
    (repo / "README.md").write_text("main moved on\n")  # the base has changes of its own
    git(repo, "commit", "-qam", "meanwhile")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge", "pr")  # what GitHub checks out for a pull request
    step = next(s for s in load(CHECK)["jobs"]["changes"]["steps"] if s.get("id") == "paths")
    runner = Runner(tmp_path)
    res = runner.run({**step, "working-directory": str(repo)})
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == sorted(changed)
    assert runner.values["steps.paths.outputs.code"] == ("true" if tests else "false")


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


# --- the workflows `smbsite init` writes ------------------------------------------------------------

SITE_CHECK = REPO / "smbsite" / "starter" / "dot-github" / "workflows" / "check.yml"
SITE_PYPROJECT = '[project]\nname = "association-website"\nversion = "1"\ndependencies = ["smbsite=={}"]\n'


def test_a_sites_pull_request_installs_smbsite_once_and_builds_its_base_through_the_cache(tmp_path):
    """In a site, smbsite comes from pyproject.toml's requirement: the base needs no second install."""
    assert "base/smbsite" not in SITE_CHECK.read_text(encoding="utf-8")
    pyproject = SITE_PYPROJECT.format("0.1.0")
    runner, results = run_check_job(tmp_path, {"members/basalt-data-works.yaml": NEW_MEMBER,
                                               "pyproject.toml": pyproject}, {"pyproject.toml": pyproject},
                                    workflow=SITE_CHECK)
    assert all(res.returncode == 0 for res in ran(results).values()), \
        [(name, res.stderr) for name, res in ran(results).items() if res.returncode]
    assert not (runner.temp / "base-venv").exists()
    assert (runner.temp / "site-base" / "index.html").is_file()
    assert cached_pages(runner.home / ".cache/smbsite/pr")
    assert cached_pages(runner.home / ".cache/smbsite/base")
    assert "`/members/basalt-data-works/`" in runner.summary.read_text()


def test_a_sites_upgrade_builds_its_base_with_the_smbsite_it_named_before(tmp_path):
    runner, results = run_check_job(tmp_path, {"pyproject.toml": SITE_PYPROJECT.format("0.2.0")},
                                    {"pyproject.toml": SITE_PYPROJECT.format("0.1.0")}, workflow=SITE_CHECK)
    assert all(res.returncode == 0 for res in ran(results).values())
    assert (runner.temp / "base-venv" / "bin" / "smbsite").is_file()


def test_every_action_is_pinned_by_the_commit_of_a_release():
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for job_id, step in steps(load(path)):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), (path.name, step["uses"])
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" in line:
                assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), (path.name, line)


def test_a_new_sites_workflows_pass_zizmor_as_generated(tmp_path):
    site = tmp_path / "site"
    res = subprocess.run([sys.executable, "-m", "smbsite", "init", str(site), "-q", "--requirement", "smbsite==0.1.0"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert not (site / ".github" / "zizmor.yml").exists()  # no configuration to lean on
    res = subprocess.run([tool("zizmor"), "--offline", "--no-progress", str(site)], capture_output=True, text=True,
                         cwd=site)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "No findings to report" in res.stdout
    res = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                          *map(str, sorted((site / ".github" / "workflows").glob("*.yml")))],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


# --- releasing smbsite ---------------------------------------------------------------------------------

RELEASE = WORKFLOWS / "release.yml"


def test_a_version_tag_builds_checks_and_publishes_by_trusted_publishing():
    release = load(RELEASE)
    assert release["on"] == {"push": {"tags": ["v*"]}}
    assert release["permissions"] == {}
    build, publish = release["jobs"]["build"], release["jobs"]["publish"]
    assert build["permissions"] == {"contents": "read"}
    script = "\n".join(step.get("run", "") for step in build["steps"])
    for command in ("python -m build", "twine check --strict dist/*", "python -m venv clean",
                    'smbsite init new-site --requirement "smbsite==$VERSION"', "smbsite build --strict -s new-site"):
        assert command in script, command
    # the publishing job: the identity token and nothing else; no password, no stored token
    assert publish["needs"] == "build" and publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    uses = [step["uses"] for step in publish["steps"]]
    assert uses[-1].startswith("pypa/gh-action-pypi-publish@")
    assert "with" not in publish["steps"][-1]
    assert "secrets." not in RELEASE.read_text(encoding="utf-8")


def test_the_release_refuses_a_tag_that_is_not_the_packages_version(tmp_path):
    step = next(s for s in load(RELEASE)["jobs"]["build"]["steps"] if s.get("name", "").startswith("The tag"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    import tomllib
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    env_file = tmp_path / "github-env"
    for tag, code in ((f"v{version}", 0), ("v9.9.9", 1)):
        env_file.write_text("")
        env = {**os.environ, "TAG": tag, "GITHUB_ENV": str(env_file)}
        res = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=tmp_path, env=env,
                             capture_output=True, text=True)
        assert res.returncode == code, res.stdout + res.stderr
        assert env_file.read_text() == (f"VERSION={version}\n" if code == 0 else "")
