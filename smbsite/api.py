"""The library's public face, shared by the CLI and tests: check() and build().

The stages themselves are in pipeline.py; this module only turns their results
into a Result and usage mistakes into UsageError.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .core.cache_folder import CacheFolder, CacheRefused, default_folder
from .core import check_memo
from .core.result import Result
from .core.store import Store, open_store
from .images.imaging import ImageStore
from .routes.outputs import SiteGraph
from .reading.load import RecordStore
from .pipeline import build_date, check_render, prepare, publish
from .core.problems import ContentError, Problem, UsageError
from .core.report import Reporter
from .model.schema import FOLDER as SCHEMA_FOLDER, stale_schemas
from .publishing import cache as page_cache
from .publishing.search import SearchIndexError
from .publishing.write import OutputError, UnsafeOutput, check_out

__all__ = ["Result", "UsageError", "build", "build_date", "check", "prepare"]


def check(src: str | Path = ".", as_of: str | date | None = None, strict: bool = False,
          drafts: bool = True, cache: bool = True) -> Result:
    """Validate everything (drafts too: they will be published one day) and render every page
    as a build would; write nothing. cache: through the site's build cache, records whose bytes
    did not change are not parsed again and pages whose reads did not change are not rendered
    again; a site unchanged since the last check is answered from it (core/check_memo.py)."""
    start = time.perf_counter()
    src = Path(src)
    options = (as_of if as_of is None else str(as_of), drafts)
    inputs = check_memo.Inputs(src, options) if cache else None
    folder = open_check_cache(src) if cache else None
    db = open_store(folder) if folder is not None else None
    try:
        if db is not None and inputs is not None:
            known = check_memo.remembered(db, inputs, options)
            if known is not None:
                return Result(known[0], None, 0, (time.perf_counter() - start) * 1000, strict=strict, pages=known[1])
        code = page_cache.code_fingerprint() if db is not None else ""
        prepared = prepare(src, as_of, drafts, cache=record_store(folder, db, code), one_shot=True)
        problems, graph = prepared.problems, prepared.graph
        complete = True
        if graph is not None:  # what a build would render, rendered: a template mistake is found here, not there
            try:
                pages = (db, "check " + repr((graph.site.as_of.isoformat(), drafts)), code) if db is not None else None
                problems.extend(check_render(src, graph, cache=pages))
            except Exception:
                # records with errors are left out of the model, which a build never renders: the
                # errors fail the check already, and once they are fixed check renders everything
                if not problems.errors:
                    raise
                complete = False
            problems.extend(schema_problems(src))
        found = problems.sorted()
        n_pages = len([o for o in graph.outputs if o.template]) if graph is not None else 0
        if complete and inputs is not None:
            check_memo.remember(db, inputs, options, found, n_pages)
        return Result(found, graph, 0, (time.perf_counter() - start) * 1000, strict=strict, pages=n_pages)
    finally:
        if db is not None:
            db.close()
        if folder is not None:
            folder.close()


def open_check_cache(src: Path) -> CacheFolder | None:
    """The site's cache for a check: the default folder, when it can be used (else check goes without)."""
    if not (src / "site.yaml").is_file():
        return None  # (prepare says what is wrong)
    try:
        return CacheFolder.open(default_folder(src), src)
    except CacheRefused:
        return None


def schema_problems(src: Path) -> list[Problem]:
    """The site's committed JSON Schemas that no longer match site.yaml (its specialties) or the
    content model: `smbsite schema --check` fails on them in CI, so check says so first. A site
    without a schemas/ folder has chosen not to keep them."""
    if not (src / SCHEMA_FOLDER).is_dir():
        return []
    return [Problem(rel, 1, 1, f"{rel} is missing" if not (src / rel).is_file() else
                    f"{rel} is out of date with site.yaml and this version of smbsite",
                    "run smbsite schema to rewrite it (editors autocomplete records from it; "
                    "smbsite schema --check fails until then)")
            for rel in stale_schemas(src)]


def cache_folder(src: Path, out_dir: Path, cache: str | Path | bool) -> Path | None:
    """The build cache folder: the site's own in the user's cache directory, another folder, or None."""
    if cache is False:
        return None
    folder = default_folder(src) if cache is True else Path(cache)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"cache folder {folder} exists and is not a folder")
    resolved, out_resolved = folder.resolve(), out_dir.resolve()
    if resolved == out_resolved or resolved.is_relative_to(out_resolved) or out_resolved.is_relative_to(resolved):
        raise UsageError(f"cache folder {folder} must be outside the output folder {out_dir} (each build replaces it)")
    return folder


def open_cache(src: Path, folder: Path | None) -> tuple[CacheFolder | None, list[Problem]]:
    """The locked cache folder, or None and a warning saying why the build goes without it."""
    if folder is None:
        return None, []
    try:
        return CacheFolder.open(folder, src), []
    except CacheRefused as exc:
        try:
            where = Path(os.path.abspath(folder)).relative_to(Path(os.path.abspath(src))).as_posix()
        except ValueError:
            where = str(folder)
        if "another build" in str(exc):
            return None, []  # nothing for the user to do: this build is as good without it
        return None, [Problem(where, 1, 1, f"cache folder not used: {exc}",
                              "the build renders everything afresh; keep caches outside the site "
                              "(the default) or pass --cache-dir", "warning")]


def record_store(folder: CacheFolder | None, db: Store | None, fingerprint: str) -> RecordStore | None:
    """Where a build or check through the cache finds the records it parsed before."""
    if folder is None or db is None or db.folder is not folder:
        return None
    return RecordStore(db, fingerprint)


def build(src: str | Path = ".", out: str | Path | None = None, *, as_of: str | date | None = None,
          drafts: bool = False, base_url: str | None = None, strict: bool = False,
          reporter: Reporter | None = None, cache: str | Path | bool = True) -> Result:
    """Build the site into OUT (default SRC/output). Never touches OUT when there are errors.

    cache: True keeps rendered pages and processed images in the site's folder of the user's cache
    directory (core/cache_folder.py), a path keeps them there, False renders every page and makes images afresh in a temporary folder; the
    output is the same bytes either way."""
    start = time.perf_counter()
    src = Path(src)
    out_dir = Path(out) if out is not None else src / "output"
    try:
        check_out(src, out_dir)
    except (UnsafeOutput, OutputError) as exc:
        raise UsageError(str(exc)) from None
    folder, cache_problems = open_cache(src, cache_folder(src, out_dir, cache))
    try:
        return _build(src, out_dir, folder, cache_problems, start, as_of, drafts, base_url, strict, reporter)
    finally:
        if folder is not None:
            folder.close()


def _build(src: Path, out_dir: Path, folder: CacheFolder | None, cache_problems: list[Problem], start: float,
           as_of: str | date | None, drafts: bool, base_url: str | None, strict: bool,
           reporter: Reporter | None) -> Result:
    reporter = reporter or Reporter(quiet=True)
    reporter.progress("loading")
    store = ImageStore(folder)  # nothing is written to it unless the content is sound
    code = page_cache.code_fingerprint() if folder is not None else ""
    prepared = prepare(src, as_of, drafts, base_url, record_store(folder, store.db, code), one_shot=True, store=store)
    problems, loaded, graph = prepared.problems, prepared.loaded, prepared.graph
    problems.extend(cache_problems)
    result = Result(problems.sorted(), graph, strict=strict, out=out_dir)
    if graph is None or not result.ok:
        store.close()
        result.ms = (time.perf_counter() - start) * 1000
        return result
    options = repr((graph.site.as_of.isoformat(), drafts, base_url))
    try:
        db = store.db if folder is not None else None
        pages = (db, options, code) if db is not None and db.folder is folder else None
        written, image_problems = publish(src, graph, out_dir, store, reporter, pages)
        result.files_written = written
        result.problems = sorted(set(result.problems) | set(image_problems))
    except ContentError as exc:
        result.problems = sorted(set(result.problems) | set(exc.problems))
    except SearchIndexError as exc:  # the site is fine; the setting that asked for an index cannot be met
        line, col = loaded.site.pos.key(("search",)) if loaded is not None and loaded.site is not None else (1, 1)
        result.problems = sorted([*result.problems, Problem("site.yaml", line, col, str(exc),
                                                            "or set search: false")])
    except OutputError as exc:  # the system refused to write OUT; it is left as it was
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    result.ms = (time.perf_counter() - start) * 1000
    return result
