"""A link or image to a file the site does not publish: the suggestion is a file of the same
kind, and otherwise where such a file goes (templates/static/ is published at /static/)."""
from __future__ import annotations

from conftest import AS_OF, PAGE_MD, run_cli

PAGE = PAGE_MD + """
![Our picnic](/static/picnic.jpg)

[The flyer](/static/flyer.pdf), [our script](/static/findr.js), [a cover](/static/podcast-covr.png)
and ![a logo](/img/logo.png).
"""


def errors(site) -> list[str]:
    run = run_cli("check", "--as-of", AS_OF, cwd=site)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    return [line for line in run.stderr.splitlines() if ": error: " in line]


def test_a_missing_file_gets_a_same_kind_suggestion_or_where_files_go(make_site):
    site = make_site({"content/pages/join.md": PAGE})  # templates/static/ holds podcast-cover.png
    where = "files in the site's templates/static/ folder are published at /static/"
    assert errors(site) == [
        f"content/pages/join.md:7:15: error: link to /static/picnic.jpg, a file that does not exist — {where}: "
        "put picnic.jpg at templates/static/picnic.jpg",
        f"content/pages/join.md:9:13: error: link to /static/flyer.pdf, a file that does not exist — {where}: "
        "put flyer.pdf at templates/static/flyer.pdf",
        "content/pages/join.md:9:46: error: link to /static/findr.js, a file that does not exist — "
        "did you mean '/static/finder.js'?",
        "content/pages/join.md:9:75: error: link to /static/podcast-covr.png, a file that does not exist — "
        "did you mean '/static/podcast-cover.png'?",
        f"content/pages/join.md:10:15: error: link to /img/logo.png, a file that does not exist — {where}: "
        "put logo.png there and link /static/logo.png",
    ]
    for line in errors(site):
        assert "finder.js" not in line or "findr.js" in line  # an image is never told to be a script
    (site / "templates" / "static" / "picnic.jpg").write_bytes((site / "templates" / "static" /
                                                                 "podcast-cover.png").read_bytes())
    assert not any("picnic" in line for line in errors(site))
