"""`smbsite init DIR`: a new association site that checks and builds at once.

The starter is package data, `smbsite/starter/`, laid out as the site it
becomes. A path part spelled `dot-NAME` is written as `.NAME` (`.github/`,
`.gitignore`): the package holds no hidden files, which packaging globs skip,
and no workflow or CODEOWNERS file that GitHub would read in this repository.

Three files are made here rather than copied: `schemas/` comes from the content
model and the starter's specialties (as `smbsite schema` writes it),
`CONTRIBUTING.md` from the site's own data (`commands/contributing_guide.py`), and `pyproject.toml`
names the smbsite that wrote the site the way it was installed (PEP 610:
`smbsite==X.Y.Z` from an index, the git URL at its commit), so its pull
requests and its publishing workflow build with the same one until someone
changes it. `init --refresh` rewrites the files smbsite owns in a site (the
workflows, the pull-request template, CONTRIBUTING.md) and nothing else.

The starter's workflows and pull-request template are this repository's,
adapted by `site_workflow` and `site_pr_template`: a site has no program to
test. A test compares the packaged copies with the adapted originals;
`python -m smbsite.commands.newsite REPO` rewrites them after the originals change.
"""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import yaml

from ..api import UsageError
from ..core.problems import no_site_yaml
from .contributing_guide import contributing
from ..model.schema import write_schemas
from ..core.version import NoRequirement, direct_url, install_requirement

STARTER = Path(__file__).resolve().parents[1] / "starter"
DOT = "dot-"

PYPROJECT = """\
# Which smbsite builds this site. The pull-request check and the publishing
# workflow install it with `pip install .`; on your own computer, run the same
# in a virtual environment. To move to a newer smbsite, raise the version here
# in a pull request: its check shows the pages the new version changes.
[project]
name = "association-website"
version = "1"
requires-python = ">=3.11"
dependencies = [{requirement}]

# The site is no Python package: nothing but the dependency above is installed.
[tool.setuptools]
packages = []
"""


def site_path(rel: str) -> str:
    """The path in the new site of the starter file REL: `dot-github/x` -> `.github/x`."""
    return "/".join("." + part[len(DOT):] if part.startswith(DOT) else part for part in rel.split("/"))


def starter_files() -> dict[str, bytes]:
    """{path in the new site: bytes} of every packaged starter file."""
    files = {}
    for path in sorted(STARTER.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            files[site_path(path.relative_to(STARTER).as_posix())] = path.read_bytes()
    return files


REQUIREMENT = re.compile(r"smbsite\s*(@\s*\S+|(==|>=|~=|<=|!=|<|>)\s*[0-9][^\s;]*(\s*,\s*(==|>=|~=|<=|!=|<|>)\s*[0-9][^\s;,]*)*)")
EXAMPLE_REQUIREMENT = "smbsite @ git+https://github.com/OWNER/REPOSITORY@vX.Y.Z"


def site_requirement(given: str | None = None, dest: str | Path = "DIR") -> str:
    """The requirement a new site's pyproject.toml names: GIVEN, else how this smbsite was installed.

    From an index, `smbsite==X.Y.Z`; from a git URL, that URL at the installed commit.
    A local folder, an editable install or a local file is nothing another machine can
    install: then the caller must say what the site's workflows should install.
    """
    if given is not None:
        given = " ".join(given.split())
        if not REQUIREMENT.fullmatch(given):
            raise UsageError(f"--requirement {given!r} is not a requirement for smbsite: write it as "
                             f"'smbsite==X.Y.Z' or '{EXAMPLE_REQUIREMENT}'")
        return given
    try:
        return install_requirement(direct_url())
    except NoRequirement as why:
        raise UsageError(f"{why}, which the new site's workflows cannot install. Say what they should install: "
                         f"smbsite init {dest} --requirement '{EXAMPLE_REQUIREMENT}' (or 'smbsite==X.Y.Z' for a "
                         "release on PyPI)") from None


def init_site(dest: str | Path, requirement: str | None = None) -> list[str]:
    """Write a new site into DEST (created; an existing one must be an empty folder).

    Returns the paths written, relative to DEST. Raises UsageError for a DEST
    that is a file or a folder with anything in it, or when no requirement for
    smbsite can be named (see site_requirement): nothing is written then.
    """
    dest = Path(dest)
    pin = site_requirement(requirement, dest)
    if os.path.lexists(dest) and not dest.is_dir():
        what = "a link to a path that does not exist" if dest.is_symlink() else "a file"
        raise UsageError(f"cannot make a site in {dest}: it is {what}, not a folder")
    if dest.is_dir():
        try:
            taken = next(iter(os.scandir(dest)), None)
        except OSError as exc:
            raise UsageError(f"cannot make a site in {dest}: {exc.strerror}") from None
        if taken is not None:
            raise UsageError(f"cannot make a site in {dest}: the folder is not empty (it has {taken.name}); "
                             "choose a new or empty folder")
    files = {**starter_files(), "pyproject.toml": PYPROJECT.format(requirement=json.dumps(pin)).encode()}
    try:
        dest.mkdir(parents=True, exist_ok=True)
        for rel, data in files.items():
            if rel == "CONTRIBUTING.md":  # written last, from the site's own data
                continue
            path = dest / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "xb") as fh:  # never replace a file that appeared meanwhile
                fh.write(data)
        with open(dest / "CONTRIBUTING.md", "x", encoding="utf-8", newline="\n") as fh:
            fh.write(contributing(dest))
        written = sorted(files) + write_schemas(dest)
    except OSError as exc:
        raise UsageError(f"cannot make a site in {dest}: {exc.strerror or exc}") from None
    return sorted(written)


# The files smbsite owns in a site: `init --refresh` rewrites them from the installed version.
REFRESHED = ("CONTRIBUTING.md", ".github/PULL_REQUEST_TEMPLATE.md", ".github/workflows/")


def refresh_site(site: str | Path) -> list[tuple[str, str, str]]:
    """Rewrite SITE's workflows, pull-request template and CONTRIBUTING.md as this smbsite writes them.

    Records, content, settings, templates and every other file stay as they are.
    Returns (path, old text, new text) for each file that changed ("" when it is new).
    """
    site = Path(site)
    if not (site / "site.yaml").is_file():
        raise no_site_yaml(site, hint="--refresh updates an existing site; to start one, run smbsite init DIR without it")
    wanted = {rel: data.decode("utf-8") for rel, data in starter_files().items()
              if rel.startswith(REFRESHED) and rel != "CONTRIBUTING.md"}
    try:
        wanted["CONTRIBUTING.md"] = contributing(site)
    except ValueError as exc:
        raise UsageError(f"cannot write CONTRIBUTING.md for {site}: {exc}") from None
    changed = []
    for rel in sorted(wanted):
        path = site / rel
        if path.is_symlink() or (os.path.lexists(path) and not path.is_file()):
            raise UsageError(f"cannot refresh {path}: it is not a plain file")
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        if old != wanted[rel]:
            changed.append((rel, old, wanted[rel]))
    try:
        for rel, _, text in changed:
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise UsageError(f"cannot refresh {site}: {exc.strerror or exc}") from None
    return changed


# --- the starter's copies of this repository's GitHub files ------------------------------------------

# The opening comment of a workflow, where the site's differs from this repository's.
SITE_WORKFLOW_HEADERS = {
    "check.yml": """\
# Every pull request: check every record (notes on the lines of any mistake, and
# every problem in the job summary), build the site, list the pages the change
# adds, removes or changes, and offer the built site to download.
""",
}
PROGRAM_ONLY_MARK = "<!-- Changing the program"
# Workflows only a repository that holds the program has (a site has nothing to release).
PROGRAM_ONLY_WORKFLOWS = {"release.yml"}
# Where a site's workflow says something else than this repository's: (workflow, this repository's text, the
# site's). In a site, smbsite comes from the requirement in pyproject.toml, never from a `smbsite/` folder: a
# pull request that leaves pyproject.toml alone builds its base with the smbsite already installed, through
# the cache; only one that changes the requirement (an upgrade) installs the base's smbsite beside it.
SITE_EDITS = [
    ("check.yml",
     """      # A pull request that leaves the program alone builds its base with the
      # same smbsite; otherwise the base gets its own, in a second environment.
""",
     """      # A pull request that leaves pyproject.toml alone builds its base with the
      # same smbsite. One that changes the smbsite the site names (an upgrade)
      # builds the base with the old one, in a second environment, so that the
      # summary lists the pages the new version changes.
"""),
    ("check.yml",
     "          if diff -rq -x __pycache__ base/smbsite pr/smbsite >/dev/null 2>&1 && "
     "cmp -s base/pyproject.toml pr/pyproject.toml; then\n",
     "          if cmp -s base/pyproject.toml pr/pyproject.toml; then\n"),
]


def _job_blocks(lines: list[str]) -> list[tuple[str, int, int]]:
    """Each job of the workflow as (id, first line, end line); the comments just above a job are its own."""
    start = next((i + 1 for i, line in enumerate(lines) if line.rstrip() == "jobs:"), None)
    if start is None:
        raise ValueError("the workflow has no jobs: section")
    heads = [(i, m.group(1)) for i, line in enumerate(lines[start:], start)
             if (m := re.match(r"^  ([A-Za-z0-9_-]+):\s*$", line))]
    firsts = []
    for n, (i, _) in enumerate(heads):
        floor = heads[n - 1][0] + 1 if n else start
        while i - 1 >= floor and re.match(r"^(  #.*)?\s*$", lines[i - 1]):
            i -= 1
        firsts.append(i)
    ends = firsts[1:] + [len(lines)]
    return [(job, first, end) for (_, job), first, end in zip(heads, firsts, ends)]


def _program_jobs(workflow: dict) -> set[str]:
    """The jobs that test the program (they run .ci/run), and the jobs only they need."""
    jobs = workflow.get("jobs", {})

    def needs(job: str) -> set[str]:
        value = jobs[job].get("needs", [])
        return {value} if isinstance(value, str) else set(value)

    drop = {job for job, spec in jobs.items()
            if any(".ci/run" in str(step.get("run", "")) for step in spec.get("steps", []))}
    while True:
        kept = set(jobs) - drop
        more = {j for j in kept if any(j in needs(d) for d in drop) and not any(j in needs(k) for k in kept)}
        if not more:
            break
        drop |= more
    for job in set(jobs) - drop:
        if needs(job) & drop:
            raise ValueError(f"job {job!r} needs {sorted(needs(job) & drop)}, which test the program")
    return drop


def site_workflow(name: str, text: str) -> str:
    """This repository's workflow NAME as an association site runs it: without the program's tests."""
    workflow = yaml.safe_load(text)
    drop = _program_jobs(workflow)
    lines = text.splitlines(keepends=True)
    for job, first, end in reversed(_job_blocks(lines)):
        if job in drop:
            del lines[first:end]
    while lines and not lines[-1].strip():
        lines.pop()
    out = "".join(lines)
    for workflow, ours, theirs in SITE_EDITS:
        if workflow == name:
            if out.count(ours) != 1:
                raise ValueError(f"{name}: the site's edit expects this text once: {ours!r}")
            out = out.replace(ours, theirs)
    header = SITE_WORKFLOW_HEADERS.get(name)
    if header is not None:
        body = out.split("\n")
        n = next(i for i, line in enumerate(body) if not line.startswith("#"))
        out = header + "\n".join(body[n:])
    if ".ci/run" in out:
        raise ValueError(f"{name}: the site's copy still runs .ci/run")
    yaml.safe_load(out)
    return out


def site_pr_template(text: str) -> str:
    """This repository's pull-request template without its checklist for changes to the program."""
    if PROGRAM_ONLY_MARK not in text:
        raise ValueError(f"the pull-request template has no {PROGRAM_ONLY_MARK!r} line")
    return text[:text.index(PROGRAM_ONLY_MARK)].rstrip() + "\n"


def adapted_from_repository(repo: Path) -> dict[str, str]:
    """{starter path: text} of the starter files that are this repository's, adapted."""
    github = Path(repo) / ".github"
    files = {f"{DOT}github/workflows/{p.name}": site_workflow(p.name, p.read_text(encoding="utf-8"))
             for p in sorted((github / "workflows").glob("*.yml")) if p.name not in PROGRAM_ONLY_WORKFLOWS}
    files[f"{DOT}github/PULL_REQUEST_TEMPLATE.md"] = site_pr_template(
        (github / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8"))
    return files


def sync_from_repository(repo: Path) -> list[str]:
    """Rewrite the starter's adapted copies from REPO; returns the starter paths that changed."""
    changed = []
    wanted = adapted_from_repository(repo)
    for old in sorted((STARTER / f"{DOT}github" / "workflows").glob("*.yml")):
        rel = old.relative_to(STARTER).as_posix()
        if rel not in wanted:
            old.unlink()
            changed.append(rel)
    for rel, text in wanted.items():
        path = STARTER / rel
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        changed.append(rel)
    return changed


if __name__ == "__main__":  # python -m smbsite.commands.newsite REPO: refresh the starter from a checkout
    for rel in sync_from_repository(Path(sys.argv[1] if len(sys.argv) > 1 else ".")):
        print(f"wrote smbsite/starter/{rel}")
