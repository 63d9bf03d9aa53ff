"""smbsite: the static site generator for member associations of small-business IT providers."""
from .api import Result, UsageError, build, check
from .problems import Problem

__all__ = ["Problem", "Result", "UsageError", "build", "check"]
__version__ = "0.1.0"
