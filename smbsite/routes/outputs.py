"""The site graph's types: every output URL and what renders it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Callable

from ..model.site import SiteModel
from ..core.urls import Urls

if TYPE_CHECKING:
    from .views import View


@dataclass(frozen=True)
class Output:
    url: str  # site path: /members/acme/ or /feed.xml
    kind: str
    title: str = ""
    template: str | None = None  # Jinja template, or
    # machine-readable files: their bytes, made from the site model (serve's current one)
    produce: Callable[[SiteModel], bytes] | None = None
    context: View | None = None  # the template's own variables (routes/views.py); None: it has none
    source: str = "site.yaml"  # the file it comes from, for messages
    lastmod: date | None = None
    sitemap: bool = True
    copy_from: Any = None  # a file copied verbatim (static assets, logos, cached images)
    image: Any = None  # the page's og:image (identity.Social)
    # the page whose trail it follows in place of its folder's listing (a radio episode: /radio/)
    filed_under: str | None = None

    def __digest__(self) -> tuple:
        """What a list of outputs (the sitemap's) reads of each: where it is and what it is."""
        return self.url, self.kind, self.title, self.template, self.lastmod, self.sitemap, str(self.copy_from)


@dataclass(frozen=True)
class SiteGraph:
    """What the routes stage hands on, made with all its values: nothing sets any of them later
    (serve makes a new graph around a new model)."""

    site: SiteModel
    urls: Urls
    outputs: list[Output]
    nav: list[tuple[str, str]]  # (label, site path) of the main navigation
    by_url: dict[str, Output] = field(default_factory=dict)
    application_url: str | None = None  # where the join page sends a company that wants to join
    identity: Any = None  # identity.Identity: header logo, favicons, brand colours
    images: list[Any] = field(default_factory=list)  # imaging.Job: cache files to make before rendering
    stylesheets: list[str] = field(default_factory=list)  # the site's own, after the theme's, on every page

    def kinds(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for o in self.outputs:
            counts[o.kind] = counts.get(o.kind, 0) + 1
        return counts
