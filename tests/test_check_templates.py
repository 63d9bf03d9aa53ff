"""`smbsite check` renders every page as a build would and writes nothing, so a template mistake
is found by check, at its file and line; an override that matches nothing in the theme (a block
the template it extends lacks, a file no page uses) is an error of check and build alike."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import AS_OF, MEMBER_YAML, REPO, run_cli

from smbsite import api
from smbsite.rendering import render

FIX = "fix the template; every page using it fails the same way"


def with_templates(make_site, templates: dict[str, str]) -> Path:
    site = make_site()
    for name, text in templates.items():
        path = site / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return site


def errors_of(run) -> list[str]:
    return [line for line in run.stderr.splitlines() if ": error: " in line]


def check(site: Path, *more: str, env: dict | None = None):
    run = run_cli("check", "--as-of", AS_OF, *more, cwd=site, env=env)
    assert "Traceback" not in run.stderr, run.stderr
    return run


HOME = '{% extends "theme/home.html" %}\n'


@pytest.mark.parametrize("template, expected", [
    (HOME + "{% block intro %}<p>{{ member_cout }}</p>{% endblock %}\n",
     f"templates/home.html:2:1: error: 'member_cout' is undefined (while rendering /) — {FIX}"),
    (HOME + "{% block intro %}<p>x</p>{% endblok %}\n",
     "templates/home.html:2:1: error: Encountered unknown tag 'endblok'."),
    ('{% extends "theme/hom.html" %}\n{% block intro %}<p>x</p>{% endblock %}\n',
     "templates/home.html:1:1: error: template 'theme/hom.html' not found: did you mean 'theme/home.html'? "
     f"(while rendering /) — {FIX}"),
], ids=["undefined-name", "unknown-tag", "extends-a-missing-theme-file"])
def test_check_finds_a_template_mistake_at_its_line_and_writes_nothing(make_site, template, expected):
    site = with_templates(make_site, {"home.html": template})
    run = check(site)
    assert run.returncode == 1
    [error] = errors_of(run)
    assert error.startswith(expected), run.stderr
    assert "check failed: 1 error" in run.stderr
    assert sorted(p.name for p in site.iterdir()) == sorted(["content", "events", "members", "site.yaml",
                                                             "templates", "vendors"])
    built = run_cli("build", "--as-of", AS_OF, cwd=site)  # what check said is what build stops at
    assert built.returncode == 1 and errors_of(built) == [error]


def test_check_says_a_mistake_on_many_pages_once_whichever_process_rendered_them(make_site):
    members = {f"members/member-{i:02d}.yaml": MEMBER_YAML.replace("Acme Networks", f"Member {i:02d}")
                                                        .replace("acme.example", f"member-{i:02d}.example")
               for i in range(12)}
    site = make_site(members)
    (site / "templates" / "member.html").write_text(
        '{% extends "theme/member.html" %}\n{% block main %}\n<h1>{{ member.name }}</h1>\n<p>{{ member.nmae }}</p>\n'
        '{% endblock %}\n', encoding="utf-8")
    (site / "templates" / "page.html").write_text(
        '{% extends "theme/page.html" %}\n{% block main %}{{ 1 / 0 }}{% endblock %}\n', encoding="utf-8")
    for jobs in ("1", "2"):
        run = check(site, env={"SMBSITE_JOBS": jobs})
        assert run.returncode == 1
        errors = errors_of(run)
        assert len(errors) == 2, run.stderr
        assert errors[0].startswith("templates/member.html:4:1: error: ") and "has no attribute 'nmae'" in errors[0]
        assert errors[1].startswith("templates/page.html:2:1: error: division by zero")


def test_check_of_a_sound_site_renders_every_page_and_passes(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(REPO, site, ignore=shutil.ignore_patterns(".git", ".ci", "output", ".smbsite-cache", "tests",
                                                               "smbsite", "benchmarks", "__pycache__"))
    run = check(site)
    assert run.returncode == 0 and "check ok: 0 errors" in run.stderr, run.stderr
    assert not (site / "output").exists()


def test_a_block_the_theme_template_lacks_is_an_error_with_what_to_do(make_site):
    site = with_templates(make_site, {"home.html": HOME + "\n  {% block intr %}<p>Our members</p>{% endblock %}\n"})
    for command in ("check", "build"):
        run = run_cli(command, "--as-of", AS_OF, cwd=site)
        assert run.returncode == 1
        [error] = errors_of(run)
        assert error.startswith("templates/home.html:3:3: error: block 'intr' is not in theme/home.html — "
                                "did you mean 'intro'? "), error
        assert "is never shown" in error and "docs/upgrading.md" in error
    assert not (site / "output").exists()


def test_an_upgraded_theme_that_renamed_a_block_fails_check_until_the_override_follows(make_site, tmp_path,
                                                                                      monkeypatch):
    """The next release's home.html calls `intro` `home_intro`: the site's override of `intro`
    would vanish from the page; check says so, and passes once the override is renamed."""
    site = make_site()  # the bundled site's templates/home.html replaces the block intro
    assert "{% block intro %}" in (site / "templates" / "home.html").read_text()
    assert api.check(site, as_of=AS_OF).ok
    theme = tmp_path / "next-release-theme"
    shutil.copytree(render.THEME, theme)
    home = theme / "home.html"
    renamed, n = re.subn(r"(\{%[-+]?\s*block\s+)intro\b", r"\1home_intro", home.read_text())
    assert n == 1
    home.write_text(renamed)
    monkeypatch.setattr(render, "THEME", theme)
    result = api.check(site, as_of=AS_OF)
    [problem] = result.errors
    assert (problem.path, problem.message) == ("templates/home.html", "block 'intro' is not in theme/home.html")
    assert problem.hint.startswith("did you mean 'home_intro'?") and "docs/upgrading.md" in problem.hint
    own = site / "templates" / "home.html"
    own.write_text(own.read_text().replace("{% block intro %}", "{% block home_intro %}"))
    assert api.check(site, as_of=AS_OF).ok


def test_blocks_inside_a_block_and_blocks_of_the_site_own_base_count(make_site):
    site = with_templates(make_site, {
        "base.html": '{% extends "theme/base.html" %}\n{% block head %}{{ super() }}{% block extra_head %}'
                     '{% endblock %}{% endblock %}\n',
        "page.html": '{% extends "theme/page.html" %}\n{% block extra_head %}<meta name="x-lead" content="Hello">'
                     '{% endblock %}\n',
        "event.html": '{% extends "theme/event.html" %}\n{% block main %}{% block mine %}<p id="mine">ours</p>{% endblock %}'
                      '{{ super() }}{% endblock %}\n',
    })
    result = api.check(site, as_of=AS_OF)
    assert result.ok, [p.text() for p in result.problems]
    out = site / "output"
    assert api.build(site, out, as_of=AS_OF).ok
    assert '<meta name="x-lead" content="Hello">' in (out / "join" / "index.html").read_text()
    assert '<p id="mine">ours</p>' in (out / "events" / "annual-conference" / "index.html").read_text()


def test_a_template_file_no_page_uses_is_an_error_unless_a_site_template_uses_it(make_site):
    site = with_templates(make_site, {
        "homepage.html": HOME + "{% block intro %}<p>Hi</p>{% endblock %}\n",
        "_note.html": "<p>A note of our own</p>\n",
        "partials/_aside.html": "<aside>Aside</aside>\n",
        "page.html": '{% extends "theme/page.html" %}\n{% block main %}{% include "_note.html" %}'
                     '{{ partial("partials/_aside.html") }}{{ super() }}{% endblock %}\n',
        "static/extra.html": "<p>copied as it is</p>\n",
        "sidebar.html": "<p>never used</p>\n",
        "site.css": "body { color: #222; }\n",
        "README.md": "Our templates: home.html changes the home page's introduction.\n",
    })
    for command in ("check", "build"):
        run = run_cli(command, "--as-of", AS_OF, cwd=site)
        assert run.returncode == 1
        errors = errors_of(run)
        assert len(errors) == 3, run.stderr
        assert errors[0].startswith("templates/homepage.html:1:1: error: templates/homepage.html is not a template "
                                    "of the theme and no page uses it — did you mean 'home.html'? ")
        assert errors[1].startswith("templates/sidebar.html:1:1: error: ") and "did you mean" not in errors[1]
        assert errors[2].startswith("templates/site.css:1:1: error: ") and errors[2].endswith(
            "A file published as it is goes in templates/static/ (served at /static/)")
    (site / "templates" / "homepage.html").rename(site / "templates" / "home.html")
    (site / "templates" / "sidebar.html").unlink()
    (site / "templates" / "site.css").rename(site / "templates" / "static" / "site.css")
    out = site / "output"
    assert api.build(site, out, as_of=AS_OF).ok
    join = (out / "join" / "index.html").read_text()
    assert "A note of our own" in join and "<aside>Aside</aside>" in join
    assert (out / "static" / "extra.html").is_file()
    assert "<p>Hi</p>" in (out / "index.html").read_text()


def test_serve_reports_an_override_that_stops_matching_on_the_edit_and_clears_it_on_the_fix(make_site):
    from smbsite.server.incremental import IncrementalSite

    site = make_site()
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    assert not inc.errors
    own = site / "templates" / "home.html"
    good = own.read_text()
    own.write_text(good.replace("block intro", "block intr"))
    inc.apply({"templates/home.html"})
    [problem] = inc.errors
    assert problem.message == "block 'intr' is not in theme/home.html"
    own.write_text(good)
    inc.apply({"templates/home.html"})
    assert not inc.errors
    stray = site / "templates" / "homepage.html"
    stray.write_text("<p>mine</p>\n")
    inc.apply({"templates/homepage.html"})
    assert [p.path for p in inc.errors] == ["templates/homepage.html"]
    stray.unlink()
    inc.apply({"templates/homepage.html"})
    assert not inc.errors
