"""The page cache: rendered outputs kept between builds with what each of them read.

While a page renders, what it reads is recorded (routes/dependencies.py): its view, each record field,
each template it loads, site.yaml's settings. Each read is stored with its digest, and on
the next build a page is taken from the cache when every read still has that digest, else
it is rendered again. A page's key is its URL, kind and template and the build's options;
its namespace (opts) is those options with the smbsite code and theme that made it.

In the store (core/store.py, the cache folder's one database):
  pages   key -> namespace, stamp (a MAC of its bytes), the ids of its reads, its bytes, and
          while the build that wrote it runs, that build's token (it is a page only once
          that build finished: what a killed build wrote is never used)
  reads   id -> a read and its digest; the id is a MAC (the cache's key) of namespace, read and
          digest, so a row is checked by making its id again; rows never change, so no
          build's reads can make another build's page look current
  notes   "written": what the last build wrote into its output folder (write.InPlace)
Every row is signed with the cache's key (core/cache_folder.py); a row that does not verify,
a page whose bytes do not match its stamp, anything from another version or half written, is
a miss: the page is rendered again, never served wrong. Render processes write their own rows.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from pathlib import Path
from typing import Any, Iterable

from ..core.store import Store

FORMAT = 3
SEP = "\x1f"  # between the parts of a read, as the store writes it
PACKAGE = Path(__file__).resolve().parents[1]
ID = 12  # bytes of a read's id
NAMESPACES = 4  # option sets (build, check, another --as-of...) whose pages are kept at once


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def code_fingerprint() -> str:
    """Digest of this smbsite: its version, every module and every theme file."""
    from ..core.version import VERSION  # here: check imports this module and reads no cache
    h = hashlib.blake2b(digest_size=16)
    h.update(f"smbsite {VERSION} cache {FORMAT}\0".encode())
    for path in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


class PageCache:
    """Rendered outputs by key, in one namespace of the store. An entry is [key, the ids of its
    reads, its length (unknown: 0), its stamp]; the stamp is also what a build compares with what
    it wrote into the output folder last time."""

    def __init__(self, store: Store, options: str, fingerprint: str):
        self.store = store
        self.fingerprint = fingerprint
        self.opts = hashlib.blake2b(f"{fingerprint}\0{options}".encode(), digest_size=16).hexdigest()
        self.index: dict[str, list[Any]] = {}
        self.token = secrets.token_hex(8)
        self.stored: set[bytes] = set()  # the ids of reads in the store (or on their way there)
        # read -> its id, as this process made them against _ids_of (one deps.Digests: a read's digest
        # never changes within it, so a page's reads cost one look-up each once they are known)
        self._ids: dict[tuple, bytes] = {}
        self._ids_of: Any = None
        self.compact = False  # (kept for the render loop: the store never needs rewriting)
        self.hits = self.misses = 0

    @classmethod
    def open(cls, store: Store | None, options: str, fingerprint: str | None = None) -> PageCache | None:
        """The page cache of these options in the (locked) cache's store, or None without one."""
        if store is None:
            return None
        cache = cls(store, options, fingerprint or code_fingerprint())
        cache._read_index()
        return cache

    def _read_index(self) -> None:
        index = {}
        for key, opts, stamp, reads, mac in self.store.rows("pages", "WHERE opts = ? AND build IS NULL",
                                                           (self.opts,), "opts, stamp, reads"):
            if isinstance(reads, bytes) and len(reads) % ID == 0 and self.store.valid("pages", key, (opts, stamp, reads), mac):
                index[key] = [key, reads, 0, stamp]
        self.index = index

    def read_id(self, dep: str, now: bytes) -> bytes:
        """A read's id: a MAC of it and its digest, made with the cache's key (see the module's text)."""
        return hashlib.blake2b(f"{self.opts}{SEP}{dep}{SEP}".encode("utf-8", "surrogateescape") + now,
                               key=self.store.folder.key, digest_size=ID).digest()

    # --- reading and writing -------------------------------------------------------------

    def plan(self, keys: dict[str, str], digests: Any) -> dict[str, list[Any]]:
        """url -> its cache entry, for every output (url -> key) whose reads all have the
        digest now (digests: deps.Digests) that they had when it was stored."""
        if not self.index:
            return {}
        table = {name: (dep, d) for name, dep, d, _ in self.store.rows("reads")}
        self.stored = set(table)
        same: dict[bytes, bool] = {}
        hits = {}
        for url, key in keys.items():
            entry = self.index.get(key)
            if entry is None:
                continue
            reads = entry[1]
            for at in range(0, len(reads), ID):
                i = reads[at:at + ID]
                ok = same.get(i)
                if ok is None:
                    row = table.get(i)
                    ok = same[i] = (row is not None and isinstance(row[0], str) and isinstance(row[1], bytes)
                                    and self.read_id(row[0], row[1]) == i
                                    and digests.get(tuple(row[0].split(SEP))) == row[1])
                if not ok:
                    break
            else:
                hits[url] = entry
        return hits

    def get(self, key: str, entry: list[Any]) -> bytes | None:
        """The bytes of a planned hit (None if they cannot be read: render the page)."""
        row = self.store.get("pages", key, "data")
        data = row[0] if row is not None else None
        if not isinstance(data, bytes) or not hmac.compare_digest(self.stamp(key, data), str(entry[3])):
            self.misses += 1
            return None  # changed since it was written, or not written by this user's builds
        self.hits += 1
        return data

    def stamp(self, key: str, data: bytes) -> str:
        """What the store says a page's bytes are (a MAC, which a read checks)."""
        return self.store.folder.mac(b"page", self.opts.encode(), key.encode(), data).hex()

    def put(self, key: str, data: bytes, reads: Iterable[tuple], now: Any) -> None:
        """Keep a rendered output with what it read (now: deps.Digests, the digest of each read now)."""
        self.misses += 1
        if self._ids_of is not now:
            self._ids, self._ids_of = {}, now
        known, new = self._ids, self._new_read
        ids = b"".join([known.get(dep) or new(dep, now) for dep in reads])
        self.store.put("pages", key, self.opts, self.stamp(key, data), ids, data, self.token)

    def _new_read(self, dep: tuple, now: Any) -> bytes:
        d = now.get(dep)
        text = SEP.join(dep)
        i = self._ids[dep] = self.read_id(text, d)
        if i not in self.stored:
            self.stored.add(i)
            self.store.put("reads", i, text, d)
        return i

    def flush_part(self) -> None:
        """Write what this process rendered (a render worker's last step)."""
        self.store.commit()

    def for_worker(self, part: int) -> None:
        """In a forked render process (it writes its own rows; a read another process writes too is
        the same row)."""

    # --- the end of a build ----------------------------------------------------------------

    def finish(self, keys: Iterable[str], hits: Iterable[list[Any]] = ()) -> None:
        """Make this build's pages the cache of its options: keep only them (and the pages of a few
        other recent option sets, say check's beside build's)."""
        store = self.store
        store.commit()
        store.keep_only("pages", (), "build IS NOT NULL AND build != ?", (self.token,))  # what killed builds left
        store.execute("UPDATE pages SET build = NULL WHERE build = ?", (self.token,))
        store.keep_only("pages", keys, "opts = ?", (self.opts,))
        recent = [self.opts]
        raw = self.store.note("namespaces")
        try:
            recent += [o for o in json.loads(raw or b"[]") if isinstance(o, str) and o != self.opts]
        except ValueError:
            pass
        recent = recent[:NAMESPACES]
        self.store.set_note("namespaces", json.dumps(recent).encode())
        self.store.keep_only("pages", (), "opts NOT IN (%s)" % ", ".join("?" * len(recent)), tuple(recent))
        self._prune_reads()
        self._read_index()

    def _prune_reads(self) -> None:
        """Forget reads no page points at any more, once they are many (each change of a read's
        digest adds a row)."""
        store = self.store
        count = store.count("reads")
        try:
            last = int(store.note("reads-kept") or b"-1")
        except ValueError:
            last = -1
        if last < 0:  # the first build through this store: every read is some page's
            store.set_note("reads-kept", str(count).encode())
            return
        if count <= 2 * last + 10000:
            return
        used = set()
        for (reads,) in store.execute("SELECT reads FROM pages"):
            if isinstance(reads, bytes):
                used.update(reads[at:at + ID] for at in range(0, len(reads), ID))
        store.keep_only("reads", used)
        store.set_note("reads-kept", str(len(used)).encode())

    # --- what the last build wrote into its output folder -----------------------------

    def written(self, out: Path) -> dict[str, list[Any]] | None:
        """relative path -> [size, mtime_ns, what it holds] of every file the last build through
        this cache wrote into out; None when that build wrote elsewhere or nothing is known."""
        try:
            raw = self.store.note("written")
            if raw is None:
                return None
            data = json.loads(raw)
            if data["format"] != FORMAT or data["out"] != str(Path(out).resolve()):
                return None
            files = data["files"]
            if not all(isinstance(v, list) and len(v) == 3 for v in files.values()):
                return None
            return files
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def note_written(self, out: Path, files: dict[str, list[Any]]) -> None:
        where = str(Path(out).resolve())
        self.store.set_note("written", json.dumps({"format": FORMAT, "out": where, "files": files}).encode())

    def close(self) -> None:
        self.store.commit()


def page_key(options: str, out: Any) -> str:
    """Which cached page an output may be: the same URL, kind and template under the same options."""
    return hashlib.blake2b(f"{options}\0{out.url}\0{out.kind}\0{out.template}".encode(),
                           digest_size=16).hexdigest()
