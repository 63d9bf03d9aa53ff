"""Site search: with `search: true` the build writes a Pagefind index of the content
pages and every page gets a search box; without it, neither. (Searching in a browser
is in test_browser_chrome.py.)"""
from __future__ import annotations

import hashlib

import lxml.html
import pytest

from conftest import AS_OF, REPO, SITE_YAML
from smbsite import api
from smbsite.publishing import search

SEARCH_ON = SITE_YAML + "search: true\n"


def page(out, site_path: str) -> lxml.html.HtmlElement:
    rel = site_path.strip("/")
    return lxml.html.fromstring((out / rel / "index.html" if rel else out / "index.html").read_bytes())


def build(site, out, **kw):
    result = api.build(site, out, as_of=AS_OF, **kw)
    assert result.ok, [str(p) for p in result.problems]
    return out


def digest(folder) -> dict[str, str]:
    return {str(f.relative_to(folder)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(folder.rglob("*")) if f.is_file()}


@pytest.fixture(scope="module")
def searchable(tmp_path_factory):
    from conftest import base_files, write_files
    root = tmp_path_factory.mktemp("search") / "site"
    write_files(root, {**base_files(), "site.yaml": SEARCH_ON})
    return root


def test_search_true_writes_an_index_and_a_search_page(searchable, tmp_path):
    out = build(searchable, tmp_path / "out")
    index = out / "pagefind"
    assert (index / "pagefind.js").is_file() and (index / "pagefind-entry.json").is_file()
    assert list((index / "fragment").iterdir()), "pages were indexed"
    doc = page(out, "/search/")
    assert doc.xpath("//h1/text()") == ["Search"]
    assert doc.xpath("//div[@id='search']/@data-bundle") == ["/net/pagefind/"]
    assert doc.xpath("//div[@id='search']/@data-base") == ["/net/"]
    assert "/net/search/" not in (out / "sitemap.xml").read_text(), "a search page is no destination of its own"


def test_every_page_has_a_search_box_that_submits_to_the_search_page(searchable, tmp_path):
    out = build(searchable, tmp_path / "out")
    for file in out.rglob("*.html"):
        doc = lxml.html.fromstring(file.read_bytes())
        [form] = doc.xpath("//header//form[@role='search']")
        assert form.get("action") == "/net/search/" and form.xpath(".//input[@name='q']"), file
        assert form.xpath(".//label[@for]/@for") == form.xpath(".//input/@id")


def test_only_the_main_content_of_content_pages_is_indexed(searchable, tmp_path):
    out = build(searchable, tmp_path / "out")
    for path in ("/members/acme-networks/", "/vendors/sonicwall/", "/events/annual-conference/",
                 "/articles/hello-members/", "/join/", "/radio/"):
        doc = page(out, path)
        assert [el.tag for el in doc.xpath("//*[@data-pagefind-body]")] == ["main"], path
    for path in ("/", "/members/", "/partners/", "/partners/cabling/", "/regions/ca/", "/vendors/", "/events/",
                 "/articles/", "/search/"):
        assert not page(out, path).xpath("//*[@data-pagefind-body]"), path


def test_search_index_is_byte_identical_for_the_same_sources(searchable, tmp_path):
    first = digest(build(searchable, tmp_path / "a") / "pagefind")
    second = digest(build(searchable, tmp_path / "b") / "pagefind")
    assert first == second and len(first) > 10


def test_search_is_off_unless_asked_for(make_site, tmp_path):
    out = build(make_site(), tmp_path / "out")
    assert not (out / "pagefind").exists() and not (out / "search").exists()
    doc = page(out, "/members/acme-networks/")
    assert not doc.xpath("//form[@role='search']") and not doc.xpath("//*[@data-pagefind-body]")


def test_a_failing_indexer_is_an_error_at_the_setting_and_leaves_output_alone(searchable, tmp_path, monkeypatch):
    out = build(searchable, tmp_path / "out")
    before = digest(out)
    monkeypatch.setattr(search, "executable", lambda: REPO / "no-such-pagefind")
    result = api.build(searchable, out, as_of=AS_OF)
    assert not result.ok
    [problem] = result.errors
    line = SEARCH_ON.splitlines().index("search: true") + 1
    assert (problem.path, problem.line, problem.col) == ("site.yaml", line, 1)
    assert "could not run Pagefind" in problem.message and problem.hint == "or set search: false"
    assert digest(out) == before
    assert not list(tmp_path.glob(".out.smbsite-new-*")), "the staging folder is cleaned up"


def test_search_setting_must_be_true_or_false(make_site, cli):
    res = cli("check", "-s", str(make_site({"site.yaml": SITE_YAML + "search: maybe\n"})), "--as-of", AS_OF)
    assert res.returncode == 1 and "search: " in res.stderr


# --- bundled data stays current -------------------------------------------------------------

@pytest.mark.parametrize("as_of", [AS_OF, "2028-12-31"])
def test_bundled_site_checks_strict_without_warnings_through_2028(cli, as_of):
    res = cli("check", "-s", str(REPO), "--strict", "--as-of", as_of)
    assert res.returncode == 0, res.stderr
    assert "0 errors, 0 warnings" in res.stderr


TYPES = {"/members/acme-networks/": "Member", "/vendors/sonicwall/": "Vendor", "/events/annual-conference/": "Event",
         "/articles/hello-members/": "News", "/join/": "Page"}


def test_each_indexed_page_says_what_it_is(searchable, tmp_path):
    # a label in the index's metadata (Pagefind's filters are left out: their files differ from build to build)
    out = build(searchable, tmp_path / "out")
    for path, label in TYPES.items():
        [main] = page(out, path).xpath("//main[@data-pagefind-body]")
        assert main.get("data-pagefind-meta") == f"type:{label}", path
        assert main.get("data-pagefind-filter") is None, path


def test_member_pages_weigh_their_name_above_mentions_and_monograms_stay_out(searchable, tmp_path):
    out = build(searchable, tmp_path / "out")
    member = page(out, "/members/acme-networks/")
    assert member.xpath("//h1/@data-pagefind-weight") == ["10"]
    vendor = page(out, "/vendors/sonicwall/")
    assert vendor.xpath("//ul[.//a[contains(@href, '/members/')]]/@data-pagefind-weight") == ["0.5"]
    for file in out.rglob("*.html"):
        for mono in lxml.html.fromstring(file.read_bytes()).xpath("//*[contains(@class, 'monogram')]"):
            assert mono.get("data-pagefind-ignore") is not None, file
