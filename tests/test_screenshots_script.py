"""The README's screenshots script photographs pages the bundled site has, and the README
shows images the script writes."""
from __future__ import annotations

import importlib.util
import re

from conftest import AS_OF, REPO
from smbsite import api
from smbsite.core.urls import output_file


def load_script():
    spec = importlib.util.spec_from_file_location("screenshots", REPO / "scripts" / "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_page_the_script_photographs_exists_in_the_bundled_site(tmp_path):
    script = load_script()
    assert set(script.PAGES) == {"home", "finder", "member", "conference"}
    assert {w for w, _ in script.WIDTHS.values()} == {1280, 390}
    out = tmp_path / "out"
    assert api.build(REPO, out, as_of=AS_OF).ok
    for path in script.PAGES.values():
        assert (out / output_file(path)).is_file(), path


def test_readme_shows_two_of_the_screenshots_and_they_are_committed():
    script = load_script()
    names = {f"{page}-{label}.png" for page in script.PAGES for label in script.WIDTHS}
    shown = re.findall(r'<img src="docs/screenshots/([^"]+)"', (REPO / "README.md").read_text(encoding="utf-8"))
    assert len(shown) == 2 and set(shown) <= names
    for name in names:
        assert (REPO / "docs" / "screenshots" / name).is_file(), name
