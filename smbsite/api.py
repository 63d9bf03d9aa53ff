"""The library API the CLI and tests share: check() and build()."""
from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import jinja2
from zoneinfo import ZoneInfo

from .content import SiteModel
from .graph import SiteGraph, build_graph
from .kinds import KINDS
from .load import Loaded, ParseCache, load_site
from .model import base_url_problem
from .problems import ContentError, Problem, Problems
from .render import make_env, render_output, static_files
from .report import Reporter
from .urls import output_file
from .validate import validate
from .write import OutputError, Staging, UnsafeOutput, check_out


class UsageError(Exception):
    """Bad arguments (exit code 2), as opposed to bad content (exit code 1)."""


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)
    graph: SiteGraph | None = None
    files_written: int = 0
    ms: float = 0.0
    out: Path | None = None
    strict: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors and not (self.strict and self.warnings)


def build_date(as_of: str | date | None, tz: str = "UTC") -> date:
    """--as-of, else SOURCE_DATE_EPOCH, else today in the site's zone."""
    if isinstance(as_of, date):
        return as_of
    if as_of:
        try:
            return date.fromisoformat(as_of)
        except ValueError:
            raise UsageError(f"--as-of must be a date like 2027-03-30, not {as_of!r}") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch!r}") from None
    try:
        zone = ZoneInfo(tz)
    except Exception:
        zone = ZoneInfo("UTC")
    return datetime.now(zone).date()


def site_zone(loaded: Loaded) -> str:
    """The site's timezone as written (for 'today'), before validation; UTC when unusable."""
    zone = loaded.site.data.get("timezone") if loaded.site is not None else None
    try:
        ZoneInfo(str(zone))
    except Exception:
        return "UTC"
    return str(zone)


def prepare(src: Path, as_of: str | date | None = None, drafts: bool = False, base_url: str | None = None,
            cache: ParseCache | None = None, one_shot: bool = False,
            ) -> tuple[Problems, Loaded, SiteModel | None, SiteGraph | None]:
    """Load, validate and build the site graph: everything short of rendering.

    one_shot: the model lives until the process exits (check, build), so it is
    handed to the collector's permanent generation instead of being walked by it."""
    src = Path(src)
    if not src.is_dir():
        raise UsageError(f"source folder {src} does not exist")
    if not (src / "site.yaml").is_file():
        raise UsageError(f"no site.yaml in {src}: run smbsite in the site folder or pass -s SRC")
    if base_url is not None and (problem := base_url_problem(base_url)) is not None:
        raise UsageError(f"--base-url {problem[0]}, not {base_url!r}; e.g. --base-url {problem[1]}")
    if as_of is not None:
        build_date(as_of)  # a malformed --as-of is a usage error before any work
    problems = Problems()
    with no_gc(freeze=one_shot):
        loaded = load_site(src, problems, cache, jobs=min(2, cpu_jobs()))
        day = build_date(as_of, site_zone(loaded))
        # a record folder that is a link out of the site was not read: checking what refers
        # to its records would bury that one error under noise
        site = validate(loaded, problems, day, drafts, base_url) if not loaded.refused else None
        graph = None
        if site is not None:
            graph = build_graph(site, problems, src, static_files(src), failed_urls(problems))
    return problems, loaded, site, graph


def failed_urls(problems: Problems) -> set[str]:
    """Pages that exist as files but were left out for their own errors: a link to one
    is not reported again as a link to a page that does not exist."""
    urls = set()
    for p in problems.items:
        if p.severity != "error":
            continue
        for kind in KINDS.values():
            if p.path.startswith(kind.collection) and p.path.count("/") == kind.folder.count("/") + 1:
                urls.add(kind.url_of(Path(p.path).stem))
    return urls


@contextlib.contextmanager
def no_gc(freeze: bool = False) -> Any:
    """The cyclic collector scans every new object while the model is built, which
    costs up to a third of load time and frees nothing: the model lives on. With
    freeze, what was built is moved out of its sight before it is switched back on
    (else its first pass walks the whole model: 0.2 s at 10,000 members)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


def check(src: str | Path = ".", as_of: str | date | None = None, strict: bool = False,
          drafts: bool = True) -> Result:
    """Validate everything (drafts too: they will be published one day), write nothing."""
    start = time.perf_counter()
    problems, _, _, graph = prepare(Path(src), as_of, drafts, one_shot=True)
    return Result(problems.sorted(), graph, 0, (time.perf_counter() - start) * 1000, strict=strict)


def build(src: str | Path = ".", out: str | Path | None = None, *, as_of: str | date | None = None,
          drafts: bool = False, base_url: str | None = None, strict: bool = False,
          reporter: Reporter | None = None) -> Result:
    """Build the site into OUT (default SRC/output). Never touches OUT when there are errors."""
    start = time.perf_counter()
    src = Path(src)
    out_dir = Path(out) if out is not None else src / "output"
    try:
        check_out(src, out_dir)
    except (UnsafeOutput, OutputError) as exc:
        raise UsageError(str(exc)) from None
    reporter = reporter or Reporter(quiet=True)
    reporter.progress("loading")
    problems, _, _, graph = prepare(src, as_of, drafts, base_url, one_shot=True)
    result = Result(problems.sorted(), graph, strict=strict, out=out_dir)
    if graph is None or not result.ok:
        result.ms = (time.perf_counter() - start) * 1000
        return result
    try:
        result.files_written = write_site(src, graph, out_dir, reporter)
    except ContentError as exc:
        result.problems = sorted(set(result.problems) | set(exc.problems))
    except OutputError as exc:  # the system refused to write OUT; it is left as it was
        raise UsageError(str(exc)) from None
    result.ms = (time.perf_counter() - start) * 1000
    return result


PARALLEL_FROM = 1500  # below this many outputs a second process costs more than it saves


def cpu_jobs() -> int:
    """Processes worth forking: SMBSITE_JOBS, else the CPUs this process may use (at most 8)."""
    env = os.environ.get("SMBSITE_JOBS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    if not hasattr(os, "fork"):
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cpus, 8))


def default_jobs(n_outputs: int) -> int:
    if os.environ.get("SMBSITE_JOBS"):
        return cpu_jobs()
    return 1 if n_outputs < PARALLEL_FROM else cpu_jobs()


def write_site(src: Path, graph: SiteGraph, out_dir: Path, reporter: Reporter, jobs: int | None = None) -> int:
    env = make_env(src, graph)
    for o in {o.template: o for o in graph.outputs if o.template}.values():
        try:
            env.get_template(o.template)  # compile once, before any fork, so workers share it
        except jinja2.TemplateError as exc:
            raise ContentError([template_problem(exc, o.url, o.template, src)]) from exc
    staging = Staging(out_dir)
    jobs = jobs or default_jobs(len(graph.outputs))
    try:
        if jobs > 1:
            render_parallel(env, graph, staging, jobs, reporter, src)
        else:
            render_slice(env, graph, staging, 0, 1, reporter, src)
        staging.commit()
    except BaseException:
        staging.abort()
        raise
    return len(graph.outputs)


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
    return Problem(path, line, 1, detail, "fix the template; every page using it fails the same way",
                   context=f"while rendering {url}")


def render_slice(env: Any, graph: SiteGraph, staging: Staging, index: int, step: int,
                 reporter: Reporter | None = None, src: Path | None = None) -> None:
    """Render and write every step-th output starting at index."""
    outputs = graph.outputs
    total = len(outputs)
    gc.disable()  # rendering makes no reference cycles worth a collector pass; builds are short-lived
    for i in range(index, total, step):
        o = outputs[i]
        if o.copy_from is not None:
            staging.copy(output_file(o.url), Path(o.copy_from))
            continue
        try:
            data = render_output(env, graph, o)
        except Exception as exc:
            if not from_template(exc):
                raise  # our bug, not the template's: keep the traceback
            raise ContentError([template_problem(exc, o.url, o.template, src)]) from exc
        staging.write(output_file(o.url), data)
        if reporter is not None and i % 1000 == index:
            reporter.progress("rendering", i, total)


def render_parallel(env: Any, graph: SiteGraph, staging: Staging, jobs: int, reporter: Reporter,
                    src: Path | None = None) -> None:
    """Fork workers that inherit the graph and compiled templates; each writes its share.

    Fork (not spawn) because the model would otherwise be pickled to every
    worker, which costs more than rendering it. The parent renders a share too.
    """
    ctx = multiprocessing.get_context("fork")
    errors = ctx.SimpleQueue()

    def work(index: int) -> None:
        try:
            render_slice(env, graph, staging, index, jobs, src=src)
        except ContentError as exc:
            errors.put(exc.problems)
            os._exit(1)
        except OutputError as exc:
            errors.put(("output", str(exc)))
            os._exit(1)
        except BaseException:
            errors.put(traceback.format_exc())
            os._exit(1)
        os._exit(0)

    gc.freeze()  # keep the collector from touching (and so copying) the shared model in workers
    workers = [ctx.Process(target=work, args=(i,), daemon=True) for i in range(1, jobs)]
    for w in workers:
        w.start()
    failure = None
    try:
        render_slice(env, graph, staging, 0, jobs, reporter, src)
    except BaseException:
        failure = sys.exc_info()
    for w in workers:
        w.join()
    if failure:
        raise failure[1].with_traceback(failure[2])  # type: ignore[union-attr]
    if not errors.empty() or any(w.exitcode != 0 for w in workers):
        detail = errors.get() if not errors.empty() else "a render worker died"
        if isinstance(detail, list):
            raise ContentError(detail)
        if isinstance(detail, tuple):
            raise OutputError(detail[1])
        raise RuntimeError(f"rendering failed in a worker process:\n{detail}")
