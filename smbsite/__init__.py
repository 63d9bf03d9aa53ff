"""smbsite: the static site generator for member associations of small-business IT providers."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import Result, UsageError, build, check
    from .problems import Problem

__all__ = ["Problem", "Result", "UsageError", "build", "check"]
__version__ = "0.1.0"

# The library's face is imported when first asked for (PEP 562): `smbsite --help` and the
# other commands that read no site need not pay for pydantic, Jinja and markdown-it.
_FACE = {"Result": ".api", "UsageError": ".problems", "build": ".api", "check": ".api", "Problem": ".problems"}


def __getattr__(name: str) -> Any:
    if name not in _FACE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module
    value = getattr(import_module(_FACE[name], __name__), name)
    globals()[name] = value  # asked once, then an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_FACE])
