"""The bundled association site holds what the product promises of it, read
through the same model the build uses, so a later edit cannot quietly drop a part of it."""
from __future__ import annotations

from datetime import date

import pytest

from conftest import AS_OF, REPO
from smbsite.api import prepare

TODAY = date.fromisoformat(AS_OF)


@pytest.fixture(scope="module")
def site():
    prepared = prepare(REPO, AS_OF)
    problems, model = prepared.problems, prepared.site
    assert model is not None and not problems.errors, [p.text() for p in problems.errors]
    return model


def test_specialty_vocabulary(site):
    assert len(site.config.specialties) >= 10
    assert {"cabling", "web-development", "microsoft-crm"} <= set(site.config.specialties)
    assert site.config.membership_goal == 500


def test_members_are_many_spread_and_varied(site):
    members = site.members
    assert len(members) >= 30
    assert len({m.state for m in members}) >= 10
    assert len({key for m in members for key in m.specialties}) >= 10
    assert {"cabling", "web-development", "microsoft-crm"} <= {key for m in members for key in m.specialties}
    assert any(m.serves_all for m in members), "one member serves the whole country"
    assert any(m.serves and not m.serves_all for m in members)
    assert len([m for m in members if not m.partnering]) >= 2
    assert sum(1 for m in members if m.vendors) >= len(members) // 2


def test_vendors_and_their_benefits(site):
    by_name = {v.name.casefold().replace(" ", ""): v for v in site.vendors}
    for name in ("sonicwall", "microsoft", "symantec", "3amlabs", "trendmicro"):
        assert name in by_name, name
    for v in site.vendors:
        assert 1 <= len(v.benefits) <= 4, v.slug
    types = {b.type for v in site.vendors for b in v.benefits}
    assert {"training", "discount", "marketing"} <= types
    # bundled offers run past the next two years, so a fresh clone builds without a warning
    assert all(b.ends is None or b.ends >= date(2029, 2, 1) for v in site.vendors for b in v.benefits)


def test_next_years_conference_in_buena_park_and_last_years(site):
    conferences = [e for e in site.events if e.type == "conference"]
    [upcoming] = [e for e in conferences if e.upcoming]
    assert (upcoming.starts, upcoming.ends) == (date(TODAY.year + 1, 3, 30), date(TODAY.year + 1, 4, 1))
    assert upcoming.location.city == "Buena Park" and upcoming.location.state == "CA"
    # every day of the event in the agenda: two days of tracks and the vendor training day
    assert [len(sessions) > 0 for _, sessions in upcoming.session_days] == [True, True, True]
    assert site.linked(upcoming, "sponsor_list")
    past = [e for e in conferences if not e.upcoming]
    assert any(e.starts.year == TODAY.year for e in past), "last year's conference, now past"


def test_the_radio_show_pilot_and_episodes(site):
    radio = [e for e in site.events if e.type == "radio"]
    pilots = [e for e in radio if "pilot" in e.slug or "pilot" in e.title.casefold()]
    assert pilots, "a pilot episode"
    assert len({(s.city, s.state) for s in pilots[0].stations}) == 6, "aired in six cities"
    further = [e for e in radio if e not in pilots]
    assert any(not e.upcoming and e.audio for e in further), "a past episode with audio"
    assert any(e.upcoming for e in further), "an upcoming episode"


def test_articles_and_pages(site):
    assert len(site.articles) >= 6
    pages = {p.slug: p for p in site.pages}
    assert {"about", "join", "business-development", "professional-development", "vendor-relations"} <= set(pages)
    join = pages["join"].body
    assert "500" in join and "What members get" in join
