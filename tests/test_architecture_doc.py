"""ARCHITECTURE.md is true of the package: its stages are the stage packages' own numbers and
names, and its module table lists every module once, under its package's row, which is that
package's docstring, in the order of the layers in .importlinter."""
from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

from conftest import layers

REPO = Path(__file__).resolve().parent.parent
STAGE = re.compile(r"Stage (\d+), (\w+): ")


def section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else len(text)]


def table(text: str) -> list[list[str]]:
    """The first Markdown table in text: its rows (header first), each a list of cell texts."""
    lines = [line.strip() for line in text.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        if not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", line):
            rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line[1:-1])])
    return rows


def packages(package: Path) -> dict[str, str]:
    """Each subpackage -> the first line of its docstring."""
    found = {}
    for init in sorted(package.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        found[init.parent.name] = doc.strip().splitlines()[0] if doc.strip() else ""
    return found


def modules(package: Path) -> set[str]:
    """Every module of the package but the __init__ files, as a path under it ('reading/load.py')."""
    return {p.relative_to(package).as_posix() for p in package.rglob("*.py") if p.name != "__init__.py"}


def stages(package: Path) -> dict[int, tuple[str, str]]:
    """Stage number -> (its name, its package), from the docstrings that start 'Stage N, name: '."""
    found: dict[int, tuple[str, str]] = {}
    for name, doc in packages(package).items():
        m = STAGE.match(doc)
        if m:
            assert int(m[1]) not in found, f"two packages say they are stage {m[1]}"
            found[int(m[1])] = (m[2], name)
    return found


def module_table_problems(doc: str, package: Path) -> list[str]:
    """What the Modules section of doc gets wrong about package; [] when it is true."""
    rows = table(section(doc, "Modules"))
    problems = [] if rows[0] == ["Module", "Job"] else [f"the header is {rows[0]}"]
    docstrings = packages(package)
    listed: list[str] = []
    order: list[str] = []  # packages and top-level modules, as the table goes
    group = None
    for first, job in (row[:2] for row in rows[1:]):
        heading = re.fullmatch(r"\*\*`(\w+)/`\*\*", first)
        if heading:
            group = heading[1]
            order.append(group)
            if group not in docstrings:
                problems.append(f"{group}/ is no package")
            elif job != docstrings[group]:
                problems.append(f"{group}/'s row is not its docstring: {job!r} != {docstrings[group]!r}")
            continue
        paths = re.findall(r"`([^`]+\.py)`", first)
        if not paths or ", ".join(f"`{p}`" for p in paths) != first:
            problems.append(f"a row names no modules the way the others do: {first!r}")
        for path in paths:
            owner = path.split("/")[0] if "/" in path else None
            if owner is None:  # a top-level module ends the rows of the package above it
                group = None
                order.append(path.removesuffix(".py"))
            elif owner != group:
                problems.append(f"{path} is listed under {group or 'no package'}, not under {owner}/")
        listed += paths
    problems += [f"{path} is listed twice" for path in sorted({p for p in listed if listed.count(p) > 1})]
    problems += [f"{path} is not listed" for path in sorted(modules(package) - set(listed))]
    problems += [f"{path} is listed but is no module" for path in sorted(set(listed) - modules(package))]
    problems += [f"package {name}/ has no row" for name in sorted(set(docstrings) - set(order))]
    problems += [f"{name} has two rows" for name in sorted({n for n in order if order.count(n) > 1})]
    # from the lowest layer up; siblings of one layer in any order
    layered = [name for name in order if any(name in row for row in layers())]
    expected = [row for row in reversed(layers())]
    at = 0
    for row in expected:
        got = layered[at:at + len(row)]
        if sorted(got) != sorted(row):
            problems.append(f"the table's order is not the layers' from the lowest up: {got} where {row} belongs")
            break
        at += len(row)
    return problems


def test_every_stage_package_says_its_number_and_name_the_same_way():
    found = stages(REPO / "smbsite")
    assert sorted(found) == list(range(1, len(found) + 1)) and len(found) >= 6
    for name, doc in packages(REPO / "smbsite").items():
        if re.search(r"\bstage\s*\d", doc, re.I):
            assert STAGE.match(doc), f"{name}/: a stage package's docstring starts 'Stage N, name: '"


def test_the_stages_table_is_the_stage_packages():
    doc = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    rows = table(section(doc, "The stages"))
    assert rows[0][0] == "Stage"
    found = stages(REPO / "smbsite")
    listed = []
    for row in rows[1:]:
        m = re.fullmatch(r"(\d+)\. (\w+)", row[0])
        assert m, f"a stage is written '1. load', not {row[0]!r}"
        number, name = int(m[1]), m[2]
        listed.append((number, name))
        named = re.findall(r"`([\w/]+\.py)`", row[1])
        assert named and all((REPO / "smbsite" / path).is_file() for path in named), row[1]
        if number in found:
            package = found[number][1]
            assert any(path.startswith(package + "/") for path in named), f"stage {number} names no module of {package}/"
    assert listed == [(n, name) for n, (name, _) in sorted(found.items())]


def test_the_module_table_is_the_package():
    doc = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert module_table_problems(doc, REPO / "smbsite") == []


def test_a_module_added_moved_or_removed_without_the_table_fails(tmp_path):
    doc = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    package = tmp_path / "smbsite"
    shutil.copytree(REPO / "smbsite", package, ignore=shutil.ignore_patterns("__pycache__", "theme", "starter", "data"))
    assert module_table_problems(doc, package) == []
    (package / "routes" / "badges.py").write_text('"""Badges."""\n', encoding="utf-8")
    assert module_table_problems(doc, package) == ["routes/badges.py is not listed"]
    (package / "routes" / "badges.py").rename(package / "core" / "badges.py")
    assert module_table_problems(doc, package) == ["core/badges.py is not listed"]
    (package / "core" / "badges.py").unlink()
    (package / "core" / "slugify.py").unlink()
    assert module_table_problems(doc, package) == ["core/slugify.py is listed but is no module"]
    (package / "core" / "__init__.py").write_text('"""Something else."""\n', encoding="utf-8")
    assert any("core/'s row is not its docstring" in p for p in module_table_problems(doc, package))
