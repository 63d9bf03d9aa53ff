"""Names to slugs: 'Zürich Systèmes' -> 'zurich-systemes'."""
from __future__ import annotations

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
