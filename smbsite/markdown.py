"""Markdown from records and articles: no raw HTML, only safe link schemes,
root-relative links moved under the base path, and every internal link
remembered with its source position so that a broken one is an error there."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token

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
    words or HTML (such text is rendered when it is shown, by the fast renderer)."""
    return needs_link_check(text) or bool(_MAY_HAVE_FINDINGS.search(text))


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


_URL_ATTR = re.compile(r'\s(?:href|src)="([^"]*)"')
try:  # optional: the Rust port of markdown-it; without it every text takes markdown-it-py
    from markdown_it_pyrs import MarkdownIt as _RustMarkdownIt

    # "zero" plus CommonMark's rules, table and strikethrough: everything but raw HTML
    _FAST: Any = _RustMarkdownIt("zero").enable_many([
        "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
        "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline",
        "strikethrough", "table"])
except ImportError:  # pragma: no cover - depends on the platform's wheels
    _FAST = None


class MarkdownRenderer:
    def __init__(self, base_path: str = "/"):
        self.base_path = base_path
        self._rejected: list[str] = []
        md = MarkdownIt("commonmark", {"html": False, "typographer": False, "xhtmlOut": False})
        md.enable(["table", "strikethrough"])
        md.validateLink = self._validate  # type: ignore[method-assign]
        self.md = md
        self._html_md: MarkdownIt | None = None  # the same rules with HTML on: only to find HTML

    def html(self, text: str) -> str:
        """HTML of text that holds no link to check or rewrite (see needs_link_check).

        markdown-it.rs renders it about twenty times faster, with the same rules and,
        on every text of the bundled site, the same bytes; any href or src in its
        output that is not plainly external sends the text the careful way instead.
        """
        if _FAST is not None and not needs_link_check(text):
            out = _FAST.render(text).replace(" />", ">")  # markdown-it-py's xhtmlOut=False
            if all(_PLAINLY_EXTERNAL.match(url) for url in _URL_ATTR.findall(out)):
                return out
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
        tokens = self.md.parse(text)
        lines = text.splitlines()
        links: list[Link] = []
        findings: list[Finding] = []
        used: set[tuple[int, int]] = set()
        block_line = 0
        for tok in tokens:
            if tok.map:
                block_line = tok.map[0]
            if tok.type == "inline" and tok.children:
                _inspect_inline(tok, block_line, lines, findings)
                self._rewrite_inline(tok, lines, links, used)
        if _TAG_START.search(text):
            findings.extend(self._raw_html(text, lines))
        html = self.md.renderer.render(tokens, self.md.options, {})
        unsafe = [Link(u, *_find(lines, u, 0, set())) for u in dict.fromkeys(self._rejected)]
        return Rendered(html, links, unsafe, findings)

    def _raw_html(self, text: str, lines: list[str]) -> list[Finding]:
        """HTML written in the text, which is shown as text (HTML is off): parsed again with
        HTML on to tell it from a '<' in a sentence, an autolink or code."""
        if self._html_md is None:
            self._html_md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
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

    def _rewrite_inline(self, tok: Token, lines: list[str], links: list[Link], used: set[tuple[int, int]]) -> None:
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
                links.append(Link(target, *_find(lines, url, line, used)))
                child.attrSet(attr, self.base_path + url[1:])


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
    """1-based (line, col) of url in the text, searching from line `near`; a place
    already given to an earlier link with the same address is skipped."""
    order = list(range(near, len(lines))) + list(range(0, near))
    for i in order:
        col = lines[i].find(url)
        while col >= 0:
            if (i + 1, col + 1) not in used:
                used.add((i + 1, col + 1))
                return i + 1, col + 1
            col = lines[i].find(url, col + 1)
    return near + 1, 1


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
