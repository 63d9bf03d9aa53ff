"""A new kind of record needs its registry entry, its model and its templates, nothing else.

The kind here is a job posting that member companies publish: declared in a test, with
its model classes and two templates in the site's own templates/, and no change to any
module of smbsite. Loading, validation with positions, the page per record and the
listing, the sitemap, Markdown with its link checks and serve's incremental path all
come from the registry.
"""
from __future__ import annotations

import lxml.html
import pytest
from markupsafe import Markup

from conftest import AS_OF
from smbsite import api
from smbsite.model.site import FROZEN, Derived, Html
from smbsite.model.fields import Markdown, Name, Sentence
from smbsite.server.incremental import IncrementalSite
from smbsite.model.kinds import KINDS, YAML, Kind
from smbsite.model.records import Record


class JobRecord(Record):
    title: Name
    company: Sentence
    description: Markdown = ""


class Job(Derived, JobRecord):
    model_config = FROZEN
    description_html: Html = Markup("")


JOB_PAGE = """{% extends "base.html" %}
{% block main %}<article><h1>{{ record.title }}</h1><p class="company">{{ record.company }}</p>
{{ record.description_html }}</article>{% endblock %}
"""
JOB_LIST = """{% extends "base.html" %}
{% block main %}<h1>Jobs</h1><ul class="jobs">{% for job in records %}<li><a href="{{ url(job.url) }}">{{ job.title }}</a></li>{% endfor %}</ul>{% endblock %}
"""
HELPDESK = "title: Helpdesk technician\ncompany: Acme Networks\ndescription: |\n  Join [our team](/members/acme-networks/).\n"


@pytest.fixture
def jobs(monkeypatch):
    monkeypatch.setitem(KINDS, "job", Kind("job", "jobs", YAML, JobRecord, "/jobs/{slug}/", "jobs",
                                           shape=("title",), markdown=(("description",),),
                                           content=Job, page="job.html", listing="jobs.html"))


def job_site(make_site, job: str = HELPDESK):
    site = make_site({"jobs/helpdesk-technician.yaml": job})
    (site / "templates" / "job.html").write_text(JOB_PAGE, encoding="utf-8")
    (site / "templates" / "jobs.html").write_text(JOB_LIST, encoding="utf-8")
    return site


def test_a_kind_declared_in_the_registry_gets_its_pages_listing_and_sitemap(make_site, jobs):
    site = job_site(make_site)
    out = site / "output"
    result = api.build(site, out, as_of=AS_OF)
    assert result.ok, [p.text() for p in result.problems]
    page = lxml.html.fromstring((out / "jobs" / "helpdesk-technician" / "index.html").read_bytes())
    assert page.xpath("string(//h1)") == "Helpdesk technician"
    assert page.xpath("string(//p[@class='company'])") == "Acme Networks"
    [link] = page.xpath("//article//a/@href")  # its Markdown, rendered, the link under the base path
    assert link.endswith("/members/acme-networks/")
    listing = lxml.html.fromstring((out / "jobs" / "index.html").read_bytes())
    assert [h.rsplit("/jobs/", 1)[1] for h in listing.xpath("//ul[@class='jobs']//a/@href")] == ["helpdesk-technician/"]
    assert "/jobs/helpdesk-technician/" in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_mistakes_in_records_of_the_new_kind_are_reported_at_their_lines(make_site, jobs):
    site = job_site(make_site, "title: Helpdesk technician\ncompany: Acme Networks\nsalary: 10\n")
    (site / "jobs" / "network-engineer.yaml").write_text(
        "title: Network engineer\ncompany: Acme Networks\ndescription: |\n  See [the old page](/gone/).\n",
        encoding="utf-8")
    result = api.check(site, as_of=AS_OF)
    at = {(p.path, p.line): p.message for p in result.errors}
    assert "salary" in at[("jobs/helpdesk-technician.yaml", 3)]  # a field its model does not have
    assert "/gone/" in at[("jobs/network-engineer.yaml", 4)]  # a link to a page that does not exist


def test_serve_keeps_the_new_kind_equal_to_a_full_build(make_site, jobs, tmp_path):
    site = job_site(make_site)
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    inc.render_dirty()
    record = site / "jobs" / "helpdesk-technician.yaml"
    record.write_text(HELPDESK.replace("Acme Networks", "Acme Networks LLC"), encoding="utf-8")
    assert inc.apply({"jobs/helpdesk-technician.yaml"}).path == "fast"  # company is not in its shape
    served = inc.files()
    out = tmp_path / "full"
    assert api.build(site, out, as_of=AS_OF, cache=False).ok
    for rel in ("jobs/helpdesk-technician/index.html", "jobs/index.html"):
        assert served[rel] == (out / rel).read_bytes(), rel
    assert b"Acme Networks LLC" in served["jobs/helpdesk-technician/index.html"]


def test_a_record_of_the_new_kind_added_later_is_in_the_sitemap_of_a_cached_build(make_site, jobs, tmp_path):
    site = job_site(make_site)
    out, cache = site / "output", tmp_path / "cache"
    assert api.build(site, out, as_of=AS_OF, cache=cache).ok
    (site / "jobs" / "network-engineer.yaml").write_text(
        "title: Network engineer\ncompany: Acme Networks\n", encoding="utf-8")
    assert api.build(site, out, as_of=AS_OF, cache=cache).ok
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "/jobs/network-engineer/" in sitemap and "/jobs/helpdesk-technician/" in sitemap
    listing = (out / "jobs" / "index.html").read_text(encoding="utf-8")
    assert "Network engineer" in listing


def test_serve_lists_a_record_of_the_new_kind_added_later_in_the_sitemap(make_site, jobs):
    site = job_site(make_site)
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    inc.render_dirty()
    (site / "jobs" / "network-engineer.yaml").write_text(
        "title: Network engineer\ncompany: Acme Networks\n", encoding="utf-8")
    inc.apply({"jobs/network-engineer.yaml"})
    served = inc.files()
    assert "/jobs/network-engineer/" in served["sitemap.xml"].decode("utf-8")
    assert b"Network engineer" in served["jobs/index.html"]
