"""SVG logos are published rebuilt from an allow-list: what a hostile member uploads can neither run
script, load anything nor navigate when the published file is opened on its own."""
from __future__ import annotations

import pytest

from conftest import AS_OF, MEMBER_YAML, SITE_YAML, VENDOR_YAML, Served

M = "members/acme-networks.yaml"

# each of these is refused at the record's logo: line (line 12 of the member), naming the part
REFUSED = {
    "xslt": (b'<?xml-stylesheet type="text/xsl" href="logo.svg"?>\n'
             b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"\n'
             b'     xsl:version="1.0" viewBox="0 0 100 40"><rect width="100" height="40" fill="#08c"/>\n'
             b'  <xsl:element name="script" namespace="http://www.w3.org/2000/svg">parent.ran()</xsl:element></svg>',
             "has <?xml-stylesheet?> (line 1), which loads a style sheet or a transformation from another file"),
    "xhtml-refresh": (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:h="http://www.w3.org/1999/xhtml" '
                      b'viewBox="0 0 10 10">\n<h:meta http-equiv="refresh" content="0;url=https://evil.example/"/>'
                      b'<rect width="10" height="10"/></svg>',
                      "has <meta> of another language (http://www.w3.org/1999/xhtml, line 2); a logo may hold SVG "
                      "only"),
    "css-from-elsewhere": (b'<?xml version="1.0"?>\n<?xml-stylesheet type="text/css" href="https://evil.example/a.css"?>'
                           b'\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" '
                           b'height="10"/></svg>',
                           "has <?xml-stylesheet?> (line 2), which loads a style sheet or a transformation from "
                           "another file"),
    "style-import": (b'<svg xmlns="http://www.w3.org/2000/svg">\n<style>@import "https://evil.example/a.css";</style>'
                     b'</svg>', "has <style> (line 2) that has @import, which can load another file"),
    "style-url": (b'<svg xmlns="http://www.w3.org/2000/svg"><rect\n style="fill: url(https://evil.example/p)"/></svg>',
                  "has style=\"…\" (line 2) that loads url(https://evil.example/p) from elsewhere"),
    "style-image-set": (b"<svg xmlns=\"http://www.w3.org/2000/svg\"><style>svg{background:image-set('x.png' 1x)}"
                        b"</style></svg>", "has <style> (line 1) that calls image-set(…), which can load another file"),
    "style-escape": (b'<svg xmlns="http://www.w3.org/2000/svg"><style>svg{background:u\\72l(x.png)}</style></svg>',
                     "has <style> (line 1) that uses escapes, which can hide an address"),
    "use-outside": (b'<svg xmlns="http://www.w3.org/2000/svg"><use href="https://evil.example/a.svg#x"/></svg>',
                    "links to 'https://evil.example/a.svg#x'"),
    "animate-href": (b'<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" to="https://x/"/>'
                     b'<rect width="9" height="9"/></a></svg>',
                     "has <set> (line 1) that changes a link or an event handler"),
    "script": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>parent.ran()</script></svg>',
               "contains <script>, which can run code"),
    "handler": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="parent.ran()"/>',
                "has an event handler (onload on <svg>), which can run code"),
    "foreign-object": (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">'
                       b'x</p></foreignObject></svg>', "contains <foreignobject>, which can run code"),
    "entities": (b'<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
                 "defines XML entities, which logos may not"),
}

# what drawing programs leave, and what is harmless once dropped: published rebuilt, without it
DIRTY = b"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with a drawing program; <script>parent.ran()</script> -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<?xpacket begin="x" id="W5M0MpCehiHzreSzNTczkc9d"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:version="1.3" data-name="Layer 1"
     xml:base="https://evil.example/" viewBox="0 0 64 64">
<metadata><h:script xmlns:h="http://www.w3.org/1999/xhtml">parent.ran()</h:script></metadata>
<title>Acme &lt;script&gt;parent.ran()&lt;/script&gt;</title>
<defs><linearGradient id="g"><stop offset="0" stop-color="#08c"/><stop offset="1" stop-color="#06a"/></linearGradient></defs>
<style>@media (prefers-color-scheme: dark) { circle { fill: rgb(0, 80, 160) } }</style>
<a href="https://evil.example/" target="_top"><circle cx="32" cy="32" r="30" fill="url(#g)"/></a>
<animate attributeName="opacity" from="0" to="1" dur="1s"/>
<unknown-thing><h:iframe xmlns:h="http://www.w3.org/1999/xhtml" src="https://evil.example/"/></unknown-thing>
<use xlink:href="#g"/><text x="8" y="40" font-family="sans-serif">A&amp;N</text>
</svg>
"""

CLEAN = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 64 64">

<title>Acme &lt;script&gt;parent.ran()&lt;/script&gt;</title>
<defs><linearGradient id="g"><stop offset="0" stop-color="#08c"/><stop offset="1" stop-color="#06a"/></linearGradient></defs>
<style>@media (prefers-color-scheme: dark) { circle { fill: rgb(0, 80, 160) } }</style>
<g><circle cx="32" cy="32" r="30" fill="url(#g)"/></g>


<use xlink:href="#g"/><text x="8" y="40" font-family="sans-serif">A&amp;N</text>
</svg>
"""


def check_lines(cli, site) -> tuple[int, list[str]]:
    res = cli("check", "-s", str(site))
    assert "Traceback" not in res.stderr, res.stderr
    return res.returncode, (res.stdout + res.stderr).splitlines()


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_hostile_svg_logo_is_refused_at_its_logo_line_naming_the_part(make_site, cli, case):
    raw, words = REFUSED[case]
    site = make_site({M: MEMBER_YAML + "logo: logo.svg\n", "members/logo.svg": raw})
    code, lines = check_lines(cli, site)
    assert code == 1
    assert any(line.startswith(f"{M}:12:7: error: logo 'logo.svg' {words}") for line in lines), lines
    assert not any("Traceback" in line for line in lines)


def test_a_logo_with_editor_leftovers_is_published_rebuilt_the_same_bytes_every_time(make_site, tmp_path):
    from smbsite import api
    site = make_site({M: MEMBER_YAML + "logo: logo.svg\n", "members/logo.svg": DIRTY})
    outs = []
    for name in ("a", "b"):
        result = api.build(site, tmp_path / name, as_of=AS_OF, cache=False)
        assert result.ok, [p.text() for p in result.problems]
        outs.append((tmp_path / name / "members/acme-networks/logo.svg").read_bytes())
    assert outs[0] == outs[1] == CLEAN


def test_member_vendor_and_site_logos_and_the_favicon_are_all_rebuilt(make_site, tmp_path):
    from smbsite import api
    site = make_site({M: MEMBER_YAML + "logo: logo.svg\n", "members/logo.svg": DIRTY,
                      "vendors/sonicwall.yaml": "logo: sonic.svg\n" + VENDOR_YAML, "vendors/sonic.svg": DIRTY,
                      "site.yaml": SITE_YAML + "logo: brand.svg\n", "brand.svg": DIRTY})
    out = tmp_path / "out"
    assert api.build(site, out, as_of=AS_OF, cache=False).ok
    published = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.svg"))
    assert published == ["favicon.svg", "logo.svg", "members/acme-networks/logo.svg",
                         "vendors/sonicwall/logo.svg"]
    for rel in published:
        assert (out / rel).read_bytes() == CLEAN, rel


# --- in a browser: opened on its own, a published logo runs nothing and goes nowhere ------------

# logos that pass only after rebuilding (the refused ones are never published), and ones that
# test the watcher itself: the same server publishes their raw bytes beside the rebuilt ones
PUBLISHED = {"dirty": DIRTY,
             "link": b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                     b'viewBox="0 0 10 10"><a xlink:href="https://evil.example/" target="_top"><rect width="10" '
                     b'height="10"/></a></svg>',
             "pi-and-comments": b'<?php echo 1; ?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                                b'<!-- <script>parent.ran()</script> --><?xpacket end="w"?><rect width="10" '
                                b'height="10"/></svg>'}


@pytest.mark.browser
def test_no_published_svg_runs_script_loads_anything_or_navigates_in_chromium(browser, make_site, tmp_path):
    from smbsite import api
    files = {"site.yaml": SITE_YAML + "logo: brand.svg\n", "brand.svg": DIRTY,
             "vendors/sonicwall.yaml": "logo: sonic.svg\n" + VENDOR_YAML, "vendors/sonic.svg": DIRTY}
    members = []
    for i, (name, raw) in enumerate(sorted(PUBLISHED.items())):
        slug = f"member-{i}"
        files[f"members/{slug}.yaml"] = MEMBER_YAML.replace("Acme Networks", f"Member {name}").replace("acme", slug) + f"logo: {slug}.svg\n"
        files[f"members/{slug}.svg"] = raw
        members.append(slug)
    site = make_site(files)
    root = tmp_path / "root"
    out = root / "smbtn"
    result = api.build(site, out, as_of=AS_OF, cache=False)
    assert result.ok, [p.text() for p in result.problems]
    # the watcher's control: a raw SVG with a script does run in this browser
    (out / "control.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><script>document.title="ran";'
                                      b"window.ran &amp;&amp; window.ran()</script></svg>")
    svgs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.svg") if p.name != "control.svg")
    assert len(svgs) == 2 + len(members) + 1  # the site's logo and favicon, the members', the vendor's
    served = Served(root)
    try:
        context = browser.new_context()
        ran: list[str] = []
        context.expose_binding("ran", lambda source: ran.append(source["frame"].url))
        requests: list[str] = []
        context.on("request", lambda req: requests.append(req.url))
        pg = context.new_page()
        pg.goto(served.url("/control.svg"), wait_until="load")
        pg.wait_for_timeout(300)
        assert ran, "the browser ran no script in the raw control SVG: the watcher cannot see anything"
        ran.clear()
        for rel in svgs:
            requests.clear()
            url = served.url("/" + rel)
            response = pg.goto(url, wait_until="load")
            assert response is not None and response.ok, rel
            pg.wait_for_timeout(300)  # a meta refresh of 0 s or a script on a timer would have acted now
            assert pg.url == url, f"{rel} navigated to {pg.url}"
            assert pg.title() != "ran" and ran == [], rel
            assert requests == [url], f"{rel} loaded {requests}"
            assert pg.evaluate("document.documentElement.namespaceURI") == "http://www.w3.org/2000/svg", rel
        context.close()
    finally:
        served.stop()
