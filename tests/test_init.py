"""`smbsite init DIR`: a new association site that checks, builds and publishes as it is.

The starter is package data; its workflows and pull-request template are this
repository's, adapted, and the tests here keep the two in step. The slow test
builds a wheel, installs it in a fresh virtual environment and starts a site
from there, as someone without this repository would.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
import yaml
from jsonschema import Draft202012Validator

from conftest import AS_OF, REPO, as_json, run_cli
from smbsite import __version__
from smbsite.model.records import SiteRecord, Specialty
from smbsite.commands.newsite import (PROGRAM_ONLY_WORKFLOWS, SITE_EDITS, STARTER, adapted_from_repository, site_path,
                             site_pr_template, site_workflow, starter_files)
from smbsite.model.schema import RECORD_FOLDERS, schema_comment

CI = os.environ.get("CI") == "true"

EXAMPLES = {  # kind: (record in the new site, its page in the output)
    "member": ("members/pinecrest-network-services.yaml", "members/pinecrest-network-services/index.html"),
    "vendor": ("vendors/ridgeway-distribution.yaml", "vendors/ridgeway-distribution/index.html"),
    "event": ("events/radio-finding-a-cabling-partner.yaml", "events/radio-finding-a-cabling-partner/index.html"),
    "article": ("content/articles/welcome-to-our-new-website.md", "articles/welcome-to-our-new-website/index.html"),
    "page": ("content/pages/about.md", "about/index.html"),
}
FILES = [
    ".github/CODEOWNERS", ".github/PULL_REQUEST_TEMPLATE.md", ".github/workflows/check.yml",
    ".github/workflows/pages.yml", ".gitignore", "CONTRIBUTING.md", "README.md", "pyproject.toml",
    "schemas/event.schema.json", "schemas/member.schema.json", "schemas/site.schema.json",
    "schemas/vendor.schema.json", "site.yaml", *(record for record, _ in EXAMPLES.values()),
]


PIN = f"smbsite=={__version__}"


def init(*args: str, **kwargs):
    """`smbsite init` as a release installed from an index runs it (this checkout is an editable install)."""
    return run_cli("init", *args, "--requirement", PIN, **kwargs)


@pytest.fixture(scope="module")
def new_site(tmp_path_factory) -> Path:
    """A site as `smbsite init` writes it (shared: tests that change it take a copy)."""
    site = tmp_path_factory.mktemp("init") / "our-site"
    res = init(str(site))
    assert res.returncode == 0, res.stderr
    return site


def copy_of(site: Path, tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(site, target)
    return target


# --- what init writes -----------------------------------------------------------------------

def test_init_writes_the_whole_site(new_site):
    written = sorted(p.relative_to(new_site).as_posix() for p in new_site.rglob("*") if p.is_file())
    assert written == sorted(FILES)


def test_init_says_what_it_did_and_what_to_do_next(tmp_path):
    res = init(str(tmp_path / "site"))
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"wrote {len(FILES)} files into {tmp_path / 'site'}: read its README.md, " \
                                 f"then run smbsite serve -s {tmp_path / 'site'}"


def test_new_site_checks_and_builds_without_a_warning(new_site, tmp_path):
    site = copy_of(new_site, tmp_path)
    check = run_cli("check", "-s", str(site), "--strict", "--as-of", AS_OF)
    assert check.returncode == 0, check.stderr
    assert re.fullmatch(r"check ok: 0 errors, 0 warnings, \d+ pages \(\d+ ms\)\n", check.stderr), check.stderr
    build = run_cli("build", "-s", str(site), "--strict", "--as-of", AS_OF)
    assert build.returncode == 0, build.stderr
    assert "warning" not in (build.stderr + build.stdout).lower()
    out = site / "output"
    for record, page in EXAMPLES.values():
        assert (out / page).is_file(), f"{record} has no page {page}"
    member = lxml.html.parse(str(out / EXAMPLES["member"][1])).getroot()
    assert " ".join(member.xpath("string(//h1)").split()) == "Pinecrest Network Services"
    home = lxml.html.parse(str(out / "index.html")).getroot()
    assert home.find(".//title").text_content().strip().endswith("Tri-County IT Providers")
    assert "/about/" in [a.get("href") for a in home.iter("a")]  # the page is in the main navigation
    hero = " ".join(home.xpath("string(//div[@class='hero'])").split())
    assert "buy from vendors as one." in hero  # the starter's own words (site.yaml home)
    assert "Dana Whitfield" in home.text_content()  # and its member quote
    podcast = lxml.etree.parse(str(out / "radio" / "feed.xml"))
    assert len(podcast.findall(".//item")) == 1  # an empty podcast feed would be an invalid one
    assert json.loads((out / "members.json").read_text(encoding="utf-8"))["count"] == 1
    assert not (site / "templates").exists()  # the theme comes from the package


def test_new_site_schemas_are_current(new_site):
    res = run_cli("schema", "--check", "-s", str(new_site))
    assert res.returncode == 0, res.stderr
    schema = json.loads((new_site / "schemas/member.schema.json").read_text(encoding="utf-8"))
    site = yaml.safe_load((new_site / "site.yaml").read_text(encoding="utf-8"))
    assert schema["properties"]["specialties"]["items"]["enum"] == sorted(site["specialties"])


@pytest.mark.parametrize("kind", ["site", *RECORD_FOLDERS])
def test_records_name_their_schema_and_pass_it(new_site, kind):
    paths = [new_site / "site.yaml"] if kind == "site" else sorted((new_site / RECORD_FOLDERS[kind]).glob("*.yaml"))
    assert paths
    schema = json.loads((new_site / f"schemas/{kind}.schema.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert text.splitlines()[0] == schema_comment(kind)
        target = (path.parent / schema_comment(kind).split("$schema=")[1]).resolve()
        assert target == (new_site / "schemas" / f"{kind}.schema.json").resolve()
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator.iter_errors(as_json(yaml.safe_load(text)))]
        assert errors == [], path.name


@pytest.mark.parametrize("model", [SiteRecord, Specialty], ids=lambda m: m.__name__)
def test_site_yaml_explains_every_setting_in_a_comment(model):
    """Every setting appears (as a value or commented out) right under a comment that explains it."""
    lines = (STARTER / "site.yaml").read_text(encoding="utf-8").splitlines()
    indent = "" if model is SiteRecord else "    "
    for field in model.model_fields:
        at = [i for i, line in enumerate(lines) if re.match(rf"^{indent}(# )?{field}:", line)]
        assert at, f"smbsite/starter/site.yaml does not mention the setting {field!r}: add it with a comment"
        if model is SiteRecord:
            above = lines[at[0] - 1]
            assert above.startswith("#") and not re.match(r"^# ?[a-z_]+:", above), \
                f"smbsite/starter/site.yaml: no comment explains {field!r} on the line above it"


def test_site_yaml_is_a_made_up_association_at_a_reserved_address():
    site = SiteRecord.model_validate(yaml.safe_load((STARTER / "site.yaml").read_text(encoding="utf-8")))
    assert re.fullmatch(r"https://[a-z-]+\.example\.org/", str(site.base_url))
    assert site.cname is None


def test_pyproject_pins_the_smbsite_that_wrote_the_site(new_site):
    import tomllib
    project = tomllib.loads((new_site / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["dependencies"] == [f"smbsite=={__version__}"]
    assert project["tool"]["setuptools"]["packages"] == []  # the site's folders are no Python packages


def test_gitignore_keeps_builds_caches_and_staging_folders_out(new_site, tmp_path):
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    site = copy_of(new_site, tmp_path)
    subprocess.run([git, "init", "-q", str(site)], check=True)
    ignored = ["output/index.html", ".smbsite-cache/parse.pickle", f".output.smbsite-new-{os.getpid()}/index.html",
               ".output.smbsite-old-4242/index.html", ".venv/bin/python", "build/lib/x", "x.egg-info/PKG-INFO"]
    kept = ["site.yaml", "members/pinecrest-network-services.yaml", ".github/workflows/check.yml", "schemas/x.json"]
    res = subprocess.run([git, "-C", str(site), "check-ignore", "--no-index", *ignored, *kept],
                         capture_output=True, text=True)
    assert res.stdout.split() == ignored


def test_staging_folders_ignored_are_the_ones_a_build_makes():
    from smbsite.publishing import write
    source = Path(write.__file__).read_text(encoding="utf-8")
    assert 'f".{self.out.name}.smbsite-new-{os.getpid()}"' in source
    assert 'f".{self.out.name}.smbsite-old-{os.getpid()}"' in source


def test_codeowners_holds_placeholders_only(new_site):
    lines = (new_site / ".github/CODEOWNERS").read_text(encoding="utf-8").splitlines()
    owners = [w for line in lines if not line.startswith("#") for w in line.split() if w.startswith("@")]
    assert owners and all(o.startswith("@YOUR_ORG/") for o in owners)


# --- refusing -------------------------------------------------------------------------------

def test_init_refuses_a_folder_with_something_in_it(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "notes.txt").write_text("mine\n", encoding="utf-8")
    res = init(str(site))
    assert res.returncode == 2
    assert res.stderr.splitlines() == [f"smbsite: cannot make a site in {site}: the folder is not empty "
                                       "(it has notes.txt); choose a new or empty folder"]
    assert res.stdout == ""
    assert [p.name for p in site.iterdir()] == ["notes.txt"]


def test_init_refuses_a_folder_with_only_a_hidden_file(tmp_path):
    site = tmp_path / "site"
    (site / ".git").mkdir(parents=True)
    res = init(str(site))
    assert res.returncode == 2 and len(res.stderr.splitlines()) == 1
    assert [p.name for p in site.iterdir()] == [".git"]


def test_init_refuses_a_file(tmp_path):
    path = tmp_path / "site"
    path.write_text("x", encoding="utf-8")
    res = init(str(path))
    assert res.returncode == 2
    assert res.stderr.splitlines() == [f"smbsite: cannot make a site in {path}: it is a file, not a folder"]


def test_init_refuses_a_link_to_nothing(tmp_path):
    path = tmp_path / "site"
    path.symlink_to(tmp_path / "gone")
    res = init(str(path))
    assert res.returncode == 2
    assert res.stderr.splitlines() == [f"smbsite: cannot make a site in {path}: it is a link to a path that does "
                                       "not exist, not a folder"]
    assert not (tmp_path / "gone").exists()


def test_init_fills_an_empty_folder_and_makes_missing_parents(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert init(str(empty)).returncode == 0
    assert (empty / "site.yaml").is_file()
    nested = tmp_path / "a" / "b" / "site"
    assert init(str(nested)).returncode == 0
    assert (nested / "site.yaml").is_file()


def test_init_in_the_current_folder(tmp_path):
    res = init(".", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "site.yaml").is_file()


def test_init_needs_a_folder_and_explains_itself():
    res = run_cli("init")
    assert res.returncode == 2 and "Missing argument 'DIR'" in res.stderr
    helped = run_cli("init", "--help")
    assert helped.returncode == 0
    assert "Usage: python -m smbsite init [OPTIONS] DIR" in helped.stdout
    assert "must be empty" in " ".join(helped.stdout.split())
    assert "init" in run_cli("--help").stdout


# --- one source for what the starter shares with this repository -----------------------------

def test_starter_workflows_and_pull_request_template_are_this_repositorys():
    """The packaged copies are this repository's files, adapted; `python -m smbsite.commands.newsite .` rewrites them."""
    wanted = adapted_from_repository(REPO)
    assert {p.name for p in (REPO / ".github/workflows").glob("*.yml")} - PROGRAM_ONLY_WORKFLOWS == \
        {Path(rel).name for rel in wanted if "/workflows/" in rel}
    for rel, text in wanted.items():
        packaged = (STARTER / rel).read_text(encoding="utf-8") if (STARTER / rel).is_file() else None
        assert packaged == text, f"smbsite/starter/{rel} differs from this repository's: run " \
                                 "python -m smbsite.commands.newsite . and commit the result"
    assert sorted(p.name for p in (STARTER / "dot-github/workflows").iterdir()) == \
        sorted(Path(rel).name for rel in wanted if "/workflows/" in rel)


def load_workflow(text: str) -> dict:
    data = yaml.safe_load(text)
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


SITE_WORKFLOWS = sorted(p.name for p in (REPO / ".github/workflows").glob("*.yml") if p.name not in PROGRAM_ONLY_WORKFLOWS)


@pytest.mark.parametrize("name", SITE_WORKFLOWS)
def test_a_sites_workflow_is_the_repositorys_without_the_programs_tests(name):
    """The same jobs but the program's tests, and the site's own words where SITE_EDITS says so."""
    text = (REPO / ".github/workflows" / name).read_text(encoding="utf-8")
    for workflow, repository_text, site_text in SITE_EDITS:
        if workflow == name:
            text = text.replace(repository_text, site_text)
    ours = load_workflow(text)
    theirs = load_workflow(site_workflow(name, (REPO / ".github/workflows" / name).read_text(encoding="utf-8")))
    program = {job for job, spec in ours["jobs"].items()
               if any(".ci/run" in str(s.get("run", "")) for s in spec.get("steps", []))}
    assert theirs["jobs"] == {job: spec for job, spec in ours["jobs"].items()
                              if job in theirs["jobs"]}
    assert not program & set(theirs["jobs"])
    assert {k: v for k, v in theirs.items() if k != "jobs"} == {k: v for k, v in ours.items() if k != "jobs"}


def test_dropping_the_test_job_takes_the_job_only_it_needs():
    text = """\
# Header.
name: Check
on: {pull_request: {}}
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - run: smbsite check

  # decides whether the tests run
  changes:
    runs-on: ubuntu-latest
    steps:
      - run: echo code=true

  test:
    needs: changes
    runs-on: ubuntu-latest
    steps:
      - run: .ci/run
"""
    out = site_workflow("other.yml", text)
    assert out == "# Header.\nname: Check\non: {pull_request: {}}\njobs:\n  check:\n    runs-on: ubuntu-latest\n" \
                  "    steps:\n      - run: smbsite check\n"
    # a job the site keeps may not need one that is dropped
    with pytest.raises(ValueError, match="needs"):
        site_workflow("other.yml", text + "\n  publish:\n    needs: [check, test]\n    runs-on: ubuntu-latest\n"
                                          "    steps:\n      - run: echo\n")


def test_pull_request_template_keeps_what_members_tick():
    repo = (REPO / ".github/PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    site = site_pr_template(repo)
    assert repo.startswith(site.rstrip("\n"))
    assert "pytest" in repo and "pytest" not in site
    assert "- [ ]" in site


def test_starter_holds_no_hidden_files_and_maps_dot_names():
    hidden = [p for p in STARTER.rglob(".*")]
    assert hidden == []
    assert site_path("dot-github/workflows/check.yml") == ".github/workflows/check.yml"
    assert site_path("dot-gitignore") == ".gitignore"
    assert site_path("content/pages/dot-files.md") == "content/pages/.files.md"
    assert ".gitignore" in starter_files()


def test_readme_names_the_check_that_branch_protection_requires(new_site):
    readme = (new_site / "README.md").read_text(encoding="utf-8")
    job = load_workflow((new_site / ".github/workflows/check.yml").read_text(encoding="utf-8"))["jobs"]["check"]
    assert f"*{job['name']}*" in readme
    assert "smbsite serve" in readme and "CONTRIBUTING.md" in readme and "GitHub Actions" in readme


# --- the new site's CONTRIBUTING.md tells the truth ----------------------------------------------

def guide_example(guide: str, name: str) -> str:
    """The fenced block right after `<!-- example: NAME -->`, dedented as the list item indents it."""
    m = re.search(rf"^( *)<!-- example: {re.escape(name)} -->\n\1```[a-z]*\n(.*?)^\1```", guide, re.S | re.M)
    assert m, f"CONTRIBUTING.md has no example {name!r}"
    return "".join(line.removeprefix(m.group(1)) for line in m.group(2).splitlines(keepends=True))


@pytest.fixture
def guide(new_site) -> str:
    return (new_site / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_guide_member_template_checks_clean(new_site, guide, tmp_path):
    site = copy_of(new_site, tmp_path)
    text = guide_example(guide, "member")
    (site / "members/maple-street-computing.yaml").write_text(text, encoding="utf-8")
    res = run_cli("check", "-s", str(site), "--strict", "--as-of", AS_OF)
    assert res.returncode == 0, res.stderr
    schema = json.loads((site / "schemas/member.schema.json").read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(as_json(yaml.safe_load(text)))) == []


def test_guide_broken_example_output_is_copied_from_a_real_run(new_site, guide, tmp_path):
    site = copy_of(new_site, tmp_path)
    (site / "members/maple-street-computing.yaml").write_text(guide_example(guide, "broken-member"),
                                                                encoding="utf-8")
    text = run_cli("check", "-s", str(site), "--as-of", AS_OF)
    assert text.returncode == 1
    assert [line for line in text.stderr.splitlines() if line.startswith("members/")] == \
        guide_example(guide, "broken-member-output").splitlines()
    github = run_cli("check", "-s", str(site), "--as-of", AS_OF, "--format", "github")
    assert [line for line in github.stdout.splitlines() if "file=members/" in line] == \
        guide_example(guide, "broken-member-github").splitlines()


def test_every_message_in_the_guide_table_is_real(new_site, guide, tmp_path):
    site = copy_of(new_site, tmp_path)
    table = guide.split("Other messages you may meet:")[1].split("\n\n")[1]
    messages = [m for m in re.findall(r"^\| `([^`]+)` \|", table, re.M) if "…" not in m]
    assert len(messages) >= 6
    members = site / "members"
    (members / "a.yaml").write_text(
        "name: A\nsummary: REPLACE ME\njoined: 2026-11-01\nstate: NY\nspecialties: [cabling]\n"
        "website: www.example.com\n", encoding="utf-8")
    (members / "b.yaml").write_text(
        f"name: B\nsummary: {'x' * 216}\njoined: 2026-11-01\ncity: Troy\nstate: NY\nspecialties: []\n",
        encoding="utf-8")
    (members / "Maple Street Computing.yaml").write_text("name: C\n", encoding="utf-8")
    label = re.search(r"unknown specialty '([^']+)' — '\1' is the label", table).group(1)
    (members / "d.yaml").write_text(
        "name: D\nsummary: Backups.\njoined: 2026-11-01\ncity: Troy\nstate: NY\n"
        f"specialties: [{label}]\nlogo: logo.png\ndescription: We do <b>backups</b>.\n",
        encoding="utf-8")
    (members / "logo.png").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 40)
    res = run_cli("check", "-s", str(site), "--as-of", AS_OF)
    assert res.returncode == 1
    for message in messages:
        assert message in res.stderr, f"the starter's CONTRIBUTING.md quotes {message!r}, the check never says it"


def test_guide_has_the_sections_of_this_repositorys_guide(guide):
    """The starter's guide is this repository's, adapted: a section added here belongs there too."""
    def sections(text: str) -> list[str]:
        return re.findall(r"^##+ (.+)$", text, re.M)
    program = {"Pull requests that change the program"}
    ours = [s for s in sections((REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")) if s not in program]
    assert sections(guide) == ours


# --- from a wheel, as someone without this repository starts a site --------------------------------

def _judge() -> Path | None:
    path = REPO.parent / "shared" / "checks" / "judge-site"
    if path.is_file():
        return path
    if CI:
        pytest.fail(f"the independent site checker is missing: {path}")
    pytest.skip(f"the independent site checker is not here ({path})")


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", NO_COLOR="1", **kwargs.pop("env", {}))
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=600, **kwargs)


@pytest.mark.slow
def test_a_site_started_from_the_wheel_passes_the_independent_checks(tmp_path):
    judge = _judge()
    # the wheel, from a copy of the sources (the build leaves build/ and *.egg-info behind)
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, src / name)
    shutil.copytree(REPO / "smbsite", src / "smbsite", ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path / "dist"
    res = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(src)])
    assert res.returncode == 0, res.stdout + res.stderr
    wheel = next(dist.glob("smbsite-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        packed = set(archive.namelist())
    for folder in ("theme", "starter"):
        files = {p.relative_to(REPO).as_posix() for p in (REPO / "smbsite" / folder).rglob("*") if p.is_file()}
        assert files and files <= packed, sorted(files - packed)
    # a fresh environment that has never seen this checkout: the wheel and what it declares it needs
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    res = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", str(wheel)])
    if res.returncode != 0 and not CI:
        pytest.skip(f"could not install the wheel's dependencies: {res.stderr.strip()[-300:]}")
    assert res.returncode == 0, res.stdout + res.stderr
    res = _run([str(python), "-c", "import smbsite; print(smbsite.__file__)"], cwd=tmp_path)
    assert Path(res.stdout.strip()).is_relative_to(env_dir), res.stdout + res.stderr
    smbsite = env_dir / "bin" / "smbsite"
    site = tmp_path / "our-site"
    # installed from a local file, smbsite cannot name itself: it asks for the requirement, then takes it
    res = _run([str(smbsite), "init", str(site)], cwd=tmp_path)
    assert res.returncode == 2 and "--requirement" in res.stderr and not site.exists()
    res = _run([str(smbsite), "init", str(site), "--requirement", f"smbsite=={__version__}"], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    res = _run([str(smbsite), "build", "--strict", "-s", str(site)], cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert (site / "output" / EXAMPLES["member"][1]).is_file()
    # what the site's workflows run first: `pip install .` gives the smbsite its pyproject.toml names
    res = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--find-links", str(dist),
                str(site)])
    assert res.returncode == 0, res.stdout + res.stderr
    res = _run([sys.executable, "-m", "pip", "--python", str(python), "show", "association-website"])
    assert "Requires: smbsite" in res.stdout, res.stdout + res.stderr
    res = _run([str(judge), str(site / "output")], cwd=tmp_path)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    assert res.stdout.strip().splitlines()[-1].endswith("=> PASS")


def test_readme_and_docs_say_how_to_start_a_site():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Start your own association site", 1)[1].split("\n## ", 1)[0]
    assert "smbsite init" in section and "smbsite serve" in section
    assert "docs/new-site.md" in section
    doc = (REPO / "docs/new-site.md").read_text(encoding="utf-8")
    for rel in FILES:
        if not rel.startswith("schemas/"):
            assert f"`{rel}`" in doc, f"docs/new-site.md does not list {rel}"


# --- the smbsite a new site names: as it was installed ----------------------------------------------

@pytest.mark.parametrize("origin, requirement", [
    (None, f"smbsite=={__version__}"),
    ({"url": "https://github.com/smbtn/website", "vcs_info": {"vcs": "git", "requested_revision": "v0.2.0",
                                                              "commit_id": "0123456789abcdef0123456789abcdef01234567"}},
     "smbsite @ git+https://github.com/smbtn/website@0123456789abcdef0123456789abcdef01234567"),
    ({"url": "https://files.example.org/smbsite-0.2.0-py3-none-any.whl", "archive_info": {"hash": "sha256=ab"}},
     "smbsite @ https://files.example.org/smbsite-0.2.0-py3-none-any.whl"),
], ids=["index", "git", "remote-archive"])
def test_the_requirement_follows_how_smbsite_was_installed(origin, requirement):
    from smbsite.core.version import install_requirement
    assert install_requirement(origin) == requirement


@pytest.mark.parametrize("origin, words", [
    ({"url": "file:///home/ann/smbsite", "dir_info": {"editable": True}}, "installed editable from the folder "
                                                                          "/home/ann/smbsite"),
    ({"url": "file:///home/ann/smbsite", "dir_info": {}}, "installed from the folder /home/ann/smbsite"),
    ({"url": "file:///tmp/dist/smbsite-0.2.0-py3-none-any.whl", "archive_info": {}},
     "installed from the file /tmp/dist/smbsite-0.2.0-py3-none-any.whl"),
    ({"url": "file:///home/ann/smbsite", "vcs_info": {"vcs": "git", "commit_id": "0" * 40}},
     "installed from the git repository in the folder /home/ann/smbsite"),
], ids=["editable", "folder", "local-wheel", "local-git"])
def test_a_local_install_names_no_requirement_and_says_why(origin, words):
    from smbsite.core.version import NoRequirement, install_requirement
    with pytest.raises(NoRequirement, match=words):
        install_requirement(origin)


def test_init_from_an_editable_install_asks_for_the_requirement_and_writes_nothing(tmp_path):
    site = tmp_path / "site"
    res = run_cli("init", str(site))
    assert res.returncode == 2
    message = " ".join(res.stderr.split())
    assert "installed editable from the folder" in message and "cannot install" in message
    assert f"smbsite init {site} --requirement 'smbsite @ git+https://github.com/" in message
    assert not site.exists()


@pytest.mark.parametrize("requirement", [
    "smbsite==0.2.0", "smbsite @ git+https://github.com/smbtn/website@v0.2.0", "smbsite>=0.2,<0.3"])
def test_init_writes_the_requirement_it_is_given(tmp_path, requirement):
    import tomllib
    site = tmp_path / "site"
    res = run_cli("init", str(site), "--requirement", requirement, "-q")
    assert res.returncode == 0, res.stderr
    project = tomllib.loads((site / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["dependencies"] == [requirement]


@pytest.mark.parametrize("requirement", ["flask==3.0", "smbsite", "smbsite==0.2.0; rm -rf /", "0.2.0"])
def test_init_refuses_what_is_no_requirement_for_smbsite(tmp_path, requirement):
    res = run_cli("init", str(tmp_path / "site"), "--requirement", requirement)
    assert res.returncode == 2
    assert "is not a requirement for smbsite" in res.stderr
    assert not (tmp_path / "site").exists()


# --- CONTRIBUTING.md from the site's own data, and --refresh -------------------------------------------

def test_the_guides_examples_are_this_sites_specialties_vendors_and_form(new_site, guide):
    site = yaml.safe_load((new_site / "site.yaml").read_text(encoding="utf-8"))
    vendors = sorted(p.stem for p in (new_site / "vendors").glob("*.yaml"))
    member = yaml.safe_load(guide_example(guide, "member"))
    assert member["specialties"] and set(member["specialties"]) <= set(site["specialties"])
    assert member["vendors"] == vendors[:1]
    form = section_of(guide, "## Add your company with the form")
    assert f"<{site['base_url']}add-your-company/>" in form
    assert "@@" not in guide


def section_of(text: str, heading: str) -> str:
    return text.split(heading, 1)[1].split("\n## ", 1)[0]


def _own_the_site(site: Path) -> None:
    """What a new association does first: its own address, specialties and vendor, the example vendor gone."""
    text = (site / "site.yaml").read_text(encoding="utf-8")
    text = text.replace("https://tri-county-it.example.org/", "https://cascade-it.example.net/members-site/")
    start = text.index("\nspecialties:\n")
    text = text[:start] + ("\nspecialties:\n  fiber-splicing: {label: Fiber splicing}\n"
                           "  help-desk: {label: Help desk}\n  wireless-surveys: {label: Wireless site surveys}\n")
    (site / "site.yaml").write_text(text, encoding="utf-8")
    (site / "vendors/ridgeway-distribution.yaml").unlink()
    (site / "vendors/evergreen-supply.yaml").write_text(
        "name: Evergreen Supply\nsummary: Cable, connectors and tools for installers.\n", encoding="utf-8")
    member = site / "members/pinecrest-network-services.yaml"
    member.write_text(member.read_text(encoding="utf-8").replace("[cabling, managed-it]", "[fiber-splicing]")
                      .replace("[ridgeway-distribution]", "[evergreen-supply]"), encoding="utf-8")
    events = site / "events/radio-finding-a-cabling-partner.yaml"
    events.write_text(re.sub(r"(?m)^sponsors:.*\n", "", events.read_text(encoding="utf-8")), encoding="utf-8")
    assert run_cli("schema", "-s", str(site), "-q").returncode == 0  # editors suggest the new specialties


def test_refresh_rewrites_the_guide_from_the_sites_own_data_and_shows_the_diff(new_site, tmp_path):
    site = copy_of(new_site, tmp_path)
    _own_the_site(site)
    assert run_cli("check", "-s", str(site), "--as-of", AS_OF).returncode == 0
    records = {p: p.read_bytes() for p in site.rglob("*") if p.is_file() and not p.name.endswith(".md")
               and ".github" not in p.parts}
    res = run_cli("init", str(site), "--refresh")
    assert res.returncode == 0, res.stderr
    assert "--- a/CONTRIBUTING.md\n+++ b/CONTRIBUTING.md\n" in res.stdout
    assert "+   vendors: [evergreen-supply]" in res.stdout and "-   vendors: [ridgeway-distribution]" in res.stdout
    assert res.stderr.startswith(f"refreshed 1 file in {site} (CONTRIBUTING.md)")
    guide = (site / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "ridgeway" not in guide and "managed-it" not in guide
    assert "<https://cascade-it.example.net/members-site/add-your-company/>" in guide
    # what a member pastes from the guide checks clean; its broken example fails as the guide says
    (site / "members/maple-street-computing.yaml").write_text(guide_example(guide, "member"), encoding="utf-8")
    ok = run_cli("check", "-s", str(site), "--strict", "--as-of", AS_OF)
    assert ok.returncode == 0, ok.stderr
    (site / "members/maple-street-computing.yaml").write_text(guide_example(guide, "broken-member"),
                                                                encoding="utf-8")
    broken = run_cli("check", "-s", str(site), "--as-of", AS_OF)
    assert [line for line in broken.stderr.splitlines() if line.startswith("members/")] == \
        guide_example(guide, "broken-member-output").splitlines()
    assert "unknown specialty 'Fiber splicing' — 'Fiber splicing' is the label; write its key: fiber-splicing" \
        in guide
    # nothing else changed
    assert {p: p.read_bytes() for p in records} == records


def test_refresh_restores_the_workflows_and_template_and_then_has_nothing_to_do(new_site, tmp_path):
    site = copy_of(new_site, tmp_path)
    check = site / ".github/workflows/check.yml"
    wanted = check.read_text(encoding="utf-8")
    check.write_text(wanted.replace("smbsite check --format github", "smbsite check"), encoding="utf-8")
    (site / ".github/workflows/pages.yml").unlink()
    (site / ".github/workflows/extra.yml").write_text("name: ours\n", encoding="utf-8")
    res = run_cli("init", str(site), "--refresh")
    assert res.returncode == 0, res.stderr
    assert "-        run: smbsite check\n+        run: smbsite check --format github\n" in res.stdout
    assert "--- a/.github/workflows/pages.yml" in res.stdout
    assert check.read_text(encoding="utf-8") == wanted
    assert (site / ".github/workflows/pages.yml").read_bytes() == (new_site / ".github/workflows/pages.yml").read_bytes()
    assert (site / ".github/workflows/extra.yml").read_text() == "name: ours\n"  # the site's own workflow stays
    again = run_cli("init", str(site), "--refresh")
    assert again.returncode == 0 and again.stdout == ""
    assert "are up to date" in again.stderr


def test_refresh_needs_a_site_and_leaves_pyproject_alone(tmp_path):
    res = run_cli("init", str(tmp_path), "--refresh")
    assert res.returncode == 2 and "no site.yaml in" in res.stderr
    res = run_cli("init", str(tmp_path), "--refresh", "--requirement", "smbsite==0.2.0")
    assert res.returncode == 2 and "leaves pyproject.toml alone" in res.stderr


def test_a_site_has_no_release_workflow_and_never_installs_a_smbsite_folder(new_site):
    workflows = sorted(p.name for p in (new_site / ".github/workflows").iterdir())
    assert workflows == SITE_WORKFLOWS and "release.yml" not in workflows
    check = (new_site / ".github/workflows/check.yml").read_text(encoding="utf-8")
    assert "base/smbsite" not in check and "cmp -s base/pyproject.toml pr/pyproject.toml" in check


def test_readme_first_steps_choose_the_pages_source_before_the_first_push(new_site):
    readme = (new_site / "README.md").read_text(encoding="utf-8")
    steps = " ".join(readme.split("## First steps", 1)[1].split("\n## ", 1)[0].split())
    source = steps.index("Source: GitHub Actions")
    push = steps.index("Commit and push to `main`")
    assert source < push
    assert "before pushing anything" in steps
    assert steps.index("smbsite init . --refresh") < push  # the guide quotes the site's own data when published


def test_readme_warns_that_github_stops_the_daily_rebuild_after_60_quiet_days(new_site):
    readme = " ".join((new_site / "README.md").read_text(encoding="utf-8").split())
    assert "no activity for 60 days" in readme and "Enable workflow" in readme
    cron = load_workflow((new_site / ".github/workflows/pages.yml").read_text(encoding="utf-8"))["on"]["schedule"]
    assert cron  # the rebuild the warning is about


def test_refresh_of_a_site_whose_settings_are_broken_says_so_and_writes_nothing(new_site, tmp_path):
    site = copy_of(new_site, tmp_path)
    (site / "site.yaml").write_text((site / "site.yaml").read_text(encoding="utf-8")
                                    .replace("timezone: ", "timezone: Mars/Olympus # was "), encoding="utf-8")
    before = (site / "CONTRIBUTING.md").read_bytes()
    (site / ".github/workflows/check.yml").write_text("name: changed\n", encoding="utf-8")
    res = run_cli("init", str(site), "--refresh")
    assert res.returncode == 2
    assert "site.yaml has mistakes: run smbsite check" in res.stderr
    assert (site / "CONTRIBUTING.md").read_bytes() == before
    assert (site / ".github/workflows/check.yml").read_text() == "name: changed\n"
