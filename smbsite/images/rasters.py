"""What a raster logo's bytes hold beyond its pixels, read without decoding them: how many
scans a JPEG makes its decoder run, and which way up the picture is meant to be (EXIF
orientation); and its pixels brought to 8 bits a channel by value, not by clipping."""
from __future__ import annotations

import re
from typing import Any

# A progressive JPEG is decoded once per scan: a camera or an image program writes about 10
# (at most a few dozen), while a file of many empty scans costs a minute of CPU per logo.
MAX_JPEG_SCANS = 100

# a marker outside entropy-coded data: 0xFF then anything but a stuffed 0x00, a restart
# marker (D0-D7) or another 0xFF (fill); one byte each, so the search is linear
_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length
_SOS, _EOI = 0xDA, 0xD9


def jpeg_scans(raw: bytes, stop: int = MAX_JPEG_SCANS) -> int:
    """The number of scans (SOS markers) in a JPEG, walking its segments; counting stops past `stop`.
    Metadata segments are skipped by their length, so a thumbnail inside EXIF is not counted."""
    i, n, scans = 2, len(raw), 0
    while i + 4 <= n:
        if raw[i] != 0xFF or raw[i + 1] in (0x00, 0xFF) or 0xD0 <= raw[i + 1] <= 0xD7:
            m = _MARKER.search(raw, i + 1)  # entropy-coded data (or junk) up to the next marker
            if m is None:
                break
            i = m.start()
            continue
        marker = raw[i + 1]
        if marker == _EOI:
            break
        if marker in _STANDALONE:
            i += 2
            continue
        if marker == _SOS:
            scans += 1
            if scans > stop:
                break
        i += 2 + ((raw[i + 2] << 8) | raw[i + 3])
    return scans


# EXIF orientation -> the transpositions that bring the picture upright (PIL.ImageOps.exif_transpose's table)
_ORIENT = {2: ("FLIP_LEFT_RIGHT",), 3: ("ROTATE_180",), 4: ("FLIP_TOP_BOTTOM",), 5: ("TRANSPOSE",),
           6: ("ROTATE_270",), 7: ("TRANSVERSE",), 8: ("ROTATE_90",)}


def orientation(im: Any) -> int:
    """The EXIF orientation (1-8) an opened image states in its header; 1 when none or unreadable.
    Read from the header alone (never by decoding), so that measuring and drawing agree."""
    exif = im.info.get("exif")
    if not exif:
        return 1
    try:
        from PIL import Image
        value = Image.Exif()
        value.load(exif)
        found = value.get(0x0112, 1)
    except Exception:  # a broken EXIF block only loses its orientation
        return 1
    return found if isinstance(found, int) and found in _ORIENT else 1


def upright_size(width: int, height: int, turn: int) -> tuple[int, int]:
    return (height, width) if turn in (5, 6, 7, 8) else (width, height)


def upright(im: Any, turn: int) -> Any:
    """The picture as it is meant to be seen."""
    from PIL import Image
    for step in _ORIENT.get(turn, ()):
        im = im.transpose(getattr(Image.Transpose, step))
    return im


def to_rgba(im: Any) -> Any:
    """8-bit RGBA from any mode Pillow opens a PNG, JPEG or WebP as. 16-bit grey ("I;16", "I;16B",
    or "I" from older Pillow) is scaled by value: Pillow's own conversion clips it to 255, so a
    50 % grey came out white."""
    if not im.mode.startswith("I"):
        return im.convert("RGBA")
    from PIL import Image, ImageMath
    wide = im if im.mode == "I" else im.convert("I")
    grey = wide.point(lambda v: v / 257).convert("L")  # 65535 -> 255
    trns = im.info.get("transparency")
    if not isinstance(trns, int):
        return grey.convert("RGBA")
    # one grey value stands for transparent (a PNG tRNS chunk)
    alpha = ImageMath.lambda_eval(lambda a: a["v"] != trns, v=wide).point(lambda v: v * 255).convert("L")
    return Image.merge("RGBA", (grey, grey, grey, alpha))
