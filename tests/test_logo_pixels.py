"""Logos true to their source: 16-bit grey by value, EXIF orientation applied; and the
numbers inside an image (JPEG scans, SVG sizes) bounded, every bad one a problem at the
record's logo: line, never a traceback or minutes of CPU."""
from __future__ import annotations

import io
import struct
import time
import zlib

import pytest
from PIL import Image

from conftest import AS_OF, MEMBER_YAML
from smbsite import api
from smbsite.images import imaging, rasters

M = "members/acme-networks.yaml"
LOGO_LINE = len(MEMBER_YAML.splitlines()) + 1


def with_logo(name: str, content: bytes) -> dict:
    return {M: MEMBER_YAML + f"logo: {name}\n", f"members/{name}": content}


def build(site):
    result = api.build(site, site / "output", as_of=AS_OF)
    return result, [p.text() for p in result.problems if p.severity == "error"]


def published(out, box: str = "logo-page") -> Image.Image:
    """The member page's logo file at 1x, decoded."""
    import lxml.html
    doc = lxml.html.fromstring((out / "members/acme-networks/index.html").read_bytes())
    img = doc.xpath(f'//img[contains(@class, "{box}")]')[0]
    file = out / img.get("src").removeprefix("/net/")
    im = Image.open(file)
    im.load()
    im.info["drawn"] = (int(img.get("width")), int(img.get("height")))
    return im


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png16(width: int, height: int, colour_type: int, sample: bytes) -> bytes:
    """A 16-bit PNG written by hand (Pillow cannot write 16-bit LA): every pixel `sample`."""
    rows = b"".join(b"\x00" + sample * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(rows))
            + png_chunk(b"IEND", b""))


# --- 16-bit modes, by value ---------------------------------------------------------------------

@pytest.mark.parametrize("colour_type,sample", [(0, struct.pack(">H", 32768)), (4, struct.pack(">HH", 32768, 65535))],
                         ids=["16-bit grey", "16-bit grey with alpha"])
def test_a_16_bit_grey_logo_is_published_at_its_grey_not_white(make_site, colour_type, sample):
    site = make_site(with_logo("acme.png", png16(64, 64, colour_type, sample)))
    result, errors = build(site)
    assert result.ok, errors
    im = published(site / "output").convert("RGBA")
    r, g, b, a = im.getpixel((im.width // 2, im.height // 2))
    assert a == 255 and all(120 <= c <= 136 for c in (r, g, b)), (r, g, b, a)  # 50 % grey stays 50 % grey


@pytest.mark.parametrize("mode", ["I;16", "I;16B", "I"])
def test_every_16_bit_grey_mode_converts_by_value(mode):
    im = Image.new(mode, (3, 1))
    im.putdata([0, 32768, 65535])
    assert [px[0] for px in (rasters.to_rgba(im).getpixel((x, 0)) for x in range(3))] in ([0, 127, 255], [0, 128, 255])


def test_a_16_bit_grey_value_marked_transparent_is_transparent():
    im = Image.new("I;16", (2, 1))
    im.putdata([1000, 65535])
    im.info["transparency"] = 1000
    out = rasters.to_rgba(im)
    assert out.getpixel((0, 0))[3] == 0 and out.getpixel((1, 0)) == (255, 255, 255, 255)


# --- EXIF orientation ---------------------------------------------------------------------------

def sideways_jpeg(fmt: str = "JPEG") -> bytes:
    """A portrait picture stored sideways, as phones write it: 200x100 pixels, orientation 6
    (turn 90° clockwise to view). Upright, its top half is red and its bottom half blue."""
    im = Image.new("RGB", (200, 100), "#0000ff")
    im.paste((255, 0, 0), (0, 0, 100, 100))  # stored left = upright top
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    im.save(buf, fmt, exif=exif.tobytes(), **({"quality": 95} if fmt == "JPEG" else {"lossless": True}))
    return buf.getvalue()


@pytest.mark.parametrize("name,fmt", [("acme.jpg", "JPEG"), ("acme.webp", "WEBP"), ("acme.png", "PNG")])
def test_a_logo_with_exif_orientation_is_published_upright(make_site, name, fmt):
    site = make_site(with_logo(name, sideways_jpeg(fmt)))
    result, errors = build(site)
    assert result.ok, errors
    im = published(site / "output").convert("RGB")
    assert im.height > im.width, im.size  # portrait, as the phone showed it
    assert im.info["drawn"] == (60, 120)  # the page's 240x120 box holds it upright
    top, bottom = im.getpixel((im.width // 2, 5)), im.getpixel((im.width // 2, im.height - 5))
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom


# --- JPEG scans ---------------------------------------------------------------------------------

def many_scans(scans: int) -> bytes:
    """A progressive JPEG with `scans` empty scans before its end: each is decoded in full."""
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), "#2266aa").save(buf, "JPEG", progressive=True)
    raw = buf.getvalue()
    empty = b"\xff\xda\x00\x08\x01\x01\x00\x00\x00\x00"  # one component, DC only, no data
    return raw[:-2] + empty * scans + raw[-2:]


def test_a_jpeg_of_many_scans_is_refused_at_its_logo_line_without_decoding(make_site):
    site = make_site(with_logo("acme.jpg", many_scans(49_000)))
    assert len(many_scans(49_000)) < 512 * 1024
    started = time.process_time()
    result = api.check(site, as_of=AS_OF)
    _, errors = build(site)
    assert time.process_time() - started < 20  # decoding it costs about a minute; refusing it, nothing
    assert not result.ok
    assert errors == [f"{M}:{LOGO_LINE}:7: error: logo 'acme.jpg' is a JPEG of more than 100 scans, which takes "
                      "minutes to decode — export it again as a standard (baseline) JPEG or as a PNG"]


def test_a_progressive_jpeg_of_a_usual_number_of_scans_is_published(make_site):
    raw = many_scans(0)
    assert 5 <= rasters.jpeg_scans(raw) <= 20
    site = make_site(with_logo("acme.jpg", raw))
    result, errors = build(site)
    assert result.ok, errors


def test_scans_are_counted_by_segment_so_metadata_holding_scan_markers_is_not_counted():
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), "#2266aa").save(buf, "JPEG")
    raw = buf.getvalue()
    app = b"\xff\xda" * 300  # bytes that look like scan markers, inside a comment
    comment = b"\xff\xfe" + struct.pack(">H", len(app) + 2) + app
    assert rasters.jpeg_scans(raw[:2] + comment + raw[2:]) == rasters.jpeg_scans(raw) == 1


# --- numbers in SVG sizes -----------------------------------------------------------------------

SVG_SIZES = {
    "an infinite viewBox width": ('viewBox="0 0 1e999 10"', "has a viewBox width of 1e999, outside the sizes"),
    "a 400-digit width": (f'width="{"9" * 400}" height="10"', "has width of 9999999"),
    "a viewBox below the smallest float": ('viewBox="0 0 1e-320 1e-320"', "has a viewBox width of 1e-320, outside"),
    "a width of three parts": ('width="1.2.3" height="10"', "has width '1.2.3', which is not a number"),
    "a viewBox of words": ('viewBox="0 0 wide tall"', "has viewBox '0 0 wide tall', which is not four numbers"),
    "a NaN height": ('width="10" height="nan"', None),  # not a number SVG knows: drawn at the box's size
}


@pytest.mark.parametrize("attrs,message", SVG_SIZES.values(), ids=SVG_SIZES.keys())
def test_a_number_no_screen_can_draw_in_an_svg_size_is_a_problem_at_the_logo_line(make_site, attrs, message):
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" {attrs}><rect width="10" height="10" fill="#246"/></svg>'
    site = make_site(with_logo("acme.svg", svg.encode()))
    result, errors = build(site)  # no traceback, whatever the number
    if message is None:
        assert result.ok, errors
        return
    assert len(errors) == 1 and errors[0].startswith(f"{M}:{LOGO_LINE}:7: error: logo 'acme.svg' {message}"), errors
    assert len(errors[0]) < 300  # a 400-digit number is not repeated whole


@pytest.mark.parametrize("size", [(float("inf"), 10), (float("nan"), 10), (1e-320, 1e-320), (1e308, 1e-308), (0, 0)])
def test_fit_gives_a_drawable_size_for_any_number(size):
    w, h = imaging.fit(*size, 144, 56, upscale=True)
    assert 1 <= w <= 144 and 1 <= h <= 56
