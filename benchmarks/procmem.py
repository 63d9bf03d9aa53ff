"""Peak memory of a whole process tree, sampled from /proc while it runs.

ru_maxrss (os.wait4) is exact but is the largest single process of a tree: the kernel folds
waited-for children in as a maximum. smbsite forks workers, so the runner also samples the
tree (the process and every descendant, via /proc/PID/task/*/children) every INTERVAL seconds
and keeps the peak of two sums:

  * RSS sum: every process's resident set; pages a forked worker still shares with its
    parent (copy-on-write) are counted once per process, so this over-counts;
  * PSS sum: every process's proportional set size (/proc/PID/smaps_rollup), shared pages
    divided among the processes sharing them: the memory the tree really holds.

Sampling can miss a peak shorter than INTERVAL; read it beside ru_maxrss.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

INTERVAL = 0.02
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree(pid: int) -> list[int]:
    """pid and all its descendants that exist right now."""
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        seen.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
        except OSError:
            continue
    return seen


def rss_pss(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes, 0 for a process that is gone."""
    try:
        rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0, 0
    pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
                break
    except (OSError, ValueError):
        pss = rss  # no smaps_rollup (old kernel): fall back to RSS
    return rss, pss


class TreeSampler:
    """Samples a process tree in a thread; .peak_rss / .peak_pss in MiB once stopped."""

    def __init__(self, pid: int):
        self.pid, self.peak_rss, self.peak_pss, self.processes = pid, 0.0, 0.0, 1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            pids = tree(self.pid)
            sizes = [rss_pss(p) for p in pids]
            live = sum(1 for r, _ in sizes if r)
            self.processes = max(self.processes, live)
            self.peak_rss = max(self.peak_rss, sum(r for r, _ in sizes) / 2 ** 20)
            self.peak_pss = max(self.peak_pss, sum(p for _, p in sizes) / 2 ** 20)
            if self._stop.wait(INTERVAL):
                return
