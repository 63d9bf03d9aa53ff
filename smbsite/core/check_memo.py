"""`smbsite check` on a site that did not change since the last check: the answer from the cache.

A check's problems depend on the bytes of the site's files, its options, the date, and the
code that checks (smbsite and every installed package). Before anything heavy is imported,
this module takes a digest of what says whether any of that changed, as git does for its
index: each file's path, size, modification and change times and inode (a link's target),
each folder's name, smbsite's own files the same way, the installed distributions, the
options, and the date the check is for. The last check's problems are kept in the cache
with that digest (core/store.py, signed like every row); the same digest gives them back.

A file changed within the clock's granularity of the last check (racily clean, in git's
words) could change again without its times telling: when any input is that young, the
answer is not kept, and the next check does the whole work.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from .problems import Problem

RACY_NS = 3_000_000_000  # inputs changed this close to the check are not trusted to show a later change
SKIP_TOP = {".git", ".hg", ".svn"}  # version control's own folders: no stage reads them
MARKERS = (".smbsite-output", "CACHEDIR.TAG")  # an output folder or a cache folder at the top: not inputs
# ...unless it has the name of a folder the stages read (a marker file there is content like any other)
READ = {"members", "vendors", "events", "content", "templates", "schemas", "static"}
PACKAGE = Path(__file__).resolve().parents[1]


class Inputs:
    """The digest of everything a check's answer depends on, taken now."""

    def __init__(self, src: Path, options: tuple[Any, ...]):
        self.started = time.time_ns()
        self.youngest = 0
        h = hashlib.blake2b(digest_size=20)
        h.update(repr(options).encode())
        if options and options[0] is None and not os.environ.get("SOURCE_DATE_EPOCH"):
            h.update(str(self.started // (900 * 10**9)).encode())  # "today" in any zone: a quarter-hour's answer
        h.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
        self._tree(h, Path(src), top=True)
        self._tree(h, PACKAGE, top=False)
        for entry in sys.path:  # every installed distribution, by name and version
            try:
                names = sorted(n for n in os.listdir(entry or ".") if n.endswith((".dist-info", ".egg-info")))
            except OSError:
                continue
            h.update(f"{entry}\0{names}\0".encode("utf-8", "surrogateescape"))
        h.update(sys.version.encode())
        self.digest = h.hexdigest()

    @property
    def racy(self) -> bool:
        return self.youngest >= self.started - RACY_NS

    def _tree(self, h: Any, root: Path, top: bool) -> None:
        stack = [(str(root), "")]
        while stack:
            folder, rel = stack.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as exc:
                h.update(f"{rel}\0unreadable {exc.errno}\0".encode())
                continue
            for e in entries:
                path = f"{rel}/{e.name}" if rel else e.name
                try:
                    st = e.stat(follow_symlinks=False)
                except OSError:
                    continue
                self.youngest = max(self.youngest, st.st_mtime_ns)
                if e.is_symlink():
                    h.update(f"L{path}\0{os.readlink(e.path)}\0".encode("utf-8", "surrogateescape"))
                elif e.is_dir(follow_symlinks=False):
                    if (not top and e.name == "__pycache__") or (top and not rel and (e.name in SKIP_TOP or (
                            e.name not in READ and any(os.path.lexists(os.path.join(e.path, m)) for m in MARKERS)))):
                        continue
                    h.update(f"D{path}\0".encode("utf-8", "surrogateescape"))
                    stack.append((e.path, path))
                else:
                    h.update(f"F{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\0"
                             f"{st.st_mode}\0".encode("utf-8", "surrogateescape"))


def note_name(options: tuple[Any, ...]) -> str:
    return "check:" + hashlib.blake2b(repr(options).encode(), digest_size=12).hexdigest()


def remembered(store: Any, inputs: Inputs, options: tuple[Any, ...]) -> tuple[list[Problem], int] | None:
    """The problems and page count of the last check when nothing it depends on changed since."""
    raw = store.note(note_name(options)) if store is not None else None
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        if data["inputs"] != inputs.digest:
            return None
        return [Problem(*p) for p in data["problems"]], int(data["pages"])
    except (ValueError, KeyError, TypeError):
        return None


def remember(store: Any, inputs: Inputs, options: tuple[Any, ...], problems: list[Problem], pages: int) -> None:
    """Keep a check's answer, unless an input is too young to be trusted to show its next change."""
    if store is None or inputs.racy:
        return
    rows = [[p.path, p.line, p.col, p.message, p.hint, p.severity, p.context] for p in problems]
    store.set_note(note_name(options), json.dumps({"inputs": inputs.digest, "problems": rows,
                                                   "pages": pages}).encode())
