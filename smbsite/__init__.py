"""smbsite: the static site generator for member associations of small-business IT providers."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import Result, UsageError, build, check
    from .core.problems import Problem

__all__ = ["Problem", "Result", "UsageError", "build", "check"]

# The library's face is imported when first asked for (PEP 562): `smbsite --help` and the
# other commands that read no site need not pay for pydantic, Jinja and markdown-it, nor
# for reading the installed package's metadata (the version).
_FACE = {"Result": (".api", "Result"), "UsageError": (".core.problems", "UsageError"), "build": (".api", "build"),
         "check": (".api", "check"), "Problem": (".core.problems", "Problem"), "__version__": (".core.version", "VERSION")}


def __getattr__(name: str) -> Any:
    if name not in _FACE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module
    module, attr = _FACE[name]
    value = getattr(import_module(module, __name__), attr)
    globals()[name] = value  # asked once, then an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_FACE])
