"""`smbsite diff OLD NEW`: pages added, removed and changed between two builds."""
from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import NEW_MEMBER, AS_OF, run_cli
from smbsite.commands.diff import FOLD_AFTER, diff_outputs, format_markdown, site_path
from smbsite.publishing.write import MARKER



def build(site: Path, out: Path) -> Path:
    res = run_cli("build", "-s", str(site), "-o", str(out), "--as-of", AS_OF, "-q")
    assert res.returncode == 0, res.stderr
    return out


@pytest.fixture
def two_builds(make_site, tmp_path):
    base = build(make_site(), tmp_path / "out-base")
    # the pull request: one member added, the only article removed
    head = build(make_site({"members/basalt-data-works.yaml": NEW_MEMBER,
                            "content/articles/hello-members.md": None}), tmp_path / "out-pr")
    return base, head


def test_lists_added_removed_and_changed_pages(two_builds):
    base, head = two_builds
    res = run_cli("diff", str(base), str(head))
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    added = {line.split()[1] for line in lines if line.startswith("added ")}
    removed = [line.split()[1] for line in lines if line.startswith("removed ")]
    changed = {line.split()[1] for line in lines if line.startswith("changed ")}
    assert {"/members/basalt-data-works/", "/regions/wa/"} <= added
    assert removed == ["/articles/hello-members/", "/articles/hello-members/social.png"]  # the page and its card
    assert {"/", "/members/", "/partners/cabling/", "/members.json", "/sitemap.xml", "/feed.xml"} <= changed
    assert not any(p.startswith("/vendors/") for p in added | changed)
    d = diff_outputs(base, head)
    assert lines[-1] == f"{len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed"
    assert len(lines) == len(d.added) + len(d.removed) + len(d.changed) + 1
    # every listed page really differs, and every unlisted one is byte-identical
    listed = set(d.added) | set(d.removed) | set(d.changed)
    for file in head.rglob("*"):
        if file.is_file() and file.name != MARKER:
            rel = file.relative_to(head).as_posix()
            if site_path(rel) not in listed:
                assert (base / rel).read_bytes() == file.read_bytes(), rel


def test_markdown_summary_for_the_job_summary(two_builds):
    base, head = two_builds
    res = run_cli("diff", str(base), str(head), "--format", "markdown", "--title", "Pages this PR changes")
    assert res.returncode == 0, res.stderr
    tokens = MarkdownIt().parse(res.stdout)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    d = diff_outputs(base, head)
    assert headings[0] == "Pages this PR changes"
    assert headings[1:] == [f"Added ({len(d.added)})", f"Removed ({len(d.removed)})", f"Changed ({len(d.changed)})"]
    codes = [t.content for tok in tokens if tok.type == "inline" for t in tok.children if t.type == "code_inline"]
    assert "/members/basalt-data-works/" in codes and "/articles/hello-members/" in codes
    assert f"**{len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed**" in res.stdout


def test_identical_builds_and_the_marker_file_is_ignored(make_site, tmp_path):
    site = make_site()
    a, b = build(site, tmp_path / "a"), build(site, tmp_path / "b")
    (b / MARKER).write_text("a different marker\n")
    res = run_cli("diff", str(a), str(b))
    assert res.returncode == 0
    assert res.stdout == "no changes: the two builds are identical\n"
    res = run_cli("diff", str(a), str(b), "--format", "markdown")
    assert res.stdout == "## Site changes\n\nNo page changes: the built site is identical.\n"


def test_content_change_of_same_size_is_found(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    for root, text in ((old, "cat"), (new, "dog")):
        (root / "about").mkdir(parents=True)
        (root / "about/index.html").write_text(text)
        (root / "index.html").write_text("same")
    d = diff_outputs(old, new)
    assert (d.added, d.removed, d.changed) == ([], [], ["/about/"])


@pytest.mark.parametrize("rel, url", [
    ("index.html", "/"), ("members/acme/index.html", "/members/acme/"), ("members.json", "/members.json"),
    ("events/x.ics", "/events/x.ics"), ("404.html", "/404.html"), ("static/style.css", "/static/style.css"),
])
def test_site_paths(rel, url):
    assert site_path(rel) == url


def test_long_lists_fold_and_odd_names_stay_inert(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    (new / "static").mkdir(parents=True)
    for i in range(FOLD_AFTER + 1):
        (new / "static" / f"f{i:02d}.txt").write_text("x")
    (new / "static" / "a`<b>`.txt").write_text("x")
    text = format_markdown(diff_outputs(old, new))
    assert f"### Added ({FOLD_AFTER + 2})" in text
    assert f"<details><summary>Show all {FOLD_AFTER + 2}</summary>" in text
    assert "- `/static/a'<b>'.txt`" in text
    html = MarkdownIt().render(text)
    assert "<b>" not in html


def test_missing_folder_is_a_usage_error(tmp_path):
    res = run_cli("diff", str(tmp_path / "nope"), str(tmp_path))
    assert res.returncode == 2
    assert "does not exist" in res.stderr
