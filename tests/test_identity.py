"""The association's identity and every logo: the sizes they are drawn at, the image
cache, link-preview images, favicons and brand colours."""
from __future__ import annotations

import hashlib
import io
import sqlite3
import json
import struct
import zlib
from pathlib import Path

import lxml.html
import pytest
from PIL import Image, ImageDraw, ImageFont

from conftest import AS_OF, MEMBER_YAML, SITE_YAML, VENDOR_YAML
from smbsite import api
from smbsite.core import slugify
from smbsite.images import colors, drawing, fonts, imaging
from smbsite.core.cache_folder import default_folder
from smbsite.rendering.render import THEME
from smbsite.server.incremental import IncrementalSite

M = "members/acme-networks.yaml"
V = "vendors/sonicwall.yaml"
ORIGIN, BASE = "https://example.org", "/net/"
SVG_WIDE = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 60"><rect width="300" height="60" '
            b'fill="#246"/></svg>')
SVG_SQUARE = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle cx="32" cy="32" r="30" '
              b'fill="#246"/></svg>')


# --- images made for the tests --------------------------------------------------------

def logo_png(width: int, height: int, fmt: str = "PNG", seed: str = "Acme") -> bytes:
    """A logo as members send them: flat shapes and a name on a transparent (or white) ground."""
    mode = "RGB" if fmt == "JPEG" else "RGBA"
    im = Image.new(mode, (width, height), (255, 255, 255) if mode == "RGB" else (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    side = min(width, height)
    d.rounded_rectangle((0, 0, side - 1, side - 1), radius=side // 6, fill="#1f5f99")
    d.ellipse((side // 5, side // 5, side * 4 // 5, side * 4 // 5), fill="#f2b233")
    d.text((side // 2, side // 2), seed[:2], font=ImageFont.load_default(size=max(8, side // 3)), fill="#ffffff",
           anchor="mm")
    if width > height * 1.5:
        d.text((side + side // 4, height // 2), seed, font=ImageFont.load_default(size=max(8, height // 2)),
               fill="#1a1f26", anchor="lm")
    buf = io.BytesIO()
    im.save(buf, fmt)
    return buf.getvalue()


def png_header(width: int, height: int, idat: bytes | None = None) -> bytes:
    """A PNG whose header claims width x height, with (by default) almost no pixel data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    body = idat if idat is not None else zlib.compress(b"\x00" * 16)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


BIG_PNG = logo_png(1600, 1600)


# --- helpers ------------------------------------------------------------------------------

def with_member_logo(name: str, content: bytes | None, extra: dict | None = None) -> dict:
    files: dict = {M: MEMBER_YAML + f"logo: {name}\n", **(extra or {})}
    if content is not None:
        files[f"members/{name}"] = content
    return files


def build(site: Path, out: Path | None = None, **kw) -> Path:
    out = out or site / "output"
    result = api.build(site, out, as_of=AS_OF, **kw)
    assert result.ok, [p.text() for p in result.problems]
    return out


def problems(site: Path) -> list[str]:
    result = api.build(site, site / "output", as_of=AS_OF)
    return [p.text() for p in result.problems if p.severity == "error"]


def page(out: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((out / path.strip("/") / "index.html").read_bytes())


def local(out: Path, url: str) -> Path:
    """The output file of a link (relative to the base path, or absolute on the site's origin)."""
    path = url.removeprefix(ORIGIN)
    assert path.startswith(BASE), url
    return out / path.removeprefix(BASE)


def files_of(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def cache_images(site: Path) -> dict[str, tuple[int, bytes]]:
    """name -> (its row, its bytes) of every image in the site's build cache (a row rewritten is a new row)."""
    db_file = default_folder(site) / "cache.sqlite"
    if not db_file.is_file():
        return {}
    db = sqlite3.connect(db_file)
    try:
        return {name: (row, data) for name, row, data in db.execute("SELECT name, rowid, data FROM images")}
    finally:
        db.close()


def cache_files(site: Path) -> dict[str, int]:
    return {name: row for name, (row, _) in cache_images(site).items()}


def webp_size(file: Path) -> tuple[int, int]:
    with Image.open(file) as im:
        assert im.format == "WEBP", file
        return im.size


# --- logos at the sizes the theme draws -------------------------------------------------

def test_a_1600_px_logo_comes_out_as_webp_no_wider_than_twice_its_drawn_size_and_under_40_kb(make_site):
    site = make_site(with_member_logo("acme.png", BIG_PNG))
    out = build(site)
    seen = 0
    for path in ("/members/acme-networks/", "/members/", "/regions/ca/", "/partners/cabling/"):
        for img in page(out, path).xpath('//img[contains(@class, "logo")]'):
            width, height = int(img.get("width")), int(img.get("height"))
            one = local(out, img.get("src"))
            assert webp_size(one)[0] <= 2 * width and webp_size(one)[1] <= 2 * height
            assert webp_size(one)[0] >= width  # never blurrier than the box
            if img.get("srcset"):
                src2x, density = img.get("srcset").split()
                assert density == "2x"
                assert webp_size(local(out, src2x)) == (2 * width, 2 * height)
            for f in (one, *([local(out, img.get("srcset").split()[0])] if img.get("srcset") else [])):
                assert f.stat().st_size < 40 * 1024, f
            seen += 1
    assert seen == 4  # one logo per page: a specialty page lists each member once, whatever states it serves
    page_logo = page(out, "/members/acme-networks/").xpath('//img[contains(@class, "logo-page")]')[0]
    assert (page_logo.get("width"), page_logo.get("height")) == ("120", "120")  # a square in a 240x120 box
    # a square mark is no wordmark: it sits beside the name, which the heading says once
    assert page_logo.get("alt") == "" and page_logo.get("aria-hidden") == "true"
    h1 = page(out, "/members/acme-networks/").xpath("//h1")[0]
    assert " ".join(h1.text_content().split()) == "Acme Networks"
    assert not list((out / "members/acme-networks").glob("*.png"))[1:]  # the 1600 px original is not published
    assert not (out / "members/acme-networks/logo.png").exists()


def test_vendor_logos_show_on_the_vendor_list_the_vendor_page_and_the_sponsor_strip(make_site):
    site = make_site({V: "logo: sonic.png\n" + VENDOR_YAML, "vendors/sonic.png": logo_png(900, 300, seed="Sonicwall")})
    out = build(site)
    card = page(out, "/vendors/").xpath('//li[contains(@class, "card")]//img')[0]
    assert (card.get("width"), card.get("height")) == ("144", "48")
    own = page(out, "/vendors/sonicwall/").xpath('//img[contains(@class, "logo-page")]')[0]
    assert (own.get("width"), own.get("height")) == ("240", "80")
    strip = page(out, "/events/annual-conference/").xpath('//ul[@class="sponsors"]/li/a')
    assert len(strip) == 1 and strip[0].get("href") == "/net/vendors/sonicwall/"
    logo = strip[0].xpath(".//img")[0]
    assert logo.get("alt") == "Sonicwall"  # the link's name
    assert (logo.get("width"), logo.get("height")) == ("160", "53")
    assert webp_size(local(out, logo.get("src"))) == (160, 53)
    assert webp_size(local(out, logo.get("srcset").split()[0])) == (320, 107)


def test_a_small_logo_is_never_enlarged_and_gets_no_2x_file(make_site):
    out = build(make_site(with_member_logo("acme.png", logo_png(100, 40))))
    img = page(out, "/members/acme-networks/").xpath('//img[contains(@class, "logo-page")]')[0]
    assert (img.get("width"), img.get("height"), img.get("srcset")) == ("100", "40", None)
    assert webp_size(local(out, img.get("src"))) == (100, 40)


def test_jpeg_and_webp_logos_go_through_the_same_path(make_site):
    buf = io.BytesIO()
    Image.open(io.BytesIO(logo_png(600, 200))).save(buf, "WEBP", lossless=True)
    out = build(make_site({**with_member_logo("acme.jpg", logo_png(600, 200, "JPEG")),
                           V: "logo: sonic.webp\n" + VENDOR_YAML, "vendors/sonic.webp": buf.getvalue()}))
    for path in ("/members/acme-networks/", "/vendors/sonicwall/"):
        img = page(out, path).xpath('//img[contains(@class, "logo-page")]')[0]
        assert webp_size(local(out, img.get("src"))) == (240, 80)


def rebuilt(svg: bytes) -> bytes:
    """An SVG of allowed parts only, as it is published: the same drawing under an XML declaration."""
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + svg + b"\n"


def test_an_svg_logo_is_published_rebuilt_and_drawn_at_the_size_that_fits_each_box(make_site):
    out = build(make_site(with_member_logo("acme.svg", SVG_WIDE)))
    assert (out / "members/acme-networks/logo.svg").read_bytes() == rebuilt(SVG_WIDE)
    sizes = {}
    for path, cls in (("/members/acme-networks/", "logo-page"), ("/members/", "logo-card"),
                      ("/regions/ca/", "logo-card")):
        img = page(out, path).xpath(f'//img[contains(@class, "{cls}")]')[0]
        assert img.get("src") == "/net/members/acme-networks/logo.svg" and img.get("srcset") is None
        sizes[path] = (img.get("width"), img.get("height"))
        # a wordmark stands for the name: shown once, the name said to assistive technology only
        heading = img.xpath("ancestor::h1|ancestor::h3|ancestor::a")[0]
        assert " ".join(heading.text_content().split()) == "Acme Networks"
        assert heading.xpath('.//span[@class="visually-hidden"]')
    # lists draw a wordmark at the card's size, never shrunk to an unreadable row logo
    assert sizes == {"/members/acme-networks/": ("240", "48"), "/members/": ("144", "29"), "/regions/ca/": ("144", "29")}


def test_every_img_of_every_page_has_width_and_height(make_site):
    site = make_site({**with_member_logo("acme.png", BIG_PNG), V: "logo: sonic.svg\n" + VENDOR_YAML,
                      "vendors/sonic.svg": SVG_WIDE, "site.yaml": SITE_YAML + "logo: brand.svg\n",
                      "brand.svg": SVG_WIDE})
    out = build(site)
    imgs = 0
    for file in out.rglob("*.html"):
        for img in lxml.html.fromstring(file.read_bytes()).xpath("//img"):
            assert img.get("width", "").isdigit() and img.get("height", "").isdigit(), (file, img.get("src"))
            assert img.get("alt") is not None
            if img.get("alt") == "":  # a logo beside its name is decoration
                assert img.get("aria-hidden") == "true", (file, img.get("src"))
            imgs += 1
    assert imgs > 10


def test_members_without_a_logo_get_a_monogram_that_screen_readers_skip(make_site):
    out = build(make_site({"members/basalt-data-works.yaml": MEMBER_YAML.replace(
        "Acme Networks", "Basalt Data Works").replace("acme.example.com", "basalt.example.com")}))
    cards = page(out, "/members/").xpath('//li[contains(@class, "card")]')
    marks = {c.xpath(".//h3/a")[0].text: c.xpath('.//span[contains(@class, "monogram")]') for c in cards}
    assert {name: [(m.text, m.get("aria-hidden")) for m in ms] for name, ms in marks.items()} == {
        "Acme Networks": [("AN", "true")], "Basalt Data Works": [("BD", "true")]}
    rows = page(out, "/regions/ca/").xpath('//span[contains(@class, "monogram-row")]')
    assert [r.get("aria-hidden") for r in rows] == ["true", "true"]


@pytest.mark.parametrize("name,letters", [("SMB Technology Network", "SMB"), ("Aspen Leaf Consulting", "AL"),
                                          ("The Bay Group", "BG"), ("Élan Networks", "EN"), ("Acme", "A"),
                                          ("3am Labs", "3L"), ("IT & More", "IT"), ("--", "?")])
def test_monogram_initials(name, letters):
    assert slugify.initials(name) == letters


# --- the cache: made once, the same bytes always -------------------------------------------

def logo_site(make_site) -> Path:
    return make_site({**with_member_logo("acme.png", BIG_PNG), V: "logo: sonic.svg\n" + VENDOR_YAML,
                      "vendors/sonic.svg": SVG_WIDE, "site.yaml": SITE_YAML + "logo: brand.png\n",
                      "brand.png": logo_png(400, 400, seed="Test")})


def test_builds_give_identical_bytes_cold_cached_and_without_a_cache(make_site, tmp_path):
    site = logo_site(make_site)
    first = files_of(build(site, tmp_path / "a", cache=tmp_path / "cache-a"))
    second = files_of(build(site, tmp_path / "b", cache=tmp_path / "cache-b"))  # cold again, elsewhere
    cached = files_of(build(site, tmp_path / "c", cache=tmp_path / "cache-a"))  # every image from the cache
    uncached = files_of(build(site, tmp_path / "d", cache=False))
    assert first == second == cached == uncached
    assert any(name.endswith(".webp") for name in first) and "social.png" in first


def test_a_rebuild_with_nothing_changed_decodes_and_encodes_no_image(make_site, monkeypatch):
    site = logo_site(make_site)
    calls = {"encode": 0, "decode": 0}
    real_encode, real_decode, real_card = imaging.encode, imaging.decode, drawing.card_png

    def encode(*a, **kw):
        calls["encode"] += 1
        return real_encode(*a, **kw)

    def card_png(*a, **kw):  # cards are drawn and encoded in one
        calls["encode"] += 1
        return real_card(*a, **kw)

    def decode(*a, **kw):
        calls["decode"] += 1
        return real_decode(*a, **kw)

    monkeypatch.setattr(imaging, "encode", encode)
    monkeypatch.setattr(imaging, "decode", decode)
    monkeypatch.setattr(drawing, "card_png", card_png)
    build(site)
    assert calls["encode"] > 10 and calls["decode"] > 0
    made = cache_files(site)
    assert made
    calls.update(encode=0, decode=0)
    out = build(site)
    assert calls == {"encode": 0, "decode": 0}
    assert cache_files(site) == made  # not even rewritten
    assert (out / "members/acme-networks/social.png").is_file()


def test_a_changed_logo_is_made_again_and_its_old_files_leave_the_cache(make_site):
    site = logo_site(make_site)
    build(site)
    before = cache_files(site)
    (site / "members/acme.png").write_bytes(logo_png(1600, 1600, seed="Zeta"))
    out = build(site)
    after = cache_files(site)
    assert set(after) - set(before) and set(before) - set(after)
    assert set(after) & set(before)  # the vendor's, the site's and the cards are kept
    img = page(out, "/members/acme-networks/").xpath('//img[contains(@class, "logo-page")]')[0]
    made = cache_images(site)
    assert local(out, img.get("src")).read_bytes() in {made[n][1] for n in set(after) - set(before)}


def test_the_cache_folder_is_tagged_and_can_live_elsewhere_or_nowhere(make_site, tmp_path, cli):
    site = make_site()
    assert cli("build", "-s", str(site), "--as-of", AS_OF, "-q", "--no-cache").returncode == 0
    assert not (site / ".smbsite-cache").exists()
    elsewhere = tmp_path / "cache"
    assert cli("build", "-s", str(site), "--as-of", AS_OF, "-q", "--cache-dir", str(elsewhere)).returncode == 0
    assert not (site / ".smbsite-cache").exists()
    assert (elsewhere / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (elsewhere / "cache.sqlite").is_file()
    res = cli("build", "-s", str(site), "--as-of", AS_OF, "--no-cache", "--cache-dir", str(elsewhere))
    assert res.returncode == 2 and "exclude each other" in res.stderr


def test_a_cache_folder_inside_the_output_is_refused(make_site):
    site = make_site()
    with pytest.raises(api.UsageError, match="outside the output folder"):
        api.build(site, site / "output", as_of=AS_OF, cache=site / "output" / "cache")
    assert not (site / "output").exists()


def test_only_a_tagged_cache_folder_is_ever_cleaned(make_site, tmp_path):
    folder = tmp_path / "mine"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "thesis.txt").write_text("years of work", encoding="utf-8")
    (folder / "pages").mkdir()
    (folder / "pages" / "pack-notes.bin").write_text("more years", encoding="utf-8")
    build(logo_site(make_site), cache=folder)
    assert (folder / "images" / "thesis.txt").read_text(encoding="utf-8") == "years of work"
    assert (folder / "pages" / "pack-notes.bin").read_text(encoding="utf-8") == "more years"


# --- logos refused at their line -------------------------------------------------------------

LOGO_ERRORS = {
    "a decompression bomb": (
        png_header(30_000, 30_000),
        "logo 'acme.png' claims 900,000,000 pixels in its header, far beyond 4096 px a side: refused as a possible "
        "decompression bomb — export the logo again at a normal size"),
    "a bomb just over Pillow's warning limit": (
        png_header(10_000, 9_000),
        "logo 'acme.png' claims 90,000,000 pixels in its header, far beyond 4096 px a side: refused as a possible "
        "decompression bomb — export the logo again at a normal size"),
    "over 4096 px a side": (
        png_header(5000, 200),
        "logo 'acme.png' is 5000×200 pixels; at most 4096 px a side allowed — export it smaller: the site never "
        "draws a logo wider than 480 px"),
    "not a readable PNG": (
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        "logo 'acme.png' could not be read as a PNG image (the file is damaged or incomplete) — export the logo "
        "again from an image program"),
}


@pytest.mark.parametrize("content,message", LOGO_ERRORS.values(), ids=LOGO_ERRORS.keys())
def test_an_unusable_member_logo_is_an_error_at_its_logo_line(make_site, content, message):
    site = make_site(with_member_logo("acme.png", content))
    found = problems(site)
    assert len(found) == 1 and found[0].startswith(f"{M}:12:7: error: {message}"), found
    assert not (site / "output").exists() and not (site / ".smbsite-cache").exists()
    assert not cache_images(site)  # no image was made


def test_an_oversized_vendor_logo_is_an_error_at_its_logo_line(make_site):
    site = make_site({V: "logo: sonic.png\n" + VENDOR_YAML, "vendors/sonic.png": png_header(4097, 10)})
    assert problems(site) == [f"{V}:1:7: error: logo 'sonic.png' is 4097×10 pixels; at most 4096 px a side "
                              "allowed — export it smaller: the site never draws a logo wider than 480 px"]


def test_a_logo_whose_pixels_are_broken_is_reported_by_the_build_at_its_logo_line(make_site):
    """The header is fine (check passes), the pixel data is not: the build says where, and writes nothing."""
    site = make_site(with_member_logo("acme.png", png_header(64, 64, idat=b"not zlib data at all")))
    assert api.check(site, as_of=AS_OF).ok
    found = problems(site)
    assert len(found) == 1 and found[0].startswith(f"{M}:12:7: error: logo 'acme.png' could not be converted"), found
    assert not (site / "output").exists()


def test_the_site_logo_is_checked_at_its_line_in_site_yaml(make_site, tmp_path):
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(logo_png(64, 64))
    line = len(SITE_YAML.splitlines()) + 1
    cases = {
        f"logo: {outside}\n": f"site.yaml:{line}:7: error: logo '{outside}' is outside the site folder",
        "logo: ../elsewhere.png\n": f"site.yaml:{line}:7: error: logo '../elsewhere.png' is outside the site folder",
        "logo: brand.svg\n": f"site.yaml:{line}:7: error: logo file 'brand.svg' not found in the site folder",
        "logo: big.png\n": f"site.yaml:{line}:7: error: logo 'big.png' is 5000×100 pixels",
    }
    for text, message in cases.items():
        site = make_site({"site.yaml": SITE_YAML + text, "big.png": png_header(5000, 100)})
        found = problems(site)
        assert len(found) == 1 and found[0].startswith(message), (text, found)


# --- what every page shares: og:image --------------------------------------------------------

def test_every_page_has_an_og_image_that_exists_at_the_size_it_states(make_site):
    site = make_site({**with_member_logo("acme.png", BIG_PNG), V: "logo: sonic.svg\n" + VENDOR_YAML,
                      "vendors/sonic.svg": SVG_WIDE})
    out = build(site)
    shared: dict[str, str] = {}
    for file in sorted(out.rglob("*.html")):
        doc = lxml.html.fromstring(file.read_bytes())

        def meta(attr: str, name: str) -> str:
            values = doc.xpath(f'//meta[@{attr}="{name}"]/@content')
            assert len(values) == 1, (file, name)
            return values[0]

        url = meta("property", "og:image")
        assert url.startswith(ORIGIN + BASE)
        with Image.open(local(out, url)) as im:
            assert im.size == (int(meta("property", "og:image:width")), int(meta("property", "og:image:height")))
            assert meta("property", "og:image:type") == Image.MIME[im.format]
        assert meta("property", "og:image:alt")
        assert im.format == "PNG" and im.mode == "P"  # 256 colours: a quarter of the bytes
        logo = im.size == (600, 600)  # a logo centred on white; else a drawn card
        assert meta("name", "twitter:card") == ("summary" if logo else "summary_large_image")
        shared[file.relative_to(out).as_posix()] = url.removeprefix(ORIGIN + BASE)
    assert shared["members/acme-networks/index.html"] == "members/acme-networks/social.png"
    assert shared["events/annual-conference/index.html"] == "events/annual-conference/social.png"
    assert shared["articles/hello-members/index.html"] == "articles/hello-members/social.png"
    # an SVG logo cannot be shared, so the vendor's page shares the site's card, like the rest
    for path in ("index.html", "vendors/sonicwall/index.html", "members/index.html", "404.html", "join/index.html"):
        assert shared[path] == "social.png", path
    with Image.open(out / "events/annual-conference/social.png") as im:
        assert im.size == (1200, 630)
    with Image.open(out / "members/acme-networks/social.png") as im:
        assert min(im.convert("RGB").getpixel((5, 5))) >= 250  # the logo sits on white


def test_a_card_is_drawn_again_only_when_what_it_shows_changes(make_site):
    site = make_site()
    out = build(site)
    card = (out / "events/annual-conference/social.png").read_bytes()
    event = site / "events/annual-conference.yaml"
    event.write_text(event.read_text(encoding="utf-8") + "description: More words, same card.\n", encoding="utf-8")
    out = build(site)
    assert (out / "events/annual-conference/social.png").read_bytes() == card
    event.write_text(event.read_text(encoding="utf-8").replace("Annual Conference", "Annual Summit"),
                     encoding="utf-8")
    out = build(site)
    assert (out / "events/annual-conference/social.png").read_bytes() != card


def test_card_text_keeps_its_accents_dashes_and_symbols():
    text = "Zoë’s café – “now” — 10 % off\u00a0today ✓"
    assert drawing.undrawable(text) == [] and fonts.Text(text).text == text.replace("\u00a0", " ")


# --- favicons ------------------------------------------------------------------------------------

def test_every_page_links_favicons_that_exist_at_their_sizes(make_site):
    out = build(make_site())
    for file in out.rglob("*.html"):
        doc = lxml.html.fromstring(file.read_bytes())
        icons = {(link.get("rel"), link.get("sizes")): link.get("href") for link in doc.xpath("//link[contains(@rel, 'icon')]")}
        assert icons == {("icon", "32x32"): "/net/favicon-32.png", ("apple-touch-icon", "180x180"): "/net/apple-touch-icon.png",
                         ("icon", None): "/net/favicon.svg"}, file
    for name, size in (("favicon-32.png", 32), ("apple-touch-icon.png", 180)):
        with Image.open(out / name) as im:
            assert im.format == "PNG" and im.size == (size, size)
    with Image.open(out / "apple-touch-icon.png") as im:
        assert im.mode == "RGB"  # iOS would show transparency as black
    svg = (out / "favicon.svg").read_text(encoding="utf-8")
    assert ">TN</text>" in svg and colors.DEFAULT_BRAND in svg  # "Test Network" in the theme's colour


def test_a_square_logo_makes_the_favicons_and_a_wide_one_leaves_them_to_the_monogram(make_site):
    square = build(make_site({"site.yaml": SITE_YAML + "logo: mark.svg\n", "mark.svg": SVG_SQUARE}))
    assert (square / "favicon.svg").read_bytes() == rebuilt(SVG_SQUARE)
    wide = build(make_site({"site.yaml": SITE_YAML + "logo: brand.svg\n", "brand.svg": SVG_WIDE}))
    assert b"<text" in (wide / "favicon.svg").read_bytes()
    png = build(make_site({"site.yaml": SITE_YAML + "logo: mark.png\n", "mark.png": logo_png(400, 400)}))
    with Image.open(png / "favicon-32.png") as im:
        r, g, b, a = im.convert("RGBA").getpixel((16, 16))
        assert (r, g, b) != imaging._pillow().new("RGB", (1, 1), colors.DEFAULT_BRAND).getpixel((0, 0))
        assert r > 150 and g > 100  # the logo's gold disc, not the monogram's blue


# --- the header and the brand colours ------------------------------------------------------------

def test_the_header_shows_the_site_logo_at_its_size_with_the_title_as_its_name(make_site):
    out = build(make_site({"site.yaml": SITE_YAML + "logo: brand.svg\n", "brand.svg": SVG_WIDE}))
    img = page(out, "/members/").xpath('//a[@class="brand"]/img')[0]
    assert (img.get("src"), img.get("width"), img.get("height"), img.get("alt")) == (
        "/net/logo.svg", "240", "48", "Test Network")
    assert img.get("loading") is None  # at the top of every page: not lazy
    raster = build(make_site({"site.yaml": SITE_YAML + "logo: brand.png\n", "brand.png": logo_png(1200, 240)}))
    img = page(raster, "/").xpath('//a[@class="brand"]/img')[0]
    assert (img.get("width"), img.get("height")) == ("240", "48")
    assert webp_size(local(raster, img.get("srcset").split()[0])) == (480, 96)


def test_without_a_logo_the_header_shows_the_title(make_site):
    out = build(make_site())
    assert page(out, "/").xpath('//a[@class="brand"]')[0].text_content() == "Test Network"


def test_the_organization_names_its_logo_for_search_engines(make_site):
    def organization(out: Path) -> dict:
        return json.loads(page(out, "/").xpath('//script[@type="application/ld+json"]/text()')[0])

    assert organization(build(make_site()))["logo"] == f"{ORIGIN}{BASE}apple-touch-icon.png"
    out = build(make_site({"site.yaml": SITE_YAML + "logo: brand.svg\n", "brand.svg": SVG_WIDE}))
    assert organization(out)["logo"] == f"{ORIGIN}{BASE}logo.svg"


def test_brand_colours_reach_the_css_of_every_page(make_site):
    out = build(make_site({"site.yaml": SITE_YAML + 'colors:\n  brand: "#0B5394"\n  accent: "#7a2e8a"\n'}))
    for file in out.rglob("*.html"):
        style = lxml.html.fromstring(file.read_bytes()).xpath("//head/style/text()")
        assert len(style) == 1 and style[0].startswith(":root{--brand:#0b5394;--accent:#7a2e8a;"), file
    light, dark = style[0].split("@media (prefers-color-scheme:dark)")
    dark_values = dict(part.split(":") for part in dark.strip("{}:root{}").split(";"))
    assert colors.contrast(dark_values["--brand"], colors.DARK_BUTTON_TEXT) >= 4.5
    assert min(colors.contrast(dark_values["--accent"], bg) for bg in colors.DARK_BACKGROUNDS) >= 4.5
    css = (out / "static/style.css").read_text(encoding="utf-8")
    assert ".button { background: var(--brand)" in css
    with Image.open(out / "apple-touch-icon.png") as im:  # the favicons and cards take the brand colour too
        assert im.getpixel((3, 3)) == (0x0B, 0x53, 0x94)


def test_without_colours_the_theme_keeps_its_own(make_site):
    out = build(make_site())
    assert lxml.html.fromstring((out / "index.html").read_bytes()).xpath("//head/style") == []


def test_a_colour_that_fails_contrast_is_an_error_at_its_line_naming_one_that_passes(make_site):
    line = len(SITE_YAML.splitlines()) + 2
    site = make_site({"site.yaml": SITE_YAML + 'colors:\n  brand: "#3d85c6"\n  accent: "#88bbff"\n'})
    assert problems(site) == [
        f"site.yaml:{line}:10: error: brand colour #3d85c6 has a contrast of 3.9:1 with the white text drawn on "
        "it; at least 4.5:1 is needed — a darker shade such as #387ab6 passes",
        f"site.yaml:{line + 1}:11: error: accent colour #88bbff has a contrast of 1.7:1 as link text on the "
        "background #e7eef7; at least 4.5:1 is needed — a darker shade such as #4f6c94 passes"]
    assert colors.contrast("#387ab6", "#ffffff") >= 4.5
    assert colors.worst_contrast("#4f6c94", colors.LIGHT_BACKGROUNDS)[0] >= 4.5


def test_an_unquoted_colour_is_not_silently_dropped(make_site):
    line = len(SITE_YAML.splitlines()) + 2
    site = make_site({"site.yaml": SITE_YAML + "colors:\n  brand: #0b5394\n"})
    assert problems(site) == [f"site.yaml:{line}:9: error: colors › brand: found nothing: a # starts a YAML "
                              "comment, so write the colour in quotes, like \"#0b5394\""]


def test_a_colour_that_is_no_colour_is_an_error(make_site):
    site = make_site({"site.yaml": SITE_YAML + "colors: {brand: navy}\n"})
    assert problems(site) == [f"site.yaml:{len(SITE_YAML.splitlines()) + 1}:17: error: colors › brand: expected "
                              "a colour written \"#rrggbb\", like \"#0b5394\""]


# --- open data and the dev server ------------------------------------------------------------------

def test_members_json_carries_each_logo_as_cards_draw_it(make_site):
    out = build(make_site({**with_member_logo("acme.png", BIG_PNG),
                           "members/basalt.yaml": MEMBER_YAML.replace("Acme Networks", "Basalt").replace("acme.", "basalt.")}))
    rows = {m["slug"]: m for m in json.loads((out / "members.json").read_text(encoding="utf-8"))["members"]}
    assert "logo" not in rows["basalt"]
    logo = rows["acme-networks"]["logo"]
    assert logo == {"src": f"{ORIGIN}{BASE}members/acme-networks/logo-56x56.webp", "width": 56, "height": 56,
                    "src2x": f"{ORIGIN}{BASE}members/acme-networks/logo-112x112.webp"}
    assert webp_size(local(out, logo["src2x"])) == (112, 112)


def test_serve_shows_a_replaced_logo_file_like_a_fresh_build(make_site, tmp_path):
    site = make_site(with_member_logo("acme.png", BIG_PNG))
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    before = inc.files()
    (site / "members/acme.png").write_bytes(logo_png(800, 200, seed="Newer"))
    inc.apply({"members/acme.png"})
    assert inc.errors == []
    after = inc.files()
    fresh = build(site, tmp_path / "fresh", cache=False)
    assert after == {p.relative_to(fresh).as_posix(): p.read_bytes() for p in fresh.rglob("*")
                     if p.is_file() and p.name != ".smbsite-output"}
    assert after["members/acme-networks/index.html"] != before["members/acme-networks/index.html"]


def test_serve_redraws_every_logo_when_the_logo_template_changes(make_site, tmp_path):
    site = make_site(with_member_logo("acme.png", BIG_PNG))
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    inc.files()
    theme = (THEME / "_logo.html").read_text(encoding="utf-8")
    (site / "templates" / "_logo.html").write_text(theme.replace('class="logo ', 'class="logo framed '),
                                                   encoding="utf-8")
    inc.apply({"templates/_logo.html"})
    after = inc.files()
    assert 'class="logo framed logo-card"' in after["members/index.html"].decode()
    fresh = build(site, tmp_path / "fresh", cache=False)
    assert after == {p.relative_to(fresh).as_posix(): p.read_bytes() for p in fresh.rglob("*")
                     if p.is_file() and p.name != ".smbsite-output"}
