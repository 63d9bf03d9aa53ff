"""The fonts link-preview cards are drawn in, and text measured and drawn across them.

Noto Sans draws Latin, Greek and Cyrillic; its sister fonts draw the other scripts a title
can hold (Arabic, Hebrew, the Indic scripts, Thai, Ethiopic, …, symbols, emoji), all from
the `manimgx-fonts` package; Chinese, Japanese and Korean come from Noto Sans CJK when
`manimgx-fonts-cjk` is installed (`pip install smbsite[cjk]`; 33 MB, so not by default).
Each character is drawn by the first font whose character map holds it, so a title mixing
scripts is drawn in runs, one font each. Which fonts hold a character is read from their
`cmap` tables here, without Pillow, so planning a site's cards costs no image library.

Right-to-left text: where Pillow has libraqm (its wheels do), each run is shaped and
ordered by it, so an Arabic or Hebrew title reads right; runs of different fonts are
placed left to right in the order they are written, which is right for a title in one
script and imperfect for a line mixing directions. No character is ever dropped: one no
font holds makes the text undrawable, and the caller leaves it off the card and says so.
"""
from __future__ import annotations

import bisect
import functools
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# (package, file, face index in a collection), in the order a character's font is looked for:
# Noto Sans first (Latin, Greek, Cyrillic), the scripts it lacks, CJK, then symbols and emoji last
# (the emoji font holds digits too, for keycaps)
_SCRIPTS = ("Arabic", "Hebrew", "Armenian", "Georgian", "Devanagari", "Bengali", "Gujarati", "Gurmukhi",
            "Kannada", "Malayalam", "Oriya", "Sinhala", "Tamil", "Telugu", "Thai", "Lao", "Khmer", "Myanmar",
            "Ethiopic")
FACES: tuple[tuple[str, str, int], ...] = (
    ("manimgx_fonts", "NotoSans[wght].ttf", 0),
    *(("manimgx_fonts", f"NotoSans{s}[wght].ttf", 0) for s in _SCRIPTS),
    ("manimgx_fonts_cjk", "NotoSansCJK-VF.otf.ttc", 2),  # the collection's Simplified Chinese face
    ("manimgx_fonts", "NotoSansSymbols[wght].ttf", 0),
    ("manimgx_fonts", "NotoEmoji[wght].ttf", 0),
)
INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}  # controls, joiners, direction marks: nothing to draw, never missed


@dataclass(frozen=True)
class Face:
    path: Path
    index: int


@functools.lru_cache(maxsize=1)
def faces() -> tuple[Face, ...]:
    """The fonts installed, in the order they are tried."""
    from importlib import resources  # here: check and --help never need it
    found = []
    for package, name, index in FACES:
        try:
            path = Path(str(resources.files(package) / name))
        except ModuleNotFoundError:
            continue
        if path.is_file():
            found.append(Face(path, index))
    return tuple(found)


def fingerprint() -> list[str]:
    """What decides how text is drawn: each font file by name and size (a cache key's part)."""
    return list(_fingerprint(faces()))


@functools.lru_cache(maxsize=4)
def _fingerprint(found: tuple[Face, ...]) -> tuple[str, ...]:
    return tuple(f"{f.path.name}#{f.index}:{f.path.stat().st_size}" for f in found)


# --- which font holds a character ------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _coverage(face: Face) -> tuple[list[int], list[int]]:
    """The code points a font maps to a glyph, as sorted (starts, ends) of inclusive ranges."""
    with open(face.path, "rb") as f:
        def read(offset: int, size: int) -> bytes:
            f.seek(offset)
            return f.read(size)

        base = 0
        if read(0, 4) == b"ttcf":
            base = struct.unpack(">I", read(12 + 4 * face.index, 4))[0]
        tables = struct.unpack(">H", read(base + 4, 2))[0]
        directory = read(base + 12, 16 * tables)
        for i in range(tables):
            tag, _, offset, length = struct.unpack(">4sIII", directory[16 * i:16 * i + 16])
            if tag == b"cmap":
                return _ranges(read(offset, length))
    return [], []


def _ranges(cmap: bytes) -> tuple[list[int], list[int]]:
    count = struct.unpack(">H", cmap[2:4])[0]
    best: tuple[int, int] | None = None  # (preference, subtable offset)
    for i in range(count):
        platform, encoding, offset = struct.unpack(">HHI", cmap[4 + 8 * i:12 + 8 * i])
        fmt = struct.unpack(">H", cmap[offset:offset + 2])[0]
        if fmt == 12 and (platform, encoding) in ((3, 10), (0, 4), (0, 6)):
            rank = 0
        elif fmt == 4 and (platform, encoding) in ((3, 1), (0, 3), (0, 1)):
            rank = 1
        else:
            continue
        if best is None or rank < best[0]:
            best = (rank, offset)
    if best is None:
        return [], []
    pairs = _format12(cmap, best[1]) if best[0] == 0 else _format4(cmap, best[1])
    starts, ends = [], []
    for start, end in sorted(pairs):
        if ends and start <= ends[-1] + 1:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _format12(cmap: bytes, at: int) -> list[tuple[int, int]]:
    groups = struct.unpack(">I", cmap[at + 12:at + 16])[0]
    pairs = []
    for i in range(groups):
        start, end, glyph = struct.unpack(">III", cmap[at + 16 + 12 * i:at + 28 + 12 * i])
        if glyph == 0:
            start += 1  # the first code point of the group maps to the missing glyph
        if start <= end:
            pairs.append((start, end))
    return pairs


def _format4(cmap: bytes, at: int) -> list[tuple[int, int]]:
    segs = struct.unpack(">H", cmap[at + 6:at + 8])[0] // 2
    ends = struct.unpack(f">{segs}H", cmap[at + 14:at + 14 + 2 * segs])
    p = at + 16 + 2 * segs
    starts = struct.unpack(f">{segs}H", cmap[p:p + 2 * segs])
    deltas = struct.unpack(f">{segs}h", cmap[p + 2 * segs:p + 4 * segs])
    offsets_at = p + 4 * segs
    offsets = struct.unpack(f">{segs}H", cmap[offsets_at:offsets_at + 2 * segs])
    pairs = []
    for i in range(segs):
        start, end = starts[i], ends[i]
        if start == 0xFFFF:
            continue
        if offsets[i] == 0:
            pairs.extend((c, c) for c in range(start, end + 1) if (c + deltas[i]) & 0xFFFF)
            continue
        for c in range(start, end + 1):
            where = offsets_at + 2 * i + offsets[i] + 2 * (c - start)
            glyph = struct.unpack(">H", cmap[where:where + 2])[0] if where + 2 <= len(cmap) else 0
            if glyph and (glyph + deltas[i]) & 0xFFFF:
                pairs.append((c, c))
    return pairs


def holds(face: Face, char: str) -> bool:
    starts, ends = _coverage(face)
    i = bisect.bisect_right(starts, ord(char)) - 1
    return i >= 0 and ord(char) <= ends[i]


@functools.lru_cache(maxsize=8192)
def first_face(char: str) -> int:
    """The index in faces() of the first font that holds the character; -1 when none does."""
    for i, face in enumerate(faces()):
        if holds(face, char):
            return i
    return -1


def missing(text: str) -> list[str]:
    """The characters of text no installed font draws (invisible ones aside), each once."""
    found = dict.fromkeys(c for c in text if first_face(c) < 0 and unicodedata.category(c) not in INVISIBLE)
    return list(found)


# --- text across fonts -------------------------------------------------------------------------

class Text:
    """A string with the font of each character worked out once, measured and drawn in runs.
    Characters no font holds (invisible ones: see `missing` for the rest) are left out."""

    def __init__(self, text: str):
        chosen: list[tuple[str, int]] = []
        current = 0
        for c in text:
            if c.isspace():
                c = " "
            if chosen and holds(faces()[current], c):  # stay in the font of the run: fewer runs, better shaping
                chosen.append((c, current))
                continue
            face = first_face(c)
            if face < 0:
                continue
            current = face
            chosen.append((c, face))
        self.text = "".join(c for c, _ in chosen)
        # the runs of one font each: where each starts, its font, and whether it needs no shaping
        self.starts: list[int] = [i for i, (_, f) in enumerate(chosen) if i == 0 or chosen[i - 1][1] != f]
        self.faces: list[int] = [chosen[i][1] for i in self.starts]
        ends = self.starts[1:] + [len(chosen)]
        self.simple: list[bool] = [f == 0 and all(unicodedata.category(c)[0] not in "MC" for c in self.text[a:b])
                                   for a, b, f in zip(self.starts, ends, self.faces)]

    def __len__(self) -> int:
        return len(self.text)

    def runs(self, start: int, end: int) -> list[tuple[int, str, bool]]:
        """(font, text, simple) of each run within text[start:end]: as many as fonts change, not characters."""
        out: list[tuple[int, str, bool]] = []
        r = bisect.bisect_right(self.starts, start) - 1
        while start < end and r < len(self.starts):
            stop = min(end, self.starts[r + 1] if r + 1 < len(self.starts) else end)
            out.append((self.faces[r], self.text[start:stop], self.simple[r]))
            start, r = stop, r + 1
        return out

    def width(self, style: "Style", start: int = 0, end: int | None = None, suffix: str = "") -> float:
        end = len(self.text) if end is None else end
        parts = self.runs(start, end) + ([(0, suffix, True)] if suffix else [])
        return sum(style.glyphs().width(run) if simple else style.font(face).getlength(run)
                   for face, run, simple in parts)


@dataclass(frozen=True)
class Style:
    size: int
    weight: int = 400

    def font(self, face: int) -> Any:
        return _font(faces()[face], self.size, self.weight)

    def glyphs(self) -> "Glyphs":
        return _glyphs(faces()[0], self.size, self.weight)

    def ascent(self) -> int:
        return self.font(0).getmetrics()[0]


@functools.lru_cache(maxsize=256)
def _font(face: Face, size: int, weight: int) -> Any:
    from PIL import ImageFont
    font = ImageFont.truetype(str(face.path), size, index=face.index)
    try:
        axes = font.get_variation_axes()
    except OSError:  # not a variable font
        return font
    values = [min(max(weight, a["minimum"]), a["maximum"]) if a["name"] == b"Weight" else a["default"] for a in axes]
    font.set_variation_by_axes(values)
    return font


class Glyphs:
    """Text that needs no shaping (Noto Sans: Latin, Greek, Cyrillic without combining marks) set
    from glyphs rendered once each: advances and pair kerning as the shaper gives them, so lines
    measure as they would drawn whole. FreeType renders a 64 px line in about 0.4 ms; pasting its
    cached glyphs takes a twentieth of that, and a card has four lines."""

    def __init__(self, font: Any):
        self.font = font
        self.advance: dict[str, float] = {}
        self.kerning: dict[str, float] = {}
        self.masks: dict[str, tuple[Any, int, int] | None] = {}

    def _advance(self, c: str) -> float:
        value = self.advance.get(c)
        if value is None:
            value = self.advance[c] = self.font.getlength(c)
        return value

    def _kern(self, pair: str) -> float:
        value = self.kerning.get(pair)
        if value is None:
            value = self.kerning[pair] = self.font.getlength(pair) - self._advance(pair[0]) - self._advance(pair[1])
        return value

    def width(self, run: str) -> float:
        return sum(map(self._advance, run)) + sum(self._kern(run[i:i + 2]) for i in range(len(run) - 1))

    def _mask(self, c: str) -> tuple[Any, int, int] | None:
        if c not in self.masks:
            from PIL import Image, ImageDraw
            x0, y0, x1, y1 = self.font.getbbox(c, anchor="ls")
            if x1 <= x0 or y1 <= y0:
                self.masks[c] = None
            else:
                mask = Image.new("L", (x1 - x0, y1 - y0))
                ImageDraw.Draw(mask).text((-x0, -y0), c, font=self.font, fill=255, anchor="ls")
                self.masks[c] = (mask, x0, y0)
        return self.masks[c]

    def draw(self, im: Any, x: float, baseline: float, run: str, fill: Any) -> float:
        y = round(baseline)
        for i, c in enumerate(run):
            if i:
                x += self._kern(run[i - 1:i + 1])
            glyph = self._mask(c)
            if glyph is not None:
                mask, dx, dy = glyph
                left, top = round(x) + dx, y + dy
                im.paste(fill, (left, top, left + mask.width, top + mask.height), mask)
            x += self._advance(c)
        return x


@functools.lru_cache(maxsize=64)
def _glyphs(face: Face, size: int, weight: int) -> Glyphs:
    return Glyphs(_font(face, size, weight))


def draw(im: Any, x: float, baseline: float, text: Text, style: Style, fill: Any, start: int = 0,
         end: int | None = None, suffix: str = "") -> None:
    """Draw text[start:end] (then suffix, in the first font) on im from x along the baseline: runs that
    need no shaping from cached glyphs, the rest by Pillow (shaped and ordered by libraqm where present)."""
    from PIL import ImageDraw
    end = len(text) if end is None else end
    parts = text.runs(start, end) + ([(0, suffix, True)] if suffix else [])
    for face, run, simple in parts:
        if simple:
            x = style.glyphs().draw(im, x, baseline, run, fill)
            continue
        font = style.font(face)
        ImageDraw.Draw(im).text((x, baseline), run, font=font, fill=fill, anchor="ls")
        x += font.getlength(run)
