"""Commands that read no site start without the heavy libraries: `smbsite --help` answers at
once because pydantic, Jinja, markdown-it and Pillow are imported only by the stages that use them.

Each check runs in a fresh interpreter, since the test process has imported everything already.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import AS_OF

HEAVY = ("pydantic", "jinja2", "markdown_it", "PIL")

REPORT = "import json, sys; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(%r))))" % (HEAVY,)


def heavy_after(code: str) -> list[str]:
    """The heavy top-level packages a fresh interpreter holds after running code."""
    res = subprocess.run([sys.executable, "-c", code + "\n" + REPORT], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_importing_the_command_line_imports_no_heavy_library():
    assert heavy_after("import smbsite.commands.cli") == []


def test_importing_the_package_imports_no_heavy_library():
    assert heavy_after("import smbsite") == []


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["build", "--help"], ["check", "--help"],
                                  ["serve", "--help"], ["diff", "--help"], ["init", "--help"], ["schema", "--help"]],
                         ids=" ".join)
def test_help_and_version_import_no_heavy_library(args):
    code = ("from click.testing import CliRunner\nfrom smbsite.commands.cli import main\n"
            f"result = CliRunner().invoke(main, {args!r})\n"
            "assert result.exit_code == 0, result.output\nassert 'Usage:' in result.output or 'version' in result.output")
    assert heavy_after(code) == []


def test_the_package_still_offers_its_library_face():
    code = ("from smbsite import Problem, Result, UsageError, build, check\nimport smbsite\n"
            "from smbsite.api import Result as R, build as b, check as c\nfrom smbsite.core.problems import Problem as P, "
            "UsageError as U\nassert (Result, build, check, Problem, UsageError) == (R, b, c, P, U)\n"
            "assert {'Problem', 'Result', 'UsageError', 'build', 'check'} <= set(dir(smbsite))\n"
            "assert smbsite.__version__\n"
            "try:\n    smbsite.no_such_name\nexcept AttributeError:\n    pass\nelse:\n    raise AssertionError\n")
    # the face is real once asked for: build and check bring the stages they run
    assert heavy_after(code) == ["jinja2", "markdown_it", "pydantic"]


def test_new_lists_the_kinds_it_writes_in_its_help(cli):
    res = cli("new", "--help")
    assert res.returncode == 0 and "{member|vendor|event|article}" in res.stdout
    res = cli("new", "sponsor", "Acme IT")
    assert res.returncode == 2 and "'sponsor' is not one of 'member', 'vendor', 'event', 'article'" in res.stderr


def test_check_imports_only_what_checking_uses(make_site):
    """check validates and renders, so it needs pydantic, markdown-it and Jinja; the file watcher,
    the calendar library, the search indexer and the other commands' modules it never touches."""
    site = make_site()
    code = ("import sys\nfrom click.testing import CliRunner\nfrom smbsite.commands.cli import main\n"
            f"result = CliRunner().invoke(main, ['check', '-s', {str(site)!r}, '--as-of', {AS_OF!r}])\n"
            "assert result.exit_code == 0, result.output\n"
            "unused = ('watchdog', 'icalendar', 'pagefind_bin', 'smbsite.server.serve', 'smbsite.server.incremental', "
            "'smbsite.commands.scaffold', 'smbsite.commands.newsite', 'smbsite.commands.diff')\n"
            "print(sorted(m for m in unused if m in sys.modules))\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip().splitlines()[-1] == "[]"


def test_version_prints_the_installed_version(cli):
    import smbsite

    res = cli("--version")
    assert res.returncode == 0 and res.stdout == f"smbsite, version {smbsite.__version__}\n"
