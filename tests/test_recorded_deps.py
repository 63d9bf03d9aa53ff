"""What a page reads is what it depends on: builds through the page cache and serve's
in-memory site re-render a page when anything it read changed, whichever template reads it."""
from __future__ import annotations

import lxml.html
import pytest

from conftest import AS_OF, NEW_MEMBER
from smbsite import api
from smbsite.server.incremental import IncrementalSite

COUNTING_PAGE = """{% extends "theme/page.html" %}
{% block main %}<p id="count">{{ site.members|length }} members</p>{{ super() }}{% endblock %}
"""


def count_on_join(html: bytes) -> str:
    return lxml.html.fromstring(html).xpath("string(//p[@id='count'])")


def counting_site(make_site):
    site = make_site()
    (site / "templates" / "page.html").write_text(COUNTING_PAGE, encoding="utf-8")
    return site


def test_a_site_template_counting_members_is_rendered_again_after_a_member_is_added(make_site, tmp_path):
    site = counting_site(make_site)
    out, cache = site / "output", tmp_path / "cache"
    assert api.build(site, out, as_of=AS_OF, cache=cache).ok
    assert count_on_join((out / "join" / "index.html").read_bytes()) == "1 members"
    (site / "members" / "basalt-data-works.yaml").write_text(NEW_MEMBER, encoding="utf-8")
    assert api.build(site, out, as_of=AS_OF, cache=cache).ok
    assert count_on_join((out / "join" / "index.html").read_bytes()) == "2 members"


def test_serve_shows_the_new_count_after_a_member_is_added(make_site):
    site = counting_site(make_site)
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    assert count_on_join(inc.render("/join/")) == "1 members"
    (site / "members" / "basalt-data-works.yaml").write_text(NEW_MEMBER, encoding="utf-8")
    inc.apply({"members/basalt-data-works.yaml"})
    assert count_on_join(inc.render("/join/")) == "2 members"


def test_serve_shows_a_changed_summary_on_a_page_that_reads_it_from_the_site(make_site):
    site = make_site()
    (site / "templates" / "page.html").write_text(
        '{% extends "theme/page.html" %}{% block main %}<p id="count">'
        '{{ site.member_by_slug["acme-networks"].summary }}</p>{{ super() }}{% endblock %}', encoding="utf-8")
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    assert count_on_join(inc.render("/join/")) == "Cabling and web sites for small offices."
    member = site / "members" / "acme-networks.yaml"
    member.write_text(member.read_text(encoding="utf-8").replace("Cabling and web", "Fibre and web"),
                      encoding="utf-8")
    inc.apply({"members/acme-networks.yaml"})
    assert count_on_join(inc.render("/join/")) == "Fibre and web sites for small offices."


# --- any template, any edit: the cache and serve equal a build without them ----------------

import shutil  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from conftest import base_files, write_files  # noqa: E402
from smbsite.publishing.write import MARKER  # noqa: E402

# what a site's own template may read of the model (each guarded, so no edit makes it an error)
READS = [
    "{{ site.members|length }}",
    "{% for m in site.members %}{{ m.name }}/{{ m.summary }}/{{ m.city }}/{{ m.state }};{% endfor %}",
    "{% for m in site.members %}{{ m.serves|join(',') }} {{ m.specialties|join(',') }} {{ m.joined }};{% endfor %}",
    "{% for m in site.members %}{{ m.description_html }}{{ m.vendor_list|map(attribute='name')|join }}{% endfor %}",
    "{{ site.vendors|map(attribute='name')|join(', ') }}",
    "{% for v in site.vendors %}{% for b in v.current_benefits %}{{ b.title }}{% endfor %}{{ v.summary }}{% endfor %}",
    "{% for e in site.events %}{{ e.title }} {{ e.start }} {{ e.sponsor_list|length }}{% endfor %}",
    "{{ site.articles|map(attribute='title')|join(' | ') }}",
    "{% for a in site.articles %}{{ a.summary }}{{ a.html }}{% endfor %}",
    "{% for p in site.pages %}{{ p.title }}{% endfor %}",
    "{{ config.title }} {{ config.tagline }} {{ site.config.membership_goal }}",
    "{% set m = site.member_by_slug.get('acme-networks') %}{% if m %}{{ m.website }}{% endif %}",
    "{% include '_extra.html' %}",
    "{{ partial('_extra.html') }}",
]
TEMPLATES = {"page.html": "theme/page.html", "member.html": "theme/member.html", "article.html": "theme/article.html"}


def member_yaml(name: str, summary: str, state: str = "CA", specialties: str = "[cabling]") -> str:
    return (f"name: {name}\nsummary: {summary}\njoined: 2025-02-03\ncity: Reno\nstate: {state}\n"
            f"specialties: {specialties}\nvendors: [sonicwall]\nwebsite: https://{name.split()[0].lower()}.example.com\n")


def article_md(title: str, day: str, body: str) -> str:
    return f"---\ntitle: {title}\ndate: {day}\nauthor: Staff\nsummary: About {title}.\n---\n{body}\n"


def set_field(site: Path, rel: str, key: str, value) -> set[str]:
    path = site / rel
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data[key] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return {rel}


def set_front(site: Path, rel: str, key: str, value) -> set[str]:
    path = site / rel
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    data = yaml.safe_load(front)
    if key == "body":
        body = f"{value}\n"
    else:
        data[key] = value
    path.write_text("---\n" + yaml.safe_dump(data, sort_keys=False) + "---\n" + body, encoding="utf-8")
    return {rel}


def members(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in (site / "members").glob("*.yaml"))


def articles(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in (site / "content" / "articles").glob("*.md"))


def edit(site: Path, draw, n: int) -> set[str]:
    """One random edit of the site folder (valid content); the paths it changed."""
    words = draw(st.sampled_from(["Granite", "Basalt", "Cedar", "Quartz", "Alder"]))
    choice = draw(st.sampled_from([
        "member_field", "member_add", "member_remove", "member_rename", "vendor_field", "event_field",
        "article_field", "article_add", "article_remove", "article_rename", "page_field", "site_field",
        "template_extra", "template_main"]))
    if choice == "member_field":
        rel = draw(st.sampled_from(members(site)))
        key, value = draw(st.sampled_from([
            ("name", f"{words} Networks {n}"), ("summary", f"{words} summary {n}."), ("city", words),
            ("state", "OR"), ("serves", ["NV", "WA"]), ("specialties", ["web-development"]),
            ("website", f"https://{words.lower()}{n}.example.com"), ("description", f"{words} text {n}.\n"),
            ("partnering", False), ("joined", "2023-01-0%d" % (n % 9 + 1))]))
        return set_field(site, rel, key, value)
    if choice == "member_add":
        rel = f"members/{words.lower()}-{n}.yaml"
        (site / rel).write_text(member_yaml(f"{words} Data {n}", f"New member {n}."), encoding="utf-8")
        return {rel}
    if choice in ("member_remove", "member_rename"):
        rels = members(site)
        if len(rels) < 2:
            return edit(site, draw, n + 1)
        rel = draw(st.sampled_from(rels))
        text = (site / rel).read_text(encoding="utf-8")
        (site / rel).unlink()
        if choice == "member_remove":
            return {rel}
        new = f"members/{words.lower()}-renamed-{n}.yaml"
        (site / new).write_text(text, encoding="utf-8")
        return {rel, new}
    if choice == "vendor_field":
        key, value = draw(st.sampled_from([
            ("name", f"{words}wall"), ("summary", f"Firewalls, {words} edition."),
            ("benefits", [{"title": f"{n}% off", "type": "discount", "claim": "Ask."}]),
            ("description", f"{words} vendor text.\n")]))
        return set_field(site, "vendors/sonicwall.yaml", key, value)
    if choice == "event_field":
        key, value = draw(st.sampled_from([
            ("title", f"{words} Conference"), ("description", f"{words} agenda.\n"),
            ("location", {"name": f"{words} Hall", "address": "2 Main St", "city": "Reno", "state": "NV"})]))
        return set_field(site, "events/annual-conference.yaml", key, value)
    if choice == "article_field":
        rels = articles(site)
        if not rels:
            return edit(site, draw, n + 1)
        key, value = draw(st.sampled_from([("title", f"{words} news {n}"), ("summary", f"{words} in brief."),
                                           ("date", "2026-09-0%d" % (n % 9 + 1)), ("body", f"{words} body {n}.")]))
        return set_front(site, draw(st.sampled_from(rels)), key, value)
    if choice == "article_add":
        rel = f"content/articles/{words.lower()}-{n}.md"
        (site / rel).write_text(article_md(f"{words} news {n}", "2026-08-1%d" % (n % 9), "Hello."), encoding="utf-8")
        return {rel}
    if choice in ("article_remove", "article_rename"):
        rels = articles(site)
        if not rels:
            return edit(site, draw, n + 1)
        rel = draw(st.sampled_from(rels))
        text = (site / rel).read_text(encoding="utf-8")
        (site / rel).unlink()
        if choice == "article_remove":
            return {rel}
        new = f"content/articles/{words.lower()}-moved-{n}.md"
        (site / new).write_text(text, encoding="utf-8")
        return {rel, new}
    if choice == "page_field":
        key, value = draw(st.sampled_from([("title", f"Join {words}"), ("body", f"Join {words} today."),
                                           ("menu", n % 3 + 1)]))
        return set_front(site, "content/pages/join.md", key, value)
    if choice == "site_field":
        key, value = draw(st.sampled_from([("tagline", f"{words}, together"), ("membership_goal", 20 + n),
                                           ("title", f"{words} Network")]))
        return set_field(site, "site.yaml", key, value)
    if choice == "template_extra":
        read = draw(st.sampled_from(READS[:-2]))
        (site / "templates" / "_extra.html").write_text(f"<p class=extra>{read}</p>\n", encoding="utf-8")
        return {"templates/_extra.html"}
    name = draw(st.sampled_from(sorted(TEMPLATES)))
    write_template(site, name, draw(st.lists(st.sampled_from(READS), min_size=1, max_size=3)))
    return {"templates/" + name}


def write_template(site: Path, name: str, reads: list[str]) -> None:
    """A site template replacing some of the theme's: it reads reads, and shows _extra.html (a
    template file in templates/ that nothing uses is an error)."""
    body = "\n".join(f"<p class=read>{r}</p>" for r in [*reads, "{% include '_extra.html' %}"])
    (site / "templates" / name).write_text(
        f'{{% extends "{TEMPLATES[name]}" %}}{{% block main %}}{body}{{{{ super() }}}}{{% endblock %}}\n',
        encoding="utf-8")


def written(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
            if p.is_file() and p.name != MARKER and p.relative_to(out).parts[0] != "pagefind"}


def differing(got: dict[str, bytes], want: dict[str, bytes]) -> list[str]:
    return sorted(k for k in got.keys() | want.keys() if got.get(k) != want.get(k))


@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_builds_through_the_cache_and_serve_equal_a_build_without_them(data):
    root = Path(tempfile.mkdtemp(prefix="smbsite-reads-"))
    try:
        site = root / "site"
        files = dict(base_files())
        files["members/cedar-tech.yaml"] = member_yaml("Cedar Tech", "Phones and desks.", "NV", "[web-development]")
        files["templates/_extra.html"] = "<p class=extra>{{ config.title }}</p>\n"
        write_files(site, files)
        for name in TEMPLATES:
            write_template(site, name, data.draw(st.lists(st.sampled_from(READS), min_size=1, max_size=3)))
        cache, cached, fresh = root / "cache", root / "cached", root / "fresh"
        assert api.build(site, cached, as_of=AS_OF, cache=cache).ok
        inc = IncrementalSite(site, as_of=AS_OF)
        inc.full()
        inc.render_dirty()
        for n in range(data.draw(st.integers(1, 3))):
            changed = edit(site, data.draw, n)
            result = api.build(site, fresh, as_of=AS_OF, cache=False)
            assert result.ok, [p.text() for p in result.problems]
            want = written(fresh)
            assert api.build(site, cached, as_of=AS_OF, cache=cache).ok
            assert differing(written(cached), want) == [], ("cache", changed)
            inc.apply(changed)
            assert differing(inc.files(), want) == [], ("serve", changed)
    finally:
        shutil.rmtree(root, ignore_errors=True)
