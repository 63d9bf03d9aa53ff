"""CPU cost of one link-preview card: drawn and encoded as a build makes it (the cache job's
make()), over many event and article titles of one site, in one process.

    python3 benchmarks/cards.py                 # 200 cards, monogram header
    python3 benchmarks/cards.py --cards 500 --logo path/to/logo.png --profile

Prints milliseconds of CPU (time.process_time) per card and the mean PNG size. The site's
shared background is drawn once per process, as in a build; the first card pays for it and
for loading the fonts, so it is timed apart. Run it against another checkout with
PYTHONPATH=that/checkout to compare.
"""
from __future__ import annotations

import argparse
import cProfile
import hashlib
import pstats
import random
import sys
import time
from pathlib import Path

from smbsite.images import drawing, imaging

WORDS = ("Annual", "conference", "members", "cabling", "webinar", "security", "Microsoft", "CRM", "partners",
         "training", "radio", "show", "spring", "meetup", "vendors", "discounts", "small", "business", "networks",
         "backups", "wireless", "field", "day", "Buena", "Park", "Fresno", "Yakima", "update", "2027")


def specs(count: int, logo: imaging.LogoFile | None) -> list[drawing.CardSpec]:
    rng = random.Random(7)
    out = []
    for i in range(count):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 14)))
        kind = rng.choice(("News · March 3, 2027", "Conference · March 30 - April 1, 2027 · Buena Park, CA",
                           "Webinar · May 4, 2027 · Online", "Radio show · June 1, 2027"))
        out.append(drawing.CardSpec(title=f"{title} {i}", kind=kind, site_title="SMB Technology Network",
                                    footer="smbtn.github.io/site", brand="#1a4d80", initials="SMB", logo=logo))
    return out


def logo_file(path: Path) -> imaging.LogoFile:
    raw = path.read_bytes()
    w, h = imaging.probe(raw, path.suffix.lower())
    return imaging.LogoFile(path, path.name, hashlib.sha256(raw).hexdigest(), False, w, h, ("site.yaml", 1, 1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cards", type=int, default=200)
    ap.add_argument("--logo", type=Path, help="a raster site logo for the cards' header (default: the monogram)")
    ap.add_argument("--profile", action="store_true", help="print the 15 costliest functions")
    args = ap.parse_args()
    cards = specs(args.cards + 1, logo_file(args.logo) if args.logo else None)
    started = time.process_time()
    first = drawing.card_job(cards[0]).make()[0]
    first_ms = (time.process_time() - started) * 1000
    profile = cProfile.Profile() if args.profile else None
    sizes = []
    started = time.process_time()
    if profile:
        profile.enable()
    for spec in cards[1:]:
        sizes.append(len(drawing.card_job(spec).make()[0]))
    if profile:
        profile.disable()
    per_card = (time.process_time() - started) * 1000 / args.cards
    print(f"{args.cards} cards: {per_card:.2f} ms CPU per card, mean PNG {sum(sizes) / len(sizes) / 1024:.1f} KB "
          f"(first card, with the shared background and fonts: {first_ms:.0f} ms, {len(first) / 1024:.1f} KB)")
    if profile:
        pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
