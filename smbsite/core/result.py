"""What a build or a check found: its problems, and what it made (a module of its own so that a
check answered from the cache, core/check_memo.py, needs none of the stages)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problems import Problem


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)
    graph: Any = None  # the SiteGraph (routes/outputs.py) the build or check made; None when answered from the cache
    files_written: int = 0
    ms: float = 0.0
    out: Path | None = None
    strict: bool = False
    pages: int = 0  # (check) the pages rendered, or found rendered without a mistake before

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors and not (self.strict and self.warnings)
