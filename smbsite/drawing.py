"""Images smbsite draws itself with Pillow: monograms, favicons and the social cards of
the site, its events and articles. Each is a Job of imaging.py, named by the hash of
what decides its pixels, so a second build draws nothing again."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .imaging import CARD_SIZE, Job, LogoFile, _pillow, decode, draw_job, fit, resize

def font(size: int) -> Any:
    from PIL import ImageFont
    return ImageFont.load_default(size=size)


@functools.lru_cache(maxsize=None)
def _missing_glyph() -> bytes:
    return bytes(font(40).getmask("\uffff"))


@functools.lru_cache(maxsize=4096)
def _has_glyph(ch: str) -> bool:
    return ch == " " or bytes(font(40).getmask(ch)) != _missing_glyph()


PUNCTUATION = {"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " "}


def drawable(text: str) -> str:
    """Text the built-in font can draw: accents dropped, dashes plain, anything else left out."""
    text = "".join(PUNCTUATION.get(c, c) for c in text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", "".join(c for c in text if _has_glyph(c))).strip()


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
    letters = drawable(text) or "?"
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


def wrap(text: str, f: Any, width: int, max_lines: int) -> list[str]:
    """Greedy line breaks by measured width; the last line ends in … when text is left over."""
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if f.getlength(candidate) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and f.getlength(last + "…") > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines = lines[:max_lines - 1] + [last + "…"]
    return [ln if f.getlength(ln) <= width else _clip(ln, f, width) for ln in lines]


def _clip(text: str, f: Any, width: int) -> str:
    while text and f.getlength(text + "…") > width:
        text = text[:-1]
    return text + "…"


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
                "logo": self.logo.digest if self.logo else None}


CARD_MARGIN = 72


def draw_card(spec: CardSpec) -> Any:
    """1200x630: the association's mark and name at the top, the kind line and the title, the host below."""
    from PIL import ImageDraw
    w, h = CARD_SIZE
    margin = CARD_MARGIN
    background, header_bottom = _card_background(spec.brand, spec.site_title, spec.footer, spec.initials, spec.logo)
    im = background.copy()
    d = ImageDraw.Draw(im)
    kind_font, title_font = font(30), font(64)
    y = header_bottom + 64
    if spec.kind:
        d.text((margin, y), drawable(spec.kind).upper(), font=kind_font, fill=_tint(spec.brand, 0.78))
        y += 54
    lines = wrap(drawable(spec.title), title_font, w - 2 * margin - 120, 3)
    for line in lines:
        d.text((margin, y), line, font=title_font, fill="#ffffff", stroke_width=1, stroke_fill="#ffffff")
        y += 78
    return im


@functools.lru_cache(maxsize=8)
def _card_background(brand: str, site_title: str, footer: str, initials: str,
                     logo: LogoFile | None) -> tuple[Any, int]:
    """What every card of a site shares, drawn once per process: the colour, the mark and name, the host."""
    from PIL import Image, ImageDraw
    w, h = CARD_SIZE
    margin = CARD_MARGIN
    im = Image.new("RGB", (w, h), brand)
    d = ImageDraw.Draw(im)
    # a lighter band on the right gives the card some depth without another colour
    d.polygon([(w - 330, 0), (w, 0), (w, h), (w - 170, h)], fill=_tint(brand, 0.12))
    top = 64
    if logo is not None:
        pixels = decode(logo.file.read_bytes(), Path(logo.name).suffix.lower())
        lw, lh = fit(pixels.width, pixels.height, 360, 80, upscale=True)
        panel = (margin, top, margin + lw + 40, top + lh + 32)
        d.rounded_rectangle(panel, radius=14, fill="#ffffff")
        small = resize(pixels, lw, lh)
        im.paste(small, (margin + 20, top + 16), small)
        header_bottom = panel[3]
    else:
        mark = monogram(initials, brand, 88, rounded=True)
        tile = Image.new("RGBA", (96, 96), (0, 0, 0, 0))
        ImageDraw.Draw(tile).rounded_rectangle((0, 0, 95, 95), radius=20, fill="#ffffff")
        tile.alpha_composite(mark, (4, 4))
        im.paste(tile, (margin, top), tile)
        name_font = font(38)
        name = wrap(drawable(site_title), name_font, w - 2 * margin - 130, 1)[0]
        d.text((margin + 120, top + 48), name, font=name_font, fill="#ffffff", anchor="lm",
               stroke_width=1, stroke_fill="#ffffff")
        header_bottom = top + 96
    d.line((margin, h - 86, margin + 96, h - 86), fill=_tint(brand, 0.55), width=5)
    d.text((margin, h - 64), drawable(footer), font=font(28), fill=_tint(brand, 0.85))
    return im, header_bottom


def _tint(colour: str, t: float) -> str:
    from .colors import mix
    return mix(colour, "#ffffff", t)


def card_job(spec: CardSpec) -> Job:
    where, label = (spec.logo.where, spec.logo.name) if spec.logo else (None, spec.title)
    return draw_job({"card": spec.key_parts()}, lambda: draw_card(spec), label, where, fmt="png8")


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
