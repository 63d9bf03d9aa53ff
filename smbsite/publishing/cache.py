"""The build cache: rendered outputs kept between builds with what each of them read.

While a page renders, what it reads is recorded (routes/dependencies.py): its view, each record field,
each template it loads, site.yaml's settings. Each read is stored with its digest, and on
the next build a page is taken from the cache when every read still has that digest, else
it is rendered again. A page's key is its URL, kind and template and the build's options;
the index says for the smbsite code and theme that made it.

On disk (CACHE/pages/, beside the image cache's folders):
  index.json              key -> [pack, offset, length, signature, [reads]], and every read's
                          digest as of the build that wrote it; replaced atomically
  pack-TOKEN-N.bin        the bytes, appended by render process N of one build
  pack-TOKEN-N.json       what process N appended (with its reads), merged into index.json by the parent
  written.json            what the last build wrote into its output folder (write.InPlace)
Every read is checked (length, and a signature made with the cache's key, see
core/cache_folder.py); anything unreadable, truncated, forged, from another version or left
by a build that was killed is a miss: the page is rendered again, never served
wrong. A second build using the same cache at the same time builds without it
(core/cache_folder.py's one lock covers the pages and the images).
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

from ..core.cache_folder import CLOEXEC, NOFOLLOW, CacheFolder, read_file, remove, write_file

FORMAT = 2
SEP = "\x1f"  # between the parts of a read, as the index writes it
PACKAGE = Path(__file__).resolve().parents[1]


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
    """Rendered outputs by key. Writes go to this process's pack; reads are verified: every entry
    is signed with the cache's key (core/cache_folder.py), so an entry nobody but this user's builds
    wrote, a forged one with a digest that matches included, is a miss."""

    def __init__(self, folder: CacheFolder, fingerprint: str):
        self.cache = folder
        self.fd = folder.subfolder("pages")
        self.fingerprint = fingerprint
        self.index: dict[str, list[Any]] = {}
        self.reads: list[tuple[str, str]] = []  # (read, its digest when the index was written)
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
            reads = [(str(dep), str(want)) for dep, want in data["reads"]]
            live = 0
            for key, entry in index.items():
                if not (isinstance(key, str) and isinstance(entry, list) and len(entry) == 5
                        and isinstance(entry[4], list)):
                    return
                if any(not isinstance(i, int) or not 0 <= i < len(reads) for i in entry[4]):
                    return
                live += int(entry[2])
            self.index, self.reads = index, reads
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

    def plan(self, keys: dict[str, str], digests: Any) -> dict[str, list[Any]]:
        """url -> its cache entry, for every output (url -> key) whose reads all have the
        digest now (digests: deps.Digests) that they had when it was stored."""
        same: list[bool | None] = [None] * len(self.reads)
        hits = {}
        for url, key in keys.items():
            entry = self.index.get(key)
            if entry is None:
                continue
            for i in entry[4]:
                ok = same[i]
                if ok is None:
                    dep, want = self.reads[i]
                    ok = same[i] = digests.get(tuple(dep.split(SEP))).hex() == want
                if not ok:
                    break
            else:
                hits[url] = entry
        return hits

    def get(self, key: str, entry: list[Any]) -> bytes | None:
        """The bytes of a planned hit (None if they cannot be read: render the page)."""
        data = self._read(key, entry)
        if data is None:
            self.misses += 1
            return None
        self.hits += 1
        if self.compact:
            self._append(key, data, entry[3], [self.reads[i] for i in entry[4]])
        return data

    def _read(self, key: str, entry: list[Any]) -> bytes | None:
        try:
            pack, offset, length, want = entry[:4]
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

    def stamp(self, key: str, data: bytes) -> str:
        """What the index says a page's bytes are (its signature, which a read checks): also what
        a build compares with what it wrote into the output folder last time."""
        return self.sign(key, data)

    def put(self, key: str, data: bytes, reads: dict[tuple, bytes]) -> None:
        """Keep a rendered output with what it read (read -> its digest now)."""
        self.misses += 1
        self._append(key, data, self.stamp(key, data), [(SEP.join(dep), d.hex()) for dep, d in reads.items()])

    def _append(self, key: str, data: bytes, signature: str, reads: list[tuple[str, str]]) -> None:
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
        self._written.append([key, self._out_name, self._out_size, len(data), signature, reads])
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

    def finish(self, keys: Iterable[str], hits: Iterable[list[Any]] = ()) -> None:
        """Make this build's pages the cache: merge what every process wrote, keep only the
        pages of this build, replace the index atomically, delete packs nobody points at.
        hits: the entries this build took from the cache (their reads are as they were)."""
        self.flush_part()
        wanted = set(keys)
        taken = {id(e) for e in hits}
        numbers: dict[str, int] = {}
        table: list[list[str]] = []

        def number(dep: str, want: str) -> int:
            n = numbers.get(dep)
            if n is None:
                n = numbers[dep] = len(table)
                table.append([dep, want])
            return n

        index = {}
        if not self.compact:
            for k, e in self.index.items():
                if k in wanted and id(e) in taken:
                    index[k] = [*e[:4], [number(*self.reads[i]) for i in e[4]]]
        with os.scandir(self.fd) as entries:
            names = sorted(e.name for e in entries if not e.is_dir(follow_symlinks=False))
        for name in names:
            if not (name.startswith(f"pack-{self.token}-") and name.endswith(".json")):
                continue
            try:
                for key, pack, offset, length, signature, reads in json.loads(read_file(self.fd, name) or b"[]"):
                    if key in wanted:
                        index[key] = [pack, offset, length, signature, [number(dep, want) for dep, want in reads]]
            except (ValueError, TypeError):
                continue  # that process's pages are simply not kept
        try:
            write_file(self.fd, "index.json", json.dumps({"format": FORMAT, "code": self.fingerprint,
                                                         "reads": table, "pages": index}).encode())
        except OSError:
            return
        self.index = index
        self.reads = [(dep, want) for dep, want in table]
        live = {e[0] for e in index.values()}
        for name in names if self.cache.owned else ():
            if name.startswith("pack-") and name not in live:
                remove(self.fd, name)

    # --- what the last build wrote into its output folder -----------------------------

    def written(self, out: Path) -> dict[str, list[Any]] | None:
        """relative path -> [size, mtime_ns, what it holds] of every file the last build through
        this cache wrote into out; None when that build wrote elsewhere or nothing is known."""
        try:
            raw = read_file(self.fd, "written.json")
            if raw is None:
                return None
            data = json.loads(raw)
            if data["format"] != FORMAT or data["out"] != str(Path(out).resolve()):
                return None
            files = data["files"]
            if not hmac.compare_digest(str(data["mac"]), self._mac_written(data["out"], files)):
                return None  # not written by this user's builds
            if not all(isinstance(v, list) and len(v) == 3 for v in files.values()):
                return None
            return files
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def _mac_written(self, out: str, files: dict[str, list[Any]]) -> str:
        return self.cache.mac(b"written", out.encode(), json.dumps(files, sort_keys=True).encode()).hex()

    def note_written(self, out: Path, files: dict[str, list[Any]]) -> None:
        try:
            where = str(Path(out).resolve())
            write_file(self.fd, "written.json", json.dumps({"format": FORMAT, "out": where, "files": files,
                                                            "mac": self._mac_written(where, files)}).encode())
        except OSError:
            pass  # the next build writes every file

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


def page_key(options: str, out: Any) -> str:
    """Which cached page an output may be: the same URL, kind and template under the same options."""
    return hashlib.blake2b(f"{options}\0{out.url}\0{out.kind}\0{out.template}".encode(),
                           digest_size=16).hexdigest()
