"""What the build reads from the site folder: nothing behind a link that leaves it, only regular
files, nothing larger than the limits, and nothing in a record folder is skipped without a word."""
from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from conftest import AS_OF, MEMBER_YAML, run_cli
from smbsite.reading import load
from smbsite.api import check
from smbsite.server.incremental import IncrementalSite
from smbsite.core.problems import ContentError

SECRET = "root:x:0:0:the build machine's secret\n"
M = "members/acme-networks.yaml"

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the site, as a CI runner holds other files beside the checkout."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "passwd").write_text(SECRET, encoding="utf-8")
    return folder


def build_cli(site: Path):
    return run_cli("build", "-s", str(site), "--as-of", AS_OF, "-q")


def problems(site: Path, severity: str = "error") -> list[str]:
    return [p.text() for p in check(site, as_of=AS_OF).problems if p.severity == severity]


def published(out: Path, text: str) -> list[str]:
    if not out.exists():
        return []
    return [p.as_posix() for p in out.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


# --- links that leave the site --------------------------------------------------------------------

@pytest.mark.parametrize("target", ["outside", "/etc"])
def test_a_static_folder_linked_out_of_the_site_fails_the_build_and_publishes_nothing(make_site, outside, target):
    site = make_site()
    shutil.rmtree(site / "templates" / "static")
    (site / "templates" / "static").symlink_to(outside if target == "outside" else Path(target))
    res = build_cli(site)
    assert res.returncode == 1, res.stderr
    assert "templates/static:1:1: error: static is a link to a folder outside the site folder" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (site / "output").exists()
    assert not published(site / "output", "root:x:0:0")


def test_a_record_folder_linked_out_of_the_site_is_one_error_at_the_link(make_site, outside):
    site = make_site()
    shutil.move(site / "vendors", outside / "vendors")
    (site / "vendors").symlink_to(outside / "vendors")
    res = build_cli(site)
    assert res.returncode == 1
    assert [line for line in res.stderr.splitlines() if ": error:" in line] == [
        "vendors:1:1: error: vendors is a link to a folder outside the site folder — copy what it points to into "
        "the site folder instead of linking to it"]
    assert not (site / "output").exists()


@pytest.mark.parametrize("link", ["members", "events", "content", "content/pages", "content/articles", "templates"])
def test_every_folder_the_build_reads_is_refused_when_it_links_out(make_site, tmp_path, link):
    site = make_site()
    moved = tmp_path / "moved" / link
    moved.parent.mkdir(parents=True)
    shutil.move(site / link, moved)
    (site / link).symlink_to(moved)
    errors = problems(site)
    assert f"{link}:1:1: error: {Path(link).name} is a link to a folder outside the site folder — copy what it " \
           "points to into the site folder instead of linking to it" in errors


@pytest.mark.parametrize("rel", ["templates/static/leak.txt", "templates/page.html", "templates/partials/x.html",
                                 "content/pages/about.md", "events/leak.yaml"])
def test_a_file_linked_out_of_the_site_is_an_error_at_its_path(make_site, outside, rel):
    site = make_site()
    (site / rel).parent.mkdir(parents=True, exist_ok=True)
    (site / rel).symlink_to(outside / "passwd")
    assert f"{rel}:1:1: error: {Path(rel).name} is a link to a file outside the site folder" in \
        "\n".join(problems(site))
    res = build_cli(site)
    assert res.returncode == 1 and not (site / "output").exists()


def test_a_link_into_the_hidden_git_folder_is_refused(make_site):
    """A checkout keeps its credentials in .git/config: a link there stays in the folder but is refused."""
    site = make_site()
    (site / ".git").mkdir()
    (site / ".git" / "config").write_text("[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n", encoding="utf-8")
    (site / "templates" / "static" / "config.txt").symlink_to("../../.git/config")
    assert problems(site) == [
        "templates/static/config.txt:1:1: error: config.txt is a link into '.git', a hidden part of the site folder "
        "that is never read — copy what it points to into the site folder instead of linking to it"]


def test_a_folder_linked_inside_the_site_is_followed_and_checked_below(make_site, outside):
    site = make_site()
    (site / "assets").mkdir()
    (site / "assets" / "leak.txt").symlink_to(outside / "passwd")
    (site / "templates" / "static" / "assets").symlink_to("../../assets")
    assert problems(site) == [
        "templates/static/assets/leak.txt:1:1: error: leak.txt is a link to a file outside the site folder — copy "
        "what it points to into the site folder instead of linking to it"]


def test_links_that_stay_inside_the_site_work(make_site, tmp_path):
    site = make_site()
    (site / "data").mkdir()
    shutil.move(site / "vendors", site / "data" / "vendors")
    (site / "vendors").symlink_to("data/vendors")
    (site / "assets").mkdir()
    (site / "assets" / "brand.css").write_text("body { color: #123; }\n", encoding="utf-8")
    (site / "templates" / "static" / "brand.css").symlink_to("../../assets/brand.css")
    (site / "templates" / "static" / "loop").symlink_to(".")  # a loop stays inside: listed once, no hang
    png = io.BytesIO()
    Image.new("RGB", (40, 20), "#246").save(png, "PNG")
    (site / "members" / "acme.png").write_bytes(png.getvalue())
    (site / "logos").mkdir()
    shutil.move(site / "members" / "acme.png", site / "logos" / "acme.png")
    (site / "members" / "acme.png").symlink_to("../logos/acme.png")
    (site / M).write_text("logo: acme.png\n" + MEMBER_YAML, encoding="utf-8")
    res = build_cli(site)
    assert res.returncode == 0, res.stderr
    out = site / "output"
    assert (out / "vendors" / "sonicwall" / "index.html").is_file()
    assert (out / "static" / "brand.css").read_text(encoding="utf-8") == "body { color: #123; }\n"
    assert (out / "members" / "acme-networks" / "logo-40x20.webp").is_file()  # resized from the linked file
    assert not (out / "static" / "loop").exists()


def test_the_dev_server_never_serves_a_static_file_turned_into_a_link_out(make_site, outside):
    site = make_site()
    (site / "templates" / "static" / "brand.css").write_text("body {}\n", encoding="utf-8")
    served = IncrementalSite(site, as_of=AS_OF)
    served.full()
    (site / "templates" / "static" / "brand.css").unlink()
    (site / "templates" / "static" / "brand.css").symlink_to(outside / "passwd")
    served.apply({"templates/static/brand.css"})
    assert any(p.path == "templates/static/brand.css" for p in served.errors)
    try:
        data = served.render("/static/brand.css")
    except ContentError:
        data = b""
    assert b"root:x:0:0" not in (data or b"")


def test_the_dev_server_never_reads_a_record_turned_into_a_link_out(make_site, outside):
    site = make_site()
    served = IncrementalSite(site, as_of=AS_OF)
    served.full()
    # only the summary differs: an edit the dev server applies in place, without the full load
    (outside / "acme.yaml").write_text(MEMBER_YAML.replace("Cabling and web sites", "Outside Corp"), encoding="utf-8")
    (site / M).unlink()
    (site / M).symlink_to(outside / "acme.yaml")
    served.apply({M})
    assert any(p.path == M and "outside the site folder" in p.message for p in served.errors)
    assert b"Outside Corp" not in served.render("/members/acme-networks/")


# --- only regular files ---------------------------------------------------------------------------

@needs_fifo
@pytest.mark.parametrize("rel", ["members/piped.yaml", "content/articles/piped.md", "templates/static/piped.css",
                                 "templates/piped.html"])
def test_a_named_pipe_is_skipped_with_a_warning_and_never_opened(make_site, rel):
    site = make_site()
    os.mkfifo(site / rel)
    res = run_cli("build", "-s", str(site), "--as-of", AS_OF, "-q", timeout=60)  # opening it would block
    assert res.returncode == 0, res.stderr
    assert f"{rel}:1:1: warning: {Path(rel).name} is a named pipe, not a regular file; it is not read" in res.stderr
    assert not (site / "output" / "static" / "piped.css").exists()


@needs_fifo
def test_a_logo_that_is_a_named_pipe_is_an_error_and_never_opened(make_site):
    site = make_site({M: "logo: acme.png\n" + MEMBER_YAML})
    os.mkfifo(site / "members" / "acme.png")
    assert problems(site) == [f"{M}:1:7: error: logo 'acme.png' is a named pipe, not an image file — put the image "
                              "file itself beside the record"]


def test_a_link_to_nothing_in_a_record_folder_is_a_warning(make_site):
    site = make_site()
    (site / "members" / "gone.yaml").symlink_to("moved-away.yaml")
    assert problems(site, "warning") == [
        "members/gone.yaml:1:1: warning: gone.yaml is a link to 'moved-away.yaml', which does not exist; it is not "
        "read — fix or remove the link"]


# --- nothing in a record folder is skipped silently -------------------------------------------

def test_files_and_folders_that_are_not_records_are_named_in_warnings(make_site):
    site = make_site({"members/acme-networks.yaml.bak": MEMBER_YAML, "members/basalt": MEMBER_YAML,
                      "content/pages/about.md.orig": "---\ntitle: About\n---\n", "events/notes.txt": "x"})
    (site / "vendors" / "old.yaml").mkdir()
    assert problems(site) == []
    assert problems(site, "warning") == [
        "content/pages/about.md.orig:1:1: warning: about.md.orig is not read: only .md files directly in "
        "content/pages/ are pages — rename it to end in .md if it is a record, or move it out of content/pages/",
        "events/notes.txt:1:1: warning: notes.txt is not read: only .yaml or .yml files directly in events/ are "
        "events — move it out of events/, or rename it to end in .yaml if it is a record",
        "members/acme-networks.yaml.bak:1:1: warning: acme-networks.yaml.bak is not read: only .yaml or .yml files "
        "directly in members/ are members — rename it to end in .yaml if it is a record, or move it out of members/",
        "members/basalt:1:1: warning: basalt is not read: only .yaml or .yml files directly in members/ are members "
        "— move it out of members/, or rename it to end in .yaml if it is a record",
        "vendors/old.yaml:1:1: warning: old.yaml is a folder: only .yaml or .yml files directly in vendors/ are "
        "vendors, so nothing in it is read — move the records in it up into vendors/, or move it out",
    ]


def test_a_readme_logos_and_hidden_files_in_a_record_folder_stay_quiet(make_site):
    site = make_site({"members/README.md": "# Members\n", "vendors/sonicwall.svg": "<svg/>",
                      "members/.gitkeep": "", "events/.DS_Store": "x"})
    assert problems(site, "warning") == [] and problems(site) == []


def test_a_record_folder_that_is_a_file_is_a_warning(make_site):
    site = make_site({"events/annual-conference.yaml": None})
    (site / "events").write_text("not a folder", encoding="utf-8")
    assert "events:1:1: warning: events is a file, not a folder; nothing in it is read — make events a folder, " \
           "or rename the file" in problems(site, "warning")


# --- size limits ----------------------------------------------------------------------------------

def _big_member(size: int) -> str:
    head = MEMBER_YAML + "certifications: [CompTIA A+]\n"
    filler = "# " + "x" * 97 + "\n"
    text = head + filler * ((size - len(head)) // len(filler))
    return text + "#" * (size - len(text) - 1) + "\n"


def test_a_record_file_over_1_mb_is_an_error_naming_its_size_and_the_limit(make_site, monkeypatch):
    site = make_site({M: MEMBER_YAML.replace("description: |\n", "description: |\n" + "  A long text.\n" * 120000)})
    size = (site / M).stat().st_size
    assert size > 1_500_000
    parsed = []
    real = load.parse_record
    monkeypatch.setattr(load, "parse_record", lambda kind, slug, path, *a: parsed.append(path) or real(kind, slug, path, *a))
    assert problems(site) == [
        f"{M}:1:1: error: the file is 1.8 MB ({size:,} bytes); a record file may be at most 1 MB — shorten it: a "
        "listing needs a few KB (put long texts on your own website)"]
    assert M not in parsed  # refused before it is parsed


def test_a_record_file_of_exactly_1_mb_is_read(make_site):
    site = make_site({M: _big_member(1 << 20)})
    assert (site / M).stat().st_size == 1 << 20
    assert problems(site) == []
    (site / M).write_text(_big_member((1 << 20) + 1), encoding="utf-8")
    assert problems(site) == [
        f"{M}:1:1: error: the file is 1.1 MB (1,048,577 bytes); a record file may be at most 1 MB — shorten it: a "
        "listing needs a few KB (put long texts on your own website)"]


@pytest.mark.parametrize("rel", ["content/articles/hello-members.md", "content/pages/join.md"])
def test_a_markdown_text_over_2_mb_is_an_error_naming_its_size_and_the_limit(make_site, rel):
    table = "| a | b |\n|---|---|\n" + "| x | y |\n" * 240000
    site = make_site({rel: "---\ntitle: Big\ndate: 2026-10-01\n---\n" + table})
    size = (site / rel).stat().st_size
    assert problems(site) == [
        f"{rel}:1:1: error: the file is 2.3 MB ({size:,} bytes); a page or an article may be at most 2 MB — split "
        "the text into several pages, or shorten it"]


def test_a_markdown_field_is_bounded_by_the_record_limit(make_site):
    """Markdown fields live in records, so no field can come near the 2 MB Markdown limit."""
    site = make_site({M: MEMBER_YAML + "  " + "word " * 250000 + "\n"})
    assert problems(site)[0].startswith(f"{M}:1:1: error: the file is 1.2 MB")
