"""What an output read while it was made, and what each of those inputs is now.

Nothing declares what a page depends on: while it renders, every read is noted. A read is
a tuple:

  ("t", name)              a template, by the name it was loaded under ("page.html",
                           "theme/page.html"): its source, or that there is none
  ("f", kind, slug, name)  one field of one record ("Member", "acme", "summary"); the site
                           model is ("SiteModel", "") and site.yaml's settings ("SiteConfig", "")
  ("v", url)               the output itself: its title, template, view (the template's own
                           variables) and head, or what its producer closes over
  ("g",)                   the values every template gets: navigation, identity, date

Templates' reads are noted by rendering/render.py's environment; Python code (producers of
machine-readable files, the head's JSON-LD) reads records through `reading()` proxies.

`Digests` gives each read's current value as a digest. A value's digest names the records
in it by kind and slug, not by their fields (reading a field is a read of its own), so an
output is made again exactly when something it read has another digest now.
"""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from ..model.site import SiteConfig, SiteModel, _Named

Dep = tuple

_stack: list[set[Dep]] = []  # the reads of the outputs being made, innermost last


def note(dep: Dep) -> None:
    if _stack:
        _stack[-1].add(dep)


def recording_now() -> bool:
    return bool(_stack)


@contextmanager
def recording() -> Iterator[set[Dep]]:
    """Collect the reads made inside; they count for any recording around this one too."""
    reads: set[Dep] = set()
    _stack.append(reads)
    try:
        yield reads
    finally:
        _stack.pop()
        if _stack:
            _stack[-1] |= reads


def replay(reads: frozenset[Dep] | set[Dep]) -> None:
    """Reads made once and reused (a memoised partial): they count for this output too."""
    if _stack:
        _stack[-1] |= reads


_IS_RECORD: dict[type, bool] = {}


def ident(obj: Any) -> tuple[str, str] | None:
    """(kind, slug) of a record, the site model or its settings; None for any other value."""
    cls = type(obj)
    known = _IS_RECORD.get(cls)
    if known is None:
        known = _IS_RECORD[cls] = issubclass(cls, (_Named, SiteModel, SiteConfig))
    if not known:
        return None
    return cls.__name__, obj.__dict__.get("slug", "")


# --- reading from Python ------------------------------------------------------------------

class Reading:
    """A record seen by Python code that runs while an output is made: every field read is
    noted, and records in what it returns are proxies too. A link (member.vendor_list, …) is
    read from the model it came with (model/site.py)."""

    __slots__ = ("_obj", "_id", "_site")

    def __init__(self, obj: Any, key: tuple[str, str], site: Any = None):
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_id", key)
        object.__setattr__(self, "_site", site)

    def __getattr__(self, name: str) -> Any:
        site = self._site
        value = site.value(self._obj, name) if site is not None else getattr(self._obj, name)
        note(("f", *self._id, name))
        return reading(value, site)

    def __eq__(self, other: Any) -> bool:
        return self._obj == (other._obj if isinstance(other, Reading) else other)

    def __hash__(self) -> int:
        return hash(self._obj)

    def __repr__(self) -> str:
        return repr(self._obj)


def reading(value: Any, site: Any = None) -> Any:
    """value with every record in it (in lists, tuples and dicts too) behind a Reading; site: the
    model its links are read from (a site model read this way is its own)."""
    key = ident(value)
    if key is not None:
        return Reading(value, key, value if site is None and isinstance(value, SiteModel) else site)
    cls = type(value)
    if cls is list or cls is tuple:
        items = [reading(v, site) for v in value]
        if any(a is not b for a, b in zip(items, value)):
            return cls(items)
        return value
    if cls is dict:
        pairs = {k: reading(v, site) for k, v in value.items()}
        if any(pairs[k] is not v for k, v in value.items()):
            return pairs
    return value


def linked(site: Any, rec: Any, name: str) -> Any:
    """rec's link name (event.sponsor_list, …) from site, for Python that may get records as
    they are or behind a Reading (then it is noted as a read of that field)."""
    model = _plain(site)
    if isinstance(rec, Reading):
        note(("f", *rec._id, name))
        return reading(model.linked(rec._obj, name), model)
    return model.linked(rec, name)


def _plain(value: Any) -> Any:
    return value._obj if isinstance(value, Reading) else value


# --- digests of values ------------------------------------------------------------------

def fingerprint(value: Any) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    _feed(h.update, value, 0)
    return h.digest()


_PLAIN = (bool, int, float, type(None))
_BY_REPR = (datetime.date, datetime.datetime, datetime.time, datetime.timedelta)


def _feed(put: Callable[[bytes], Any], v: Any, depth: int) -> None:
    cls = type(v)
    if cls is str or isinstance(v, str):  # Markup too
        b = v.encode("utf-8", "surrogatepass")
        put(b"s%s:%d:" % (cls.__name__.encode(), len(b)))
        put(b)
        return
    if cls in _PLAIN:
        put(b"p" + repr(v).encode() + b"\0")
        return
    if (cls is list or cls is tuple) and depth <= 40:  # (before ident: never a record; the commonest container)
        put(b"l%d:" % len(v))
        for item in v:
            if item.__class__ is str:
                b = item.encode("utf-8", "surrogatepass")
                put(b"sstr:%d:" % len(b))
                put(b)
            else:
                _feed(put, item, depth + 1)
        return
    if cls in _BY_REPR:  # what the last line below does, without asking about everything else first
        put(b"x" + cls.__name__.encode() + b":" + repr(v).encode("utf-8", "surrogatepass") + b"\0")
        return
    key = ident(v)
    if key is not None:
        put(b"r" + "\0".join(key).encode() + b"\1")
        return
    if depth > 40:  # a cycle through values that are no records: never equal to anything
        put(hashlib.blake2b(repr(id(v)).encode()).digest() + b"?")
        return
    if cls in (list, tuple):
        put(b"l%d:" % len(v))
        for item in v:
            _feed(put, item, depth + 1)
        return
    if isinstance(v, dict):
        put(b"d%d:" % len(v))
        for k, item in v.items():
            _feed(put, k, depth + 1)
            _feed(put, item, depth + 1)
        return
    if isinstance(v, (set, frozenset)):
        put(b"S" + b"".join(sorted(fingerprint(item) for item in v)))
        return
    if isinstance(v, bytes):
        put(b"b%d:" % len(v))
        put(v)
        return
    own = getattr(cls, "__digest__", None)
    if own is not None:  # a value that says what decides it (Markdown not rendered yet)
        put(b"o" + cls.__name__.encode())
        _feed(put, own(v), depth + 1)
        return
    if isinstance(v, (list, tuple)):
        put(b"L" + cls.__name__.encode() + b"%d:" % len(v))
        for item in v:
            _feed(put, item, depth + 1)
        return
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        put(b"c" + cls.__name__.encode() + b"(")
        for f in dataclasses.fields(v):
            _feed(put, getattr(v, f.name), depth + 1)
        put(b")")
        return
    fields = getattr(v, "__dict__", None)
    if fields is not None and not callable(v):
        put(b"c" + cls.__name__.encode() + b"{")
        _feed(put, fields, depth + 1)
        put(b"}")
        return
    if callable(v):
        put(b"F" + getattr(v, "__qualname__", cls.__name__).encode() + b"\0")
        owner = getattr(v, "__self__", None)
        if owner is not None:
            _feed(put, owner, depth + 1)
        return
    put(b"x" + cls.__name__.encode() + b":" + repr(v).encode("utf-8", "surrogatepass") + b"\0")


def closure_of(fn: Callable[..., Any]) -> tuple:
    """What a function closes over and its defaults: a producer's reads beyond its argument."""
    cells = tuple(c.cell_contents for c in (getattr(fn, "__closure__", None) or ()))
    return getattr(fn, "__qualname__", ""), cells, getattr(fn, "__defaults__", None)


class Digests:
    """The current digest of each read, against one graph and template environment."""

    def __init__(self, graph: Any, loader_source: Callable[[str], str], output_value: Callable[[Any], Any],
                 global_value: Callable[[], Any]):
        self.graph = graph
        self._source = loader_source
        self._output_value = output_value
        self._global_value = global_value
        self.memo: dict[Dep, bytes] = {}
        self._tables: dict[str, dict[str, Any]] = {}  # kind -> slug -> record, as asked for

    def get(self, dep: Dep) -> bytes:
        got = self.memo.get(dep)
        if got is None:
            got = self.memo[dep] = self._compute(dep)
        return got

    def _compute(self, dep: Dep) -> bytes:
        tag = dep[0]
        if tag == "f":
            rec = self.record(dep[1], dep[2])
            if rec is None:
                return b"no such record"
            try:
                value = self.graph.site.value(rec, dep[3])
            except AttributeError:
                return b"no such field"
            return fingerprint(value)
        if tag == "t":
            try:
                return fingerprint(self._source(dep[1]))
            except Exception:  # noqa: BLE001 - not found, or unreadable: a digest of that
                return b"no such template"
        if tag == "v":
            out = self.graph.by_url.get(dep[1])
            return b"no such output" if out is None else fingerprint(self._output_value(out))
        if tag == "g":
            return fingerprint(self._global_value())
        return b"unknown read"

    def record(self, kind: str, slug: str) -> Any:
        table = self._tables.get(kind)
        if table is None:
            table = self._tables[kind] = self.graph.site.by_kind(kind)
        return table.get(slug)

    def changed(self, known: dict[Dep, bytes], deps: Any = None) -> set[Dep]:
        """The reads among deps (all of known's when None) whose digest is not the known one."""
        return {d for d in (known if deps is None else deps) if known.get(d) != self.get(d)}
