"""Events as time has them: a past event leads with its recording and notes and offers no
calendar; the events list shows each event's type and its dates as a range; a player shows
the episode's length before it plays."""
from __future__ import annotations

import re

import lxml.html
import pytest

from conftest import AXE_TAGS, build_ok, need_axe

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


def test_a_play_button_says_the_length_and_the_native_player_is_the_fallback(make_site):
    out = site(make_site)
    listen = page(out, "/events/radio-pilot/").xpath("//div[@class='listen']")[0]
    button = listen.xpath("./button")[0]
    assert words(button) == "Play · 59 min: Radio pilot" and "needs-js" in button.get("class").split()
    assert button.get("data-audio") == "https://media.example.org/pilot.mp3" and button.get("type") == "button"
    # without JavaScript, the browser's own player, which fetches nothing until pressed
    assert listen.xpath("./noscript/audio[@controls][@preload='none'][@src='https://media.example.org/pilot.mp3']")
    scripts = [s.get("src") for s in page(out, "/events/radio-pilot/").xpath("//script[@src]")]
    assert any(s.endswith("/static/listen.js") for s in scripts)
    # an episode without a length keeps the native player alone, and no page without one loads the script
    no_length = EPISODE.replace(', duration: "58:30"', "")
    out = build_ok(make_site, {"events/radio-pilot.yaml": no_length})
    doc = page(out, "/events/radio-pilot/")
    assert not doc.xpath("//button[contains(@class, 'play')]") and doc.xpath("//div[@class='listen']/audio[@controls]")
    assert not any(s.get("src", "").endswith("listen.js") for s in doc.xpath("//script[@src]"))


@pytest.mark.parametrize("seconds, said", [(3510, "59 min"), (20, "1 min"), (3600, "1 h"), (3930, "1 h 6 min")])
def test_the_play_button_says_the_length_in_minutes(make_site, seconds, said):
    m, s = divmod(seconds, 60)
    out = build_ok(make_site, {"events/radio-pilot.yaml": EPISODE.replace('"58:30"', f'"{m}:{s:02d}"')})
    assert words(page(out, "/events/radio-pilot/").xpath("//button[contains(@class, 'play')]")[0]) == \
        f"Play · {said}: Radio pilot"


@pytest.mark.browser
def test_the_player_fetches_nothing_before_play_then_plays_from_the_keyboard(browser, bundled):
    requested = []
    context = browser.new_context()
    # the audio's host is never reached: a request to it is noted and answered with nothing
    context.route("https://media.example.org/**", lambda route: (requested.append(route.request.url),
                                                                 route.fulfill(status=204)))
    pg = context.new_page()
    pg.goto(bundled.url("/events/radio-pilot/"), wait_until="load")
    button = pg.locator(".listen button.play")
    assert button.is_visible() and pg.locator(".listen audio").count() == 0
    # its name says the length and the episode, so a list of them can be told apart
    title = pg.locator("h1").inner_text()
    assert re.fullmatch(r"Play · \d+ min: " + re.escape(title), button.text_content())
    pg.add_script_tag(path=str(need_axe()))
    assert pg.evaluate("tags => axe.run(document, {runOnly: tags})", AXE_TAGS)["violations"] == []
    pg.wait_for_timeout(300)
    assert requested == []
    button.focus()
    pg.keyboard.press("Enter")
    pg.wait_for_selector(".listen audio[controls]")
    assert pg.locator(".listen button.play").count() == 0
    assert pg.evaluate("document.activeElement.tagName") == "AUDIO"
    assert pg.evaluate("document.querySelector('.listen audio').autoplay")
    assert pg.locator(".listen audio").get_attribute("aria-label").startswith("Listen: ")
    pg.wait_for_timeout(300)
    assert requested and all(u.endswith(".mp3") for u in requested)
    context.close()
    # without JavaScript: the native player, and no button that could not work
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(bundled.url("/events/radio-pilot/"))
    assert not pg.locator(".listen button.play").is_visible() and pg.locator(".listen audio[controls]").is_visible()
    context.close()
