"""Regenerate docs/screenshots/*.png: the bundled site's home, partner finder, a member
page and the conference page, at desktop (1280 px) and phone (390 px) widths.

    python scripts/screenshots.py [--out docs/screenshots] [--as-of 2026-11-26]

Builds the site in this repository into a temporary folder, serves it on
127.0.0.1 (a free port) and photographs each page with headless Chromium
through Playwright (Debian's /usr/bin/chromium, or $SMBSITE_CHROMIUM).
"""
from __future__ import annotations

import argparse
import functools
import os
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from smbsite import api  # noqa: E402

PAGES = {  # file name stem -> site path
    "home": "/",
    "finder": "/partners/",
    "member": "/members/coastline-cabling-co/",
    "conference": "/events/smbtn-conference-2027/",
}
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--as-of", help="build date (default: today)")
    parser.add_argument("--chromium", default=os.environ.get("SMBSITE_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        result = api.build(REPO, site, as_of=args.as_of)
        if not result.ok:
            for p in result.problems:
                print(p.text(), file=sys.stderr)
            return 1
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        args.out.mkdir(parents=True, exist_ok=True)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
                for label, (width, height) in WIDTHS.items():
                    context = browser.new_context(viewport={"width": width, "height": height},
                                                  device_scale_factor=1, color_scheme="light",
                                                  is_mobile=width < 600, has_touch=width < 600)
                    page = context.new_page()
                    for name, path in PAGES.items():
                        page.goto(origin + path, wait_until="networkidle")
                        target = args.out / f"{name}-{label}.png"
                        page.screenshot(path=str(target))
                        print(f"wrote {target.relative_to(REPO) if target.is_relative_to(REPO) else target}")
                    context.close()
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
