"""What a build or a check through the cache does again, seen from the inside: a file whose bytes did not
change is not parsed again (its problems are still reported), a check renders only the pages whose reads
changed, and a check of an unchanged site is answered before the stages are imported. Each time, the
problems and the output are those of a run without the cache."""
from __future__ import annotations

import os
import re
import time

import pytest
from conftest import AS_OF, MEMBER_YAML, NEW_MEMBER, run_cli, tree

from smbsite import api, pipeline
from smbsite.reading import load

M = "members/acme-networks.yaml"
BROKEN = "members/broken-record.yaml"
BROKEN_YAML = "name: Broken Record\nsummary: [never closed\n"


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The path of every file parsed from now on."""
    seen: list[str] = []
    real = load.parse_record

    def counting(kind, slug, path, *rest):
        seen.append(path)
        return real(kind, slug, path, *rest)

    monkeypatch.setattr(load, "parse_record", counting)
    return seen


def texts(result) -> list[str]:
    return [p.text() for p in result.problems]


def test_a_build_through_the_cache_parses_only_the_files_whose_bytes_changed(make_site, tmp_path, parsed):
    site = make_site({"members/basalt-data-works.yaml": NEW_MEMBER})
    cache = tmp_path / "cache"
    first = api.build(site, tmp_path / "a", as_of=AS_OF, cache=cache)
    assert first.ok and len(parsed) >= 6
    parsed.clear()
    again = api.build(site, tmp_path / "b", as_of=AS_OF, cache=cache)
    assert parsed == [] and again.ok  # nothing changed: nothing parsed
    assert tree(tmp_path / "b") == tree(tmp_path / "a")
    (site / M).write_text(MEMBER_YAML.replace("summary:", "summary: [a list never closed\nsummary:", 1),
                          encoding="utf-8")
    edited = api.build(site, tmp_path / "c", as_of=AS_OF, cache=cache)
    assert parsed == [M]  # the edited file alone
    fresh = api.build(site, tmp_path / "d", as_of=AS_OF, cache=False)
    assert texts(edited) == texts(fresh) and not edited.ok
    assert any(t.startswith(f"{M}:2:") for t in texts(edited)), texts(edited)


def test_the_problems_of_an_unchanged_file_are_reported_without_parsing_it_again(make_site, tmp_path, parsed):
    site = make_site({BROKEN: BROKEN_YAML})
    cache = tmp_path / "cache"
    first = api.check(site, as_of=AS_OF, cache=True)
    assert any(t.startswith(f"{BROKEN}:2:") for t in texts(first)), texts(first)
    build_first = api.build(site, tmp_path / "out", as_of=AS_OF, cache=cache)
    parsed.clear()
    build_again = api.build(site, tmp_path / "out", as_of=AS_OF, cache=cache)
    assert parsed == [] and texts(build_again) == texts(build_first)
    (site / "members" / "basalt-data-works.yaml").write_text(NEW_MEMBER + "state: Washington state\n",
                                                             encoding="utf-8")
    parsed.clear()
    checked = api.check(site, as_of=AS_OF, cache=True)
    assert parsed == ["members/basalt-data-works.yaml"]  # the new file alone; the broken one is known
    assert texts(checked) == texts(api.check(site, as_of=AS_OF, cache=False))
    assert any(t.startswith(f"{BROKEN}:2:") for t in texts(checked))


def test_a_check_after_an_edit_renders_only_the_pages_that_read_what_changed(make_site, monkeypatch):
    site = make_site({"members/basalt-data-works.yaml": NEW_MEMBER})
    rendered: list[str] = []
    real = pipeline.render_output
    monkeypatch.setattr(pipeline, "render_output", lambda env, graph, o: rendered.append(o.url) or real(env, graph, o))
    monkeypatch.setenv("SMBSITE_JOBS", "1")  # (the counting is done in this process)
    first = api.check(site, as_of=AS_OF)
    assert first.ok and len(rendered) == first.pages > 10
    rendered.clear()
    text = (site / M).read_text(encoding="utf-8").replace("summary: ", "summary: Now also ", 1)
    (site / M).write_text(text, encoding="utf-8")
    again = api.check(site, as_of=AS_OF)
    assert "/members/acme-networks/" in rendered and "/members/basalt-data-works/" not in rendered
    assert 0 < len(rendered) < first.pages / 2, rendered
    assert texts(again) == texts(api.check(site, as_of=AS_OF, cache=False)) == []
    # a template mistake in a page the edit did not touch is still found: the template is one of its reads
    (site / "templates" / "member.html").write_text('{% extends "theme/member.html" %}\n'
                                                     "{% block main %}{{ nothing.here }}{% endblock %}\n")
    broken = api.check(site, as_of=AS_OF)
    assert texts(broken) == texts(api.check(site, as_of=AS_OF, cache=False)) and not broken.ok


def age(site) -> None:
    """Every file of the site as if written an hour ago (a file changed within moments of a check is
    not trusted to show its next change by its times, and keeps the check from being remembered)."""
    then = time.time() - 3600
    for here, dirs, files in os.walk(site):
        for name in dirs + files:
            os.utime(os.path.join(here, name), (then, then), follow_symlinks=False)


def summary(run) -> tuple[int, str, str]:
    return run.returncode, run.stdout, re.sub(r"\(\d+ ms\)", "", run.stderr)


HEAVY = re.compile(r"\| +(pydantic|jinja2|markdown_it|PIL)(\.|$)", re.M)


def test_a_check_of_an_unchanged_site_answers_from_the_cache_without_loading_the_stages(make_site):
    site = make_site({BROKEN: BROKEN_YAML})
    age(site)
    first = run_cli("check", "-s", str(site), "--as-of", AS_OF)
    assert first.returncode == 1 and f"{BROKEN}:2:" in first.stderr
    again = run_cli("check", "-s", str(site), "--as-of", AS_OF, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert summary(again)[0] == 1
    assert not HEAVY.search(again.stderr), HEAVY.findall(again.stderr)  # answered before the stages were imported
    again = run_cli("check", "-s", str(site), "--as-of", AS_OF)
    assert summary(again) == summary(first)
    # the same size and the same modification time, other bytes: the file's change time tells
    before = os.stat(site / M)
    (site / M).write_text(MEMBER_YAML.replace("city: ", "city= ", 1), encoding="utf-8")
    os.utime(site / M, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(site / M).st_size == before.st_size
    edited = run_cli("check", "-s", str(site), "--as-of", AS_OF)
    fresh = run_cli("check", "-s", str(site), "--as-of", AS_OF, "--no-cache")
    assert summary(edited) == summary(fresh) != summary(first)
    assert f"{M}:" in edited.stderr
    # another date is another answer
    other = run_cli("check", "-s", str(site), "--as-of", "2030-01-01")
    assert summary(other) == summary(run_cli("check", "-s", str(site), "--as-of", "2030-01-01", "--no-cache"))
