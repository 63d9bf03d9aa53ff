"""Mistakes in templates are problems at their file and line, wherever the site and the code live;
a mistake in smbsite itself is never passed off as one."""
from __future__ import annotations

import shutil

from conftest import AS_OF, REPO, run_cli

from smbsite import api
from smbsite.rendering import render

FIX = "fix the template; every page using it fails the same way"

PAGE_WITH = """\
{%% extends "base.html" %%}
{%% block main %%}
<h1>{{ page_doc.title }}</h1>
%s
{%% endblock %%}
"""


def site_with(make_site, templates: dict[str, str]):
    """A fixture site whose copied templates are then changed as given."""
    site = make_site()
    for name, text in templates.items():
        (site / "templates" / name).write_text(text, encoding="utf-8")
    return site


def build_both_ways(site) -> list:
    """`smbsite build` from inside the site folder (the default -s .) and with -s DIR."""
    inside = run_cli("build", "--as-of", AS_OF, cwd=site)
    outside = run_cli("build", "-s", str(site), "--as-of", AS_OF, cwd=site.parent)
    return [inside, outside]


def test_render_error_is_reported_at_its_template_line_from_any_working_folder(make_site):
    site = site_with(make_site, {"page.html": PAGE_WITH % "<p>{{ 1/0 }}</p>"})
    for run in build_both_ways(site):
        assert run.returncode == 1, run.stderr
        assert "Traceback" not in run.stderr
        assert f"templates/page.html:4:1: error: division by zero (while rendering /join/) — {FIX}" in run.stderr
    assert not (site / "output").exists()


def test_missing_include_is_reported_at_the_include(make_site):
    site = site_with(make_site, {"page.html": PAGE_WITH % '<aside>\n{% include "sidebar.html" %}\n</aside>'})
    for run in build_both_ways(site):
        assert run.returncode == 1 and "Traceback" not in run.stderr
        assert "templates/page.html:5:1: error: template 'sidebar.html' not found (while rendering /join/)" \
            in run.stderr


def test_syntax_error_in_an_included_template_is_reported_in_that_file(make_site):
    site = site_with(make_site, {"page.html": PAGE_WITH % '{% include "_note.html" %}',
                                 "_note.html": "<p>note</p>\n<p>{% if %}</p>\n"})
    for run in build_both_ways(site):
        assert run.returncode == 1 and "Traceback" not in run.stderr
        lines = [line for line in run.stderr.splitlines() if ": error: " in line]
        assert len(lines) == 1 and lines[0].startswith("templates/_note.html:2:1: error: "), run.stderr


def test_error_in_a_theme_outside_the_site_names_the_theme_file(make_site, tmp_path, monkeypatch):
    site = make_site()
    theme = tmp_path / "elsewhere" / "theme"
    shutil.copytree(render.THEME, theme)
    shutil.rmtree(site / "templates")
    (theme / "page.html").write_text(PAGE_WITH % "<p>{{ page_doc.title + 1 }}</p>")
    monkeypatch.setattr(render, "template_dirs", lambda src: [theme])
    result = api.build(site, site / "output", as_of=AS_OF)
    [problem] = result.errors
    assert (problem.path, problem.line) == ((theme / "page.html").as_posix(), 4)
    assert problem.hint == FIX and "while rendering /join/" in problem.text()


def test_code_bug_under_a_folder_named_templates_is_not_called_a_template_error(make_site, tmp_path):
    """A checkout and a site that both sit in a folder called templates: a bug in smbsite's
    own code (here planted in a copy of it) stays a crash, never a problem in some template."""
    parent = tmp_path / "templates"
    checkout = parent / "checkout"
    shutil.copytree(REPO / "smbsite", checkout / "smbsite", ignore=shutil.ignore_patterns("__pycache__"))
    render_py = checkout / "smbsite" / "rendering" / "render.py"
    source = render_py.read_text()
    marker = 'def breadcrumbs(graph: SiteGraph, url: str) -> list[tuple[str, str]]:\n'
    assert marker in source
    render_py.write_text(source.replace(marker, marker + '    raise RuntimeError("planted bug")\n'))
    site = make_site()
    moved = parent / "site"
    shutil.move(str(site), moved)
    for run in (run_cli("build", "--as-of", AS_OF, cwd=moved, env={"PYTHONPATH": str(checkout)}),
                run_cli("build", "-s", str(moved), "--as-of", AS_OF, cwd=tmp_path,
                        env={"PYTHONPATH": str(checkout)})):
        assert run.returncode != 0
        assert "Traceback" in run.stderr and "RuntimeError: planted bug" in run.stderr
        assert FIX not in run.stderr and ": error: " not in run.stderr
    assert not (moved / "output").exists()
