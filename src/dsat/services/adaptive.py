"""The adaptive test's pool: chosen when the attempt starts, stored with it, read again.

At the start: every active scored item of the scope, without the items over the exposure
cap and (where the pool allows) without the items this person saw in the past months, with
the parameters in force (the last parameter row is stored with the attempt). New items of
an area that has been calibrated are marked pretest. The pool's keys are stored as JSON on
the attempt, so the next item can always be computed again from the same snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from dsat.domain.adaptive import Given, Pick, PoolItem, next_item
from dsat.domain.attempts import Response
from dsat.domain.framework import AdaptiveRules, Framework
from dsat.domain.irt import ItemParams, category, category_in, normal_prior
from dsat.domain.measure import proficient_cut
from dsat.domain.scoring import score_fraction
from dsat.domain.tasks import concrete
from dsat.store import Store
from dsat.store.measurement import ParamRow

MIN_EXPOSURE_BASE = 50  # finished tests before the exposure cap applies
PRETEST_ENOUGH = 400  # responses gathered after which an item is no longer pretested


@dataclass(frozen=True)
class Snapshot:
    pool: list[PoolItem]
    params_upto: int
    areas: list[str]
    competencies: dict[str, list[str]]
    rules: AdaptiveRules


def params_of(row: ParamRow) -> ItemParams:
    return ItemParams(row.a, row.b, row.steps)


def build_pool(
    store: Store,
    fw: Framework,
    comps: Sequence[str],
    rules: AdaptiveRules,
    employee_id: str,
    now: datetime,
) -> tuple[list[list[object]], int]:
    """(pool keys [[item_id, version, pretest], ...], params_upto) for a new attempt."""
    upto = store.measurement.head()
    items = store.items.active(comps, self_ratings=False)
    params = store.measurement.current([(v.item.id, v.version) for v in items], upto)
    shown, finished = store.attempts.exposure()
    if finished >= MIN_EXPOSURE_BASE:
        capped = {k for k, n in shown.items() if n / finished > rules.exposure_cap}
        items = [v for v in items if (v.item.id, v.version) not in capped] or items
    if rules.avoid_seen_days:
        seen = store.attempts.seen_since(employee_id, now - timedelta(days=rules.avoid_seen_days))
        fresh = [v for v in items if v.item.id not in seen]
        per_comp = {c: sum(1 for v in fresh if v.item.competency == c) for c in comps}
        if all(n >= max(2 * rules.min_per_competency, 3) for n in per_comp.values()):
            items = fresh
    area_of = {c.id: a.id for a in fw.areas for c in a.competencies}
    calibrated_areas = {
        area_of.get(v.item.competency)
        for v in items
        if (row := params.get((v.item.id, v.version))) and row.source == "calibrated"
    }
    gathered = store.measurement.pretest_counts()
    keys: list[list[object]] = []
    for v in items:
        row = params.get((v.item.id, v.version))
        new = (
            row is not None and row.source == "prior"
            and area_of.get(v.item.competency) in calibrated_areas
            and gathered.get((v.item.id, v.version), 0) < PRETEST_ENOUGH
        )  # fmt: skip
        keys.append([v.item.id, v.version, int(new)])
    return keys, upto


def snapshot(
    store: Store, fw: Framework, keys: Sequence[Sequence[object]], upto: int,
    comps: Sequence[str], rules: AdaptiveRules,
) -> Snapshot:  # fmt: skip
    """The pool of an attempt, rebuilt from its stored keys and parameter row."""
    pairs = [(str(k[0]), int(str(k[1]))) for k in keys]
    versions = store.items.versions(pairs)
    params = store.measurement.current(pairs, upto)
    area_of = {c.id: a.id for a in fw.areas for c in a.competencies}
    pool = []
    for k in keys:
        key = (str(k[0]), int(str(k[1])))
        item, row = versions.get(key), params.get(key)
        if item is None or row is None:
            continue
        pool.append(
            PoolItem(
                key[0], key[1], item.competency, area_of.get(item.competency, ""),
                params_of(row), frozenset(item.enemies), bool(k[2]),
            )
        )  # fmt: skip
    areas = list(dict.fromkeys(area_of[c] for c in comps if c in area_of))
    by_area = {a: [c for c in comps if area_of.get(c) == a] for a in areas}
    return Snapshot(pool, upto, areas, by_area, rules)


def choose_next(
    store: Store, fw: Framework, snap: Snapshot, seed: int, given: Sequence[Given]
) -> Pick | None:
    populations = store.measurement.populations(snap.params_upto)
    priors = {a: normal_prior(*populations.get(a, (0.0, 1.0))) for a in snap.areas}
    cuts = {a: proficient_cut(fw, a) for a in snap.areas}
    return next_item(
        seed=seed, pool=snap.pool, given=given, areas=snap.areas,
        competencies=snap.competencies, rules=snap.rules, cuts=cuts, priors=priors,
    )  # fmt: skip


def given_of(store: Store, snap: Snapshot, responses: Sequence[Response]) -> list[Given]:
    """What was shown and answered, as the selection sees it (no answer: category 0)."""
    by_key = {(p.item_id, p.version): p for p in snap.pool}
    items = store.items.versions([(r.item_id, r.item_version) for r in responses])
    out = []
    for r in responses:
        item = items.get((r.item_id, r.item_version))
        pool_item = by_key.get((r.item_id, r.item_version))
        if item is None or not item.scored:
            continue
        fraction = score_fraction(concrete(item, r.variant), r.answer)
        cat = category_in(fraction, pool_item.params) if pool_item else category(fraction, 1)
        out.append(Given(r.item_id, cat, r.pretest))
    return out
