"""How a visitor reaches the association and joins it: contact details in every footer,
an application link on the join page, plain addresses in Markdown as links, and a
bundled site whose pages agree with each other about its members."""
from __future__ import annotations

import re
from datetime import date

import lxml.html
import pytest

from conftest import AS_OF, REPO, SITE_YAML, build_ok
from smbsite.api import prepare
from smbsite.core.markdown import MarkdownRenderer, linkify
from smbsite.core.urls import tel_href

CONTACT = SITE_YAML.replace("membership_goal: 10\n", """membership_goal: 10
contact:
  email: office@example.org
  phone: (916) 555-0100
  address: |
    1 Main Street, Suite 4
    Fresno, CA 93721
""")

JOIN = """\
---
title: Join
menu: 1
---
Write to membership@example.org or call (916) 555-0199, or read https://example.org/rules first.
"""


def page(out, site_path: str) -> lxml.html.HtmlElement:
    rel = site_path.strip("/")
    return lxml.html.fromstring((out / rel / "index.html" if rel else out / "index.html").read_bytes())


def html_pages(out):
    return [f for f in out.rglob("*.html") if "pagefind" not in f.parts]


# --- the footer --------------------------------------------------------------------------

def test_every_page_footer_shows_the_contact_details_as_links(make_site):
    out = build_ok(make_site, {"site.yaml": CONTACT})
    pages = html_pages(out)
    assert len(pages) > 10
    for file in pages:
        doc = lxml.html.fromstring(file.read_bytes())
        [address] = doc.xpath("//footer//address")
        links = {a.get("href"): a.text_content() for a in address.iter("a")}
        assert links == {"mailto:office@example.org": "office@example.org", "tel:9165550100": "(916) 555-0100"}, file
        assert "1 Main Street, Suite 4" in address.text_content() and "Fresno, CA 93721" in address.text_content()
        assert address.xpath(".//br"), "the address keeps its line break"


def test_a_site_without_contact_details_has_no_empty_address(make_site):
    out = build_ok(make_site)
    assert not page(out, "/").xpath("//footer//address")


@pytest.mark.parametrize("written, href", [
    ("(916) 555-0100", "tel:9165550100"),
    ("+1 916 555 0100", "tel:+19165550100"),
    ("916.555.0100", "tel:9165550100"),
    ("+44 20 7946 0958", "tel:+442079460958"),
    ("(916) 555-0100 x12", "tel:9165550100;ext=12"),
    ("916-555-0100 ext. 7", "tel:9165550100;ext=7"),
])
def test_tel_links_keep_only_digits_a_leading_plus_and_the_extension(written, href):
    assert tel_href(written) == href


def test_member_phone_links_are_normalised(make_site):
    from conftest import MEMBER_YAML
    out = build_ok(make_site, {"members/acme-networks.yaml": MEMBER_YAML + "phone: (559) 555-0142\n"})
    doc = page(out, "/members/acme-networks/")
    assert doc.xpath('//ul[@class="contact-buttons"]//a[starts-with(@href, "tel:")]/@href') == ["tel:5595550142"]


# --- the join page -------------------------------------------------------------------------

def apply_links(doc) -> list[str]:
    return [a.get("href") for a in doc.xpath("//main//a") if a.text_content().strip() == "Apply for membership"]


def test_join_page_links_to_the_application_in_site_yaml(make_site):
    site_yaml = SITE_YAML + "join_url: https://forms.example.org/apply\n"
    out = build_ok(make_site, {"site.yaml": site_yaml})
    assert apply_links(page(out, "/join/")) == ["https://forms.example.org/apply"]
    assert apply_links(page(out, "/members/")) == [], "only the join page carries it"


def test_without_join_url_applicants_apply_by_email_never_through_the_listing_form(make_site):
    from urllib.parse import parse_qs, urlsplit
    out = build_ok(make_site, {"site.yaml": CONTACT + "repository: https://github.com/example/site\n"})
    doc = page(out, "/join/")
    [href] = apply_links(doc)
    parts = urlsplit(href)
    assert parts.scheme == "mailto" and parts.path == "office@example.org"
    query = parse_qs(parts.query)
    assert query["subject"] == ["Membership application"]
    body = query["body"][0]
    assert "We would like to join Test Network." in body
    for line in ("Company name:", "Website:", "City and state:", "Number of employees:"):
        assert line in body
    assert "no account is needed" in " ".join(doc.text_content().split())
    assert "/net/add-your-company/" not in apply_links(doc)


def test_join_page_has_no_application_link_when_there_is_none(make_site):
    # neither join_url nor a contact address: nowhere to apply, so no button
    out = build_ok(make_site, {"site.yaml": SITE_YAML + "repository: https://github.com/example/site\n"})
    assert apply_links(page(out, "/join/")) == []


def test_bundled_join_page_explains_dues_and_next_steps_and_applies_by_email(tmp_path):
    from smbsite import api
    out = tmp_path / "out"
    assert api.build(REPO, out, as_of=AS_OF).ok
    doc = page(out, "/join/")
    text = " ".join(doc.text_content().split())
    assert "Dues" in text and "$250" in text and "How to join" in text and "answers within a week" in text
    [href] = apply_links(doc)
    assert href.startswith("mailto:office@smbtn.example.org?subject=Membership%20application&body=")
    # the listing form is mentioned only as the step after joining
    assert "Already a member?" not in text
    first = [a.get("href") for a in doc.xpath("//div[@class='prose']//a")]
    assert "/add-your-company/" in first and first.index("/add-your-company/") > 0


def test_join_url_must_be_a_web_address(make_site, cli):
    site = make_site({"site.yaml": SITE_YAML + "join_url: forms/apply\n"})
    res = cli("check", "-s", str(site), "--as-of", AS_OF)
    assert res.returncode == 1
    assert re.search(r"^site\.yaml:\d+:\d+: error: join_url: expected a web address", res.stderr, re.M), res.stderr


def test_contact_email_and_phone_are_checked(make_site, cli):
    bad = SITE_YAML + "contact: {email: office-at-example.org, phone: call us}\n"
    res = cli("check", "-s", str(make_site({"site.yaml": bad})), "--as-of", AS_OF)
    assert res.returncode == 1
    assert "site.yaml:11:18: error: contact › email: expected an email address" in res.stderr
    assert "site.yaml:11:48: error: contact › phone: expected a phone number" in res.stderr


# --- plain addresses in Markdown --------------------------------------------------------------

def test_plain_emails_phones_and_web_addresses_in_markdown_become_links(make_site):
    out = build_ok(make_site, {"content/pages/join.md": JOIN})
    prose = page(out, "/join/").xpath('//div[@class="prose"]')[0]
    links = {a.text_content(): a.get("href") for a in prose.iter("a")}
    assert links == {"membership@example.org": "mailto:membership@example.org",
                     "(916) 555-0199": "tel:9165550199",
                     "https://example.org/rules": "https://example.org/rules"}


@pytest.mark.parametrize("text", [
    "Call (916) 555-0199 or 916.555.0100 today.",
    "Mail a.b@example.co.uk, see https://example.org/a?b=1&c=2.",
    "Not links: 2026-11-27, 1,200 dollars, 555-0199, `916-555-0100` and [x](https://example.org/)",
    "| who | where |\n| --- | --- |\n| desk | desk@example.org |",
    "**+1 916 555 0100** and <https://example.org/auto>",
    "    916-555-0100 in a code block",
    "a &amp; b < c > \"d\" e@example.org 'f'",
])
def test_linking_is_one_pass_over_rendered_html_and_changes_nothing_else(text):
    r = MarkdownRenderer("/net/")
    linked = r.render(text).html
    assert r.html(text) == linked
    assert linkify(linked) == linked, "a second pass finds nothing more"
    plain = r.md.render(text)  # the same Markdown without the pass
    assert re.sub(r'<a href="(mailto:|tel:|https?://)[^"]*"( data-bare="")?>(.*?)</a>', r"\3", linked) == \
        re.sub(r'<a href="(https?://)[^"]*"( data-bare="")?>(.*?)</a>', r"\3", plain)


def test_numbers_that_are_not_phone_numbers_and_code_stay_text():
    html = MarkdownRenderer("/").html("Dues: $1,200 from 2026-07-01; order 555-0199; `call 916-555-0100`")
    assert "<a" not in html


def test_a_link_whose_text_is_its_address_is_marked_so_print_shows_it_once():
    html = MarkdownRenderer("/").html("See https://example.org/a and [the rules](https://example.org/b).")
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    marked = {a.get("href"): a.get("data-bare") is not None for a in doc.iter("a")}
    assert marked == {"https://example.org/a": True, "https://example.org/b": False}


# --- the bundled site ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bundled():
    prepared = prepare(REPO, AS_OF)
    problems, model = prepared.problems, prepared.site
    assert model is not None and not problems.errors
    return model


def test_bundled_contact_details_and_search_are_set(bundled):
    contact = bundled.config.contact
    assert contact.email and contact.phone and contact.address
    assert bundled.config.search is True


def test_bundled_pages_never_mention_a_members_area(bundled):
    texts = [(doc.source, doc.body) for doc in [*bundled.pages, *bundled.articles]]
    texts += [(v.source, b.claim + b.details) for v in bundled.vendors for b in v.benefits]
    assert [source for source, text in texts if re.search(r"members?'? ?area", text, re.I)] == []


def test_how_to_claim_text_links_its_email_addresses(make_site):
    from conftest import VENDOR_YAML
    vendor = VENDOR_YAML.replace("claim: Email the partner desk.",
                                 "claim: \"Email desk@example.org or call (916) 555-0100 & say 'SMB'.\"")
    out = build_ok(make_site, {"vendors/sonicwall.yaml": vendor})
    [claim] = page(out, "/vendors/sonicwall/").xpath('//p[@class="claim"]')
    assert [a.get("href") for a in claim.iter("a")] == ["mailto:desk@example.org", "tel:9165550100"]
    # the words get typographic quotes; the address and the number stay as written
    assert " ".join(claim.text_content().split()) == \
        "How to claim: Email desk@example.org or call (916) 555-0100 & say ‘SMB’."


def test_bundled_member_counts_agree_with_the_directory(bundled):
    """A number of member companies stated anywhere is the number in the directory on that day;
    500 is the goal, and nothing else."""
    stated = 0
    for doc in [*bundled.pages, *bundled.articles]:
        on = doc.published.date() if hasattr(doc, "published") else date.fromisoformat(AS_OF)
        text = f"{doc.title}\n{getattr(doc, 'summary', '')}\n{doc.body}"
        for n in re.findall(r"\b(\d+) member compan", text):
            stated += 1
            if n == "500":
                continue
            assert int(n) == sum(1 for m in bundled.members if m.joined <= on), (doc.source, n)
        assert not re.search(r"\b250 members?\b", text), doc.source
    assert stated >= 2


def test_bundled_join_page_shows_dues_as_a_table(tmp_path):
    from smbsite import api
    out = tmp_path / "out"
    assert api.build(REPO, out, as_of=AS_OF).ok
    doc = page(out, "/join/")
    assert [h.split("?")[0] for h in apply_links(doc)] == ["mailto:office@smbtn.example.org"]
    [table] = doc.xpath("//main//table")
    rows = [[c.text_content().strip() for c in tr.xpath("./th|./td")] for tr in table.iter("tr")]
    assert rows[0] == ["Employees", "Dues a year"]
    assert ["1 to 5", "$250"] in rows and len(rows) == 4
    prose = doc.xpath('//div[@class="prose"]')[0]
    assert {a.get("href") for a in prose.iter("a") if a.get("href", "").startswith(("mailto:", "tel:"))} == \
        {"mailto:membership@smbtn.example.org", "tel:9165550199"}
    home = page(out, "/")
    n = len(list((REPO / "members").glob("*.yaml")))
    assert f"{n} member companies in our directory" in home.text_content() and not home.xpath("//progress")
