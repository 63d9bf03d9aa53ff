"""Stage 5, render: an output of the site graph -> bytes. Pure: same graph, same bytes."""
from __future__ import annotations

import dataclasses
import functools
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import jinja2.nodes
from markupsafe import Markup

from ..routes import dependencies as deps, ics, jsonld
from ..core.markdown import linkify_plain
from ..routes.outputs import Output, SiteGraph
from ..model.fields import US_STATES
from ..core.problems import Problems
from ..reading.safefs import walk
from ..core.slugify import slugify
from ..core.urls import tel_href
from ..routes.views import PageInfo
from ..model.kinds import KINDS

THEME = Path(__file__).resolve().parents[1] / "theme"


def template_dirs(src: Path) -> list[Path]:
    """The site's own templates/ first (a file there replaces the theme's of the same name), then the
    theme, then the templates of installed kinds (kinds.Kind.templates)."""
    own = src / "templates"
    return ([own] if own.is_dir() else []) + [THEME] + kind_template_dirs()


def kind_template_dirs() -> list[Path]:
    return [Path(k.templates) for k in KINDS.values() if k.templates is not None]


THEME_PREFIX = "theme/"  # the packaged theme's templates by this name too, for a site's own to extend


def template_loader(src: Path) -> jinja2.BaseLoader:
    """A name finds the site's file first, then the theme's; "theme/NAME" always the theme's,
    so that the site's NAME can extend the theme's and replace only some of its blocks."""
    return jinja2.ChoiceLoader([
        jinja2.FileSystemLoader([str(d) for d in template_dirs(src)]),
        jinja2.PrefixLoader({THEME_PREFIX.rstrip("/"): jinja2.FileSystemLoader(str(THEME))}),
    ])


def static_files(src: Path, problems: Problems | None = None) -> list[tuple[str, Path]]:
    """(path under static/, file): the theme's static files, each replaced by the site's file of the same path.

    The site's files are listed through the safe walk: a link that leaves the site folder is
    reported (by the loader, or into `problems`) and never published; pipes and devices are skipped."""
    found: dict[str, Path] = {}
    static = THEME / "static"  # part of the package: trusted like its code
    if static.is_dir():
        for f in sorted(static.rglob("*")):
            if f.is_file() and not any(part.startswith(".") for part in f.relative_to(static).parts):
                found[f.relative_to(static).as_posix()] = f
    if (src / "templates").is_dir():
        for entry in walk(src, "templates/static", problems if problems is not None else Problems()):
            found[entry.rel.removeprefix("templates/static/")] = entry.path
    return sorted(found.items())


def _date(value: date | datetime, fmt: str = "long") -> str:
    if isinstance(value, datetime) and fmt == "time":
        return value.strftime("%-I:%M %p").replace(":00 ", " ")
    if fmt == "iso":
        return value.isoformat()
    if fmt == "short":
        return value.strftime("%b %-d, %Y")
    if fmt == "day":
        return value.strftime("%A, %B %-d")
    return value.strftime("%B %-d, %Y")


def _zone_abbr(value: datetime) -> str:
    return value.strftime("%Z")


def _clock(value: str) -> str:
    """"18:30" -> "6:30 PM", "09:00" -> "9 AM", as the theme writes times."""
    hour, minute = (int(part) for part in value.split(":"))
    return _date(datetime(2000, 1, 1, hour, minute), "time")


TEMPLATE_SUFFIXES = (".html", ".xml", ".txt", ".svg")  # what in a templates folder Jinja may render

# Templates that Python globals render for every other template (so a change to one touches all pages).
GLOBAL_TEMPLATES = ("_logo.html",)


def related_templates() -> set[str]:
    """The templates that show records of one kind on another's page (kinds.Ref.shown): any page
    template may render them, through related()."""
    return {ref.shown for kind in KINDS.values() for ref in kind.refs if ref.shown}


def related_function(env: jinja2.Environment) -> Any:
    """related(record): what other kinds show on a record's page (a member's job postings), one
    Markup per block: its template rendered with the page's variables and `records`, the records
    naming this one. Templates write `{% for block in related(member) %}{{ block }}{% endfor %}`."""

    @jinja2.pass_context
    def related(context: Any, rec: Any) -> list[Markup]:
        blocks = env.getattr(rec, "related")  # a read of the record's field, like any other
        if not blocks or isinstance(blocks, jinja2.Undefined):
            return []
        return [Markup(env.get_template(name).render({**context.get_all(), "records": records}))
                for name, records in blocks]

    return related


def logo_function(env: jinja2.Environment) -> Any:
    """logo(record, box, alt="", lazy=True, monogram=True): the `logo` macro of _logo.html, each
    distinct result rendered once. A member appears on dozens of pages (directory, regions,
    specialties); at 10,000 members a macro call per appearance is seconds of every build."""
    cache: dict[tuple, Markup] = {}
    macro: list[Any] = []

    def logo(rec: Any, box: str, alt: str = "", lazy: bool = True, monogram: bool = True) -> Markup:
        seen = deps.reading(rec)  # what the key reads counts as read by the page
        drawn = seen.logo_sizes.get(box)
        key = (box, alt, lazy, monogram, drawn, None if drawn is not None else seen.name)  # (name: its initials)
        hit = cache.get(key)
        if hit is None or (hit[1] is None and deps.recording_now()):
            with deps.recording() as reads:
                if not macro:
                    macro.append(env.get_template("_logo.html").module.logo)  # type: ignore[attr-defined]
                deps.note(("t", "_logo.html"))
                html = Markup(macro[0](rec, box, alt, lazy, monogram))
            hit = cache[key] = (html, frozenset(reads) if deps.recording_now() else None)
        else:
            deps.replay(hit[1] or ())
        return hit[0]

    return logo


class Partials:
    """partial(name, **values): a small template (a member's row) rendered as Markup.

    Unlike {% include %}, it gets no template context of its own: it sees the values it is
    given and the globals (plus, for names it uses and is not given, the caller's template
    variables). With memo on (a build, where the model no longer changes), each distinct
    set of values is rendered once and the same Markup reused on every list page that
    shows it: a member's row appears on its region, specialty, state and vendor pages.
    """

    SIMPLE = (str, int, float, bool, type(None))

    def __init__(self, env: jinja2.Environment, memo: bool):
        self.env = env
        # each rendering with what it read (None when nothing was recording)
        self.memo: dict[tuple, tuple[Markup, frozenset | None]] | None = {} if memo else None
        self.free: dict[str, tuple[str, ...]] = {}
        self._keep: list[Any] = []  # what an id() in a memo key stands for stays alive

    def names(self, name: str) -> tuple[str, ...]:
        got = self.free.get(name)
        if got is None:
            loader = self.env.loader
            assert loader is not None
            source = loader.get_source(self.env, name)[0]
            got = tuple(sorted(jinja2.meta.find_undeclared_variables(self.env.parse(source))
                               - set(self.env.globals)))
            self.free[name] = got
        return got

    @jinja2.pass_context
    def __call__(self, context: Any, name: str, **given: Any) -> Markup:
        values = {k: given[k] if k in given else context.resolve(k) for k in self.names(name)}
        if self.memo is None:
            return Markup(self.env.get_template(name).render(values))
        key = (name, *((k, v if isinstance(v, self.SIMPLE) else "undefined" if isinstance(v, jinja2.Undefined)
                        else id(v)) for k, v in values.items()))
        hit = self.memo.get(key)
        if hit is None or (hit[1] is None and deps.recording_now()):
            with deps.recording() as reads:
                html = Markup(self.env.get_template(name).render(values))
            hit = self.memo[key] = (html, frozenset(reads) if deps.recording_now() else None)
            self._keep.append(values)
        else:
            deps.replay(hit[1] or ())
        return hit[0]


class Environment(jinja2.Environment):
    """Jinja's environment, noting what templates read while an output is recorded (routes/dependencies.py):
    every field of a record, every template loaded (extends, include, import, theme/)."""

    # (these two run for every attribute a template reads: deps.ident() is inlined)
    def getattr(self, obj: Any, attribute: str) -> Any:
        if deps._stack:
            cls = type(obj)
            known = deps._IS_RECORD.get(cls)
            if known or (known is None and deps.ident(obj) is not None):
                deps._stack[-1].add(("f", cls.__name__, obj.__dict__.get("slug", ""), attribute))
        site = self.globals["site"]
        if attribute in site.link_names and site.is_link(obj, attribute):
            return site.linked(obj, attribute)  # the links are the model's (model/site.py)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if deps._stack and isinstance(argument, str):
            cls = type(obj)
            known = deps._IS_RECORD.get(cls)
            if known or (known is None and deps.ident(obj) is not None):
                deps._stack[-1].add(("f", cls.__name__, obj.__dict__.get("slug", ""), argument))
        site = self.globals["site"]
        if isinstance(argument, str) and argument in site.link_names and site.is_link(obj, argument):
            return site.linked(obj, argument)
        return super().getitem(obj, argument)

    def _load_template(self, name: str, globals: Any) -> jinja2.Template:
        deps.note(("t", name))
        return super()._load_template(name, globals)


def make_env(src: Path, graph: SiteGraph, memo: bool = False) -> jinja2.Environment:
    env = Environment(
        loader=template_loader(src),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        cache_size=-1,
        keep_trailing_newline=True,
    )
    urls = graph.urls
    env.globals.update(
        url=functools.lru_cache(maxsize=65536)(urls.rel), abs_url=urls.abs, site=graph.site, config=graph.site.config, nav=graph.nav,
        as_of=graph.site.as_of, state_names=US_STATES, identity=graph.identity,
        google_calendar_url=lambda event: ics.google_calendar_url(event, urls),
        application_url=graph.application_url, sections=graph.site.config.sections,
        stylesheets=graph.stylesheets,
        join_page_url=next((p.url for p in graph.site.pages if p.slug == "join"), None),
    )
    env.filters.update(date=_date, zone_abbr=_zone_abbr, clock=_clock, state_name=lambda c: US_STATES.get(c, c),
                       tel=tel_href, slug=slugify, linkify=lambda text: Markup(linkify_plain(str(text))))
    env.globals["partial"] = Partials(env, memo)
    env.globals["logo"] = logo_function(env)
    env.globals["related"] = related_function(env)
    return env


def breadcrumbs(graph: SiteGraph, url: str) -> list[tuple[str, str]]:
    """(label, site path) from Home down to the page's parent, from the URL's segments."""
    crumbs = [("Home", "/")]
    parts = [p for p in url.strip("/").split("/") if p]
    for i in range(1, len(parts)):
        prefix = "/" + "/".join(parts[:i]) + "/"
        if prefix in graph.by_url and graph.by_url[prefix].template:
            crumbs.append((graph.by_url[prefix].title, prefix))
    return crumbs if url != "/" else []


def _filed(graph: SiteGraph, out: Output, crumbs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A page filed under another than its folder's listing (a radio episode's, under /events/,
    belongs to the show): its trail (and the navigation, which follows the trail) goes through it."""
    under = graph.by_url.get(out.filed_under) if out.filed_under else None
    if under is None or len(crumbs) < 2:
        return crumbs
    return [*crumbs[:-1], (under.title, under.url)]


def render_output(env: jinja2.Environment, graph: SiteGraph, out: Output) -> bytes:
    """The output's bytes; while deps.recording(), what it read is noted: the output itself
    (its view), the globals, and every record field and template the rendering reads."""
    recording = deps.recording_now()
    if recording:
        deps.note(("v", out.url))
    if out.produce is not None:
        return out.produce(deps.reading(graph.site) if recording else graph.site)
    assert out.template is not None
    if recording:
        deps.note(("g",))
    template = env.get_template(out.template)
    # the head's JSON-LD and description are Python reading the page's records
    seen, seen_graph = out, graph
    if recording:
        seen_graph = dataclasses.replace(graph, site=deps.reading(graph.site))
        if out.context is not None:
            seen = dataclasses.replace(out, context=type(out.context)(
                **{k: deps.reading(v, graph.site) for k, v in out.context.variables().items()}))
    page = PageInfo(url=out.url, kind=out.kind, title=out.title, canonical=graph.urls.abs(out.url),
                    crumbs=_filed(graph, seen, breadcrumbs(graph, out.url)), jsonld=jsonld.for_output(seen_graph, seen),
                    description=jsonld.description(seen_graph, seen),
                    image=out.image or (graph.identity.site_card if graph.identity else None))
    variables = out.context.variables() if out.context is not None else {}
    return template.render(page=page, **variables).encode("utf-8")


def output_value(graph: SiteGraph, out: Output) -> tuple:
    """What an output is before anything renders it (the read ("v", url)): its place, title and
    template, its view with records by name, its head's crumbs and image; a producer's closure."""
    if out.produce is not None:
        return out.url, out.kind, deps.closure_of(out.produce)
    return (out.url, out.kind, out.title, out.template, out.context, _filed(graph, out, breadcrumbs(graph, out.url)),
            out.image, graph.identity.site_card if graph.identity else None)


def global_values(env: jinja2.Environment) -> tuple:
    """The read ("g",): every global that is a value (navigation, identity, the date, …); the
    site model and its settings are read field by field, functions are code."""
    return tuple((name, value) for name, value in sorted(env.globals.items())
                 if not callable(value) and deps.ident(value) is None)


def digests(env: jinja2.Environment, graph: SiteGraph) -> deps.Digests:
    loader = env.loader
    assert loader is not None
    return deps.Digests(graph, lambda name: loader.get_source(env, name)[0],
                        lambda out: output_value(graph, out), lambda: global_values(env))


def template_closure(env: jinja2.Environment) -> dict[str, set[str]]:
    """template -> itself and everything it extends, includes or imports (transitively)."""
    direct: dict[str, set[str]] = {}
    loader = env.loader
    assert loader is not None
    for name in loader.list_templates():
        if not name.endswith(TEMPLATE_SUFFIXES) or name.startswith("static/"):
            continue
        try:
            source = loader.get_source(env, name)[0]
            tree = env.parse(source)
            refs = set(jinja2.meta.find_referenced_templates(tree))
            for call in tree.find_all(jinja2.nodes.Call):  # partial("_member_row.html", ...)
                if isinstance(call.node, jinja2.nodes.Name) and call.node.name == "partial":
                    first = call.args[0] if call.args else None
                    refs.add(first.value if isinstance(first, jinja2.nodes.Const) and isinstance(first.value, str)
                             else None)
            # (what logo() and related() render)
            direct[name] = {r for r in refs if r} | set(GLOBAL_TEMPLATES) | related_templates()
            if None in refs:  # a computed name: assume it may pull in anything
                direct[name] |= {n for n in loader.list_templates() if n.endswith(".html")}
        except jinja2.TemplateError:
            direct[name] = set()
    closure: dict[str, set[str]] = {}
    for name in direct:
        seen, todo = {name}, [name]
        while todo:
            for ref in direct.get(todo.pop(), ()):
                if ref not in seen:
                    seen.add(ref)
                    todo.append(ref)
        closure[name] = seen
    return closure
