"""The package's shape: stages import only downwards, and nothing imports in a circle.

The import graph is read from the source with ast (imports inside functions and
under TYPE_CHECKING count too), so a cycle cannot hide behind a late import.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "smbsite"

# Lowest first. A module may import modules of its own layer or of a lower one.
LAYERS: list[tuple[str, set[str]]] = [
    ("foundation", {"core.version", "core.problems", "core.slugify", "reading.yamlpos", "core.urls", "reading.safefs", "core.report", "core.markdown", "core.markdown_places", "checking.lookalikes", "reading.sourcemap", "model.places", "images.colors", "core.cache_folder", "core.store", "core.check_memo", "core.result", "images.rasters", "images.imaging", "images.fonts", "images.drawing"}),
    ("content model", {"model.fields", "model.records", "model.kinds", "model.site", "model.schema"}),
    ("load", {"reading.load"}),
    ("validate", {"checking.messages", "checking.record_checks", "images.svg_clean", "images.filetypes", "images.logos", "checking.validate"}),
    ("derive", {"deriving.derive", "deriving.links"}),
    ("routes", {"routes.dependencies", "routes.outputs", "routes.feeds", "routes.ics", "routes.jsonld", "routes.machine_readable", "routes", "routes.views", "routes.service_areas", "routes.pages", "routes.tilemap", "routes.addform", "images.identity", "routes.home"}),
    ("render", {"rendering.render", "rendering.template_errors", "rendering.overrides"}),
    ("write", {"publishing.write", "commands.diff", "publishing.pool", "publishing.search", "publishing.cache"}),
    ("orchestrate", {"pipeline"}),
    ("public face", {"api", "commands.scaffold", "server.incremental"}),
    ("front ends", {"server.serve", "commands.contributing_guide", "commands.newsite", "commands.cli", "__main__", "__init__"}),
]
CONTENT_MODEL = {"model.fields", "model.records", "model.kinds", "model.site"}
NOT_IN_CONTENT_MODEL = {"jinja2", "click", "smbsite.server.serve", "smbsite.rendering.render", "smbsite.commands.cli", "watchdog"}
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
    mods = modules()
    graph = {}
    for name, path in mods.items():
        graph[name] = {imp.removeprefix("smbsite.") for imp in imports_of(path)
                       if imp.startswith("smbsite.") and imp.removeprefix("smbsite.") in mods} - {name}
    return graph


def layer_of(name: str) -> int:
    for i, (_, members) in enumerate(LAYERS):
        if name in members:
            return i
    raise AssertionError(f"smbsite.{name} is in no layer: add it to LAYERS in {Path(__file__).name}")


def test_every_module_has_a_layer():
    for name in modules():
        layer_of(name)


def test_imports_only_point_to_the_same_or_a_lower_layer():
    upward = [f"{name} ({LAYERS[layer_of(name)][0]}) imports {dep} ({LAYERS[layer_of(dep)][0]})"
              for name, deps in internal_graph().items() for dep in sorted(deps) if layer_of(dep) > layer_of(name)]
    assert upward == []


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


def test_the_content_model_imports_no_templates_cli_server_or_rendering():
    for name in CONTENT_MODEL & set(modules()):
        imported = imports_of(modules()[name])
        bad = {imp for imp in imported if any(imp == b or imp.startswith(b + ".") for b in NOT_IN_CONTENT_MODEL)}
        assert bad == set(), f"{name} imports {bad}"


def test_the_cycle_finder_finds_a_cycle_through_a_late_import(tmp_path):
    (tmp_path / "a.py").write_text("def f():\n    from . import b\n")
    assert "smbsite.b" in imports_of(tmp_path / "a.py")
    (tmp_path / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .d import X\n")
    assert "smbsite.d" in imports_of(tmp_path / "c.py")


def test_no_module_is_over_500_lines():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_nothing_after_loading_reads_a_source_file_again(make_site):
    """Positions of what is found in a Markdown field come from the text as loaded: the
    files may change or go away once loading is done, and no later stage notices."""
    from datetime import date

    from smbsite.deriving.derive import derive
    from smbsite.deriving.links import MarkdownLinks
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
    model = derive(validate(loaded, problems, date(2026, 11, 26)), date(2026, 11, 26))
    links = MarkdownLinks(model.config.base_path, problems, loaded.texts())
    links.render_all(model)
    links.check_links({"/": None})
    [link] = [p for p in problems.items if "/gone/" in p.message]
    assert (link.path, link.line, link.col) == ("members/acme-networks.yaml", 10, 22)


def test_record_kinds_folders_and_urls_are_written_only_in_the_registry():
    """A kind's folder, collection key and URL pattern are spelt out in model/kinds.py alone: no
    other module names members/ or builds /members/<slug>/ by hand."""
    from smbsite.model.kinds import KINDS

    spelt = {k.collection for k in KINDS.values()} | {k.url for k in KINDS.values()}
    spelt |= {k.folder for k in KINDS.values() if "/" in k.folder}
    prefixes = {k.url.split("{")[0] for k in KINDS.values()} - {"/"}
    found = []
    for name, path in modules().items():
        if name == "model.kinds":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in spelt:
                found.append(f"{name}:{node.lineno}: {node.value!r}")
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant) \
                    and node.values[0].value in prefixes and len(node.values) > 1:
                found.append(f"{name}:{node.lineno}: an f-string starting {node.values[0].value!r}")
    assert found == []


def test_the_site_model_cannot_be_changed_once_derived(tmp_path):
    """Every record of the model is frozen: a later stage that tried to set a field would
    fail at once instead of changing what other pages show."""
    import dataclasses

    import pydantic
    import pytest

    from conftest import AS_OF, REPO
    from smbsite import check

    result = check(REPO, as_of=AS_OF)
    assert result.ok and result.graph is not None
    site = result.graph.site
    records = [site.config, *site.members, *site.vendors, *site.events, *site.articles, *site.pages,
               *(b for v in site.vendors for b in v.benefits), *(s for e in site.events for s in e.sessions)]
    assert {type(r).__name__ for r in records} >= {"SiteConfig", "Member", "Vendor", "Event", "Article", "Page",
                                                    "Benefit", "SessionItem"}
    for record in records:
        name = next(iter(type(record).model_fields))
        with pytest.raises(pydantic.ValidationError, match="frozen"):
            setattr(record, name, getattr(record, name))
    with pytest.raises(dataclasses.FrozenInstanceError):
        site.members = []  # type: ignore[misc]


def test_architecture_page_lists_every_module():
    """ARCHITECTURE.md's module table is the map a new maintainer reads: no module missing
    from it, none listed that is gone."""
    import re

    text = (PACKAGE.parent / "ARCHITECTURE.md").read_text(encoding="utf-8")
    table = text[text.index("## Modules"):]
    listed = {m.replace("/", ".") for m in re.findall(r"`([a-z_/]+)\.py`", table)}
    assert listed == set(modules()) - {"__init__", "__main__"}
