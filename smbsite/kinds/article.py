"""The article kind: news in Markdown with front matter (content/articles/<slug>.md): the news
listing in pages of twenty, a page per tag, a page per article with its newer and older
neighbours, the Atom feed, the text of `smbsite new article`."""
from __future__ import annotations

import math
from datetime import date
from typing import Any

from ..checking.validate import Valid, Validator
from ..core.slugify import slugify
from ..core.urls import Urls
from ..routes.identity import day
from ..model.fields import PLACEHOLDER
from ..model.kinds import Kind
from ..model.places import in_zone
from ..model.records import ArticleMeta
from ..model.site import Article, SiteConfig, SiteModel, construct
from ..reading.load import Source
from ..routes import feeds
from ..routes.outputs import Output
from ..routes.views import ArticlesView, ArticleView

ARTICLES_PER_PAGE = 20


def check(v: Validator, valid: Valid, cfg: Any) -> Valid:
    v.body_placeholder(valid.src)
    return valid


def check_raw(v: Validator, src: Source, cfg: Any) -> None:
    v.body_placeholder(src)


def derive(valid: Valid, cfg: SiteConfig, as_of: date, fields: dict[str, Any]) -> Article:
    return construct(Article, **fields, published=in_zone(valid.rec.date, cfg.timezone))


def card(a: Article) -> str:
    """Under the title on its link-preview card: News · March 30, 2027."""
    return f"News · {day(a.published)}"


def order(articles: list[Article]) -> list[Article]:
    """Newest first."""
    return sorted(articles, key=lambda a: (a.published, a.slug), reverse=True)


def pages(self: Any) -> None:
    if not self.site.config.sections.news:
        return
    arts = self.site.articles
    count = max(1, math.ceil(len(arts) / ARTICLES_PER_PAGE))

    def page_url(n: int) -> str:
        return "/articles/" if n == 1 else f"/articles/page/{n}/"

    for n in range(1, count + 1):
        chunk = arts[(n - 1) * ARTICLES_PER_PAGE: n * ARTICLES_PER_PAGE]
        self.add(url=page_url(n), kind="articles", title="News" if n == 1 else f"News, page {n}",
                 template="articles.html", context=ArticlesView(articles=chunk, page_number=n, page_count=count,
                                                                prev_url=page_url(n - 1) if n > 1 else None,
                                                                next_url=page_url(n + 1) if n < count else None))
    # a page per tag, so the tags under an article lead somewhere
    tagged: dict[str, tuple[str, list[Any]]] = {}
    for a in arts:
        for tag in a.tags or ():
            key = slugify(tag)
            if key and a not in tagged.setdefault(key, (tag, []))[1]:
                tagged[key][1].append(a)
    for key, (tag, items) in sorted(tagged.items()):
        self.add(url=f"/articles/tags/{key}/", kind="articles", title=f"News about {tag}",
                 template="articles.html",
                 context=ArticlesView(articles=items, page_number=1, page_count=1, prev_url=None, next_url=None))
    for i, a in enumerate(arts):
        newer = arts[i - 1] if i > 0 else None
        older = arts[i + 1] if i + 1 < len(arts) else None
        self.add(url=a.url, source=a.source, kind="article", title=a.title, template="article.html",
                 context=ArticleView(article=a, newer=newer, older=older),
                 lastmod=a.published.date())


def files(site: SiteModel, urls: Urls, pages: list[Output]) -> list[Output]:
    if not site.config.sections.news:  # a section turned off publishes no feed either
        return []
    return [Output(url="/feed.xml", kind="feed", sitemap=False, produce=lambda site: feeds.atom(site, urls))]


def scaffold(name: str, w: Any) -> str:
    fields = [
        ("title", w.scalar(name), []),
        ("date", w.site.today, []),
        ("author", '""', []),
        ("summary", '""', []),
        ("tags", "[]", []),
        ("draft", "false", []),
    ]
    front = [line for line in w.block(ArticleMeta, fields) if line]
    body = [f"{PLACEHOLDER}: write the article here, in Markdown.", "",
            "Separate paragraphs with a blank line, make lists with - at the start of a line,",
            "and links like [the member directory](/members/)."]
    return "\n".join(["---", *front, "---", *body]) + "\n"


DOCS = {
    ArticleMeta: {
        "title": "The headline.",
        "date": "The publication date, YYYY-MM-DD (or a local date-time, YYYY-MM-DDTHH:MM).",
        "author": "Who wrote it.",
        "summary": "One or two sentences for the article list and the feed.",
        "tags": "Topics, e.g. [conference, radio].",
        "draft": "true keeps the article off the site (smbsite check still checks it).",
    },
}

KIND = Kind(
    "article", "content/articles", (".md",), ArticleMeta, "/articles/{slug}/", "articles", Article,
    shape=("title", "date", "draft", "tags"), prose=(("title",), ("summary",)), front_matter=True, reserved=("feed",),
    check=check, check_raw=check_raw, derive=derive, order=order, pages=pages, files=files, card=card,
    scaffold=scaffold, docs=DOCS,
)
