"""Odd things where smbsite expects plain files and folders (links to nothing, named pipes, a file
where a folder belongs) end in a clear message, never in a traceback or a hang."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import AS_OF, run_cli


def build(site: Path, out: Path) -> Path:
    res = run_cli("build", "-s", str(site), "-o", str(out), "--as-of", AS_OF, "-q")
    assert res.returncode == 0, res.stderr
    return out


@pytest.fixture
def two_builds(make_site, tmp_path):
    site = make_site()
    return build(site, tmp_path / "old"), build(site, tmp_path / "new")


def test_diff_skips_a_link_to_nothing_with_a_warning(two_builds):
    old, new = two_builds
    (new / "gone.html").symlink_to("nowhere.html")
    (old / "gone.html").symlink_to("elsewhere.html")
    res = run_cli("diff", str(old), str(new))
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert res.stdout == "no changes: the two builds are identical\n"
    assert res.stderr.splitlines() == [
        f"smbsite: warning: {new / 'gone.html'}: a symbolic link, not a regular file; not compared",
        f"smbsite: warning: {old / 'gone.html'}: a symbolic link, not a regular file; not compared",
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_diff_never_opens_a_named_pipe(two_builds):
    old, new = two_builds
    os.mkfifo(old / "feed.xml.pipe")
    os.mkfifo(new / "feed.xml.pipe")
    res = run_cli("diff", str(old), str(new), timeout=60)  # reading a pipe would wait forever
    assert res.returncode == 0, res.stderr
    assert f"smbsite: warning: {new / 'feed.xml.pipe'}: a named pipe, not a regular file; not compared" \
        in res.stderr.splitlines()


def test_diff_does_not_follow_a_link_to_a_folder(two_builds, tmp_path):
    old, new = two_builds
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "page.html").write_text("x", encoding="utf-8")
    (new / "more").symlink_to(tmp_path / "elsewhere")
    res = run_cli("diff", str(old), str(new))
    assert res.returncode == 0
    assert "/more/" not in res.stdout
    assert f"smbsite: warning: {new / 'more'}: a link to a folder; not compared" in res.stderr


@pytest.mark.parametrize("kind,folder,file", [("member", "members", "members"),
                                              ("article", "content/articles", "content/articles"),
                                              ("article", "content/articles", "content")])
def test_new_says_so_when_its_folder_is_a_file(make_site, kind, folder, file):
    site = make_site()
    shutil.rmtree(site / file)
    (site / file).write_text("not a folder\n", encoding="utf-8")
    res = run_cli("new", kind, "Acme IT", "-s", str(site))
    assert res.returncode == 2
    assert res.stderr == f"smbsite: cannot write into {site / folder}: {site / file} is a file, not a folder\n"
    assert (site / file).read_text(encoding="utf-8") == "not a folder\n"


def test_new_refuses_a_folder_that_links_out_of_the_site(make_site, tmp_path):
    site = make_site()
    (tmp_path / "elsewhere").mkdir()
    shutil.rmtree(site / "members")
    (site / "members").symlink_to(tmp_path / "elsewhere")
    res = run_cli("new", "member", "Acme IT", "-s", str(site))
    assert res.returncode == 2
    assert res.stderr == f"smbsite: cannot write into {site / 'members'}: members is a link to a folder outside " \
                         "the site folder\n"
    assert list((tmp_path / "elsewhere").iterdir()) == []
