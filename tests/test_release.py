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


# --- from a package index to a site whose workflows install, check and build ---------------------------

import hashlib  # noqa: E402
import http.server  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import venv  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import yaml  # noqa: E402

CI = os.environ.get("CI") == "true"


def _run(args: list, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", NO_COLOR="1", **kwargs.pop("env", {}))
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env, timeout=900, **kwargs)


def _simple_index(root: Path, wheel: Path) -> None:
    """A PEP 503 "simple" index holding WHEEL: /simple/ and /simple/smbsite/ link to /files/<wheel>."""
    (root / "files").mkdir(parents=True)
    shutil.copy(wheel, root / "files" / wheel.name)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    (root / "simple" / "smbsite").mkdir(parents=True)
    (root / "simple" / "index.html").write_text(
        '<!DOCTYPE html><html><body><a href="smbsite/">smbsite</a></body></html>\n')
    (root / "simple" / "smbsite" / "index.html").write_text(
        f'<!DOCTYPE html><html><body><a href="../../files/{wheel.name}#sha256={digest}">{wheel.name}</a>'
        "</body></html>\n")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _workflow_step(workflow: Path, job: str, name: str) -> dict:
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    return next(s for s in data["jobs"][job]["steps"] if s.get("name") == name)


@pytest.mark.slow
def test_a_site_started_from_an_index_install_passes_its_own_workflows(tmp_path):
    """smbsite from a package index names itself `smbsite==X.Y.Z`, and the new site's workflows install that
    from the same index, check and build: what happens on the site's first push once smbsite is released."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, src / name)
    shutil.copytree(REPO / "smbsite", src / "smbsite", ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path / "dist"
    res = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, src])
    assert res.returncode == 0, res.stdout + res.stderr
    wheel = next(dist.glob("smbsite-*.whl"))
    _simple_index(tmp_path / "index", wheel)
    handler = lambda *a, **k: _Quiet(*a, directory=str(tmp_path / "index"), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        index = f"http://127.0.0.1:{server.server_address[1]}/simple/"
        # the dependencies come from wherever this machine's pip already gets them; smbsite from the index
        configured = _run([sys.executable, "-m", "pip", "config", "get", "global.extra-index-url"]).stdout.strip()
        pip_env = {"PIP_EXTRA_INDEX_URL": f"{configured} {index}".strip()}
        version = PROJECT["version"]

        user = tmp_path / "user-venv"
        venv.EnvBuilder(with_pip=False).create(user)
        res = _run([sys.executable, "-m", "pip", "--python", user / "bin/python", "install", "-q",
                    f"smbsite=={version}"], env=pip_env)
        if res.returncode != 0 and not CI:
            pytest.skip(f"could not install smbsite's dependencies: {res.stderr.strip()[-300:]}")
        assert res.returncode == 0, res.stdout + res.stderr
        res = _run([user / "bin/python", "-c", "from importlib.metadata import distribution as d; "
                    "print(d('smbsite').read_text('direct_url.json'))"], cwd=tmp_path)
        assert res.stdout.strip() == "None", res.stdout + res.stderr  # installed from an index, as from PyPI
        site = tmp_path / "workspace" / "pr"
        res = _run([user / "bin/smbsite", "init", site], cwd=tmp_path)
        assert res.returncode == 0, res.stderr
        project = tomllib.loads((site / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        assert project["dependencies"] == [f"smbsite=={version}"]

        # the runner: a fresh Python whose `python` and `smbsite` are the workflow's
        runner = tmp_path / "runner-venv"
        venv.EnvBuilder(with_pip=True).create(runner)
        env = {**pip_env, "PATH": f"{runner / 'bin'}{os.pathsep}{os.environ['PATH']}"}
        workflows = site / ".github" / "workflows"
        check_steps = [_workflow_step(workflows / "check.yml", "check", name) for name in (
            "Install smbsite from the pull request", "Check every record (annotations on the pull request's lines)",
            "Check the JSON Schemas match the content model")]
        for step in check_steps:
            cwd = site.parent / step.get("working-directory", ".")
            res = _run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=cwd, env=env)
            assert res.returncode == 0, f"{step['name']}: {res.stdout[-2000:]}{res.stderr[-2000:]}"
        shown = _run([runner / "bin/python", "-m", "pip", "show", "smbsite"], env=env).stdout
        assert f"Version: {version}" in shown
        install = _workflow_step(workflows / "pages.yml", "build", "Install smbsite")
        build = _workflow_step(workflows / "pages.yml", "build", "Build with the Pages address as base URL")
        for step, extra in ((install, {}), (build, {"BASE_URL": "https://cascade-it.example.net/site"})):
            res = _run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=site,
                       env={**env, **extra})
            assert res.returncode == 0, f"{step['name']}: {res.stdout[-2000:]}{res.stderr[-2000:]}"
        home = (site / "output" / "index.html").read_text(encoding="utf-8")
        assert 'href="https://cascade-it.example.net/site/"' in home or "/site/static/" in home
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.mark.slow
def test_installed_from_git_at_a_tag_smbsite_names_that_commit(tmp_path):
    """What pip really records for `pip install 'smbsite @ git+URL@TAG'` gives the requirement at the commit."""
    from smbsite.core.version import install_requirement
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, repo / name)
    shutil.copytree(REPO / "smbsite", repo / "smbsite", ignore=shutil.ignore_patterns("__pycache__"))
    git = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "release"], ["tag", "v9.9.9"]):
        assert _run(["git", "-C", repo, *args], env=git).returncode == 0
    commit = _run(["git", "-C", repo, "rev-parse", "HEAD"]).stdout.strip()
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    res = _run([sys.executable, "-m", "pip", "--python", env_dir / "bin/python", "install", "-q", "--no-deps",
                f"git+file://{repo}@v9.9.9"])
    if res.returncode != 0 and not CI:
        pytest.skip(f"could not build from git: {res.stderr.strip()[-300:]}")
    assert res.returncode == 0, res.stdout + res.stderr
    res = _run([env_dir / "bin/python", "-c", "from importlib.metadata import distribution as d; "
                "print(d('smbsite').read_text('direct_url.json'))"], cwd=tmp_path)
    import json
    from pip._vendor.packaging.requirements import Requirement
    from smbsite.core.version import NoRequirement
    origin = json.loads(res.stdout)
    assert origin["vcs_info"]["commit_id"] == commit and origin["vcs_info"]["requested_revision"] == "v9.9.9"
    # a repository in a folder on this machine is nothing a site's workflow can install
    with pytest.raises(NoRequirement, match="git repository in the folder"):
        install_requirement(origin)
    # the same record from GitHub names the commit, as a requirement pip accepts
    origin["url"] = "https://github.com/smbtn/website"
    requirement = install_requirement(origin)
    assert requirement == f"smbsite @ git+https://github.com/smbtn/website@{commit}"
    assert str(Requirement(requirement).url) == f"git+https://github.com/smbtn/website@{commit}"
