"""smbsite: the static site generator for member associations of small-business IT providers."""
from .api import Result, UsageError, build, check
from .problems import Problem
from .version import VERSION as __version__

__all__ = ["Problem", "Result", "UsageError", "build", "check"]
