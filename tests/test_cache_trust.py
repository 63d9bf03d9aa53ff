"""The build cache is never an input a pull request controls: whatever a commit puts where a cache
is (links to secrets, a link for the folder itself, forged entries), the output is the bytes of a
build without a cache, and nothing outside the cache and the output changes."""
from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
from PIL import Image

from conftest import AS_OF, MEMBER_YAML, SITE_YAML, run_cli, tree
from smbsite.core.cache_folder import default_folder

M = "members/acme-networks.yaml"
SECRET = "GITHUB_TOKEN=ghs_not_a_real_token_but_a_secret_all_the_same\n"


def png(colour: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (300, 120), colour).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def world(make_site, tmp_path):
    """A site with raster logos (so the image cache is used) in a git checkout, and beside it a
    folder of things a hostile commit would like to read or clobber."""
    site = make_site({M: MEMBER_YAML + "logo: acme.png\n", "members/acme.png": png("#2a6"),
                      "site.yaml": SITE_YAML + "logo: brand.png\n", "brand.png": png("#135")})
    outside = tmp_path / "outside"
    (outside / "elsewhere").mkdir(parents=True)
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (outside / "elsewhere" / "precious.txt").write_text("do not delete\n", encoding="utf-8")
    git(site, "init", "-q")
    commit(site)
    cold = tmp_path / "cold"
    res = run_cli("build", "-s", str(site), "-o", str(cold), "--as-of", AS_OF, "--no-cache", "-q")
    assert res.returncode == 0, res.stderr
    return site, outside, tree(cold)


def git(site, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "A Member", "GIT_AUTHOR_EMAIL": "member@example.org",
           "GIT_COMMITTER_NAME": "A Member", "GIT_COMMITTER_EMAIL": "member@example.org"}
    res = subprocess.run(["git", "-C", str(site), *args], capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr
    return res.stdout


def commit(site) -> None:
    git(site, "add", "-A")
    git(site, "commit", "-q", "--allow-empty", "-m", "A pull request")


def build(site, out, *cache: str) -> subprocess.CompletedProcess:
    res = run_cli("build", "-s", str(site), "-o", str(out), "--as-of", AS_OF, *cache)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Traceback" not in res.stderr
    return res


def files_in(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def everything_but(site, *skip: str) -> dict[str, str]:
    return {k: v for k, v in tree(site).items() if not k.startswith(skip)}


@pytest.mark.parametrize("where", ["in the site, committed", "the default folder"])
def test_cache_files_replaced_by_links_to_a_secret_change_nothing(world, tmp_path, where):
    site, outside, cold = world
    folder = site / ".smbsite-cache" if where.startswith("in the site") else default_folder(site)
    cache = ["--cache-dir", str(folder)] if where.startswith("in the site") else []
    build(site, tmp_path / "warm", *cache)
    entries = [p for p in files_in(folder) if p.name not in ("lock",)]
    assert "cache.sqlite" in {p.name for p in entries}  # pages, images and records
    for p in entries:  # every entry a link to the secret, and links where the database writes its own files
        p.unlink()
        p.symlink_to(outside / "secret.txt")
    for name in ("cache.sqlite-wal", "cache.sqlite-shm", "cache.sqlite-journal"):
        (folder / name).unlink(missing_ok=True)
        (folder / name).symlink_to(outside / "secret.txt")
    (folder / "images").symlink_to(outside / "elsewhere")
    commit(site)
    before = tree(outside), everything_but(site, "output", ".smbsite-cache", ".git")
    out = tmp_path / "out"
    res = build(site, out, *cache)
    assert tree(out) == cold
    assert not any(SECRET.encode() in p.read_bytes() for p in files_in(out))
    assert (tree(outside), everything_but(site, "output", ".smbsite-cache", ".git")) == before
    if where.startswith("in the site"):
        assert "cache folder not used" in res.stderr  # git tracks it, and it holds links
    # and the next build through that cache is still a cold build's bytes
    build(site, tmp_path / "again", *cache)
    assert tree(tmp_path / "again") == cold
    assert tree(outside) == before[0]


def test_a_cache_folder_committed_as_a_link_to_another_folder_is_never_written(world, tmp_path):
    site, outside, cold = world
    (site / ".smbsite-cache").symlink_to(outside / "elsewhere")
    (outside / "elsewhere" / "cache.sqlite").write_text("kept\n")  # as if a build had made it there
    commit(site)
    before = tree(outside)
    for cache in (["--cache-dir", str(site / ".smbsite-cache")], []):
        res = build(site, tmp_path / f"out{len(cache)}", *cache)
        assert tree(tmp_path / f"out{len(cache)}") == cold
        assert tree(outside) == before  # nothing written, nothing deleted there
        if cache:
            assert ".smbsite-cache:1:1: warning: cache folder not used" in res.stderr


@pytest.mark.parametrize("link", ["images", "cache.sqlite", "parent"])
def test_a_linked_folder_inside_the_cache_or_above_it_is_never_written(world, tmp_path, link):
    site, outside, cold = world
    if link == "parent":  # --cache-dir site/build/cache, where build/ is a committed link out of the site
        (site / "build").symlink_to(outside / "elsewhere")
        folder = site / "build" / "cache"
        cache = ["--cache-dir", str(folder)]
    else:  # the default folder, outside the site: a link in it to another folder (in the database's place too)
        folder = default_folder(site)
        folder.mkdir(parents=True)
        (folder / link).symlink_to(outside / "elsewhere")
        cache = []
    commit(site)
    before = tree(outside)
    res = build(site, tmp_path / "out", *cache)
    assert tree(tmp_path / "out") == cold
    assert tree(outside) == before
    assert "warning: cache folder not used" in res.stderr


def test_a_committed_cache_of_plain_files_is_ignored_with_a_warning(world, tmp_path):
    site, outside, cold = world
    folder = site / ".smbsite-cache"
    build(site, tmp_path / "warm", "--cache-dir", str(folder))
    commit(site)
    res = build(site, tmp_path / "out", "--cache-dir", str(folder))
    assert "git tracks files in the cache folder" in res.stderr
    assert tree(tmp_path / "out") == cold


@pytest.mark.parametrize("where", ["in the site, not committed", "the default folder"])
def test_a_forged_page_entry_with_a_correct_digest_is_a_miss(world, tmp_path, where):
    """The attacker writes the page and its digest too; without the key kept outside the site, the
    entry's signature cannot be made, and the page is rendered."""
    import hashlib
    site, outside, cold = world
    folder = site / ".smbsite-cache" if where.startswith("in the site") else default_folder(site)
    if where.startswith("in the site"):
        (site / ".gitignore").write_text(".smbsite-cache/\noutput/\n")
        commit(site)
    cache = ["--cache-dir", str(folder)] if where.startswith("in the site") else []
    build(site, tmp_path / "warm", *cache)
    forged = b"<!doctype html><title>Join</title><script>alert(document.domain)</script>"
    db = sqlite3.connect(folder / "cache.sqlite")
    with db:  # every page: the join page, the home page, all of them; half with a stamp that fits the bytes
        db.execute("UPDATE pages SET data = ?", (forged,))
        db.execute("UPDATE pages SET stamp = ? WHERE rowid % 2 = 0", (hashlib.blake2b(forged).hexdigest(),))
        # and every image replaced by another picture
        db.execute("UPDATE images SET data = ?", (png("#f00"),))
        assert db.execute("SELECT count(*) FROM pages").fetchone()[0] > 10
    db.close()
    out = tmp_path / "out"
    build(site, out, *cache)
    assert tree(out) == cold
    assert not any(b"alert(document.domain)" in p.read_bytes() for p in files_in(out))


def test_two_builds_sharing_one_cache_at_once_both_succeed(world, tmp_path):
    site, outside, cold = world
    folder = tmp_path / "shared-cache"
    for round_ in range(3):
        procs = [subprocess.Popen([sys.executable, "-m", "smbsite", "build", "-s", str(site), "-o",
                                   str(tmp_path / f"out-{round_}-{i}"), "--as-of", AS_OF, "-q", "--cache-dir",
                                   str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for i in range(2)]
        for i, proc in enumerate(procs):
            stdout, stderr = proc.communicate(timeout=300)
            assert proc.returncode == 0, stderr
            assert "Traceback" not in stderr
            assert tree(tmp_path / f"out-{round_}-{i}") == cold
        if round_ == 0:  # a changed logo: the next round's builds make new images and prune old ones
            (site / "members/acme.png").write_bytes(png("#a62"))
            res = run_cli("build", "-s", str(site), "-o", str(tmp_path / "cold2"), "--as-of", AS_OF, "--no-cache")
            assert res.returncode == 0
            cold = tree(tmp_path / "cold2")
    shutil.rmtree(folder)
