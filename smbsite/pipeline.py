"""The build as a list of stages: 1 load, 2 validate, 3 derive, 4 routes, 5 render, 6 write.

run() is where their order is written: each stage takes the named result of the one before
(Loaded, Validated, Derived, SiteGraph) and adds what it finds to Problems; prepare() runs them
over the whole site (WholeSite) and serve over one edited record (OneRecord). publish() makes the
images the cache lacks and write_site() renders every output into a staging folder and swaps it
in; check_render() renders every page the same way and keeps only the mistakes.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import jinja2
from zoneinfo import ZoneInfo

from .routes import dependencies as deps
from .publishing.cache import PageCache, page_key
from .core.store import Store
from .model.site import SiteModel
from .deriving.derive import Derived, derive, record as derive_record
from .routes.pages import build_graph
from .images import imaging
from .images.imaging import CachedFile, ImageStore
from .model.kinds import KINDS
from .deriving.links import MarkdownLinks
from .reading.load import Loaded, ParseCache, RecordStore, load_site, parse_record
from .model.fields import base_url_problem
from .routes.outputs import SiteGraph
from .rendering.overrides import check_overrides, own_templates
from .core.forking import cpu_jobs, fork_map
from .publishing.pool import collector_off, no_gc, render_jobs
from .core.problems import ContentError, Problem, Problems, UsageError, no_site_yaml
from .rendering.render import TEMPLATE_SUFFIXES, digests, make_env, render_output, static_files
from .core.report import Reporter
from .publishing.search import build_index
from .rendering.template_errors import from_template, template_problem
from .core.urls import output_file
from .checking.validate import Validated, Validator, validate
from .publishing.write import MARKER, InPlace, Staging, scan

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


@dataclass(frozen=True)
class Prepared:
    """What a pass through the stages short of rendering hands on: every problem it found and
    each stage's named result, None from the first stage that could not go on."""

    problems: Problems
    loaded: Loaded | None = None  # stage 1, load
    validated: Validated | None = None  # stage 2, validate
    derived: Derived | None = None  # stage 3, derive: the site model and its Markdown's site links
    graph: SiteGraph | None = None  # stage 4, routes

    @property
    def site(self) -> SiteModel | None:
        return self.derived.site if self.derived is not None else None


class Steps:
    """How each stage runs over what one pass covers: the whole site (WholeSite) or one edited
    record against the site it was part of (OneRecord, serve's fast path). Each step takes the
    result of the one before; None stops the pass."""

    problems: Problems

    def load(self) -> Loaded | None:
        raise NotImplementedError

    def validate(self, loaded: Loaded) -> Validated | None:
        raise NotImplementedError

    def derive(self, validated: Validated) -> Derived | None:
        raise NotImplementedError

    def routes(self, derived: Derived) -> SiteGraph | None:
        raise NotImplementedError


def run(steps: Steps) -> Prepared:
    """The stages in their order, the one place it is written: load, validate, derive, routes
    (render and write follow in write_site)."""
    loaded = steps.load()
    validated = steps.validate(loaded) if loaded is not None else None
    derived = steps.derive(validated) if validated is not None else None
    graph = steps.routes(derived) if derived is not None else None
    return Prepared(steps.problems, loaded, validated, derived, graph)


class WholeSite(Steps):
    """Every stage over the whole site folder."""

    def __init__(self, src: Path, as_of: str | date | None, drafts: bool, base_url: str | None,
                 cache: ParseCache | RecordStore | None, store: ImageStore | None):
        self.src, self.as_of, self.drafts, self.base_url = src, as_of, drafts, base_url
        self.cache, self.store = cache, store
        self.problems = Problems()
        self.day: date | None = None

    def load(self) -> Loaded:
        loaded = load_site(self.src, self.problems, self.cache, jobs=min(2, cpu_jobs()))
        self.day = build_date(self.as_of, site_zone(loaded))
        return loaded

    def validate(self, loaded: Loaded) -> Validated | None:
        # a record folder that is a link out of the site was not read: checking what refers
        # to its records would bury that one error under noise
        if loaded.refused:
            return None
        assert self.day is not None
        self.texts = loaded.texts()
        return validate(loaded, self.problems, self.day, self.drafts)

    def derive(self, validated: Validated) -> Derived:
        assert self.day is not None
        return derive(validated, self.day, self.problems, self.texts, self.drafts, self.base_url)

    def routes(self, derived: Derived) -> SiteGraph:
        failed = failed_urls(self.problems)
        graph = build_graph(derived.site, self.problems, self.src, static_files(self.src), self.store)
        derived.markdown.check_links(graph.by_url, failed)
        check_overrides(self.src, graph, self.problems)
        return graph


class OneRecord(Steps):
    """The same stages for one edited record of a prepared site, each stopping (None: the whole
    site must be prepared again) where the edit reaches beyond the record: it does not parse or
    is not valid alone, a field of its kind's shape changed (its place in lists, its links), or
    its Markdown links to a page the site does not have. The graph keeps its outputs, around a new
    model with the new record in it (the old model is not changed)."""

    def __init__(self, src: Path, graph: SiteGraph, kind: str, rel: str, raw: bytes, day: date, drafts: bool):
        self.src, self.prev, self.kind, self.rel, self.raw = src, graph, kind, rel, raw
        self.day, self.drafts = day, drafts
        self.problems = Problems()
        self.slug = Path(rel).stem
        self.old = next((r for r in getattr(graph.site, KINDS[kind].attr) if r.slug == self.slug), None)

    def load(self) -> Loaded | None:
        source = parse_record(self.kind, self.slug, self.rel, self.src / self.rel, self.raw, self.problems)
        if source is None or self.problems.errors:
            return None
        site = self.prev.site
        return Loaded(root=self.src, site=None, sources={self.kind: [source]},
                      slugs={name: {r.slug for r in records} for name, records in site.records.items()})

    def validate(self, loaded: Loaded) -> Validated | None:
        [source] = loaded.sources[self.kind]
        self.text = source.text
        valid = Validator(loaded, self.problems, self.day, self.drafts).record(source, self.prev.site.config)
        if valid is None or self.problems.errors:
            return None
        return Validated(site=None, records={self.kind: [valid]})

    def derive(self, validated: Validated) -> Derived | None:
        site = self.prev.site
        md = MarkdownLinks(site.config.base_path, self.problems, {self.rel: self.text})
        [valid] = validated.records[self.kind]
        new = derive_record(self.kind, valid, site.config, self.day, md)
        if self.old is None or any(getattr(new, f) != getattr(self.old, f) for f in KINDS[self.kind].shape):
            return None
        return Derived(site.replacing(new), md)  # its neighbours are the same objects, not copies

    def routes(self, derived: Derived) -> SiteGraph | None:
        # the shape check kept the URL set: the record's Markdown links are checked against it
        derived.markdown.check_links(self.prev.by_url)
        if self.problems.errors:
            return None
        return replace(self.prev, site=derived.site)


def prepare(src: Path, as_of: str | date | None = None, drafts: bool = False, base_url: str | None = None,
            cache: ParseCache | RecordStore | None = None, one_shot: bool = False, store: ImageStore | None = None,
            ) -> Prepared:
    """Load, validate, derive and route the site: everything short of rendering.

    one_shot: the model lives until the process exits (check, build), so it is
    handed to the collector's permanent generation instead of being walked by it.
    store: where the graph's image files are (or will be) kept; see images/imaging.py."""
    src = Path(src)
    if not src.is_dir():
        raise UsageError(f"source folder {src} does not exist")
    if not (src / "site.yaml").is_file():
        raise no_site_yaml(src)
    if base_url is not None and (problem := base_url_problem(base_url)) is not None:
        raise UsageError(f"--base-url {problem[0]}, not {base_url!r}; e.g. --base-url {problem[1]}")
    if as_of is not None:
        build_date(as_of)  # a malformed --as-of is a usage error before any work
    with no_gc(freeze=one_shot):
        return run(WholeSite(src, as_of, drafts, base_url, cache, store))


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


# (the build cache's store, the build's options, code_fingerprint()): what a build through the page cache
# needs (see publishing/cache.py)
PageKeys = tuple[Store, str, str]


def write_site(src: Path, graph: SiteGraph, out_dir: Path, reporter: Reporter, jobs: int | None = None,
               cache: PageKeys | None = None) -> int:
    """Render every output into a staging folder and swap it in; with cache, a page is taken
    from it when everything it read when it was rendered (routes/dependencies.py) is as it was."""
    env = make_env(src, graph, memo=True)
    pages = plan = None
    if cache is not None:
        pages = PageCache.open(cache[0], cache[1], cache[2])
        if pages is not None:
            keys = {o.url: page_key(cache[1], o) for o in graph.outputs if o.copy_from is None}
            now = digests(env, graph)
            plan = Plan(keys, pages.plan(keys, now), now)
    todo = [o for o in graph.outputs if plan is None or o.url not in plan.hits]
    for o in {o.template: o for o in todo if o.template}.values():
        try:
            env.get_template(o.template)  # compile once, before any fork, so workers share it
        except jinja2.TemplateError as exc:
            if pages is not None:
                pages.close()
            raise ContentError([template_problem(exc, o.url, o.template, src)]) from exc
    written = None
    if pages is not None and not graph.site.config.search and (out_dir / MARKER).is_file():
        written = pages.written(out_dir)  # (the search index reads every page: then all are written)
    staging = InPlace(out_dir, written) if written is not None else Staging(out_dir)
    jobs = jobs or render_jobs(len(todo))
    try:
        if jobs > 1:
            render_parallel(env, graph, staging, jobs, reporter, src, pages, plan)
        else:
            render_slice(env, graph, staging, 0, 1, reporter, src, pages, plan)
        if graph.site.config.search:
            reporter.progress("indexing for search")
            build_index(staging.tmp)
        if isinstance(staging, InPlace):
            staging.commit({output_file(o.url) for o in graph.outputs})
        else:
            staging.commit()
        if pages is not None and plan is not None:
            pages.finish(plan.keys.values(), plan.hits.values())
            pages.note_written(out_dir, what_was_written(graph, pages, plan, out_dir))
    except BaseException:
        staging.abort()
        raise
    finally:
        if pages is not None:
            pages.close()
    return len(graph.outputs)


def holds(source: Any) -> str | None:
    """What a copied file holds, as far as its source file says (its path, size and time)."""
    try:
        path = os.fspath(source)
        info = os.stat(path)
    except (OSError, TypeError):
        return None  # (copied every time)
    return f"copy:{path}:{info.st_size}:{info.st_mtime_ns}"


def what_was_written(graph: SiteGraph, pages: PageCache, plan: Plan, out_dir: Path) -> dict[str, list[Any]]:
    """Every file of OUT this build knows the bytes of: [size, mtime_ns, what it holds]."""
    present = scan(out_dir)
    files = {}
    for o in graph.outputs:
        rel = output_file(o.url)
        entry = pages.index.get(plan.keys[o.url]) if o.copy_from is None else None
        what = (f"image:{o.copy_from.name}" if isinstance(o.copy_from, CachedFile) else holds(o.copy_from)
                if o.copy_from is not None else entry[3] if entry is not None else None)
        if what is not None and rel in present:
            files[rel] = [*present[rel], what]
    return files


class Plan:
    """A build through the page cache: every output's key, the ones taken from the cache, and
    the digests of reads now (for what the rendered ones read)."""

    def __init__(self, keys: dict[str, str], hits: dict[str, list[Any]], now: deps.Digests):
        self.keys, self.hits, self.now = keys, hits, now


class Discard:
    """Where check renders to: every page is rendered as build renders it, nothing is written."""

    def write(self, rel: str, data: bytes) -> None:
        pass

    def copy(self, rel: str, source: Path) -> None:
        pass


def check_render(src: Path, graph: SiteGraph, jobs: int | None = None, cache: PageKeys | None = None,
                 ) -> list[Problem]:
    """Render every page as a build would, in as many processes, and write nothing: the template
    mistakes a build would stop at, all of them, each once. cache: a page that rendered without a
    mistake in an earlier check, and everything it read then is as it was, is not rendered again."""
    env = make_env(src, graph, memo=True)
    found = Problems()
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
            found.extend([template_problem(exc, first_use.get(name, ""), name, src)])
            broken.add(name)

    pages = plan = None
    if cache is not None and not broken:
        pages = PageCache.open(cache[0], cache[1], cache[2])
        if pages is not None:
            keys = {o.url: page_key(cache[1], o) for o in graph.outputs if o.template and o.copy_from is None}
            now = digests(env, graph)
            plan = Plan(keys, pages.plan(keys, now), now)

    def work(index: int, step: int) -> None:
        mine = Problems()
        if pages is not None and index > 0:
            pages.for_worker(index)
        render_slice(env, graph, Discard(), index, step, src=src, found=mine, skip=set(broken), pages=pages,
                     plan=plan)
        if pages is not None and index > 0:
            pages.flush_part()
        if mine:
            raise ContentError(mine.sorted())

    try:
        todo = len(graph.outputs) - (len(plan.hits) if plan is not None else 0)
        jobs = jobs or render_jobs(todo)
        if jobs > 1:
            fork_map(work, jobs)
        else:
            work(0, 1)
    except ContentError as exc:
        found.extend(exc.problems)
    finally:
        if pages is not None and plan is not None:
            pages.finish(plan.keys.values(), plan.hits.values())
    return found.sorted()


def render_slice(env: Any, graph: SiteGraph, staging: Staging | Discard, index: int, step: int,
                 reporter: Reporter | None = None, src: Path | None = None,
                 pages: PageCache | None = None, plan: Plan | None = None,
                 found: Problems | None = None, skip: set[str] | None = None) -> None:
    """Render and write every step-th output starting at index (taken from pages when planned).

    found: collect template mistakes there and go on (check) instead of stopping at the first;
    only pages are rendered then, none of whose templates is in skip."""
    outputs = graph.outputs
    total = len(outputs)
    in_place = isinstance(staging, InPlace)
    collector_off()
    for i in range(index, total, step):
        o = outputs[i]
        if found is not None and (o.template is None or o.template in (skip or ())):
            continue
        rel = output_file(o.url)
        if isinstance(o.copy_from, CachedFile):  # signed by this cache: its signature is checked as it is read
            if not (in_place and staging.same(rel, f"image:{o.copy_from.name}")):  # (named by what it holds)
                staging.write(rel, o.copy_from.read())
            continue
        if o.copy_from is not None:
            if not (in_place and staging.same(rel, holds(o.copy_from) or "")):
                staging.copy(rel, Path(o.copy_from))
            continue
        cached = plan.hits.get(o.url) if plan is not None else None
        if found is not None and cached is not None:
            continue  # (check) it rendered without a mistake before, and what it read is as it was
        if (in_place and cached is not None and pages is not None and not pages.compact
                and staging.same(rel, cached[3])):
            pages.hits += 1
            continue  # OUT holds these bytes already
        data = pages.get(plan.keys[o.url], cached) if pages is not None and cached is not None else None
        if data is None:
            try:
                if plan is None:
                    data = render_output(env, graph, o)
                else:
                    with deps.recording() as reads:
                        data = render_output(env, graph, o)
            except Exception as exc:
                if not from_template(exc):
                    raise  # our bug, not the template's: keep the traceback
                problem = template_problem(exc, o.url, o.template, src)
                if found is None:
                    raise ContentError([problem]) from exc
                found.extend([problem])
                if isinstance(exc, (jinja2.TemplateSyntaxError, jinja2.TemplateNotFound)) and skip is not None:
                    skip.add(o.template)  # every other page of it fails the same way
                continue
            if pages is not None and plan is not None:  # (check keeps only that it rendered without a mistake)
                pages.put(plan.keys[o.url], data if found is None else b"", reads, plan.now)
        if not (in_place and pages is not None and staging.same(rel, pages.stamp(plan.keys[o.url], data))):
            staging.write(rel, data)
        if reporter is not None and i % 1000 == index:
            reporter.progress("rendering", i, total)


def render_parallel(env: Any, graph: SiteGraph, staging: Staging, jobs: int, reporter: Reporter,
                    src: Path | None = None, pages: PageCache | None = None,
                    plan: Plan | None = None) -> None:
    """Each of jobs processes renders and writes its share; this one reports progress."""
    def work(index: int, step: int) -> None:
        if pages is not None and index > 0:
            pages.for_worker(index)
        render_slice(env, graph, staging, index, step, reporter if index == 0 else None, src, pages, plan)
        if pages is not None and index > 0:
            pages.flush_part()

    fork_map(work, jobs)
