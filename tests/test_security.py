"""Nothing a contributor writes can add script: hostile text in every field of every record
kind is built, and every page is parsed to prove it stayed text."""
from __future__ import annotations

import json
import re
from pathlib import Path

import icalendar
import lxml.etree
import lxml.html
import pytest

from conftest import AS_OF, REPO, SITE_YAML

# A name fits in 120 characters; it tries to close an attribute, a tag and a script.
HOSTILE = "\"><script>alert(1)</script><img src=x onerror=alert(2)>' onmouseover='alert(3)"
assert len(HOSTILE) < 100
TEMPLATE_TRICK = "{{ 7 * 7 }}{% raw %}"
MD_HOSTILE = (
    "<script>alert(4)</script> <img src=x onerror=alert(5)> <a href=\"javascript:alert(6)\">click</a>\n\n"
    "<iframe src=\"https://evil.example\"></iframe> <svg onload=alert(7)>\n\n"
    "[safe](https://example.org/?q=%22%3E%3Cscript%3E) and " + TEMPLATE_TRICK + "\n\n"
    "[titled](https://example.org \"t\\\" onmouseover=\\\"alert(11)\") "
    "<https://example.org/\"onfocus=\"alert(12)> ![i](/static/style.css?\"onerror=\"alert(13))\n"
)


def q(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid double-quoted YAML string


def block(text: str, indent: int = 2) -> str:
    pad = " " * indent
    return "|\n" + "".join(pad + line + "\n" for line in text.splitlines())


HOSTILE_FILES = {
    "site.yaml": SITE_YAML.replace("tagline: Testing, together", f"tagline: {q(HOSTILE)}")
                          .replace("description: Network drops", f"description: {q(HOSTILE)}"),
    "members/acme-networks.yaml": f"""\
name: {q('Acme ' + HOSTILE)}
summary: {q(HOSTILE)}
joined: 2024-05-01
city: {q(HOSTILE)}
state: CA
specialties: [cabling]
vendors: [sonicwall]
certifications: [{q(HOSTILE)}, {q(TEMPLATE_TRICK)}]
website: {q('https://acme.example.com/?a="><script>alert(8)</script>')}
description: {block(MD_HOSTILE)}""",
    "vendors/sonicwall.yaml": f"""\
name: {q('Sonic ' + HOSTILE)}
summary: {q(HOSTILE)}
website: "https://vendor.example.com/'onmouseover='alert(9)"
description: {block(MD_HOSTILE)}
benefits:
  - title: {q(HOSTILE)}
    type: discount
    claim: {q(HOSTILE)}
    details: {block(MD_HOSTILE, 6)}""",
    "events/annual-conference.yaml": f"""\
title: {q('Conf ' + HOSTILE)}
type: conference
starts: 2027-03-30
ends: 2027-04-01
summary: {q(HOSTILE)}
description: {block(MD_HOSTILE)}
location: {{name: {q(HOSTILE)}, address: {q(HOSTILE)}, city: {q(HOSTILE)}, state: CA}}
registration: "https://tickets.example.com/?x=<script>alert(10)</script>"
sponsors: [sonicwall]
sessions:
  - title: {q(HOSTILE)}
    starts: 2027-03-30T09:00
    ends: 2027-03-30T10:00
    speakers: [{q(HOSTILE)}]
    room: {q(HOSTILE)}
    track: {q(HOSTILE)}
    description: {block(MD_HOSTILE, 6)}""",
    "events/radio-hour.yaml": f"""\
title: {q('Radio ' + HOSTILE)}
type: radio
starts: 2027-01-12T10:00
summary: {q(HOSTILE)}
stations:
  - {{city: {q(HOSTILE)}, state: CA, station: {q(HOSTILE)}}}
audio: {{url: "https://cdn.example.com/ep1.mp3?a=<b>", bytes: 1000, duration: "58:30"}}
guests: [acme-networks]
""",
    "content/articles/hello-members.md": f"""\
---
title: {q('News ' + HOSTILE)}
date: 2026-10-01
author: {q(HOSTILE)}
summary: {q(HOSTILE)}
tags: [{q(HOSTILE)}]
---
{MD_HOSTILE}""",
    "content/pages/join.md": f"""\
---
title: {q('Join ' + HOSTILE)}
menu: 1
summary: {q(HOSTILE)}
---
{MD_HOSTILE}""",
}

EVENT_ATTRIBUTE = re.compile(r"^on", re.I)
SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript):", re.I)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "srcset", "xlink:href", "background"}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    from conftest import base_files, write_files
    import shutil
    from smbsite.api import build

    root = tmp_path_factory.mktemp("hostile")
    write_files(root, {**base_files(), **HOSTILE_FILES})
    shutil.copytree(REPO / "templates", root / "templates")
    result = build(root, as_of=AS_OF)
    assert result.ok, [p.text() for p in result.problems]
    return root / "output"


def html_pages(out: Path) -> list[Path]:
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 15
    return pages


def test_no_page_holds_a_script_an_event_handler_or_a_script_url(hostile_site):
    for page in html_pages(hostile_site):
        doc = lxml.html.fromstring(page.read_bytes())
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            where = f"{page.relative_to(hostile_site)}: <{el.tag}>"
            assert el.tag not in ("iframe", "object", "embed", "frame", "base"), where
            if el.tag == "script":
                if el.get("type") == "application/ld+json":
                    json.loads(el.text or "")  # raises if the record's text broke out of the JSON
                else:
                    assert el.get("src", "").startswith("/net/static/") and not (el.text or "").strip(), where
            if el.tag == "img":
                assert el.get("src") != "x", where
            for name, value in el.attrib.items():
                assert not EVENT_ATTRIBUTE.match(name), f"{where} {name}={value!r}"
                if name.lower() in URL_ATTRIBUTES:
                    assert not SCRIPT_URL.match(re.sub(r"[\x00-\x20]", "", value)), f"{where} {name}={value!r}"


def test_the_hostile_text_is_shown_as_text(hostile_site):
    """The check above means something only if the fields were rendered at all."""
    member = lxml.html.fromstring((hostile_site / "members/acme-networks/index.html").read_bytes())
    text = member.text_content()
    assert "Acme " + HOSTILE in text
    assert "<script>alert(4)</script>" in text  # raw HTML of the description, as text
    assert TEMPLATE_TRICK in text  # record text is never evaluated as a template
    # (titles are prose: shown with typographic quotes, the rest of the text as written)
    from smbsite.core.markdown import typographic
    event = lxml.html.fromstring((hostile_site / "events/annual-conference/index.html").read_bytes()).text_content()
    assert typographic("Conf " + HOSTILE) in event
    article = lxml.html.fromstring((hostile_site / "articles/hello-members/index.html").read_bytes()).text_content()
    assert typographic("News " + HOSTILE) in article


def test_json_ld_keeps_the_text_and_cannot_be_closed_early(hostile_site):
    raw = (hostile_site / "members/acme-networks/index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', raw, re.S)
    assert blocks, "the member page has JSON-LD"
    names = [json.loads(b).get("name") for b in blocks]
    assert "Acme " + HOSTILE in names


def test_feeds_calendars_and_data_stay_well_formed(hostile_site):
    for rel in ("feed.xml", "sitemap.xml", "radio/feed.xml"):
        lxml.etree.fromstring((hostile_site / rel).read_bytes())  # raises on broken XML
    atom = (hostile_site / "feed.xml").read_bytes()
    titles = lxml.etree.fromstring(atom).findall(".//{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title")
    from smbsite.core.markdown import typographic  # titles are prose, set as on the pages
    assert typographic("News " + HOSTILE) in [t.text for t in titles]
    cal = icalendar.Calendar.from_ical((hostile_site / "events/annual-conference.ics").read_bytes())
    assert [str(e.get("summary")) for e in cal.walk("VEVENT")] == [typographic("Conf " + HOSTILE)]
    members = json.loads((hostile_site / "members.json").read_bytes())
    assert members["members"][0]["name"] == "Acme " + HOSTILE


def test_the_shipped_scripts_never_turn_data_into_markup():
    """The partner finder reads members.json in the browser; building HTML from that text
    would undo the escaping done at build time."""
    risky = re.compile(r"\.innerHTML\s*[+]?=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function")
    for js in (REPO / "smbsite" / "theme" / "static").rglob("*.js"):
        assert not risky.search(js.read_text(encoding="utf-8")), js.name
