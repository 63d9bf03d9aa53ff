"""The build's promises not covered elsewhere: every URL the product promises exists and is
styled, the news list is paginated, content pages form the menu in their order, and a long
build shows progress on a terminal (and only there)."""
from __future__ import annotations

import io
from pathlib import Path

import lxml.html

from conftest import AS_OF
from smbsite import api
from smbsite.core.report import Reporter

BASE_PATH = "/net/"  # the fixture site's base_url is https://example.org/net/
RADIO = """\
title: Radio hour
type: radio
starts: 2026-07-09T18:00
stations:
  - {city: Fresno, state: CA, station: KFRE 1340 AM}
"""


def build(site: Path, **kw) -> Path:
    out = site / "output"
    result = api.build(site, out, as_of=AS_OF, **kw)
    assert result.ok, [p.text() for p in result.problems]
    return out


def page(out: Path, url: str):
    file = out / url.lstrip("/")
    if url.endswith("/"):
        file = file / "index.html"
    return lxml.html.fromstring(file.read_bytes())


def test_every_url_of_the_product_list_is_built_and_styled(make_site):
    out = build(make_site({"events/radio-hour.yaml": RADIO}))
    html = ["/", "/members/", "/members/acme-networks/", "/partners/", "/partners/cabling/", "/regions/ca/",
            "/regions/nv/", "/vendors/", "/vendors/sonicwall/", "/events/", "/events/annual-conference/",
            "/events/radio-hour/", "/radio/", "/articles/", "/articles/hello-members/", "/join/", "/404.html"]
    for url in html:
        doc = page(out, url)
        assert doc.xpath("//h1"), url
        assert doc.xpath("//head/link[@rel='stylesheet']/@href") == [BASE_PATH + "static/style.css"], url
    assert (out / "static/style.css").stat().st_size > 1000
    for file in ("events/annual-conference.ics", "events.ics", "radio/feed.xml", "feed.xml", "members.json",
                 "sitemap.xml", "robots.txt", ".nojekyll"):
        assert (out / file).is_file(), file


def article(n: int) -> str:
    return f"---\ntitle: Post {n:02d}\ndate: 2026-01-{n:02d}\n---\nText {n}.\n"


def test_the_news_list_is_paginated_newest_first(make_site):
    files = {f"content/articles/post-{n:02d}.md": article(n) for n in range(1, 23)}  # 22 + the base article
    out = build(make_site(files))

    first, second = page(out, "/articles/"), page(out, "/articles/page/2/")
    titles = first.xpath("//main//article//h2/a/text()")
    assert len(titles) == 20 and titles[:2] == ["Hello members", "Post 22"] and titles[-1] == "Post 04"
    assert second.xpath("//main//article//h2/a/text()") == ["Post 03", "Post 02", "Post 01"]
    assert first.xpath("//a[@rel='next']/@href") == [BASE_PATH + "articles/page/2/"]
    assert not first.xpath("//nav[@aria-label='Pages']//a[@rel='prev']")
    assert second.xpath("//a[@rel='prev']/@href") == [BASE_PATH + "articles/"]
    assert "Page 2 of 2" in second.text_content()
    assert not (out / "articles/page/3").exists()


def test_a_short_news_list_has_one_page_and_no_pager(make_site):
    out = build(make_site())
    assert not page(out, "/articles/").xpath("//nav[@aria-label='Pages']")
    assert not (out / "articles/page").exists()


def test_content_pages_with_menu_form_the_navigation_in_menu_order(make_site):
    out = build(make_site({
        "content/pages/about.md": "---\ntitle: About us\nmenu: 0\n---\nAbout.\n",
        "content/pages/privacy.md": "---\ntitle: Privacy\n---\nNo menu entry.\n",
    }))
    home = page(out, "/")
    nav = home.xpath("//nav[@aria-label='About the association']//a")
    assert [(a.text, a.get("href")) for a in nav] == [("About us", BASE_PATH + "about/"), ("Join", BASE_PATH + "join/")]
    privacy = page(out, "/privacy/")
    assert privacy.xpath("//h1/text()") == ["Privacy"]
    current = page(out, "/join/").xpath("//nav[@aria-label='About the association']//a[@aria-current='page']/@href")
    assert current == [BASE_PATH + "join/"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def reporter_started_long_ago(stream: io.StringIO, quiet: bool = False) -> Reporter:
    reporter = Reporter(quiet=quiet, out=io.StringIO(), err=stream)
    reporter._started -= 5  # as if the build had been running for five seconds, without waiting for it
    return reporter


def test_a_long_build_shows_progress_on_a_terminal_and_clears_it(make_site):
    terminal = Terminal()
    result = api.build(make_site(), as_of=AS_OF, reporter=reporter_started_long_ago(terminal))
    assert result.ok
    shown = terminal.getvalue()
    assert "\rloading" in shown and "rendering 0/" in shown and "\x1b" not in shown
    reporter = reporter_started_long_ago(Terminal())
    reporter.progress("rendering", 1000, 3000)
    reporter.progress("writing")
    # a shorter line covers the longer one it replaces, and the line is wiped before the summary prints
    assert reporter.err.getvalue() == "\rrendering 1000/3000\r" + "writing".ljust(len("rendering 1000/3000"))
    reporter.clear_progress()
    assert reporter.err.getvalue().endswith("\r" + " " * len("writing") + "\r")


def test_no_progress_off_a_terminal_when_quiet_or_in_the_first_second(make_site):
    piped = io.StringIO()
    api.build(make_site(), as_of=AS_OF, reporter=reporter_started_long_ago(piped))
    assert piped.getvalue() == ""
    quiet = Terminal()
    api.build(make_site(), as_of=AS_OF, reporter=reporter_started_long_ago(quiet, quiet=True))
    assert quiet.getvalue() == ""
    fresh = Terminal()
    Reporter(err=fresh).progress("loading")
    assert fresh.getvalue() == ""
