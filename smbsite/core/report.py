"""The reporter: everything the user reads goes through here (text, GitHub, quiet)."""
from __future__ import annotations

import os
import sys
import time
from typing import Iterable, TextIO

from .problems import Problem


def use_colour(stream: TextIO) -> bool:
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


class Reporter:
    def __init__(self, fmt: str = "text", quiet: bool = False, out: TextIO | None = None, err: TextIO | None = None):
        self.fmt, self.quiet = fmt, quiet
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.colour = use_colour(self.err)
        self._started = time.monotonic()
        self._progress_shown = False
        self._progress_width = 0
        self._tty = hasattr(self.err, "isatty") and self.err.isatty()

    def _c(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.colour else text

    def problems(self, items: Iterable[Problem]) -> None:
        for p in items:
            if self.fmt == "github":
                print(p.github(), file=self.out)
            else:
                line = p.text()
                if self.colour:
                    label = f"{p.severity}:"
                    line = line.replace(label, self._c("31;1" if p.severity == "error" else "33;1", label), 1)
                print(line, file=self.err)

    def progress(self, stage: str, done: int = 0, total: int = 0) -> None:
        """A one-line progress display on a terminal, once a build runs longer than a second."""
        if self.quiet or not self._tty or time.monotonic() - self._started < 1.0:
            return
        text = f"{stage} {done}/{total}" if total else stage
        # spaces rather than an erase-line escape: NO_COLOR terminals and logs get no control sequences
        print(f"\r{text.ljust(self._progress_width)}", end="", file=self.err, flush=True)
        self._progress_width = len(text)
        self._progress_shown = True

    def clear_progress(self) -> None:
        if self._progress_shown:
            print(f"\r{' ' * self._progress_width}\r", end="", file=self.err, flush=True)
            self._progress_shown = self._progress_width = 0

    def info(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.out)

    def summary(self, counts: dict[str, int], files: int, ms: float, out_dir: str, warnings: int) -> None:
        """A table like Hugo's build summary."""
        if self.quiet:
            return
        self.clear_progress()
        width = max([len(k) for k in counts] + [12])
        rows = [f"  {k.ljust(width)}  {v:>7}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        print(self._c("1", f"  {'output'.ljust(width)}  {'count':>7}"), file=self.out)
        print("  " + "-" * (width + 9), file=self.out)
        print("\n".join(rows), file=self.out)
        print("  " + "-" * (width + 9), file=self.out)
        print(f"  {'files written'.ljust(width)}  {files:>7}", file=self.out)
        extra = f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
        print(f"Built {out_dir} in {ms:.0f} ms{extra}", file=self.out)


# --- a Markdown report, for a pull request's job summary ($GITHUB_STEP_SUMMARY) ------------------

SUMMARY_ROWS = 1000  # a job summary holds at most 1 MiB; no real pull request comes near this


def md_text(text: str) -> str:
    """Text that Markdown (GitHub's) shows as written: file names and values come from pull requests."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("\\", "\\\\")
    for ch in "`*_[]<>|~#!":
        text = text.replace(ch, "\\" + ch)
    return text


def md_code(text: str) -> str:
    return "`" + " ".join(text.split()).replace("`", "'").replace("|", "\\|") + "`"


def markdown_report(problems: list[Problem], ok: bool, title: str = "Check") -> str:
    """Every problem with its place, what is wrong and how to fix it, as a Markdown table."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    counts = (f"{len(errors)} error{'s' if len(errors) != 1 else ''}, "
              f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}")
    lines = [f"## {title} {'passed' if ok else 'failed'}: {counts}", ""]
    if not problems:
        return "\n".join(lines + ["Every record, page and link is in order.", ""])
    if errors:
        lines += ["Each problem, where it is and how to fix it (the same notes appear under the lines in "
                  "**Files changed**):", ""]
    lines += ["| Where | What is wrong | How to fix it |", "|---|---|---|"]
    for p in problems[:SUMMARY_ROWS]:
        what = md_text(p.message)
        if p.severity == "warning":
            what = "**warning:** " + what
        lines.append(f"| {md_code(f'{p.path}:{p.line}:{p.col}')} | {what} | {md_text(p.hint)} |")
    if len(problems) > SUMMARY_ROWS:
        rest = len(problems) - SUMMARY_ROWS
        lines += ["", f"… and {rest} more: run `smbsite check` on your computer to see them all."]
    return "\n".join(lines + [""])
