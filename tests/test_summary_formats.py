"""The Markdown a pull request's job summary shows: every problem of the check, and the pages a change touches."""
from __future__ import annotations

import re

from conftest import AS_OF, NEW_MEMBER
from smbsite.commands.diff import OutputDiff, format_markdown
from smbsite.core.problems import Problem
from smbsite.core.report import SUMMARY_ROWS, markdown_report


def cells(row: str) -> list[str]:
    """A Markdown table row's cells, honouring escaped pipes."""
    parts, cell, i = [], "", 1
    while i < len(row) - 1:
        if row[i] == "\\" and i + 1 < len(row):
            cell += row[i:i + 2]
            i += 2
            continue
        if row[i] == "|":
            parts.append(cell.strip())
            cell = ""
        else:
            cell += row[i]
        i += 1
    return parts + [cell.strip()]


def test_check_markdown_lists_every_problem_with_place_message_and_fix(make_site, cli):
    broken = NEW_MEMBER.replace("state: WA", "state: Wash").replace("[cabling]", "[cabeling]")
    site = make_site({"members/basalt-data-works.yaml": broken})
    res = cli("check", "-s", str(site), "--as-of", AS_OF, "--format", "markdown")
    assert res.returncode == 1 and res.stderr == ""
    lines = res.stdout.splitlines()
    assert lines[0] == "## Check failed: 2 errors, 0 warnings"
    rows = [cells(line) for line in lines if line.startswith("| `")]
    assert rows == [
        ["`members/basalt-data-works.yaml:5:8`", "state: unknown US state code 'Wash'",
         "did you mean 'WA' (Washington)?"],
        ["`members/basalt-data-works.yaml:6:15`", "unknown specialty 'cabeling'", "did you mean 'cabling'?"],
    ]


def test_check_markdown_of_a_clean_site_says_so(make_site, cli):
    res = cli("check", "-s", str(make_site()), "--as-of", AS_OF, "--format", "markdown")
    assert res.returncode == 0
    assert res.stdout == "## Check passed: 0 errors, 0 warnings\n\nEvery record, page and link is in order.\n"


def test_what_a_pull_request_wrote_cannot_break_the_table_or_add_markup():
    p = Problem("members/a|b`c.yaml", 3, 1, "name: found '<img src=x onerror=alert(1)> | **bold** [link](http://x)'",
                "write it\nin full: `x`")
    text = markdown_report([p], ok=False)
    row = next(line for line in text.splitlines() if line.startswith("| `"))
    assert len(cells(row)) == 3
    for cell in cells(row)[1:]:
        assert re.search(r"(?<!\\)[<>*\[\]`|]", cell) is None, cell  # every markup character escaped
    assert "\\<img" in text and "\\*\\*bold\\*\\*" in text and "\\[link\\]" in text
    assert "\n" not in row


def test_warnings_are_marked_and_a_huge_list_is_cut_with_a_count():
    problems = [Problem(f"members/m{i:05d}.yaml", 1, 1, "benefit expired", "renew it", "warning")
                for i in range(SUMMARY_ROWS + 5)]
    text = markdown_report(problems, ok=True)
    assert text.startswith(f"## Check passed: 0 errors, {SUMMARY_ROWS + 5} warnings")
    assert "| **warning:** benefit expired | renew it |" in text
    assert sum(line.startswith("| `") for line in text.splitlines()) == SUMMARY_ROWS
    assert "… and 5 more: run `smbsite check` on your computer to see them all." in text


def test_diff_links_added_and_changed_pages_to_the_preview_only():
    d = OutputDiff(added=["/members/a/", "/members.json"], removed=["/members/old/"], changed=["/404.html"])
    text = format_markdown(d, "Pages", "http://localhost:8000/")
    assert "- [`/members/a/`](http://localhost:8000/members/a/)" in text
    assert "- `/members.json`" in text  # data files are listed, not linked
    assert "- `/members/old/`" in text  # a removed page is not in the preview
    assert "- [`/404.html`](http://localhost:8000/404.html)" in text


def test_diff_link_prefix_must_be_absolute(tmp_path, cli):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    res = cli("diff", str(tmp_path / "a"), str(tmp_path / "b"), "--format", "markdown", "--link-prefix", "preview/")
    assert res.returncode == 2 and "--link-prefix must be absolute" in res.stderr
