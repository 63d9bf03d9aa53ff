"""Where a value is written: the line and column of every key and value of a parsed document,
and the line breaks an editor counts."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

Path = tuple[str | int, ...]
LINES = re.compile(r"\r\n|\r|\n")  # an editor's line breaks (str.splitlines also breaks at U+2028, U+000C…)


@dataclass
class Positions:
    """1-based (line, col) of values and keys by their path in the document."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    styles: dict[Path, str | None] = field(default_factory=dict)
    # what was written for a value YAML read as something other than text (Yes, 12:30, 010)
    texts: dict[Path, str] = field(default_factory=dict)
    line_offset: int = 0  # added to every line (front matter starts after '---')

    def value(self, path: Path) -> tuple[int, int]:
        """Where the value at path starts; falls back to the nearest parent."""
        p = tuple(path)
        while p:
            if p in self.values:
                line, col = self.values[p]
                return line + self.line_offset, col
            p = p[:-1]
        line, col = self.values.get((), (1, 1))
        return line + self.line_offset, col

    def key(self, path: Path) -> tuple[int, int]:
        """Where the key of path is written (for unknown fields), else its value."""
        if tuple(path) in self.keys:
            line, col = self.keys[tuple(path)]
            return line + self.line_offset, col
        return self.value(path)

    def style(self, path: Path) -> str | None:
        return self.styles.get(tuple(path))

    def text(self, path: Path) -> str | None:
        """The source text of a value YAML did not read as text, e.g. 'Yes' for true."""
        return self.texts.get(tuple(path))
