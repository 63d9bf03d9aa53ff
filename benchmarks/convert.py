#!/usr/bin/env python3
"""Turn a synthetic smbsite folder into a comparable Hugo, Jekyll or Pelican project.

    python3 benchmarks/convert.py hugo|jekyll|pelican SITE DEST

DEST is replaced. Every tool gets the same documents: members (front matter: title,
summary, city, state, specialties, vendors; description as Markdown body), articles
as posts, pages, and vendors/events as plain pages; one single-page layout, one list
layout, and term pages listing the members of each specialty and each state.
  hugo:    taxonomies specialty -> /specialties/<key>/, state -> /states/<code>/; RSS off;
           future-dated content built (as smbsite does).
  jekyll:  collection `members`, articles in _posts; no feature plugins. Jekyll has no
           built-in taxonomy pages for collections, so one generated page per term filters
           site.members with the built-in `where` filter. _plugins/ holds only the backport
           of Jekyll 4.3.2's fix for a quadratic Site#each_site_file (Debian 12 has 4.3.1);
           --no-jekyll-fix leaves it out.
  pelican: members and articles are Pelican articles (member category = state,
           tags = specialties, which Pelican turns into category and tag pages);
           pages, vendors and events are Pelican pages; feeds, author and archive pages off.
"""
import argparse
import json
import shutil
from pathlib import Path

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
HEAD = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{t}</title></head><body><main>'
FOOT = "</main></body></html>\n"


def documents(site: Path):
    """Yield (kind, slug, meta, body) for every record; meta has title and summary (plus member fields)."""
    for p in sorted((site / "members").glob("*.y*ml")):
        m = yaml.load(p.read_text("utf-8"), Loader=LOADER)
        yield "member", p.stem, {"title": m["name"], "summary": m["summary"], "date": str(m["joined"]),
                                 "city": m["city"], "state": m["state"], "specialties": m["specialties"],
                                 "vendors": m.get("vendors", [])}, m.get("description") or ""
    for kind, sub in (("vendor", "vendors"), ("event", "events")):
        for p in sorted((site / sub).glob("*.y*ml")):
            r = yaml.load(p.read_text("utf-8"), Loader=LOADER)
            yield kind, p.stem, {"title": r.get("name") or r["title"], "summary": r.get("summary", "")}, \
                r.get("description") or ""
    for kind, sub in (("page", "pages"), ("article", "articles")):
        for p in sorted((site / "content" / sub).glob("*.md")):
            _, front, body = p.read_text("utf-8").split("---\n", 2)
            fm = yaml.load(front, Loader=LOADER)
            meta = {"title": fm["title"], "summary": fm.get("summary", "")}
            if kind == "article":
                meta |= {"date": str(fm["date"]), "author": fm.get("author", "")}
            yield kind, p.stem, meta, body


def specialties(site: Path):
    return yaml.load((site / "site.yaml").read_text("utf-8"), Loader=LOADER)["specialties"]


def put(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def front(meta: dict, body: str) -> str:
    """YAML front matter; JSON values are valid YAML and need no quoting rules."""
    return "---\n" + "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in meta.items()) + "---\n" + body


# ---------------------------------------------------------------- Hugo
HUGO_SINGLE = HEAD.format(t="{{ .Title }} | {{ site.Title }}") + """<h1>{{ .Title }}</h1><p>{{ .Params.summary }}</p>
{{ with .Params.city }}<p>{{ . }}, {{ $.Params.state }}</p>{{ end }}
{{ with .GetTerms "specialties" }}<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
{{ with .Params.vendors }}<p>Vendors: {{ delimit . ", " }}</p>{{ end }}
{{ .Content }}""" + FOOT
HUGO_LIST = HEAD.format(t="{{ .Title }} | {{ site.Title }}") + """<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ .Params.summary }}</li>{{ end }}</ul>""" + FOOT


def to_hugo(site: Path, dest: Path):
    put(dest / "config.toml", 'baseURL = "https://example.github.io/smbtn/"\ntitle = "SMB Technology Network"\n'
        'languageCode = "en"\nbuildFuture = true\ndisableKinds = ["RSS"]\n[taxonomies]\n  specialty = "specialties"\n  state = "states"\n')
    put(dest / "layouts/_default/single.html", HUGO_SINGLE)
    put(dest / "layouts/_default/list.html", HUGO_LIST)
    labels = specialties(site)
    for key, spec in labels.items():
        put(dest / f"content/specialties/{key}/_index.md", front({"title": spec["label"]}, ""))
    section = {"member": "members", "vendor": "vendors", "event": "events", "page": "", "article": "articles"}
    for kind, slug, meta, body in documents(site):
        if kind == "member":
            meta = dict(meta, states=[meta["state"]])
            del meta["date"]
        put(dest / "content" / section[kind] / f"{slug}.md", front(meta, body))


# ---------------------------------------------------------------- Jekyll
JEKYLL_DEFAULT = HEAD.format(t="{{ page.title }} | {{ site.title }}") + """<h1>{{ page.title }}</h1><p>{{ page.summary }}</p>
{% if page.city %}<p>{{ page.city }}, {{ page.state }}</p>{% endif %}
{% if page.specialties %}<ul>{% for s in page.specialties %}<li><a href="{{ '/specialties/' | append: s | append: '/' | relative_url }}">{{ s }}</a></li>{% endfor %}</ul>{% endif %}
{% if page.vendors.size > 0 %}<p>Vendors: {{ page.vendors | join: ", " }}</p>{% endif %}
{{ content }}""" + FOOT
JEKYLL_LIST = HEAD.format(t="{{ page.title }} | {{ site.title }}") + """<h1>{{ page.title }}</h1>
{% if page.collection == "posts" %}{% assign items = site.posts %}{% elsif page.field %}{% assign items = site.members | where: page.field, page.key %}{% else %}{% assign items = site[page.collection] %}{% endif %}
<ul>{% for d in items %}<li><a href="{{ d.url | relative_url }}">{{ d.title }}</a> {{ d.summary }}</li>{% endfor %}</ul>""" + FOOT


JEKYLL_FIX = """# Backport of jekyll/jekyll#9187 (in Jekyll 4.3.2+): Site#each_site_file checked every file
# against an Array of the files already seen, O(n^2) in site size (minutes at 10k documents).
# Debian 12 ships Jekyll 4.3.1. Same output; no effect on Jekyll >= 4.3.2.
if Gem::Version.new(Jekyll::VERSION) < Gem::Version.new("4.3.2")
  module Jekyll
    class Site
      def each_site_file
        pages.each { |page| yield page }
        static_files.each { |file| yield(file) if file.write? }
        collections.each_value { |coll| coll.docs.each { |doc| yield(doc) if doc.write? } }
      end
    end
  end
end
"""


def to_jekyll(site: Path, dest: Path, fix: bool = True):
    put(dest / "_config.yml", 'title: "SMB Technology Network"\nbaseurl: "/smbtn"\nmarkdown: kramdown\nfuture: true\n'
        "permalink: /articles/:title/\ncollections:\n  members: {output: true, permalink: /members/:name/}\n"
        "exclude: [Gemfile, Gemfile.lock]\n")
    if fix:
        put(dest / "_plugins/backport_9187.rb", JEKYLL_FIX)
    put(dest / "_layouts/default.html", JEKYLL_DEFAULT)
    put(dest / "_layouts/list.html", JEKYLL_LIST)
    put(dest / "members/index.html", front({"layout": "list", "title": "Members", "collection": "members"}, ""))
    put(dest / "articles/index.html", front({"layout": "list", "title": "Articles", "collection": "posts"}, ""))
    states = set()
    for kind, slug, meta, body in documents(site):
        meta = dict(meta, layout="default")
        if kind == "member":
            states.add(meta["state"])
            put(dest / "_members" / f"{slug}.md", front(meta, body))
        elif kind == "article":
            put(dest / "_posts" / f"{meta['date']}-{slug}.md", front(meta, body))
        else:
            url = {"vendor": "/vendors/", "event": "/events/", "page": "/"}[kind] + slug + "/"
            put(dest / "pages" / kind / f"{slug}.md", front(dict(meta, permalink=url), body))
    for field, terms in (("specialties", {k: s["label"] for k, s in specialties(site).items()}),
                         ("state", {s: s for s in sorted(states)})):
        for key, title in terms.items():
            put(dest / f"{'specialties' if field == 'specialties' else 'states'}/{key.lower()}/index.html",
                front({"layout": "list", "title": title, "field": field, "key": key}, ""))


# ---------------------------------------------------------------- Pelican
PELICAN_CONF = '''AUTHOR = "SMBTN"
SITENAME = "SMB Technology Network"
SITEURL = ""
PATH = "content"
THEME = "theme"
TIMEZONE = "America/Los_Angeles"
DEFAULT_LANG = "en"
ARTICLE_PATHS = ["members", "articles"]
PAGE_PATHS = ["pages"]
DIRECT_TEMPLATES = ["index"]
DEFAULT_PAGINATION = False
CATEGORY_SAVE_AS = "states/{slug}/index.html"
CATEGORY_URL = "states/{slug}/"
TAG_SAVE_AS = "specialties/{slug}/index.html"
TAG_URL = "specialties/{slug}/"
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = TAGS_SAVE_AS = CATEGORIES_SAVE_AS = ARCHIVES_SAVE_AS = ""
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
FORMATTED_FIELDS = []
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
'''
PELICAN_BASE = HEAD.format(t="{% block title %}{{ SITENAME }}{% endblock %}") + "{% block main %}{% endblock %}" + FOOT
PELICAN_SINGLE = """{% extends "base.html" %}{% block title %}{{ X.title }} | {{ SITENAME }}{% endblock %}
{% block main %}<h1>{{ X.title }}</h1><p>{{ X.metadata.get("summary", "") }}</p>
{% if X.city %}<p>{{ X.city }}, {{ X.category }}</p>{% endif %}
{% if X.tags %}<ul>{% for t in X.tags %}<li><a href="/{{ t.url }}">{{ t }}</a></li>{% endfor %}</ul>{% endif %}
{% if X.vendors %}<p>Vendors: {{ X.vendors }}</p>{% endif %}
{{ X.content }}{% endblock %}"""
PELICAN_LIST = """{% extends "base.html" %}{% block main %}<h1>{{ T }}</h1>
<ul>{% for a in articles %}<li><a href="/{{ a.url }}">{{ a.title }}</a> {{ a.metadata.get("summary", "") }}</li>{% endfor %}</ul>{% endblock %}"""


def to_pelican(site: Path, dest: Path):
    put(dest / "pelicanconf.py", PELICAN_CONF)
    put(dest / "theme/templates/base.html", PELICAN_BASE)
    put(dest / "theme/templates/article.html", PELICAN_SINGLE.replace("X.", "article."))
    put(dest / "theme/templates/page.html", PELICAN_SINGLE.replace("X.", "page."))
    for name, title in (("index", "Members and articles"), ("tag", "{{ tag }}"), ("category", "{{ category }}")):
        put(dest / f"theme/templates/{name}.html", PELICAN_LIST.replace("{{ T }}", title))
    for kind, slug, meta, body in documents(site):
        lines = {"Title": meta["title"], "Slug": slug, "Summary": meta["summary"]}
        if kind == "member":
            lines |= {"Date": meta["date"], "Category": meta["state"], "City": meta["city"],
                      "Tags": ", ".join(meta["specialties"]), "Vendors": ", ".join(meta["vendors"]),
                      "Save_as": f"members/{slug}/index.html", "Url": f"members/{slug}/"}
            sub = "members"
        elif kind == "article":
            lines |= {"Date": meta["date"], "Category": "news", "Author": meta["author"],
                      "Save_as": f"articles/{slug}/index.html", "Url": f"articles/{slug}/"}
            sub = "articles"
        else:
            url = {"vendor": "vendors/", "event": "events/", "page": ""}[kind] + slug + "/"
            lines |= {"Save_as": url + "index.html", "Url": url}
            sub = f"pages/{kind}"
        head = "".join(f"{k}: {' '.join(str(v).split())}\n" for k, v in lines.items() if v != "")
        put(dest / "content" / sub / f"{slug}.md", head + "\n" + body)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tool", choices=["hugo", "jekyll", "pelican"])
    ap.add_argument("site", type=Path)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--no-jekyll-fix", action="store_true", help="Jekyll as installed, without the 4.3.2 backport")
    a = ap.parse_args()
    shutil.rmtree(a.dest, ignore_errors=True)
    if a.tool == "jekyll":
        to_jekyll(a.site, a.dest, fix=not a.no_jekyll_fix)
    else:
        {"hugo": to_hugo, "pelican": to_pelican}[a.tool](a.site, a.dest)
    print(f"{a.tool} project written to {a.dest}")


if __name__ == "__main__":
    main()
