"""The package's layers, held by import-linter: `lint-imports` reads every import of smbsite
(imports inside functions too) and checks the contracts in .importlinter."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import layers

REPO = Path(__file__).resolve().parent.parent


def lint_imports() -> list[str]:
    found = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert found, "lint-imports is missing: pip install -e '.[test]'"
    return [found]


def test_the_import_contracts_hold():
    run = subprocess.run([*lint_imports(), "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert " 0 broken" in run.stdout


def test_an_import_inside_a_function_breaks_a_contract(tmp_path):
    """A late import cannot hide an upward one: a copy of the package whose model imports
    the server inside a function fails the contracts."""
    shutil.copytree(REPO / "smbsite", tmp_path / "smbsite", ignore=shutil.ignore_patterns("__pycache__", "theme", "starter"))
    shutil.copy(REPO / ".importlinter", tmp_path / ".importlinter")
    model = next(p for p in sorted((tmp_path / "smbsite" / "model").glob("*.py")) if p.name != "__init__.py")
    model.write_text(model.read_text(encoding="utf-8") + "\n\ndef _late():\n    from ..server import serve\n",
                     encoding="utf-8")
    run = subprocess.run([*lint_imports(), "--no-cache"], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(tmp_path), "PATH": ""})
    assert run.returncode == 1, run.stdout + run.stderr
    assert "BROKEN" in run.stdout


def test_every_package_says_its_job_in_one_line_and_holds_nothing_else():
    for init in sorted((REPO / "smbsite").glob("*/__init__.py")):
        tree = ast.parse(init.read_text(encoding="utf-8"))
        doc = ast.get_docstring(tree)
        assert doc and "\n" not in doc.strip(), f"{init}: a one-line docstring"
        assert len(tree.body) == 1, f"{init}: only the docstring (importing from a package __init__ hides cycles)"


def test_the_layers_are_whole_packages_and_name_every_one():
    """Each layer is a package (or the one-module pipeline and public face), never a module picked out of a
    package; every package and top-level module is in one, so a new one cannot import around them."""
    named = [name for row in layers() for name in row]
    assert all("." not in name for name in named), named
    assert len(named) == len(set(named))
    top = {p.name for p in (REPO / "smbsite").iterdir() if (p / "__init__.py").exists()}
    top |= {p.stem for p in (REPO / "smbsite").glob("*.py")} - {"__init__", "__main__"}
    assert set(named) == top
    assert layers()[-1] == ["core"] and layers()[-2] == ["model"]
