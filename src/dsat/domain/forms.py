"""Form assembly: draw items stratified by stage, shuffle what may be shuffled, from a seed.

The same framework, items and seed always give the same form, so a form can be rebuilt.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dsat.domain.framework import Blueprint, Framework
from dsat.domain.items import (
    MatchingItem,
    MultipleChoiceItem,
    OrderingItem,
    SingleChoiceItem,
)


@dataclass(frozen=True)
class VersionedItem:
    item: Any
    version: int


@dataclass(frozen=True)
class FormEntry:
    item_id: str
    version: int
    competency_id: str
    order: tuple[int, ...] | None  # presentation order of options / rights / steps


class FormError(ValueError):
    """No form can be drawn (no items for the competencies asked for)."""


def _presentation_order(item: Any, rng: random.Random) -> tuple[int, ...] | None:
    match item:
        case SingleChoiceItem() | MultipleChoiceItem():
            order = list(range(len(item.options)))
            if item.shuffle:
                rng.shuffle(order)
            return tuple(order)
        case MatchingItem():
            order = list(range(len(item.rights())))
            rng.shuffle(order)
            return tuple(order)
        case OrderingItem():
            order = list(range(len(item.steps)))
            rng.shuffle(order)
            if order == sorted(order):  # never show the answer as the starting order
                order = order[1:] + order[:1]
            return tuple(order)
    return None


def _draw(pool: list[VersionedItem], n: int, rng: random.Random) -> list[VersionedItem]:
    return rng.sample(pool, n) if n < len(pool) else list(pool)


def assemble_form(
    framework: Framework,
    items: Sequence[VersionedItem],
    competencies: Sequence[str],
    blueprint: Blueprint,
    seed: int,
) -> list[FormEntry]:
    """For each competency: self-rating items first, then items by stage, easiest first.

    A stage with too few items gives what it has and the shortfall is drawn from the
    competency's other items, so a form has the blueprint's length whenever the bank can.
    """
    rng = random.Random(seed)
    pools: dict[str, list[VersionedItem]] = {c: [] for c in competencies}
    for vi in sorted(items, key=lambda v: v.item.id):
        if vi.item.competency in pools:
            pools[vi.item.competency].append(vi)
    entries: list[FormEntry] = []
    for comp in competencies:
        pool = pools[comp]
        ratings = [v for v in pool if v.item.type == "self_rating"]
        scored = [v for v in pool if v.item.type != "self_rating"]
        chosen = _draw(ratings, blueprint.self_rating, rng)
        drawn: list[VersionedItem] = []
        for stage_id, count in blueprint.per_stage.items():
            stage_pool = [v for v in scored if framework.stage_of_level(v.item.level) == stage_id]
            drawn += _draw(stage_pool, count, rng)
        shortfall = sum(blueprint.per_stage.values()) - len(drawn)
        if shortfall > 0:
            rest = [v for v in scored if v not in drawn]
            drawn += _draw(rest, shortfall, rng)
        drawn.sort(key=lambda v: (v.item.level, v.item.id))
        for vi in chosen + drawn:
            entries.append(
                FormEntry(vi.item.id, vi.version, comp, _presentation_order(vi.item, rng))
            )
    if not entries:
        raise FormError("the bank has no items for " + ", ".join(competencies))
    return entries


def time_limit_seconds(blueprint: Blueprint, n_items: int) -> int:
    return blueprint.seconds_per_item * n_items
