"""Page size limits at 10,000 members, and on the bundled site itself.

test_theme.py proves the directory splits at 1,200 members; this builds
10,000, where per-state and per-vendor pages are largest.
"""
from __future__ import annotations

import gzip
from pathlib import Path

import lxml.html

from conftest import AS_OF, REPO
from smbsite import api
from conftest import big_site

MAX_PAGE = 500 * 1024
MAX_MEMBER_PAGE = 14 * 1024  # compressed: what a server sends in its first round trip


def test_no_page_over_500_kb_at_10000_members(tmp_path):
    src, out = tmp_path / "big", tmp_path / "out"
    big_site(src, 10_000)
    result = api.build(src, out, as_of=AS_OF)
    assert result.ok, [str(p) for p in list(result.problems)[:5]]
    pages = list(out.rglob("*.html"))
    assert len([p for p in pages if p.parent.parent.name == "members"]) >= 10_000
    heavy = {p.relative_to(out).as_posix(): p.stat().st_size for p in pages if p.stat().st_size > MAX_PAGE}
    assert heavy == {}


def weight(out: Path, file: Path, base_path: str) -> int:
    """The page's HTML plus the stylesheets and scripts it loads (images excluded: they load
    lazily), each compressed as GitHub Pages sends it."""
    doc = lxml.html.fromstring(file.read_bytes())
    files = [file] + [out / (el.get("href") or el.get("src"))[len(base_path):]
                      for el in doc.xpath("//link[@rel='stylesheet'] | //script[@src]")]
    return sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)


def test_every_bundled_member_page_fits_the_first_round_trip(tmp_path):
    out = tmp_path / "out"
    assert api.build(REPO, out, as_of=AS_OF).ok
    weights = {f.parent.name: weight(out, f, "/") for f in (out / "members").glob("*/index.html")}
    assert len(weights) > 30
    assert {slug: w for slug, w in weights.items() if w > MAX_MEMBER_PAGE} == {}
