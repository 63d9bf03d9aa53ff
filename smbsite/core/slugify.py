"""Names to slugs ('Zürich Systèmes' -> 'zurich-systemes') and to the initials of a monogram
('Aspen Leaf Consulting' -> 'AL')."""
from __future__ import annotations

import functools
import re
import unicodedata

_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe",
                       "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "þ": "th", "&": " and ", "'": "", "’": ""})
FOLD = {chr(k): v for k, v in _FOLD.items()}  # the same folding, for the "Add your company" form's script
SLUG_MAX = 64


def slugify(text: str, max_length: int = SLUG_MAX) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.translate(_FOLD)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-")


SMALL_WORDS = {"a", "an", "and", "at", "for", "in", "of", "on", "the", "to", "&"}


@functools.lru_cache(maxsize=65536)
def initials(name: str) -> str:
    """Up to three letters for a monogram: a leading acronym (SMB Technology Network -> SMB),
    else the first letters of the first two words that count (Aspen Leaf Consulting -> AL)."""
    text = unicodedata.normalize("NFKD", name)
    words = re.findall(r"[A-Za-z0-9]+", "".join(c for c in text if not unicodedata.combining(c)))
    if not words:
        return "?"
    if 2 <= len(words[0]) <= 3 and words[0].isupper() and words[0].isalpha():
        return words[0]
    counted = [w for w in words if w.lower() not in SMALL_WORDS] or words
    return "".join(w[0] for w in counted[:2]).upper()
