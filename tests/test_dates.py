"""Dates: every date the check accepts is one the whole build can show, and every date
message is true of the field it is about."""
from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import event as note
from hypothesis import strategies as st

from conftest import AS_OF, ARTICLE_MD, EVENT_YAML, MEMBER_YAML, REPO, VENDOR_YAML, base_files, write_files
from smbsite import api

M = "members/acme-networks.yaml"
E = "events/annual-conference.yaml"
V = "vendors/sonicwall.yaml"
A = "content/articles/hello-members.md"
RANGE = "is outside the dates a site can show (1900-01-01 to 2200-12-31) — check the year"


def errors(site) -> list[str]:
    return [p.text() for p in api.check(site, as_of=AS_OF).problems if p.severity == "error"]


# --- the range -------------------------------------------------------------------------------

@pytest.mark.parametrize("path,old,new,where,shown", [
    (E, "starts: 2027-03-30\nends: 2027-04-01", "starts: 9999-12-31T23:30", "3:9", "starts: 9999-12-31"),
    (E, "starts: 2027-03-30\nends: 2027-04-01", "starts: 9999-12-30\nends: 9999-12-31", "3:9",
     "starts: 9999-12-30"),
    (E, "ends: 2027-04-01", "ends: 2201-01-01", "4:7", "ends: 2201-01-01"),
    (M, "joined: 2024-05-01", "joined: 1899-12-31", "3:9", "joined: 1899-12-31"),
    (A, "date: 2026-10-01", "date: 0202-10-01", "3:7", "date: 0202-10-01"),
    (A, "date: 2026-10-01", "date: 9999-12-31T23:59", "3:7", "date: 9999-12-31"),
    (V, "    claim: Email the partner desk.", "    claim: Email the partner desk.\n    ends: 9999-12-31", "7:11",
     "benefits › item 1 › ends: 9999-12-31"),
])
def test_a_date_outside_1900_to_2200_is_an_error_at_its_line(make_site, path, old, new, where, shown):
    text = base_files()[path]
    assert old in text
    site = make_site({path: text.replace(old, new)})
    found = errors(site)
    assert f"{path}:{where}: error: {shown} {RANGE}" in found
    assert not api.build(site, site / "output", as_of=AS_OF).ok


def test_a_session_outside_the_range_is_an_error_at_its_line(make_site):
    text = EVENT_YAML.replace("starts: 2027-03-30T09:00, ends: 2027-03-30T10:00", "starts: 2227-03-30T09:00")
    assert f"{E}:8:30: error: sessions › item 1 › starts: 2227-03-30 {RANGE}" in errors(make_site({E: text}))


def test_the_first_and_last_day_of_the_range_build(make_site):
    site = make_site({
        E: "title: Edge\ntype: meetup\nstarts: 2200-12-31T23:59\ntimezone: Etc/GMT+12\n",
        "events/first.yaml": "title: First\ntype: meetup\nstarts: 1900-01-01\nends: 2200-12-31\n",
        M: MEMBER_YAML.replace("joined: 2024-05-01", "joined: 1900-01-01"),
        A: ARTICLE_MD.replace("date: 2026-10-01", "date: 2200-12-31T23:59"),
    })
    result = api.build(site, site / "output", as_of=AS_OF)
    assert result.ok, [p.text() for p in result.problems]
    assert "DTSTART;TZID=Etc/GMT+12:22001231T235900" in (site / "output/events/annual-conference.ics").read_text(encoding="utf-8")


# --- whatever the check accepts, the build renders ---------------------------------------------

INSIDE = st.one_of(st.dates(date(1900, 1, 1), date(1900, 1, 7)), st.dates(date(2200, 12, 24), date(2200, 12, 31)),
                   st.dates(date(1900, 1, 1), date(2200, 12, 31)))
OUTSIDE = st.one_of(st.dates(date(1899, 12, 25), date(1899, 12, 31)), st.dates(date(2201, 1, 1), date(2201, 1, 7)),
                    st.dates(date(1, 1, 1), date(9999, 12, 31)))
# mostly inside, so that most examples get through the check and are built
DAYS = st.sampled_from(range(12)).flatmap(lambda n: OUTSIDE if n == 11 else INSIDE)
TIMES = st.builds(lambda d, minutes: datetime.combine(d, datetime.min.time()) + timedelta(minutes=minutes),
                  DAYS, st.sampled_from([0, 1, 59, 600, 1439]))
WHEN = st.one_of(DAYS, TIMES)
ZONES = st.sampled_from([None, "UTC", "Pacific/Kiritimati", "Etc/GMT+12", "America/Los_Angeles", "Asia/Kathmandu",
                         "America/St_Johns", "Europe/Dublin"])


def when_text(value: date | datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M") if isinstance(value, datetime) else value.isoformat()


@pytest.fixture(scope="module")
def date_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("dates")
    write_files(root, base_files())
    shutil.copytree(REPO / "templates", root / "templates")
    return root


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(starts=WHEN, days=st.one_of(st.none(), st.integers(0, 3)), session=st.booleans(), zone=ZONES, joined=DAYS,
       article=WHEN, benefit=st.one_of(st.none(), DAYS), site_zone=ZONES)
def test_every_date_the_check_accepts_builds(date_site, starts, days, session, zone, joined, article, benefit,
                                             site_zone):
    """Events, members, articles and benefits dated at the edges of the range (and a little
    beyond), in zones far from UTC: the build renders all the check lets through."""
    ends = None if days is None else starts + timedelta(days=days)
    record = f"title: Edge\ntype: conference\nstarts: {when_text(starts)}\n"
    if ends is not None:
        record += f"ends: {when_text(ends)}\n"
    if zone is not None:
        record += f"timezone: {zone}\n"
    if session and isinstance(starts, datetime):
        record += f"sessions:\n  - {{title: Talk, starts: {when_text(starts)}}}\n"
    files = {
        E: record,
        M: MEMBER_YAML.replace("joined: 2024-05-01", f"joined: {joined.isoformat()}"),
        A: ARTICLE_MD.replace("date: 2026-10-01", f"date: {when_text(article)}"),
        V: VENDOR_YAML + (f"    ends: {benefit.isoformat()}\n" if benefit else ""),
        "site.yaml": base_files()["site.yaml"].replace("America/Los_Angeles", site_zone or "UTC"),
    }
    write_files(date_site, files)
    checked = api.check(date_site, as_of=AS_OF)
    built = api.build(date_site, date_site / "output", as_of=AS_OF)  # never raises
    assert [p.text() for p in built.errors] == [p.text() for p in checked.errors]
    note("accepted and built" if checked.ok else "refused")
    if checked.ok:
        assert built.ok and built.files_written > 0
    written = [starts, ends, joined, article, benefit]
    dates = [d.date() if isinstance(d, datetime) else d for d in written if d is not None]
    assert checked.ok == all(date(1900, 1, 1) <= d <= date(2200, 12, 31) for d in dates), \
        [p.text() for p in checked.problems]


# --- messages that are true of the field -------------------------------------------------------

def test_an_article_date_with_an_offset_names_no_field_articles_lack(make_site):
    site = make_site({A: ARTICLE_MD.replace("date: 2026-10-01", "date: 2026-08-20T10:00:00+02:00")})
    assert errors(site) == [
        f"{A}:3:7: error: date: 2026-08-20T10:00:00+02:00 has a UTC offset, which is not allowed here — write the "
        "local time without the offset, e.g. date: 2026-08-20T10:00; it is read in site.yaml's timezone"]
    assert "'timezone'" not in errors(site)[0]


def test_an_impossible_time_of_day_says_so(make_site):
    site = make_site({A: ARTICLE_MD.replace("date: 2026-10-01", "date: 2026-08-20T25:00")})
    assert errors(site) == [f"{A}:3:7: error: date: '2026-08-20T25:00' is not a real date and time (hour must be in "
                            "0..23) — a time of day runs from 00:00 to 23:59"]


def test_an_impossible_time_with_seconds_says_so(make_site):
    site = make_site({A: ARTICLE_MD.replace("date: 2026-10-01", "date: 2026-08-20T25:00:00")})
    assert errors(site) == [f"{A}:3:7: error: date: '2026-08-20T25:00:00' is not a real date and time (hour must be "
                            "in 0..23) — a time of day runs from 00:00 to 23:59"]
    site = make_site({M: MEMBER_YAML.replace("joined: 2024-05-01", "joined: 2024-05-01 25:00:00")})
    assert errors(site) == [f"{M}:3:9: error: joined: '2024-05-01 25:00:00' is not a real date and time (hour must "
                            "be in 0..23) — a time of day runs from 00:00 to 23:59"]


def test_an_impossible_day_in_a_date_time_says_so(make_site):
    site = make_site({A: ARTICLE_MD.replace("date: 2026-10-01", "date: 2026-02-30T10:00")})
    assert errors(site) == [f"{A}:3:7: error: date: '2026-02-30T10:00' is not a real date and time (day is out of "
                            "range for month) — check the month and the day"]


def test_a_field_that_takes_a_time_is_not_told_to_drop_it(make_site):
    site = make_site({A: ARTICLE_MD.replace("date: 2026-10-01", "date: 2026-08-20T9:00")})
    assert errors(site) == [f"{A}:3:7: error: date: expected a date (YYYY-MM-DD) or a local date-time "
                            "(YYYY-MM-DDTHH:MM), found '2026-08-20T9:00' — write it as YYYY-MM-DDTHH:MM: "
                            "2026-08-20T09:00"]


def test_a_field_without_a_time_is_still_told_to_drop_it(make_site):
    site = make_site({M: MEMBER_YAML.replace("joined: 2024-05-01", 'joined: "2024-05-01 10:00"')})
    assert errors(site)[0].endswith("this field is a date without a time: write 2024-05-01")


def test_an_event_time_with_an_offset_points_at_the_event_timezone(make_site):
    site = make_site({E: EVENT_YAML.replace("starts: 2027-03-30\nends: 2027-04-01",
                                            "starts: 2027-03-30T10:00:00-05:00")})
    assert errors(site) == [
        f"{E}:3:9: error: starts: 2027-03-30T10:00:00-05:00 has a UTC offset, which is not allowed here — write the "
        "local time without the offset, e.g. starts: 2027-03-30T10:00; the event's 'timezone' field says where it "
        "is (default: site.yaml's timezone)"]
