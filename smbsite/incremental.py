"""Incremental builds for `smbsite serve`: the model and rendered pages stay in
memory; a change re-renders only the outputs that depend on it.

Two paths, both ending in the same state a full build would reach:

* fast: one record edited in place without touching anything that orders,
  groups or links pages (its "shape"): the record is re-validated alone and its
  new values are copied into the existing object, which every list and group in
  the site graph already points at;
* full: anything else (additions, deletions, renames, site.yaml, shape changes)
  re-validates everything from the parse cache and rebuilds the graph.

Either way an output is re-rendered when its recorded dependencies meet the
change: its own source, a collection it lists ("members/"), site.yaml, the
navigation, or a template it uses through extends/include/import. A test
applies random edits and compares every byte with a fresh full build.
"""
from __future__ import annotations

import gc
import threading
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import jinja2

from . import derive, imaging
from .cachedir import CacheFolder, CacheRefused, default_folder
from .imaging import CachedFile, ImageStore
from .pipeline import build_date, prepare
from .pool import cpu_jobs, no_gc
from .overrides import check_overrides
from .template_errors import from_template, template_problem
from .links import MarkdownLinks
from .content import SiteModel
from .outputs import Output, SiteGraph
from .kinds import KINDS, kind_of
from .load import Loaded, ParseCache, TooLarge, parse_record, read_bytes, size_limit
from .problems import ContentError, Problem, Problems
from .render import make_env, render_output, template_closure, template_dirs
from .safefs import link_problem, plain
from .urls import output_file
from .load import LOGO_TYPES
from .validate import Validator

NAV = "nav"  # pseudo-dependency: the main navigation every HTML page shows



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
    removed: int = 0


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
        self.template_uses: dict[str, set[str]] = {}  # template -> every template it pulls in
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
            problems, _, site, graph = prepare(self.src, self.day or self.as_of, self.drafts, self.base_url,
                                               self.cache, store=self.store)
            if graph is not None and not problems.errors:
                self.store.claim()
                problems.extend(imaging.materialise(graph.images, self.store, cpu_jobs()))
            errors = [p for p in problems.sorted() if p.severity == "error"]
            self.problems = problems.sorted()
            self.render_problems = set()
            if graph is None or errors:
                return Stats("full")  # keep serving the last good site; the errors are shown
            # the navigation and the site's stylesheets are on every page
            old_nav = (self.graph.nav, self.graph.stylesheets) if self.graph is not None else None
            old_outputs = self.outputs
            self.graph = graph
            self.built_from = graph.site  # the model the outputs' views were made from
            self.day = graph.site.as_of
            self.env = make_env(self.src, graph)
            self.template_uses = self._template_closure()
            self.outputs = {o.url: o for o in graph.outputs}
            keys = self._keys(changed) if changed is not None else None
            if keys is not None and old_nav != (graph.nav, graph.stylesheets):
                keys.add(NAV)
            removed = [u for u in old_outputs if u not in self.outputs]
            for url in removed:
                self.pages.pop(url, None)
            dirty = set()
            for url, out in self.outputs.items():
                if keys is None or url not in self.pages or self._touches(out, keys):
                    dirty.add(url)
            self.dirty = dirty
            self.generation += 1
            # The model is long-lived: keep the collector from walking it on every later
            # edit (a full pass over 10,000 members stalls a request by half a second).
            # What the previous model left in cycles is collected first.
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            return Stats("full", dirty=len(dirty), removed=len(removed))

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
                return self._static_changed(rel)
            return None if rel == "site.yaml" else Stats("none")
        kind, key = where
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
        local = Problems()
        source = parse_record(kind, slug, rel, file, raw, local)
        if source is None or local.errors:
            return None
        known = Loaded(root=self.src, site=None,
                       slugs={"member": set(site.member_by_slug), "vendor": set(site.vendor_by_slug)})
        validator = Validator(known, local, self.day, self.drafts)
        cfg = site.config
        valid = validator.record(source, cfg)
        if valid is None or local.errors:
            return None
        new = derive.record(kind, valid, cfg, self.day)
        if any(getattr(new, f) != getattr(old, f) for f in KINDS[kind].shape):
            return None
        # its Markdown links are checked against the URL set, which the shape check kept
        checker = MarkdownLinks(site.config.base_path, local, {rel: source.text})
        checker.record_markdown(kind, new)
        checker.check_links(self.outputs)
        if local.errors:
            return self.full({rel})  # reports them; the served site stays as it was
        # a new model, the edited record in it; the old one stays as it was. Its 10,000 new
        # records would set off the collector several times over: it runs when serve is idle.
        with no_gc():
            site = derive.relinked(site, new)
        self.graph = replace(self.graph, site=site)
        assert self.env is not None
        self.env.globals.update(site=site, config=site.config)
        self.cache[rel] = (raw, source, [])
        self.problems = sorted({p for p in self.problems if p.path != rel} | set(local.warnings))
        keys = {rel, key}
        dirty = {url for url, out in self.outputs.items() if self._touches(out, keys)}
        for url in dirty:
            self.dirty.add(url)
        self.generation += 1
        return Stats("fast", dirty=len(dirty))

    def _template_changed(self, rel: str) -> Stats:
        name = rel.removeprefix("templates/")
        try:
            assert self.graph is not None
            self.env = make_env(self.src, self.graph)
            self.template_uses = self._template_closure()
        except jinja2.TemplateError:
            pass  # reported when a page using it renders
        overrides = Problems()  # an override that now matches nothing; a full pass clears it once fixed
        check_overrides(self.src, self.graph, overrides)
        self.problems = sorted(set(self.problems) | set(overrides.items))
        dirty = {url for url, out in self.outputs.items()
                 if out.template and name in self.template_uses.get(out.template, {out.template})}
        self.dirty |= dirty
        self.problems = [p for p in self.problems if p not in self.render_problems]
        self.render_problems = set()
        self.generation += 1
        return Stats("fast", dirty=len(dirty))

    def _static_changed(self, rel: str) -> Stats | None:
        url = "/static/" + rel.removeprefix("templates/static/")
        out = self.outputs.get(url)
        if out is None or not (self.src / rel).is_file():
            return None  # a new or deleted asset changes the output set
        if Path(out.copy_from or "") != self.src / rel:
            return None  # the site's file now replaces the theme's (or stops doing so): the full path
        # and the pages that read the file (the radio page draws the podcast cover at its proportions)
        dirty = {url} | {u for u, o in self.outputs.items() if rel in o.deps}
        self.dirty |= dirty
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
        paths += [dep for out in self.outputs.values() for dep in out.deps]
        paths += ["templates/" + name for name in self.template_uses]
        folders = set()
        for p in set(paths):
            parts = p.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                folders.add("/".join(parts[:i]))
        return folders

    # --- dependencies ------------------------------------------------------------------

    def _keys(self, changed: set[str]) -> set[str]:
        keys = set()
        site_logo = self.graph.site.config.logo if self.graph is not None else None
        known: set[str] | None = None
        for rel in changed:
            keys.add(rel)
            if collection_of(rel) is None and not (self.src / rel).is_file():
                known = known if known is not None else self._input_folders()
                if self._is_folder(rel, known):
                    keys.add("folder:" + rel.rstrip("/") + "/")  # everything that was or is under it
            where = collection_of(rel, any_file=True)
            if where:
                keys.add(where[1])
            if rel == site_logo:
                keys.add("site.yaml")  # the header of every page draws it
            if rel.startswith("templates/") and not rel.startswith("templates/static/"):
                keys.add("template:" + rel.removeprefix("templates/"))
        return keys

    def _touches(self, out: Output, keys: set[str]) -> bool:
        if "site.yaml" in keys:
            return True
        if out.deps & keys:
            return True
        folders = [k.removeprefix("folder:") for k in keys if k.startswith("folder:")]
        if folders and any(dep.startswith(f) for dep in out.deps for f in folders):
            return True
        if out.template:
            if NAV in keys:
                return True
            used = self.template_uses.get(out.template, {out.template})
            if folders and any(("templates/" + t).startswith(f) for t in used for f in folders):
                return True
            return any(("template:" + t) in keys for t in used)
        return False

    def _template_closure(self) -> dict[str, set[str]]:
        assert self.env is not None
        return template_closure(self.env)

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
            return render_output(self.env, self.graph, out)
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

    def render_dirty(self) -> int:
        """Render every dirty output; returns how many were rendered."""
        count = 0
        while True:
            with self.lock:
                todo = sorted(self.dirty)
            if not todo:
                return count
            for url in todo:
                with self.lock:
                    if url in self.dirty:
                        self.render(url)
                        count += 1

    def files(self) -> dict[str, bytes]:
        """Every output file (relative to OUT) and its bytes, as a full build would write them."""
        self.render_dirty()
        return {output_file(url): data for url, data in self.pages.items()}

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


__all__ = ["IncrementalSite", "Stats", "collection_of", "template_dirs"]
