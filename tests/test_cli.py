"""`smbsite check` and `smbsite build` as a member's CI and a maintainer run them (subprocesses)."""
from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

import lxml.html

from conftest import AS_OF, ARTICLE_MD, EVENT_YAML, MEMBER_YAML, VENDOR_YAML

M = "members/acme-networks.yaml"
V = "vendors/sonicwall.yaml"
E = "events/annual-conference.yaml"
A = "content/articles/hello-members.md"

BROKEN = {
    M: MEMBER_YAML.replace("state: CA", "state: XX").replace("cabling, web", "cabeling, web"),
    E: EVENT_YAML.replace("ends: 2027-04-01", "ends: 2027-03-01"),
    A: ARTICLE_MD.replace("(/members/)", "(/member/)"),
    "members/bad-bytes.yaml": b"name: Caf\xe9\n",
}
BROKEN_LINES = [
    f"{A}:7:28: error: link to /member/, a page that does not exist — did you mean '/members/'?",
    f"{E}:4:7: error: ends (2027-03-01) is before starts (2027-03-30)",
    f"{M}:5:8: error: state: unknown US state code 'XX'",
    f"{M}:7:15: error: unknown specialty 'cabeling' — did you mean 'cabling'?",
    "members/bad-bytes.yaml:1:10: error: the file is not valid UTF-8 (byte 0xe9) — save it with UTF-8 encoding",
]
EXPIRED = {V: VENDOR_YAML + "    ends: 2026-11-01\n"}
ANSI = "\x1b["


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if re.match(r"^\S+:\d+:\d+: (error|warning): ", line)]


def page_text(site, rel: str) -> str:
    return lxml.html.fromstring((site / "output" / rel).read_bytes()).text_content()


# --- check --------------------------------------------------------------------------------

def test_check_a_clean_site(make_site, cli):
    site = make_site()
    res = cli("check", "-s", str(site), "--as-of", AS_OF)
    assert res.returncode == 0, res.stderr
    assert re.match(r"check ok: 0 errors, 0 warnings, \d+ pages \(\d+ ms\)$", res.stderr.strip()), res.stderr
    assert not (site / "output").exists()


def test_check_reports_every_error_sorted_and_exits_1(make_site, cli):
    site = make_site(BROKEN)
    res = cli("check", "-s", str(site), "--as-of", AS_OF)
    assert res.returncode == 1
    assert error_lines(res.stderr) == BROKEN_LINES
    assert "Traceback" not in res.stderr + res.stdout
    assert "check failed: 5 errors, 0 warnings" in res.stderr
    assert not (site / "output").exists()


def test_check_runs_in_the_site_folder_by_default(make_site, cli):
    site = make_site(BROKEN)
    res = cli("check", "--as-of", AS_OF, cwd=site)
    assert res.returncode == 1
    assert error_lines(res.stderr) == BROKEN_LINES


def test_check_github_format(make_site, cli):
    site = make_site({M: MEMBER_YAML.replace("state: CA", "state: XX"), **EXPIRED})
    res = cli("check", "-s", str(site), "--as-of", AS_OF, "--format", "github")
    assert res.returncode == 1
    assert res.stdout.splitlines() == [
        "::error file=members/acme-networks.yaml,line=5,col=8::state: unknown US state code 'XX'",
        f"::warning file={V},line=7,col=11::benefit '20%25 off firewalls' expired on 2026-11-01 and is not shown "
        "— remove it or set a new end date",
    ]


def test_github_format_escapes_what_would_break_an_annotation(make_site, cli):
    site = make_site({M: MEMBER_YAML.replace("state: CA", 'state: "X%\\nY"')})
    res = cli("check", "-s", str(site), "--as-of", AS_OF, "--format", "github")
    assert res.stdout.splitlines() == [
        "::error file=members/acme-networks.yaml,line=5,col=8::state: unknown US state code 'X%25%0AY'"]


def test_warnings_pass_unless_strict(make_site, cli):
    site = make_site(EXPIRED)
    res = cli("check", "-s", str(site), "--as-of", AS_OF)
    assert res.returncode == 0, res.stderr
    assert error_lines(res.stderr) == [
        f"{V}:7:11: warning: benefit '20% off firewalls' expired on 2026-11-01 and is not shown — remove it or "
        "set a new end date"]
    strict = cli("check", "-s", str(site), "--as-of", AS_OF, "--strict")
    assert strict.returncode == 1
    assert "check failed: 0 errors, 1 warning" in strict.stderr


def test_build_strict_fails_on_a_warning_and_writes_nothing(make_site, cli):
    site = make_site(EXPIRED)
    res = cli("build", "-s", str(site), "--as-of", AS_OF, "--strict")
    assert res.returncode == 1
    assert "1 warning; nothing was written" in res.stderr
    assert not (site / "output").exists()
    assert cli("build", "-s", str(site), "--as-of", AS_OF).returncode == 0


def test_check_quiet_prints_only_problems(make_site, cli):
    clean = cli("check", "-s", str(make_site()), "--as-of", AS_OF, "-q")
    assert clean.returncode == 0 and clean.stdout == "" and clean.stderr == ""
    broken = cli("check", "-s", str(make_site(BROKEN)), "--as-of", AS_OF, "-q")
    assert broken.returncode == 1
    assert broken.stderr.splitlines() == BROKEN_LINES


# --- usage errors: exit 2 ---------------------------------------------------------------------

def test_usage_errors_exit_2(make_site, cli, tmp_path):
    site = make_site()
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "notes.txt").write_text("mine", encoding="utf-8")
    cases = {
        ("check", "-s", str(site), "--as-of", "2026-13-01"): "--as-of must be a date like 2027-03-30",
        ("check", "-s", str(site), "--as-of", "yesterday"): "--as-of must be a date",
        ("check", "-s", str(tmp_path / "missing")): "does not exist",
        ("build", "-s", str(tmp_path / "missing"), "--as-of", AS_OF): "does not exist",
        ("check", "-s", str(site), "--format", "json"): "Invalid value for '--format'",
        ("build", "-s", str(site), "-o", str(site), "--as-of", AS_OF): "is the source folder",
        ("build", "-s", str(site), "-o", str(site.parent), "--as-of", AS_OF): "contains the source folder",
        ("build", "-s", str(site), "-o", str(stranger), "--as-of", AS_OF): "not empty and was not made by smbsite",
        ("build", "-s", str(site), "-o", str(site / "members" / "out"), "--as-of", AS_OF): "inside the site's members/",
        ("build", "-s", str(site), "--base-url", "example.org", "--as-of", AS_OF): "--base-url must be an absolute web address",
        ("build", "--nonsense"): "No such option",
    }
    for args, message in cases.items():
        res = cli(*args)
        assert res.returncode == 2, (args, res.stderr)
        assert message in res.stderr, (args, res.stderr)
        assert "Traceback" not in res.stderr, args
    assert sorted(p.name for p in stranger.iterdir()) == ["notes.txt"]


def test_bad_source_date_epoch_is_a_usage_error(make_site, cli):
    res = cli("check", "-s", str(make_site()), env={"SOURCE_DATE_EPOCH": "soon"})
    assert res.returncode == 2
    assert "SOURCE_DATE_EPOCH must be a whole number of seconds" in res.stderr


# --- build ------------------------------------------------------------------------------------

def test_build_prints_a_summary_of_pages_per_kind(make_site, cli):
    site = make_site()
    res = cli("build", "-s", str(site), "--as-of", AS_OF)
    assert res.returncode == 0, res.stderr
    rows = dict(re.findall(r"^  (\S+(?: \S+)?)\s+(\d+)$", res.stdout, re.M))
    assert rows["member"] == "1" and rows["vendor"] == "1" and rows["event"] == "1" and rows["article"] == "1"
    written = [p for p in (site / "output").rglob("*") if p.is_file() and p.name != ".smbsite-output"]
    assert int(rows["files written"]) == len(written)
    assert re.search(r"^Built \S*output in \d+ ms$", res.stdout, re.M), res.stdout
    assert ANSI not in res.stdout + res.stderr


def test_build_quiet_prints_nothing(make_site, cli):
    site = make_site()
    res = cli("build", "-s", str(site), "--as-of", AS_OF, "-q")
    assert res.returncode == 0
    assert res.stdout == "" and res.stderr == ""
    assert (site / "output" / "index.html").is_file()


def test_build_with_errors_prints_them_and_writes_nothing(make_site, cli):
    site = make_site(BROKEN)
    res = cli("build", "-s", str(site), "--as-of", AS_OF)
    assert res.returncode == 1
    assert error_lines(res.stderr) == BROKEN_LINES
    assert "5 errors; nothing was written" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (site / "output").exists()


def run_in_tty(args: list[str], env: dict) -> str:
    """Run the CLI with a terminal as stdout and stderr; return what it printed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "smbsite", *args], stdout=follower, stderr=follower,
                            stdin=subprocess.DEVNULL, env=env, close_fds=True)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closed when the process ended
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_colour_only_on_a_terminal_without_no_color(make_site):
    site = make_site({M: MEMBER_YAML.replace("state: CA", "state: XX")})
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "SOURCE_DATE_EPOCH")}
    coloured = run_in_tty(["check", "-s", str(site), "--as-of", AS_OF], env)
    assert ANSI in coloured and "state: unknown US state code 'XX'" in coloured
    plain = run_in_tty(["check", "-s", str(site), "--as-of", AS_OF], {**env, "NO_COLOR": "1"})
    assert "state: unknown US state code 'XX'" in plain
    assert ANSI not in plain
    built = run_in_tty(["build", "-s", str(make_site()), "--as-of", AS_OF], {**env, "NO_COLOR": "1"})
    assert "files written" in built and ANSI not in built


# --- the build date ------------------------------------------------------------------------------

def benefit_ending(day: date) -> dict:
    return {V: VENDOR_YAML + f"    ends: {day.isoformat()}\n"}


def test_as_of_decides_upcoming_events_and_current_benefits(make_site, cli):
    site = make_site(benefit_ending(date(2026, 12, 1)))
    assert cli("build", "-s", str(site), "--as-of", "2026-11-26", "-q").returncode == 0
    events = lxml.html.fromstring((site / "output/events/index.html").read_bytes())
    assert "Annual Conference" in events.xpath("string(//h2[.='Upcoming']/following-sibling::*[1])")
    assert "20% off firewalls" in page_text(site, "vendors/sonicwall/index.html")

    assert cli("build", "-s", str(site), "--as-of", "2027-05-01", "-q").returncode == 0
    events = lxml.html.fromstring((site / "output/events/index.html").read_bytes())
    assert "Annual Conference" not in events.xpath("string(//h2[.='Upcoming']/following-sibling::*[1])")
    assert "Annual Conference" in events.xpath("string(//h2[.='Past']/following-sibling::*[1])")
    assert "20% off firewalls" not in page_text(site, "vendors/sonicwall/index.html")


def test_source_date_epoch_is_the_build_date_without_as_of(make_site, cli):
    site = make_site(benefit_ending(date(2026, 12, 1)))
    before = str(int(datetime(2026, 11, 26, 12, tzinfo=timezone.utc).timestamp()))
    after = str(int(datetime(2026, 12, 5, 12, tzinfo=timezone.utc).timestamp()))
    assert cli("build", "-s", str(site), "-q", env={"SOURCE_DATE_EPOCH": before}).returncode == 0
    assert "20% off firewalls" in page_text(site, "vendors/sonicwall/index.html")
    assert cli("build", "-s", str(site), "-q", env={"SOURCE_DATE_EPOCH": after}).returncode == 0
    assert "20% off firewalls" not in page_text(site, "vendors/sonicwall/index.html")
    # --as-of wins over SOURCE_DATE_EPOCH
    assert cli("build", "-s", str(site), "-q", "--as-of", "2026-11-26", env={"SOURCE_DATE_EPOCH": after}).returncode == 0
    assert "20% off firewalls" in page_text(site, "vendors/sonicwall/index.html")


def test_today_is_the_build_date_otherwise(make_site, cli):
    today = date.today()  # a margin of days keeps this true in every time zone
    site = make_site({V: VENDOR_YAML + f"    ends: {today - timedelta(days=2)}\n"
                                        "  - title: Still running\n    type: training\n    claim: Ask.\n"
                                        f"    ends: {today + timedelta(days=40)}\n"})
    assert cli("build", "-s", str(site), "-q").returncode == 0
    text = page_text(site, "vendors/sonicwall/index.html")
    assert "Still running" in text and "20% off firewalls" not in text


def test_drafts_only_with_the_drafts_flag(make_site, cli):
    draft = ARTICLE_MD.replace("title: Hello members", "title: Secret plans\ndraft: true")
    page = "---\ntitle: Future page\ndraft: true\n---\nSoon.\n"
    site = make_site({"content/articles/secret-plans.md": draft, "content/pages/future.md": page})
    assert cli("build", "-s", str(site), "--as-of", AS_OF, "-q").returncode == 0
    assert not (site / "output/articles/secret-plans").exists()
    assert "Secret plans" not in page_text(site, "articles/index.html")
    assert "Secret plans" not in (site / "output/feed.xml").read_text(encoding="utf-8")
    assert not (site / "output/future").exists()
    assert cli("build", "-s", str(site), "--as-of", AS_OF, "-q", "--drafts").returncode == 0
    assert (site / "output/articles/secret-plans/index.html").is_file()
    assert "Secret plans" in page_text(site, "articles/index.html")
    assert (site / "output/future/index.html").is_file()
