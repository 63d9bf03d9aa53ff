"""Stage 1, load: read the site folder into raw documents that keep positions."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from hashlib import blake2b
from pathlib import Path
from typing import Any

from ..model.kinds import KINDS
from ..core.markdown import needs_check
from ..model.fields import SLUG_RE
from ..core.forking import fork_map, jobs_for
from ..core.problems import Problems, no_site_yaml_words, shorten
from .safefs import LINK_HINT, walk
from ..core.slugify import slugify
from .yamlpos import INVISIBLE, LINES, Positions, YamlProblem, parse_yaml

FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:^|\r?\n)---[ \t]*(?:\r?\n|\Z)", re.S | re.M)


@dataclass
class Source:
    """One file as read: its parsed mapping, where every value sits, and any Markdown body."""

    kind: str
    slug: str
    path: str  # relative to the site folder, forward slashes
    file: Path
    text: str
    data: dict[str, Any]
    pos: Positions
    body: str = ""
    body_line: int = 1  # 1-based line of the body's first line in the file


@dataclass
class Loaded:
    root: Path
    site: Source | None
    sources: dict[str, list[Source]] = field(default_factory=dict)  # kind -> sorted by slug
    # every well-named file's slug, parsed or not: a reference to a record that has
    # errors of its own is not also an "unknown" reference
    slugs: dict[str, set[str]] = field(default_factory=dict)
    # collections whose folder is a link out of the site: none of their records was read, so
    # what refers to them cannot be checked (it would only report noise)
    refused: set[str] = field(default_factory=set)
    # source path -> digest of its bytes, for every file read (what the build cache keys on)
    digests: dict[str, bytes] = field(default_factory=dict)

    def texts(self) -> dict[str, str]:
        """Source path -> its text, for every record whose text a later stage may need
        (to place what it finds in a Markdown field at its line in the file)."""
        return {s.path: s.text for sources in self.sources.values() for s in sources if s.text}


def _rel(root: Path, file: Path) -> str:
    return file.relative_to(root).as_posix()


def decode(raw: bytes, path: str, problems: Problems) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        problems.error(path, line, col, f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                       "save it with UTF-8 encoding")
        return None
    return text.removeprefix("\ufeff")


_BLOCK_START = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z_][\w-]*):\s*[|>][-+0-9]*\s*(?:#.*)?$")
_HEADING = re.compile(r"^#{2,6}\s+\S")  # '# text' is how YAML comments look; '## text' is a heading


def headings_outside_blocks(text: str) -> list[tuple[int, str]]:
    """(line, field) of '## Heading' lines written at the left edge right after the text of
    a block scalar (description: |). YAML takes them for comments and drops them without a
    word, or stumbles on the text after them; either way the member meant a heading."""
    found = []
    block: tuple[int, str] | None = None  # (indent of the key, key) while inside a block scalar
    seen_text = False
    for number, raw in enumerate(LINES.split(text), 1):
        if block is not None:
            if not raw.strip():
                continue
            indent = len(raw) - len(raw.lstrip(" "))
            if indent > block[0]:
                seen_text = True
                continue
            if seen_text and indent == 0 and _HEADING.match(raw):
                found.append((number, block[1]))
                continue  # the block may go on below it, as the member meant
            block = None
        m = _BLOCK_START.match(raw)
        if m:
            block, seen_text = (len(m.group(1)), m.group(2)), False
    return found


def parse_record(kind: str, slug: str, path: str, file: Path, raw: bytes, problems: Problems) -> Source | None:
    """Parse one file's bytes; every failure becomes a problem at its position."""
    text = decode(raw, path, problems)
    if text is None:
        return None
    if not text.strip():
        problems.error(path, 1, 1, "the file is empty", "see CONTRIBUTING.md or run 'smbsite new' for a template")
        return None
    body, body_line, yaml_text, offset = "", 1, text, 0
    front_matter = kind in KINDS and KINDS[kind].front_matter
    if front_matter:
        m = FRONT_MATTER_RE.match(text)
        if not m:
            if re.match(r"---[ \t]*\r?\n", text):
                problems.error(path, 1, 1, "the front matter is never closed",
                               "end the fields with a line holding just '---', then write the text")
            else:
                problems.error(path, 1, 1, "missing front matter",
                               "start the file with a '---' line, the fields (title: …), and another '---' line")
            return None
        yaml_text, offset = m.group(1), 1
        body = text[m.end():]
        body_line = text[: m.end()].count("\n") + 1
        bad = INVISIBLE.search(body)
        if bad:
            before = body[:bad.start()]
            line, col = body_line + before.count("\n"), bad.start() - (before.rfind("\n") + 1) + 1
            problems.error(path, line, col, f"the text holds an invisible control character (U+{ord(bad.group()):04X})",
                           "delete it (copying from a word processor or PDF often leaves one)")
            return None
    lost = headings_outside_blocks(yaml_text) if not front_matter else []
    for line, key in lost:
        problems.error(path, line, 1, f"this Markdown heading starts at the left edge, so YAML reads it as a "
                       f"comment and it would be left out of '{shorten(key)}'",
                       "indent it like the text above it, e.g. '  ## Services'")
    if lost:
        return None
    try:
        data, pos = parse_yaml(yaml_text)
    except YamlProblem as exc:
        problems.error(path, exc.line + offset, exc.col, exc.message, exc.hint)
        return None
    pos.line_offset = offset
    if data is None and front_matter:
        data = {}
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else "a single value"
        problems.error(path, *pos.value(()), f"expected fields (name: value lines), found {what}",
                       "write one 'field: value' per line, e.g. title: Spring meetup")
        return None
    return Source(kind, slug, path, file, text, data, pos, body, body_line)


LOGO_TYPES = {".png", ".jpg", ".jpeg", ".webp", ".svg"}  # may sit beside member and vendor records
RECORD_MAX = 1 << 20  # bytes of a record file: a listing needs a few KB
MARKDOWN_MAX = 2 << 20  # bytes of a page or an article


def size_limit(kind: str) -> int:
    return MARKDOWN_MAX if KINDS[kind].front_matter else RECORD_MAX


def _mb(size: int) -> str:
    """Megabytes, rounded up to a tenth, so a file just over a limit never reads as at it."""
    return f"{-(-size * 10 // (1 << 20)) / 10:g} MB"


def _not_read(rel: str, name: str, folder: str, kind: str, suffixes: tuple[str, ...], problems: Problems) -> None:
    """A warning for a file or folder in a collection folder that is silently not a record."""
    ends = " or ".join(suffixes)
    if any(f"{s}." in name.lower() for s in suffixes):  # x.yaml.bak, x.yml.orig
        hint = f"rename it to end in {suffixes[0]} if it is a record, or move it out of {folder}/"
    else:
        hint = f"move it out of {folder}/, or rename it to end in {suffixes[0]} if it is a record"
    problems.warning(rel, 1, 1, f"{name} is not read: only {ends} files directly in {folder}/ are {kind}s", hint)


def list_collection(root: Path, kind: str, problems: Problems) -> tuple[list[tuple[str, Path]], set[str] | None]:
    """(slug, file) pairs of a collection folder, checking names and duplicate slugs; anything
    else in the folder (a folder, x.yaml.bak, a file without extension) is named in a warning.

    Second: the slugs of records that are links out of the site (reported, not read), or None
    when the folder itself is such a link."""
    folder, suffixes = KINDS[kind].folder, KINDS[kind].suffixes
    found: dict[str, Path] = {}

    def hint(name: str) -> str:
        return "put the record itself in the site folder" if name.lower().endswith(suffixes) else LINK_HINT

    def quiet(name: str) -> bool:
        """Files that sit in a record folder on purpose: a README, and logos (checked where a record names them)."""
        suffix = Path(name).suffix.lower()
        return suffix not in suffixes and (Path(name).stem.lower() == "readme"
                                           or ("logo" in KINDS[kind].record.model_fields and suffix in LOGO_TYPES))

    listing = walk(root, folder, problems, recursive=False, hint=hint, skip=quiet)
    if folder in listing.refused or any(folder.startswith(r + "/") for r in listing.refused):
        return [], None
    unread = {Path(r).stem for r in listing.refused if r.lower().endswith(suffixes)}
    for entry in listing:
        name, file, rel = entry.name, entry.path, entry.rel
        suffix = file.suffix.lower()
        if entry.is_dir:
            problems.warning(rel, 1, 1, f"{name} is a folder: only {' or '.join(suffixes)} files directly in "
                             f"{folder}/ are {kind}s, so nothing in it is read",
                             f"move the records in it up into {folder}/, or move it out")
            continue
        if suffix not in suffixes:
            _not_read(rel, name, folder, kind, suffixes, problems)
            continue
        slug = file.stem
        if not SLUG_RE.match(slug) or len(slug) > 64:
            better = slugify(slug)[:64] or "company-name"
            problems.error(rel, 1, 1, f"file name '{file.name}' is not allowed: a record's name (its slug) "
                           "uses lowercase letters, digits and single hyphens, at most 64 characters",
                           f"rename it to {better}{file.suffix.lower()}")
            continue
        if slug in found:
            problems.error(rel, 1, 1, f"duplicate slug '{slug}': {_rel(root, found[slug])} has the same name",
                           "keep one of the two files (.yaml and .yml are the same record)")
            continue
        found[slug] = file
    return sorted(found.items()), unread


class TooLarge(Exception):
    def __init__(self, size: int):
        self.size = size


def read_bytes(file: Path, limit: int | None = None) -> bytes:
    """Path.read_bytes without the seek, stat and tty probes of a buffered file (a third
    of the system calls of loading 10,000 records). With a limit, raises TooLarge as soon
    as more than `limit` bytes were read: a huge file is never read whole."""
    fd = os.open(file, os.O_RDONLY)
    try:
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
            if limit is not None and total > limit:
                raise TooLarge(max(total, os.fstat(fd).st_size))
    finally:
        os.close(fd)


def read_source(kind: str, rel: str, file: Path, problems: Problems) -> bytes | None:
    """A record's bytes, or None with a problem when the file is too large or cannot be read."""
    limit = size_limit(kind)
    try:
        return read_bytes(file, limit)
    except TooLarge as exc:
        if KINDS[kind].front_matter:
            what, hint = "a page or an article", "split the text into several pages, or shorten it"
        else:
            what, hint = "a record file", "shorten it: a listing needs a few KB (put long texts on your own website)"
        problems.error(rel, 1, 1, f"the file is {_mb(exc.size)} ({exc.size:,} bytes); {what} may be at most "
                       f"{_mb(limit)}", hint)
    except OSError as exc:
        problems.error(rel, 1, 1, f"cannot read the file: {exc.strerror}")
    return None


def strings(value: Any) -> Any:
    """Every string in a parsed value, however deep."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


ParseCache = dict[str, tuple[bytes, "Source | None", list]]  # serve's, in memory: path -> (bytes, source, problems)


class RecordStore:
    """Parsed records kept in the build cache's store (core/store.py) between builds, by the digest
    of the file's bytes and of this smbsite: a file whose bytes did not change is not parsed
    again, and the problems found when it was are reported again with it."""

    def __init__(self, store: Any, salt: str):
        self.store, self.salt = store, salt.encode()
        # (unverified: a row's MAC is checked when it is used)
        self.known = {name: key for name, key, _ in store.rows("records", columns="digest")}
        self.seen: set[str] = set()

    def key(self, digest: bytes) -> bytes:
        return blake2b(self.salt + b"\0" + digest, digest_size=16).digest()

    def get(self, rel: str, digest: bytes) -> tuple[Source | None, list] | None:
        self.seen.add(rel)
        key = self.key(digest)
        if self.known.get(rel) != key:
            return None
        row = self.store.get("records", rel, "digest, data")
        if row is None or row[0] != key:
            return None
        try:
            import pickle
            src, probs = pickle.loads(row[1])  # (signed with the cache's key: written by this user's builds)
        except Exception:
            return None
        return src, probs

    def put(self, rel: str, digest: bytes, src: Source | None, probs: list) -> None:
        import pickle
        self.seen.add(rel)
        self.store.put("records", rel, self.key(digest), pickle.dumps((src, probs), protocol=pickle.HIGHEST_PROTOCOL))

    def finish(self) -> None:
        """Keep the records of the files this build read; forget the rest."""
        self.store.commit()
        self.store.keep_only("records", self.seen)


def _parse(kind: str, slug: str, rel: str, file: Path, raw: bytes, problems: Problems,
           cache: ParseCache | RecordStore | None, digest: bytes = b"") -> Source | None:
    """parse_record, reusing the last result for a file whose bytes did not change (serve, and
    builds and checks through the cache)."""
    if isinstance(cache, RecordStore):
        got = cache.get(rel, digest or blake2b(raw, digest_size=16).digest())
        if got is not None:
            src, probs = got
            if src is not None:
                src.file = file
            problems.extend(probs)
            return src
    elif cache is not None:
        hit = cache.get(rel)
        if hit is not None and hit[0] == raw:
            problems.extend(hit[2])
            return hit[1]
    local = Problems()
    src = parse_record(kind, slug, rel, file, raw, local)
    problems.extend(local.items)
    if isinstance(cache, RecordStore):
        cache.put(rel, digest or blake2b(raw, digest_size=16).digest(), src, list(local.items))
    elif cache is not None:
        cache[rel] = (raw, src, list(local.items))
    return src


PARSE_MS = 0.3  # parsing one record with its positions, about: what core/forking.py's policy weighs


def _parse_share(kind: str, listed: list[tuple[str, Path]], root: Path, cache: ParseCache | RecordStore | None,
                 digests: dict[str, bytes]) -> tuple[list[Source], list]:
    problems = Problems()
    out = []
    for slug, file in listed:
        rel = _rel(root, file)
        raw = read_source(kind, rel, file, problems)
        if raw is not None:
            digests[rel] = blake2b(raw, digest_size=16).digest()
        src = _parse(kind, slug, rel, file, raw, problems, cache, digests.get(rel, b"")) if raw is not None else None
        if src is not None:
            out.append(src)
    return out, problems.items


def _parse_parallel(kind: str, listed: list[tuple[str, Path]], root: Path, digests: dict[str, bytes], jobs: int,
                    ) -> tuple[list[Source], list]:
    """Parse a share of the files in each of jobs processes (this one too).

    A worker sends back what it parsed: data and positions, and the text only of a record
    whose Markdown has something to check by line (the text is a third of the bytes),
    which costs about half of what parsing them here would.
    """
    def share(index: int, step: int) -> tuple[list[Source], list, dict[str, bytes]]:
        mine: dict[str, bytes] = {}
        sources, probs = _parse_share(kind, listed[index::step], root, None, mine)
        if index > 0:
            for src in sources:
                if not any(needs_check(v) for v in strings(src.data)):
                    src.text = ""  # nothing in it is checked by line, so it need not travel
                src.file = None  # type: ignore[assignment]  # rebuilt by the parent
        return sources, probs, mine

    try:
        parts = fork_map(share, jobs)
    except RuntimeError:  # a worker died: parse it all here, as if serial
        parts = [share(0, 1)]
    merged, probs = [], []
    for sources, part_probs, part_digests in parts:
        digests.update(part_digests)
        probs += part_probs
        for src in sources:
            if src.file is None:
                src.file = root / src.path
        merged += sources
    return sorted(merged, key=lambda s: s.slug), probs


def _store_parallel(kind: str, listed: list[tuple[str, Path]], root: Path, digests: dict[str, bytes],
                    cache: RecordStore, workers: int) -> tuple[list[Source], list]:
    """A cold cache: parse in several processes as without one, then keep each file's record and problems."""
    sources, probs = _parse_parallel(kind, listed, root, digests, workers)
    by_path: dict[str, list] = {}
    for p in probs:
        by_path.setdefault(p.path, []).append(p)
    parsed = {s.path: s for s in sources}
    for _, file in listed:
        rel = _rel(root, file)
        if rel in digests:
            cache.put(rel, digests[rel], parsed.get(rel), by_path.get(rel, []))
    return sources, probs


def load_site(root: Path, problems: Problems, cache: ParseCache | RecordStore | None = None,
              jobs: int = 1) -> Loaded:
    root = Path(root)
    loaded = Loaded(root=root, site=None)
    site_file = root / "site.yaml"
    if not site_file.is_file():
        problems.error("site.yaml", 1, 1, *no_site_yaml_words(root))
    else:
        raw = read_bytes(site_file)
        loaded.digests["site.yaml"] = blake2b(raw, digest_size=16).digest()
        loaded.site = _parse("site", "site", "site.yaml", site_file, raw, problems, cache)
    # templates are read by the renderer, not here, but what they may reach is checked with
    # everything else the site reads (templates/static/ is published as it is)
    walk(root, "templates", problems)
    for kind in KINDS:
        listed, unread = list_collection(root, kind, problems)
        if unread is None:
            loaded.refused.add(kind)
        loaded.slugs[kind] = {slug for slug, _ in listed} | (unread or set())
        workers = min(jobs, jobs_for(len(listed), PARSE_MS))
        cold = isinstance(cache, RecordStore) and not any(_rel(root, f) in cache.known for _, f in listed)
        if workers > 1 and cache is None:
            items, probs = _parse_parallel(kind, listed, root, loaded.digests, workers)
        elif workers > 1 and cold:
            items, probs = _store_parallel(kind, listed, root, loaded.digests, cache, workers)
        else:
            items, probs = _parse_share(kind, listed, root, cache, loaded.digests)
        problems.extend(probs)
        loaded.sources[kind] = items
    if isinstance(cache, RecordStore):
        cache.finish()
    return loaded
