"""Form assembly: draw items stratified by stage, shuffle what may be shuffled, from a seed.

The same framework, items and seed always give the same form, so a form can be rebuilt.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from dsat.domain.framework import Blueprint, Framework
from dsat.domain.items import (
    Item,
    MatchingItem,
    MultipleChoiceItem,
    OrderingItem,
    SingleChoiceItem,
)


@dataclass(frozen=True)
class VersionedItem:
    item: Item
    version: int


@dataclass(frozen=True)
class FormEntry:
    item_id: str
    version: int
    competency_id: str
    order: tuple[int, ...] | None  # presentation order of options / rights / steps
    pretest: bool = False
    variant: int | None = None


class FormError(ValueError):
    """No form can be drawn (no items for the competencies asked for)."""


def _presentation_order(item: Item, rng: random.Random) -> tuple[int, ...] | None:
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


def enemy_map(items: Sequence[VersionedItem]) -> dict[str, set[str]]:
    """Enemies both ways: an item that names another is that item's enemy too."""
    out: dict[str, set[str]] = {}
    for vi in items:
        for other in vi.item.enemies:
            out.setdefault(vi.item.id, set()).add(other)
            out.setdefault(other, set()).add(vi.item.id)
    return out


def _draw(
    pool: list[VersionedItem],
    n: int,
    rng: random.Random,
    blocked: set[str],
    enemies: dict[str, set[str]],
) -> list[VersionedItem]:
    """Up to n items of the pool, none blocked and no two enemies; blocks what it draws."""
    order = rng.sample(pool, len(pool))
    out: list[VersionedItem] = []
    for vi in order:
        if len(out) == n:
            break
        if vi.item.id in blocked:
            continue
        out.append(vi)
        blocked.add(vi.item.id)
        blocked |= enemies.get(vi.item.id, set())
    return out


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
    enemies = enemy_map(items)
    blocked: set[str] = set()
    entries: list[FormEntry] = []
    for comp in competencies:
        pool = pools[comp]
        ratings = [v for v in pool if v.item.type == "self_rating"]
        scored = [v for v in pool if v.item.type != "self_rating"]
        chosen = _draw(ratings, blueprint.self_rating, rng, blocked, enemies)
        drawn: list[VersionedItem] = []
        for stage_id, count in blueprint.per_stage.items():
            stage_pool = [v for v in scored if framework.stage_of_level(v.item.level) == stage_id]
            drawn += _draw(stage_pool, count, rng, blocked, enemies)
        shortfall = sum(blueprint.per_stage.values()) - len(drawn)
        if shortfall > 0:
            drawn += _draw(scored, shortfall, rng, blocked, enemies)
        drawn.sort(key=lambda v: (v.item.level, v.item.id))
        for vi in chosen + drawn:
            entries.append(entry_for(vi, comp, rng))
    if not entries:
        raise FormError("the bank has no items for " + ", ".join(competencies))
    return entries


def entry_for(vi: VersionedItem, competency: str, rng: random.Random) -> FormEntry:
    """A form entry: the item version, its presentation order and its variant seed."""
    variant = rng.randrange(2**31) if getattr(vi.item, "template", None) else None
    return FormEntry(
        vi.item.id, vi.version, competency, _presentation_order(vi.item, rng), variant=variant
    )


def time_limit_seconds(blueprint: Blueprint, n_items: int) -> int:
    return blueprint.seconds_per_item * n_items
