"""Site search: a Pagefind index of the built pages, written into OUT/pagefind/.

Pagefind (the `pagefind[bin]` package ships its binary; nothing is downloaded)
reads the HTML in the staging folder after rendering and before the swap, so a
published site never has pages without their index. It indexes the part of a
page marked data-pagefind-body (base.html marks <main> of member, vendor, event,
article, radio and standalone pages); listings, navigation and footers are left out.
"""
from __future__ import annotations

from pathlib import Path

INDEX_DIR = "pagefind"


class SearchIndexError(Exception):
    """Pagefind could not be run or failed."""


def executable() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError:  # pragma: no cover - a dependency of smbsite
        raise SearchIndexError("search: true needs Pagefind: pip install 'pagefind[bin]'") from None
    try:
        return Path(get_executable())
    except FileNotFoundError as exc:  # pragma: no cover - a broken install
        raise SearchIndexError(f"the Pagefind binary is missing ({exc}): pip install --force-reinstall "
                               "'pagefind[bin]'") from None


def build_index(site_dir: Path) -> None:
    """Write SITE_DIR/pagefind/ from the HTML files under SITE_DIR."""
    import subprocess  # here: check imports this module and runs no index
    cmd = [str(executable()), "--site", str(site_dir), "--output-subdir", INDEX_DIR, "--silent"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    except OSError as exc:
        raise SearchIndexError(f"could not run Pagefind: {exc}") from None
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip()
        raise SearchIndexError(f"Pagefind failed (exit {proc.returncode}): {detail}")
