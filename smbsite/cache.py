"""The build cache: rendered outputs kept between builds, keyed by everything they depend on.

A page's key is a digest of the smbsite code and theme that made it, the build's
options, its URL and template, the bytes of every template it pulls in, the site's
navigation, and the bytes of every input its dependencies name (its own record,
site.yaml, a whole collection such as "members/"): the same dependency model that
`serve` uses to decide what an edit re-renders. A page whose key is in the cache is
taken from it, anything else is rendered, so a one-member edit renders that member's
page and the lists that show members, and copies the rest.

On disk (CACHE/pages/, beside the image cache's folders):
  index.json              key -> [pack, offset, length, digest], replaced atomically
  pack-TOKEN-N.bin        the bytes, appended by render process N of one build
  pack-TOKEN-N.json       what process N appended, merged into index.json by the parent
Every read is checked (length, and a signature made with the cache's key, see
cachedir.py); anything unreadable, truncated, forged, from another version or left
by a build that was killed is a miss: the page is rendered again, never served
wrong. A second build using the same cache at the same time builds without it
(cachedir.py's one lock covers the pages and the images).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
from pathlib import Path
from typing import Any, Iterable

from .cachedir import CLOEXEC, NOFOLLOW, CacheFolder, read_file, remove, write_file
from .safefs import link_problem

FORMAT = 1
PACKAGE = Path(__file__).resolve().parent


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def code_fingerprint() -> str:
    """Digest of this smbsite: its version, every module and every theme file."""
    from .version import VERSION  # here: check imports this module and reads no cache
    h = hashlib.blake2b(digest_size=16)
    h.update(f"smbsite {VERSION} cache {FORMAT}\0".encode())
    for path in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


class PageCache:
    """Rendered outputs by key. Writes go to this process's pack; reads are verified: every entry
    is signed with the cache's key (cachedir.py), so an entry nobody but this user's builds
    wrote, a forged one with a digest that matches included, is a miss."""

    def __init__(self, folder: CacheFolder, fingerprint: str):
        self.cache = folder
        self.fd = folder.subfolder("pages")
        self.fingerprint = fingerprint
        self.index: dict[str, list[Any]] = {}
        self.token = secrets.token_hex(6)
        self.part = 0
        self._packs: dict[str, int] = {}  # pack name -> read descriptor
        self._out: int | None = None
        self._out_name = ""
        self._out_size = 0
        self._written: list[list[Any]] = []
        self.compact = False  # rewrite every page into this build's packs (most old bytes are dead)
        self.hits = self.misses = 0

    # --- opening -----------------------------------------------------------------------

    @classmethod
    def open(cls, folder: CacheFolder, fingerprint: str | None = None) -> PageCache | None:
        """The page cache in the (locked) cache folder, or None when it cannot be used now."""
        try:
            cache = cls(folder, fingerprint or code_fingerprint())
        except OSError:
            return None
        cache._read_index()
        return cache

    def _read_index(self) -> None:
        try:
            raw = read_file(self.fd, "index.json")
            if raw is None:
                return
            data = json.loads(raw)
            if data["format"] != FORMAT or data["code"] != self.fingerprint:
                return  # another smbsite made it: start cold
            index = data["pages"]
            live = 0
            for key, entry in index.items():
                if not (isinstance(key, str) and isinstance(entry, list) and len(entry) == 4):
                    return
                live += int(entry[2])
            self.index = index
            total = 0
            for pack in {entry[0] for entry in index.values()}:
                try:
                    st = os.stat(pack, dir_fd=self.fd, follow_symlinks=False)
                    total += st.st_size if stat.S_ISREG(st.st_mode) else 0
                except (OSError, TypeError, ValueError):
                    continue
            self.compact = total > 2 * live + (1 << 20)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.index = {}

    def sign(self, key: str, data: bytes) -> str:
        return self.cache.mac(b"page", self.fingerprint.encode(), key.encode(), data).hex()

    # --- reading and writing -------------------------------------------------------------

    def get(self, key: str) -> bytes | None:
        entry = self.index.get(key)
        data = self._read(key, entry) if entry is not None else None
        if data is None:
            self.misses += 1
            return None
        self.hits += 1
        if self.compact:
            self._append(key, data, entry[3])
        return data

    def _read(self, key: str, entry: list[Any]) -> bytes | None:
        try:
            pack, offset, length, want = entry
            fd = self._packs.get(pack)
            if fd is None:
                if not isinstance(pack, str) or "/" in pack or not pack.startswith("pack-"):
                    return None
                fd = os.open(pack, os.O_RDONLY | NOFOLLOW | CLOEXEC, dir_fd=self.fd)
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    os.close(fd)
                    return None
                self._packs[pack] = fd
            data = os.pread(fd, length, offset)
        except (OSError, ValueError, TypeError, OverflowError):
            return None
        if len(data) != length or not hmac.compare_digest(self.sign(key, data), str(want)):
            return None  # truncated, changed since it was written, or not written by this user's builds
        return data

    def put(self, key: str, data: bytes) -> None:
        self._append(key, data, self.sign(key, data))

    def _append(self, key: str, data: bytes, signature: str) -> None:
        try:
            if self._out is None:
                self._out_name = f"pack-{self.token}-{self.part}.bin"
                self._out = os.open(self._out_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC,
                                    0o600, dir_fd=self.fd)
            view = memoryview(data)
            while view:
                view = view[os.write(self._out, view):]
        except OSError:
            return  # a full disk does not fail the build: the page is just not cached
        self._written.append([key, self._out_name, self._out_size, len(data), signature])
        self._out_size += len(data)

    def flush_part(self) -> None:
        """Close this process's pack and list what it holds (a render worker's last step)."""
        if self._out is None:
            return
        try:
            os.close(self._out)
            self._out = None
            write_file(self.fd, f"pack-{self.token}-{self.part}.json", json.dumps(self._written).encode())
        except OSError:
            pass

    def for_worker(self, part: int) -> None:
        """In a forked render process: write to pack number part from now on."""
        self.part, self._out, self._out_size, self._written = part, None, 0, []
        self._packs = {}  # descriptors are shared with the parent: open our own

    # --- the end of a build ----------------------------------------------------------------

    def finish(self, keys: Iterable[str]) -> None:
        """Make this build's pages the cache: merge what every process wrote, keep only the
        pages of this build, replace the index atomically, delete packs nobody points at."""
        self.flush_part()
        wanted = set(keys)
        index = {k: e for k, e in self.index.items() if k in wanted and not self.compact}
        with os.scandir(self.fd) as entries:
            names = sorted(e.name for e in entries if not e.is_dir(follow_symlinks=False))
        for name in names:
            if not (name.startswith(f"pack-{self.token}-") and name.endswith(".json")):
                continue
            try:
                for key, pack, offset, length, signature in json.loads(read_file(self.fd, name) or b"[]"):
                    if key in wanted:
                        index[key] = [pack, offset, length, signature]
            except (ValueError, TypeError):
                continue  # that process's pages are simply not kept
        try:
            write_file(self.fd, "index.json", json.dumps({"format": FORMAT, "code": self.fingerprint,
                                                         "pages": index}).encode())
        except OSError:
            return
        live = {e[0] for e in index.values()}
        for name in names if self.cache.owned else ():
            if name.startswith("pack-") and name not in live:
                remove(self.fd, name)

    def close(self) -> None:
        for fd in self._packs.values():
            os.close(fd)
        self._packs = {}
        if self._out is not None:
            os.close(self._out)
            self._out = None
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class Keys:
    """The cache key of every output of one build."""

    def __init__(self, fingerprint: str, options: str, site_digest: bytes, nav: Any,
                 file_digests: dict[str, bytes], templates: dict[str, bytes], root: Path,
                 every_page: tuple[str, ...] = ()):
        """every_page: files every page shows (the site's logo, in the header)."""
        self.files = file_digests
        self.root = root
        self._deps: dict[str, bytes] = {}
        base = hashlib.blake2b(digest_size=16)
        base.update(f"{fingerprint}\0{options}\0".encode())
        base.update(site_digest)
        base.update(repr(nav).encode())
        for name in every_page:
            base.update(name.encode() + b"\0" + self.dep(name))
        self.base = base
        self.templates = templates  # template -> digest of it and everything it pulls in

    def dep(self, name: str) -> bytes:
        got = self._deps.get(name)
        if got is None:
            if name in self.files:
                got = self.files[name]
            elif name.endswith("/"):  # a collection: every file in its folder (records, logos), added and removed ones too
                got = self._folder(name)
            else:
                got = self._file(name)
            self._deps[name] = got
        return got

    def _folder(self, name: str) -> bytes:
        h = hashlib.blake2b(digest_size=16)
        top = self.root / name
        for here, dirs, files in os.walk(top):
            dirs.sort()
            rel_here = Path(here).relative_to(self.root).as_posix()
            for f in sorted(files):
                rel = f"{rel_here}/{f}"
                got = self.files.get(rel)
                if got is None:
                    got = self._file(rel)
                h.update(rel.encode() + b"\0" + got)
        return h.digest()

    def _file(self, rel: str) -> bytes:
        """The digest of a file the load did not read (a logo, a static file), read in pieces.
        A pipe, a device or a link out of the site is never opened (reading a pipe waits for
        ever): the build reports it, or leaves it alone, whatever its key says."""
        path = self.root / rel
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return b"missing"
        if not stat.S_ISREG(mode) or link_problem(self.root, path) is not None:
            return b"not read"
        try:
            with open(path, "rb") as f:
                return hashlib.file_digest(f, lambda: hashlib.blake2b(digest_size=16)).digest()
        except OSError:
            return b"unreadable"

    def key(self, out: Any) -> str | None:
        """None for outputs that are copied, not rendered, and for templates that cannot be read."""
        if out.copy_from is not None:
            return None
        h = self.base.copy()
        h.update(f"\0{out.url}\0{out.kind}\0{out.template}\0".encode())
        if out.template is not None:
            t = self.templates.get(out.template)
            if t is None:
                return None
            h.update(t)
        for name in sorted(out.deps):
            h.update(name.encode() + b"\0" + self.dep(name))
        return h.hexdigest()


def template_digests(env: Any, closure: dict[str, set[str]]) -> dict[str, bytes]:
    """template -> digest of its source and of every template it extends, includes or imports."""
    sources: dict[str, bytes] = {}
    loader = env.loader
    for name in {t for used in closure.values() for t in used} | set(closure):
        try:
            sources[name] = digest(loader.get_source(env, name)[0].encode("utf-8"))
        except Exception:  # noqa: BLE001 - a template that cannot be read is never cached
            continue
    out = {}
    for name, used in closure.items():
        if any(t not in sources for t in used):
            continue
        h = hashlib.blake2b(digest_size=16)
        for t in sorted(used):
            h.update(t.encode() + b"\0" + sources[t])
        out[name] = h.digest()
    return out
