"""Process and collector policy: how many processes a build forks, and when the
cyclic garbage collector is kept out of the way.

Both are speed only: a build writes the same bytes with one process or eight,
with the collector on or off.
"""
from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import sys
import traceback
from typing import Any, Callable

from ..core.problems import ContentError
from .write import OutputError

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


def fork_slices(work: Callable[[int, int], None], jobs: int) -> None:
    """work(index, jobs) in jobs processes: jobs - 1 forked workers and this one (index 0).

    Fork (not spawn) because the workers inherit what work needs (the site graph,
    compiled templates), which would otherwise be pickled to every worker at a
    cost higher than rendering it. A content or output error in a worker is raised
    here as it was raised there; anything else as a RuntimeError with its traceback.
    """
    ctx = multiprocessing.get_context("fork")
    errors = ctx.SimpleQueue()

    def child(index: int) -> None:
        try:
            work(index, jobs)
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
    workers = [ctx.Process(target=child, args=(i,), daemon=True) for i in range(1, jobs)]
    for w in workers:
        w.start()
    failure = None
    try:
        work(0, jobs)
    except BaseException:
        failure = sys.exc_info()
    details = []
    for w in workers:  # read while they run: a worker blocks on a report the pipe cannot hold
        while True:
            w.join(timeout=0.05)
            while not errors.empty():
                details.append(errors.get())
            if w.exitcode is not None:
                break
    while not errors.empty():  # what the last of them put just before exiting
        details.append(errors.get())
    found = [p for d in details if isinstance(d, list) for p in d]
    others = [d for d in details if not isinstance(d, list)]
    if failure:
        exc = failure[1]
        if isinstance(exc, ContentError) and found and not others:
            raise ContentError([*exc.problems, *found])  # every worker's content problems, not one's
        raise exc.with_traceback(failure[2])  # type: ignore[union-attr]
    if others or found or any(w.exitcode != 0 for w in workers):
        if not others and found:
            raise ContentError(found)
        detail = others[0] if others else "a render worker died"
        if isinstance(detail, tuple):
            raise OutputError(detail[1])
        raise RuntimeError(f"rendering failed in a worker process:\n{detail}")


def collector_off() -> None:
    """For a short-lived process that renders: rendering makes no reference cycles worth a pass."""
    gc.disable()
