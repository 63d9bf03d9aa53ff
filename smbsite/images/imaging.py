"""Images through Pillow: logos measured when they are validated, resized and encoded
once per content hash (the social cards, favicons and monograms are drawn in images/drawing.py).

Three steps, one per build stage:

* validate calls ``probe`` on each logo: the image's size from its header, before
  any pixel is decoded, so a decompression bomb or an oversized file is an
  error at the record's ``logo:`` line and costs nothing;
* validation plans each logo's sizes (images/logos.py) and the site graph every image
  file (routes/identity.py, with images/drawing.py's ``card_job`` …): its
  drawn size, its output URL and the cache file that will hold it, whose name
  is the hash of everything that decides its bytes;
* ``materialise`` makes the cache files that do not exist yet (in parallel for
  many); rendering then copies them. A second build finds every file made and
  decodes nothing.

Output is byte-identical for the same sources: the encoders get fixed settings
and no metadata, and the cache key holds Pillow's version, so an upgrade that
encodes differently starts a fresh cache entry instead of mixing the two.
"""
from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, Callable, Iterable

from . import rasters
from ..core.cache_folder import CacheFolder
from ..core.forking import fork_map, jobs_for
from ..core.problems import Problem, Problems
from ..core.store import Store, open_store

RECIPE = "2"  # bump when a drawing changes what a cached file holds (encoder settings are in the key already)
WEBP = {"quality": 86, "method": 4, "alpha_quality": 100}  # method 6 is 100x slower for 1 % smaller files
PNG = {"compress_level": 6}  # "optimize" makes files 4 % smaller in 4x the time
# link-preview images (cards, logos on white): flat colours, so 256 of them lose nothing visible and make
# files a quarter the size of full-colour PNG or JPEG (a thousand articles are a thousand cards on every deploy)
PALETTE = {"colors": 256, "method": "fastoctree", "dither": "none"}
MAX_SIDE = 4096  # pixels a side; anything larger is refused before it is decoded
RASTER_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}

# The boxes (CSS pixels, width x height) the theme draws logos in; each raster
# logo is written at 1x and 2x of its size in the box, never larger than the source.
BOXES: dict[str, tuple[int, int]] = {
    "header": (320, 48),  # the association's logo in the page header
    "card": (144, 56),  # member cards, the vendor list
    "row": (80, 32),  # one-line member lists; drawn from the card's files, so no files of its own
    "page": (240, 120),  # a member's or vendor's own page
    "sponsor": (160, 64),  # the sponsor strip of an event page
}
MEMBER_BOXES = ("card", "page")
VENDOR_BOXES = ("card", "page", "sponsor")
CARD_SIZE = (1200, 630)  # og:image cards
SOCIAL_LOGO = 600  # a logo as og:image: centred on a white square of this size
FAVICONS = {"/favicon-32.png": 32, "/apple-touch-icon.png": 180}
SQUARE = (0.8, 1.25)  # width/height ratios a logo can be drawn as an icon at


class LogoError(Exception):
    """A logo that cannot be used; message and hint as a Problem carries them."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


def _pillow() -> Any:
    from PIL import Image  # imported when the first image is looked at: check needs it only for logos
    return Image


@functools.lru_cache(maxsize=None)
def pillow_version() -> str:
    from PIL import __version__, features
    libs = ("webp", "freetype2", "zlib", "jpg", "raqm", "fribidi", "harfbuzz")  # raqm and its two shape text
    return "/".join([__version__, *(str(features.version(lib)) for lib in libs)])


# --- measuring -----------------------------------------------------------------------

def probe(raw: bytes, suffix: str) -> tuple[int, int]:
    """A raster logo's (width, height) from its header, turned as its EXIF orientation says;
    LogoError when it is no usable image."""
    Image = _pillow()
    fmt = RASTER_FORMATS[suffix]
    if fmt == "JPEG" and rasters.jpeg_scans(raw) > rasters.MAX_JPEG_SCANS:
        raise LogoError(f"is a JPEG of more than {rasters.MAX_JPEG_SCANS} scans, which takes minutes to decode",
                        "export it again as a standard (baseline) JPEG or as a PNG")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(BytesIO(raw), formats=[fmt]) as im:
                width, height = im.size
                turn = rasters.orientation(im)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            pixels = re.search(r"\((\d+) pixels\)", str(exc))
            claim = f"{int(pixels.group(1)):,} pixels" if pixels else "an enormous size"
            raise LogoError(f"claims {claim} in its header, far beyond {MAX_SIDE} px a side: refused as a "
                            "possible decompression bomb", "export the logo again at a normal size") from None
        except Exception as exc:  # Pillow raises many kinds for a broken file
            name = "JPEG" if fmt == "JPEG" else fmt
            raise LogoError(f"could not be read as a {name} image ({_reason(exc)})",
                            "export the logo again from an image program") from None
    if width > MAX_SIDE or height > MAX_SIDE:
        raise LogoError(f"is {width}×{height} pixels; at most {MAX_SIDE} px a side allowed",
                        "export it smaller: the site never draws a logo wider than 480 px")
    return rasters.upright_size(width, height, turn)


def _reason(exc: Exception) -> str:
    from PIL import UnidentifiedImageError
    if isinstance(exc, UnidentifiedImageError):  # its text names an object's address: not for a message
        return "the file is damaged or incomplete"
    text = re.sub(r" at 0x[0-9a-f]+", "", str(exc).strip()) or type(exc).__name__
    return text if len(text) <= 80 else text[:79] + "…"


SVG_SIZES = (1e-6, 1e9)  # sizes an SVG may state; beyond them scaling to a box overflows or vanishes
_SVG_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SVG_HINT = "export the SVG again from a drawing program, or set its width, height and viewBox by hand"


def svg_size(raw: bytes) -> tuple[float, float] | None:
    """An SVG's intrinsic (width, height) from its viewBox, else its width and height; None when it
    states none in plain numbers (a percentage or a unit: drawn at the box's size). LogoError for a
    number no one could draw: 1e999, a 400-digit width, 1e-320, 1.2.3."""
    try:
        root = ET.fromstring(raw.decode("utf-8-sig"))
    except (ET.ParseError, UnicodeDecodeError):
        return None
    box = (root.get("viewBox") or "").strip()
    if box:
        parts = [p for p in re.split(r"[\s,]+", box) if p]
        if len(parts) != 4 or not all(_SVG_NUMBER.fullmatch(p) for p in parts):
            raise LogoError(f"has viewBox '{_quote(box)}', which is not four numbers", _SVG_HINT)
        return _svg_number(parts[2], "a viewBox width"), _svg_number(parts[3], "a viewBox height")
    sizes = []
    for attr in ("width", "height"):
        m = re.fullmatch(r"\s*([0-9.eE+-]+)\s*(px)?\s*", root.get(attr) or "")
        sizes.append(_svg_number(m.group(1), f"{attr}") if m else None)
    if sizes[0] and sizes[1]:
        return sizes[0], sizes[1]
    return None


def _svg_number(text: str, what: str) -> float:
    if not _SVG_NUMBER.fullmatch(text):
        raise LogoError(f"has {what} '{_quote(text)}', which is not a number", _SVG_HINT)
    value = float(text)
    if not SVG_SIZES[0] <= value <= SVG_SIZES[1]:
        raise LogoError(f"has {what} of {_quote(text)}, outside the sizes an image can have "
                        f"({SVG_SIZES[0]:g} to {SVG_SIZES[1]:g})", _SVG_HINT)
    return value


def _quote(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


@dataclass(frozen=True)
class LogoFile:
    """A validated logo: where it is, what it hashes to and how large it is."""

    file: Path
    name: str  # as written in the record
    digest: str  # sha256 of its bytes
    svg: bool
    width: float  # intrinsic size (SVG: viewBox units; 0 when it does not say)
    height: float
    where: tuple[str, int, int]  # the record's logo: line, for problems found later
    # an SVG logo as it is published: rebuilt from allowed parts (images/svg_clean.py), never the uploaded file
    svg_bytes: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def squareish(self) -> bool:
        return bool(self.width and self.height) and SQUARE[0] <= self.width / self.height <= SQUARE[1]


def fit(width: float, height: float, box_w: int, box_h: int, upscale: bool) -> tuple[int, int]:
    """The size of width x height scaled to fit the box (contain), at least 1 px a side."""
    if not (0 < width < math.inf and 0 < height < math.inf):  # unknown (0), or a number that cannot scale
        return box_w, box_h
    scale = min(box_w / width, box_h / height)
    if not upscale:
        scale = min(scale, 1.0)
    w, h = width * scale, height * scale
    if not (math.isfinite(w) and math.isfinite(h)):  # a size near the ends of float: by its aspect alone
        aspect = width / height
        w, h = (box_w, box_w / aspect) if aspect >= box_w / box_h else (box_h * aspect, box_h)
    return max(1, round(w)), max(1, round(h))


# --- the cache -----------------------------------------------------------------------

class ImageStore:
    """Finished image files by content-derived name, in the build cache's store (core/store.py:
    each row signed), or, without a cache, in a temporary one made when the first file is and
    removed by close()."""

    def __init__(self, folder: CacheFolder | None = None):
        self.folder = folder
        self._own = folder is None
        self._db: Store | None = None

    @property
    def db(self) -> Store | None:
        """The store the images are kept in (pages too, when it is the build cache's); None when
        the cache's database cannot be used (then a temporary one is)."""
        if self._db is None:
            if self.folder is not None:
                self._db = open_store(self.folder)
            if self._db is None:  # no cache, or one whose database cannot be used safely
                if not self._own and self.folder is not None:
                    self.folder = None
                self._own = True
                self.folder = CacheFolder.temporary_folder()
                self._db = open_store(self.folder)
        return self._db

    def claim(self) -> None:
        """Open the store before the first file goes in."""
        self.db

    def file(self, name: str) -> CachedFile:
        return CachedFile(self, name)

    def read(self, name: str) -> bytes | None:
        """The file's bytes when this cache wrote them (its signature holds), else None."""
        db = self.db
        row = db.get("images", name) if db is not None else None
        return row[0] if row is not None and isinstance(row[0], bytes) else None

    def has(self, name: str) -> bool:
        return self.read(name) is not None

    def put(self, name: str, data: bytes) -> None:
        """Keep one file (written with the others of its job by flush)."""
        if self.db is not None:
            self.db.put("images", name, data)

    def flush(self) -> None:
        """Write what was put, so that every process sees it (workers may race: rows replace)."""
        if self._db is not None:
            self._db.commit()

    def prune(self, keep: Iterable[str]) -> None:
        """Remove cached files no build of this site uses any more (only from a folder smbsite made
        or tagged as its cache)."""
        if self._db is not None and not self._own:
            self._db.keep_only("images", set(keep))

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._own and self.folder is not None:
            self.folder.close()
            self.folder = None


@dataclass(frozen=True)
class CachedFile:
    """A file of the store, read (and its signature checked) when it is published."""

    store: ImageStore
    name: str

    def read(self) -> bytes:
        data = self.store.read(self.name)
        if data is None:
            raise OSError(f"the image cache lost {self.name} during the build")
        return data


# --- jobs: what materialise makes ------------------------------------------------------

@dataclass
class Job:
    """Cache files made together (one decode of a logo feeds all its sizes)."""

    names: tuple[str, ...]
    make: Callable[[], list[bytes]]  # the bytes of each name, in order
    where: tuple[str, int, int] | None = None  # a logo's record line: a failure there is a content error
    label: str = ""


def key(*parts: Any) -> str:
    text = json.dumps([RECIPE, pillow_version(), WEBP, PNG, PALETTE, *parts], sort_keys=True, ensure_ascii=False,
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    fmt: str  # webp | png | png8 (256 colours)
    background: str | None = None  # flatten onto this colour, on a canvas of `canvas` px
    canvas: tuple[int, int] | None = None

    @property
    def ext(self) -> str:
        return "png" if self.fmt == "png8" else self.fmt


def variant_name(logo: LogoFile, v: Variant) -> str:
    return f"{key('logo', logo.digest, v.width, v.height, v.fmt, v.background, v.canvas)}.{v.ext}"


def logo_job(logo: LogoFile, variants: list[Variant]) -> Job:
    names = tuple(variant_name(logo, v) for v in variants)

    def make() -> list[bytes]:
        raw = logo.file.read_bytes()
        if hashlib.sha256(raw).hexdigest() != logo.digest:
            raise LogoError("changed while the site was being built", "build again")
        im = decode(raw, Path(logo.name).suffix.lower())
        return [encode(render_variant(im, v), v.fmt) for v in variants]

    return Job(names, make, logo.where, logo.name)


def decode(raw: bytes, suffix: str) -> Any:
    """The logo's pixels, as 8-bit RGBA and upright, within the limits probe() checked."""
    Image = _pillow()
    probe(raw, suffix)  # the same limits, checked again on these very bytes
    with Image.open(BytesIO(raw), formats=[RASTER_FORMATS[suffix]]) as im:
        turn = rasters.orientation(im)  # from the header, as probe() measured it
        im.seek(0)
        im.load()
        return rasters.upright(rasters.to_rgba(im), turn)


def resize(im: Any, width: int, height: int) -> Any:
    """High-quality downscale; colours of transparent edges do not bleed (premultiplied alpha)."""
    Image = _pillow()
    if im.size == (width, height):
        return im
    return im.convert("RGBa").resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0).convert("RGBA")


def render_variant(im: Any, v: Variant) -> Any:
    Image = _pillow()
    if v.canvas is None:
        out = resize(im, v.width, v.height)
        return out if has_alpha(out) else out.convert("RGB")
    canvas = Image.new("RGBA", v.canvas, v.background or (0, 0, 0, 0))
    logo = resize(im, v.width, v.height)
    canvas.alpha_composite(logo, ((v.canvas[0] - v.width) // 2, (v.canvas[1] - v.height) // 2))
    return canvas.convert("RGB") if v.background else canvas


def has_alpha(im: Any) -> bool:
    return im.mode == "RGBA" and im.getchannel("A").getextrema()[0] < 255


def encode(im: Any, fmt: str) -> bytes:
    """Fixed encoder settings and no metadata: the same pixels always give the same bytes."""
    buf = BytesIO()
    if fmt == "webp":
        im.save(buf, "WEBP", **WEBP)
    elif fmt == "png8":
        Image = _pillow()
        im.convert("RGB").quantize(PALETTE["colors"], method=Image.Quantize.FASTOCTREE,
                                   dither=Image.Dither.NONE).save(buf, "PNG", **PNG)
    else:
        im.save(buf, "PNG", **PNG)
    return buf.getvalue()


def draw_job(parts: dict[str, Any], draw: Callable[[], Any], label: str,
             where: tuple[str, int, int] | None = None, fmt: str = "png") -> Job:
    """One image drawn from the given parts (cards, monograms); its name is their hash."""
    name = f"{key('draw', fmt, parts)}.png"
    return Job((name,), lambda: [encode(draw(), fmt)], where, label)


# --- making what is missing ------------------------------------------------------------

IMAGE_MS = 50  # making one image (decoding, resizing, encoding), about: what core/forking.py's policy weighs


def materialise(jobs: list[Job], store: ImageStore, workers: int = 1) -> list[Problem]:
    """Make every cache file the jobs name that the store lacks; the problems of logos that fail."""
    seen: set[str] = set()
    todo = []
    for job in jobs:
        if job.names[0] in seen:
            continue
        seen.add(job.names[0])
        if not all(store.has(n) for n in job.names):
            todo.append(job)
    if not todo:
        return []
    workers = min(workers, jobs_for(len(todo), IMAGE_MS))
    if workers > 1:
        return _parallel(todo, store, workers)
    problems = Problems()
    for job in todo:
        problems.extend(run_job(job, store))
    return problems.items


def run_job(job: Job, store: ImageStore) -> list[Problem]:
    try:
        data = job.make()
    except LogoError as exc:
        return [_logo_problem(job, exc.message, exc.hint)]
    except Exception as exc:
        if job.where is None:
            raise
        return [_logo_problem(job, f"could not be converted ({_reason(exc)})",
                              "export the logo again from an image program")]
    for name, blob in zip(job.names, data):
        store.put(name, blob)
    store.flush()
    return []


def _logo_problem(job: Job, message: str, hint: str) -> Problem:
    path, line, col = job.where or ("site.yaml", 1, 1)
    return Problem(path, line, col, f"logo '{job.label}' {message}", hint)


def _parallel(todo: list[Job], store: ImageStore, workers: int) -> list[Problem]:
    store.claim()  # made once, here, so that workers share it

    def share(index: int, step: int) -> list[Problem]:  # forked workers inherit the jobs
        found = Problems()
        for job in todo[index::step]:
            found.extend(run_job(job, store))
        return found.items

    return [p for batch in fork_map(share, workers) for p in batch]
