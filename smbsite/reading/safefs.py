"""Reading the site folder safely: where a link may lead, and which files are read at all.

Records, logos and content arrive in strangers' pull requests, and the site is
built on machines that hold other files. So every folder and file the build
reads from the site folder is reached through walk() (or checked with
link_problem()), which enforces two rules:

* a symbolic link must stay inside the site folder, and out of its hidden
  folders (.git keeps the checkout's credentials): any other link is an error
  at the link's own path, and nothing behind it is read;
* only regular files are read: a named pipe would hang the build and a device
  could feed it anything, so they are skipped with a warning, never opened.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core.problems import Problems

LINK_HINT = "copy what it points to into the site folder instead of linking to it"
Hint = str | Callable[[str], str]  # the hint for a link that leaves, or a function of its name


def _hint(hint: Hint, name: str) -> str:
    return hint(name) if callable(hint) else hint


@dataclass(frozen=True)
class Entry:
    rel: str  # relative to the site folder, forward slashes, as reached (through links that stay inside)
    path: Path
    is_dir: bool

    @property
    def name(self) -> str:
        return self.path.name


class Walk(list):  # list[Entry]
    """What walk() found, and the paths it refused to follow (links that leave the site)."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: list[str] = []


def link_problem(root: Path, path: Path) -> str | None:
    """Why what `path` resolves to may not be read (a sentence naming it), or None when it stays
    inside the site folder and out of its hidden folders."""
    real_root = Path(os.path.realpath(root))
    target = Path(os.path.realpath(path))
    what = "folder" if os.path.isdir(target) else "file"
    if not target.is_relative_to(real_root):
        return f"{Path(path).name} is a link to a {what} outside the site folder"
    hidden = next((p for p in target.relative_to(real_root).parts if p.startswith(".")), None)
    if hidden is not None:
        return f"{Path(path).name} is a link into '{hidden}', a hidden part of the site folder that is never read"
    return None


def special_kind(mode: int) -> str:
    """What a file that is neither a regular file nor a folder is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def check_folder(root: Path, folder: str, problems: Problems, hint: Hint = LINK_HINT,
                 refused: list[str] | None = None) -> Path | None:
    """root/folder when it may be read: each of its parts inside the site is checked for links.

    None when it does not exist (nothing to read), or when a part of it is a link
    that leaves the site (an error) or is not a folder (a warning)."""
    root = Path(root)
    parts = folder.split("/")
    for i in range(1, len(parts) + 1):
        rel = "/".join(parts[:i])
        path = root / rel
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return None
        except OSError as exc:
            problems.error(rel, 1, 1, f"cannot read {rel}: {exc.strerror}")
            return None
        if stat.S_ISLNK(mode):
            why = link_problem(root, path)
            if why is not None:
                problems.error(rel, 1, 1, why, _hint(hint, path.name))
                if refused is not None:
                    refused.append(rel)
                return None
            if not os.path.exists(path):
                problems.warning(rel, 1, 1, f"{path.name} is a link to '{os.readlink(path)}', which does not "
                                 "exist; nothing in it is read", "fix or remove the link")
                return None
            mode = os.stat(path).st_mode
        if not stat.S_ISDIR(mode):
            what = "a file" if stat.S_ISREG(mode) else special_kind(mode)
            problems.warning(rel, 1, 1, f"{rel} is {what}, not a folder; nothing in it is read",
                             f"make {rel} a folder, or rename the file")
            return None
    return root / folder


def walk(root: Path, folder: str, problems: Problems, recursive: bool = True, hint: Hint = LINK_HINT,
         skip: Callable[[str], bool] | None = None) -> Walk:
    """The regular files (and, when not recursive, the folders) in root/folder, sorted by path.

    Hidden entries (.name) are left out, and so are those whose name `skip` accepts (files
    another check reads, if at all). Links are followed when they stay
    inside the site; a link that leaves it is an error at the link's path, and
    a link to nothing, a named pipe, socket or device is a warning."""
    root = Path(root)
    found = Walk()
    base = check_folder(root, folder, problems, hint, found.refused)
    if base is not None:
        _scan(root, folder, problems, recursive, hint, skip, frozenset({os.path.realpath(base)}), found)
    return found


def _scan(root: Path, rel_dir: str, problems: Problems, recursive: bool, hint: Hint,
          skip: Callable[[str], bool] | None, above: frozenset[str], found: Walk) -> None:
    try:
        with os.scandir(root / rel_dir) as it:  # scandir knows file types without a stat per file
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        problems.error(rel_dir, 1, 1, f"cannot read the folder {rel_dir}: {exc.strerror}")
        return
    for e in entries:
        if e.name.startswith(".") or (skip is not None and skip(e.name)):
            continue
        rel = f"{rel_dir}/{e.name}"
        path = Path(e.path)
        try:
            if e.is_symlink():
                why = link_problem(root, path)
                if why is not None:
                    problems.error(rel, 1, 1, why, _hint(hint, path.name))
                    found.refused.append(rel)
                    continue
                if not os.path.exists(path):
                    problems.warning(rel, 1, 1, f"{e.name} is a link to '{os.readlink(path)}', which does not exist; "
                                     "it is not read", "fix or remove the link")
                    continue
            if e.is_dir():
                if not recursive:
                    found.append(Entry(rel, path, True))
                    continue
                real = os.path.realpath(path)
                if real in above:
                    continue  # a link back to a folder above: its files are already listed
                _scan(root, rel, problems, recursive, hint, skip, above | {real}, found)
            elif e.is_file():
                found.append(Entry(rel, path, False))
            else:
                problems.warning(rel, 1, 1, f"{e.name} is {special_kind(e.stat().st_mode)}, not a regular file; "
                                 "it is not read", "remove it, or move it out of the site folder")
        except OSError as exc:
            problems.error(rel, 1, 1, f"cannot read {rel}: {exc.strerror}")


def plain(root: Path, rel: str) -> bool:
    """Whether root/rel is reached without any link and is a regular file (or is gone):
    what the dev server's fast paths may read without the full, checked load."""
    path = Path(root)
    for part in rel.split("/"):
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return True
        except OSError:
            return False
        if stat.S_ISLNK(mode):
            return False
    return stat.S_ISREG(mode)
