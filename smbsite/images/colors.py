"""Brand colours: contrast as WCAG 2 measures it, and the theme's colours a site may replace.

The theme draws the brand colour behind white text (buttons, the current page
in the A-Z list, monograms, social cards) and the accent colour as link text on
its light backgrounds; both must reach 4.5:1 there. In dark mode the theme uses
lighter shades of the same colours, derived here so that they reach 4.5:1 on
the dark backgrounds too.
"""
from __future__ import annotations


# The theme's colours (smbsite/theme/static/style.css) that brand colours meet.
DEFAULT_BRAND = "#0a58a8"
WHITE = "#ffffff"
LIGHT_BACKGROUNDS = ("#ffffff", "#f3f5f8", "#e7eef7")  # --bg, --soft, --soft2: link text sits on each
DARK_BACKGROUNDS = ("#12161b", "#1b2128", "#1f2b3a")  # the same in dark mode
DARK_BUTTON_TEXT = "#0b1420"  # --accent-fg in dark mode: text on a light brand shade
MIN_CONTRAST = 4.5


def normalise(value: str) -> str:
    """'#0B5' or '#0B5394' -> '#00bb55' / '#0b5394'."""
    digits = value.strip().lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.lower()


def rgb(value: str) -> tuple[int, int, int]:
    digits = normalise(value)[1:]
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def hex_of(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in (r, g, b))


def luminance(value: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb(value))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def worst_contrast(colour: str, others: tuple[str, ...]) -> tuple[float, str]:
    """The lowest contrast of colour against any of others, and which one that is."""
    return min((contrast(colour, o), o) for o in others)


def mix(colour: str, towards: str, t: float) -> str:
    (r1, g1, b1), (r2, g2, b2) = rgb(colour), rgb(towards)
    return hex_of(r1 + (r2 - r1) * t, g1 + (g2 - g1) * t, b1 + (b2 - b1) * t)


def shade_that_passes(colour: str, against: tuple[str, ...], towards: str) -> str:
    """The closest mix of colour towards black or white with 4.5:1 against every colour in `against`."""
    for step in range(0, 101):
        candidate = mix(colour, towards, step / 100)
        if worst_contrast(candidate, against)[0] >= MIN_CONTRAST:
            return candidate
    return towards


def brand_problems(brand: str | None, accent: str | None) -> list[tuple[str, str, str]]:
    """(field, message, hint) for each brand colour the theme could not draw readably."""
    out = []
    if brand is not None:
        ratio, _ = worst_contrast(brand, (WHITE,))
        if ratio < MIN_CONTRAST:
            out.append(("brand", f"brand colour {normalise(brand)} has a contrast of {ratio:.1f}:1 with the white "
                                 f"text drawn on it; at least {MIN_CONTRAST}:1 is needed",
                        f"a darker shade such as {shade_that_passes(brand, (WHITE,), '#000000')} passes"))
    if accent is not None:
        ratio, worst = worst_contrast(accent, LIGHT_BACKGROUNDS)
        if ratio < MIN_CONTRAST:
            out.append(("accent", f"accent colour {normalise(accent)} has a contrast of {ratio:.1f}:1 as link text "
                                  f"on the background {worst}; at least {MIN_CONTRAST}:1 is needed",
                        f"a darker shade such as {shade_that_passes(accent, LIGHT_BACKGROUNDS, '#000000')} passes"))
    return out


def theme_properties(brand: str | None, accent: str | None) -> dict[str, dict[str, str]]:
    """The CSS custom properties that carry a site's colours, for light and dark mode.

    {"light": {...}, "dark": {...}}; empty when the site keeps the theme's colours."""
    if brand is None and accent is None:
        return {"light": {}, "dark": {}}
    brand = normalise(brand or accent or DEFAULT_BRAND)
    accent = normalise(accent or brand)
    dark_brand = shade_that_passes(brand, (DARK_BUTTON_TEXT,), WHITE)
    dark_accent = shade_that_passes(accent, DARK_BACKGROUNDS, WHITE)
    return {"light": {"--brand": brand, "--accent": accent, "--bar": brand},
            "dark": {"--brand": dark_brand, "--accent": dark_accent, "--bar": dark_brand}}
