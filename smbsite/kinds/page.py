"""The page kind: a page of the site in Markdown with front matter (content/pages/<slug>.md),
published at /<slug>/: its slug may not take an address the site or another kind uses."""
from __future__ import annotations

from typing import Any

from ..checking.validate import Valid, Validator
from ..model.kinds import Kind, reserved_page_slugs
from ..model.records import PageMeta
from ..model.site import Page
from ..routes.views import PageView


def check(v: Validator, valid: Valid, cfg: Any) -> Valid | None:
    src = valid.src
    published = not valid.rec.draft or v.drafts
    if published and src.slug in reserved_page_slugs():
        v.problems.error(src.path, 1, 1, f"a page cannot be called '{src.slug}': /{src.slug}/ belongs to the site",
                         "rename the file")
        return None
    return valid


def order(pages: list[Page]) -> list[Page]:
    """By their place in the menu, then by title."""
    return sorted(pages, key=lambda p: (p.menu is None, p.menu or 0, p.title.casefold(), p.slug))


def pages(self: Any) -> None:
    for p in self.site.pages:
        self.add(url=p.url, source=p.source, kind="page", title=p.title, template="page.html",
                 context=PageView(page_doc=p))


KIND = Kind(
    "page", "content/pages", (".md",), PageMeta, "/{slug}/", "pages", Page,
    shape=("title", "menu", "draft"), prose=(("title",),), front_matter=True, name_word="page's title",
    check=check, order=order, pages=pages,
)
