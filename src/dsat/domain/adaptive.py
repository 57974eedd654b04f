"""Adaptive tests: which item comes next, and when a test (or an area of it) may stop.

The next item is a pure function of the attempt's seed, the items shown and the answers
given so far, and the pool snapshot stored when the attempt started (items with their
parameters), so an attempt resumed after a crash continues with exactly the item it would
have shown.

Per area, in framework order: θ is estimated by EAP on the grid after every answer; the
next item is drawn at random among the k most informative at the estimate (randomesque
exposure control), from the competencies still below their minimum when there are any
(content balancing), never an enemy of an item already shown. An area stops when every
competency has its minimum and the standard error reaches the target or the level is
clear (the posterior probability of being proficient is below 5 % or above 95 %), or at
the maximum length. Up to two pretest items (new, unscored) are placed at positions drawn
from the seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from dsat.domain.framework import AdaptiveRules
from dsat.domain.irt import GRID, ItemParams, estimate_from_log, information_many, log_table


@dataclass(frozen=True)
class PoolItem:
    item_id: str
    version: int
    competency_id: str
    area_id: str
    params: ItemParams
    enemies: frozenset[str] = frozenset()
    pretest: bool = False  # a new item: shown to gather data, never scored


@dataclass(frozen=True)
class Given:
    """An item already shown and the score category of its answer (None: no answer yet)."""

    item_id: str
    category: int | None
    pretest: bool = False


@dataclass
class AreaState:
    area_id: str
    administered: list[PoolItem] = field(default_factory=list)
    categories: list[int] = field(default_factory=list)
    theta: float = 0.0
    se: float = 1.0
    p_proficient: float = 0.5


@dataclass(frozen=True)
class Pick:
    item: PoolItem
    area_id: str


def area_estimate(
    items: Sequence[PoolItem], categories: Sequence[int], prior: np.ndarray
) -> tuple[float, float, np.ndarray]:
    log_post = np.log(np.clip(prior, 1e-300, None)).copy()
    for it, cat in zip(items, categories, strict=True):
        log_post += log_table(it.params)[cat]
    est = estimate_from_log(log_post)
    return est.theta, est.se, est.posterior


def _above(weights: np.ndarray, cut: float) -> float:
    from dsat.domain.irt import posterior_above

    return posterior_above(weights, cut, GRID)


def next_item(
    *,
    seed: int,
    pool: Sequence[PoolItem],
    given: Sequence[Given],
    areas: Sequence[str],
    competencies: dict[str, list[str]],  # area -> its competencies in scope
    rules: AdaptiveRules,
    cuts: dict[str, float],  # area -> proficient cut
    priors: dict[str, np.ndarray],  # area -> prior weights on the grid
) -> Pick | None:
    """The next item to show, or None when the test is over."""
    by_id = {p.item_id: p for p in pool}
    shown = [by_id[g.item_id] for g in given if g.item_id in by_id]
    shown_ids = {g.item_id for g in given}
    blocked = set(shown_ids)
    for it in shown:
        blocked |= it.enemies
    blocked |= {p.item_id for p in pool if p.enemies and not p.enemies.isdisjoint(shown_ids)}
    position = len(given)
    rng = random.Random(f"dsat-adaptive:{seed}:{position}")
    # pretest items: at most rules.pretest, at positions drawn from the seed
    pretest_pool = [p for p in pool if p.pretest and p.item_id not in blocked]
    pretest_shown = sum(1 for g in given if g.pretest)
    slots = _pretest_slots(seed, rules)
    if pretest_shown < rules.pretest and position in slots and pretest_pool:
        choice = pretest_pool[rng.randrange(len(pretest_pool))]
        return Pick(choice, choice.area_id)
    scored = [(by_id[g.item_id], g.category) for g in given if not g.pretest and g.item_id in by_id]
    open_by_area: dict[str, list[PoolItem]] = {}  # each area's items still allowed, pool order
    for p in pool:
        if not p.pretest and p.item_id not in blocked:
            open_by_area.setdefault(p.area_id, []).append(p)
    for area in areas:
        items = [it for it, _ in scored if it.area_id == area]
        cats = [c if c is not None else 0 for it, c in scored if it.area_id == area]
        theta, se, post = area_estimate(items, cats, priors[area])
        counts = {c: 0 for c in competencies.get(area, [])}
        for it in items:
            if it.competency_id in counts:
                counts[it.competency_id] += 1
        below = [c for c, n in counts.items() if n < rules.min_per_competency]
        available = open_by_area.get(area, [])
        if not available or len(items) >= rules.max_items:
            continue
        if not below:
            p_prof = _above(post, cuts[area])
            if se <= rules.se_target or _clear(p_prof, rules):
                continue
        candidates = [p for p in available if p.competency_id in below] if below else available
        if not candidates:  # the competencies below their minimum have nothing left
            candidates = available
        infos = information_many([p.params for p in candidates], theta)
        order = np.argsort(-infos, kind="stable")
        best = [candidates[i] for i in order[: rules.randomesque]]
        choice = best[rng.randrange(len(best))]
        return Pick(choice, area)
    return None


def _clear(p_proficient: float, rules: AdaptiveRules) -> bool:
    """Whether the level is clear enough to stop: P(proficient) below `rules.clear` or
    above 1 - `rules.clear` (never when `clear` is 0)."""
    return p_proficient < rules.clear or p_proficient > 1 - rules.clear


def _pretest_slots(seed: int, rules: AdaptiveRules) -> set[int]:
    """Positions (from the 3rd to the 12th) where pretest items go."""
    rng = random.Random(f"dsat-pretest:{seed}")
    return set(rng.sample(range(2, 12), rules.pretest)) if rules.pretest else set()


def area_done(
    items: Sequence[PoolItem],
    categories: Sequence[int],
    competencies: Sequence[str],
    rules: AdaptiveRules,
    cut: float,
    prior: np.ndarray,
) -> bool:
    """Whether an area's stopping rule is met (for reports and tests)."""
    _, se, post = area_estimate(items, categories, prior)
    counts = {c: 0 for c in competencies}
    for it in items:
        if it.competency_id in counts:
            counts[it.competency_id] += 1
    if any(n < rules.min_per_competency for n in counts.values()):
        return len(items) >= rules.max_items
    p = _above(post, cut)
    return se <= rules.se_target or _clear(p, rules) or len(items) >= rules.max_items
