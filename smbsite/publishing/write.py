"""Stage 6, write: into a temporary folder beside OUT, then swapped in.

OUT is only ever replaced whole, and only when it is empty or was made by
smbsite (it holds our marker file); a failed build leaves it untouched. A build
through the page cache into an OUT it wrote before changes only the files whose
bytes changed (InPlace), after everything has rendered.
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import time
from pathlib import Path

from ..core.cache_folder import try_lock
from ..model.kinds import source_folders

MARKER = ".smbsite-output"
MARKER_TEXT = "This folder is written by smbsite build; it is replaced on every build.\n"


class UnsafeOutput(Exception):
    """OUT is a folder smbsite must not replace."""


class OutputError(Exception):
    """OUT cannot be written (the system refused: a file in the way, no permission, a full
    disk...). The build stops and OUT is left exactly as it was."""

    @classmethod
    def of(cls, out: Path, exc: OSError | str) -> OutputError:
        reason = exc if isinstance(exc, str) else (exc.strerror or str(exc))
        return cls(f"cannot write the output folder {out}: {reason}")


def check_out(src: Path, out: Path) -> None:
    try:
        _check_out(src, out)
    except OSError as exc:
        raise OutputError.of(out, exc) from None


def _check_out(src: Path, out: Path) -> None:
    src, out = src.resolve(), out.resolve()
    if out == src:
        raise UnsafeOutput(f"output folder {out} is the source folder")
    if src.is_relative_to(out):
        raise UnsafeOutput(f"output folder {out} contains the source folder {src}")
    for sub in (*source_folders(), "templates"):
        if out.is_relative_to(src / sub):
            raise UnsafeOutput(f"output folder {out} is inside the site's {sub}/ folder")
    for above in out.parents:  # the first that exists must be a folder to create OUT in
        if os.path.lexists(above):
            if not above.is_dir():
                raise OutputError.of(out, f"{above} is not a folder")
            break
    if out.exists():
        if not out.is_dir():
            raise UnsafeOutput(f"output path {out} exists and is not a folder")
        if not (out / MARKER).is_file() and any(out.iterdir()):
            raise UnsafeOutput(f"output folder {out} is not empty and was not made by smbsite; "
                               "choose another -o or empty it")


# Beside OUT while a build runs: .OUT.smbsite-new-PID (the new build) and, for a moment while
# it is swapped in, .OUT.smbsite-old-PID (the previous one). Each is locked by its build
# (flock, which the system drops when the process dies, even by kill -9), so a later build
# can tell what a dead build left from what a running one is writing.
STAGING = r"\.{name}\.smbsite-(new|old)-(\d+)"
GRACE_SECONDS = 60  # a folder this young may be a running build's that has not locked it yet


def _lock(path: Path) -> int | None:
    """An open descriptor of the folder holding an exclusive lock, or None when another
    process holds one (or the folder is gone)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return None
    if not try_lock(fd):
        os.close(fd)
        return None
    return fd


def _alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # unknown: only what this process's own name left is removed
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(out: Path) -> list[Path]:
    """Remove the staging folders that builds stopped midway (killed, power cut) left beside
    OUT; a running build's are kept. Returns what was removed."""
    pattern = re.compile(STAGING.format(name=re.escape(out.name)) + r"\Z")
    try:
        names = sorted(os.listdir(out.parent))
    except OSError:
        return []
    removed = []
    for name in names:
        m = pattern.match(name)
        if not m:
            continue
        path = out.parent / name
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode):
            continue  # not something a build made
        pid = int(m.group(2))
        fd = _lock(path)
        if fd is None:
            continue  # a running build holds it
        try:
            # the number may belong to another process now: then only a folder old enough
            # that no build can still be about to lock it is a leftover
            if pid == os.getpid() or not _alive(pid) or time.time() - info.st_mtime > GRACE_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
        finally:
            os.close(fd)
    return removed


class Staging:
    """A temporary build folder beside OUT, locked while the build runs."""

    def __init__(self, out: Path):
        self.out = out.resolve()
        self.tmp = self.out.parent / f".{self.out.name}.smbsite-new-{os.getpid()}"
        self._fd: int | None = None
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            remove_leftovers(self.out)
            self.tmp.mkdir()
        except FileExistsError:
            if self.tmp.is_dir() and not self.tmp.is_symlink():
                raise OutputError.of(self.out, f"another build into it is running in this process "
                                     f"({self.tmp})") from None
            raise OutputError.of(self.out, f"{self.tmp} is in the way; remove it") from None
        except OSError as exc:
            raise OutputError.of(self.out, exc) from None
        self._fd = _lock(self.tmp)
        self._root = str(self.tmp) + "/"
        self._dirs: set[str] = {str(self.tmp)}

    def path(self, rel: str) -> str:
        # site paths are made by us from slugs; this is a last guard against escaping OUT
        parts = rel.replace("\\", "/").split("/")
        if ".." in parts or rel.startswith(("/", "\\")) or rel[1:2] == ":":
            raise UnsafeOutput(f"refusing to write {rel} outside the output folder")
        # strings, not Path objects: this runs for every one of 10,000+ files
        target = self._root + "/".join(parts)
        parent = target.rpartition("/")[0]
        if parent not in self._dirs:
            try:
                os.mkdir(parent)  # its parent is almost always made already: one system call
            except FileExistsError:
                pass
            except FileNotFoundError:
                try:
                    os.makedirs(parent, exist_ok=True)
                except OSError as exc:
                    raise OutputError.of(self.out, exc) from None
            except OSError as exc:
                raise OutputError.of(self.out, exc) from None
            self._dirs.add(parent)
        return target

    def write(self, rel: str, data: bytes) -> None:
        # os-level calls: a buffered file adds seek, stat and tty probes to every one of
        # 10,000 pages, on disks where each system call is slow
        path = self.path(rel)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
        except OSError as exc:
            raise OutputError.of(self.out, exc) from None

    def copy(self, rel: str, source: Path) -> None:
        target = self.path(rel)
        try:
            shutil.copyfile(source, target)
        except OSError as exc:
            if exc.filename is not None and Path(exc.filename) == Path(source):
                raise  # the source, not the output folder
            raise OutputError.of(self.out, exc) from None

    def commit(self) -> None:
        old = self.out.parent / f".{self.out.name}.smbsite-old-{os.getpid()}"
        old_fd = None
        try:
            (self.tmp / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            if os.path.lexists(old):
                shutil.rmtree(old)
            if self.out.exists():
                old_fd = _lock(self.out)  # the lock moves with the folder: a leftover only if we die
                os.replace(self.out, old)
                try:
                    os.replace(self.tmp, self.out)
                except OSError:
                    os.replace(old, self.out)  # put the previous build back
                    raise
            else:
                os.replace(self.tmp, self.out)
        except OSError as exc:
            raise OutputError.of(self.out, exc) from None
        finally:
            self._unlock()
        try:
            shutil.rmtree(old, ignore_errors=True)
        finally:
            if old_fd is not None:
                os.close(old_fd)

    def abort(self) -> None:
        self._unlock()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _unlock(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def scan(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under root (relative path -> (size, mtime_ns)), links and all, not followed."""
    found: dict[str, tuple[int, int]] = {}
    todo = [("", str(root))]
    while todo:
        prefix, here = todo.pop()
        try:
            entries = list(os.scandir(here))
        except OSError:
            continue
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                todo.append((rel + "/", entry.path))
            else:
                info = entry.stat(follow_symlinks=False)
                found[rel] = (info.st_size, info.st_mtime_ns)
    return found


class InPlace(Staging):
    """A build that changes only what changed. A file whose bytes OUT already holds (as the
    record of the last build into OUT says, and its size and time confirm) is left alone;
    the others are written into the staging folder while rendering, and moved into OUT one
    by one once everything has rendered. A build that fails before that leaves OUT as it
    was; every file in OUT is whole at every moment."""

    def __init__(self, out: Path, written: dict[str, list]):
        super().__init__(out)
        self.written = written  # relative path -> [size, mtime_ns, what it holds] after the last build
        self.present = scan(self.out)

    def same(self, rel: str, holds: str) -> bool:
        was, now = self.written.get(rel), self.present.get(rel)
        return (bool(holds) and was is not None and now is not None
                and was[0] == now[0] and was[1] == now[1] and was[2] == holds)

    def commit(self, keep: set[str] | None = None) -> None:
        """Move what was written into OUT, and remove what this build no longer has (keep:
        every file of this build). When the system refuses a step, what was done is undone."""
        old = self.out.parent / f".{self.out.name}.smbsite-old-{os.getpid()}"
        undo: list[tuple[Path, Path | None]] = []  # (file of OUT, its previous bytes kept in old)
        try:
            if os.path.lexists(old):
                shutil.rmtree(old)
            removed = sorted(self.present.keys() - keep - {MARKER}) if keep is not None else []
            for rel in sorted(scan(self.tmp)):
                undo.append((self.out / rel, self._keep(rel, old)))
                self._move(rel)
            for rel in removed:
                undo.append((self.out / rel, self._keep(rel, old)))
                os.unlink(self.out / rel)
            for here, _, _ in os.walk(self.out, topdown=False):
                if here != str(self.out) and not os.listdir(here):
                    os.rmdir(here)  # (emptied by what this build no longer has)
        except OSError as exc:
            for target, kept in reversed(undo):
                try:
                    if kept is not None:
                        os.replace(kept, target)
                    elif os.path.lexists(target):
                        os.unlink(target)
                except OSError:
                    pass
            raise OutputError.of(self.out, exc) from None
        finally:
            self._unlock()
            shutil.rmtree(self.tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)

    def _keep(self, rel: str, old: Path) -> Path | None:
        """A second name for OUT's file rel, in old, so that a failed build can put it back."""
        target = self.out / rel
        if not os.path.isfile(target) or os.path.islink(target):
            return None
        kept = old / rel
        kept.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(target, kept)
        except OSError:
            shutil.copy2(target, kept)
        return kept

    def _move(self, rel: str) -> None:
        target = self.out / rel
        for parent in reversed(target.relative_to(self.out).parents[:-1]):
            where = self.out / parent
            if os.path.lexists(where) and (where.is_symlink() or not where.is_dir()):
                os.unlink(where)  # a file where this build has a folder
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)  # a folder where this build has a file
        os.replace(self.tmp / rel, target)
