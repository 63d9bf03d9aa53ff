"""The package's shape: nothing imports in a circle, no module is long, nothing changes the model.

The layers (which package may import which) are import-linter's contracts in .importlinter,
checked by test_import_contracts.py. The import graph here is read from the source with ast
(imports inside functions and under TYPE_CHECKING count too), so a cycle cannot hide
behind a late import, not even between two modules of one package.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "smbsite"

MAX_LINES = 500


def modules() -> dict[str, Path]:
    """Every module by its dotted name under smbsite ('reading.load'); a package's __init__
    holds only its docstring and is checked by test_import_contracts.py."""
    found = {}
    for p in sorted(PACKAGE.rglob("*.py")):
        rel = p.relative_to(PACKAGE).with_suffix("")
        if rel.parts[0] in {"theme", "starter"} or (len(rel.parts) > 1 and rel.name == "__init__"):
            continue
        found[".".join(rel.parts)] = p
    return found


def imports_of(path: Path) -> set[str]:
    """Every absolute module name path imports, anywhere in the file ('smbsite.x' for its own);
    for `from pkg import a` both pkg and pkg.a, since a may be a module."""
    package = ["smbsite", *path.resolve().parent.relative_to(PACKAGE).parts] if path.resolve().is_relative_to(PACKAGE) \
        else ["smbsite"]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
            else:
                base = ".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def internal_graph() -> dict[str, set[str]]:
    """Module -> the modules of smbsite it imports; the package itself ('from smbsite import
    x', 'from .. import x' in a subpackage) is its face, '__init__'."""
    mods = modules()
    graph = {}
    for name, path in mods.items():
        named = {"__init__" if imp == "smbsite" else imp.removeprefix("smbsite.") for imp in imports_of(path)
                 if imp == "smbsite" or imp.startswith("smbsite.")}
        graph[name] = (named & set(mods)) - {name}
    return graph


def test_only_the_package_face_names_the_version_and_reads_it_from_one_place():
    """pyproject.toml holds the version; `core/version.py` reads it from the installed metadata, and a module that
    needs it imports that module, never the package (which would import the public face from below it)."""
    assert '__version__ = "' not in (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    importers = sorted(name for name, deps in internal_graph().items() if "__init__" in deps)
    assert importers == []
    from smbsite import __version__
    from importlib.metadata import version
    assert __version__ == version("smbsite")


def test_the_import_graph_has_no_cycle():
    graph = internal_graph()
    state: dict[str, int] = {}  # 1 visiting, 2 done
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append(" -> ".join(stack[stack.index(dep):] + [node, dep]) if dep in stack
                              else f"{node} -> {dep}")
            elif dep not in state:
                visit(dep, stack + [node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert cycles == []


def test_the_cycle_finder_finds_a_cycle_through_a_late_import(tmp_path):
    (tmp_path / "a.py").write_text("def f():\n    from . import b\n")
    assert "smbsite.b" in imports_of(tmp_path / "a.py")
    (tmp_path / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .d import X\n")
    assert "smbsite.d" in imports_of(tmp_path / "c.py")
    (tmp_path / "e.py").write_text("def f():\n    from smbsite import __version__\n")
    assert "smbsite" in imports_of(tmp_path / "e.py")  # the package's face, which internal_graph() calls __init__


def test_no_module_is_over_500_lines():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_nothing_after_loading_reads_a_source_file_again(make_site):
    """Positions of what is found in a Markdown field come from the text as loaded: the
    files may change or go away once loading is done, and no later stage notices."""
    from datetime import date

    from smbsite.deriving.derive import derive
    from smbsite.reading.load import load_site
    from smbsite.core.problems import Problems
    from smbsite.checking.validate import validate

    member = ("name: Acme Networks\nsummary: Cabling.\njoined: 2024-05-01\ncity: Fresno\nstate: CA\n"
              "specialties: [cabling]\ndescription: |\n  Intro.\n\n  See [the old page](/gone/).\n")
    site = make_site({"members/acme-networks.yaml": member})
    problems = Problems()
    loaded = load_site(site, problems)
    for record in site.glob("members/*.yaml"):
        record.unlink()
    texts = loaded.texts()
    derived = derive(validate(loaded, problems, date(2026, 11, 26)), date(2026, 11, 26), problems, texts)
    derived.markdown.check_links({"/": None})
    [link] = [p for p in problems.items if "/gone/" in p.message]
    assert (link.path, link.line, link.col) == ("members/acme-networks.yaml", 10, 22)


def test_record_kinds_folders_and_urls_are_written_only_in_the_registry():
    """A kind's folder, collection key and URL pattern are spelt out in its own module alone: no
    other module names members/ or builds /members/<slug>/ by hand."""
    from smbsite.model.kinds import KINDS

    def spelt_by(kinds):
        spelt = {k.collection for k in kinds} | {k.url for k in kinds}
        return spelt | {k.folder for k in kinds if "/" in k.folder}

    prefixes = {k.url.split("{")[0] for k in KINDS.values()} - {"/"}
    found = []
    for name, path in modules().items():
        own = KINDS.get(name.removeprefix("kinds.")) if name.startswith("kinds.") else None
        spelt = spelt_by([k for k in KINDS.values() if k is not own])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in spelt:
                found.append(f"{name}:{node.lineno}: {node.value!r}")
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant) \
                    and node.values[0].value in prefixes and len(node.values) > 1:
                found.append(f"{name}:{node.lineno}: an f-string starting {node.values[0].value!r}")
    assert found == []


def test_the_site_model_and_graph_cannot_be_changed_after_prepare():
    """Every field of every record of every kind, the site model, its links, the graph and each
    output are frozen once prepare() has made them: a later stage that tried to set one would
    fail at once instead of changing what other pages show. And they are made whole: every
    Markdown field is rendered by derive, not attached later."""
    import dataclasses

    import pydantic
    import pytest

    from conftest import AS_OF, REPO
    from smbsite import pipeline
    from smbsite.model import site as site_module
    from smbsite.model.kinds import KINDS

    prepared = pipeline.prepare(REPO, AS_OF)
    assert not prepared.problems.errors and prepared.graph is not None
    site, graph = prepared.graph.site, prepared.graph
    assert site is prepared.site
    by_kind = {name: getattr(site, kind.attr) for name, kind in KINDS.items()}
    assert all(by_kind.values()), "the bundled site has records of every kind"
    records = [site.config, *(r for rs in by_kind.values() for r in rs),
               *(b for v in site.vendors for b in v.benefits), *(s for e in site.events for s in e.sessions)]
    for record in records:
        for name in type(record).model_fields:
            with pytest.raises(pydantic.ValidationError, match="frozen"):
                setattr(record, name, getattr(record, name))
    for name, kind in KINDS.items():  # each Markdown field rendered as the record was made
        for rec in by_kind[name]:
            for path in kind.markdown:
                items = [rec] if len(path) == 1 else getattr(rec, path[0])
                assert all(path[-1] + "_html" in vars(item) for item in items), (name, path)
            assert not kind.front_matter or "html" in vars(rec)
    assert not hasattr(site_module, "derived")  # no way past the freeze is left
    for frozen, field in [(site, "records"), (site.links, "named"), (graph, "stylesheets"),
                          (graph, "application_url"), (graph, "by_url"), (graph.outputs[0], "image"),
                          (graph.by_url["/"], "context")]:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(frozen, field, getattr(frozen, field))