"""The partner finder with a keyboard, without JavaScript and while it loads.

A shared link with a choice in it must never show everything silently; a
keyboard user stepping through a select must not fill the history or hear a
count per step; results arriving after the page is drawn must not push it down.
"""
from __future__ import annotations

import json

import pytest

from conftest import CONTRAST_JS, anywhere_only, expected, shown


@pytest.mark.browser
def test_stepping_through_options_with_the_keyboard_keeps_one_history_entry_and_announces_once(page, bundled):  # noqa: F811
    members = json.loads((bundled.out / "members.json").read_text())["members"]
    pg = page
    pg.goto(bundled.url("/partners/"))
    pg.wait_for_function("window.performance.getEntriesByType('resource').some(r => r.name.endsWith('members.json'))")
    entries = pg.evaluate("history.length")
    # count what a screen reader would hear: each change of the live region's text
    pg.evaluate("""() => { window.announced = [];
      new MutationObserver(() => window.announced.push(document.getElementById('finder-status').textContent))
        .observe(document.getElementById('finder-status'), {childList: true, characterData: true, subtree: true}); }""")
    pg.focus("#f-specialty")
    for _ in range(4):
        pg.keyboard.press("ArrowDown")  # a closed select changes (and filters) on every arrow key
    pg.keyboard.press("Tab")
    for _ in range(3):
        pg.keyboard.press("ArrowDown")
    specialty, state = pg.input_value("#f-specialty"), pg.input_value("#f-state")
    assert specialty and state
    want = expected(members, specialty, state)
    pg.wait_for_function("() => window.announced.length > 0")
    pg.wait_for_timeout(800)  # longer than the settling delay: nothing more is coming
    assert pg.evaluate("history.length") == entries
    assert pg.evaluate("location.search") == f"?specialty={specialty}&state={state}"
    announced = pg.evaluate("window.announced")
    assert len(announced) == 1, announced
    labels = {"specialty": pg.locator("#f-specialty option:checked").inner_text(),
              "state": pg.locator("#f-state option:checked").inner_text()}
    own = len(want) - len(anywhere_only(members, state, specialty))  # those working anywhere are said apart
    count = f"{own} member{'s' if own != 1 else ''}" if own else "No members"
    assert announced[0].startswith(count) and labels["specialty"] in announced[0] and labels["state"] in announced[0]
    assert shown(pg) == want


@pytest.mark.browser
def test_results_of_a_shared_link_do_not_shift_the_page(browser, bundled):  # noqa: F811
    for width, height in ((412, 823), (1280, 900)):
        context = browser.new_context(viewport={"width": width, "height": height})
        pg = context.new_page()
        pg.add_init_script("""window.shifts = [];
          new PerformanceObserver(list => list.getEntries().forEach(e => window.shifts.push(e.value)))
            .observe({type: 'layout-shift', buffered: true});""")
        pg.goto(bundled.url("/partners/?specialty=cabling&state=ca"))
        pg.wait_for_selector("#finder-list > li")
        pg.wait_for_timeout(600)
        assert pg.evaluate("window.shifts.reduce((a, b) => a + b, 0)") == 0, width
        # what follows the results starts below the first screen, whatever their number
        top = pg.evaluate("document.getElementById('by-specialty').getBoundingClientRect().top")
        assert top >= height
        context.close()


@pytest.mark.browser
def test_map_tiles_are_not_tab_stops_and_the_state_list_is(page, bundled):  # noqa: F811
    pg = page
    pg.goto(bundled.url("/partners/"))
    stops = []
    for _ in range(400):
        pg.keyboard.press("Tab")
        here = pg.evaluate("""() => { const a = document.activeElement;
          return a === document.body ? null : [a.closest('svg') ? 'map' : a.closest('ul.states') ? 'states' : 'other',
                                               a.getAttribute('href') || a.id]; }""")
        if here is None or (stops and here == stops[0]):
            break
        stops.append(here)
    assert stops and not any(kind == "map" for kind, _ in stops)
    states = [href for kind, href in stops if kind == "states"]
    assert len(states) == pg.locator("ul.states a").count() > 30  # where members are based or name, not all 56
    # the map's links are the same pages, in the list's order for the keyboard
    tiles = set(pg.locator("svg.tilemap a").evaluate_all("as => as.map(a => a.getAttribute('href'))"))
    assert tiles == set(states)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_neighbouring_map_bands_differ_by_three_to_one(browser, bundled, scheme):  # noqa: F811
    context = browser.new_context(color_scheme=scheme)
    pg = context.new_page()
    pg.goto(bundled.url("/partners/cabling/"))
    ratios = pg.evaluate("""() => {
""" + CONTRAST_JS + """
      const fill = cls => { const t = document.querySelector('svg.tilemap .' + cls + ' rect'); return t && getComputedStyle(t).fill; };
      const swatches = [...document.querySelectorAll('.legend i')].map(i => getComputedStyle(i).backgroundColor);
      const tiles = ['tile-0', 'tile-1', 'tile-2'].map(fill).filter(Boolean);
      const pairs = l => l.slice(1).map((c, i) => ratio(l[i], c));
      return {legend: pairs(swatches), tiles: pairs(tiles), n: swatches.length, drawn: tiles.length};
    }""")
    context.close()
    assert ratios["n"] == ratios["drawn"] == 3  # none, and two bands
    assert min(ratios["legend"] + ratios["tiles"]) >= 3, ratios
