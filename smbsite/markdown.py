"""Markdown from records and articles: no raw HTML, only safe link schemes,
root-relative links moved under the base path, and every internal link
remembered with its source position so that a broken one is an error there."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .yamlpos import LINES

SAFE_SCHEME = re.compile(r"^(https?:|mailto:|tel:)", re.I)
HAS_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.I)


@dataclass(frozen=True)
class Link:
    target: str  # site path without fragment or query, e.g. /about/
    line: int  # 1-based line in the Markdown text
    col: int


@dataclass(frozen=True)
class Finding:
    """Something in the text a reader would miss or be harmed by (worded in messages.markdown_problem)."""

    kind: str  # empty-link, empty-alt, outside-image or raw-html
    detail: str  # the link's address, the image's, or the HTML as written
    line: int  # 1-based line in the Markdown text
    col: int


@dataclass
class Rendered:
    html: str
    links: list[Link] = field(default_factory=list)  # root-relative links, to be checked
    unsafe: list[Link] = field(default_factory=list)  # links dropped for their scheme
    findings: list[Finding] = field(default_factory=list)
    too_deep: list[tuple[int, int]] = field(default_factory=list)  # (line, col) where nesting hides the rest


# Quotes and lists inside each other: a quote is one level, a list two (the list and its
# item). Parsing recurses once per level, so there is a limit; text nested deeper than it
# is not shown, and is an error where it starts rather than lost without a word.
MAX_NESTING = 50

# Each level of nesting takes at least one character before a line's text (a '>', or a
# list marker or indentation of two or more columns), so a text whose lines all start with
# fewer such characters than the limit cannot reach it and needs no parse to be sure.
_DEEP_PREFIX = re.compile(r"^[ \t>*+\-0-9.)]{%d,}" % MAX_NESTING, re.M)


def may_nest_too_deep(text: str) -> bool:
    """False when no line can be nested MAX_NESTING levels deep (nothing can be hidden)."""
    return _DEEP_PREFIX.search(text.expandtabs(4) if "\t" in text else text) is not None


# Every way CommonMark makes a link or image: inline `](dest)`, a reference
# definition `[label]: dest`, or an autolink `<scheme:...>`. Over-approximate on
# purpose: text whose destinations are all plainly external needs no parse to check.
# (A reference definition may sit in a quote or a list item, so `]:` is matched anywhere.)
_DESTINATIONS = re.compile(r"\]\(\s*<?([^)\s>]*)|\]:\s*<?(\S*)|<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\s]*)>")
_PLAINLY_EXTERNAL = re.compile(r"^(https?://|mailto:|tel:|#)", re.I)


# Text that may hold an image, a link without words, or HTML: it is parsed to look closer.
_MAY_HAVE_FINDINGS = re.compile(r"!\[|\[[\s*_~`]*\]|<[A-Za-z!?/]")
_EMPTY_TEXT = re.compile(r"(?<![!\\])\[[\s*_~`]*\]")
_IMAGE_START = re.compile(r"(?<!\\)!\[")
_TAG_START = re.compile(r"<[A-Za-z!?/]")


def needs_check(text: str) -> bool:
    """False when the text has nothing for render() to check: no site link, image, link without
    words, HTML or nesting that may be too deep (such text is rendered when it is shown)."""
    return needs_link_check(text) or bool(_MAY_HAVE_FINDINGS.search(text)) or may_nest_too_deep(text)


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
            self._html = self._renderer.html(self._text) if self._text.strip() else ""
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
    """One Markdown renderer for every text, with or without links to check.

    (A faster port of markdown-it was tried for link-free text: it renders many inputs
    differently, some of them panicking, so every text goes through markdown-it-py.)
    """

    def __init__(self, base_path: str = "/"):
        self.base_path = base_path
        self._rejected: list[str] = []
        md = MarkdownIt("commonmark", {"html": False, "typographer": False, "xhtmlOut": False,
                                       "maxNesting": MAX_NESTING})
        md.enable(["table", "strikethrough"])
        md.validateLink = self._validate  # type: ignore[method-assign]
        tokenize = md.block.tokenize

        def tokenize_noting_depth(state: Any, start: int, end: int) -> None:
            # markdown-it skips what is nested deeper than maxNesting: note where that starts
            if state.level >= MAX_NESTING:
                line = state.skipEmptyLines(start)
                if line < end and state.sCount[line] >= state.blkIndent:
                    pos = state.bMarks[line] + state.tShift[line]
                    col = pos - (state.src.rfind("\n", 0, pos) + 1) + 1
                    state.env.setdefault("too_deep", []).append((line + 1, col))
            tokenize(state, start, end)

        md.block.tokenize = tokenize_noting_depth  # type: ignore[method-assign]
        self.md = md
        self._html_md: MarkdownIt | None = None  # the same rules with HTML on: only to find HTML

    def html(self, text: str) -> str:
        """HTML of text (shown lazily by templates): the same bytes render() gives."""
        return self.render(text).html

    def _validate(self, url: str) -> bool:
        ok = _is_allowed(url)
        if not ok:
            self._rejected.append(url)
        return ok

    def render(self, text: str) -> Rendered:
        if not text.strip():
            return Rendered("")
        self._rejected = []
        env: dict[str, Any] = {}
        tokens = self.md.parse(text, env)
        found = _Destinations(self.md, text)
        lines = found.lines
        links: list[Link] = []
        findings: list[Finding] = []
        block_line = 0
        for tok in tokens:
            if tok.map:
                block_line = tok.map[0]
            if tok.type == "inline" and tok.children:
                _inspect_inline(tok, block_line, lines, findings)
                self._rewrite_inline(tok, found, links)
        if _TAG_START.search(text):
            findings.extend(self._raw_html(text, lines))
        html = self.md.renderer.render(tokens, self.md.options, {})
        unsafe = [Link(u, *found.where(u, 0)) for u in dict.fromkeys(self._rejected)]
        return Rendered(_no_form_feed(html), links, unsafe, findings, sorted(set(env.get("too_deep", []))))

    def _raw_html(self, text: str, lines: list[str]) -> list[Finding]:
        """HTML written in the text, which is shown as text (HTML is off): parsed again with
        HTML on to tell it from a '<' in a sentence, an autolink or code."""
        if self._html_md is None:
            self._html_md = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING}).enable(
                ["table", "strikethrough"])
        found: list[Finding] = []
        used: set[tuple[int, int]] = set()
        block_line = 0
        for tok in self._html_md.parse(text):
            if tok.map:
                block_line = tok.map[0]
            if tok.type == "html_block" and tok.map:
                row = lines[tok.map[0]] if tok.map[0] < len(lines) else ""
                found.append(Finding("raw-html", row.strip(), tok.map[0] + 1, len(row) - len(row.lstrip()) + 1))
            elif tok.type == "inline" and tok.children:
                line = block_line
                for child in tok.children:
                    if child.type in ("softbreak", "hardbreak"):
                        line += 1
                    elif child.type == "html_inline" and not child.content.startswith("</"):
                        found.append(Finding("raw-html", child.content, *_find(lines, child.content, line, used)))
        return found

    def _rewrite_inline(self, tok: Token, found: "_Destinations", links: list[Link]) -> None:
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
                links.append(Link(target, *found.where(url, line)))
                child.attrSet(attr, self.base_path + url[1:])


# where a link destination may start: after '](' (inline links and images) or '[label]:'
# (reference definitions), with spaces and at most one line break before it
_DEST_START = re.compile(r"\]\([ \t]*\n?[ \t]*|\]:[ \t]*\n?[ \t]*")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9.+\-]{1,31}:[^<>\x00-\x20]*)>")


class _Destinations:
    """Every link destination written in a text, by the URL markdown-it makes of it.

    markdown-it gives a link's URL decoded (entities, backslash escapes) and
    percent-encoded, with no column: 'jav&#x61;script:', '\\/\\/evil' or 'é' are not
    in the text as the URL reads. Decoding each destination as written, the same way,
    finds where the member wrote it."""

    def __init__(self, md: MarkdownIt, text: str):
        self.lines = LINES.split(text)  # as markdown-it counts them (U+2028 ends no line)
        starts, offset = [], 0
        for row in self.lines:
            starts.append(offset)
            offset += len(row) + 1
        flat = "\n".join(self.lines)
        self.by_url: dict[str, list[tuple[int, int]]] = {}
        self.used: set[tuple[int, int]] = set()
        for m in _DEST_START.finditer(flat):
            res = md.helpers.parseLinkDestination(flat, m.end(), len(flat))
            if res.ok:
                at = m.end() + (1 if flat[m.end():m.end() + 1] == "<" else 0)
                self._add(md.normalizeLink(res.str), at, starts)
        for m in _AUTOLINK.finditer(flat):
            self._add(md.normalizeLink(m.group(1)), m.start(1), starts)

    def _add(self, url: str, offset: int, starts: list[int]) -> None:
        line = bisect_right(starts, offset)
        self.by_url.setdefault(url, []).append((line, offset - starts[line - 1] + 1))

    def where(self, url: str, near: int) -> tuple[int, int]:
        """1-based (line, col) of url, searching from the 0-based line `near` on (a link's
        paragraph), then from the top; a place given to an earlier link is skipped."""
        places = sorted(self.by_url.get(url, ()), key=lambda p: (p[0] <= near, p))
        for place in places:
            if place not in self.used:
                self.used.add(place)
                return place
        return _find(self.lines, url, near, self.used)


def _nth(lines: list[str], line: int, pattern: re.Pattern[str], n: int) -> int | None:
    """1-based column of the n-th (0-based) match of pattern on the 0-based line."""
    if not 0 <= line < len(lines):
        return None
    matches = list(pattern.finditer(lines[line]))
    return matches[n].start() + 1 if n < len(matches) else None


def _inspect_inline(tok: Token, block_line: int, lines: list[str], findings: list[Finding]) -> None:
    """Links without words and images without a description or from another site, each
    at its place: the n-th such mark on its line is the n-th one found there."""
    line = tok.map[0] if tok.map else block_line
    counts: dict[tuple[int, str], int] = {}
    open_links: list[tuple[str, int, list[str]]] = []  # (href, line, words so far)

    def nth(kind: str, at: int) -> int:
        n = counts.get((at, kind), 0)
        counts[(at, kind)] = n + 1
        return n

    for child in tok.children or ():
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "link_open":
            open_links.append((str(child.attrGet("href") or ""), line, []))
        elif child.type == "link_close" and open_links:
            href, at, words = open_links.pop()
            if not "".join(words).strip():
                col = _nth(lines, at, _EMPTY_TEXT, nth("empty-link", at))
                if col is None:  # words over several lines, or an image with no description
                    col = (lines[at].rfind("[") + 1 if 0 <= at < len(lines) else 0) or 1
                findings.append(Finding("empty-link", href, at + 1, col))
        elif child.type in ("text", "code_inline") and open_links:
            open_links[-1][2].append(child.content)
        elif child.type == "image":
            src, alt = str(child.attrGet("src") or ""), child.content
            if open_links:
                open_links[-1][2].append(alt)
            col = _nth(lines, line, _IMAGE_START, nth("image", line)) or 1
            if HAS_SCHEME.match(src) or src.startswith("//"):  # (its hint shows the description too)
                findings.append(Finding("outside-image", src, line + 1, col))
            elif not alt.strip():
                findings.append(Finding("empty-alt", src, line + 1, col))


def _find(lines: list[str], url: str, near: int, used: set[tuple[int, int]]) -> tuple[int, int]:
    """1-based (line, col) of url as a plain string in the text, searching from line `near`;
    a place already given to an earlier link with the same address is skipped."""
    order = list(range(near, len(lines))) + list(range(0, near))
    for i in order:
        col = lines[i].find(url)
        while col >= 0:
            if (i + 1, col + 1) not in used:
                used.add((i + 1, col + 1))
                return i + 1, col + 1
            col = lines[i].find(url, col + 1)
    return near + 1, 1


def _no_form_feed(html: str) -> str:
    """A character reference to form feed (&#12;) is the one control character markdown-it
    lets through; XML forbids it and HTML reads it as a space. It becomes U+FFFD, as
    markdown-it makes of every other control character reference."""
    return html.replace("\x0c", "\ufffd") if "\x0c" in html else html


def source_mapper(value_line: int, value_col: int, style: str | None, file_lines: list[str]) -> Callable[[int, int], tuple[int, int]]:
    """Map a (line, col) in a YAML string value's text back to the file.

    The scalar is scanned again from the file, character by character, the way
    YAML reads it (block indentation, folding of line breaks, quote escapes), so
    a link in a folded or quoted description is reported where it is written.
    """
    chars = _scalar_chars(value_line, value_col, style, file_lines)
    index: dict[tuple[int, int], tuple[int, int]] = {}
    line, col = 1, 1
    for ch, where in chars:
        index[(line, col)] = where
        line, col = (line + 1, 1) if ch == "\n" else (line, col + 1)

    def to_file(line: int, col: int) -> tuple[int, int]:
        if (line, col) in index:
            return index[(line, col)]
        if style in ("|", ">"):  # not found (should not happen): the block's usual layout
            return value_line + line, col
        return value_line + line - 1, (value_col + col - 1) if line == 1 else col

    return to_file


_Chars = list[tuple[str, tuple[int, int]]]  # (character of the value, its 1-based (line, col) in the file)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _scalar_chars(value_line: int, value_col: int, style: str | None, lines: list[str]) -> _Chars:
    try:
        if style in ("|", ">"):
            return _block_chars(value_line, value_col, style, lines)
        return _flow_chars(value_line, value_col, style, lines)
    except (IndexError, ValueError):  # the file changed since it was parsed: fall back to the plain mapping
        return []


def _block_chars(value_line: int, value_col: int, style: str, lines: list[str]) -> _Chars:
    header = lines[value_line - 1][value_col - 1:]
    digit = re.match(r"^[|>][+-]?([1-9])|^[|>]([1-9])", header)
    first = value_line  # 0-based index of the line after the indicator
    body = [i for i in range(first, len(lines)) if lines[i].strip()]
    if not body:
        return []
    if digit:
        # relative to the mapping that holds the key, which may sit after list dashes
        parent = re.match(r"^ *(?:- +)*", lines[value_line - 1])
        indent = (parent.end() if parent else 0) + int(digit.group(1) or digit.group(2))
    else:
        indent = _indent(lines[body[0]])
    out: _Chars = []
    previous_text = False  # the last line held text at the block's own indentation (for folding)
    pending_breaks: list[tuple[int, int]] = []
    for i in range(first, len(lines)):
        raw = lines[i]
        if not raw.strip():
            pending_breaks.append((i + 1, len(raw) + 1))
            continue
        if _indent(raw) < indent:
            break
        more_indented = raw[indent:indent + 1] in (" ", "\t")
        if out:
            if style == ">" and previous_text and not more_indented and not pending_breaks:
                out.append((" ", (i, len(lines[i - 1]) + 1)))
            else:
                breaks = pending_breaks if style == ">" and previous_text and not more_indented else \
                    [(i, len(lines[i - 1]) + 1)] + pending_breaks
                out.extend(("\n", where) for where in breaks)
        else:  # empty lines before the first text are part of the value
            out.extend(("\n", where) for where in pending_breaks)
        pending_breaks = []
        out.extend((ch, (i + 1, indent + k + 1)) for k, ch in enumerate(raw[indent:]))
        previous_text = not more_indented
    return out


_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
            "r": "\r", "e": "\x1b", " ": " ", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}


def _flow_chars(value_line: int, value_col: int, style: str | None, lines: list[str]) -> _Chars:
    """Plain and quoted scalars: line breaks fold to a space, an empty line to a newline."""
    quote = style if style in ('"', "'") else None
    out: _Chars = []
    row, c = value_line - 1, value_col - 1 + (1 if quote else 0)
    key_indent = _indent(lines[row])
    while row < len(lines):
        raw = lines[row]
        k, keep, joined = c, len(out), False  # keep: out's length without the line's trailing spaces
        while k < len(raw):
            ch = raw[k]
            if quote == "'" and ch == "'":
                if raw[k + 1:k + 2] != "'":
                    return out
                out.append(("'", (row + 1, k + 1)))
                k, keep = k + 2, len(out)
                continue
            if quote == '"' and ch == '"':
                return out
            if quote == '"' and ch == "\\":
                nxt = raw[k + 1:k + 2]
                if nxt == "":  # an escaped line break joins the lines, keeping the spaces before it
                    joined, keep = True, len(out)
                    break
                width = {"x": 4, "u": 6, "U": 10}.get(nxt, 2)
                char = chr(int(raw[k + 2:k + width], 16)) if width > 2 else _ESCAPES.get(nxt, nxt)
                out.append((char, (row + 1, k + 1)))
                k, keep = k + width, len(out)
                continue
            if quote is None and (raw.startswith(" #", k) or raw.startswith("\t#", k)):
                break
            out.append((ch, (row + 1, k + 1)))
            k += 1
            if ch not in " \t":
                keep = len(out)
        del out[keep:]
        row += 1
        blanks = []
        while row < len(lines) and not lines[row].strip():
            blanks.append((row + 1, 1))
            row += 1
        if row >= len(lines) or (quote is None and _indent(lines[row]) <= key_indent):
            return out
        if not joined:
            out.extend([("\n", where) for where in blanks] or [(" ", (row, len(lines[row - 1]) + 1))])
        c = len(lines[row]) - len(lines[row].lstrip(" \t"))
    return out
