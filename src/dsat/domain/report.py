"""The share of people reaching proficiency: intervals, targets and small-cell protection.

Pure functions over counts; the store computes the counts and the services assemble them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# The national programme's targets: share of people with basic digital skills.
TARGETS = {"2025": 70.0, "2030": 90.0}
ALL = "(all)"  # the group value of a total row


def wilson(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval for a proportion, in percent; (0, 0) when n is 0."""
    if n <= 0:
        return 0.0, 0.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


@dataclass
class ShareRow:
    """One group: `key` holds the group's value per dimension (ALL in a total row)."""

    key: tuple[str, ...]
    registered: int
    assessed: int
    proficient: int
    suppressed: bool = False
    reason: str = ""  # "primary" or "secondary"
    change: float | None = None  # percentage points since the previous period
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def participation(self) -> float | None:
        return 100 * self.assessed / self.registered if self.registered else None

    @property
    def percent(self) -> float | None:
        return 100 * self.proficient / self.assessed if self.assessed else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.proficient, self.assessed) if self.assessed else None

    def gap(self, target: float) -> float | None:
        """Percentage points still missing to the target (0 when reached)."""
        pct = self.percent
        return None if pct is None else max(0.0, target - pct)


def suppress(
    rows: Sequence[ShareRow], dims: Sequence[str], additive: Iterable[str], k: int
) -> None:
    """Hide small groups and whatever would let them be recomputed.

    Primary: a group of fewer than k registered or assessed people (but not an empty one).
    Secondary: along each additive dimension (people are in exactly one province, unit and
    position), the rows that sum to a published total are a set; a set with exactly one
    hidden row, while its total is shown, also hides its smallest shown row, so that no
    hidden row equals the total minus the rest. Repeated until nothing changes, because a
    row belongs to one set per additive dimension.
    """
    for r in rows:
        if 0 < r.registered < k or 0 < r.assessed < k:
            r.suppressed, r.reason = True, "primary"
    sets: list[tuple[ShareRow | None, list[ShareRow]]] = []
    index = {r.key: r for r in rows}
    for d in additive:
        if d not in dims:
            continue
        i = list(dims).index(d)
        groups: dict[tuple[str, ...], list[ShareRow]] = defaultdict(list)
        for r in rows:
            if r.key[i] != ALL:
                groups[(*r.key[:i], ALL, *r.key[i + 1 :])].append(r)
        sets += [(index.get(total), members) for total, members in groups.items()]
    changed = True
    while changed:
        changed = False
        for total, members in sets:
            if total is not None and total.suppressed:
                continue
            hidden = [m for m in members if m.suppressed]
            shown = [m for m in members if not m.suppressed]
            if len(hidden) == 1 and shown:
                pick = min(shown, key=lambda m: (m.assessed, m.registered, m.key))
                pick.suppressed, pick.reason = True, "secondary"
                changed = True
            elif len(hidden) == 1 and total is not None:  # the total is that one row
                total.suppressed, total.reason = True, "secondary"
                changed = True
