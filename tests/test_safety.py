"""The build never harms what it does not own: OUT survives a failed build byte for byte,
unsafe output folders are refused, nothing outside OUT changes, and builds are reproducible."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from conftest import AS_OF, MEMBER_YAML, REPO, tree
from smbsite.api import UsageError, build
from smbsite.publishing.write import MARKER, Staging, UnsafeOutput

M = "members/acme-networks.yaml"
NOON_OF_AS_OF = str(int(datetime.fromisoformat(AS_OF + "T12:00:00+00:00").timestamp()))


def without_output(site: Path) -> dict[str, str]:
    return {k: v for k, v in tree(site).items() if not k.startswith("output/") and k != "output/"}


# --- a failed build leaves OUT as it was --------------------------------------------------

def test_a_build_with_content_errors_leaves_out_untouched(make_site, cli):
    site = make_site()
    assert cli("build", "-s", str(site), "--as-of", AS_OF, "-q").returncode == 0
    before = tree(site / "output")
    assert MARKER in before and "members/acme-networks/index.html" in before
    (site / M).write_text(MEMBER_YAML.replace("state: CA", "state: XX"), encoding="utf-8")
    res = cli("build", "-s", str(site), "--as-of", AS_OF)
    assert res.returncode == 1
    assert tree(site / "output") == before
    assert sorted(p.name for p in site.iterdir()) == sorted(["content", "events", "members", "output",
                                                             "site.yaml", "templates", "vendors"])


def test_a_build_that_fails_while_rendering_leaves_out_untouched(make_site, cli):
    """A template that breaks halfway through rendering: the staging folder is thrown away."""
    site = make_site()
    assert cli("build", "-s", str(site), "--as-of", AS_OF, "-q").returncode == 0
    before = tree(site / "output")
    member_template = site / "templates" / "member.html"  # the site's own copy replaces the theme's
    text = (REPO / "smbsite" / "theme" / "member.html").read_text(encoding="utf-8")
    assert "{% block main %}" in text
    member_template.write_text(text.replace("{% block main %}", "{% block main %}{{ no_such_variable.x }}"),
                               encoding="utf-8")
    res = cli("build", "-s", str(site), "--as-of", AS_OF)
    assert res.returncode == 1
    assert "templates/member.html" in res.stderr
    assert "Traceback" not in res.stderr
    assert tree(site / "output") == before
    assert not [p for p in site.iterdir() if "smbsite-new" in p.name or "smbsite-old" in p.name]


def test_a_failed_first_build_creates_no_out(make_site, cli):
    site = make_site({M: MEMBER_YAML.replace("state: CA", "state: XX")})
    assert cli("build", "-s", str(site), "--as-of", AS_OF).returncode == 1
    assert not (site / "output").exists()
    assert not [p for p in site.iterdir() if p.name.startswith(".")]


# --- which OUT folders are refused -----------------------------------------------------------

def test_unsafe_output_folders_are_refused_and_left_alone(make_site, tmp_path):
    site = make_site()
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "thesis.txt").write_text("years of work", encoding="utf-8")
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    snapshot = tree(tmp_path)
    for out, message in [(site, "is the source folder"), (site.parent, "contains the source folder"),
                         (tmp_path.parent, "contains the source folder"), (stranger, "was not made by smbsite"),
                         (a_file, "is not a folder"), (site / "content" / "out", "inside the site's content/"),
                         (site / "templates", "inside the site's templates/")]:
        with pytest.raises(UsageError, match=message):
            build(site, out, as_of=AS_OF)
    assert tree(tmp_path) == snapshot


def test_an_empty_folder_or_an_earlier_build_may_be_replaced(make_site, tmp_path):
    site = make_site()
    empty = tmp_path / "empty-out"
    empty.mkdir()
    assert build(site, empty, as_of=AS_OF).ok
    assert (empty / MARKER).is_file() and (empty / "index.html").is_file()
    (empty / "stale.html").write_text("from an old build", encoding="utf-8")
    assert build(site, empty, as_of=AS_OF).ok
    assert not (empty / "stale.html").exists()


def test_nothing_outside_out_is_written(make_site, tmp_path):
    """Nothing but OUT, and the build cache in the user's cache directory (or nothing at all without one)."""
    site = make_site()
    out = tmp_path / "public" / "site"
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "keep.txt").write_text("keep", encoding="utf-8")
    src_before, parent_before = tree(site), sorted(p.name for p in (tmp_path / "public").iterdir())
    result = build(site, out, as_of=AS_OF, cache=False)
    assert result.ok and result.files_written > 0
    assert tree(site) == src_before
    assert sorted(p.name for p in (tmp_path / "public").iterdir()) == sorted(parent_before + ["site"])
    result = build(site, out, as_of=AS_OF)
    assert result.ok
    assert tree(site) == src_before  # the cache is not in the site folder
    assert sorted(p.name for p in (tmp_path / "public").iterdir()) == sorted(parent_before + ["site"])
    assert (tmp_path / "public" / "keep.txt").read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize("rel", ["../escape.html", "a/../../escape.html", "/etc/escape.html"])
def test_the_writer_refuses_a_path_outside_out(tmp_path, rel):
    staging = Staging(tmp_path / "out")
    try:
        with pytest.raises(UnsafeOutput):
            staging.write(rel, b"x")
    finally:
        staging.abort()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_check_writes_nothing(make_site, cli):
    site = make_site({M: MEMBER_YAML.replace("state: CA", "state: XX")})
    before = tree(site)
    cli("check", "-s", str(site), "--as-of", AS_OF)
    cli("check", "-s", str(make_site()), "--as-of", AS_OF)
    assert tree(site) == before


# --- reproducible ---------------------------------------------------------------------------------

def test_two_builds_of_the_same_input_and_date_are_byte_identical(make_site, cli, tmp_path):
    site = make_site({"members/zeta-it.yaml": MEMBER_YAML.replace("Acme Networks", "Zeta IT")
                      .replace("acme.example.com", "zeta.example.com")})
    first, second = tmp_path / "first", tmp_path / "second"
    assert cli("build", "-s", str(site), "-o", str(first), "--as-of", AS_OF, "-q").returncode == 0
    assert cli("build", "-s", str(site), "-o", str(second), "-q",
               env={"SOURCE_DATE_EPOCH": NOON_OF_AS_OF, "PYTHONHASHSEED": "7", "TZ": "Asia/Tokyo"}).returncode == 0
    one, two = tree(first), tree(second)
    assert len(one) > 20
    assert one == two


def test_parallel_rendering_gives_the_same_bytes(make_site, cli, tmp_path):
    site = make_site()
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    assert cli("build", "-s", str(site), "-o", str(serial), "--as-of", AS_OF, "-q",
               env={"SMBSITE_JOBS": "1"}).returncode == 0
    assert cli("build", "-s", str(site), "-o", str(parallel), "--as-of", AS_OF, "-q",
               env={"SMBSITE_JOBS": "3"}).returncode == 0
    assert tree(serial) == tree(parallel)
