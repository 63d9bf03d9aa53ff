"""The site's address starts every link: one that would break them is refused, in
site.yaml as a content error at its line, on the command line as a usage error."""
from __future__ import annotations

import pytest

from conftest import AS_OF, SITE_YAML
from smbsite.model.fields import base_url_problem

BASE = "base_url: https://example.org/net/"


@pytest.mark.parametrize("url,message,suggestion", [
    ("https://example.org/a?b=c#d", "must not have a query (?…) or a fragment (#…): it starts every link of the site",
     "https://example.org/a/"),
    ("https://example.org/net/#top", "must not have a query (?…) or a fragment (#…): it starts every link of the site",
     "https://example.org/net/"),
    ("'https://example.org/a\"b<c>/'", "must not hold spaces, control characters, quotes or any of <>\\^`{|}",
     "https://example.org/a%22b%3Cc%3E/"),
    ("https://example.org//", "must not have an empty part (//) in its path: it starts every link of the site",
     "https://example.org/"),
])
def test_a_base_url_that_would_break_links_is_an_error_at_its_line(make_site, cli, url, message, suggestion):
    site = make_site({"site.yaml": SITE_YAML.replace(BASE, f"base_url: {url}")})
    res = cli("build", "-s", str(site), "--as-of", AS_OF)
    assert res.returncode == 1
    assert f"site.yaml:3:11: error: base_url: {message} — e.g. base_url: {suggestion}" in res.stderr
    assert not (site / "output").exists()
    assert cli("check", "-s", str(site), "--as-of", AS_OF).returncode == 1


@pytest.mark.parametrize("url,message", [
    ("https://example.org/a?b=c#d", "--base-url must not have a query (?…) or a fragment (#…): it starts every link "
                                    "of the site, not 'https://example.org/a?b=c#d'; e.g. --base-url "
                                    "https://example.org/a/"),
    ("https://example.org/pre view/", "--base-url must not hold spaces, control characters, quotes or any of "
                                      "<>\\^`{|}, not 'https://example.org/pre view/'; e.g. --base-url "
                                      "https://example.org/pre%20view/"),
    (" https://example.org/", "--base-url must be an absolute web address starting with http:// or https://"),
    ("https://user:secret@example.org/", "--base-url needs a host name, and no user name or password"),
    ("https://x.example.org//", "--base-url must not have an empty part (//) in its path: it starts every link of "
                                "the site, not 'https://x.example.org//'; e.g. --base-url https://x.example.org/"),
    ("https://x.example.org/pr//7/", "e.g. --base-url https://x.example.org/pr/7/"),
])
def test_a_base_url_option_that_would_break_links_is_a_usage_error(make_site, cli, url, message):
    site = make_site()
    res = cli("build", "-s", str(site), "--as-of", AS_OF, "--base-url", url)
    assert res.returncode == 2
    assert message in res.stderr and "Traceback" not in res.stderr
    assert not (site / "output").exists()


@pytest.mark.parametrize("url", ["https://example.org/", "https://example.org/net", "http://localhost:8000/",
                                 "https://example.org/a%20b/", "https://preview-12.example.org/site/"])
def test_usable_base_urls_are_fine(url):
    assert base_url_problem(url) is None


def test_a_preview_base_url_moves_every_link(make_site, cli):
    site = make_site()
    res = cli("build", "-s", str(site), "--as-of", AS_OF, "--base-url", "https://preview.example.org/pr-7")
    assert res.returncode == 0, res.stderr
    assert 'href="/pr-7/members/"' in (site / "output/index.html").read_text(encoding="utf-8")
