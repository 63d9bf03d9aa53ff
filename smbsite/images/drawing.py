"""Images smbsite draws itself with Pillow: monograms, favicons and the social cards of
the site, its events and articles. Each is a Job of images/imaging.py, named by the hash of
what decides its pixels, so a second build draws nothing again."""
from __future__ import annotations

import functools
import struct
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import fonts
from .fonts import Style, Text
from .imaging import CARD_SIZE, Job, LogoFile, _pillow, decode, draw_job, fit, key, resize


def font(size: int) -> Any:
    from PIL import ImageFont
    return ImageFont.load_default(size=size)


def monogram(text: str, colour: str, size: int, rounded: bool) -> Any:
    """A square of the brand colour with white initials, drawn at 4x and scaled down for smooth edges."""
    from PIL import Image, ImageDraw
    big = size * 4
    im = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    if rounded:
        d.rounded_rectangle((0, 0, big - 1, big - 1), radius=round(big * 0.2), fill=colour)
    else:
        d.rectangle((0, 0, big, big), fill=colour)
    letters = text or "?"  # initials: letters and digits of the built-in font (slugify.initials)
    f = font(round(big * (0.46 if len(letters) <= 2 else 0.34)))
    d.text((big / 2, big / 2), letters, font=f, fill="#ffffff", anchor="mm",
           stroke_width=max(1, big // 64), stroke_fill="#ffffff")
    out = im.resize((size, size), Image.Resampling.LANCZOS)
    return out if rounded else out.convert("RGB")


def monogram_svg(text: str, colour: str) -> bytes:
    """The favicon as SVG when the logo cannot serve as one: the site's initials on its colour."""
    from xml.sax.saxutils import escape
    letters = escape(text or "?")
    size = 30 if len(text) <= 2 else 23
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
            f'<rect width="64" height="64" rx="13" fill="{colour}"/>'
            f'<text x="32" y="32" dy=".35em" fill="#fff" font-family="system-ui,-apple-system,Segoe UI,Roboto,'
            f'Helvetica,Arial,sans-serif" font-size="{size}" font-weight="700" text-anchor="middle">{letters}</text>'
            f"</svg>\n").encode("utf-8")


def icon_from_logo(im: Any, size: int, background: str | None) -> Any:
    """A square icon from a square-ish raster logo: contained, centred, on a colour or transparent."""
    Image = _pillow()
    pad = 0 if background is None else round(size * 0.1)
    w, h = fit(im.width, im.height, size - 2 * pad, size - 2 * pad, upscale=True)
    canvas = Image.new("RGBA", (size, size), background or (0, 0, 0, 0))
    canvas.alpha_composite(resize(im, w, h), ((size - w) // 2, (size - h) // 2))
    return canvas.convert("RGB") if background else canvas


# --- text that fits ---------------------------------------------------------------------------

ELLIPSIS = "…"


def _breakable(text: str, i: int) -> bool:
    """May a line end before text[i]? At a space, at the end, and between the characters of scripts
    written without spaces (Chinese, Japanese)."""
    return i == len(text) or text[i] == " " or (i > 0 and (_wide(text[i - 1]) or _wide(text[i])))


def _wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in ("W", "F") and not c.isspace()


def _last_fitting(candidates: Sequence[int], fits: Callable[[int], bool]) -> int:
    """The last of increasing candidates for which fits() holds (fits must be monotone), or -1.
    Galloping then bisecting: O(log k) probes, the longest as long as the answer's line."""
    if not candidates or not fits(candidates[0]):
        return -1
    lo, step = 0, 1
    while lo + step < len(candidates) and fits(candidates[lo + step]):
        lo, step = lo + step, step * 2
    hi = min(lo + step, len(candidates))  # candidates[hi] does not fit (or is past the end)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(candidates[mid]):
            lo = mid
        else:
            hi = mid
    return candidates[lo]


def wrap(text: Text, style: Style, width: float, max_lines: int) -> list[tuple[int, int, str]]:
    """Greedy line breaks by measured width: (start, end, suffix) of each line of text; the last line
    ends in … when text is left over, and a word wider than a line is cut between characters.

    Each word is measured once as the line fills (the line then once whole, against kerning), and a
    cut is found by binary search: the work is linear in what the lines show, n log n at worst,
    however long the text."""
    s, n = text.text, len(text)
    lines: list[tuple[int, int, str]] = []
    last_breaks: list[int] = []
    pos = _skip_spaces(s, 0)
    while pos < n and len(lines) < max_lines:
        if text.width(style, pos, n) <= width:  # the rest fits: most kind lines, short titles' last lines
            lines.append((pos, n, ""))
            pos = n
            break
        breaks, acc = [], 0.0  # the line may end at each of breaks
        end = pos
        while end < n:
            nxt = _next_break(s, end)
            acc += text.width(style, end, nxt)
            if acc > width:
                break
            breaks.append(nxt)
            end = nxt
        while breaks and text.width(style, pos, _trim(s, pos, breaks[-1])) > width:
            breaks.pop()  # kerning across words made the sum too small: one word less
        if breaks:
            end = breaks[-1]
        else:  # one word wider than the line: cut it between characters
            end = max(pos + 1, _last_fitting(range(pos + 1, n + 1), lambda e: text.width(style, pos, e) <= width))
            breaks = [end]
        lines.append((pos, end, ""))
        pos = _skip_spaces(s, end)
        last_breaks = breaks
    if lines and pos < n:  # text left over: the last line ends in …
        start = lines[-1][0]

        def fits(e: int) -> bool:
            return text.width(style, start, _trim(s, start, e), ELLIPSIS) <= width

        end = next((b for b in reversed(last_breaks) if fits(b) and _trim(s, start, b) > start), -1)
        if end < 0:
            end = max(start, _last_fitting(range(start + 1, n + 1), fits))
        lines[-1] = (start, end, ELLIPSIS)
    return [(a, _trim(s, a, b), suffix) for a, b, suffix in lines]


def _next_break(s: str, i: int) -> int:
    j = i + 1
    while j < len(s) and not _breakable(s, j):
        j += 1
    return j


def _skip_spaces(s: str, i: int) -> int:
    while i < len(s) and s[i] == " ":
        i += 1
    return i


def _trim(s: str, start: int, end: int) -> int:
    while end > start and s[end - 1] == " ":
        end -= 1
    return end


# --- link-preview cards ------------------------------------------------------------------------

@dataclass
class CardSpec:
    """What a social card shows; its fields are the cache key."""

    title: str
    kind: str  # the small line above the title: "Conference · March 30 - April 1, 2027"
    site_title: str
    footer: str  # the site's host name
    brand: str
    initials: str
    logo: LogoFile | None = None  # a raster site logo, drawn on a white panel

    def key_parts(self) -> dict[str, Any]:
        return {"title": self.title, "kind": self.kind, "site": self.site_title, "footer": self.footer,
                "brand": self.brand, "initials": self.initials,
                "logo": self.logo.digest if self.logo else None, "fonts": fonts.fingerprint()}


def undrawable(text: str) -> list[str]:
    """The characters of a card text that no installed font draws: such a text is left off the card."""
    return fonts.missing(text)


def card_text(text: str) -> Text | None:
    return None if not text or fonts.missing(text) else Text(text)


CARD_MARGIN = 72
CARD_RECIPE = "palette-rle-1"  # how card_png lays out and encodes a card: change it when that changes
TINTS = 128  # palette entries 0..127: the brand colour towards white; 128..255: the colours of a raster logo
TITLE, KIND, NAME, FOOTER = Style(64, 600), Style(30), Style(38, 600), Style(28)


def _level(t: float) -> int:
    return round(t * (TINTS - 1))


def card_png(spec: CardSpec) -> bytes:
    """1200x630: the association's mark and name at the top, the kind line and the title, the host below.

    Drawn straight into a palette of the brand colour's tints (text antialiased between palette
    entries), so nothing is quantised; and only the band of rows that tells one card of a site from
    another is drawn and compressed per card: the rows above and below it were compressed once per
    site, each part ending on a full flush, so the parts join into one valid zlib stream."""
    w, _ = CARD_SIZE
    margin = CARD_MARGIN
    base = _card_base(spec.brand, spec.site_title, spec.footer, spec.initials, spec.logo)
    band = base.band.copy()
    y = base.header_bottom + 64 - base.top  # in the band's rows
    kind = card_text(spec.kind.upper())
    if kind is not None:
        for start, end, suffix in wrap(kind, KIND, w - 2 * margin - 120, 1):
            fonts.draw(band, margin, y + KIND.ascent(), kind, KIND, _level(0.78), start, end, suffix)
        y += 54
    title = card_text(spec.title)
    if title is not None:
        for start, end, suffix in wrap(title, TITLE, w - 2 * margin - 120, 3):
            fonts.draw(band, margin, y + TITLE.ascent(), title, TITLE, _level(1.0), start, end, suffix)
            y += 78
    rows = _scanlines(band)
    adler = zlib.adler32(base.below, zlib.adler32(rows, base.adler_above))
    idat = b"\x78\x01" + base.above_z + _deflate(rows, final=False) + base.below_z + struct.pack(">I", adler)
    return base.head + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


@dataclass(frozen=True)
class _Base:
    """What every card of a site shares, ready to join: the band's background and the compressed rest."""

    band: Any  # mode L: the rows where cards differ, without their text
    top: int  # the band's first row
    header_bottom: int
    head: bytes  # PNG signature, IHDR, PLTE
    above_z: bytes  # the rows above the band, deflated, ending on a full flush
    adler_above: int
    below: bytes  # the rows below the band, as scanlines (the stream's checksum runs over them)
    below_z: bytes  # ... deflated, ending the stream


@functools.lru_cache(maxsize=8)
def _card_base(brand: str, site_title: str, footer: str, initials: str, logo: LogoFile | None) -> _Base:
    w, h = CARD_SIZE
    levels, header_bottom, palette = _card_background(brand, site_title, footer, initials, logo)
    top, bottom = header_bottom + 16, h - 100  # title text never reaches the header or the footer's rule
    above, below = _scanlines(levels.crop((0, 0, w, top))), _scanlines(levels.crop((0, bottom, w, h)))
    head = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0))
            + _chunk(b"PLTE", palette))
    return _Base(levels.crop((0, top, w, bottom)), top, header_bottom, head, _deflate(above, final=False),
                 zlib.adler32(above), below, _deflate(below, final=True))


def _scanlines(im: Any) -> bytes:
    """PNG scanlines of an 8-bit image: each row after filter byte 0 (none: palette images gain nothing)."""
    raw, w = im.tobytes(), im.width
    return b"".join(b"\0" + raw[i:i + w] for i in range(0, len(raw), w))


def _deflate(data: bytes, final: bool) -> bytes:
    # zlib's run-length strategy: 4x faster than level 6 and as small on flat colours
    z = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_RLE)
    return z.compress(data) + z.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@functools.lru_cache(maxsize=8)
def _card_background(brand: str, site_title: str, footer: str, initials: str,
                     logo: LogoFile | None) -> tuple[Any, int, bytes]:
    """What every card of a site shares, drawn once per process: the colour, the mark and name, the
    host. Drawn in RGB, then each pixel turned into its palette entry: the tints by where they lie
    between the brand colour and white, a raster logo's pixels quantised to the other 128 entries."""
    from PIL import Image, ImageDraw
    w, h = CARD_SIZE
    margin = CARD_MARGIN
    im = Image.new("RGB", (w, h), brand)
    d = ImageDraw.Draw(im)
    # a lighter band on the right gives the card some depth without another colour
    d.polygon([(w - 330, 0), (w, 0), (w, h), (w - 170, h)], fill=_tint(brand, _level(0.12) / (TINTS - 1)))
    top = 64
    logo_patch = None
    if logo is not None:
        pixels = decode(logo.file.read_bytes(), Path(logo.name).suffix.lower())
        lw, lh = fit(pixels.width, pixels.height, 360, 80, upscale=True)
        panel = (margin, top, margin + lw + 40, top + lh + 32)
        d.rounded_rectangle(panel, radius=14, fill="#ffffff")
        small = resize(pixels, lw, lh)
        im.paste(small, (margin + 20, top + 16), small)
        logo_patch = (margin + 20, top + 16, margin + 20 + lw, top + 16 + lh)
        header_bottom = panel[3]
    else:
        mark = monogram(initials, brand, 88, rounded=True)
        tile = Image.new("RGBA", (96, 96), (0, 0, 0, 0))
        ImageDraw.Draw(tile).rounded_rectangle((0, 0, 95, 95), radius=20, fill="#ffffff")
        tile.alpha_composite(mark, (4, 4))
        im.paste(tile, (margin, top), tile)
        name = card_text(site_title)
        if name is not None:
            start, end, suffix = wrap(name, NAME, w - 2 * margin - 130, 1)[0]
            middle = top + 48 + (NAME.ascent() - NAME.font(0).getmetrics()[1]) / 2  # the line centred on the tile
            fonts.draw(im, margin + 120, middle, name, NAME, "#ffffff", start, end, suffix)
        header_bottom = top + 96
    d.line((margin, h - 86, margin + 96, h - 86), fill=_tint(brand, _level(0.55) / (TINTS - 1)), width=5)
    host = card_text(footer)
    if host is not None:
        for start, end, suffix in wrap(host, FOOTER, w - 2 * margin, 1):
            fonts.draw(im, margin, h - 64 + FOOTER.ascent(), host, FOOTER, _tint(brand, _level(0.85) / (TINTS - 1)),
                       start, end, suffix)
    levels, palette = _to_levels(im, brand, logo_patch)
    return levels, header_bottom, palette


def _to_levels(im: Any, brand: str, patch: tuple[int, int, int, int] | None) -> tuple[Any, bytes]:
    from PIL import Image
    from .colors import rgb
    base = rgb(brand)
    channel = max(range(3), key=lambda c: 255 - base[c])  # the channel that tells the tints apart best
    span = max(1, 255 - base[channel])
    lut = [min(TINTS - 1, max(0, round((v - base[channel]) / span * (TINTS - 1)))) for v in range(256)]
    levels = im.getchannel(channel).point(lut)
    palette = b"".join(bytes(rgb(_tint(brand, i / (TINTS - 1)))) for i in range(TINTS))
    if patch is not None:
        quantised = im.crop(patch).quantize(256 - TINTS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        indices = Image.frombytes("L", quantised.size, quantised.tobytes()).point(lambda v: v + TINTS)
        levels.paste(indices, patch[:2])
        palette += bytes(quantised.getpalette()[:3 * (256 - TINTS)])
    return levels, palette.ljust(768, b"\0")


def _tint(colour: str, t: float) -> str:
    from .colors import mix
    return mix(colour, "#ffffff", t)


def card_job(spec: CardSpec) -> Job:
    where, label = (spec.logo.where, spec.logo.name) if spec.logo else (None, spec.title)
    name = f"{key('draw', 'card', CARD_RECIPE, spec.key_parts())}.png"
    return Job((name,), lambda: [card_png(spec)], where, label)


def favicon_job(size: int, logo: LogoFile | None, brand: str, letters: str) -> Job:
    """A PNG favicon: the raster logo when it is square enough to read small, else the monogram."""
    apple = size >= 180  # iOS fills transparency with black and rounds the corners itself
    if logo is not None and not logo.svg and logo.squareish:
        def draw() -> Any:
            im = decode(logo.file.read_bytes(), Path(logo.name).suffix.lower())
            return icon_from_logo(im, size, "#ffffff" if apple else None)
        return draw_job({"icon": size, "logo": logo.digest}, draw, logo.name, logo.where)
    return draw_job({"icon": size, "monogram": letters, "brand": brand},
                    lambda: monogram(letters, brand, size, rounded=not apple), f"favicon {size}")
