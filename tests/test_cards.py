"""Link-preview cards: every script a title can hold drawn, never a character silently
dropped; text fitted in n log n however long the title; drawn straight into a palette of
the brand colour's tints."""
from __future__ import annotations

import time
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from PIL import Image, ImageDraw, ImageFont

from conftest import AS_OF, EVENT_YAML, SITE_YAML
from smbsite import api
from smbsite.images import colors, drawing, fonts

E = "events/annual-conference.yaml"
CARD = "events/annual-conference/social.png"
TITLE_TOP, TITLE_BOTTOM = 64 + 96 + 64 + 54, 64 + 96 + 64 + 54 + 3 * 78  # the title's three lines, monogram header
TITLE_RIGHT = 1200 - 72 - 120


def event_titled(title: str) -> dict:
    return {E: EVENT_YAML.replace("title: Annual Conference", f"title: {title!r}".replace("'", '"'), 1)}


def build(site: Path):
    result = api.build(site, site / "output", as_of=AS_OF)
    assert result.ok, [p.text() for p in result.problems]
    return result


def ink(card: Path) -> tuple[int, int] | None:
    """The horizontal extent (left, right) of white title text on a card, or None."""
    with Image.open(card) as im:
        assert im.mode == "P"
        rgb = im.convert("RGB").crop((0, TITLE_TOP, TITLE_RIGHT, TITLE_BOTTOM))
    white = rgb.point(lambda v: 255 if v >= 250 else 0).convert("L")  # title text is white; nothing else is there
    box = white.getbbox()
    return (box[0], box[2]) if box else None


def reference_width(title: str, font_file: str, index: int = 0) -> float:
    """The title's width set in the regular weight of the font meant for it, by Pillow alone."""
    face = next(f for f in fonts.faces() if f.path.name == font_file)
    font = ImageFont.truetype(str(face.path), 64, index=index)
    try:
        font.set_variation_by_axes([400])
    except OSError:
        pass
    return font.getlength(title)


SCRIPTS = {
    "Greek": ("Ετήσιο συνέδριο", "NotoSans[wght].ttf"),
    "Cyrillic": ("Ежегодная встреча", "NotoSans[wght].ttf"),
    "German sharp s": ("Straßenfest", "NotoSans[wght].ttf"),
    "Chinese": ("会员大会 2027", "NotoSansCJK-VF.otf.ttc"),
    "Arabic": ("المؤتمر السنوي", "NotoSansArabic[wght].ttf"),
    "Hebrew": ("כנס שנתי", "NotoSansHebrew[wght].ttf"),
}


@pytest.mark.parametrize("title,font_file", SCRIPTS.values(), ids=SCRIPTS.keys())
def test_a_title_in_any_script_is_drawn_whole_on_its_card(make_site, title, font_file):
    site = make_site(event_titled(title))
    result = build(site)
    assert not [p for p in result.problems if "link-preview" in p.message]
    extent = ink(site / "output" / CARD)
    assert extent is not None, "no title on the card"
    left, right = extent
    assert left <= 80  # starts at the margin
    # as wide as the whole title set in its font (the card's weight is bolder, so wider still): nothing dropped
    assert right - left >= 0.95 * reference_width(title, font_file, index=2 if font_file.endswith("ttc") else 0)


def test_a_title_no_installed_font_draws_is_left_off_the_card_and_said(make_site):
    site = make_site(event_titled("\ue000\ue001 Gala"))  # private-use characters: no font has them
    result = build(site)
    assert ink(site / "output" / CARD) is None  # not "Gala" alone
    warned = [p.text() for p in result.problems if p.severity == "warning"]
    assert any(w.startswith(f"{E}:1:1: warning: the link-preview image of /events/annual-conference/social.png "
                            "leaves off the title: no installed font draws '\ue000' (U+E000) '\ue001' (U+E001)")
               for w in warned), warned


def test_without_the_cjk_fonts_a_chinese_title_is_left_off_and_the_fix_named(make_site, monkeypatch):
    monkeypatch.setattr(fonts, "FACES", tuple(f for f in fonts.FACES if not f[0].endswith("_cjk")))
    for cached in (fonts.faces, fonts.first_face):
        cached.cache_clear()
    try:
        site = make_site(event_titled("会员大会 2027"))
        result = build(site)
        assert ink(site / "output" / CARD) is None  # never "2027" alone
        warned = [p.full_message() for p in result.problems if p.severity == "warning"]
        assert any("leaves off the title" in w and "pip install 'smbsite[cjk]'" in w for w in warned), warned
    finally:
        for cached in (fonts.faces, fonts.first_face):
            cached.cache_clear()


# --- fitting the text ----------------------------------------------------------------------------

@pytest.mark.parametrize("title,cut", [("Gala " * 6000, True), ("G" * 30_000, True), ("会" * 30_000, True),
                                       ("\u200b" * 30_000 + "Gala", False)],
                         ids=["30,000 characters of words", "one 30,000-letter word", "30,000 ideographs",
                              "30,000 zero-width spaces"])
def test_a_30000_character_title_is_fitted_in_three_lines_quickly(title, cut):
    spec = drawing.CardSpec(title=title, kind="News · March 3, 2027", site_title="Test Network",
                            footer="example.org", brand="#1a4d80", initials="TN")
    started = time.process_time()
    text = fonts.Text(title)
    lines = drawing.wrap(text, drawing.TITLE, 1008, 3)
    Image.open(BytesIO(drawing.card_png(spec))).load()  # decoded from the very bytes a build publishes
    assert time.process_time() - started < 10  # seconds; measuring per character took minutes
    assert 1 <= len(lines) <= 3 and (lines[-1][2] == "…") == cut
    for start, end, suffix in lines:
        assert text.width(drawing.TITLE, start, end, suffix) <= 1008


words = st.lists(st.sampled_from(["a", "Gala", "Συνέδριο", "会员", "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", "2027", "—", "ß"]),
                 max_size=40)


@settings(max_examples=40, deadline=None)
@given(words, st.integers(1, 3))
def test_wrapped_lines_fit_and_keep_the_text_in_order(parts, max_lines):
    text = fonts.Text(" ".join(parts))
    lines = drawing.wrap(text, drawing.TITLE, 1008, max_lines)
    assert len(lines) <= max_lines
    shown = ""
    for start, end, suffix in lines:
        assert text.width(drawing.TITLE, start, end, suffix) <= 1008
        shown += text.text[start:end]
    whole = text.text.replace(" ", "")
    assert whole.startswith(shown.replace(" ", ""))
    assert (lines[-1][2] == "…") == (len(shown.replace(" ", "")) < len(whole)) if lines else not whole


# --- a palette of the brand colour's tints --------------------------------------------------------

def test_a_card_is_a_palette_of_the_brand_colours_tints_and_the_same_bytes_every_build(make_site, tmp_path):
    site = make_site({"site.yaml": SITE_YAML + "colors: {brand: '#7a2e0e'}\n"})
    build(site)
    first = (site / "output" / CARD).read_bytes()
    api.build(site, tmp_path / "again", as_of=AS_OF, cache=False)
    assert (tmp_path / "again" / CARD).read_bytes() == first
    with Image.open(site / "output" / CARD) as im:
        assert im.mode == "P" and im.size == (1200, 630)
        used = {rgb for _, rgb in im.convert("RGB").getcolors(256)}
    tints = {colors.rgb(colors.mix("#7a2e0e", "#ffffff", i / 127)) for i in range(128)}
    assert used <= tints and colors.rgb("#7a2e0e") in used and (255, 255, 255) in used


def test_a_raster_site_logo_keeps_its_colours_on_the_card(make_site):
    logo = Image.new("RGB", (200, 80), "#ffffff")
    ImageDraw.Draw(logo).rectangle((10, 10, 70, 70), fill="#e8a317")  # an amber no tint of the brand is
    import io
    buf = io.BytesIO()
    logo.save(buf, "PNG")
    site = make_site({"site.yaml": SITE_YAML + "logo: brand.png\n", "brand.png": buf.getvalue()})
    build(site)
    with Image.open(site / "output" / CARD) as im:
        used = {rgb for _, rgb in im.convert("RGB").getcolors(256)}
    assert any(abs(r - 0xe8) + abs(g - 0xa3) + abs(b - 0x17) < 24 for r, g, b in used)
