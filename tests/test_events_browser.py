"""Event times in a browser: the event's own zone stays, and a line in the visitor's zone is added."""
from __future__ import annotations

import pytest



@pytest.mark.browser
@pytest.mark.parametrize("zone, line", [
    ("America/New_York", "In your time zone: Thu, Feb 11, 9:00 PM – 10:00 PM EST"),
    ("America/Los_Angeles", "That is your time zone too."),
])
def test_an_event_page_adds_the_time_in_the_visitors_zone(browser, bundled, zone, line):  # noqa: F811
    context = browser.new_context(timezone_id=zone, locale="en-US")
    pg = context.new_page()
    pg.add_init_script("""window.shifts = [];
      new PerformanceObserver(l => l.getEntries().forEach(e => window.shifts.push(e.value)))
        .observe({type: 'layout-shift', buffered: true});""")
    pg.goto(bundled.url("/events/radio-conference-preview/"))
    when = pg.locator("dl.when-box dd").first
    assert "February 11, 2027, 6 PM – 7 PM PST (Pacific time)" in when.inner_text()
    pg.wait_for_function("() => !document.querySelector('[data-local-start]').textContent.includes('…')")
    assert pg.locator("[data-local-start]").inner_text() == line
    assert pg.evaluate("window.shifts.reduce((a, b) => a + b, 0)") == 0  # the line's room was kept
    context.close()


@pytest.mark.browser
def test_without_javascript_only_the_events_own_time_shows(browser, bundled):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(bundled.url("/events/radio-conference-preview/"))
    assert not pg.locator("[data-local-start]").is_visible()
    assert "PST (Pacific time)" in pg.locator("dl.when-box dd").first.inner_text()
    context.close()
