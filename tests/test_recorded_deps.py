"""What a page reads is what it depends on: builds through the page cache and serve's
in-memory site re-render a page when anything it read changed, whichever template reads it."""
from __future__ import annotations

import lxml.html
import pytest

from conftest import AS_OF, NEW_MEMBER
from smbsite import api
from smbsite.incremental import IncrementalSite

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
