"""The library API the CLI and tests share: check() and build()."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from .content import SiteModel
from .graph import SiteGraph, build_graph
from .load import Loaded, load_site
from .problems import Problem, Problems
from .render import make_env, render_output, static_files
from .report import Reporter
from .urls import output_file
from .validate import validate
from .write import Staging, UnsafeOutput, check_out


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


def _site_zone(src: Path) -> str:
    """The site's timezone before validation (for 'today'); UTC when unknown."""
    try:
        import yaml
        data = yaml.safe_load((src / "site.yaml").read_text(encoding="utf-8"))
        return str(data.get("timezone", "UTC")) if isinstance(data, dict) else "UTC"
    except Exception:
        return "UTC"


def prepare(src: Path, as_of: str | date | None = None, drafts: bool = False, base_url: str | None = None,
            ) -> tuple[Problems, Loaded, SiteModel | None, SiteGraph | None]:
    """Load, validate and build the site graph: everything short of rendering."""
    src = Path(src)
    if not src.is_dir():
        raise UsageError(f"source folder {src} does not exist")
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise UsageError(f"--base-url must be absolute (https://…), not {base_url!r}")
    day = build_date(as_of, _site_zone(src))
    problems = Problems()
    loaded = load_site(src, problems)
    site = validate(loaded, problems, day, drafts, base_url)
    graph = None
    if site is not None:
        graph = build_graph(site, problems, src, static_files(src))
    return problems, loaded, site, graph


def check(src: str | Path = ".", as_of: str | date | None = None, strict: bool = False,
          drafts: bool = True) -> Result:
    """Validate everything (drafts too: they will be published one day), write nothing."""
    start = time.perf_counter()
    problems, _, _, graph = prepare(Path(src), as_of, drafts)
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
    except UnsafeOutput as exc:
        raise UsageError(str(exc)) from None
    reporter = reporter or Reporter(quiet=True)
    reporter.progress("loading")
    problems, _, _, graph = prepare(src, as_of, drafts, base_url)
    result = Result(problems.sorted(), graph, strict=strict, out=out_dir)
    if graph is None or not result.ok:
        result.ms = (time.perf_counter() - start) * 1000
        return result
    result.files_written = write_site(src, graph, out_dir, reporter)
    result.ms = (time.perf_counter() - start) * 1000
    return result


def write_site(src: Path, graph: SiteGraph, out_dir: Path, reporter: Reporter) -> int:
    env = make_env(src, graph)
    staging = Staging(out_dir)
    try:
        total = len(graph.outputs)
        for i, o in enumerate(graph.outputs):
            if o.copy_from is not None:
                staging.copy(output_file(o.url), Path(o.copy_from))
            else:
                staging.write(output_file(o.url), render_output(env, graph, o))
            if i % 500 == 0:
                reporter.progress("rendering", i, total)
        staging.commit()
    except BaseException:
        staging.abort()
        raise
    return total
