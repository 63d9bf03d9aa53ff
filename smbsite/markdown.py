"""Markdown from records and articles: no raw HTML, only safe link schemes,
root-relative links moved under the base path, and every internal link
remembered with its source position so that a broken one is an error there."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token

SAFE_SCHEME = re.compile(r"^(https?:|mailto:|tel:)", re.I)
HAS_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.I)


@dataclass(frozen=True)
class Link:
    target: str  # site path without fragment or query, e.g. /about/
    line: int  # 1-based line in the Markdown text
    col: int


@dataclass
class Rendered:
    html: str
    links: list[Link] = field(default_factory=list)  # root-relative links, to be checked
    unsafe: list[Link] = field(default_factory=list)  # links dropped for their scheme


# Every way CommonMark makes a link or image: inline `](dest)`, a reference
# definition `[label]: dest`, or an autolink `<scheme:...>`. Over-approximate on
# purpose: text whose destinations are all plainly external needs no parse to check.
_DESTINATIONS = re.compile(r"\]\(\s*<?([^)\s>]*)|^[ ]{0,3}\[[^\]]+\]:\s*<?(\S*)|<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^>\s]*)>",
                           re.M)
_PLAINLY_EXTERNAL = re.compile(r"^(https?://|mailto:|tel:|#)", re.I)


def needs_link_check(text: str) -> bool:
    """False when every link the text can hold is plainly external (nothing to check)."""
    if "](" not in text and "]:" not in text and "<" not in text:
        return False
    for m in _DESTINATIONS.finditer(text):
        dest = m.group(1) if m.group(1) is not None else m.group(2) if m.group(2) is not None else m.group(3)
        if not _PLAINLY_EXTERNAL.match(dest or ""):
            return True
    return False


class LazyHtml:
    """Markdown rendered when a template first shows it (in whichever process renders the page).

    Jinja calls __html__ when it outputs the value; truthiness follows the text.
    """

    __slots__ = ("_renderer", "_text", "_html")

    def __init__(self, renderer: "MarkdownRenderer", text: str, html: str | None = None):
        self._renderer, self._text, self._html = renderer, text, html

    def __html__(self) -> str:
        if self._html is None:
            self._html = self._renderer.render(self._text).html if self._text.strip() else ""
        return self._html

    __str__ = __html__

    def __bool__(self) -> bool:
        return bool(self._text.strip())


def _is_allowed(url: str) -> bool:
    url = url.strip()
    if HAS_SCHEME.match(url):
        return bool(SAFE_SCHEME.match(url))
    return not url.startswith("//")  # protocol-relative would leave the site silently


class MarkdownRenderer:
    def __init__(self, base_path: str = "/"):
        self.base_path = base_path
        self._rejected: list[str] = []
        md = MarkdownIt("commonmark", {"html": False, "typographer": False, "xhtmlOut": False})
        md.enable(["table", "strikethrough"])
        md.validateLink = self._validate  # type: ignore[method-assign]
        self.md = md

    def _validate(self, url: str) -> bool:
        ok = _is_allowed(url)
        if not ok:
            self._rejected.append(url)
        return ok

    def render(self, text: str) -> Rendered:
        if not text.strip():
            return Rendered("")
        self._rejected = []
        tokens = self.md.parse(text)
        lines = text.splitlines()
        links: list[Link] = []
        for tok in tokens:
            if tok.type == "inline" and tok.children:
                self._rewrite_inline(tok, lines, links)
        html = self.md.renderer.render(tokens, self.md.options, {})
        unsafe = [Link(u, *_find(lines, u, 0)) for u in self._rejected]
        return Rendered(html, links, unsafe)

    def _rewrite_inline(self, tok: Token, lines: list[str], links: list[Link]) -> None:
        line = tok.map[0] if tok.map else 0
        for child in tok.children or ():
            if child.type in ("softbreak", "hardbreak"):
                line += 1
                continue
            attr = "href" if child.type == "link_open" else "src" if child.type == "image" else None
            if attr is None:
                continue
            url = str(child.attrGet(attr) or "")
            if url.startswith("/") and not url.startswith("//"):
                target = re.split(r"[?#]", url, maxsplit=1)[0]
                links.append(Link(target, *_find(lines, url, line)))
                child.attrSet(attr, self.base_path + url[1:])


def _find(lines: list[str], url: str, near: int) -> tuple[int, int]:
    """1-based (line, col) of url in the text, searching from line `near`."""
    order = list(range(near, len(lines))) + list(range(0, near))
    for i in order:
        col = lines[i].find(url)
        if col >= 0:
            return i + 1, col + 1
    return near + 1, 1


def source_mapper(value_line: int, value_col: int, style: str | None, file_lines: list[str]) -> Callable[[int, int], tuple[int, int]]:
    """Map a (line, col) in a YAML string value's text back to the file.

    Block scalars (| and >) start on the line after their indicator, indented;
    quoted and plain scalars start where the value does.
    """
    if style in ("|", ">"):
        first = value_line  # 0-based index of the line after the indicator
        indent = 0
        for raw in file_lines[first:]:
            if raw.strip():
                indent = len(raw) - len(raw.lstrip(" "))
                break
        return lambda line, col: (value_line + line, indent + col)
    offset = 1 if style in ('"', "'") else 0
    return lambda line, col: (value_line + line - 1, (value_col + offset + col - 1) if line == 1 else col)
