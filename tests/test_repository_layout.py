"""The repository keeps the promises a newcomer relies on: packaging, the README's two
commands, CI running exactly what the README says, and one direction of flow between stages."""
from __future__ import annotations

import ast
import re
import tomllib

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_pyproject_declares_python_the_console_script_and_the_test_extra():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=3.11"
    assert project["scripts"] == {"smbsite": "smbsite.commands.cli:run"}
    names = {re.split(r"[<>=!~\[ ]", dep, maxsplit=1)[0].lower() for dep in project["dependencies"]}
    assert {"jinja2", "markdown-it-py", "pyyaml", "watchdog", "pydantic", "pydantic-core", "markupsafe", "click", "icalendar"} <= names
    tests = {re.split(r"[<>=!~\[ ]", dep, maxsplit=1)[0].lower() for dep in project["optional-dependencies"]["test"]}
    assert {"pytest", "hypothesis", "feedparser", "lxml"} <= tests


def test_the_site_folder_and_the_program_sit_side_by_side():
    for folder in ("smbsite", "members", "vendors", "events", "content/pages", "content/articles", "templates",
                   "templates/static", "tests"):
        assert (REPO / folder).is_dir(), folder
    for file in ("site.yaml", "README.md", "pyproject.toml", ".ci/run"):
        assert (REPO / file).is_file(), file


def test_the_build_output_is_never_committed():
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").split()
    assert {"output/", "/output/"} & set(ignored), "output/ must be git-ignored"


def test_readme_quick_start_has_exactly_the_two_commands():
    start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", start, re.S)
    assert commands == ["pip install -e . && smbsite build", "pip install -e '.[test]' && pytest"]


def test_readme_covers_commands_formats_adding_a_member_and_the_open_data():
    for command in ("smbsite build", "smbsite check", "smbsite serve", "smbsite new"):
        assert f"`{command}" in README, command
    assert "docs/formats.md" in README and (REPO / "docs/formats.md").is_file()
    assert "CONTRIBUTING.md" in README and "smbsite new member" in README
    data = README.split("## Member data", 1)[1].split("\n## ", 1)[0]
    for field in ("slug", "name", "summary", "city", "state", "serves", "specialties", "vendors", "website",
                  "partnering: false"):
        assert field in data, field
    assert "docs/members-json.md" in data and (REPO / "docs/members-json.md").is_file()


def test_ci_installs_from_scratch_and_runs_the_readme_test_command():
    script = (REPO / ".ci/run").read_text(encoding="utf-8")
    lines = [line.strip() for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert lines[0] == "set -euo pipefail"
    assert "python3 -m venv .ci/venv" in lines  # a fresh environment, not the developer's
    assert "export CI=true" in lines  # browser and validator tests must not skip
    # the README's test command, against the newest dependencies; a failure stops the run
    assert "pip install -e '.[test]' && pytest || exit $?" in lines
    # then against the oldest pyproject.toml allows, in a second fresh environment
    assert "python3 -m venv .ci/venv-oldest" in lines
    oldest = lines[lines.index("python3 -m venv .ci/venv-oldest"):]
    assert "python scripts/lower_bounds.py > .ci/venv-oldest/constraints.txt" in oldest
    assert "python -m pip install -c .ci/venv-oldest/constraints.txt -e '.[test]'" in oldest
    assert lines[-1].endswith(' pytest -p no:cacheprovider -m "not browser and not validator and not slow"')
    assert "|| true" not in script and "-eq 5" not in script  # pytest's "no tests ran" fails the run


def test_the_oldest_run_pins_every_dependency_at_its_lower_bound():
    import subprocess
    import sys
    res = subprocess.run([sys.executable, str(REPO / "scripts/lower_bounds.py")], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    pins = dict(line.split("==") for line in res.stdout.split())
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for dep in project["dependencies"]:
        name, _, low = re.match(r"([A-Za-z0-9._-]+)(\[[^\]]*\])?>=(.+)", dep).groups()
        assert pins[name] == low, dep
    assert len(pins) == len(project["dependencies"])


def test_no_test_module_imports_another():
    """Shared fixtures and helpers live in conftest.py, so each test file reads on its own."""
    for path in sorted((REPO / "tests").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [n for n in names if n.split(".")[0].startswith("test_")], path.name


def test_nothing_under_ci_but_the_script_is_tracked():
    """.ci/run installs .ci/node and .ci/venv on each machine; a tracked link there breaks a clean clone."""
    import subprocess
    tracked = subprocess.run(["git", "ls-files", ".ci"], cwd=REPO, capture_output=True, text=True).stdout.split()
    if tracked:  # (not a git checkout: nothing to check)
        assert tracked == [".ci/run"]
