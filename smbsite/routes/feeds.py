"""Feeds: /feed.xml (Atom 1.0, RFC 4287) and /radio/feed.xml (podcast RSS 2.0 + itunes).

Written as strings rather than through a template: the XML is small and fixed,
and escaping every value in one helper is easier to trust than autoescape
rules for .xml templates.
"""
from __future__ import annotations

import re
from datetime import datetime, time
from email.utils import format_datetime
from posixpath import splitext
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from ..model.site import Article, Event, SiteModel
    from ..core.urls import Urls

ATOM_ENTRIES = 20
PODCAST_COVER = "/static/podcast-cover.png"
PODCAST_CATEGORY = "Technology"  # one of Apple's podcast categories

# Characters XML 1.0 forbids even when escaped; YAML double-quoted strings can carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SITE_LINK = re.compile(r'(\s(?:href|src)=")(/(?!/))')

AUDIO_TYPES = {
    ".mp3": "audio/mpeg", ".m4a": "audio/x-m4a", ".mp4": "video/mp4", ".m4v": "video/x-m4v",
    ".mov": "video/quicktime", ".aac": "audio/aac", ".ogg": "audio/ogg", ".oga": "audio/ogg",
    ".opus": "audio/opus", ".wav": "audio/wav", ".flac": "audio/flac", ".webm": "audio/webm",
}


def text(value: object) -> str:
    return escape(_NOT_XML.sub("", str(value)))


def attr(value: object) -> str:
    return quoteattr(_NOT_XML.sub("", str(value)))


def absolute_links(html: str, urls: "Urls") -> str:
    """Feed readers show content away from the site, so its site links need the origin."""
    return _SITE_LINK.sub(lambda m: m.group(1) + urls.origin + m.group(2), html)


def tag_uri(urls: "Urls", day: object, site_path: str) -> str:
    """An RFC 4151 tag: stable even if the site moves from http to https or changes its title."""
    host = urlsplit(urls.origin).hostname or "localhost"
    return f"tag:{host},{day}:{urls.rel(site_path)}"


def rfc3339(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


# --- Atom ------------------------------------------------------------------------------

def atom(site: "SiteModel", urls: "Urls") -> bytes:
    cfg = site.config
    articles = site.articles[:ATOM_ENTRIES]
    updated = (max(a.published for a in articles) if articles
               else datetime.combine(site.as_of, time(0), ZoneInfo(cfg.timezone)))
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={attr(cfg.language)} '
           f'xml:base={attr(urls.abs("/"))}>',
           f"<id>{text(urls.abs('/feed.xml'))}</id>",
           f"<title>{text(cfg.title)}</title>"]
    if cfg.tagline:
        out.append(f"<subtitle>{text(cfg.tagline)}</subtitle>")
    out += [f'<link rel="self" type="application/atom+xml" href={attr(urls.abs("/feed.xml"))}/>',
            f'<link rel="alternate" type="text/html" href={attr(urls.abs("/articles/"))}/>',
            f"<updated>{rfc3339(updated)}</updated>",
            f"<author><name>{text(cfg.title)}</name><uri>{text(urls.abs('/'))}</uri></author>",
            '<generator>smbsite</generator>']
    out += [_atom_entry(a, site, urls) for a in articles]
    out.append("</feed>\n")
    return "\n".join(out).encode("utf-8")


def _atom_entry(a: "Article", site: "SiteModel", urls: "Urls") -> str:
    when = rfc3339(a.published)
    parts = ["<entry>",
             f"<id>{text(tag_uri(urls, a.published.date().isoformat(), a.url))}</id>",
             f"<title>{text(a.title)}</title>",
             f'<link rel="alternate" type="text/html" href={attr(urls.abs(a.url))}/>',
             f"<published>{when}</published>",
             f"<updated>{when}</updated>",
             f"<author><name>{text(a.author or site.config.title)}</name></author>"]
    parts += [f"<category term={attr(t)}/>" for t in a.tags]
    if a.summary:
        parts.append(f'<summary type="text">{text(a.summary)}</summary>')
    parts.append(f'<content type="html">{text(absolute_links(str(a.html), urls))}</content>')
    parts.append("</entry>")
    return "\n".join(parts)


# --- podcast RSS -------------------------------------------------------------------------

def episodes(site: "SiteModel") -> list["Event"]:
    """Radio episodes with a recording, newest first."""
    return sorted((e for e in site.events if e.type == "radio" and e.audio is not None),
                  key=lambda e: (e.start, e.slug), reverse=True)


def audio_type(url: str) -> str:
    return AUDIO_TYPES.get(splitext(urlsplit(url).path)[1].lower(), "audio/mpeg")


def hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def podcast(site: "SiteModel", urls: "Urls", cover: bool = True) -> bytes:
    cfg = site.config
    title = f"{cfg.title} Radio"
    about = (f"{title}: the call-in show where small-business owners meet the IT providers "
             f"of {cfg.title}.")
    items = episodes(site)
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
           'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
           "<channel>",
           f"<title>{text(title)}</title>",
           f"<link>{text(urls.abs('/radio/'))}</link>",
           f"<description>{text(about)}</description>",
           f"<language>{text(cfg.language)}</language>",
           f'<atom:link href={attr(urls.abs("/radio/feed.xml"))} rel="self" type="application/rss+xml"/>',
           "<generator>smbsite</generator>"]
    if items:
        out.append(f"<lastBuildDate>{format_datetime(items[0].start)}</lastBuildDate>")
    out += [f"<itunes:author>{text(cfg.title)}</itunes:author>",
            "<itunes:type>episodic</itunes:type>",
            f"<itunes:owner><itunes:name>{text(cfg.title)}</itunes:name>"
            + (f"<itunes:email>{text(cfg.contact.email)}</itunes:email>" if cfg.contact and cfg.contact.email else "")
            + "</itunes:owner>"]
    if cover:
        out += [f"<itunes:image href={attr(urls.abs(PODCAST_COVER))}/>",
                f"<image><url>{text(urls.abs(PODCAST_COVER))}</url><title>{text(title)}</title>"
                f"<link>{text(urls.abs('/radio/'))}</link></image>"]
    out += [f"<itunes:category text={attr(PODCAST_CATEGORY)}/>",
            "<itunes:explicit>false</itunes:explicit>"]
    out += [_episode(e, urls) for e in items]
    out += ["</channel>", "</rss>\n"]
    return "\n".join(out).encode("utf-8")


def _episode(e: "Event", urls: "Urls") -> str:
    audio = e.audio
    assert audio is not None
    page = urls.abs(e.url)
    summary = e.summary or e.title
    parts = ["<item>",
             f"<title>{text(e.title)}</title>",
             f"<link>{text(page)}</link>",
             f"<description>{text(summary)}</description>",
             f'<guid isPermaLink="false">{text(tag_uri(urls, e.start.date().isoformat(), e.url))}</guid>',
             f"<pubDate>{format_datetime(e.start)}</pubDate>",
             f'<enclosure url={attr(audio.url)} length="{audio.bytes}" type={attr(audio_type(audio.url))}/>']
    if audio.duration:
        parts.append(f"<itunes:duration>{hms(audio.duration)}</itunes:duration>")
    parts += ["<itunes:episodeType>full</itunes:episodeType>",
              "<itunes:explicit>false</itunes:explicit>"]
    if e.description_html:
        parts.append(f"<content:encoded>{text(absolute_links(str(e.description_html), urls))}</content:encoded>")
    parts.append("</item>")
    return "\n".join(parts)
