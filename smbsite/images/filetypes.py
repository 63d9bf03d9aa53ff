"""What an image file really is (by its first bytes, not its name), and whether an SVG logo is safe."""
from __future__ import annotations

from . import svg_clean as svgclean

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


# the words of a logo's problems: (message, hint)
LOGO_FORMATS = "PNG, JPEG, WebP or SVG"


def a(word: str) -> str:
    """'a PNG', 'an SVG': the article as the type's name is spoken."""
    spoken_vowel = word[:1] in "AEIOaeio" or word.split(" ")[0] in ("SVG", "HTML", "F", "S", "X")
    return f"{'an' if spoken_vowel else 'a'} {word}"


def logo_wrong_type(found: str, expected: str, logo: str, extension: str | None) -> tuple[str, str]:
    """(message, hint) for a logo whose bytes are another type than its name says.

    `extension` is the name the file should have when `found` is a type logos may be."""
    if found == "HTML":
        return ("is a web page (HTML), not an image",
                "save the image itself (right-click it, 'Save image as…'), not the page around it")
    if found == "empty":
        return "is an empty file", f"export the logo again as {LOGO_FORMATS}"
    if found == "unknown":
        return (f"is not {a(expected)} image, nor any image type the checker knows",
                f"export the logo again as {LOGO_FORMATS}")
    if extension is None:
        return f"is {a(found)} file, not {a(expected)} image", f"export it as {LOGO_FORMATS}"
    renamed = logo.rsplit(".", 1)[0] + extension
    return (f"is {a(found)} image, not {a(expected)}",
            f"rename it to {extension}: call the file {renamed} and write logo: {renamed}")


SVG_NOT_UTF8 = ("is not a valid SVG file (not UTF-8 text)", "export it again as SVG")


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


def logo_content(raw: bytes, logo: str) -> tuple[list[tuple[str, str]], bytes | None]:
    """(problems, the SVG to publish in place of the file: None for other types or when there are problems).

    Logos are published as files of the site: an SVG opened on its own runs with the
    site's origin, so what is published is a rebuilt SVG of allowed parts (images/svg_clean.py).
    """
    suffix = "." + logo.rsplit(".", 1)[-1].lower() if "." in logo else ""
    expected = EXPECTED.get(suffix)
    if expected is None:
        return [], None
    found = sniff(raw)
    if found == expected and found != "SVG":
        return [], None
    if expected == "SVG" and found in ("SVG", "unknown"):  # text that is not recognisably SVG: say what is wrong
        return svg_clean(raw)
    return [logo_wrong_type(found, expected, logo, EXTENSIONS.get(found))], None


def svg_clean(raw: bytes) -> tuple[list[tuple[str, str]], bytes | None]:
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [SVG_NOT_UTF8], None
    published, problems = svgclean.clean(raw)
    return sorted(problems), published
