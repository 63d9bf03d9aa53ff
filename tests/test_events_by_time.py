"""Events as time has them: a past event leads with its recording and notes and offers no
calendar; the events list shows each event's type and its dates as a range; a player shows
the episode's length before it plays."""
from __future__ import annotations

import lxml.html

from conftest import build_ok

EPISODE = """\
title: Radio pilot
type: radio
starts: 2026-05-07T18:00
ends: 2026-05-07T19:00
description: Notes of the pilot, with the questions callers asked.
stations:
  - {city: Phoenix, state: AZ, station: KJPX 1510 AM}
  - {city: Austin, state: TX, station: KAZB 1490 AM}
audio: {url: "https://media.example.org/pilot.mp3", bytes: 56200000, duration: "58:30"}
"""
NEXT_EPISODE = """\
title: Radio two
type: radio
starts: 2027-01-07T18:00
ends: 2027-01-07T19:00
stations:
  - {city: Phoenix, state: AZ, station: KJPX 1510 AM}
"""
PAST_TRAINING = """\
title: Firewall day
type: training
starts: 2026-03-03
ends: 2026-03-04
description: What we covered.
"""


def page(out, path):
    return lxml.html.parse(str(out / path.strip("/") / "index.html")).getroot()


def words(el) -> str:
    return " ".join(el.text_content().split())


def site(make_site):
    return build_ok(make_site, {"events/radio-pilot.yaml": EPISODE, "events/radio-two.yaml": NEXT_EPISODE,
                                "events/firewall-day.yaml": PAST_TRAINING})


def test_a_past_episode_leads_with_its_recording_and_notes_and_offers_no_calendar(make_site):
    out = site(make_site)
    doc = page(out, "/events/radio-pilot/")
    main = doc.find(".//main")
    order = [el for el in main.iter() if el.tag in ("audio", "table", "dl") or
             (el.get("class") or "").split()[:1] == ["prose"]]
    assert [el.tag for el in order][:2] == ["audio", "div"], [el.tag for el in order]  # before the facts and stations
    assert not doc.xpath("//*[contains(@class, 'add-to-calendar')]")
    assert "Add to calendar" not in words(main)
    # the length is on the page before anything plays
    assert "Length 58:30" in words(main)
    assert main.xpath(".//time[@datetime='PT3510S']")
    # the past training too: notes first, no calendar
    training = page(out, "/events/firewall-day/")
    assert "Add to calendar" not in words(training.find(".//main"))
    # an upcoming event keeps its calendar links
    assert page(out, "/events/annual-conference/").xpath("//*[contains(@class, 'add-to-calendar')]")


def test_events_list_shows_type_badges_and_date_ranges(make_site):
    out = site(make_site)
    items = {words(li.find("a")): li for li in page(out, "/events/").xpath("//main//li")}
    conf = items["Annual Conference"]
    assert words(conf.find(".//span[@class='badge type-conference']")) == "Conference"
    assert "March 30 – April 1, 2027" in words(conf)
    assert "March 3 – 4, 2026" in words(items["Firewall day"])
    assert words(items["Radio pilot"].find(".//span[@class='badge type-radio']")) == "Radio episode"


def test_players_show_the_length_and_the_next_episode_counts_stations_against_the_list(make_site):
    out = site(make_site)
    radio = page(out, "/radio/")
    episode = radio.xpath("//section[contains(@class, 'episode')]")[0]
    assert episode.xpath(".//audio[@preload='none']") and "Length 58:30" in words(episode)
    assert "(MP3, 56.2 MB)" in words(episode)
    assert "On 1 of the 2 stations listed below" in words(radio)
    assert len(radio.xpath("//table[contains(@class, 'stations')]//tbody/tr")) == 2
