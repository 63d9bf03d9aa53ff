"""What an image file really is (by its first bytes, not its name), and whether an SVG logo is safe."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from . import messages

# the type a file's name claims -> the type its bytes must be
EXPECTED = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WebP", ".svg": "SVG"}
# a type logos may be -> the extension to give the file
EXTENSIONS = {"PNG": ".png", "JPEG": ".jpg", "WebP": ".webp", "SVG": ".svg"}

_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"),
    (b"%PDF-", "PDF"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"\x00\x00\x01\x00", "ICO"),
    (b"8BPS", "Photoshop (PSD)"), (b"%!PS", "PostScript"), (b"PK\x03\x04", "ZIP"),
    (b"\x1f\x8b", "gzip"), (b"\xff\x0a", "JPEG XL"), (b"\x00\x00\x00\x0cJXL ", "JPEG XL"),
]
_ISO_BRANDS = {b"avif": "AVIF", b"avis": "AVIF", b"heic": "HEIC", b"heix": "HEIC", b"mif1": "HEIC",
               b"msf1": "HEIC", b"heim": "HEIC", b"heis": "HEIC"}


def sniff(raw: bytes) -> str:
    """The type of a file from its first bytes: 'PNG', 'JPEG', 'GIF', 'WebP', 'SVG', 'PDF', …,
    'HTML' (a web page saved instead of its picture), 'empty', or 'unknown'."""
    if not raw.strip():
        return "empty"
    if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        return "WebP"
    if raw[4:8] == b"ftyp" and raw[8:12] in _ISO_BRANDS:
        return _ISO_BRANDS[raw[8:12]]
    if raw[:2] == b"BM" and len(raw) >= 26 and raw[6:10] == b"\x00\x00\x00\x00":
        return "BMP"
    for magic, kind in _MAGIC:
        if raw.startswith(magic):
            return kind
    head = raw[:2048].decode("utf-8", "replace").lstrip("\ufeff \t\r\n").lower()
    if head.startswith("<svg") or (head.startswith(("<?xml", "<!--", "<!doctype svg")) and "<svg" in head):
        return "SVG"
    if head.startswith(("<!doctype html", "<html", "<head", "<body")):
        return "HTML"
    return "unknown"


SVG_FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
SVG_SAFE_HREF = re.compile(r"^(#|https?:|data:image/(png|jpeg|gif|webp)[;,])", re.I)
_CONTROL = re.compile(r"[\x00-\x20]+")


def logo_content_problems(raw: bytes, logo: str) -> list[tuple[str, str]]:
    """Every (problem, hint) of a logo whose bytes are not the image its name says, or of
    an SVG that could run script; [] for a good logo.

    Logos are published as files of the site: an SVG opened on its own runs its
    scripts with the site's origin, so anything that can script is refused.
    """
    suffix = "." + logo.rsplit(".", 1)[-1].lower() if "." in logo else ""
    expected = EXPECTED.get(suffix)
    if expected is None:
        return []
    found = sniff(raw)
    if found == expected:
        return svg_problems(raw) if found == "SVG" else []
    if expected == "SVG" and found == "unknown":
        return svg_problems(raw)  # text that is not recognisably SVG: say what is wrong with it
    return [messages.logo_wrong_type(found, expected, logo, EXTENSIONS.get(found))]


def svg_problems(raw: bytes) -> list[tuple[str, str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [messages.SVG_NOT_UTF8]
    if "<!ENTITY" in text:
        return [messages.SVG_ENTITIES]
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        return [messages.svg_unreadable(str(exc))]
    if root.tag.rsplit("}", 1)[-1] != "svg":
        return [messages.SVG_NOT_SVG]
    found: list[tuple[str, str]] = []
    for el in root.iter():
        name = str(el.tag).rsplit("}", 1)[-1].lower()
        if name in SVG_FORBIDDEN_ELEMENTS:
            found.append(messages.svg_element(name))
        if name == "style" and "javascript:" in _CONTROL.sub("", (el.text or "").lower()):
            found.append(messages.SVG_STYLE_SCRIPT)
        for attr, value in el.attrib.items():
            attr_name = attr.rsplit("}", 1)[-1].lower()
            compact = _CONTROL.sub("", value).lower()
            if attr_name.startswith("on"):
                found.append(messages.svg_handler(attr_name, name))
            elif "javascript:" in compact or "vbscript:" in compact:
                found.append(messages.SVG_SCRIPT_ADDRESS)
            elif attr_name == "href" and compact and not SVG_SAFE_HREF.match(compact):
                found.append(messages.svg_outside_link(value))
    return list(dict.fromkeys(found))
