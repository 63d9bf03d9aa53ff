"""The site's own templates against the theme: an override that matches nothing is an error.

A block in a template that extends another is shown only where a template above it
has a block of that name; a file in templates/ is used only when it has the name of a
theme file or a page (or another template) pulls it in. Jinja ignores both without a
word, so a typo, or a block the theme renamed in a new release, would silently drop
the site's change. Read from the templates' source alone: nothing is rendered here.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import jinja2
import jinja2.nodes as nodes

from ..routes.outputs import SiteGraph
from ..core.problems import Problems, did_you_mean
from ..reading.safefs import walk
from . import render
from .render import GLOBAL_TEMPLATES, TEMPLATE_SUFFIXES, make_env, template_closure
from .template_errors import closest_template

UPGRADING = "smbsite's docs/upgrading.md"
PAGE_SUFFIXES = (".html", ".htm", ".xml", ".txt")  # what a site writes as a template of its own
STATIC_LIKE = (".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".woff", ".woff2", ".pdf")


def own_templates(src: Path) -> list[str]:
    """The site's template files by their template name: regular files only (loading reports a
    pipe or a link out of the site, and nothing opens one), never templates/static/ or hidden files."""
    if not (src / "templates").is_dir():
        return []
    return sorted(name for e in walk(src, "templates", Problems())
                  if not (name := e.rel.removeprefix("templates/")).startswith("static/"))


def theme_templates() -> list[str]:
    """The theme's templates and those of the installed kinds: what a site's own may replace."""
    folders = [str(render.THEME), *map(str, render.kind_template_dirs())]
    return sorted(n for n in jinja2.FileSystemLoader(folders).list_templates()
                  if n.endswith(TEMPLATE_SUFFIXES) and not n.startswith("static/"))


def check_overrides(src: Path, graph: SiteGraph, problems: Problems) -> None:
    """Report every block of a site template that no template it extends has, and every site
    template file that is not a theme file and that nothing uses."""
    names = own_templates(src)
    if not names:
        return
    env = make_env(src, graph)
    trees: dict[str, tuple[str, nodes.Template]] = {}
    for name in names:
        if not name.endswith(TEMPLATE_SUFFIXES):
            continue
        try:
            source = (src / "templates" / name).read_text(encoding="utf-8")
            trees[name] = (source, env.parse(source, name))
        except (OSError, UnicodeDecodeError, jinja2.TemplateError):
            continue  # reported where it is compiled (check and build render every page)
    for name, (source, tree) in trees.items():
        _unmatched_blocks(env, name, source, tree, problems)
    theme = set(theme_templates())
    # a README or a licence beside the templates is nobody's mistake; a stylesheet or a picture is
    # one that belongs in templates/static/
    strangers = [n for n in names if n not in theme and n.lower().endswith(TEMPLATE_SUFFIXES + STATIC_LIKE)]
    if strangers:
        _unused(env, graph, strangers, sorted(theme), problems)


def _unmatched_blocks(env: jinja2.Environment, name: str, source: str, tree: nodes.Template,
                      problems: Problems) -> None:
    parent = _extends(tree)
    if parent is None:
        return  # a template of its own: its blocks are its own
    available = _chain_blocks(env, parent, seen={name})
    if available is None:
        return  # a parent that cannot be found or read is an error where the page renders
    for block in _top_blocks(tree):
        if block.name in available:
            continue
        close = did_you_mean(block.name, available)
        choices = ", ".join(sorted(available)) or "none"
        hint = (f"{close + ' ' if close else ''}A block that {parent} does not have is never shown "
                f"({parent} has: {choices}); if a new version of smbsite renamed it, "
                f"{UPGRADING} says to what")
        line = block.lineno
        problems.error(f"templates/{name}", line, _column(source, line, block.name),
                       f"block '{block.name}' is not in {parent}", hint)


def _extends(tree: nodes.Template) -> str | None:
    """The one template this one extends, when its name is written out (a computed name, or a
    choice between two, is left to rendering)."""
    found = list(tree.find_all(nodes.Extends))
    if len(found) == 1 and isinstance(found[0].template, nodes.Const) and isinstance(found[0].template.value, str):
        return found[0].template.value
    return None


def _top_blocks(node: nodes.Node) -> Iterator[nodes.Block]:
    """The blocks not inside another block: those must match one above (a nested one
    is shown as part of the block around it)."""
    for child in node.iter_child_nodes():
        if isinstance(child, nodes.Block):
            yield child
        else:
            yield from _top_blocks(child)


def _chain_blocks(env: jinja2.Environment, name: str, seen: set[str]) -> set[str] | None:
    """Every block of the template `name` resolves to and of the templates it extends, in turn."""
    blocks: set[str] = set()
    loader = env.loader
    assert loader is not None
    while name not in seen:
        seen.add(name)
        try:
            tree = env.parse(loader.get_source(env, name)[0], name)
        except (jinja2.TemplateError, OSError, UnicodeDecodeError):
            return None
        blocks |= {b.name for b in tree.find_all(nodes.Block)}
        parent = _extends(tree)
        if parent is None:
            break
        name = parent
    return blocks


def _column(source: str, line: int, block: str) -> int:
    lines = source.splitlines()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    m = re.search(r"\{%[-+]?\s*block\s+" + re.escape(block) + r"\b", text)
    return m.start() + 1 if m else 1


def _unused(env: jinja2.Environment, graph: SiteGraph, strangers: list[str], theme: list[str],
            problems: Problems) -> None:
    closure = template_closure(env)
    used: set[str] = set()
    for top in {o.template for o in graph.outputs if o.template} | set(GLOBAL_TEMPLATES):
        used |= closure.get(top, {top})
    for name in strangers:
        if name in used:
            continue
        close = closest_template(name, theme)
        where = ("a file published as it is goes in templates/static/ (served at /static/)"
                 if not name.endswith(PAGE_SUFFIXES) else
                 "a file here replaces the theme's file of the same name; a template of your own "
                 "is used once another one includes, imports, extends or partial()s it")
        problems.error(f"templates/{name}", 1, 1,
                       f"templates/{name} is not a template of the theme and no page uses it",
                       f"{close + ' ' if close else ''}{where[0].upper()}{where[1:]}")
