"""Markdown from records and articles: no raw HTML, only safe link schemes,
root-relative links moved under the base path, and every internal link
remembered with its source position so that a broken one is an error there."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore, replace as _replacements, smartquotes as _smartquotes, text_join
from markdown_it.token import Token

from .markdown_places import Columns, Destinations, TextSearch
from .urls import tel_href

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

    def __digest__(self) -> tuple[str, str]:
        """What decides the HTML, rendered or not yet (routes/dependencies.py compares builds by it)."""
        return self._renderer.base_path, self._text


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
        # typographer: curly quotes and apostrophes, en and em dashes from -- and ---; raw HTML stays off
        md = MarkdownIt("commonmark", {"html": False, "typographer": True, "xhtmlOut": False,
                                       "maxNesting": MAX_NESTING})
        md.enable(["table", "strikethrough", "replacements", "smartquotes"])
        md.core.ruler.before("replacements", "keep_addresses", _keep_addresses)
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
        found = Destinations(self.md, text)
        lines = found.lines
        columns = Columns(lines)
        links: list[Link] = []
        findings: list[Finding] = []
        block_line = 0
        for tok in tokens:
            if tok.map:
                block_line = tok.map[0]
            if tok.type == "inline" and tok.children:
                _inspect_inline(tok, block_line, columns, findings)
                self._rewrite_inline(tok, found, links)
        if _TAG_START.search(text):
            findings.extend(self._raw_html(text, lines))
        html = linkify(self.md.renderer.render(tokens, self.md.options, {}))
        unsafe = [Link(u, *found.where(u, 0)) for u in dict.fromkeys(self._rejected)]
        return Rendered(_no_form_feed(html), links, unsafe, findings, sorted(set(env.get("too_deep", []))))

    def _raw_html(self, text: str, lines: list[str]) -> list[Finding]:
        """HTML written in the text, which is shown as text (HTML is off): parsed again with
        HTML on to tell it from a '<' in a sentence, an autolink or code."""
        if self._html_md is None:
            self._html_md = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING}).enable(
                ["table", "strikethrough"])
        found: list[Finding] = []
        search = TextSearch(lines)
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
                        # (HTML over several lines is found by its first line)
                        where = search.find(child.content.split("\n", 1)[0], line)
                        found.append(Finding("raw-html", child.content, *where))
        return found

    def _rewrite_inline(self, tok: Token, found: Destinations, links: list[Link]) -> None:
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


# --- plain addresses become links ----------------------------------------------------
# Applied to the HTML of either renderer, so both give the same bytes: text outside
# links, code and preformatted blocks is searched for web addresses written out with
# http(s)://, email addresses and phone numbers. A link whose text is its own address
# is marked data-bare (the print stylesheet does not print such an address twice).

_LINKIFY_HINT = re.compile(r"https?://|@|\d{3}[ .)\-]")
_TAG = re.compile(r"(<[^>]*>)")
_PHONE = re.compile(
    r"(?<![\w+/.\-])(?:(?:\+\d{1,3}|1)[ .\-]?)?(?:\(\d{3}\)[ .\-]?|\d{3}[ .\-])\d{3}[ .\-]\d{4}(?![\w\-])"
    r"|(?<![\w+/])\+\d{1,3}(?:[ .\-]\d{1,4}){2,5}(?![\w\-])")
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})  # markdown-it's escapeHtml
_SKIP = {"a", "code", "pre"}
_linkifier: Any = None


def _escape(text: str) -> str:
    return text.translate(_HTML_ESCAPES)


def _unescape(text: str) -> str:
    return text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _matches(text: str) -> list[tuple[int, int, str]]:
    """(start, end, href) of every address in plain text, in order, none overlapping."""
    global _linkifier
    found: list[tuple[int, int, str]] = []
    if "://" in text or "@" in text:
        if _linkifier is None:
            from linkify_it import LinkifyIt
            _linkifier = LinkifyIt(options={"fuzzy_link": False, "fuzzy_ip": False, "fuzzy_email": True})
        for m in _linkifier.match(text) or ():
            if re.match(r"^(https?://|mailto:)", m.url, re.I):
                found.append((m.index, m.last_index, m.url))
    for m in _PHONE.finditer(text):
        if len(re.sub(r"\D", "", m.group())) < 8:
            continue
        if not any(s < m.end() and m.start() < e for s, e, _ in found):
            found.append((m.start(), m.end(), tel_href(m.group())))
    return sorted(found)


def _linkify_text(escaped: str) -> str:
    text = _unescape(escaped)
    found = _matches(text)
    if not found:
        return escaped
    out, at = [], 0
    for start, end, href in found:
        out.append(_escape(text[at:start]))
        bare = ' data-bare=""' if href.startswith("http") else ""
        out.append(f'<a href="{_escape(href)}"{bare}>{_escape(text[start:end])}</a>')
        at = end
    out.append(_escape(text[at:]))
    return "".join(out)


def _keep_addresses(state: Any) -> None:
    """Web and email addresses and phone numbers in plain text are made links after rendering:
    the typographer must not curl a quote or turn -- into a dash inside one. Each becomes a
    text_special token, which the typographer passes over and text_join makes text again."""
    for block in state.tokens:
        if block.type != "inline" or not block.children or not _LINKIFY_HINT.search(block.content):
            continue
        children = []
        for tok in block.children:
            found = _matches(tok.content) if tok.type == "text" and _LINKIFY_HINT.search(tok.content) else []
            if not found:
                children.append(tok)
                continue
            at, text = 0, tok.content
            for start, end, _ in found:
                # a quote around an address stays straight too: a curly one would read as part of it
                start -= 1 if start > at and text[start - 1] in "'\"" else 0
                end += 1 if end < len(text) and text[end] in "'\"" else 0
                for kind, piece in (("text", tok.content[at:start]), ("text_special", tok.content[start:end])):
                    if piece:
                        part = Token(kind, "", 0)
                        part.content, part.level = piece, tok.level
                        children.append(part)
                at = end
            if tok.content[at:]:
                rest = Token("text", "", 0)
                rest.content, rest.level = tok.content[at:], tok.level
                children.append(rest)
        block.children = children


# Plain text that may have something to set: a quote, an apostrophe, -- or ---, ... or (c)
_TYPESET_HINT = re.compile(r"['\"]|--|\.\.\.|\([cCrRtTpP]|\+-")
_typesetter: MarkdownIt | None = None


def typographic(text: str) -> str:
    """Plain text (a tagline, a quote, a summary) set as Markdown's typographer sets prose:
    curly quotes and apostrophes, en and em dashes from -- and ---, an ellipsis from ... .
    Web and email addresses and phone numbers stay exactly as written, and nothing else of
    Markdown applies (a * or _ is itself): the text is one run of text for the same rules."""
    global _typesetter
    if not _TYPESET_HINT.search(text):
        return text
    if _typesetter is None:
        _typesetter = MarkdownIt("commonmark", {"typographer": True})
    state = StateCore(text, _typesetter, {})
    run = Token("text", "", 0)
    run.content = text
    inline = Token("inline", "", 0)
    inline.content, inline.children = text, [run]
    state.tokens = [inline]
    for rule in (_keep_addresses, _replacements, _smartquotes, text_join):
        rule(state)
    return "".join(child.content for child in inline.children or ())


def linkify_plain(text: str) -> str:
    """Plain text (a benefit's "how to claim") as HTML, its addresses made links."""
    return _linkify_text(_escape(text))


def linkify(html: str) -> str:
    """Rendered Markdown with plain web and email addresses and phone numbers made links."""
    if not _LINKIFY_HINT.search(html):
        return html
    parts = _TAG.split(html)
    inside: list[str] = []  # open a/code/pre elements
    for i, part in enumerate(parts):
        if i % 2 == 1:  # a tag
            m = re.match(r"<(/?)([a-zA-Z0-9]+)", part)
            if not m or m.group(2).lower() not in _SKIP:
                continue
            name = m.group(2).lower()
            if m.group(1):
                if name in inside:
                    del inside[len(inside) - 1 - inside[::-1].index(name)]
            else:
                inside.append(name)
                href = re.match(r'<a href="(https?://[^"]*)"', part)
                if href and "data-bare" not in part and i + 2 < len(parts) and parts[i + 2] == "</a>" and \
                        _unescape(parts[i + 1]) == _unescape(href.group(1)):
                    parts[i] = part[:-1] + ' data-bare="">'
        elif part and not inside:
            parts[i] = _linkify_text(part)
    return "".join(parts)
def _inspect_inline(tok: Token, block_line: int, columns: Columns, findings: list[Finding]) -> None:
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
                col = columns.nth(at, _EMPTY_TEXT, nth("empty-link", at))
                if col is None:  # words over several lines, or an image with no description
                    col = (columns.lines[at].rfind("[") + 1 if 0 <= at < len(columns.lines) else 0) or 1
                findings.append(Finding("empty-link", href, at + 1, col))
        elif child.type in ("text", "code_inline") and open_links:
            open_links[-1][2].append(child.content)
        elif child.type == "image":
            src, alt = str(child.attrGet("src") or ""), child.content
            if open_links:
                open_links[-1][2].append(alt)
            col = columns.nth(line, _IMAGE_START, nth("image", line)) or 1
            if HAS_SCHEME.match(src) or src.startswith("//"):  # (its hint shows the description too)
                findings.append(Finding("outside-image", src, line + 1, col))
            elif not alt.strip():
                findings.append(Finding("empty-alt", src, line + 1, col))


def _no_form_feed(html: str) -> str:
    """A character reference to form feed (&#12;) is the one control character markdown-it
    lets through; XML forbids it and HTML reads it as a space. It becomes U+FFFD, as
    markdown-it makes of every other control character reference."""
    return html.replace("\x0c", "\ufffd") if "\x0c" in html else html
