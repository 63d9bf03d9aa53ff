"""The build cache's folder: where it lives, whether it may be used, and every file operation in it.

A cache is an input of the build, so nobody but the user who builds may be able to
write it. By default it lives in the user's cache directory
($XDG_CACHE_HOME/smbsite/sites/<digest of the site's absolute path>), never in the
site folder that pull requests change. A folder given with --cache-dir inside the
site is used only when git does not track it and it holds no links; otherwise the
build goes without a cache and says why.

Inside there is one database (core/store.py) beside the lock and the CACHEDIR.TAG; a folder
that holds a link is refused, every file is opened relative to the cache folder's own
descriptor, with O_NOFOLLOW, and checked (a regular file, owned by this user) before it is
used, so a link placed in the cache never leads a read, write or delete out of it. Every
entry carries a MAC made with a key kept in the user's cache directory, outside any site:
an entry someone else wrote (a committed cache, a forged page with a matching digest) is a
miss, never output. One lock covers the whole folder: a second build that finds it held
builds without the cache.

This module also holds the package's one lock helper (try_lock) and one atomic-write helper
(write_file): the output folder's staging uses them too.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows: no sharing guard there
    fcntl = None  # type: ignore[assignment]

TAG = "CACHEDIR.TAG"  # the Cache Directory Tagging convention: backup tools skip the folder
TAG_TEXT = ("Signature: 8a477f597d28d172789f06886806bc55\n"
            "# This folder is smbsite's build cache; deleting it only makes the next build cold.\n")
MAC_SIZE = 32
OWN_FILES = {"lock", TAG}  # besides the database's files (core/store.py)
LEGACY = ("images", "pages")  # the folders of the cache before it was one database: removed when found
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
DIRECTORY = getattr(os, "O_DIRECTORY", 0)
CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class CacheRefused(Exception):
    """Why a cache folder is not used (the build goes on without it): a warning for the user."""


def user_root() -> Path:
    """smbsite's folder in the user's cache directory."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "smbsite"


def default_folder(src: Path) -> Path:
    """The cache of one site: named by its absolute path, so two sites never share one."""
    name = hashlib.sha256(str(Path(src).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return user_root() / "sites" / name


def _check_fd(fd: int, kind: int) -> os.stat_result:
    st = os.fstat(fd)
    if stat.S_IFMT(st.st_mode) != kind or (hasattr(os, "geteuid") and st.st_uid != os.geteuid()):
        raise OSError(f"not a {'folder' if kind == stat.S_IFDIR else 'file'} of this user")
    return st


def open_dir(name: str | Path, dir_fd: int | None = None, make: bool = True) -> int:
    """A folder's descriptor, never through a link; made (private) when missing."""
    if make:
        try:
            os.mkdir(name, 0o700, dir_fd=dir_fd)
        except FileExistsError:
            pass
    fd = os.open(name, os.O_RDONLY | DIRECTORY | NOFOLLOW | CLOEXEC, dir_fd=dir_fd)
    try:
        _check_fd(fd, stat.S_IFDIR)
    except OSError:
        os.close(fd)
        raise
    return fd


def read_file(dir_fd: int, name: str, limit: int = 1 << 31) -> bytes | None:
    """A regular file of this user in the folder, never through a link; None when there is none."""
    try:
        fd = os.open(name, os.O_RDONLY | NOFOLLOW | CLOEXEC, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        st = _check_fd(fd, stat.S_IFREG)
        if st.st_size > limit:
            return None
        chunks, left = [], st.st_size
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def write_file(dir_fd: int, name: str, data: bytes) -> None:
    """Replace name in the folder at once: written to a new file of its own, renamed over name
    (a rename replaces a link, never what it points to)."""
    tmp = f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC, 0o600, dir_fd=dir_fd)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except BaseException:
        os.close(fd)
        os.unlink(tmp, dir_fd=dir_fd)
        raise
    os.close(fd)
    os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)


def remove(dir_fd: int, name: str) -> None:
    """Remove a name from the folder (a link is removed itself; nothing outside is touched)."""
    try:
        os.unlink(name, dir_fd=dir_fd)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        pass


def try_lock(fd: int) -> bool:
    """Take an exclusive lock on an open file or folder without waiting; False when another
    process holds one. The system drops it when the holder dies, even by kill -9."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def cache_key() -> bytes:
    """The key entries are signed with: in the user's cache directory, outside every site, made once."""
    root = user_root()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = open_dir(root, make=False)
    try:
        key = read_file(fd, "key", limit=4096)
        if key is None or len(key) != 32:
            try:
                new = os.open("key", os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC, 0o600, dir_fd=fd)
            except FileExistsError:  # another build made it just now, or something that is no key is there
                key = read_file(fd, "key", limit=4096)
                if key is None or len(key) != 32:
                    raise CacheRefused(f"{root / 'key'} is not a key smbsite made: remove it") from None
                return key
            key = secrets.token_bytes(32)
            os.write(new, key)
            os.close(new)
        return key
    finally:
        os.close(fd)


class CacheFolder:
    """An open, locked cache folder. Close it at the end of the build (it releases the lock)."""

    def __init__(self, fd: int, path: Path, key: bytes, temporary: bool = False):
        self.fd, self.path, self.key, self.temporary = fd, path, key, temporary
        self._lock: int | None = None
        self.owned = temporary  # a folder smbsite made or tagged as its cache: the only kind it ever cleans

    @classmethod
    def temporary_folder(cls) -> CacheFolder:
        """A private folder that lives for one build (--no-cache, or a cache that could not be used)."""
        path = Path(tempfile.mkdtemp(prefix="smbsite-cache-"))
        return cls(open_dir(path, make=False), path, secrets.token_bytes(32), temporary=True)

    @classmethod
    def open(cls, path: Path, src: Path) -> CacheFolder:
        """The cache at path, locked for this build; CacheRefused says why it cannot be used."""
        path = Path(os.path.abspath(path))
        real = Path(os.path.realpath(path.parent)) / path.name  # (the last part is checked for a link below)
        for here, site in ((path, Path(os.path.abspath(src))), (real, Path(os.path.realpath(src)))):
            if here == site or here.is_relative_to(site):
                refusal = in_site_refusal(here, site)
                if refusal:
                    raise CacheRefused(refusal)
        try:
            if os.path.islink(path):
                raise CacheRefused("the cache folder is a link")
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = open_dir(path)
        except CacheRefused:
            raise
        except OSError as exc:
            raise CacheRefused(f"the cache folder cannot be used ({exc.strerror or exc})") from None
        try:
            key = cache_key()
        except OSError as exc:
            os.close(fd)
            raise CacheRefused(f"the key that signs cache entries cannot be kept ({exc.strerror or exc})") from None
        except BaseException:
            os.close(fd)
            raise
        folder = cls(fd, path, key)
        try:
            folder._take_lock()
            folder._check_contents()  # checked now: a link there is a warning, not a failed build later
        except OSError as exc:
            folder.close()
            raise CacheRefused("the cache folder holds something other than its own folders "
                               f"({exc.strerror or exc})") from None
        except BaseException:
            folder.close()
            raise
        return folder

    def _take_lock(self) -> None:
        try:
            lock = os.open("lock", os.O_RDWR | os.O_CREAT | NOFOLLOW | CLOEXEC, 0o600, dir_fd=self.fd)
        except OSError as exc:
            raise CacheRefused(f"the cache folder cannot be locked ({exc.strerror or exc})") from None
        if not try_lock(lock):
            os.close(lock)
            raise CacheRefused("another build is using the cache folder: this one builds without it")
        self._lock = lock
        with os.scandir(self.fd) as entries:
            names = {e.name for e in entries}
        if read_file(self.fd, TAG) == TAG_TEXT.encode():
            self.owned = True
        elif names <= {"lock"}:  # a new folder: made a cache now
            write_file(self.fd, TAG, TAG_TEXT.encode())
            self.owned = True

    def _check_contents(self) -> None:
        """Refuse a folder that holds a link (whatever its name); remove the folders an older
        smbsite kept its cache in (only in a folder smbsite made or tagged)."""
        with os.scandir(self.fd) as entries:
            found = [(e.name, e.is_symlink(), e.is_dir(follow_symlinks=False)) for e in entries]
        for name, link, is_dir in found:
            if link:
                raise CacheRefused("the cache folder holds links")
            if is_dir and name in LEGACY and self.owned:
                shutil.rmtree(name, dir_fd=self.fd, ignore_errors=True)  # (never follows a link)

    def mac(self, *parts: bytes) -> bytes:
        """A keyed BLAKE2b over the parts (each prefixed by its length): a MAC no one without the key can make."""
        h = hashlib.blake2b(key=self.key, digest_size=MAC_SIZE)
        for part in parts:
            h.update(len(part).to_bytes(8, "big") + part)
        return h.digest()

    def close(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        if self.temporary:
            shutil.rmtree(self.path, ignore_errors=True)


def in_site_refusal(path: Path, site: Path) -> str | None:
    """Why a cache folder inside the site folder may not be used: a pull request could have put it there."""
    for parent in [path, *path.parents]:
        if parent == site.parent or not parent.is_relative_to(site):
            break
        if os.path.islink(parent):
            return "the cache folder is (inside) a link"
    if tracked_by_git(site, path):
        return "git tracks files in the cache folder: a pull request could write it"
    if path.is_dir():
        for here, dirs, files in os.walk(path):
            for name in dirs + files:
                if os.path.islink(os.path.join(here, name)):
                    return "the cache folder holds links"
    return None


def tracked_by_git(site: Path, path: Path) -> bool:
    """Whether git tracks anything under path in the site's checkout (False without git or a checkout)."""
    git = shutil.which("git")
    if git is None:
        return False
    try:
        res = subprocess.run([git, "-C", str(site), "ls-files", "-z", "--", str(path)], capture_output=True,
                             timeout=60, env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
    except (OSError, subprocess.SubprocessError):
        return False
    return res.returncode == 0 and bool(res.stdout.strip(b"\0"))
