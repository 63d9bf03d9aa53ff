"""Incremental must equal full: random edits, each followed by a byte comparison
of every output file against a fresh full build of the same sources."""
from __future__ import annotations

import json
import os
import random
import types
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import AS_OF, REPO
from smbsite import build
from smbsite.server.incremental import IncrementalSite
from smbsite.rendering.render import THEME
from smbsite.publishing.write import MARKER


def copy_bundled(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in ("site.yaml", "smbtn-logo.svg", "members", "vendors", "events", "content", "templates"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        else:
            shutil.copy2(src, dest / name)
    return dest


def full_build_files(site: Path, out: Path) -> dict[str, bytes]:
    if out.exists():
        shutil.rmtree(out)
    result = build(site, out, as_of=AS_OF)
    assert result.ok, [p.text() for p in result.errors]
    # the search index is written by build alone (serve's search page says it has none)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
            if p.is_file() and p.name != MARKER and p.relative_to(out).parts[0] != "pagefind"}


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def referenced_members(site: Path) -> set[str]:
    refs = set()
    for f in (site / "events").glob("*.yaml"):
        event = load(f)
        refs |= set(event.get("guests") or [])
        refs |= {sp["member"] for s in event.get("sessions") or [] for sp in s.get("speakers") or []
                 if isinstance(sp, dict) and sp.get("member")}
    for f in list((site / "content").rglob("*.md")) + list((site / "members").glob("*.yaml")):
        text = f.read_text(encoding="utf-8")
        refs |= {s.split("/")[0] for s in text.split("/members/")[1:] if s}
    return refs


class Editor:
    """Valid random edits of a site folder; each returns the changed paths."""

    def __init__(self, site: Path, rng: random.Random):
        self.site, self.rng, self.n = site, rng, 0

    def pick(self, folder: str, pattern: str = "*.yaml") -> Path:
        return self.rng.choice(sorted((self.site / folder).glob(pattern)))

    def rel(self, p: Path) -> str:
        return p.relative_to(self.site).as_posix()

    def member_summary(self) -> set[str]:
        f = self.pick("members")
        d = load(f)
        d["summary"] = f"Edited summary number {self.n}"
        dump(f, d)
        return {self.rel(f)}

    def member_description(self) -> set[str]:
        f = self.pick("members")
        d = load(f)
        d["description"] = f"New text {self.n} with a [link](/partners/).\n"
        dump(f, d)
        return {self.rel(f)}

    def member_specialties(self) -> set[str]:
        f = self.pick("members")
        d = load(f)
        keys = sorted(load(self.site / "site.yaml")["specialties"])
        d["specialties"] = self.rng.sample(keys, self.rng.randint(1, 3))
        dump(f, d)
        return {self.rel(f)}

    def member_rename_company(self) -> set[str]:
        f = self.pick("members")
        d = load(f)
        d["name"] = self.rng.choice(["Aardvark", "Zephyr", "Midline"]) + f" Systems {self.n}"
        dump(f, d)
        return {self.rel(f)}

    def member_add(self) -> set[str]:
        f = self.pick("members")
        d = load(f)
        d["name"] = f"Newcomer Tech {self.n}"
        d["website"] = f"https://newcomer-{self.n}.example.com"
        new = self.site / "members" / f"newcomer-tech-{self.n}.yaml"
        dump(new, d)
        return {self.rel(new)}

    def member_delete(self) -> set[str]:
        refs = referenced_members(self.site)
        candidates = [p for p in sorted((self.site / "members").glob("*.yaml")) if p.stem not in refs]
        f = self.rng.choice(candidates)
        f.unlink()
        return {self.rel(f)}

    def member_rename_file(self) -> set[str]:
        refs = referenced_members(self.site)
        candidates = [p for p in sorted((self.site / "members").glob("*.yaml")) if p.stem not in refs]
        f = self.rng.choice(candidates)
        new = f.with_name(f"{f.stem}-renamed{self.n}.yaml")
        f.rename(new)
        return {self.rel(f), self.rel(new)}

    def vendor_edit(self) -> set[str]:
        f = self.pick("vendors")
        d = load(f)
        d["summary"] = f"Vendor summary {self.n}"
        if d.get("benefits") and self.rng.random() < 0.5:
            d["benefits"][0]["title"] = f"Benefit title {self.n}"
        dump(f, d)
        return {self.rel(f)}

    def event_edit(self) -> set[str]:
        f = self.pick("events")
        d = load(f)
        if self.rng.random() < 0.5:
            d["summary"] = f"Event summary {self.n}"
        else:
            d["title"] = f"Renamed event {self.n}"
        dump(f, d)
        return {self.rel(f)}

    def _article(self, f: Path, title: str, day: str, body: str) -> None:
        f.write_text(f"---\ntitle: {title}\ndate: {day}\nsummary: Summary {self.n}\n---\n{body}\n", encoding="utf-8")

    def article_edit(self) -> set[str]:
        f = self.pick("content/articles", "*.md")
        text = f.read_text(encoding="utf-8")
        f.write_text(text + f"\nAn added paragraph {self.n}.\n", encoding="utf-8")
        return {self.rel(f)}

    def article_add(self) -> set[str]:
        f = self.site / "content" / "articles" / f"news-{self.n}.md"
        self._article(f, f"News item {self.n}", f"2026-{self.rng.randint(1, 11):02d}-{self.rng.randint(1, 28):02d}",
                      "See the [members](/members/).")
        return {self.rel(f)}

    def article_delete(self) -> set[str]:
        linked = set()
        for p in (self.site / "content").rglob("*.md"):
            linked |= {s.split("/")[0] for s in p.read_text(encoding="utf-8").split("/articles/")[1:] if s}
        candidates = [p for p in sorted((self.site / "content" / "articles").glob("*.md")) if p.stem not in linked]
        f = self.rng.choice(candidates)
        f.unlink()
        return {self.rel(f)}

    def page_title(self) -> set[str]:
        f = self.pick("content/pages", "*.md")
        text = f.read_text(encoding="utf-8")
        head, body = text.split("\n---\n", 1)
        lines = [f"title: Page title {self.n}" if line.startswith("title:") else line for line in head.splitlines()]
        f.write_text("\n".join(lines) + "\n---\n" + body, encoding="utf-8")
        return {self.rel(f)}

    def template_edit(self) -> set[str]:
        name = self.rng.choice(["base.html", "member.html", "article.html", "event.html"])
        f = self.site / "templates" / name
        # the first edit of a theme file creates the site's own copy, which replaces the theme's from then on
        text = f.read_text(encoding="utf-8") if f.exists() else (THEME / name).read_text(encoding="utf-8")
        f.write_text(text + f"{{# edit {self.n} #}}<!-- edit {self.n} -->\n", encoding="utf-8")
        return {self.rel(f)}

    def linked(self, folder: str) -> set[str]:
        """Slugs of a folder that some Markdown links to (deleting those would break a link)."""
        refs = set()
        for p in list((self.site / "content").rglob("*.md")) + list(self.site.glob("*/*.yaml")):
            refs |= {s.split("/")[0] for s in p.read_text(encoding="utf-8").split(f"/{folder}/")[1:] if s}
        return refs

    def vendor_add(self) -> set[str]:
        f = self.site / "vendors" / f"new-vendor-{self.n}.yaml"
        dump(f, {"name": f"New Vendor {self.n}", "summary": "Freshly signed.",
                 "benefits": [{"title": "Intro offer", "type": "discount", "claim": "Ask us."}]})
        return {self.rel(f)}

    def vendor_delete(self) -> set[str]:
        made = sorted((self.site / "vendors").glob("new-vendor-*.yaml"))
        if not made:
            return self.vendor_add()
        made[0].unlink()
        return {self.rel(made[0])}

    def event_add(self) -> set[str]:
        f = self.site / "events" / f"meetup-{self.n}.yaml"
        dump(f, {"title": f"Meetup {self.n}", "type": "meetup", "starts": f"2027-0{self.rng.randint(1, 9)}-12T18:00",
                 "location": {"name": "Back room", "city": "Reno", "state": "NV"}})
        return {self.rel(f)}

    def event_delete_or_rename(self) -> set[str]:
        linked = self.linked("events")
        candidates = [p for p in sorted((self.site / "events").glob("*.yaml")) if p.stem not in linked]
        f = self.rng.choice(candidates)
        if self.rng.random() < 0.5:
            f.unlink()
            return {self.rel(f)}
        new = f.with_name(f"{f.stem}-moved{self.n}.yaml")
        f.rename(new)
        return {self.rel(f), self.rel(new)}

    def article_rename(self) -> set[str]:
        linked = self.linked("articles")
        candidates = [p for p in sorted((self.site / "content" / "articles").glob("*.md")) if p.stem not in linked]
        f = self.rng.choice(candidates)
        new = f.with_name(f"{f.stem}-renamed{self.n}.md")
        f.rename(new)
        return {self.rel(f), self.rel(new)}

    def template_add(self) -> set[str]:
        # a new template of the site's own, referred to where nothing renders it (a template file
        # that nothing refers to at all is an error)
        f = self.site / "templates" / f"_note_{self.n}.html"
        f.write_text("<p>not shown on any page</p>\n", encoding="utf-8")
        home = self.site / "templates" / "home.html"
        with home.open("a", encoding="utf-8") as out:
            out.write(f'{{% if false %}}{{% include "{f.name}" %}}{{% endif %}}\n')
        return {self.rel(f), self.rel(home)}

    def touch_unchanged(self) -> set[str]:
        f = self.pick("members")
        f.write_bytes(f.read_bytes())
        return {self.rel(f)}

    OPS = ["member_summary", "member_description", "member_specialties", "member_rename_company", "member_add",
           "member_delete", "member_rename_file", "vendor_edit", "event_edit", "article_edit", "article_add",
           "article_delete", "page_title", "template_edit", "touch_unchanged", "vendor_add", "vendor_delete",
           "event_add", "event_delete_or_rename", "article_rename", "template_add"]

    def step(self) -> tuple[str, set[str]]:
        self.n += 1
        op = self.OPS[(self.n - 1) % len(self.OPS)] if self.n <= len(self.OPS) else self.rng.choice(self.OPS)
        return op, getattr(self, op)()


def test_incremental_equals_full_after_random_edits(tmp_path):
    site = copy_bundled(tmp_path / "site")
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    assert inc.files() == full_build_files(site, tmp_path / "out")
    editor = Editor(site, random.Random(20261126))
    paths = {"fast": 0, "full": 0}
    for _ in range(2 * len(Editor.OPS)):
        op, changed = editor.step()
        stats = inc.apply(changed)
        paths[stats.path] = paths.get(stats.path, 0) + 1
        assert not inc.errors, (op, [p.text() for p in inc.errors])
        got, want = inc.files(), full_build_files(site, tmp_path / "out")
        assert sorted(got) == sorted(want), (op, changed, set(got) ^ set(want))
        differing = [name for name in want if got[name] != want[name]]
        assert not differing, (op, changed, differing[:10])
    assert paths["fast"] > 0 and paths["full"] > 0, paths  # both paths were exercised


def test_second_pass_without_change_renders_nothing(tmp_path):
    site = copy_bundled(tmp_path / "site")
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    assert inc.render_dirty() > 100
    stats = inc.apply({"members/granite-peak-it.yaml"})  # touched, same bytes
    assert stats.dirty == 0
    assert inc.render_dirty() == 0
    assert inc.apply(set()).dirty == 0
    assert inc.render_dirty() == 0


def test_one_member_edit_rerenders_only_what_shows_it(tmp_path):
    site = copy_bundled(tmp_path / "site")
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    total = inc.render_dirty()
    f = site / "members" / "granite-peak-it.yaml"
    d = load(f)
    d["summary"] = "A new one-line summary."
    dump(f, d)
    stats = inc.apply({"members/granite-peak-it.yaml"})
    assert stats.path == "fast"
    dirty = set(inc.dirty)
    member_pages = {u for u in dirty if u.startswith("/members/") and u.count("/") == 3 and "letter" not in u
                    and u.endswith("/")}  # (its logo files are copied again too: cheap, from the cache)
    assert member_pages == {"/members/granite-peak-it/"}  # no other member's page
    assert {"/members/", "/members.json"} <= dirty  # what shows the summary
    assert "/partners/" not in dirty  # the finder names members, and shows no summary
    assert not any(u.startswith(("/articles/", "/static/")) for u in dirty)
    assert inc.render_dirty() == len(dirty) < total
    assert b"A new one-line summary." in inc.render("/members/granite-peak-it/")


def test_serve_takes_today_in_the_sites_zone_like_build(tmp_path, monkeypatch):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    site = copy_bundled(tmp_path / "site")
    inc = IncrementalSite(site)
    inc.full()
    zone = ZoneInfo(load(site / "site.yaml")["timezone"])
    assert inc.graph.site.as_of == datetime.now(zone).date() == inc.day


def test_folders_moved_out_and_back_in_equal_a_full_build(tmp_path):
    """A folder moved away arrives as one event for the folder alone: all it held is gone."""
    site = copy_bundled(tmp_path / "site")
    away = tmp_path / "away"
    away.mkdir()
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    inc.render_dirty()

    def same_as_full_build(name: str) -> None:
        assert not inc.errors, [p.text() for p in inc.errors]
        got, want = inc.files(), full_build_files(site, tmp_path / "out")
        assert sorted(got) == sorted(want), (name, set(got) ^ set(want))
        assert [f for f in want if got[f] != want[f]] == [], name

    (site / "templates").rename(away / "templates")  # the theme's files take over
    assert inc.apply({"templates"}).path == "full"
    same_as_full_build("templates moved out")
    (away / "templates").rename(site / "templates")
    inc.apply({"templates"})
    same_as_full_build("templates moved back")
    (site / "events").rename(away / "events")  # articles link to events: now errors, like a build's
    assert inc.apply({"events"}).path == "full"
    assert inc.errors and all("/events/" in p.message for p in inc.errors)
    (away / "events").rename(site / "events")
    inc.apply({"events"})
    same_as_full_build("events moved back")


# --- builds through the cache ----------------------------------------------------------------


def cached_build_files(site: Path, out: Path, cache: Path) -> dict[str, bytes]:
    result = build(site, out, as_of=AS_OF, cache=cache if cache is not None else False)
    assert result.ok, [p.text() for p in result.errors]
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
            if p.is_file() and p.name != MARKER}


def full_build_with_index(site: Path, out: Path) -> dict[str, bytes]:
    """A build without the cache, every file (the search index too)."""
    return cached_build_files(site, out, None)


def same_files(got: dict[str, bytes], want: dict[str, bytes], what: object) -> None:
    assert sorted(got) == sorted(want), (what, set(got) ^ set(want))
    assert [name for name in want if got[name] != want[name]] == [], what


def count_cache_use(monkeypatch) -> dict[str, int]:
    """How many pages the builds of this test took from the cache, and how many they rendered."""
    from smbsite.publishing import cache as cache_module

    seen = {"hits": 0, "misses": 0}
    real_close = cache_module.PageCache.close

    def close(self):
        seen["hits"] += self.hits
        seen["misses"] += self.misses
        real_close(self)

    monkeypatch.setattr(cache_module.PageCache, "close", close)
    return seen


def test_builds_through_the_cache_equal_full_builds_after_random_edits(tmp_path, monkeypatch):
    site = copy_bundled(tmp_path / "site")
    cache = site / ".smbsite-cache"
    same_files(cached_build_files(site, tmp_path / "cached", cache), full_build_with_index(site, tmp_path / "out"), "cold")
    seen = count_cache_use(monkeypatch)
    editor = Editor(site, random.Random(20261127))
    for _ in range(len(Editor.OPS) + 5):
        op, changed = editor.step()
        same_files(cached_build_files(site, tmp_path / "cached", cache), full_build_with_index(site, tmp_path / "out"),
                   (op, changed))
    assert seen["hits"] > seen["misses"] > 0, seen  # pages were reused, and edited ones rendered again


def test_a_one_member_edit_renders_only_the_pages_that_show_its_summary(tmp_path, monkeypatch):
    site = copy_bundled(tmp_path / "site")
    cache = tmp_path / "elsewhere"  # --cache-dir
    cached_build_files(site, tmp_path / "cached", cache)
    seen = count_cache_use(monkeypatch)
    f = site / "members" / "granite-peak-it.yaml"
    d = load(f)
    d["summary"] = "A summary written for the cache."
    dump(f, d)
    files = cached_build_files(site, tmp_path / "cached", cache)
    assert b"A summary written for the cache." in files["members/granite-peak-it/index.html"]
    same_files(files, full_build_with_index(site, tmp_path / "out"), "one member")
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    inc.render_dirty()
    shows_summary = {url for url, reads in inc.reads.items() if ("f", "Member", "granite-peak-it", "summary") in reads}
    assert {"/members/granite-peak-it/", "/members/", "/members.json"} <= shows_summary
    assert not any(u.startswith(("/articles/", "/events/", "/vendors/")) for u in shows_summary)
    assert seen["misses"] == len(shows_summary)  # the pages that show it, rendered again; no other
    assert seen["hits"] > 0


def make_cache(site: Path, tmp_path: Path) -> Path:
    cache = site / ".smbsite-cache"
    cached_build_files(site, tmp_path / "cached", cache)
    return cache / "cache.sqlite"


def edit_some_member(site: Path, text: str) -> None:
    f = site / "members" / "granite-peak-it.yaml"
    d = load(f)
    d["summary"] = text
    dump(f, d)


def test_a_cache_from_another_smbsite_version_is_not_used(tmp_path, monkeypatch):
    from smbsite.publishing import cache as cache_module
    from smbsite import pipeline

    site = copy_bundled(tmp_path / "site")
    real_render = pipeline.render_output
    # an older smbsite that rendered every page differently
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "an older smbsite")
    monkeypatch.setattr(pipeline, "render_output", lambda env, graph, o: real_render(env, graph, o) + b"<!-- old -->")
    cached_build_files(site, tmp_path / "cached", site / ".smbsite-cache")
    monkeypatch.undo()
    seen = count_cache_use(monkeypatch)
    same_files(cached_build_files(site, tmp_path / "cached", site / ".smbsite-cache"),
               full_build_with_index(site, tmp_path / "out"), "older version")
    assert seen["hits"] == 0


def test_the_cache_is_keyed_by_the_code_of_smbsite_and_its_theme(tmp_path, monkeypatch):
    from smbsite.publishing import cache as cache_module

    first = cache_module.code_fingerprint()
    assert cache_module.code_fingerprint() == first
    theme_file = tmp_path / "pkg"
    shutil.copytree(cache_module.PACKAGE, theme_file, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache_module, "PACKAGE", theme_file)
    assert cache_module.code_fingerprint() == first
    (theme_file / "theme" / "base.html").write_text("changed", encoding="utf-8")
    assert cache_module.code_fingerprint() != first


def change_rows(db_file: Path, *statements: str) -> None:
    import sqlite3
    db = sqlite3.connect(db_file)
    with db:
        for sql in statements:
            db.execute(sql)
    db.close()


def corrupt_db_garbage(db: Path) -> None:
    db.write_bytes(b"\x00\xffnot a database at all" * 100)


def corrupt_db_truncated(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])


def corrupt_rows_wrong_shape(db: Path) -> None:
    change_rows(db, "UPDATE pages SET reads = x'00ff' WHERE rowid % 3 = 0",  # not a list of reads
                "UPDATE pages SET stamp = NULL, data = 'text, not bytes' WHERE rowid % 3 = 1",
                "UPDATE reads SET dep = '../../site.yaml' WHERE rowid % 2 = 0")


def corrupt_page_bytes(db: Path) -> None:  # the same length, different bytes
    change_rows(db, "UPDATE pages SET data = CAST(replace(CAST(data AS TEXT), 'a', 'A') AS BLOB)")


def corrupt_pages_missing(db: Path) -> None:
    change_rows(db, "UPDATE pages SET data = NULL WHERE rowid % 2 = 0", "DELETE FROM reads WHERE rowid % 2 = 1")


def corrupt_tables_replaced(db: Path) -> None:  # another program's tables where the cache's were
    change_rows(db, "DROP TABLE pages", "CREATE TABLE pages (name, data)")


@pytest.mark.parametrize("damage", [corrupt_db_garbage, corrupt_db_truncated, corrupt_rows_wrong_shape,
                                    corrupt_page_bytes, corrupt_pages_missing, corrupt_tables_replaced])
def test_a_damaged_cache_falls_back_to_rendering_never_to_wrong_output(tmp_path, damage):
    site = copy_bundled(tmp_path / "site")
    db = make_cache(site, tmp_path)
    edit_some_member(site, "Edited after the cache was written.")
    damage(db)
    same_files(cached_build_files(site, tmp_path / "cached", site / ".smbsite-cache"),
               full_build_with_index(site, tmp_path / "out"), damage.__name__)
    # and the build after it repairs the cache
    same_files(cached_build_files(site, tmp_path / "cached", site / ".smbsite-cache"),
               full_build_with_index(site, tmp_path / "out"), damage.__name__ + " then again")


KILLED_BUILD = """
import os, signal, sys
from smbsite import api, pipeline
from smbsite.core import store
store.FLUSH_ROWS = 0  # every row reaches the database at once, while the build still runs
real, count = pipeline.render_output, [0]
def render_then_die(env, graph, o):
    count[0] += 1
    if count[0] > int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(env, graph, o) + b"<!-- half -->"  # what the killed build wrote is never used
pipeline.render_output = render_then_die
api.build(sys.argv[1], sys.argv[2], as_of=%r, cache=sys.argv[1] + "/.smbsite-cache")
""" % AS_OF


@pytest.mark.parametrize("earlier_cache", [False, True])
def test_a_cache_written_by_a_killed_build_falls_back_to_rendering(tmp_path, earlier_cache):
    site = copy_bundled(tmp_path / "site")
    if earlier_cache:
        make_cache(site, tmp_path)
        edit_some_member(site, "Edited before the build that was killed.")
    env = dict(os.environ, PYTHONPATH=str(REPO), SMBSITE_JOBS="1")
    # after the edit only the few pages that show the summary are rendered: die among them
    after = "2" if earlier_cache else "60"
    killed = subprocess.run([sys.executable, "-c", KILLED_BUILD, str(site), str(tmp_path / "killed"), after],
                            env=env, capture_output=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    import sqlite3
    db = sqlite3.connect(site / ".smbsite-cache" / "cache.sqlite")
    assert db.execute("SELECT count(*) FROM pages WHERE build IS NOT NULL").fetchone()[0]  # it had written pages
    db.close()
    same_files(cached_build_files(site, tmp_path / "cached", site / ".smbsite-cache"),
               full_build_with_index(site, tmp_path / "out"), "after a killed build")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_serial_parallel_cold_and_warm_builds_write_the_same_bytes(tmp_path, monkeypatch, jobs):
    site = copy_bundled(tmp_path / "site")
    monkeypatch.setattr("smbsite.core.forking.FORK_PAYS_MS", 0)
    monkeypatch.setenv("SMBSITE_JOBS", "1")
    want = full_build_with_index(site, tmp_path / "out")
    monkeypatch.setenv("SMBSITE_JOBS", jobs)
    cache = tmp_path / "cache"
    same_files(full_build_with_index(site, tmp_path / "out"), want, "no cache")
    same_files(cached_build_files(site, tmp_path / "cached", cache), want, "cold")
    same_files(cached_build_files(site, tmp_path / "cached", cache), want, "warm")
    edit_some_member(site, "Edited between two warm builds.")
    monkeypatch.setenv("SMBSITE_JOBS", "1")
    want = full_build_with_index(site, tmp_path / "out")
    monkeypatch.setenv("SMBSITE_JOBS", jobs)
    same_files(cached_build_files(site, tmp_path / "cached", cache), want, "warm after an edit")


# --- every field of every kind ---------------------------------------------------------

def tiny_png(size: int = 64) -> bytes:
    """A plain square PNG, a valid logo."""
    import struct
    import zlib

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x20\x60\xa0" * size for _ in range(size))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


class FieldValues:
    """New values for one field of one record, made from the field's type in the model
    (a state code for a state, a later day for a date, another choice for a choice, ...),
    then values other records of the kind hold. Each is only a candidate: the first
    that leaves the site without errors is the edit."""

    def __init__(self, site: Path):
        self.site, self.n = site, 0
        from smbsite.checking.record_checks import REFERENCE_FIELDS
        self.references = REFERENCE_FIELDS
        self.slugs = {"specialty": sorted(load(site / "site.yaml")["specialties"]),
                      "vendor": sorted(p.stem for p in (site / "vendors").glob("*.yaml")),
                      "member": sorted(p.stem for p in (site / "members").glob("*.yaml"))}

    def candidates(self, kind, name: str, info, current, donors: list) -> list:
        self.n += 1
        if name in self.references:
            known = self.slugs[self.references[name]]
            made = [[s] for s in known[:3]] + [list(current or []) + [s] for s in known if s not in (current or [])][:1]
        elif name == "logo":  # names a file beside the record
            made = sorted(p.name for p in (self.site / kind.folder).iterdir() if p.suffix in (".png", ".svg"))
        else:
            made = self.of_type(field_type(info), current)
        return [v for v in made + donors if v != current][:8]

    def of_type(self, tp, current) -> list:
        import typing
        from datetime import date, datetime, timedelta

        from pydantic import BaseModel

        tp, checks = unwrap(tp)
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin in (typing.Union, types.UnionType):
            return [v for arg in args if arg is not type(None) for v in self.of_type(arg, current)]
        if "_state" in checks:
            return [s for s in ("NV", "OR", "TX") if s != current]
        if "_served" in checks:
            return ["nationwide", "NV"]
        if "_http_url" in checks:
            return [f"https://edited-{self.n}.example.org/"]
        if "_email" in checks:
            return [f"edited{self.n}@example.org"]
        if "_phone" in checks:
            return ["+1 555 010 0123"]
        if "_duration" in checks:
            return ["12:34"]
        if "_timezone" in checks:
            return ["America/Chicago", "America/New_York"]
        if "_not_number" in checks or "_local_datetime" in checks or tp in (date, datetime):
            if isinstance(current, (date, datetime)):
                return [current + timedelta(days=1), current - timedelta(days=1)]
            return [date(2027, 5, 4), datetime(2027, 5, 4, 18, 0)]
        if tp is bool:
            return [not current]
        if tp is int:
            return [current + 1 if isinstance(current, int) else 3]
        if origin is typing.Literal:
            return [c for c in args if c != current]
        if tp is str:
            return [f"Edited text {self.n}, see [the directory](/members/)", f"edited-{self.n}"]
        if origin is list:
            items = self.of_type(args[0], None)
            if not current:
                return [[v] for v in items[:2]]
            first = current[0]
            changed = self.of_type(args[0], first)
            return [current[1:], current + items[:1], *([c] + current[1:] for c in changed[:3])]
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            now = dict(current) if isinstance(current, dict) else {}
            made = {}
            for key, sub in tp.model_fields.items():
                options = self.of_type(field_type(sub), now.get(key))
                if options:
                    made[key] = options[0]
            edits = [made] if not now else []
            for key, sub in tp.model_fields.items():  # one field of it changed at a time
                for value in self.of_type(field_type(sub), now.get(key))[:1]:
                    if now:
                        edits.append({**now, key: value})
            return edits
        raise AssertionError(f"no values for the type {tp!r}: teach FieldValues.of_type about it")


def field_type(info):
    """A pydantic field's type with its validators put back (Annotated[...])."""
    import typing
    return typing.Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation


def unwrap(tp):
    """(the type under Annotated, names of the validator functions it carries)."""
    import typing
    names = []
    while typing.get_origin(tp) is typing.Annotated:
        tp, *meta = typing.get_args(tp)
        names += [m.func.__name__ for m in meta if callable(getattr(m, "func", None))]
    return tp, names


def read_record(kind, path: Path) -> tuple[dict, str]:
    """(fields, Markdown body) of a record file."""
    text = path.read_text(encoding="utf-8")
    if not kind.front_matter:
        return load(path) or {}, ""
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head) or {}, body


def write_record(kind, path: Path, data: dict, body: str) -> None:
    if kind.front_matter:
        path.write_text("---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\n" + body,
                        encoding="utf-8")
    else:
        dump(path, data)


def edit_every_field(tmp_path: Path, kinds) -> dict[str, str]:
    """Edit each field of each kind alone, in one record, and compare serve's files with a
    full build after each edit. Returns {kind.field: 'fast' | 'full'}: the path serve took."""
    site = copy_bundled(tmp_path / "site")
    for kind in kinds.values():
        if "logo" in kind.record.model_fields:
            (site / kind.folder / "edited-logo.png").write_bytes(tiny_png())
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    inc.files()
    values = FieldValues(site)
    rng = random.Random(20261127)
    taken: dict[str, str] = {}
    for kind in kinds.values():
        files = sorted(p for p in (site / kind.folder).iterdir() if p.suffix in kind.suffixes)
        records = {f: read_record(kind, f) for f in files}
        for name, info in kind.record.model_fields.items():
            holding = [f for f in files if name in records[f][0]]
            order = rng.sample(holding, len(holding)) + rng.sample([f for f in files if f not in holding],
                                                                   len(files) - len(holding))
            value = stats = None
            for path in order[:6]:  # a value may be invalid in one record (a page others link to) and fine in another
                data, body = records[path]
                donors = [d[name] for f, (d, _) in records.items() if f != path and name in d]
                rel = path.relative_to(site).as_posix()
                for value in values.candidates(kind, name, info, data.get(name), donors):
                    write_record(kind, path, {**data, name: value}, body)
                    stats = inc.apply({rel})
                    if not inc.errors:
                        break
                    write_record(kind, path, data, body)  # not a valid value here: try the next one
                    inc.apply({rel})
                    assert not inc.errors, [p.text() for p in inc.errors]
                    stats = None
                if stats is not None:
                    break
            assert stats is not None, f"no valid new value for {kind.name}.{name}"
            taken[f"{kind.name}.{name}"] = stats.path
            got, want = inc.files(), full_build_files(site, tmp_path / "out")
            assert sorted(got) == sorted(want), (kind.name, name, value, set(got) ^ set(want))
            differing = [file for file in want if got[file] != want[file]]
            assert not differing, (f"{kind.name}.{name} = {value!r} in {rel}", stats.path, differing[:10])
            records[path] = ({**data, name: value}, body)
    return taken


def test_editing_any_field_of_any_kind_alone_equals_a_full_build(tmp_path):
    from smbsite.model.kinds import KINDS

    taken = edit_every_field(tmp_path, KINDS)
    assert set(taken) == {f"{k.name}.{f}" for k in KINDS.values() for f in k.record.model_fields}
    assert "fast" in taken.values() and "full" in taken.values(), taken


def test_a_field_left_out_of_a_kinds_shape_list_fails_the_field_by_field_comparison(tmp_path, monkeypatch):
    """The comparison above is what guards the shape lists: a member's state decides which
    region pages list it, and without it in the list serve would leave those pages stale."""
    import dataclasses

    import pytest

    from smbsite.model.kinds import KINDS, registry

    member = KINDS["member"]
    monkeypatch.setitem(registry(), "member", dataclasses.replace(member, shape=tuple(f for f in member.shape
                                                                               if f != "state")))
    # (stale region pages, or a region page missing or left over: either comparison names the field)
    with pytest.raises(AssertionError, match=r"member\.state|'member', 'state'"):
        edit_every_field(tmp_path, {"member": KINDS["member"]})


def test_an_edit_goes_through_the_pipelines_stages_for_that_record_alone(tmp_path, monkeypatch):
    """serve's fast path is no second copy of the stages: pipeline.run() calls them, in the one
    order written there, over the edited record, and hands on named results."""
    from smbsite import pipeline

    site = copy_bundled(tmp_path / "site")
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    calls = []
    for stage in ("load", "validate", "derive", "routes"):
        real = getattr(pipeline.OneRecord, stage)

        def spy(self, *args, real=real, stage=stage):
            calls.append(stage)
            return real(self, *args)

        monkeypatch.setattr(pipeline.OneRecord, stage, spy)
    f = site / "members" / "granite-peak-it.yaml"
    d = load(f)
    d["city"] = "Cityneverseen"
    dump(f, d)
    assert inc.apply({"members/granite-peak-it.yaml"}).path == "fast"
    assert calls == ["load", "validate", "derive", "routes"]
    assert inc.graph.site.member_by_slug["granite-peak-it"].city == "Cityneverseen"


def test_an_edit_swaps_in_a_new_model_and_leaves_the_old_one_as_it_was(tmp_path):
    """serve never changes a record it has rendered from: it makes a new model with the
    edited record and renders from that. Links are the model's, by slug: the records that
    name the edited one are the same objects, and the new model lists the new record."""
    site = copy_bundled(tmp_path / "site")
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    inc.render_dirty()
    old = inc.graph.site
    member = old.member_by_slug["granite-peak-it"]
    partner = old.linked(member, "vendor_list")[0]
    f = site / "members" / "granite-peak-it.yaml"
    d = load(f)
    before, d["city"] = d["city"], "Cityneverseen"
    dump(f, d)
    assert inc.apply({"members/granite-peak-it.yaml"}).path == "fast"
    new = inc.graph.site
    assert new is not old
    assert member.city == before and old.member_by_slug["granite-peak-it"] is member
    edited = new.member_by_slug["granite-peak-it"]
    assert edited.city == "Cityneverseen"
    # the vendor it partners with is the same object; the new model lists the new record with it
    vendor = new.vendor_by_slug[partner.slug]
    assert vendor is partner and new.links is old.links
    assert edited in new.linked(vendor, "members") and member not in new.linked(vendor, "members")
    assert member in old.linked(partner, "members")  # the old model still lists the old record
    others = [m for m in new.members if m.slug != "granite-peak-it"]
    assert all(m is old.member_by_slug[m.slug] for m in others)  # one record copied, not its neighbours
    assert b"Cityneverseen" in inc.render(partner.url)  # its list of members is drawn from the new model
