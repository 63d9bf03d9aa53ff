"""A kind of record added the way an association adds one: a package with one module and its
templates, installed beside smbsite, found through the `smbsite.kinds` entry points. Nothing
of smbsite changes and nothing is imported from the site folder.

The kind is a job posting (tests/data/job_kind/smbsite_jobs/): it names a member, is shown on
that member's page, in the listing at /jobs/ and on a page of its own, and is taken down after
its `expires` day. Installing it here means what pip would write: the package on the path and a
dist-info folder with its entry point (in-process for the library, PYTHONPATH for the CLI).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import importlib
from pathlib import Path

import jsonschema
import lxml.html
import pytest
import yaml

from conftest import AS_OF, REPO, free_port, get, run_cli, stop_process, wait_for
from smbsite import api
from smbsite.model import kinds
from smbsite.server.incremental import IncrementalSite

PACKAGE = REPO / "tests" / "data" / "job_kind" / "smbsite_jobs"

HELPDESK = ("title: Helpdesk technician\nmember: acme-networks\nsummary: First-line support for small offices.\n"
            "expires: 2026-12-31\ndescription: |\n  Join [our team](/members/acme-networks/).\n")
ENGINEER = ("title: Network engineer\nmember: acme-networks\nsummary: Firewalls and switching.\n"
            "expires: 2027-01-31\n")
EXPIRED = ("title: Summer intern\nmember: acme-networks\nsummary: Cable runs in July.\nexpires: 2026-08-31\n")


def install(root: Path) -> Path:
    """The package as pip installs it into root: the package, and its distribution's metadata
    naming the kind's entry point."""
    shutil.copytree(PACKAGE, root / "smbsite_jobs", ignore=shutil.ignore_patterns("__pycache__"))
    info = root / "smbsite_jobs-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: smbsite-jobs\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[smbsite.kinds]\njob = smbsite_jobs.job:KIND\n", encoding="utf-8")
    return root


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """The job kind installed for this process; smbsite's registry forgets it afterwards."""
    root = install(tmp_path / "site-packages")
    monkeypatch.syspath_prepend(str(root))
    kinds.registry.cache_clear()
    yield root
    monkeypatch.undo()
    for name in [m for m in sys.modules if m.split(".")[0] == "smbsite_jobs"]:
        del sys.modules[name]
    importlib.invalidate_caches()
    kinds.registry.cache_clear()


def job_site(make_site, jobs: dict[str, str] | None = None) -> Path:
    jobs = {"helpdesk-technician": HELPDESK} if jobs is None else jobs
    return make_site({f"jobs/{slug}.yaml": text for slug, text in jobs.items()})


def html(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def test_the_kind_is_found_through_its_entry_point_after_the_built_in_ones(installed):
    assert list(kinds.KINDS) == ["member", "vendor", "event", "page", "article", "job"]
    assert kinds.KINDS["job"].url_of("helpdesk-technician") == "/jobs/helpdesk-technician/"


def test_the_built_in_kinds_are_declared_as_entry_points_too():
    from importlib.metadata import entry_points

    declared = {ep.name: ep.value for ep in entry_points(group=kinds.GROUP) if ep.value.startswith("smbsite.")}
    assert declared == {name: f"smbsite.kinds.{name}:KIND" for name in kinds.BUILT_IN}
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert all(f'{name} = "smbsite.kinds.{name}:KIND"' in text for name in kinds.BUILT_IN)


def test_its_pages_listing_member_page_and_sitemap(make_site, installed):
    site = job_site(make_site, {"helpdesk-technician": HELPDESK, "network-engineer": ENGINEER,
                                "summer-intern": EXPIRED})
    out = site / "output"
    result = api.build(site, out, as_of=AS_OF)
    assert result.ok, [p.text() for p in result.problems]
    page = html(out / "jobs" / "helpdesk-technician" / "index.html")
    assert page.xpath("string(//h1)") == "Helpdesk technician"
    assert page.xpath("string(//p[@class='company'])") == "Acme Networks"
    [link] = page.xpath("//article/p/a[text()='our team']/@href")  # its Markdown, under the base path
    assert link.endswith("/members/acme-networks/")
    listing = html(out / "jobs" / "index.html")
    assert listing.xpath("string(//title)").startswith("Jobs")
    # the expired posting is not listed, and has no page: as an expired benefit is not shown
    assert [h.rsplit("/jobs/", 1)[1] for h in listing.xpath("//ul[@class='jobs']//a/@href")] == [
        "helpdesk-technician/", "network-engineer/"]
    assert not (out / "jobs" / "summer-intern").exists()
    member = html(out / "members" / "acme-networks" / "index.html")
    assert member.xpath("//section[@class='jobs']//a/text()") == ["Helpdesk technician", "Network engineer"]
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "/jobs/helpdesk-technician/</loc>" in sitemap and "/jobs/</loc>" in sitemap
    assert "summer-intern" not in sitemap
    assert [p.message for p in result.warnings if p.path == "jobs/summer-intern.yaml"] == [
        "job posting 'Summer intern' expired on 2026-08-31 and is not shown"]


def test_mistakes_are_reported_at_their_file_and_line(make_site, installed):
    site = job_site(make_site, {
        "helpdesk-technician": HELPDESK.replace("member: acme-networks", "member: acme-network"),
        "network-engineer": ENGINEER + "salary: 10\n",
        "field-technician": ENGINEER.replace("Network engineer", "Field technician")
        + "description: |\n  See [the old page](/gone/).\n",
    })
    result = api.check(site, as_of=AS_OF)
    at = {(p.path, p.line): p for p in result.errors}
    unknown = at[("jobs/helpdesk-technician.yaml", 2)]
    assert unknown.message == "unknown member 'acme-network'" and "acme-networks" in unknown.hint
    assert "salary" in at[("jobs/network-engineer.yaml", 5)].message  # a field its model does not have
    assert "/gone/" in at[("jobs/field-technician.yaml", 6)].message  # a link to a page that does not exist


def test_the_check_command_reports_a_missing_member_with_its_line(make_site, installed):
    site = job_site(make_site, {"helpdesk-technician": HELPDESK.replace("acme-networks\n", "zeta-cabling\n")})
    res = run_cli("check", "-s", str(site), "--as-of", AS_OF, env={"PYTHONPATH": str(installed)})
    assert res.returncode == 1
    assert "jobs/helpdesk-technician.yaml:2:9" in res.stdout + res.stderr
    assert "unknown member 'zeta-cabling'" in res.stdout + res.stderr


def test_serve_keeps_its_pages_equal_to_a_full_build(make_site, installed, tmp_path):
    site = job_site(make_site)
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    inc.render_dirty()
    record = site / "jobs" / "helpdesk-technician.yaml"
    record.write_text(HELPDESK.replace("small offices", "dental practices"), encoding="utf-8")
    assert inc.apply({"jobs/helpdesk-technician.yaml"}).path == "fast"  # the summary is not in its shape
    (site / "jobs" / "network-engineer.yaml").write_text(ENGINEER, encoding="utf-8")
    inc.apply({"jobs/network-engineer.yaml"})
    served = inc.files()
    out = tmp_path / "full"
    assert api.build(site, out, as_of=AS_OF, cache=False).ok
    for rel in ("jobs/helpdesk-technician/index.html", "jobs/network-engineer/index.html", "jobs/index.html",
                "members/acme-networks/index.html", "sitemap.xml"):
        assert served[rel] == (out / rel).read_bytes(), rel
    assert b"dental practices" in served["jobs/helpdesk-technician/index.html"]


def test_a_one_record_edit_of_either_side_keeps_the_link_from_the_model(make_site, installed, tmp_path):
    """The posting's member and the postings on the member's page are the model's links, made
    from the kind's reference: serve's one-record swap of the posting or of its member shares
    them, and the other side's page shows the new record."""
    site = job_site(make_site)
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    inc.render_dirty()
    old = inc.graph.site
    job = old.job_by_slug["helpdesk-technician"]
    assert old.linked(job, "company") is old.member_by_slug["acme-networks"]
    assert old.linked(old.member_by_slug["acme-networks"], "related") == [("_job_related.html", [job])]
    member = site / "members" / "acme-networks.yaml"
    member.write_text(member.read_text(encoding="utf-8").replace("Cabling and web", "Fibre and web"),
                      encoding="utf-8")
    assert inc.apply({"members/acme-networks.yaml"}).path == "fast"  # its summary is not in its shape
    (site / "jobs" / "helpdesk-technician.yaml").write_text(HELPDESK.replace("First-line", "Second-line"),
                                                            encoding="utf-8")
    assert inc.apply({"jobs/helpdesk-technician.yaml"}).path == "fast"
    new = inc.graph.site
    assert new.links is old.links  # a swap copies the edited record alone
    edited_job, edited_member = new.job_by_slug["helpdesk-technician"], new.member_by_slug["acme-networks"]
    assert new.linked(edited_job, "company") is edited_member
    assert new.linked(edited_member, "related") == [("_job_related.html", [edited_job])]
    assert old.linked(job, "company") is not edited_member  # the old model is as it was
    served = inc.files()
    out = tmp_path / "full"
    assert api.build(site, out, as_of=AS_OF, cache=False).ok
    for rel in ("jobs/helpdesk-technician/index.html", "jobs/index.html", "members/acme-networks/index.html"):
        assert served[rel] == (out / rel).read_bytes(), rel
    assert b"Fibre and web" in served["members/acme-networks/index.html"]
    assert b"Second-line" in served["jobs/helpdesk-technician/index.html"]


def test_a_cached_rebuild_shows_a_posting_added_later(make_site, installed, tmp_path):
    site = job_site(make_site)
    out, cache = site / "output", tmp_path / "cache"
    assert api.build(site, out, as_of=AS_OF, cache=cache).ok
    (site / "jobs" / "network-engineer.yaml").write_text(ENGINEER, encoding="utf-8")
    assert api.build(site, out, as_of=AS_OF, cache=cache).ok
    fresh = tmp_path / "fresh"
    assert api.build(site, fresh, as_of=AS_OF, cache=False).ok
    for rel in ("sitemap.xml", "jobs/index.html", "members/acme-networks/index.html"):
        assert (out / rel).read_bytes() == (fresh / rel).read_bytes(), rel
    assert "/jobs/network-engineer/" in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "Network engineer" in (out / "members" / "acme-networks" / "index.html").read_text(encoding="utf-8")


def test_serve_shows_a_posting_added_while_it_runs(make_site, installed):
    site = job_site(make_site)
    port = free_port()
    env = dict(os.environ, NO_COLOR="1", PYTHONUNBUFFERED="1", PYTHONPATH=str(installed))
    proc = subprocess.Popen([sys.executable, "-m", "smbsite", "serve", "-s", str(site), "--port", str(port),
                             "--as-of", AS_OF], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    root = f"http://127.0.0.1:{port}/net"
    try:
        wait_for(lambda: _status(get, root) == 200, what="the server to answer")
        assert b"Helpdesk technician" in get(root + "/jobs/")[2]
        (site / "jobs" / "network-engineer.yaml").write_text(ENGINEER, encoding="utf-8")
        wait_for(lambda: _status(get, root + "/jobs/network-engineer/") == 200, what="the new posting's page")
        assert b"Network engineer" in get(root + "/jobs/")[2]
        assert b"Network engineer" in get(root + "/members/acme-networks/")[2]
        assert b"/jobs/network-engineer/" in get(root + "/sitemap.xml")[2]
    finally:
        stop_process(proc)


def _status(get, url: str) -> int | None:
    try:
        return get(url + ("/" if not url.endswith("/") else ""))[0]
    except OSError:
        return None


def test_its_json_schema_is_written_with_the_others(make_site, installed):
    site = job_site(make_site)
    res = run_cli("schema", "-s", str(site), env={"PYTHONPATH": str(installed)})
    assert res.returncode == 0, res.stderr
    schema = json.loads((site / "schemas" / "job.schema.json").read_text(encoding="utf-8"))
    assert schema["title"] == "Job posting (jobs/<slug>.yaml)"
    assert schema["properties"]["expires"]["description"] == "The last day the posting is shown (YYYY-MM-DD)."
    assert set(schema["required"]) == {"title", "member", "summary", "expires"}
    posting = yaml.load(HELPDESK, Loader=yaml.BaseLoader)  # as an editor reads it: dates are strings
    jsonschema.validate(posting, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**posting, "salary": "10"}, schema)
    # the built-in kinds' schemas are those written without the job kind
    plain = job_site(make_site)
    assert run_cli("schema", "-s", str(plain)).returncode == 0
    assert sorted(p.name for p in (plain / "schemas").iterdir()) == [
        "event.schema.json", "member.schema.json", "site.schema.json", "vendor.schema.json"]
    for path in (plain / "schemas").iterdir():
        assert (site / "schemas" / path.name).read_bytes() == path.read_bytes(), path.name


def test_smbsite_new_job_writes_a_posting_to_fill_in(make_site, installed):
    site = job_site(make_site, {})
    env = {"PYTHONPATH": str(installed)}
    assert "{member|vendor|event|article|job}" in run_cli("new", "--help", env=env).stdout
    res = run_cli("new", "job", "Field technician", "-s", str(site), env=env)
    assert res.returncode == 0, res.stderr
    path = site / "jobs" / "field-technician.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/job.schema.json\n")
    assert "# The last day the posting is shown (YYYY-MM-DD)." in text
    res = run_cli("check", "-s", str(site), "--as-of", AS_OF, env=env)
    assert res.returncode == 1 and "jobs/field-technician.yaml" in res.stdout + res.stderr  # not filled in yet
    filled = text.replace("member: REPLACE ME", "member: acme-networks").replace(
        "summary: REPLACE ME", "summary: Installs and repairs.").replace("expires: REPLACE ME", "expires: 2027-02-01")
    path.write_text(filled, encoding="utf-8")
    res = run_cli("check", "-s", str(site), "--as-of", AS_OF, env=env)
    assert res.returncode == 0, res.stdout + res.stderr


def test_without_the_package_the_site_knows_no_jobs(make_site):
    """Nothing is read from the site folder as code: a jobs/ folder without the installed kind is
    no part of the site."""
    site = job_site(make_site)
    out = site / "output"
    assert api.build(site, out, as_of=AS_OF).ok
    assert not (out / "jobs").exists()
    assert "job" not in kinds.KINDS


def test_the_architecture_page_names_the_files_the_kind_needs():
    """ARCHITECTURE.md's "A record kind" lists the files of the kind's package, no more, no fewer."""
    import re

    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text[text.index("- **A record kind**"):text.index("- **A page**")]
    listed = re.findall(r"^\s+- `([^`]+)`$", section, flags=re.M)
    files = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts)
    assert sorted(listed) == files
