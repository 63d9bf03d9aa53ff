"""The US as a tile grid (one square per state, placed roughly where it lies), as inline SVG.

Drawn at build time from a count per state, so the map works without
JavaScript and costs one small block of markup. Shading is a CSS class per
band (``tile-0`` for none, ``tile-1`` and ``tile-2``): the colours live in the
stylesheet, where light and dark mode each get a palette in which neighbouring
bands differ by at least 3:1 and the text on each keeps AA contrast. Two bands
is all that allows (three steps of 3:1 would need more than the 21:1 between
white and black), and every tile prints its count anyway.

The map is a picture for pointer users: it is hidden from assistive technology
and its links are out of the tab order, since the list of states beside every
map is the keyboard and screen-reader path to the same pages.
"""
from __future__ import annotations

from typing import Callable
from xml.sax.saxutils import quoteattr

from markupsafe import Markup, escape

from ..model.fields import US_STATES

# (column, row) of each state in the common newsroom layout; territories sit
# off the coasts they are nearest to and are drawn only when they have members.
GRID: dict[str, tuple[int, int]] = {
    "AK": (0, 0), "ME": (10, 0),
    "WI": (5, 1), "VT": (9, 1), "NH": (10, 1),
    "WA": (0, 2), "ID": (1, 2), "MT": (2, 2), "ND": (3, 2), "MN": (4, 2), "IL": (5, 2), "MI": (6, 2),
    "NY": (8, 2), "MA": (9, 2),
    "OR": (0, 3), "NV": (1, 3), "WY": (2, 3), "SD": (3, 3), "IA": (4, 3), "IN": (5, 3), "OH": (6, 3),
    "PA": (7, 3), "NJ": (8, 3), "CT": (9, 3), "RI": (10, 3),
    "CA": (0, 4), "UT": (1, 4), "CO": (2, 4), "NE": (3, 4), "MO": (4, 4), "KY": (5, 4), "WV": (6, 4),
    "VA": (7, 4), "MD": (8, 4), "DE": (9, 4),
    "AZ": (1, 5), "NM": (2, 5), "KS": (3, 5), "AR": (4, 5), "TN": (5, 5), "NC": (6, 5), "SC": (7, 5),
    "DC": (8, 5),
    "GU": (0, 6), "MP": (1, 6), "OK": (3, 6), "LA": (4, 6), "MS": (5, 6), "AL": (6, 6), "GA": (7, 6),
    "HI": (0, 7), "AS": (1, 7), "TX": (3, 7), "FL": (8, 7), "PR": (9, 7), "VI": (10, 7),
}
TERRITORIES = frozenset({"AS", "GU", "MP", "PR", "VI"})
COLUMNS, ROWS = 11, 8
TILE, GAP = 44, 4
BUCKETS = 2  # shaded bands for counts above zero


def buckets(counts: dict[str, int]) -> list[int]:
    """Upper bounds of the shaded bands, each a count some state has: the first band ends
    where it splits the states with a count most nearly in half, the second at the top.

    Bounds taken from the counts drawn mean no band is empty, so the legend
    never lists a range that no tile shows or skips one between two it does.
    """
    values = sorted(c for c in counts.values() if c > 0)
    if not values:
        return []
    distinct = sorted(set(values))
    if len(distinct) == 1:
        return distinct
    half = len(values) / 2
    split = min(distinct[:-1], key=lambda t: (abs(sum(1 for v in values if v <= t) - half), t))
    return [split, distinct[-1]]


def shade(count: int, bounds: list[int]) -> int:
    if count <= 0:
        return 0
    for i, upper in enumerate(bounds):
        if count <= upper:
            return i + 1
    return len(bounds)


def drawn(code: str, counts: dict[str, int]) -> bool:
    """Territories appear only when they have a count; every state always does."""
    return code not in TERRITORIES or counts.get(code, 0) > 0


def legend(counts: dict[str, int]) -> list[tuple[int, str]]:
    """(shade, label) of the key under the map: 'none' only when a drawn tile has no count,
    then each band as the range of counts it covers, contiguous from 1."""
    out = [(0, "none")] if any(drawn(c, counts) and counts.get(c, 0) <= 0 for c in GRID) else []
    low = 1
    for i, upper in enumerate(buckets(counts)):
        out.append((i + 1, str(upper) if low == upper else f"{low}–{upper}"))
        low = upper + 1
    return out


def tile_map(counts: dict[str, int], href: Callable[[str], str | None],
             noun: tuple[str, str] = ("member", "members"), map_id: str = "us-map") -> Markup:
    """An inline <svg>: each state a square linked to ``href(code)`` when it has a count.

    Each linked tile's <title> ("Nevada: 3 members") is its tooltip. States
    without a count are drawn muted and are not links, so every link leads to a
    page that exists.
    """
    bounds = buckets(counts)
    width, height = COLUMNS * (TILE + GAP) - GAP, ROWS * (TILE + GAP) - GAP
    parts = [f'<svg class="tilemap" id={quoteattr(map_id)} viewBox="0 0 {width} {height}" '
             'aria-hidden="true">']
    for code, (col, row) in sorted(GRID.items(), key=lambda kv: (kv[1][1], kv[1][0])):
        count = counts.get(code, 0)
        if not drawn(code, counts):
            continue
        x, y = col * (TILE + GAP), row * (TILE + GAP)
        tile = (f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="4"/>'
                f'<text x="{x + TILE // 2}" y="{y + 19}">{code}</text>')
        target = href(code) if count else None
        if target is None:
            parts.append(f'<g class="tile tile-0">{tile}</g>')
            continue
        name = f"{US_STATES[code]}: {count} {noun[0] if count == 1 else noun[1]}"
        parts.append(f'<a href={quoteattr(target)} tabindex="-1" class="tile tile-{shade(count, bounds)}">'
                     f'<title>{escape(name)}</title>{tile}'
                     f'<text class="n" x="{x + TILE // 2}" y="{y + 35}">{count}</text></a>')
    parts.append("</svg>")
    return Markup("".join(parts))
