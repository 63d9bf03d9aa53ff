"""Template mistakes as problems: where in which template file an error was met."""
from __future__ import annotations

import difflib
import os
import traceback
from pathlib import Path

import jinja2

from ..core.problems import Problem
from .render import TEMPLATE_SUFFIXES, template_loader

def template_frames(exc: BaseException) -> list[tuple[str, int]]:
    """(file, line) of every frame of template code in exc's traceback, outermost first.

    A frame is template code when Jinja compiled it: Jinja rewrites the traceback
    of an error raised while rendering so that each such frame raises at the
    template's file and line (its globals hold __jinja_exception__); a frame it
    did not rewrite yet still holds its template (__jinja_template__). Where the
    files live (the site, a theme, a folder with any name) plays no part.
    """
    frames = []
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        g = frame.f_globals
        if "__jinja_exception__" in g:
            frames.append((frame.f_code.co_filename, lineno))
        elif "__jinja_template__" in g:
            template = g["__jinja_template__"]
            frames.append((template.filename or template.name or "?", template.get_corresponding_lineno(lineno)))
    return frames


def from_template(exc: BaseException) -> bool:
    """Whether template code raised it (or Jinja did, compiling or looking one up)."""
    return isinstance(exc, jinja2.TemplateError) or bool(template_frames(exc))


def template_file(src: Path | None, filename: str) -> str:
    """How a template file is named in a problem: relative to the site when it is in
    the site (templates/page.html), else its own path (a theme's file)."""
    path = Path(os.path.abspath(filename))
    if src is not None:
        for root in (Path(os.path.abspath(src)), Path(src).resolve()):
            for candidate in (path, path.resolve()):
                if candidate.is_relative_to(root):
                    return candidate.relative_to(root).as_posix()
    return path.as_posix()


def closest_template(name: str, names: list[str]) -> str:
    """did you mean 'home.html'? for homepage.html or theme/hom.html: names compared without
    their suffix; a looser match counts only when it starts the same way, as a renamed or
    mistyped file usually does (sidebar.html is not search.html)."""
    stem = name.rsplit(".", 1)[0]
    best = max(((difflib.SequenceMatcher(None, stem, n.rsplit(".", 1)[0]).ratio(),
                 len(os.path.commonprefix([stem, n])), n) for n in names), default=None)
    if best is None or best[0] < 0.6 or (best[0] < 0.75 and best[1] < 3):
        return ""
    return f"did you mean '{best[2]}'?"


def known_templates(src: Path) -> list[str]:
    """Every template name a site's template may use: its own, the theme's, and theme/NAME."""
    return [n for n in template_loader(src).list_templates()
            if n.endswith(TEMPLATE_SUFFIXES) and "static/" not in n]


def template_problem(exc: BaseException, url: str, template: str | None, src: Path | None = None) -> Problem:
    """A template mistake as a problem at its file and line, like any content error.

    The same mistake met while rendering several pages is one problem: the page
    it was met on is context, not part of what makes it that problem.
    """
    path, line = f"templates/{template or '?'}", 1
    if isinstance(exc, jinja2.TemplateSyntaxError):
        line = exc.lineno or 1
        if exc.filename:
            path = template_file(src, exc.filename)
        elif exc.name:
            path = f"templates/{exc.name}"
    else:
        # the innermost frame that ran template code says where it went wrong
        frames = template_frames(exc)
        if frames:
            path, line = template_file(src, frames[-1][0]), frames[-1][1]
    detail = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
    if isinstance(exc, jinja2.TemplateNotFound):
        detail = f"template '{exc.name}' not found"
        if src is not None:
            close = closest_template(exc.name, known_templates(src))
            detail += f": {close}" if close else ""
    return Problem(path, line, 1, detail, "fix the template; every page using it fails the same way",
                   context=f"while rendering {url}" if url else "")
