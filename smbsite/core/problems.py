"""Content problems are data: collected, sorted, then reported together."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the site folder, with forward slashes
    line: int  # 1-based
    col: int  # 1-based
    message: str
    hint: str = ""
    severity: Severity = "error"
    # where it was met (e.g. "while rendering /join/"): shown, but the same problem met
    # in two places is still one problem, printed once
    context: str = field(default="", compare=False)

    def full_message(self) -> str:
        msg = f"{self.message} ({self.context})" if self.context else self.message
        return f"{msg} — {self.hint}" if self.hint else msg

    def text(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.full_message()}"

    def github(self) -> str:
        msg = self.full_message()
        # GitHub workflow commands need %, CR and LF escaped in the message.
        msg = msg.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        path = self.path.replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        return f"::{self.severity} file={path},line={self.line},col={self.col}::{msg}"


@dataclass
class Problems:
    """An append-only collection that every stage writes into."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int, col: int, message: str, hint: str = "") -> None:
        self.items.append(Problem(path, line, col, message, hint, "error"))

    def warning(self, path: str, line: int, col: int, message: str, hint: str = "") -> None:
        self.items.append(Problem(path, line, col, message, hint, "warning"))

    def extend(self, other: Iterable[Problem]) -> None:
        self.items.extend(other)

    @property
    def errors(self) -> list[Problem]:
        return sorted(p for p in self.items if p.severity == "error")

    @property
    def warnings(self) -> list[Problem]:
        return sorted(p for p in self.items if p.severity == "warning")

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items), key=lambda p: (p.path, p.line, p.col, p.severity, p.message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)


QUOTE_MAX = 80  # characters of a value a message quotes back


def shorten(value: object, limit: int = QUOTE_MAX) -> str:
    """A value as a message quotes it: at most `limit` characters, an ellipsis where it is
    cut. Every message that repeats what was written goes through here, so a 600 KB value
    makes a one-line message, not a 600 KB one."""
    text = str(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest known value, or '' when nothing is close."""
    close = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


class UsageError(Exception):
    """Bad arguments (exit code 2), as opposed to bad content (exit code 1)."""


def no_site_yaml_words(folder: object, command: str = "") -> tuple[str, str]:
    """(message, hint) of a folder that is no site: the one wording, wherever it is found.
    command: the smbsite command to run in the site folder ("new"), "" for any."""
    run = f"smbsite {command}" if command else "smbsite"
    return f"no site.yaml in {folder}", f"run {run} in the site folder, or pass -s SRC"


def no_site_yaml(folder: object, command: str = "", hint: str = "") -> UsageError:
    """The usage error of a command run outside a site folder (hint: another way out than
    running it in one)."""
    message, where = no_site_yaml_words(folder, command)
    return UsageError(f"{message}: {hint or where}")


class ContentError(Exception):
    """Raised by library calls when the content has errors; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} content error(s)")

    def __reduce__(self) -> tuple:
        return type(self), (self.problems,)  # (so that it crosses from a forked process whole)
