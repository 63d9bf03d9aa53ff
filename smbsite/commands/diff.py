"""`smbsite diff OLD NEW`: which pages two builds add, remove or change.

CI builds the pull request's base and the pull request itself, then writes
this comparison into the job summary, so a reviewer sees that adding one
member touched /members/, /partners/cabling/ and /regions/ca/ and nothing
else. Files are compared byte for byte: builds are reproducible for the same
sources and --as-of date, so any difference is a real one.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from ..reading.safefs import special_kind
from ..publishing.write import MARKER


@dataclass
class OutputDiff:
    added: list[str] = field(default_factory=list)  # site paths such as /members/acme/
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "OLD/x: why" for what is not a regular file

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def site_path(rel: str) -> str:
    """members/acme/index.html -> /members/acme/ (the URL a visitor opens), others keep their name."""
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel.removesuffix("index.html")
    return "/" + rel


def _files(root: Path, skipped: list[str]) -> dict[str, tuple[Path, int]]:
    """rel -> (path, size) of every regular file under root. Links, pipes, sockets and devices
    are listed in `skipped`, never opened: a build holds none, and a pipe would block forever."""
    found: dict[str, tuple[Path, int]] = {}

    def unreadable(exc: OSError) -> None:
        skipped.append(f"{exc.filename}: cannot be read ({exc.strerror})")

    for folder, dirs, names in os.walk(root, onerror=unreadable):
        dirs.sort()
        for name in sorted(dirs):
            if os.path.islink(os.path.join(folder, name)):  # os.walk lists it but does not enter it
                skipped.append(f"{os.path.join(folder, name)}: a link to a folder; not compared")
        for name in names:
            path = Path(folder) / name
            try:
                info = os.lstat(path)
            except OSError as exc:
                skipped.append(f"{path}: cannot be read ({exc.strerror})")
                continue
            if not stat.S_ISREG(info.st_mode):
                what = "a symbolic link" if stat.S_ISLNK(info.st_mode) else special_kind(info.st_mode)
                skipped.append(f"{path}: {what}, not a regular file; not compared")
                continue
            rel = path.relative_to(root).as_posix()
            if rel != MARKER:
                found[rel] = (path, info.st_size)
    return found


def _same(a: tuple[Path, int], b: tuple[Path, int]) -> bool:
    if a[1] != b[1]:
        return False
    with open(a[0], "rb") as fa, open(b[0], "rb") as fb:
        while True:
            chunk = fa.read(1 << 16)
            if chunk != fb.read(1 << 16):
                return False
            if not chunk:
                return True


def diff_outputs(old: Path, new: Path) -> OutputDiff:
    """Compare two output folders; the lists are sorted by site path."""
    skipped: list[str] = []
    before, after = _files(Path(old), skipped), _files(Path(new), skipped)
    result = OutputDiff(
        added=[site_path(r) for r in after if r not in before],
        removed=[site_path(r) for r in before if r not in after],
        skipped=skipped,
    )
    for r in after:
        if r in before:
            try:
                if not _same(before[r], after[r]):
                    result.changed.append(site_path(r))
            except OSError as exc:
                skipped.append(f"{exc.filename}: cannot be read ({exc.strerror})")
    for items in (result.added, result.removed, result.changed, result.skipped):
        items.sort()
    return result


def _count(d: OutputDiff) -> str:
    return f"{len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed"


def format_text(d: OutputDiff) -> str:
    lines = [f"{label:<8} {path}" for label, items in (("added", d.added), ("removed", d.removed),
                                                          ("changed", d.changed)) for path in items]
    return "\n".join(lines + [_count(d) if d else "no changes: the two builds are identical"]) + "\n"


def _code(path: str) -> str:
    # paths come from file names a pull request chooses: keep them inert in Markdown
    return "`" + path.replace("`", "'").replace("\n", " ") + "`"


FOLD_AFTER = 20  # longer lists are folded so the summary stays readable


def _entry(path: str, link_prefix: str | None) -> str:
    if not link_prefix or not path.endswith(("/", ".html")):
        return f"- {_code(path)}"
    target = link_prefix.rstrip("/") + quote(path)
    return f"- [{_code(path)}]({target})"


def format_markdown(d: OutputDiff, title: str = "Site changes", link_prefix: str | None = None) -> str:
    """The lists as Markdown; with link_prefix each page links to where a preview serves it."""
    lines = [f"## {title}", ""]
    if not d:
        return "\n".join(lines + ["No page changes: the built site is identical.", ""])
    lines += [f"**{_count(d)}**", ""]
    for label, items in (("Added", d.added), ("Removed", d.removed), ("Changed", d.changed)):
        if not items:
            continue
        entries = [_entry(p, link_prefix if label != "Removed" else None) for p in items]
        lines += [f"### {label} ({len(items)})", ""]
        if len(items) > FOLD_AFTER:
            entries = [f"<details><summary>Show all {len(items)}</summary>", "", *entries, "", "</details>"]
        lines += [*entries, ""]
    return "\n".join(lines)
