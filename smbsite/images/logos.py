"""A member's, vendor's or the site's logo: the checks of its file before anything reads
it, and the sizes the theme draws it at (which files the image cache makes is planned
from these in routes/identity.py)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import imaging
from .filetypes import logo_content
from .imaging import BOXES, SOCIAL_LOGO, LogoFile, Variant
from ..reading.load import LOGO_TYPES, Source
from ..core.problems import Problems, did_you_mean
from ..reading.safefs import link_problem, special_kind

LOGO_MAX = 512 * 1024


@dataclass(frozen=True)
class Drawn:
    """One logo as an <img>: its file, the size it is drawn at, and a file twice as sharp when there is one."""

    src: str
    width: int
    height: int
    src2x: str | None = None


@dataclass(frozen=True)
class LogoPlan:
    """Where a record's logo is published: {box: Drawn}, and the files the image cache makes for it."""

    file: LogoFile
    drawn: dict[str, Drawn]
    copy_url: str | None = None  # an SVG logo is published (rebuilt: LogoFile.svg_bytes) at this URL
    variants: dict[str, Variant] = field(default_factory=dict)  # URL -> the raster file drawn for it

    @property
    def url(self) -> str:
        """The logo at its largest published size."""
        page = self.drawn["page"]
        return page.src2x or page.src


def plan_logo(lf: LogoFile, folder: str, boxes: tuple[str, ...], social: bool) -> LogoPlan:
    """The boxes of one logo (and 'row', and 'social' for a raster logo's og:image) under the page folder."""
    drawn: dict[str, Drawn] = {}
    if lf.svg:
        url = f"{folder}logo.svg"
        for box in boxes:
            drawn[box] = Drawn(url, *imaging.fit(lf.width, lf.height, *BOXES[box], upscale=True))
        if "card" in drawn:
            drawn["row"] = Drawn(url, *imaging.fit(lf.width, lf.height, *BOXES["row"], upscale=True))
        return LogoPlan(lf, drawn, copy_url=url)
    variants: dict[str, Variant] = {}

    def variant(w: int, h: int) -> str:
        url = f"{folder}logo-{w}x{h}.webp"
        variants[url] = Variant(w, h, "webp")
        return url

    for box in boxes:
        bw, bh = BOXES[box]
        w1, h1 = imaging.fit(lf.width, lf.height, bw, bh, upscale=False)
        w2, h2 = imaging.fit(lf.width, lf.height, bw * 2, bh * 2, upscale=False)
        drawn[box] = Drawn(variant(w1, h1), w1, h1, variant(w2, h2) if (w2, h2) != (w1, h1) else None)
    if "card" in drawn:  # rows draw the card's file smaller: sharp on every screen, no file of their own
        drawn["row"] = Drawn(drawn["card"].src, *imaging.fit(lf.width, lf.height, *BOXES["row"], upscale=False))
    if social:
        w, h = imaging.fit(lf.width, lf.height, SOCIAL_LOGO * 4 // 5, SOCIAL_LOGO * 4 // 5, upscale=True)
        url = f"{folder}social.png"
        variants[url] = Variant(w, h, "png8", background="#ffffff", canvas=(SOCIAL_LOGO, SOCIAL_LOGO))
        drawn["social"] = Drawn(url, SOCIAL_LOGO, SOCIAL_LOGO)
    return LogoPlan(lf, drawn, variants=variants)


def record_logo(src: Source, logo: str, root: Path, problems: Problems) -> LogoFile | None:
    """A member's or vendor's logo: a file beside its record, checked before anything reads it."""
    line, col = src.pos.value(("logo",))
    name = Path(logo).name
    if name != logo or logo.startswith("."):
        problems.error(src.path, line, col, f"logo '{logo}' must be a file name beside the record",
                       f"put the file next to {src.path} and write just its name")
        return None
    if Path(logo).suffix.lower() not in LOGO_TYPES:
        problems.error(src.path, line, col, f"logo '{logo}' must be a png, jpg, webp or svg file")
        return None
    file = src.file.parent / logo
    if file.exists() and not file.is_file():  # never opened: a pipe would hang the build
        what = "a folder" if file.is_dir() else special_kind(file.stat().st_mode)
        problems.error(src.path, line, col, f"logo '{logo}' is {what}, not an image file",
                       "put the image file itself beside the record")
        return None
    if not file.is_file():
        siblings = [p.name for p in src.file.parent.iterdir() if p.suffix.lower() in LOGO_TYPES]
        problems.error(src.path, line, col, f"logo file '{logo}' not found beside {src.path}",
                       did_you_mean(logo, siblings))
        return None
    if link_problem(root, file) is not None:
        # a link out of the site could publish any file of the machine that builds it
        problems.error(src.path, line, col, f"logo '{logo}' is a link to another file",
                       "put the image file itself beside the record")
        return None
    return logo_bytes(src, file, logo, line, col, problems)


def logo_bytes(src: Source, file: Path, logo: str, line: int, col: int, problems: Problems) -> LogoFile | None:
    """The checks of a logo's content: size on disk, type, SVG safety, pixel size from the header."""
    size = file.stat().st_size
    if size > LOGO_MAX:
        problems.error(src.path, line, col, f"logo '{logo}' is {-(-size // 1024)} KB; at most 512 KB allowed",
                       "export it smaller (a 400 px wide PNG or an SVG is plenty)")
        return None
    raw = file.read_bytes()
    suffix = Path(logo).suffix.lower()
    found, svg_bytes = logo_content(raw, logo)
    for problem, hint in found:
        problems.error(src.path, line, col, f"logo '{logo}' {problem}", hint)
    if found:
        return None
    try:
        width, height = ((imaging.svg_size(svg_bytes or b"") or (0.0, 0.0)) if suffix == ".svg"
                         else imaging.probe(raw, suffix))
    except imaging.LogoError as exc:
        problems.error(src.path, line, col, f"logo '{logo}' {exc.message}", exc.hint)
        return None
    return LogoFile(file, logo, hashlib.sha256(raw).hexdigest(), suffix == ".svg", width, height,
                    (src.path, line, col), svg_bytes)


def site_logo(src: Source, logo: str, problems: Problems) -> LogoFile | None:
    """site.yaml's logo: a path inside the site folder (site.yaml is trusted, but the build
    still publishes nothing from outside the folder)."""
    line, col = src.pos.value(("logo",))
    root = src.file.parent.resolve()
    file = src.file.parent / logo
    if Path(logo).is_absolute() or ".." in Path(logo).parts or not file.resolve().is_relative_to(root):
        problems.error(src.path, line, col, f"logo '{logo}' is outside the site folder",
                       "put the file in the site folder and write its path from there, e.g. logo.svg")
        return None
    if Path(logo).suffix.lower() not in LOGO_TYPES:
        problems.error(src.path, line, col, f"logo '{logo}' must be a png, jpg, webp or svg file")
        return None
    if file.exists() and not file.is_file():  # never opened: a pipe would hang the build
        what = "a folder" if file.is_dir() else special_kind(file.stat().st_mode)
        problems.error(src.path, line, col, f"logo '{logo}' is {what}, not an image file")
        return None
    if not file.is_file():
        near = [p.relative_to(src.file.parent).as_posix() for p in file.parent.glob("*")
                if p.suffix.lower() in LOGO_TYPES] if file.parent.is_dir() else []
        problems.error(src.path, line, col, f"logo file '{logo}' not found in the site folder",
                       did_you_mean(logo, near))
        return None
    return logo_bytes(src, file, logo, line, col, problems)
