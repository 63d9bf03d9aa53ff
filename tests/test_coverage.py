"""Where members work, as maps, counts and lists say it: a member working with clients anywhere
shades no state but its own and is named once; no page counts a territory or DC as a state."""
from __future__ import annotations

import re

import lxml.html
import pytest

from conftest import AS_OF, REPO, build_ok
from smbsite import api
from smbsite.routes.service_areas import area_phrase

REMOTE = """\
name: Far Reach CRM
summary: Remote Dynamics CRM work for firms anywhere.
joined: 2024-01-01
city: Seattle
state: WA
serves: [nationwide]
specialties: [microsoft-crm]
"""


def member(name: str, state: str, serves: str = "[]", spec: str = "microsoft-crm") -> str:
    return (f"name: {name}\nsummary: Dynamics CRM work.\njoined: 2024-01-01\ncity: Town\nstate: {state}\n"
            f"serves: {serves}\nspecialties: [{spec}]\n")


def doc(out, path):
    return lxml.html.parse(str(out / path.strip("/") / "index.html")).getroot()


def words(el) -> str:
    return " ".join(el.text_content().split())


def test_area_phrase_never_counts_dc_or_a_territory_as_a_state():
    assert area_phrase(["CA"]) == "1 state"
    assert area_phrase(["CA", "NV", "DC"]) == "2 states and the District of Columbia"
    assert area_phrase(["CA", "PR", "GU", "DC"]) == "1 state, the District of Columbia, Guam and Puerto Rico"
    assert area_phrase(["PR"]) == "Puerto Rico"


def test_a_remote_member_shades_only_its_own_state_and_is_named_once(make_site):
    out = build_ok(make_site, {"members/far-reach-crm.yaml": REMOTE,
                               "members/isla-crm.yaml": member("Isla CRM", "PR", "[DC, ME]")})
    spec = doc(out, "/partners/microsoft-crm/")
    text = words(spec)
    # Far Reach is in Washington: Washington, Puerto Rico, DC and Maine are the places, nothing else
    assert "based in or serving 2 states, the District of Columbia and Puerto Rico" in text
    assert "1 of them works with clients anywhere" in text
    assert text.count("Works with clients anywhere: Far Reach CRM.") == 1
    tiles = sorted(t.findtext("title") for t in spec.xpath("//svg//a"))
    assert tiles == ["District of Columbia: 1 member", "Maine: 1 member", "Puerto Rico: 1 member",
                     "Washington: 1 member"]
    for path in ("/partners/", "/regions/"):
        page = doc(out, path)
        titles = {t.findtext("title") for t in page.xpath("//svg//a")}
        assert "Vermont: 1 member" not in titles and "Maine: 1 member" in titles
        assert words(page).count("Far Reach CRM") == 1  # named once, apart from the counts
    maine = doc(out, "/regions/me/")
    assert "1 member is based in or serves Maine" in words(maine)
    assert [words(a) for a in maine.xpath("//h2[starts-with(., 'Working with clients anywhere')]"
                                          "/following-sibling::ul[1]//a")] == ["Far Reach CRM"]
    assert not (out / "regions" / "vt").exists()
    card = [c for c in spec.xpath("//li[contains(@class, 'card')]") if "Far Reach" in words(c)][0]
    assert "Seattle, WA · works with clients anywhere" in words(card)
    assert "works with clients anywhere" in words(doc(out, "/members/far-reach-crm/"))


def test_no_page_of_the_bundled_site_claims_more_states_than_there_are(tmp_path):
    out = tmp_path / "out"
    assert api.build(REPO, out, as_of=AS_OF).ok
    for file in out.rglob("*.html"):
        for n in re.findall(r"(\d+) states", words(lxml.html.parse(str(file)).getroot())):
            assert int(n) <= 50, (file, n)
    crm = words(doc(out, "/partners/microsoft-crm/"))
    assert "Works with clients anywhere: Cascade Cloudworks." in crm
    assert not (out / "regions" / "me").exists()  # only a remote firm in Seattle could have put Maine there
