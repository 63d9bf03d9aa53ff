#!/usr/bin/env python3
"""The floor: the same records rendered by a bare loop, no validation.

    python3 benchmarks/floor.py SITE OUT [--jobs 2]

PyYAML (CSafeLoader) + one markdown-it-py MarkdownIt("commonmark") + Jinja2 with
trivial inline templates. Writes one page per member, article, page, event and
vendor, a members index, an articles list and one page per specialty. With
--jobs N the record files are split across N forked processes; the index pages
are written by the parent from what the workers return.
"""
import argparse
import multiprocessing
from pathlib import Path

import yaml
from jinja2 import DictLoader, Environment
from markupsafe import Markup
from markdown_it import MarkdownIt

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MD = MarkdownIt("commonmark", {"html": False})  # raw HTML off, as smbsite must do
ENV = Environment(autoescape=True, loader=DictLoader({
    "base.html": '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }} | {{ site }}'
                 '</title></head><body><main>{% block main %}{% endblock %}</main></body></html>\n',
    "record.html": '{% extends "base.html" %}{% block main %}<h1>{{ title }}</h1><p>{{ summary }}</p>'
                   '{% if facts %}<dl>{% for k, v in facts %}<dt>{{ k }}</dt><dd>{{ v }}</dd>{% endfor %}</dl>'
                   '{% endif %}{{ body }}{% endblock %}',
    "list.html": '{% extends "base.html" %}{% block main %}<h1>{{ title }}</h1><ul>{% for url, name, summary in items %}'
                 '<li><a href="{{ url }}">{{ name }}</a> {{ summary }}</li>{% endfor %}</ul>{% endblock %}',
}))
# kind -> (source folder, glob, URL prefix)
KINDS = {"member": ("members", "*.y*ml", "/members/"), "vendor": ("vendors", "*.y*ml", "/vendors/"),
         "event": ("events", "*.y*ml", "/events/"), "page": ("content/pages", "*.md", "/"),
         "article": ("content/articles", "*.md", "/articles/")}


def write(out: Path, url: str, html: str):
    path = out / url.strip("/") / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


def read(path: Path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        _, front, body = text.split("---\n", 2)
        return yaml.load(front, Loader=LOADER), body
    meta = yaml.load(text, Loader=LOADER)
    return meta, meta.get("description") or ""


def render(job):
    """Render one page per record file; return (kind, slug, url, title, summary, specialties, date) rows."""
    out, site_title, files = job
    template = ENV.get_template("record.html")
    rows = []
    for kind, path in files:
        meta, body = read(path)
        url = KINDS[kind][2] + path.stem + "/"
        title = meta.get("name") or meta.get("title") or path.stem
        facts = [(k, ", ".join(map(str, v)) if isinstance(v, list) else v)
                 for k in ("city", "state", "specialties", "vendors", "starts", "date", "author")
                 if (v := meta.get(k))]
        write(out, url, template.render(site=site_title, title=title, summary=meta.get("summary", ""),
                                        facts=facts, body=Markup(MD.render(body))))
        rows.append((kind, path.stem, url, title, meta.get("summary", ""),
                     meta.get("specialties") or (), str(meta.get("date", ""))))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("site", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--jobs", type=int, default=1)
    a = ap.parse_args()

    site = yaml.load((a.site / "site.yaml").read_text(encoding="utf-8"), Loader=LOADER)
    files = [(kind, p) for kind, (sub, pattern, _) in KINDS.items() for p in sorted((a.site / sub).glob(pattern))]
    a.out.mkdir(parents=True, exist_ok=True)
    if a.jobs > 1:
        with multiprocessing.get_context("fork").Pool(a.jobs) as pool:
            parts = pool.map(render, [(a.out, site["title"], files[i::a.jobs]) for i in range(a.jobs)])
    else:
        parts = [render((a.out, site["title"], files))]
    rows = [r for part in parts for r in part]

    lists = ENV.get_template("list.html")
    members = sorted((r for r in rows if r[0] == "member"), key=lambda r: r[3].casefold())
    write(a.out, "/members/", lists.render(site=site["title"], title="Members",
                                           items=[(r[2], r[3], r[4]) for r in members]))
    articles = sorted((r for r in rows if r[0] == "article"), key=lambda r: r[6], reverse=True)
    write(a.out, "/articles/", lists.render(site=site["title"], title="Articles",
                                            items=[(r[2], r[3], r[4]) for r in articles]))
    for key, spec in site["specialties"].items():
        write(a.out, f"/partners/{key}/", lists.render(
            site=site["title"], title=spec["label"], items=[(r[2], r[3], r[4]) for r in members if key in r[5]]))
    print(f"floor: {len(rows)} records, {len(site['specialties'])} specialties -> {a.out}")


if __name__ == "__main__":
    main()
