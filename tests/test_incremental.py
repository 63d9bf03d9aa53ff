"""Incremental must equal full: random edits, each followed by a byte comparison
of every output file against a fresh full build of the same sources."""
from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

from conftest import AS_OF, REPO
from smbsite import build
from smbsite.incremental import IncrementalSite
from smbsite.render import THEME
from smbsite.write import MARKER


def copy_bundled(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in ("site.yaml", "members", "vendors", "events", "content", "templates"):
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
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
            if p.is_file() and p.name != MARKER}


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def referenced_members(site: Path) -> set[str]:
    refs = set()
    for f in (site / "events").glob("*.yaml"):
        refs |= set(load(f).get("guests") or [])
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
        f = self.site / "templates" / f"_unused_{self.n}.html"
        f.write_text("<p>not used by any page</p>\n", encoding="utf-8")
        return {self.rel(f)}

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
    member_pages = {u for u in dirty if u.startswith("/members/") and u.count("/") == 3 and "letter" not in u}
    assert member_pages == {"/members/granite-peak-it/"}  # no other member's page
    assert {"/members/", "/members.json", "/partners/"} <= dirty  # lists that show the summary or record
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
