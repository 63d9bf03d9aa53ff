"""Members' rows and cards on list pages: rendered once per build, still replaceable by the site."""
from __future__ import annotations

import jinja2
import lxml.html

from conftest import AS_OF, NEW_MEMBER
from smbsite import build
from smbsite.server.incremental import IncrementalSite

ROW = ('<li class="mine">{{ m.name }} / {{ state_name if state_name is defined else "-" }}'
       ' / {{ url(m.url) }}</li>\n')


def texts(page, xpath):
    return [el.text_content() for el in lxml.html.fromstring(page.read_bytes()).xpath(xpath)]


def test_a_sites_own_member_row_replaces_the_themes_on_every_list_page(make_site):
    site = make_site({"members/basalt-data-works.yaml": NEW_MEMBER})
    (site / "templates" / "_member_row.html").write_text(ROW, encoding="utf-8")
    out = site / "output"
    assert build(site, out, as_of=AS_OF).ok
    # the row sees the member, the globals and the page's own variables, as an include did
    assert texts(out / "regions" / "wa" / "index.html", "//li[@class='mine']") == [
        "Basalt Data Works / Washington / /net/members/basalt-data-works/"]
    assert texts(out / "regions" / "ca" / "index.html", "//li[@class='mine']") == [
        "Acme Networks / California / /net/members/acme-networks/"]
    assert texts(out / "vendors" / "sonicwall" / "index.html", "//li[@class='mine']") == [
        "Acme Networks / - / /net/members/acme-networks/"]


def test_a_member_row_is_rendered_once_per_build_and_reused(make_site, monkeypatch):
    site = make_site({"members/basalt-data-works.yaml": NEW_MEMBER})
    rendered = []
    real_render = jinja2.Template.render

    def counting(self, *args, **kw):
        if self.name in ("_member_row.html", "_member_card.html"):
            rendered.append((self.name, (args[0] if args else kw).get("m").slug))
        return real_render(self, *args, **kw)

    monkeypatch.setattr(jinja2.Template, "render", counting)
    monkeypatch.setenv("SMBSITE_JOBS", "1")
    out = site / "output"
    assert build(site, out, as_of=AS_OF).ok
    rows = [slug for name, slug in rendered if name == "_member_row.html"]
    assert sorted(rows) == ["acme-networks", "basalt-data-works"]  # though each is on several pages
    assert texts(out / "regions" / "wa" / "index.html", "//ul[@class='compact']/li//a") == ["Basalt Data Works"]
    assert texts(out / "regions" / "ca" / "index.html", "//ul[@class='compact']/li//a")[0] == "Acme Networks"


def test_serve_rerenders_list_pages_when_the_member_row_changes(make_site, tmp_path):
    site = make_site({"members/basalt-data-works.yaml": NEW_MEMBER})
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    inc.render_dirty()
    (site / "templates" / "_member_row.html").write_text(ROW, encoding="utf-8")
    stats = inc.apply({"templates/_member_row.html"})
    assert {"/regions/ca/", "/regions/wa/", "/vendors/sonicwall/"} <= inc.dirty, stats
    assert "/members/acme-networks/" not in inc.dirty
    assert b'class="mine"' in inc.render("/regions/wa/")
