"""JSON-LD for pages (Organization, Event, LocalBusiness, NewsArticle)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    from .graph import Output, SiteGraph


def for_output(graph: "SiteGraph", out: "Output") -> Markup:
    """The <script type="application/ld+json"> body for a page, or '' when it has none."""
    return Markup("")
