"""The partner finder when a choice matches nobody: it offers the nearest searches that do.

Without this, a specialty and state with no member would leave an empty
"Matching members" section and no way forward but guessing.
"""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import AXE_TAGS, anywhere_only, expected, need_axe, query, shown


def dead_end(members: list[dict], specialties: list[str], states: list[str]) -> tuple[str, str]:
    """A specialty and a state that find nobody together, though each finds members alone."""
    for sp in specialties:
        for st in states:
            if not expected(members, sp, st) and expected(members, sp) and expected(members, state=st):
                return sp, st
    pytest.fail("the bundled site has no specialty and state without a member")


def options(pg, select: str) -> dict[str, str]:
    return dict(pg.locator(f"{select} option").evaluate_all("os => os.filter(o => o.value).map(o => [o.value, o.text])"))


@pytest.mark.browser
def test_a_choice_without_matches_offers_wider_searches(page, bundled):  # noqa: F811
    members = json.loads((bundled.out / "members.json").read_text())["members"]
    pg = page
    pg.goto(bundled.url("/partners/"))
    pg.wait_for_function("document.getElementById('finder-status').textContent.startsWith('Choose')")
    specialties, states = options(pg, "#f-specialty"), options(pg, "#f-state")
    sp, st = dead_end(members, list(specialties), list(states))

    pg.select_option("#f-specialty", sp)
    pg.select_option("#f-state", st)
    pg.wait_for_function("document.getElementById('finder-status').textContent.startsWith('No members')")
    assert pg.inner_text("#finder-status") == f"No members offer {specialties[sp]} in {states[st]}."
    assert pg.locator("#finder-list > li").count() == 0 and not pg.locator("#finder-list").is_visible()
    none = pg.locator("#finder-none")
    assert none.is_visible() and none.inner_text().startswith("Try instead: ")
    links = none.locator("a")
    with_spec = len(expected(members, sp))
    # a member working with clients anywhere is said apart, never counted as serving the state
    remote = len(anywhere_only(members, st))
    in_state = len(expected(members, state=st)) - remote
    assert links.all_inner_texts() == [
        f"{in_state} member{'s are' if in_state > 1 else ' is'} based in or serve{'' if in_state > 1 else 's'} {states[st]}"
        + (f". {remote} more work{'' if remote > 1 else 's'} with clients anywhere" if remote else ""),
        f"{with_spec} member{'s' if with_spec > 1 else ''} offer{'' if with_spec > 1 else 's'} {specialties[sp]}"]
    # the links are real finder addresses, so opening one in a new tab works too
    hrefs = links.evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert [parse_qs(urlsplit(h).query) for h in hrefs] == [{"state": [st]}, {"specialty": [sp]}]
    assert all(urlsplit(h).path == urlsplit(pg.url).path for h in hrefs)

    axe = need_axe()
    pg.add_script_tag(path=str(axe))
    res = pg.evaluate("tags => axe.run(document, {runOnly: tags})", AXE_TAGS)
    assert [v["id"] for v in res["violations"]] == []

    links.nth(1).click()
    pg.wait_for_function("n => document.querySelectorAll('#finder-list > li').length === n", arg=with_spec)
    assert shown(pg) == expected(members, sp)
    assert query(pg) == {"specialty": [sp]} and pg.input_value("#f-state") == ""
    assert not none.is_visible() and pg.locator("#finder-list").is_visible()
    # focus lands on the results, not back at the top of the page
    assert pg.evaluate("document.activeElement.id") == "results-h"

    pg.go_back()
    pg.wait_for_function("document.getElementById('finder-status').textContent.startsWith('No members')")
    assert none.is_visible() and pg.input_value("#f-state") == st


@pytest.mark.browser
def test_state_lists_use_two_columns_on_a_phone(browser, bundled):  # noqa: F811
    context = browser.new_context(viewport={"width": 375, "height": 800})
    pg = context.new_page()
    pg.goto(bundled.url("/partners/"))
    lefts = pg.locator("ul.states > li").evaluate_all("ls => ls.map(l => Math.round(l.getBoundingClientRect().left))")
    context.close()
    assert len(set(lefts)) == 2
