"""The build cache's one store: a SQLite database in the cache folder (core/cache_folder.py).

One file, cache.sqlite, holds everything a build keeps for the next one: rendered pages with
what each read (publishing/cache.py), finished images (images/imaging.py), parsed records
with their problems (reading/load.py), and small notes (what the last build wrote into its
output folder, the answer of the last check). Every row carries a MAC made with the cache's
key, checked before a row is used: a row nobody but this user's builds wrote is a miss.

SQLite opens the database by its path and would follow a link there, so the file is first
opened here, relative to the locked cache folder's descriptor, with O_NOFOLLOW, and checked
(a regular file of this user); SQLite then opens it by path and, once it has, the path must
still name that very file (same device and inode) inside that very folder, else the cache is
not used. SQLite's own journal (cache.sqlite-journal) is made beside it in the same checked folder (a
folder that holds a link is refused before anything is opened, core/cache_folder.py). A
database that is damaged or holds tables this module did not make is removed and made anew.

Connections never cross a fork: every open store closes its connection before any fork
(os.register_at_fork), and each process opens its own when it first needs one.
"""
from __future__ import annotations

import os
import sqlite3
import stat
import weakref
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import quote

from .cache_folder import CLOEXEC, NOFOLLOW, CacheFolder, remove

NAME = "cache.sqlite"
FORMAT = "3"
TABLES = {  # name -> its columns after the name; every row ends with its MAC
    "pages": "opts TEXT NOT NULL, stamp BLOB, reads BLOB, data BLOB, build TEXT",
    "reads": "dep TEXT, digest BLOB",
    "images": "data BLOB",
    "records": "digest BLOB, data BLOB",
    "notes": "data BLOB",
}
# the columns a row's MAC covers, where not all: a page's bytes are covered by its stamp (a MAC of
# its own), so a build can check which pages it may take without reading their bytes
SIGNED = {"pages": 3, "reads": 0}  # (a read's name is a MAC of it: publishing/cache.py)
FLUSH_ROWS, FLUSH_BYTES = 10000, 32 << 20
SCHEMA = [f"CREATE TABLE {t} (name {'BLOB' if t == 'reads' else 'TEXT'} PRIMARY KEY, {cols}, mac BLOB NOT NULL)"
          for t, cols in TABLES.items()] + ["CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT)"]

_OPEN: weakref.WeakSet[Store] = weakref.WeakSet()


def _before_fork() -> None:
    for store in list(_OPEN):
        store.disconnect()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork)


class StoreRefused(Exception):
    """The database cannot be used safely (a link, another user's file): build without it."""


class Store:
    """Rows by table and name, each checked against its MAC when read."""

    def __init__(self, folder: CacheFolder):
        self.folder = folder
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._pending: dict[str, list[tuple]] = {}  # rows not written yet, by table
        self._pending_bytes = 0
        self._pending_rows = 0
        self.damaged = False
        _OPEN.add(self)

    # --- the connection ------------------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():
            self._conn = None  # (one inherited from a parent is never used: see disconnect)
            self._conn = self._connect()
            self._pid = os.getpid()
        return self._conn

    def _connect(self) -> sqlite3.Connection:
        for attempt in (0, 1):
            try:
                conn = self._open_checked()
            except sqlite3.DatabaseError:
                if attempt or not self.folder.owned:
                    break
                self._remove_files()  # no database at all
                continue
            try:
                tables = {row[0]: row[1] for row in conn.execute("SELECT name, sql FROM sqlite_master "
                                                                 "WHERE type IN ('table', 'view', 'trigger')")}
                if not tables:
                    with conn:
                        for sql in SCHEMA:
                            conn.execute(sql)
                        conn.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
                    return conn
                fmt = conn.execute("SELECT value FROM meta WHERE name = 'format'").fetchone() if "meta" in tables else None
                if sorted(tables.values()) == sorted(SCHEMA) and fmt == (FORMAT,) and self._whole(conn):
                    return conn
            except sqlite3.DatabaseError:
                pass
            conn.close()
            if attempt or not self.folder.owned:
                break  # (only a folder smbsite made or tagged as its cache is ever cleaned)
            self._remove_files()  # damaged, or not made by this smbsite: start cold
        raise StoreRefused("the cache database cannot be made")

    def _open_checked(self) -> sqlite3.Connection:
        folder = self.folder
        try:
            fd = os.open(NAME, os.O_RDWR | os.O_CREAT | NOFOLLOW | CLOEXEC, 0o600, dir_fd=folder.fd)
        except OSError as exc:
            raise StoreRefused(f"the cache database cannot be opened ({exc.strerror or exc})") from None
        try:
            mine = os.fstat(fd)
            if not stat.S_ISREG(mine.st_mode) or (hasattr(os, "geteuid") and mine.st_uid != os.geteuid()):
                raise StoreRefused("the cache database is not a file of this user")
            path = Path(folder.path) / NAME
            conn = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, isolation_level=None,
                                   timeout=120, check_same_thread=False)
            try:
                conn.execute("PRAGMA trusted_schema = OFF")
                # A rollback journal, not a write-ahead log: most of what a build writes is new rows, which a
                # journal never copies (a log holds every byte twice). No waiting for the disk: a power cut may
                # leave the file damaged (then it is removed and made anew) or with older rows, and every row
                # is checked against its MAC before it is used, so neither is ever served.
                conn.execute("PRAGMA journal_mode = DELETE")
                conn.execute("PRAGMA synchronous = OFF")
                # the index of reads takes rows in random order (its names are MACs): with SQLite's
                # default 2 MB of pages it reads back from the file what it wrote a moment ago
                conn.execute("PRAGMA cache_size = -32768")
                now, where = os.stat(path, follow_symlinks=False), os.stat(folder.path)
                here = os.fstat(folder.fd)
                if ((now.st_dev, now.st_ino) != (mine.st_dev, mine.st_ino) or not stat.S_ISREG(now.st_mode)
                        or (where.st_dev, where.st_ino) != (here.st_dev, here.st_ino)):
                    raise StoreRefused("the cache database changed while it was opened")
            except BaseException:
                conn.close()
                raise
            return conn
        finally:
            os.close(fd)

    def _whole(self, conn: sqlite3.Connection) -> bool:
        """Whether the file holds every page the database says it has (a truncated one does not)."""
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        return os.stat(NAME, dir_fd=self.folder.fd, follow_symlinks=False).st_size >= pages * size

    def failed(self, exc: Exception) -> None:
        """A statement failed: a damaged database is removed when this build is done with it."""
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            self.damaged = True

    def _remove_files(self) -> None:
        for name in (NAME, NAME + "-wal", NAME + "-shm", NAME + "-journal"):
            remove(self.folder.fd, name)

    def disconnect(self) -> None:
        """Commit and close this process's connection (before a fork, and at the end)."""
        self.commit()  # (rows are always this process's own: the parent's were written before it forked)
        conn, self._conn = self._conn, None
        if conn is not None and self._pid == os.getpid():
            try:
                if conn.in_transaction:
                    conn.execute("COMMIT")
            except sqlite3.Error:
                pass
            conn.close()
        # a connection inherited from a parent is dropped unclosed: closing it could release the parent's locks

    def close(self) -> None:
        self.disconnect()
        _OPEN.discard(self)
        if self.damaged and self.folder.owned and self.folder.fd >= 0:
            self._remove_files()  # the next build starts cold

    # --- rows ----------------------------------------------------------------------------

    def mac(self, table: str, name: str | bytes, *parts: Any) -> bytes:
        raw = [p if isinstance(p, bytes) else str(p).encode("utf-8", "surrogateescape") for p in parts]
        key = name if isinstance(name, bytes) else name.encode("utf-8", "surrogateescape")
        return self.folder.mac(table.encode(), key, *raw)

    def get(self, table: str, name: str | bytes, columns: str = "data") -> tuple | None:
        """One row's columns when its MAC holds (every column of the table is signed), else None."""
        try:
            row = self.conn.execute(f"SELECT {TABLES_COLUMNS[table]}, mac FROM {table} WHERE name = ?",
                                    (name,)).fetchone()
        except (sqlite3.Error, StoreRefused) as exc:
            self.failed(exc)
            return None
        if row is None or not self.valid(table, name, row[:-1], row[-1]):
            return None
        names = TABLES_COLUMNS[table].split(", ")
        return tuple(row[names.index(c)] for c in columns.split(", "))

    def valid(self, table: str, name: str | bytes, values: tuple, mac: Any) -> bool:
        """Whether a row's columns (as the table lists them) are what this cache's builds wrote."""
        import hmac
        signed = values[:SIGNED.get(table, len(values))]
        return isinstance(mac, bytes) and hmac.compare_digest(mac, self.mac(table, name, *_plain(signed)))

    def put(self, table: str, name: str | bytes, *values: Any) -> None:
        """Keep one row (replacing the one of that name). Rows wait in memory and go in together,
        in one short transaction, so that processes writing at once seldom wait for each other."""
        n = SIGNED.get(table, len(values))
        mac = self.mac(table, name, *_plain(values[:n])) if n else b""
        rows = self._pending.get(table)
        if rows is None:
            rows = self._pending[table] = []
        rows.append((name, *values, mac))
        for v in values:
            if isinstance(v, (bytes, str)):
                self._pending_bytes += len(v)
        self._pending_rows += 1
        if self._pending_bytes > FLUSH_BYTES or self._pending_rows > FLUSH_ROWS:
            self.commit()

    def commit(self) -> None:
        """Write the rows kept so far (a failure, a full disk say, only loses them: they are a cache)."""
        pending, self._pending, self._pending_bytes, self._pending_rows = self._pending, {}, 0, 0
        if not pending:
            return
        try:
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                for table, rows in pending.items():
                    cols = TABLES_COLUMNS[table]
                    marks = ", ".join("?" * (cols.count(",") + 3))
                    conn.executemany(f"INSERT OR REPLACE INTO {table} (name, {cols}, mac) VALUES ({marks})", rows)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except (sqlite3.Error, StoreRefused) as exc:
            self.failed(exc)

    def rows(self, table: str, where: str = "", args: tuple = (), columns: str | None = None) -> Iterator[tuple]:
        """(name, columns..., mac) of the rows that match; the caller checks the MAC (valid) of what it uses."""
        cols = columns or TABLES_COLUMNS[table]
        try:
            yield from self.conn.execute(f"SELECT name, {cols}, mac FROM {table} {where}", args)
        except (sqlite3.Error, StoreRefused) as exc:
            self.failed(exc)
            return

    def keep_only(self, table: str, names: Iterable[str | bytes], where: str = "", args: tuple = ()) -> None:
        """Delete the table's rows (that match where) whose name is not among names."""
        if self.folder.temporary or not self.folder.owned:
            return
        try:
            conn = self.conn
            self.commit()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS keep (name PRIMARY KEY)")
            conn.execute("DELETE FROM keep")
            conn.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((n,) for n in names))
            cond = f"({where}) AND " if where else ""
            conn.execute(f"DELETE FROM {table} WHERE {cond}name NOT IN (SELECT name FROM keep)", args)
            conn.execute("COMMIT")
        except (sqlite3.Error, StoreRefused):
            try:
                self.conn.execute("ROLLBACK")
            except (sqlite3.Error, StoreRefused):
                pass

    def execute(self, sql: str, args: tuple = ()) -> list[tuple]:
        """A statement of the caller's (publishing/cache.py's bookkeeping); [] when the store fails."""
        self.commit()
        try:
            return self.conn.execute(sql, args).fetchall()
        except (sqlite3.Error, StoreRefused) as exc:
            self.failed(exc)
            return []

    def count(self, table: str) -> int:
        rows = self.execute(f"SELECT count(*) FROM {table}")
        return int(rows[0][0]) if rows else 0

    def note(self, name: str) -> bytes | None:
        row = self.get("notes", name)
        return row[0] if row else None

    def set_note(self, name: str, data: bytes) -> None:
        self.put("notes", name, data)
        self.commit()


TABLES_COLUMNS = {t: ", ".join(c.split()[0] for c in cols.split(", ")) for t, cols in TABLES.items()}


def _plain(values: Iterable[Any]) -> list[bytes]:
    return [b"" if v is None else v if isinstance(v, bytes) else str(v).encode("utf-8", "surrogateescape")
            for v in values]


def open_store(folder: CacheFolder | None) -> Store | None:
    """The store of a locked cache folder, or None when it cannot be used (the build goes without)."""
    if folder is None:
        return None
    store = Store(folder)
    try:
        store.conn
    except StoreRefused:
        store.close()
        return None
    return store
