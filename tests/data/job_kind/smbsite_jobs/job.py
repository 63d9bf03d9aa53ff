"""Job postings: a member company's open position (jobs/<slug>.yaml), the way an association
adds a kind of record to its site without changing smbsite: this module and its templates,
installed as a package that declares `job = smbsite_jobs.job:KIND` in the smbsite.kinds
entry points.

A posting names its member (checked to exist), is shown on its own page, in the listing at
/jobs/ and on the member's page, and is taken down after its `expires` day, as a vendor's
benefit is after its `ends` day.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from markupsafe import Markup

from smbsite.model.fields import PLACEHOLDER, Day, Markdown, Name, Sentence, Slug
from smbsite.model.kinds import YAML, Kind, Ref
from smbsite.model.records import Record
from smbsite.model.site import FROZEN, Derived, Html, construct


class JobRecord(Record):
    title: Name
    member: Slug
    summary: Sentence
    expires: Day
    description: Markdown = ""


class Job(Derived, JobRecord):
    model_config = FROZEN
    description_html: Html = Markup("")
    current: bool = True  # False once its expires day has passed


def check(validator: Any, valid: Any, cfg: Any) -> Any:
    rec = valid.rec
    validator.expiry(valid.src, ("expires",), f"job posting '{rec.title}'", rec.expires,
                     renew="set a later expires day if the position is still open")
    return valid


def derive(valid: Any, cfg: Any, as_of: date, fields: dict[str, Any]) -> Job:
    return construct(Job, **fields, current=valid.rec.expires >= as_of)


def scaffold(name: str, w: Any) -> str:
    fields = [
        ("title", w.scalar(name), []),
        ("member", PLACEHOLDER, ["The member offering the position, e.g. acme-networks."]),
        ("summary", PLACEHOLDER, []),
        ("expires", PLACEHOLDER, [f"For example {w.site.today}."]),
        ("description", '""', []),
    ]
    return w.record("job", w.header(f"The job posting {name} on the {w.site.title} site.",
                                    [f"Replace every {PLACEHOLDER}.", w.CHECK_STEP]), w.block(JobRecord, fields))


KIND = Kind(
    "job", "jobs", YAML, JobRecord, "/jobs/{slug}/", "jobs", Job,
    shape=("title", "member", "expires"), markdown=(("description",),),
    refs=(Ref("member", "member", link="company", shown="_job_related.html"),),
    name_word="job's title", published=lambda job: job.current,
    check=check, derive=derive, page="job.html", listing="jobs.html", title="Jobs",
    templates=str(Path(__file__).parent / "templates"),
    scaffold=scaffold, schema="job",
    schema_title=("Job posting (jobs/<slug>.yaml)", "An open position at a member company."),
    docs={JobRecord: {
        "title": "The position, e.g. Helpdesk technician.",
        "member": "The member offering it, by its file name in members/ without .yaml.",
        "summary": "One line: what the work is and where.",
        "expires": "The last day the posting is shown (YYYY-MM-DD).",
        "description": "More about the position, in Markdown.",
    }},
)
