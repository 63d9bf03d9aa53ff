"""Every link is reported where it is written, however it is spelt (entities, escapes,
percent-encoding), and a link to the file a page is written to names that page."""
from __future__ import annotations

import pytest

from conftest import AS_OF, ARTICLE_MD, MEMBER_YAML, build_ok
from smbsite.api import check
from smbsite.core.markdown import MarkdownRenderer

M = "members/acme-networks.yaml"
A = "content/articles/hello-members.md"
UNSAFE = "is not allowed: only http, https, mailto, tel and site links are kept"


def errors(site) -> list[str]:
    return [p.text() for p in check(site, as_of=AS_OF).problems if p.severity == "error"]


def with_description(block: str) -> str:
    return MEMBER_YAML.split("description:")[0] + block


@pytest.mark.parametrize("written,url", [
    ("jav&#x61;script:alert(1)", "javascript:alert(1)"),
    ("&#106;avascript:alert(1)", "javascript:alert(1)"),
    ("\\/\\/evil.example/", "//evil.example/"),
    ("<javascript:alert(1)>", "javascript:alert(1)"),
])
def test_a_disguised_script_link_deep_in_a_description_is_reported_at_its_line(make_site, written, url):
    lines = "".join(f"  Paragraph line {i}.\n" for i in range(1, 13))
    site = make_site({M: with_description("description: |\n" + lines + f"  See [this]({written}) now.\n")})
    col = 15 if written.startswith("<") else 14
    assert errors(site) == [f"{M}:23:{col}: error: link '{url}' {UNSAFE}"]


def test_a_disguised_link_in_an_article_is_reported_at_its_line(make_site):
    body = "".join(f"Line {i}.\n\n" for i in range(1, 8)) + "And [x](jav&#x61;script:y) [z](\\/\\/evil.example/)\n"
    site = make_site({A: ARTICLE_MD + body})
    assert errors(site) == [f"{A}:22:9: error: link 'javascript:y' {UNSAFE}",
                            f"{A}:22:32: error: link '//evil.example/' {UNSAFE}"]


def test_an_escaped_link_in_a_quoted_yaml_value_is_reported_at_its_line(make_site):
    site = make_site({M: with_description('description: "First.\n\n  See [x](\\/\\/evil.example/)."\n')})
    assert errors(site) == [f"{M}:12:11: error: link '//evil.example/' {UNSAFE}"]


def test_a_reference_definition_is_reported_where_its_address_is(make_site):
    site = make_site({A: ARTICLE_MD + "\nSee [x][r].\n\n[r]: jav&#x61;script:y\n"})
    assert errors(site) == [f"{A}:11:6: error: link 'javascript:y' {UNSAFE}"]


def test_a_site_link_spelt_with_entities_or_escapes_is_reported_at_its_line(make_site):
    site = make_site({A: ARTICLE_MD + "\nOne\n\n[a](/n&#x6f;where/) and [b](/caf\\%C3\\%A9/) and [c](/café/)\n"})
    found = errors(site)
    assert [p.split(": error: ")[0] for p in found] == [f"{A}:11:5", f"{A}:11:29", f"{A}:11:52"]
    assert "link to /nowhere/, a page that does not exist" in found[0]


def test_the_same_disguised_link_twice_reports_the_first_place():
    md = MarkdownRenderer("/")
    rendered = md.render("a\n\n[x](jav&#x61;script:y)\n\n[y](jav&#x61;script:y)\n")
    assert [(u.target, u.line, u.col) for u in rendered.unsafe] == [("javascript:y", 3, 5)]


def test_a_link_to_a_page_file_is_the_page(make_site):
    site = make_site({A: ARTICLE_MD + "\n[join](/join/index.html), [home](/index.html), "
                                      "[members](/members/index.html#top)\n"})
    assert errors(site) == []
    out = build_ok(make_site, {A: ARTICLE_MD + "\n[join](/join/index.html)\n"})
    html = (out / "articles/hello-members/index.html").read_text(encoding="utf-8")
    assert 'href="/net/join/index.html"' in html and (out / "join/index.html").is_file()


def test_a_link_to_a_missing_page_file_is_still_missing(make_site):
    site = make_site({A: ARTICLE_MD + "\n[x](/nowhere/index.html)\n"})
    assert errors(site) == [f"{A}:9:5: error: link to /nowhere/index.html, a page that does not exist — link to a "
                            "page of this site, e.g. /members/"]


def test_an_autolink_is_reported_where_its_address_starts():
    md = MarkdownRenderer("/")
    rendered = md.render("one\n\ntwo <jav&#x61;script:y> and <javascript:alert(1)>\n")
    assert [(u.target, u.line, u.col) for u in rendered.unsafe] == [("javascript:alert(1)", 3, 30)]
