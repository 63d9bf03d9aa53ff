"""Forked processes, for every stage that splits its work: how many are worth it, and running
work in them with what each returns and raises brought back.

One policy for all of them: a second process pays once the work is about FORK_PAYS_MS long
(forking, and bringing results back, cost about that much); the caller says how long one item
takes. SMBSITE_JOBS, when set, decides the count everywhere. Speed only: the same bytes come out
with one process or eight.
"""
from __future__ import annotations

import gc
import os
import pickle
import sys
import traceback
from typing import Any, Callable, TypeVar

from .problems import ContentError

T = TypeVar("T")

FORK_PAYS_MS = 600  # work shorter than this is done sooner in one process than split over two
MAX_JOBS = 8


def cpu_jobs() -> int:
    """Processes worth forking: SMBSITE_JOBS, else the CPUs this process may use (at most 8)."""
    env = os.environ.get("SMBSITE_JOBS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    if not hasattr(os, "fork"):
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cpus, MAX_JOBS))


def jobs_for(items: int, ms_each: float, most: int = MAX_JOBS) -> int:
    """How many processes to split items of work over, each taking about ms_each: one while the
    whole is shorter than FORK_PAYS_MS, else every CPU (at most `most`). SMBSITE_JOBS decides
    when it is set."""
    if os.environ.get("SMBSITE_JOBS"):
        return min(cpu_jobs(), most)
    if items * ms_each < FORK_PAYS_MS:
        return 1
    return min(cpu_jobs(), most)


def fork_map(work: Callable[[int, int], T], jobs: int) -> list[T]:
    """[work(index, jobs) for index in range(jobs)], run in jobs processes: jobs - 1 forked
    workers and this one (index 0). Each worker's result comes back pickled.

    Fork (not spawn) because the workers inherit what work needs (the site graph, compiled
    templates, the records to parse), which would otherwise be pickled to every worker at a cost
    higher than the work. A content error in any process is raised here with every process's
    problems; another error of smbsite's own (the output folder refused) as it was raised there;
    anything else as a RuntimeError with its traceback.
    """
    if jobs <= 1:
        return [work(0, 1)]
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    pipes = []

    def child(index: int, send: Any) -> None:
        try:
            try:
                reply = ("ok", work(index, jobs))
            except ContentError as exc:
                reply = ("content", exc.problems)
            except BaseException as exc:
                reply = ("error", _portable(exc), traceback.format_exc())
            send.send_bytes(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))
        finally:
            send.close()
            os._exit(0)

    gc.freeze()  # keep the collector from touching (and so copying) the shared model in workers
    workers = []
    for i in range(1, jobs):
        receive, send = ctx.Pipe(duplex=False)
        w = ctx.Process(target=child, args=(i, send), daemon=True)
        w.start()
        send.close()
        pipes.append(receive)
        workers.append(w)
    failure = None
    mine: Any = None
    try:
        mine = work(0, jobs)
    except BaseException:
        failure = sys.exc_info()
    replies = []
    for w, receive in zip(workers, pipes):  # read before joining: a worker blocks on a reply the pipe cannot hold
        try:
            replies.append(pickle.loads(receive.recv_bytes()))
        except (EOFError, OSError):
            replies.append(("error", None, "a worker process died"))
        w.join()
    found = [p for r in replies if r[0] == "content" for p in r[1]]
    others = [r for r in replies if r[0] == "error"]
    if failure:
        exc = failure[1]
        if isinstance(exc, ContentError) and found and not others:
            raise ContentError([*exc.problems, *found])  # every worker's content problems, not one's
        raise exc.with_traceback(failure[2])  # type: ignore[union-attr]
    if others:
        _, exc, detail = others[0]
        if exc is not None:
            raise exc
        raise RuntimeError(f"work failed in a worker process:\n{detail}")
    if found:
        raise ContentError(found)
    return [mine, *(r[1] for r in replies)]


def _portable(exc: BaseException) -> BaseException | None:
    """exc itself when it is one of smbsite's own errors and survives pickling; else None (the
    parent raises a RuntimeError with the traceback)."""
    if not type(exc).__module__.startswith("smbsite."):
        return None
    try:
        return pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - whatever does not travel is reported by its traceback
        return None
