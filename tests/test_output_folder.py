"""When the output folder cannot be written, the build says so in one line (exit 2) and leaves the
previous build as it was; what a build killed midway leaves beside it is removed by the next."""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import AS_OF, REPO, run_cli
from smbsite.core import cache_folder
from smbsite.publishing import write
from smbsite.api import UsageError, build
from smbsite.publishing.write import MARKER, remove_leftovers

from conftest import tree


def one_line_usage_error(res: subprocess.CompletedProcess, out: str) -> None:
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    assert res.stderr.count("\n") == 1
    assert res.stderr.startswith(f"smbsite: cannot write the output folder {out}")


def edit_member(site: Path) -> None:
    member = site / "members" / "acme-networks.yaml"
    member.write_text(member.read_text(encoding="utf-8").replace("Cabling and web", "Fibre and web"), encoding="utf-8")


# --- operating-system errors on OUT -------------------------------------------------------------

def test_an_output_folder_below_a_file_is_a_usage_error(make_site, tmp_path):
    site = make_site()
    (tmp_path / "README.md").write_text("# notes\n", encoding="utf-8")
    res = run_cli("build", "-s", str(site), "-o", "README.md/out", "--as-of", AS_OF, "-q", cwd=tmp_path)
    one_line_usage_error(res, str(tmp_path / "README.md" / "out"))
    assert f"{tmp_path / 'README.md'} is not a folder" in res.stderr
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "# notes\n"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs a /proc file system")
def test_an_output_folder_the_system_refuses_to_create_is_a_usage_error(make_site):
    res = run_cli("build", "-s", str(make_site()), "-o", "/proc/x", "--as-of", AS_OF, "-q")
    one_line_usage_error(res, "/proc/x")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_full_disk_while_writing_leaves_the_previous_build_as_it_was(make_site, monkeypatch, jobs):
    site = make_site()
    out = site / "output"
    assert build(site, out, as_of=AS_OF).ok
    before = tree(out)
    monkeypatch.setenv("SMBSITE_JOBS", str(jobs))
    edit_member(site)  # (a build with nothing changed writes nothing)

    real = os.open

    def disk_full(path, flags, *args, **kw):
        if flags & os.O_WRONLY and ".smbsite-new-" in str(path) and "members" in str(path):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(path, flags, *args, **kw)

    monkeypatch.setattr(write.os, "open", disk_full)
    with pytest.raises(UsageError, match=f"cannot write the output folder {out}: No space left on device"):
        build(site, out, as_of=AS_OF)
    assert tree(out) == before
    assert sorted(p.name for p in site.iterdir() if "smbsite-" in p.name and p.name != ".smbsite-cache") == []


def test_a_failed_swap_puts_the_previous_build_back(make_site, monkeypatch):
    site = make_site()
    out = site / "output"
    assert build(site, out, as_of=AS_OF).ok
    before = tree(out)
    edit_member(site)
    real = os.replace

    def refuse_the_new_build(a, b):
        if ".smbsite-new-" in str(a):
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(a))
        return real(a, b)

    monkeypatch.setattr(write.os, "replace", refuse_the_new_build)
    with pytest.raises(UsageError, match="cannot write the output folder .*: Input/output error"):
        build(site, out, as_of=AS_OF)
    assert tree(out) == before


# --- what builds killed midway leave -----------------------------------------------------------

def dead_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def leftover(parent: Path, name: str, age: float = 0) -> Path:
    folder = parent / name
    (folder / "members" / "acme").mkdir(parents=True)
    (folder / "members" / "acme" / "index.html").write_text("half a page", encoding="utf-8")
    if age:
        when = time.time() - age
        os.utime(folder, (when, when))
    return folder


def test_the_next_build_removes_what_killed_builds_left(make_site):
    site = make_site()
    out = site / "output"
    assert build(site, out, as_of=AS_OF).ok
    gone = dead_pid()
    for name in (f".output.smbsite-new-{gone}", f".output.smbsite-old-{gone}",
                 # a dead build's number that this very process now has: the swap used to crash on it
                 f".output.smbsite-new-{os.getpid()}", f".output.smbsite-old-{os.getpid()}"):
        leftover(site, name)
    result = build(site, out, as_of=AS_OF)
    assert result.ok
    assert sorted(p.name for p in site.iterdir() if ".smbsite-" in p.name and p.name != ".smbsite-cache") == []
    assert (out / MARKER).is_file() and (out / "index.html").is_file()


def test_smbsite_build_removes_what_a_killed_build_left(make_site):
    site = make_site()
    assert run_cli("build", "-s", str(site), "--as-of", AS_OF, "-q").returncode == 0
    gone = dead_pid()
    leftover(site, f".output.smbsite-new-{gone}")
    leftover(site, f".output.smbsite-old-{gone}")
    res = run_cli("build", "-s", str(site), "--as-of", AS_OF, "-q")
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in site.iterdir() if ".smbsite-" in p.name and p.name != ".smbsite-cache") == []


@pytest.mark.skipif(cache_folder.fcntl is None, reason="needs file locks")
def test_a_running_build_s_folder_is_kept(tmp_path):
    import fcntl
    out = tmp_path / "output"
    running = leftover(tmp_path, f".output.smbsite-new-{os.getppid()}", age=3600)
    fd = os.open(running, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as the running build holds it
        assert remove_leftovers(out) == []
        assert running.is_dir()
    finally:
        os.close(fd)
    assert remove_leftovers(out) == [running]


def test_a_young_unlocked_folder_of_a_live_process_is_kept_until_it_is_stale(tmp_path):
    """A build locks its folder a moment after making it; a folder of a live process number is
    only a leftover (the number was reused) once it is older than that moment could be."""
    out = tmp_path / "output"
    young = leftover(tmp_path, f".output.smbsite-new-{os.getppid()}")
    assert remove_leftovers(out) == [] and young.is_dir()
    when = time.time() - 2 * write.GRACE_SECONDS
    os.utime(young, (when, when))
    assert remove_leftovers(out) == [young]


def test_only_staging_folders_of_this_output_are_removed(tmp_path):
    out = tmp_path / "output"
    gone = dead_pid()
    keep = [tmp_path / f".public.smbsite-new-{gone}", tmp_path / f".output.smbsite-new-{gone}x",
            tmp_path / f"output.smbsite-new-{gone}", tmp_path / f".output.smbsite-cache-{gone}"]
    for folder in keep:
        folder.mkdir()
    (tmp_path / f".output.smbsite-old-{gone}").write_text("a file, not a build's folder", encoding="utf-8")
    assert remove_leftovers(out) == []
    assert all(folder.exists() for folder in keep)


def test_staging_folders_are_git_ignored():
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a checkout")
    for name in (".output.smbsite-new-4242/index.html", ".public.smbsite-old-7/x", "site/.output.smbsite-new-1/a"):
        res = subprocess.run(["git", "-C", str(REPO), "check-ignore", "-q", "--no-index", name])
        assert res.returncode == 0, name


# --- a build through the cache changes only what changed -----------------------------------------

def stats(out: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in out.rglob("*") if p.is_file()}


def test_files_whose_bytes_did_not_change_are_not_written_again(make_site, tmp_path):
    site = make_site()
    out, fresh = site / "output", tmp_path / "fresh"
    assert build(site, out, as_of=AS_OF).ok
    (out / "stray.html").write_text("left by hand", encoding="utf-8")
    before = stats(out)
    edit_member(site)
    (site / "content" / "articles" / "hello-members.md").unlink()
    assert build(site, out, as_of=AS_OF).ok
    after = stats(out)
    assert build(site, fresh, as_of=AS_OF, cache=False).ok
    assert tree(out) == tree(fresh)  # what a build without the cache writes, no more, no less
    assert after["members/acme-networks/index.html"] != before["members/acme-networks/index.html"]
    untouched = [rel for rel in after if before.get(rel) == after[rel]]
    assert "events/annual-conference/index.html" in untouched, untouched
    assert "static/style.css" in untouched
    assert "articles/hello-members/index.html" not in after and "stray.html" not in after


def test_a_template_error_after_an_edit_leaves_the_previous_build_as_it_was(make_site):
    site = make_site()
    out = site / "output"
    assert build(site, out, as_of=AS_OF).ok
    before, times = tree(out), stats(out)
    edit_member(site)
    (site / "templates" / "member.html").write_text('{% extends "theme/member.html" %}'
                                                    '{% block main %}{{ member.no_such_field }}{% endblock %}')
    result = build(site, out, as_of=AS_OF)
    assert not result.ok and any("no_such_field" in p.message for p in result.errors)
    assert tree(out) == before and stats(out) == times
