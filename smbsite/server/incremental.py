"""Incremental builds for `smbsite serve`: the model and rendered pages stay in
memory; a change re-renders only the outputs that read what changed.

Two paths, both ending in the same state a full build would reach:

* fast: one record edited without touching anything that orders, groups or
  links pages (its kind's "shape"): the record is re-validated alone and a new
  model is swapped in with it;
* full: anything else (additions, deletions, renames, site.yaml, shape changes)
  re-validates everything from the parse cache and rebuilds the graph.

Each rendered output keeps what it read while it rendered (routes/dependencies.py): its view,
each record field, each template. After either path, an output is rendered
again when one of those reads has another digest now. A test applies random
edits and compares every byte with a fresh full build.
"""
from __future__ import annotations

import gc
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable

import jinja2

from ..routes import dependencies as deps
from ..images import imaging
from ..core.cache_folder import CacheFolder, CacheRefused, default_folder
from ..images.imaging import CachedFile, ImageStore
from ..pipeline import OneRecord, build_date, prepare, run
from ..core.forking import cpu_jobs
from ..rendering.overrides import check_overrides
from ..rendering.template_errors import from_template, template_problem
from ..model.site import SiteModel
from ..routes.outputs import Output, SiteGraph
from ..model.kinds import KINDS, kind_of
from ..reading.load import ParseCache, TooLarge, read_bytes, size_limit
from ..core.problems import ContentError, Problem, Problems
from ..rendering.render import digests, make_env, render_output, template_dirs
from ..reading.safefs import link_problem, plain
from ..core.urls import output_file
from ..reading.load import LOGO_TYPES


def collection_of(rel: str, any_file: bool = False) -> tuple[str, str] | None:
    """(kind, collection key) of a record path, e.g. members/x.yaml -> (member, members/);
    with any_file, of any file beside the records too (members/x.png, a logo)."""
    kind = kind_of(rel, any_file)
    return (kind.name, kind.collection) if kind is not None else None


@dataclass
class Stats:
    path: str = "none"  # fast | full | none
    rendered: int = 0
    dirty: int = 0


@dataclass
class IncrementalSite:
    src: Path
    as_of: str | date | None = None
    drafts: bool = False
    base_url: str | None = None
    problems: list[Problem] = field(default_factory=list)
    generation: int = 0  # goes up whenever any served byte may have changed
    waiting: int = 0  # requests waiting for a page (the dev server renders ahead only when 0)

    def __post_init__(self) -> None:
        self.src = Path(self.src)
        self.cache: ParseCache = {}
        self.graph: SiteGraph | None = None
        self.built_from: SiteModel | None = None
        self.env: jinja2.Environment | None = None
        self.pages: dict[str, bytes] = {}  # site path -> bytes, for every clean output
        self.dirty: set[str] = set()
        self.render_problems: set[Problem] = set()  # template errors met while rendering pages
        self.outputs: dict[str, Output] = {}
        self.reads: dict[str, frozenset[deps.Dep]] = {}  # site path -> what it read when it was rendered
        self.known: dict[deps.Dep, bytes] = {}  # every read of a rendered output -> its digest then
        self.fields_read: dict[tuple[str, str], set[deps.Dep]] = {}  # (kind, slug) -> its fields in known
        self.users: dict[deps.Dep, set[str]] = {}  # read -> the outputs that read it
        self.now: deps.Digests | None = None  # digests of reads in the current model
        self.lock = threading.RLock()
        self._count_lock = threading.Lock()
        if self.as_of is not None:
            build_date(self.as_of)  # a malformed date is a usage error now, not at the first edit
        self.day: date | None = None  # the build date, as the first full pass resolves it
        try:  # resized logos and cards, shared with `build` (one of them has it at a time: the other goes without)
            folder: CacheFolder | None = CacheFolder.open(default_folder(self.src), self.src)
        except CacheRefused:
            folder = None
        self.store = ImageStore(folder)

    # --- whole-site passes --------------------------------------------------------

    def full(self, changed: set[str] | None = None) -> Stats:
        """(Re)load everything through the parse cache; mark what the change touches dirty."""
        with self.lock:
            prepared = prepare(self.src, self.day or self.as_of, self.drafts, self.base_url, self.cache,
                               store=self.store)
            problems, graph = prepared.problems, prepared.graph
            if graph is not None and not problems.errors:
                self.store.claim()
                problems.extend(imaging.materialise(graph.images, self.store, cpu_jobs()))
            errors = [p for p in problems.sorted() if p.severity == "error"]
            self.problems = problems.sorted()
            self.render_problems = set()
            if graph is None or errors:
                return Stats("full")  # keep serving the last good site; the errors are shown
            old_outputs = self.outputs
            self.graph = graph
            self.built_from = graph.site  # the model the outputs' views were made from
            self.day = graph.site.as_of
            self.env = make_env(self.src, graph)
            self.now = digests(self.env, graph)
            self.outputs = {o.url: o for o in graph.outputs}
            for url in [u for u in old_outputs if u not in self.outputs]:
                self._forget(url)
            dirty = self._changed(list(self.known))
            for url, out in self.outputs.items():
                if url not in self.pages or changed is None:
                    dirty.add(url)
                elif out.copy_from is not None and self._copy_changed(old_outputs.get(url), out, changed):
                    dirty.add(url)
            self.dirty = {u for u in self.dirty if u in self.outputs} | dirty  # (what is not rendered yet stays so)
            self.generation += 1
            # The model is long-lived: keep the collector from walking it on every later
            # edit (a full pass over 10,000 members stalls a request by half a second).
            # What the previous model left in cycles is collected first.
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            return Stats("full", dirty=len(dirty))

    def apply(self, changed: set[str]) -> Stats:
        """Take a set of changed paths (relative to src, forward slashes)."""
        with self.lock:
            if self.graph is None:
                return self.full()
            if len(changed) == 1:
                stats = self._fast(next(iter(changed)))
                if stats is not None:
                    return stats
            return self.full(changed)

    # --- the fast path ---------------------------------------------------------------

    def _fast(self, rel: str) -> Stats | None:
        where = collection_of(rel, any_file=True)
        assert self.graph is not None
        if self.errors:
            return None  # the last pass failed: its errors may be anywhere, and only a full pass clears them
        if rel == self.graph.site.config.logo:
            return None  # the site's logo is on every page
        if (where is not None or rel.startswith("templates/")) and not plain(self.src, rel):
            return None  # reached through a link, or a pipe: the full load checks and reports it
        if where is None:
            if self._is_folder(rel):
                return None  # a folder came, went or moved (mv members /elsewhere): all it held changed
            if rel.startswith("templates/") and not rel.startswith("templates/static/"):
                return self._template_changed(rel)
            if rel.startswith("templates/static/"):
                return None  # the output set, and pages that read the file (the radio page's cover)
            return None if rel == "site.yaml" else Stats("none")
        kind = where[0]
        file = self.src / rel
        if not rel.endswith((".yaml", ".yml", ".md")):
            # a logo beside the records: its sizes are planned again; any other file is no part of the site
            return None if Path(rel).suffix.lower() in LOGO_TYPES else Stats("none")
        site = self.graph.site
        slug = Path(rel).stem
        old = next((r for r in getattr(site, KINDS[kind].attr) if r.slug == slug), None)
        if old is None or old.source != rel or not file.is_file():
            return None  # added, deleted or renamed: the full path
        try:
            raw = read_bytes(file, size_limit(kind))
        except (TooLarge, OSError):
            return None  # the full path reports it
        hit = self.cache.get(rel)
        if hit is not None and hit[0] == raw:
            return Stats("fast")  # touched but unchanged
        assert self.day is not None
        prepared = run(OneRecord(self.src, self.graph, kind, rel, raw, self.day, self.drafts))
        if prepared.graph is None:
            # not alone (shape, parse or validation errors, a broken link): the full path says why;
            # the served site stays as it was until then
            return None
        self.graph = prepared.graph
        site = self.graph.site
        assert self.env is not None and prepared.loaded is not None
        self.env.globals.update(site=site, config=site.config)
        self.now = digests(self.env, self.graph)
        self.cache[rel] = (raw, prepared.loaded.sources[kind][0], [])
        self.problems = sorted({p for p in self.problems if p.path != rel} | set(prepared.problems.warnings))
        # what can differ: the edited record's fields. Every other record is the same object; the
        # site model's lists, the views and the settings name records by kind and slug, which stay
        dirty = self._changed(list(self.fields_read.get((type(old).__name__, slug), ())))
        self.dirty |= dirty
        self.generation += 1
        return Stats("fast", dirty=len(dirty))

    def _template_changed(self, rel: str) -> Stats:
        assert self.graph is not None
        self.env = make_env(self.src, self.graph)
        overrides = Problems()  # an override that now matches nothing; a full pass clears it once fixed
        check_overrides(self.src, self.graph, overrides)
        self.problems = sorted(set(self.problems) | set(overrides.items))
        self.now = digests(self.env, self.graph)
        dirty = self._changed([d for d in self.known if d[0] == "t"])
        self.dirty |= dirty
        self.problems = [p for p in self.problems if p not in self.render_problems]
        self.render_problems = set()
        self.generation += 1
        return Stats("fast", dirty=len(dirty))

    def _is_folder(self, rel: str, known: set[str] | None = None) -> bool:
        """Whether rel is (or was, before it was deleted or moved away) a folder that holds
        inputs. A folder moved out of the site leaves nothing on disk and gets a single
        event, so what was read from under it is what tells."""
        path = self.src / rel
        if path.is_file():
            return False
        if path.is_dir():
            return True
        return rel.rstrip("/") in (known if known is not None else self._input_folders())

    def _input_folders(self) -> set[str]:
        """Every folder above a record collection, a source read, a dependency or a template."""
        paths = [k.collection for k in KINDS.values()] + ["templates/"]
        paths += list(self.cache)
        paths += ["templates/" + d[1] for d in self.known if d[0] == "t"]
        copied = [Path(o.copy_from) for o in self.outputs.values()
                  if o.copy_from is not None and not isinstance(o.copy_from, CachedFile)]
        paths += [f.relative_to(self.src).as_posix() for f in copied if f.is_relative_to(self.src)]
        folders = set()
        for p in set(paths):
            parts = p.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                folders.add("/".join(parts[:i]))
        return folders

    # --- dependencies ------------------------------------------------------------------

    def _changed(self, candidates: list[deps.Dep]) -> set[str]:
        """The outputs that read one of candidates, where its digest is not what they read."""
        assert self.now is not None
        dirty: set[str] = set()
        for dep in candidates:
            digest = self.now.get(dep)
            if self.known.get(dep) != digest:
                self.known[dep] = digest
                dirty |= self.users.get(dep, set())
        return dirty

    def _remember(self, url: str, reads: set[deps.Dep]) -> None:
        assert self.now is not None
        self._forget(url, keep_page=True)
        self.reads[url] = frozenset(reads)
        for dep in reads:
            self.known[dep] = self.now.get(dep)
            if dep[0] == "f":
                self.fields_read.setdefault(dep[1:3], set()).add(dep)
            self.users.setdefault(dep, set()).add(url)

    def _forget(self, url: str, keep_page: bool = False) -> None:
        for dep in self.reads.pop(url, ()):
            users = self.users.get(dep)
            if users is not None:
                users.discard(url)
                if not users:
                    del self.users[dep]
                    self.known.pop(dep, None)
                    if dep[0] == "f" and (fields := self.fields_read.get(dep[1:3])) is not None:
                        fields.discard(dep)
                        if not fields:
                            del self.fields_read[dep[1:3]]
        if not keep_page:
            self.pages.pop(url, None)

    def _copy_changed(self, old: Output | None, new: Output, changed: set[str]) -> bool:
        """Whether a copied file (a static file, a logo) may have other bytes now."""
        if isinstance(new.copy_from, CachedFile):  # an image smbsite made: its name says what it holds
            was = old.copy_from if old is not None else None
            return not (isinstance(was, CachedFile) and was.name == new.copy_from.name)
        if old is None or str(old.copy_from) != str(new.copy_from):
            return True
        file = Path(new.copy_from)
        if not file.is_relative_to(self.src):
            return False  # the theme's, or an image smbsite made (its name says what it holds)
        rel = file.relative_to(self.src).as_posix()
        return any(rel == c or rel.startswith(c.rstrip("/") + "/") for c in changed)

    # --- rendering ----------------------------------------------------------------------

    def render(self, url: str) -> bytes | None:
        """The bytes of one output, rendered now if it is dirty; None when no such output."""
        with self._count_lock:  # (+= on an attribute is not atomic across threads)
            self.waiting += 1  # background rendering steps aside while a request waits
        try:
            with self.lock:
                out = self.outputs.get(url)
                if out is None:
                    return None
                if url in self.dirty or url not in self.pages:
                    self.pages[url] = self._render(out)
                    self.dirty.discard(url)
                return self.pages[url]
        finally:
            with self._count_lock:
                self.waiting -= 1

    def _render(self, out: Output) -> bytes:
        if isinstance(out.copy_from, CachedFile):  # an image smbsite made itself, in its cache
            return out.copy_from.read()
        if out.copy_from is not None:
            file = Path(out.copy_from)
            if file.is_relative_to(self.src) and (link_problem(self.src, file) or not file.is_file()):
                # changed into a link or a pipe since the last full load: never read it
                problem = Problem(file.relative_to(self.src).as_posix(), 1, 1, "this file can no longer be read "
                                  "safely (a link out of the site folder, or not a regular file)")
                self.problems = sorted(set(self.problems) | {problem})
                raise ContentError([problem])
            return file.read_bytes()
        assert self.env is not None and self.graph is not None
        if out.context is not None and self.graph.site is not self.built_from:
            out = replace(out, context=out.context.rebind(self.graph.site))  # records of the current model
        try:
            with deps.recording() as reads:
                data = render_output(self.env, self.graph, out)
            self._remember(out.url, reads)
            return data
        except Exception as exc:
            if not from_template(exc):
                raise  # our bug, not the template's (the same rule as a build's)
            problem = template_problem(exc, out.url, out.template, self.src)
            self.render_problems.add(problem)
            if problem not in self.problems:  # met on many pages, it is still one problem
                self.problems = sorted(set(self.problems) | {problem})
            raise ContentError([problem]) from exc

    def collect(self) -> None:
        """Free the models earlier edits left behind (their records point at each other, so
        only the cyclic collector can); serve calls it when it has nothing else to do."""
        with self.lock:
            gc.collect()

    def render_dirty(self, stop: Callable[[], bool] | None = None,
                     failed: Callable[[str, Exception], None] | None = None) -> int:
        """Render every dirty output; returns how many were rendered. A request waiting for a page
        goes first. stop: asked before each page (serve: a newer change, or shutting down, comes
        first). failed: told of a page that fails for a bug, which is then left; without it, that
        and a template mistake are raised (with it, a template mistake is a problem shown)."""
        count = 0
        while True:
            with self.lock:
                todo = sorted(self.dirty)
            if not todo:
                return count
            for url in todo:
                while stop is not None and self.waiting and not stop():
                    time.sleep(0.002)
                if stop is not None and stop():
                    return count
                with self.lock:
                    if url not in self.dirty:
                        continue
                    try:
                        self.render(url)
                        count += 1
                    except Exception as exc:
                        if failed is None:
                            raise
                        self.dirty.discard(url)
                        if not isinstance(exc, ContentError):
                            failed(url, exc)

    def files(self) -> dict[str, bytes]:
        """Every output file (relative to OUT) and its bytes, as a full build would write them."""
        self.render_dirty()
        return {output_file(url): data for url, data in self.pages.items()}

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


__all__ = ["IncrementalSite", "Stats", "collection_of", "template_dirs"]
