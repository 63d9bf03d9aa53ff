"""Where in a Markdown text a link, image or piece of HTML is written.

markdown-it gives tokens without columns, so each one is found again in the text. A
text may hold tens of thousands of links or images with the same address on one
line: every lookup here costs about the distance to its answer, never a pass over
all the places found before it (which made a 300 KB description take a minute).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Any

from .positions import LINES

# where a link destination may start: after '](' (inline links and images) or '[label]:'
# (reference definitions), with spaces and at most one line break before it
_DEST_START = re.compile(r"\]\([ \t]*\n?[ \t]*|\]:[ \t]*\n?[ \t]*")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9.+\-]{1,31}:[^<>\x00-\x20]*)>")


class TextSearch:
    """Places of plain strings in a text, each given out once: the first place not yet
    given, searching from a line on to the end, then from the top."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.starts, offset = [], 0
        for row in lines:
            self.starts.append(offset)
            offset += len(row) + 1
        self.flat = "\n".join(lines)
        self.used: set[tuple[int, int]] = set()
        # (needle, line) -> (phase, offset): everything before it in that search order is
        # no match or given out already, and places given out stay given out
        self._resume: dict[tuple[str, int], tuple[int, int]] = {}
        self._absent: set[str] = set()

    def place(self, offset: int) -> tuple[int, int]:
        """1-based (line, col) of an offset into the text."""
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def find(self, needle: str, near: int) -> tuple[int, int]:
        """1-based (line, col) of needle, from the 0-based line `near` on; (near + 1, 1)
        when it is not written on one line anywhere."""
        if not needle or "\n" in needle or needle in self._absent:
            return near + 1, 1
        flat, key = self.flat, (needle, near)
        start = self.starts[near] if 0 <= near < len(self.starts) else len(flat)
        phase, at = self._resume.get(key, (0, start))
        seen = key in self._resume
        while phase < 2:
            off = flat.find(needle, at) if phase == 0 else flat.find(needle, at, start)
            if off < 0:
                phase, at = phase + 1, 0
                continue
            seen = True
            where = self.place(off)
            if where not in self.used:
                self.used.add(where)
                self._resume[key] = (phase, off + 1)
                return where
            at = off + 1
        self._resume[key] = (2, 0)
        if not seen:
            self._absent.add(needle)
        return near + 1, 1


class Destinations:
    """Every link destination written in a text, by the URL markdown-it makes of it.

    markdown-it gives a link's URL decoded (entities, backslash escapes) and
    percent-encoded, with no column: 'jav&#x61;script:', '\\/\\/evil' or 'é' are not
    in the text as the URL reads. Decoding each destination as written, the same way,
    finds where the member wrote it."""

    def __init__(self, md: Any, text: str):
        self.lines = LINES.split(text)  # as markdown-it counts them (U+2028 ends no line)
        self.search = TextSearch(self.lines)
        flat = self.search.flat
        self.by_url: dict[str, list[tuple[int, int]]] = {}
        self._skip: dict[str, list[int]] = {}
        for m in _DEST_START.finditer(flat):
            res = md.helpers.parseLinkDestination(flat, m.end(), len(flat))
            if res.ok:
                at = m.end() + (1 if flat[m.end():m.end() + 1] == "<" else 0)
                self.by_url.setdefault(md.normalizeLink(res.str), []).append(self.search.place(at))
        for m in _AUTOLINK.finditer(flat):
            self.by_url.setdefault(md.normalizeLink(m.group(1)), []).append(self.search.place(m.start(1)))

    def where(self, url: str, near: int) -> tuple[int, int]:
        """1-based (line, col) of url, searching from the 0-based line `near` on (a link's
        paragraph), then from the top; a place given to an earlier link is skipped."""
        places = self.by_url.get(url)
        if places:
            skip = self._skip.get(url)
            if skip is None:
                places.sort()
                skip = self._skip[url] = list(range(len(places) + 1))
            i = self._free(places, skip, bisect_left(places, (near + 1, 0)))
            if i == len(places):
                i = self._free(places, skip, 0)
            if i < len(places):
                skip[i] = i + 1
                self.search.used.add(places[i])
                return places[i]
        return self.search.find(url, near)

    def _free(self, places: list[tuple[int, int]], skip: list[int], i: int) -> int:
        """The first index from i on whose place is not given out (len(places) if none);
        skip[j] points past places known to be given out, shortened on every walk."""
        walked = []
        while i < len(places):
            if skip[i] != i:
                walked.append(i)
                i = skip[i]
            elif places[i] in self.search.used:
                skip[i] = i + 1
                walked.append(i)
                i += 1
            else:
                break
        for j in walked:
            skip[j] = i
        return i


class Columns:
    """1-based column of the n-th match of a pattern on a line, each line searched once."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self._found: dict[tuple[int, re.Pattern[str]], list[int]] = {}

    def nth(self, line: int, pattern: re.Pattern[str], n: int) -> int | None:
        if not 0 <= line < len(self.lines):
            return None
        starts = self._found.get((line, pattern))
        if starts is None:
            starts = self._found[(line, pattern)] = [m.start() + 1 for m in pattern.finditer(self.lines[line])]
        return starts[n] if n < len(starts) else None
