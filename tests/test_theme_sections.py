"""A theme for any association: optional sections, the home page's words from site.yaml,
named blocks a site can replace, and the site's own stylesheet. Checked on built HTML."""
from __future__ import annotations

from pathlib import Path

import lxml.html

from conftest import AS_OF, SITE_YAML, build_ok
from smbsite import api

BASE = "/net/"
RADIO_EVENT = """\
title: Radio hour
type: radio
starts: 2026-12-10T18:00
stations: [{city: Fresno, state: CA, station: KFRS}]
"""
REPOSITORY = "repository: https://github.com/example/site\n"
HOME = """\
home:
  intro: Providers who *refer work* to each other. [Join us](/join/).
  audiences:
    - title: Looking for an IT provider?
      text: Find a member near you.
      link: Find an IT provider
      url: /partners/
    - title: Already a member?
      text: Find a partner for the work you don't do.
      link: Browse the directory
      url: /members/
  pillars_title: How we work
  pillars:
    - {title: Referrals, text: Members pass on work., page: join}
    - {title: Training, text: Evening workshops.}
  quote: {text: We know who to call now., person: "Ann Lee, owner", member: acme-networks}
"""


def page(out: Path, site_path: str) -> lxml.html.HtmlElement:
    rel = site_path.removeprefix("/")
    return lxml.html.parse(str(out / rel / "index.html" if not rel.endswith(".html") else out / rel)).getroot()


def text(el) -> str:
    return " ".join(el.text_content().split())


def nav_labels(doc) -> list[str]:
    return [text(a) for a in doc.xpath('//nav[@aria-label="Main"]//a')]


def all_files(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def test_every_section_is_on_by_default(make_site):
    out = build_ok(make_site, {"site.yaml": SITE_YAML + REPOSITORY, "events/radio-hour.yaml": RADIO_EVENT})
    doc = page(out, "/")
    assert nav_labels(doc) == ["Members", "Find an IT provider", "Vendor benefits", "Events", "Radio", "News"]
    files = all_files(out)
    for f in ("radio/index.html", "radio/feed.xml", "feed.xml", "articles/index.html", "vendors/index.html",
              "vendors/sonicwall/index.html", "add-your-company/index.html"):
        assert f in files
    assert doc.xpath('//footer//a[text()="Podcast feed"]') and doc.xpath('//footer//a[text()="News feed (Atom)"]')
    assert doc.get_element_by_id("conference-h") is not None


def test_sections_turned_off_leave_no_page_feed_link_or_sitemap_entry(make_site):
    off = "sections: {radio: false, conference: false, vendors: false, join_form: false, news: false}\n"
    out = build_ok(make_site, {"site.yaml": SITE_YAML + REPOSITORY + off, "events/radio-hour.yaml": RADIO_EVENT})
    files = all_files(out)
    for gone in ("radio/index.html", "radio/feed.xml", "feed.xml", "articles/index.html",
                 "articles/hello-members/index.html", "vendors/index.html", "vendors/sonicwall/index.html",
                 "add-your-company/index.html"):
        assert gone not in files, gone
    sitemap = (out / "sitemap.xml").read_text()
    for gone in ("/radio/", "/articles/", "/vendors/", "/add-your-company/"):
        assert BASE.rstrip("/") + gone not in sitemap
    assert "/events/radio-hour/" in sitemap  # the episode is still an event
    home = page(out, "/")
    assert nav_labels(home) == ["Members", "Find an IT provider", "Events"]
    footer = text(home.xpath("//footer")[0])
    assert "Podcast feed" not in footer and "News feed" not in footer and "Events calendar" in footer
    assert not home.xpath('//link[@type="application/atom+xml"]')
    # no banner, no news, no benefits on the home page
    assert home.xpath('//*[@id="conference-h"]') == [] and home.xpath('//*[@id="news-h"]') == []
    assert home.xpath('//*[@id="benefits-h"]') == []
    # no page links to what is not published: the sponsor is named, not linked
    for f in sorted(files):
        if f.endswith(".html"):
            for href in lxml.html.parse(str(out / f)).getroot().xpath("//a/@href"):
                assert not href.startswith((BASE + "vendors/", BASE + "radio/", BASE + "articles/",
                                            BASE + "feed.xml", BASE + "add-your-company/")), (f, href)
    event = page(out, "/events/annual-conference/")
    assert "Sonicwall" in text(event.xpath('//ul[@class="sponsors"]')[0])


def test_home_words_come_from_site_yaml(make_site):
    out = build_ok(make_site, {"site.yaml": SITE_YAML + HOME})
    doc = page(out, "/")
    hero = doc.xpath('//div[@class="hero"]')[0]
    assert text(hero.xpath(".//h1")[0]) == "Testing, together"  # the tagline, not the header's name again
    intro = hero.xpath('.//div[@class="lead"]')[0]
    assert intro.xpath(".//em")[0].text == "refer work" and intro.xpath(".//a/@href") == [BASE + "join/"]
    # the bundled site's templates/home.html keeps the theme's intro and adds the count
    assert "5" not in text(hero) and "1 member companies and counting" in text(hero)
    # the illustration is drawn for the site, inline, with its size set
    [art] = hero.xpath(".//*[local-name()='svg']")
    assert art.get("width") and art.get("height") and art.get("aria-hidden") == "true"
    assert not doc.xpath("//img[contains(@src, 'hero')]")
    audiences = doc.xpath('//ul[@class="audiences"]/li')
    assert [text(li.xpath(".//h2")[0]) for li in audiences] == ["Looking for an IT provider?", "Already a member?"]
    assert [li.xpath(".//a[@class='button']/@href")[0] for li in audiences] == [BASE + "partners/", BASE + "members/"]
    pillars = doc.get_element_by_id("pillars-h").getparent()
    assert text(doc.get_element_by_id("pillars-h")) == "How we work"
    assert [text(h) for h in pillars.xpath(".//h3")] == ["Referrals", "Training"]
    assert pillars.xpath(".//h3/a/@href") == [BASE + "join/"]
    quote = doc.xpath('//figure[@class="quote"]')[0]
    assert text(quote.xpath(".//blockquote")[0]) == "We know who to call now."
    assert quote.xpath(".//figcaption/a/@href") == [BASE + "members/acme-networks/"]
    assert "Ann Lee, owner" in text(quote)


def test_conference_banner_has_dates_city_and_register_while_upcoming(make_site):
    event = ("title: Annual Conference\ntype: conference\nstarts: 2027-03-30\nends: 2027-04-01\n"
             "location: {name: Hall, city: Buena Park, state: CA}\nregistration: https://tickets.example.org/c\n")
    out = build_ok(make_site, {"events/annual-conference.yaml": event})
    banner = page(out, "/").get_element_by_id("conference-h").getparent().getparent()
    assert "March 30 – April 1, 2027 · Buena Park, CA" in text(banner)
    register = banner.xpath('.//a[starts-with(text(), "Register")]')[0]
    assert register.get("href") == "https://tickets.example.org/c"
    # once it has passed, the banner leaves
    site = make_site({"events/annual-conference.yaml": event})
    assert api.build(site, site / "output", as_of="2027-04-02").ok
    assert not page(site / "output", "/").xpath('//*[@id="conference-h"]')


def test_unknown_quote_member_pillar_page_and_audience_address_are_errors(make_site):
    bad = HOME.replace("member: acme-networks", "member: acme-network").replace("page: join", "page: joim")
    bad = bad.replace("url: /members/", "url: /memebers/")
    site = make_site({"site.yaml": SITE_YAML + bad})
    result = api.build(site, site / "output", as_of=AS_OF)
    messages = [(p.path, p.line, p.message, p.hint) for p in result.problems if p.severity == "error"]
    lines = (site / "site.yaml").read_text().splitlines()
    by_message = {m: (path, line, hint) for path, line, m, hint in messages}
    assert by_message["unknown member 'acme-network'"][0] == "site.yaml"
    assert "member: acme-network" in lines[by_message["unknown member 'acme-network'"][1] - 1]
    assert "acme-networks" in by_message["unknown member 'acme-network'"][2]
    assert "page: joim" in lines[by_message["unknown page 'joim'"][1] - 1]
    [(path, line, _)] = [v for m, v in by_message.items() if "/memebers/" in m]
    assert "url: /memebers/" in lines[line - 1]


def test_site_css_and_extra_css_load_after_the_theme_on_every_page_the_form_included(make_site):
    site = make_site({"site.yaml": SITE_YAML + REPOSITORY + "extra_css: [brand/print.css]\n",
                      "templates/static/site.css": ":root { --radius: 0; }\n",
                      "templates/static/brand/print.css": "@media print { body { font-size: 10pt; } }\n"},
                     templates=False)
    assert api.build(site, site / "output", as_of=AS_OF).ok
    out = site / "output"
    for path in ("/", "/members/acme-networks/", "/add-your-company/", "/404.html"):
        sheets = page(out, path).xpath('//link[@rel="stylesheet"]/@href')
        assert sheets[0].endswith("static/style.css"), path
        assert [s.rsplit("static/", 1)[1] for s in sheets[-2:]] == ["site.css", "brand/print.css"], path
    form = page(out, "/add-your-company/").xpath('//link[@rel="stylesheet"]/@href')
    assert form.index(next(s for s in form if s.endswith("add-your-company.css"))) < form.index(
        next(s for s in form if s.endswith("site.css")))
    assert (out / "static" / "site.css").read_text() == ":root { --radius: 0; }\n"


def test_extra_css_that_does_not_exist_is_an_error(make_site):
    site = make_site({"site.yaml": SITE_YAML + "extra_css: [brand.css]\n"})
    result = api.build(site, site / "output", as_of=AS_OF)
    [problem] = [p for p in result.problems if p.severity == "error"]
    assert problem.path == "site.yaml" and "templates/static/brand.css" in problem.message
    assert (problem.line, problem.col) == (SITE_YAML.count("\n") + 1, 13)  # at the file name


def test_a_site_replaces_named_blocks_of_the_theme(make_site):
    home = ('{% extends "theme/home.html" %}\n{% block home_quote %}{% endblock %}\n'
            '{% block home_finder %}<p id="mine">Our own finder words</p>{% endblock %}\n')
    base = ('{% extends "theme/base.html" %}\n'
            '{% block footer %}<footer id="own-footer">Our footer</footer>{% endblock %}\n'
            '{% block nav %}<nav aria-label="Main"><a href="{{ url(\'/members/\') }}">Only members</a></nav>{% endblock %}\n')
    site = make_site({"site.yaml": SITE_YAML + HOME, "templates/home.html": home, "templates/base.html": base},
                     templates=False)
    assert api.build(site, site / "output", as_of=AS_OF).ok
    out = site / "output"
    doc = page(out, "/")
    assert not doc.xpath('//figure[@class="quote"]') and text(doc.get_element_by_id("mine")) == "Our own finder words"
    assert nav_labels(doc) == ["Only members"] and text(doc.get_element_by_id("own-footer")) == "Our footer"
    assert doc.xpath('//div[@class="hero"]')  # the blocks left alone are the theme's
    member = page(out, "/members/acme-networks/")
    assert member.get_element_by_id("own-footer") is not None


def test_no_dead_ends_tags_link_to_their_pages_and_content_pages_end_with_a_next_step(make_site):
    article = ("---\ntitle: Cabling news\ndate: 2026-10-02\ntags: [Cabling, Partnering]\n---\nNews.\n")
    about = "---\ntitle: About us\n---\nWho we are.\n"
    out = build_ok(make_site, {"content/articles/cabling-news.md": article, "content/pages/about.md": about})
    doc = page(out, "/articles/cabling-news/")
    tags = doc.xpath('//ul[@class="tags"]//a')
    assert [(text(a), a.get("href")) for a in tags] == [("Cabling", BASE + "articles/tags/cabling/"),
                                                       ("Partnering", BASE + "articles/tags/partnering/")]
    tagged = page(out, "/articles/tags/cabling/")
    assert text(tagged.xpath("//h1")[0]) == "News about Cabling"
    assert tagged.xpath("//main//h2/a/@href") == [BASE + "articles/cabling-news/"]
    for path in ("/about/", "/articles/cabling-news/", "/members/acme-networks/", "/regions/ca/",
                 "/partners/cabling/", "/vendors/", "/vendors/sonicwall/"):
        last = page(out, path).xpath("//main//aside[@class='next-step']")
        assert last and last[-1].xpath(".//a"), path
    # whole cards are one link each: the heading's, which the card's area stretches
    card = page(out, "/members/").xpath('//li[contains(@class, "card")]')[0]
    assert "linked" in card.get("class").split() and card.xpath('.//*[contains(@class, "card-title")]/a')
