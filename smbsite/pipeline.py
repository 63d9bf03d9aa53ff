"""The build as a list of stages: load, validate, derive, routes, render, write.

prepare() runs everything short of rendering; publish() makes the images the cache
lacks and write_site() renders every output into a staging folder and swaps it in;
check_render() renders every page the same way and keeps only the mistakes.
"""
from __future__ import annotations

import os
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import jinja2
from zoneinfo import ZoneInfo

from .cache import Keys, PageCache, template_digests
from .cachedir import CacheFolder
from .content import SiteModel
from .derive import derive
from .graph import build_graph
from . import imaging
from .imaging import CachedFile, ImageStore
from .kinds import KINDS
from .links import MarkdownLinks
from .load import Loaded, ParseCache, load_site
from .fields import base_url_problem
from .outputs import SiteGraph
from .overrides import check_overrides, own_templates
from .pool import collector_off, cpu_jobs, default_jobs, fork_slices, no_gc
from .problems import ContentError, Problem, Problems, UsageError
from .render import TEMPLATE_SUFFIXES, make_env, render_output, static_files, template_closure
from .report import Reporter
from .search import build_index
from .template_errors import from_template, template_problem
from .urls import output_file
from .validate import validate
from .write import Staging

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
            cache: ParseCache | None = None, one_shot: bool = False, store: ImageStore | None = None,
            ) -> tuple[Problems, Loaded, SiteModel | None, SiteGraph | None]:
    """Load, validate and build the site graph: everything short of rendering.

    one_shot: the model lives until the process exits (check, build), so it is
    handed to the collector's permanent generation instead of being walked by it.
    store: where the graph's image files are (or will be) kept; see imaging.py."""
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
        checked = validate(loaded, problems, day, drafts) if not loaded.refused else None
        site = graph = None
        if checked is not None:
            site = derive(checked, day, drafts, base_url)
            failed = failed_urls(problems)
            links = MarkdownLinks(site.config.base_path, problems, loaded.texts())
            links.render_all(site)  # the last of deriving: nothing changes the model after this
            graph = build_graph(site, problems, src, static_files(src), store)
            links.check_links(graph.by_url, failed)
            check_overrides(src, graph, problems)
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


def publish(src: Path, graph: SiteGraph, out_dir: Path, store: ImageStore, reporter: Reporter,
            cache: PageKeys | None = None) -> tuple[int, list[Problem]]:
    """Make the images the graph needs that the cache lacks, then write the site: (files written,
    problems of logos that could not be converted; OUT is not touched when there are any).
    cache: see write_site."""
    reporter.progress("images")
    store.claim()
    image_problems = imaging.materialise(graph.images, store, cpu_jobs())
    if image_problems:
        return 0, image_problems
    written = write_site(src, graph, out_dir, reporter, cache=cache)
    store.prune(n for job in graph.images for n in job.names)
    return written, []


# (the locked cache folder, digest of every source read, the build's options): what a build through the
# page cache needs to key each page (see cache.py)
PageKeys = tuple[CacheFolder, dict[str, bytes], str]


def write_site(src: Path, graph: SiteGraph, out_dir: Path, reporter: Reporter, jobs: int | None = None,
               cache: PageKeys | None = None) -> int:
    """Render every output into a staging folder and swap it in; with cache, a page whose key
    (its template, options and the bytes of every input it depends on) is cached is copied."""
    env = make_env(src, graph, memo=True)
    for o in {o.template: o for o in graph.outputs if o.template}.values():
        try:
            env.get_template(o.template)  # compile once, before any fork, so workers share it
        except jinja2.TemplateError as exc:
            raise ContentError([template_problem(exc, o.url, o.template, src)]) from exc
    pages = keys = None
    if cache is not None:
        pages = PageCache.open(cache[0])
        if pages is not None:
            site_logo = graph.site.config.logo
            keyer = Keys(pages.fingerprint, cache[2], cache[1].get("site.yaml", b""),
                         (graph.nav, graph.stylesheets), cache[1],
                         template_digests(env, template_closure(env)), src, (site_logo,) if site_logo else ())
            keys = {o.url: k for o in graph.outputs if (k := keyer.key(o)) is not None}
    staging = Staging(out_dir)
    jobs = jobs or default_jobs(len(graph.outputs))
    try:
        if jobs > 1:
            render_parallel(env, graph, staging, jobs, reporter, src, pages, keys)
        else:
            render_slice(env, graph, staging, 0, 1, reporter, src, pages, keys)
        if graph.site.config.search:
            reporter.progress("indexing for search")
            build_index(staging.tmp)
        staging.commit()
        if pages is not None and keys is not None:
            pages.finish(keys.values())
    except BaseException:
        staging.abort()
        raise
    finally:
        if pages is not None:
            pages.close()
    return len(graph.outputs)


class Discard:
    """Where check renders to: every page is rendered as build renders it, nothing is written."""

    def write(self, rel: str, data: bytes) -> None:
        pass

    def copy(self, rel: str, source: Path) -> None:
        pass


def check_render(src: Path, graph: SiteGraph, jobs: int | None = None) -> list[Problem]:
    """Render every page as a build would, in as many processes, and write nothing: the template
    mistakes a build would stop at, all of them, each once."""
    env = make_env(src, graph, memo=True)
    found: set[Problem] = set()
    broken: set[str] = set()  # templates that do not compile: their pages are not rendered
    first_use: dict[str, str] = {}
    for o in graph.outputs:
        if o.template:
            first_use.setdefault(o.template, o.url)
    own = [n for n in own_templates(src) if n.endswith(TEMPLATE_SUFFIXES)]
    for name in [*first_use, *(n for n in own if n not in first_use)]:
        try:
            env.get_template(name)  # compiled before any fork, so workers share it
        except jinja2.TemplateError as exc:
            found.add(template_problem(exc, first_use.get(name, ""), name, src))
            broken.add(name)

    def work(index: int, step: int) -> None:
        mine: set[Problem] = set()
        render_slice(env, graph, Discard(), index, step, src=src, found=mine, skip=set(broken))
        if mine:
            raise ContentError(sorted(mine))

    try:
        jobs = jobs or default_jobs(len(graph.outputs))
        if jobs > 1:
            fork_slices(work, jobs)
        else:
            work(0, 1)
    except ContentError as exc:
        found |= set(exc.problems)
    return sorted(found)


def render_slice(env: Any, graph: SiteGraph, staging: Staging | Discard, index: int, step: int,
                 reporter: Reporter | None = None, src: Path | None = None,
                 pages: PageCache | None = None, keys: dict[str, str] | None = None,
                 found: set[Problem] | None = None, skip: set[str] | None = None) -> None:
    """Render and write every step-th output starting at index (taken from pages when its key is there).

    found: collect template mistakes there and go on (check) instead of stopping at the first;
    only pages are rendered then, none of whose templates is in skip."""
    outputs = graph.outputs
    total = len(outputs)
    collector_off()
    for i in range(index, total, step):
        o = outputs[i]
        if found is not None and (o.template is None or o.template in (skip or ())):
            continue
        if isinstance(o.copy_from, CachedFile):  # signed by this cache: its signature is checked as it is read
            staging.write(output_file(o.url), o.copy_from.read())
            continue
        if o.copy_from is not None:
            staging.copy(output_file(o.url), Path(o.copy_from))
            continue
        key = keys.get(o.url) if keys is not None else None
        data = pages.get(key) if pages is not None and key is not None else None
        if data is None:
            try:
                data = render_output(env, graph, o)
            except Exception as exc:
                if not from_template(exc):
                    raise  # our bug, not the template's: keep the traceback
                problem = template_problem(exc, o.url, o.template, src)
                if found is None:
                    raise ContentError([problem]) from exc
                found.add(problem)
                if isinstance(exc, (jinja2.TemplateSyntaxError, jinja2.TemplateNotFound)) and skip is not None:
                    skip.add(o.template)  # every other page of it fails the same way
                continue
            if pages is not None and key is not None:
                pages.put(key, data)
        staging.write(output_file(o.url), data)
        if reporter is not None and i % 1000 == index:
            reporter.progress("rendering", i, total)


def render_parallel(env: Any, graph: SiteGraph, staging: Staging, jobs: int, reporter: Reporter,
                    src: Path | None = None, pages: PageCache | None = None,
                    keys: dict[str, str] | None = None) -> None:
    """Each of jobs processes renders and writes its share; this one reports progress."""
    def work(index: int, step: int) -> None:
        if pages is not None and index > 0:
            pages.for_worker(index)
        render_slice(env, graph, staging, index, step, reporter if index == 0 else None, src, pages, keys)
        if pages is not None and index > 0:
            pages.flush_part()

    fork_slices(work, jobs)
