"""Markdown of every record, rendered into the site model, and the site links it holds.

Rendering is lazy where it can be: text with nothing to check (no site link, image,
HTML or deep nesting) is rendered when a template first shows it. Text with
something to check is rendered now, its findings reported at their file, line and
column, and its site links kept until every URL of the site is known (check()).
"""
from __future__ import annotations

import difflib
from typing import Any, Callable, Iterable

from ..model.site import SiteModel, derived
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

    def render_all(self, site: SiteModel) -> None:
        for kind in KINDS.values():
            for rec in getattr(site, kind.attr):
                self.record_markdown(kind.name, rec)

    def record_markdown(self, kind: str, rec: Any) -> None:
        """Every Markdown field of one record, its site links noted for checking."""
        declared = KINDS[kind]
        for path in declared.markdown:
            if len(path) == 1:
                derived(rec, **{path[0] + "_html": self.markdown_field(rec, path, getattr(rec, path[0]))})
                continue
            items, field = path
            for i, item in enumerate(getattr(rec, items)):
                derived(item, **{field + "_html": self.markdown_field(rec, (items, i, field), getattr(item, field))})
        if declared.front_matter:
            derived(rec, html=self.markdown_body(rec))

    def markdown_field(self, rec: Any, key: tuple, text: str) -> LazyHtml:
        """Markdown of a YAML value; parsed now only when it has links to check."""
        if not text or not needs_check(text):
            return LazyHtml(self.md, text or "")
        rendered = self.md.render(text)
        line, col = rec.pos.value(key)
        to_file = source_mapper(line, col, rec.pos.style(key), self._file_lines(rec.source))
        self._record_links(rendered, rec.source, to_file)
        return LazyHtml(self.md, text, rendered.html)

    def markdown_body(self, rec: Any) -> LazyHtml:
        """Markdown below front matter; its lines follow the front matter's."""
        if not needs_check(rec.body):
            return LazyHtml(self.md, rec.body)
        rendered = self.md.render(rec.body)
        self._record_links(rendered, rec.source, lambda line, col: (rec.body_line + line - 1, col))
        return LazyHtml(self.md, rec.body, rendered.html)

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
