"""Item analysis with Moodle's quiz-statistics definitions (docs/levels.md states each one).

Test statistics, over the attempts of one scope (T: an attempt's total, N attempts):
mean, median, standard deviation S = √(Σ(T−T̄)²/(N−1)), skewness k3/k2^(3/2) and kurtosis
k4/k2² from the unbiased cumulants k2 = N m2/(N−1), k3 = N² m3/((N−1)(N−2)),
k4 = N²((N+1) m4 − 3(N−1) m2²)/((N−1)(N−2)(N−3)) (m_r the r-th central moment), the
coefficient of internal consistency (Cronbach's α over the test's P slots)
CIC = 100 · P/(P−1) · (1 − Σ V(x_p)/V(T)), the error ratio ER = 100 √(1 − CIC/100) and the
standard error of measurement SE = ER/100 · S.

Item statistics, per item version, over the attempts that showed it (x: its score, X its
maximum, R = T − x the rest of the test): facility F = 100 x̄/X; standard deviation
100 √V(x)/X; the random guess score (the expected score of a random answer); the
discrimination index D = 100 r(x, R); the discriminative efficiency
DE = 100 C(x, R)/C_max(x, R), C_max the covariance of x and R sorted alike (the largest
the item's spread allows); the intended and effective weights. Per option: the share who
chose it and the point-biserial correlation of choosing it with R; a distractor chosen by
more of the top 27 % (by R) than the key is flagged.

Fewer than MIN_N responses: said, never computed.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dsat.domain.items import (
    Item,
    MatchingItem,
    MultipleChoiceItem,
    NumericalItem,
    OrderingItem,
    ShortAnswerItem,
    SingleChoiceItem,
    TrueFalseItem,
)
from dsat.domain.scoring import score_fraction

MIN_N = 30
FACILITY_RANGE = (20.0, 90.0)
MIN_DISCRIMINATION = 20.0
TOP_SHARE = 0.27


@dataclass(frozen=True)
class ScoreRow:
    """One scored response: the attempt, its slot (position), the item version, points."""

    attempt_id: str
    position: int
    item: tuple[str, int]
    score: float
    max_score: float
    answer: Any = None


@dataclass
class OptionStat:
    option: str
    text: str
    key: bool
    share: float  # % of responses that chose it
    point_biserial: float | None
    top_share: float  # % of the top group that chose it
    flagged: bool = False


@dataclass
class ItemStat:
    item_id: str
    version: int
    n: int
    too_few: bool
    facility: float | None = None
    sd: float | None = None
    random_guess: float | None = None
    discrimination: float | None = None
    efficiency: float | None = None
    intended_weight: float | None = None
    effective_weight: float | None = None
    options: list[OptionStat] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass
class TestStat:
    attempts: int
    too_few: bool
    mean: float | None = None
    median: float | None = None
    sd: float | None = None
    skewness: float | None = None
    kurtosis: float | None = None
    cic: float | None = None
    error_ratio: float | None = None
    sem: float | None = None
    max_score: float | None = None
    slots: int = 0


def _mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs)


def _var(xs: Sequence[float]) -> float:
    """Sample variance (N − 1)."""
    m = _mean(xs)
    return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)


def _cov(xs: Sequence[float], ys: Sequence[float]) -> float:
    mx, my = _mean(xs), _mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (len(xs) - 1)


def _corr(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    vx, vy = _var(xs), _var(ys)
    if vx <= 0 or vy <= 0:
        return None
    return _cov(xs, ys) / math.sqrt(vx * vy)


def test_statistics(rows: Sequence[ScoreRow], min_n: int = MIN_N) -> TestStat:
    """Moodle's test statistics over the attempts in `rows` (their slots are positions)."""
    totals: dict[str, float] = defaultdict(float)
    maxima: dict[str, float] = defaultdict(float)
    slots: dict[str, dict[int, float]] = defaultdict(dict)
    for r in rows:
        totals[r.attempt_id] += r.score
        maxima[r.attempt_id] += r.max_score
        slots[r.attempt_id][r.position] = r.score
    n = len(totals)
    if n < max(min_n, 4):  # the cumulants need four attempts
        return TestStat(attempts=n, too_few=True)
    t = list(totals.values())
    mean = _mean(t)
    m2 = sum((x - mean) ** 2 for x in t) / n
    m3 = sum((x - mean) ** 3 for x in t) / n
    m4 = sum((x - mean) ** 4 for x in t) / n
    k2 = n * m2 / (n - 1)
    k3 = n * n * m3 / ((n - 1) * (n - 2))
    k4 = n * n * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2) / ((n - 1) * (n - 2) * (n - 3))
    sd = math.sqrt(k2)
    stat = TestStat(
        attempts=n, too_few=False, mean=mean, median=statistics.median(t), sd=sd,
        skewness=k3 / k2**1.5 if k2 > 0 else None, kurtosis=k4 / k2**2 if k2 > 0 else None,
        max_score=max(maxima.values()),
    )  # fmt: skip
    # slots every attempt has (fixed forms of one blueprint)
    common = set.intersection(*(set(s) for s in slots.values()))
    stat.slots = len(common)
    if len(common) >= 2 and k2 > 0:
        p = len(common)
        item_var = sum(_var([slots[a][pos] for a in slots]) for pos in common)
        totals_common = [sum(slots[a][pos] for pos in common) for a in slots]
        vt = _var(totals_common)
        if vt > 0:
            cic = 100 * p / (p - 1) * (1 - item_var / vt)
            stat.cic = cic
            if cic <= 100:
                stat.error_ratio = 100 * math.sqrt(max(0.0, 1 - cic / 100))
                stat.sem = stat.error_ratio / 100 * sd
    return stat


def random_guess(item: Item) -> float | None:
    """The expected score (as % of the item) of a random answer."""
    match item:
        case SingleChoiceItem():
            return 100 / len(item.options)
        case TrueFalseItem():
            return 50.0
        case MultipleChoiceItem():  # each option ticked with probability 1/2
            ids = [o.id for o in item.options]
            masks: int = 2 ** len(ids)
            total = 0.0
            for mask in range(masks):
                picked = [ids[i] for i in range(len(ids)) if mask >> i & 1]
                total += score_fraction(item, picked) if picked else 0.0
            return 100 * total / masks
        case MatchingItem():
            return 100 / len(item.rights())
        case OrderingItem():
            n = len(item.steps)
            if item.scoring == "partial":
                return 100 / n
            return 100 / math.factorial(n) if n <= 9 else 0.0
        case ShortAnswerItem() | NumericalItem():
            return 0.0
    return None


def _option_values(item: Item, answer: Any) -> list[str]:
    """The options an answer chose (single, true/false, multiple); [] for other types."""
    match item:
        case SingleChoiceItem():
            return [answer] if isinstance(answer, str) else []
        case MultipleChoiceItem():
            return list(answer) if isinstance(answer, list) else []
        case TrueFalseItem():
            return ["true" if answer else "false"] if isinstance(answer, bool) else []
    return []


def _options(item: Item) -> list[tuple[str, str, bool]]:
    match item:
        case SingleChoiceItem():
            return [(o.id, o.text.en, o.id == item.key) for o in item.options]
        case MultipleChoiceItem():
            return [(o.id, o.text.en, o.id in item.key) for o in item.options]
        case TrueFalseItem():
            return [("true", "True", item.key is True), ("false", "False", item.key is False)]
    return []


def item_statistics(
    rows: Sequence[ScoreRow], items: dict[tuple[str, int], Item], min_n: int = MIN_N
) -> list[ItemStat]:
    """Moodle's item statistics per item version, with distractor analysis and flags."""
    totals: dict[str, float] = defaultdict(float)
    for r in rows:
        totals[r.attempt_id] += r.score
    by_item: dict[tuple[str, int], list[ScoreRow]] = defaultdict(list)
    for r in rows:
        by_item[r.item].append(r)
    test_max = _mean_max(rows)
    covs: dict[tuple[str, int], float] = {}
    out: list[ItemStat] = []
    for key, rs in sorted(by_item.items()):
        item = items.get(key)
        stat = ItemStat(key[0], key[1], len(rs), len(rs) < max(min_n, 2))
        if item is not None:
            stat.random_guess = random_guess(item)
        if stat.too_few:
            stat.flags.append(f"too few responses ({len(rs)} < {min_n}): not computed")
            out.append(stat)
            continue
        mx = max(r.max_score for r in rs) or 1.0
        x = [r.score for r in rs]
        rest = [totals[r.attempt_id] - r.score for r in rs]
        tot = [totals[r.attempt_id] for r in rs]
        stat.facility = 100 * _mean(x) / mx
        stat.sd = 100 * math.sqrt(_var(x)) / mx
        stat.intended_weight = 100 * mx / test_max if test_max else None
        corr = _corr(x, rest)
        stat.discrimination = None if corr is None else 100 * corr
        if corr is not None:
            c = _cov(x, rest)
            cmax = _cov(sorted(x), sorted(rest))
            stat.efficiency = 100 * c / cmax if cmax > 0 else None
        covs[key] = _cov(x, tot) if _var(x) > 0 else 0.0
        if stat.facility < FACILITY_RANGE[0]:
            stat.flags.append(f"facility {stat.facility:.0f}% < {FACILITY_RANGE[0]:.0f}%: hard")
        if stat.facility > FACILITY_RANGE[1]:
            stat.flags.append(f"facility {stat.facility:.0f}% > {FACILITY_RANGE[1]:.0f}%: easy")
        if stat.discrimination is None:
            stat.flags.append("no variance: everyone scored the same")
        elif stat.discrimination < MIN_DISCRIMINATION:
            stat.flags.append(
                f"discrimination {stat.discrimination:.0f}% < {MIN_DISCRIMINATION:.0f}%"
            )
        if item is not None:
            stat.options = _distractors(item, rs, rest)
            for o in stat.options:
                if o.flagged:
                    stat.flags.append(
                        f"option {o.option} is chosen by more of the top group than the key"
                    )
        out.append(stat)
    positive = {k: math.sqrt(c) for k, c in covs.items() if c > 0}
    total_sqrt = sum(positive.values())
    for stat in out:
        k = (stat.item_id, stat.version)
        if k in positive and total_sqrt > 0:
            stat.effective_weight = 100 * positive[k] / total_sqrt
    return out


def _mean_max(rows: Sequence[ScoreRow]) -> float:
    maxima: dict[str, float] = defaultdict(float)
    for r in rows:
        maxima[r.attempt_id] += r.max_score
    return _mean(list(maxima.values())) if maxima else 0.0


def _distractors(item: Item, rs: Sequence[ScoreRow], rest: Sequence[float]) -> list[OptionStat]:
    options = _options(item)
    if not options:
        return []
    chosen = [set(_option_values(item, r.answer)) for r in rs]
    order = sorted(range(len(rs)), key=lambda i: -rest[i])
    top = order[: max(1, round(TOP_SHARE * len(rs)))]
    out = []
    for oid, text, is_key in options:
        picked = [1.0 if oid in c else 0.0 for c in chosen]
        share = 100 * _mean(picked)
        top_share = 100 * _mean([picked[i] for i in top])
        out.append(OptionStat(oid, text, is_key, share, _corr(picked, list(rest)), top_share))
    keys = [o for o in out if o.key]
    key_top = max((o.top_share for o in keys), default=0.0)
    for o in out:
        if not o.key and o.top_share > key_top and o.share > 0:
            o.flagged = True
    return out
