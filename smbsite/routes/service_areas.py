"""Where members work, as the finder, specialty and region pages count it.

A member that works with clients anywhere (`serves: [nationwide]`) is counted in the
state it is based in and nowhere else: shading every state for one remote firm would
tell a visitor in Maine there is someone nearby when there is not. Such members are
named once on each page, as working with clients anywhere.
"""
from __future__ import annotations

from typing import Any

from ..model.fields import NATIONWIDE, US_STATES

TERRITORIES = ("AS", "GU", "MP", "PR", "VI")
DC = "DC"


def region_groups(members: list[Any]) -> list[tuple[str, list[Any]]]:
    """(state code, members based in or serving it by name), by code. `members` comes in
    directory order (A-Z), so each group is in that order too."""
    groups: dict[str, list[Any]] = {}
    for m in members:
        for code in dict.fromkeys([m.state, *m.serves]):
            if code != NATIONWIDE:
                groups.setdefault(code, []).append(m)
    return sorted(groups.items())


def anywhere(members: list[Any]) -> list[Any]:
    """The members that work with clients anywhere, in the order given."""
    return [m for m in members if m.serves_all]


def area_phrase(codes: Any) -> str:
    """How many places the codes are, without ever counting a territory or DC as a state:
    "12 states", "3 states and the District of Columbia", "2 states and Puerto Rico"."""
    codes = set(codes)
    states = len(codes - {DC, *TERRITORIES})
    parts = [f"{states} state{'' if states == 1 else 's'}"] if states else []
    if DC in codes:
        parts.append("the District of Columbia")
    parts += [US_STATES[t] for t in TERRITORIES if t in codes]
    if not parts:
        return "no state"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
