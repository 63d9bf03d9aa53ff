"""Markdown of every record, rendered as derive makes it, and the site links it holds.

Rendering is lazy where it can be: text with nothing to check (no site link, image,
HTML or deep nesting) is rendered when a template first shows it. Text with
something to check is rendered now, its findings reported at their file, line and
column, and its site links kept until every URL of the site is known (check()).
"""
from __future__ import annotations

import difflib
from typing import Any, Callable, Iterable

from ..model.site import copied
from ..model.kinds import KINDS
from ..core.markdown import LazyHtml, MarkdownRenderer, needs_check
from ..reading.sourcemap import source_mapper
from ..checking.messages import markdown_problems
from ..core.problems import Problems, did_you_mean, shorten


class MarkdownLinks:
    def __init__(self, base_path: str, problems: Problems, texts: dict[str, str]):
        self.problems = problems
        self.texts = texts  # source path -> its text as loaded, for the lines links are found on
        self._lines_cache: dict[str, list[str]] = {}
        self.md = MarkdownRenderer(base_path)
        self.links: list[tuple[str, str, int, int]] = []  # (target, source path, line, col)

    def rendered(self, kind: str, source: str, pos: Any, values: dict[str, Any]) -> dict[str, Any]:
        """values (a record's fields, as derive is making them) with every Markdown field of its kind
        rendered: description_html; each benefit (a copy) with its details_html; a front-matter
        kind's body as html. Site links are noted for check_links."""
        declared = KINDS[kind]
        out = dict(values)
        for path in declared.markdown:
            if len(path) == 1:
                out[path[0] + "_html"] = self.markdown_field(source, pos, path, values.get(path[0]))
                continue
            items, field = path
            out[items] = [copied(item, **{field + "_html": self.markdown_field(source, pos, (items, i, field),
                                                                              getattr(item, field))})
                          for i, item in enumerate(values.get(items) or ())]
        if declared.front_matter:
            out["html"] = self.markdown_body(source, values["body"], values["body_line"])
        return out

    def markdown_field(self, source: str, pos: Any, key: tuple, text: str | None) -> LazyHtml:
        """Markdown of a YAML value; parsed now only when it has links to check."""
        if not text or not needs_check(text):
            return LazyHtml(self.md, text or "")
        rendered = self.md.render(text)
        line, col = pos.value(key)
        to_file = source_mapper(line, col, pos.style(key), self._file_lines(source))
        self._record_links(rendered, source, to_file)
        return LazyHtml(self.md, text, rendered.html)

    def markdown_body(self, source: str, body: str, body_line: int) -> LazyHtml:
        """Markdown below front matter; its lines follow the front matter's."""
        if not needs_check(body):
            return LazyHtml(self.md, body)
        rendered = self.md.render(body)
        self._record_links(rendered, source, lambda line, col: (body_line + line - 1, col))
        return LazyHtml(self.md, body, rendered.html)

    def in_order(self, sources: Iterable[str], only: bool = False) -> None:
        """Put the noted links in the order of sources (the records as the site lists them), so
        which broken links get a searched hint does not depend on the order records were made in;
        only: keep the links of those sources alone."""
        rank = {s: i for i, s in enumerate(sources)}
        if only:
            self.links = [link for link in self.links if link[1] in rank]
        self.links.sort(key=lambda link: rank.get(link[1], len(rank)))

    def _record_links(self, rendered: Any, source: str, to_file: Callable[[int, int], tuple[int, int]]) -> None:
        for link in rendered.links:
            self.links.append((link.target, source, *to_file(link.line, link.col)))
        for line, col, severity, message, hint in markdown_problems(rendered):
            add = self.problems.warning if severity == "warning" else self.problems.error
            add(source, *to_file(line, col), message, hint)

    def _file_lines(self, source: str) -> list[str]:
        if source not in self._lines_cache:
            # lines as a text file reads them ('\r\n' is a line end; U+2028 and others are not)
            text = self.texts[source]
            self._lines_cache[source] = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return self._lines_cache[source]

    def check_links(self, urls: Any, failed: Iterable[str] = ()) -> None:
        """Every site link noted so far must name one of urls (a page in failed, left out for
        its own errors, has been reported already: a link to it is not reported again)."""
        failed = set(failed)
        candidates: list[str] | None = None
        # each broken address is looked up once, and only so many: a search costs a pass over
        # every URL of the site, and a record may hold thousands of broken links
        hints: dict[str, str] = {}
        for target, source, line, col in self.links:
            # the file a page is written to names the page too: /about/index.html is /about/
            page = target[:-len("index.html")] if target.endswith("/index.html") else target
            if page in urls or (page + "/") in urls or page in failed or (page + "/") in failed:
                continue
            searched = target in hints or len(hints) < HINTS_SEARCHED
            if file_kind(target) is not None:
                if searched and target not in hints:
                    hints[target] = missing_file_hint(target, urls)
                self.problems.error(source, line, col, f"link to {shorten(target)}, a file that does not exist",
                                    hints[target] if searched else STATIC_HINT)
                continue
            if searched and target not in hints:
                if candidates is None:
                    candidates = [u for u in urls if not u.startswith("/static/")]
                hints[target] = did_you_mean(target, candidates) or PAGE_HINT
            self.problems.error(source, line, col, f"link to {shorten(target)}, a page that does not exist",
                                hints[target] if searched else PAGE_HINT)


HINTS_SEARCHED = 200  # broken addresses a did-you-mean is searched for in one check
PAGE_HINT = "link to a page of this site, e.g. /members/"
STATIC_HINT = "files in the site's templates/static/ folder are published at /static/"


# A missing image is another image misnamed, never a script: suggestions stay within a kind.
FILE_KINDS = {
    "image": (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif", ".ico"),
    "document": (".pdf", ".doc", ".docx", ".odt", ".ppt", ".pptx", ".xls", ".xlsx", ".csv", ".txt"),
    "audio": (".mp3", ".m4a", ".ogg", ".oga", ".wav"),
    "video": (".mp4", ".webm", ".mov"),
    "script": (".js", ".mjs"),
    "style": (".css",),
    "font": (".woff", ".woff2", ".ttf", ".otf"),
    "archive": (".zip",),
}


def file_kind(target: str) -> str | None:
    """The kind of file a link names by its suffix (None: a page, or no suffix anyone publishes)."""
    name = target.rsplit("/", 1)[-1].lower()
    if "." not in name or name.endswith((".html", ".htm", ".xml", ".json", ".ics")):
        return None
    suffix = "." + name.rsplit(".", 1)[1]
    return next((kind for kind, suffixes in FILE_KINDS.items() if suffix in suffixes), suffix)


def missing_file_hint(target: str, urls: Iterable[str]) -> str:
    """A published file of the same kind with a close name, else where such a file goes."""
    kind = file_kind(target)
    name = target.rsplit("/", 1)[-1]
    # by file name: the folder they share (/static/) would make any two files look alike
    by_name: dict[str, list[str]] = {}
    for u in urls:
        if file_kind(u) == kind:
            by_name.setdefault(u.rsplit("/", 1)[-1], []).append(u)
    close = difflib.get_close_matches(name, sorted(by_name), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{min(by_name[close[0]])}'?"
    if target.startswith("/static/"):
        return (f"files in the site's templates/static/ folder are published at /static/: "
                f"put {name} at templates/{target.lstrip('/')}")
    return (f"files in the site's templates/static/ folder are published at /static/: "
            f"put {shorten(name)} there and link /static/{shorten(name)}")
