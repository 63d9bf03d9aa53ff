"""How many processes render (by core/forking.py's policy, which also forks them), and when the
cyclic garbage collector is kept out of the way.

Both are speed only: a build writes the same bytes with one process or eight,
with the collector on or off.
"""
from __future__ import annotations

import contextlib
import gc
from typing import Any

from ..core.forking import jobs_for

RENDER_MS = 0.4  # rendering one output, about: what core/forking.py's policy weighs


def render_jobs(n_outputs: int) -> int:
    """Processes to render n_outputs in (core/forking.py's one policy)."""
    return jobs_for(n_outputs, RENDER_MS)


@contextlib.contextmanager
def no_gc(freeze: bool = False) -> Any:
    """The cyclic collector scans every new object while the model is built, which
    costs up to a third of load time and frees nothing: the model lives on. With
    freeze, what was built is moved out of its sight before it is switched back on
    (else its first pass walks the whole model: 0.2 s at 10,000 members)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


def collector_off() -> None:
    """For a short-lived process that renders: rendering makes no reference cycles worth a pass."""
    gc.disable()
