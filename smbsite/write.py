"""Stage 5, write: into a temporary folder beside OUT, then swapped in.

OUT is only ever replaced whole, and only when it is empty or was made by
smbsite (it holds our marker file); a failed build leaves it untouched.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

MARKER = ".smbsite-output"
MARKER_TEXT = "This folder is written by smbsite build; it is replaced on every build.\n"


class UnsafeOutput(Exception):
    """OUT is a folder smbsite must not replace."""


def check_out(src: Path, out: Path) -> None:
    src, out = src.resolve(), out.resolve()
    if out == src:
        raise UnsafeOutput(f"output folder {out} is the source folder")
    if src.is_relative_to(out):
        raise UnsafeOutput(f"output folder {out} contains the source folder {src}")
    for sub in ("members", "vendors", "events", "content", "templates"):
        if out.is_relative_to(src / sub):
            raise UnsafeOutput(f"output folder {out} is inside the site's {sub}/ folder")
    if out.exists():
        if not out.is_dir():
            raise UnsafeOutput(f"output path {out} exists and is not a folder")
        if not (out / MARKER).is_file() and any(out.iterdir()):
            raise UnsafeOutput(f"output folder {out} is not empty and was not made by smbsite; "
                               "choose another -o or empty it")


class Staging:
    """A temporary build folder beside OUT."""

    def __init__(self, out: Path):
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.out.parent / f".{self.out.name}.smbsite-new-{os.getpid()}"
        if self.tmp.exists():
            shutil.rmtree(self.tmp)
        self.tmp.mkdir()
        self._dirs: set[Path] = {self.tmp}

    def path(self, rel: str) -> Path:
        target = (self.tmp / rel)
        # site paths are made by us from slugs; this is a last guard against escaping OUT
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            raise UnsafeOutput(f"refusing to write {rel} outside the output folder")
        parent = target.parent
        if parent not in self._dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        return target

    def write(self, rel: str, data: bytes) -> None:
        # os-level calls: a buffered file adds seek, stat and tty probes to every one of
        # 10,000 pages, on disks where each system call is slow
        fd = os.open(self.path(rel), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)

    def copy(self, rel: str, source: Path) -> None:
        shutil.copyfile(source, self.path(rel))

    def commit(self) -> None:
        (self.tmp / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        old = self.out.parent / f".{self.out.name}.smbsite-old-{os.getpid()}"
        if self.out.exists():
            os.replace(self.out, old)
        os.replace(self.tmp, self.out)
        if old.exists():
            shutil.rmtree(old)

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
