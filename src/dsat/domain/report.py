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


# --- measurement error: plausible values -------------------------------------------------
PV_DRAWS = 20  # plausible values per person (PISA publishes 10; more draws, less noise)
Z95 = 1.959963984540054


@dataclass(frozen=True)
class PosteriorShare:
    """A share estimated with each person's measurement error (Rubin's rules)."""

    percent: float  # mean over draws of the share proficient
    se: float  # total standard error, percentage points
    low: float
    high: float
    measurement_se: float  # the part from measurement error alone, percentage points


def rubin_share(
    counts: Sequence[float], n: int, z: float = Z95, expected: float | None = None
) -> PosteriorShare | None:
    """Combine the share proficient of each plausible-value draw (`counts` proficient among
    `n` people per draw) with the sampling variance, by Rubin's rules:
    T = W + (1 + 1/M) B, W the mean sampling variance p(1-p)/n, B the variance between
    draws. The estimate is `expected` / n when the exact expected count (the sum of the
    people's probabilities) is given, else the mean of the draws; the interval is the
    estimate ± z √T, within [0, 100]."""
    if n <= 0 or not counts:
        return None
    m = len(counts)
    shares = [c / n for c in counts]
    drawn = sum(shares) / m
    mean = expected / n if expected is not None else drawn
    within = sum(s * (1 - s) / n for s in shares) / m
    between = sum((s - drawn) ** 2 for s in shares) / (m - 1) if m > 1 else 0.0
    total = within + (1 + 1 / m) * between
    se = math.sqrt(max(total, 0.0))
    return PosteriorShare(
        percent=100 * mean,
        se=100 * se,
        low=100 * max(0.0, mean - z * se),
        high=100 * min(1.0, mean + z * se),
        measurement_se=100 * math.sqrt((1 + 1 / m) * between),
    )


def at_least(probabilities: Sequence[float], k: int) -> float:
    """P(at least k of independent events happen), the events' probabilities given."""
    dist = [1.0]
    for p in probabilities:
        nxt = [0.0] * (len(dist) + 1)
        for j, q in enumerate(dist):
            nxt[j] += q * (1 - p)
            nxt[j + 1] += q * p
        dist = nxt
    return sum(dist[k:])
