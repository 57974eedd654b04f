"""Item analysis and calibration for trainers: `dsat bank stats` and `dsat bank calibrate`.

Item statistics follow Moodle's quiz statistics (domain/item_stats.py) over the finished
attempts of one scope. Calibration estimates each area's item parameters by marginal
maximum likelihood (domain/calibration.py) from every scored answer to the area's items,
keeps the items calibrated before fixed as anchors, and adds new parameter rows (never
overwriting): items with too few responses are named and get nothing.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from typing import Any

from dsat.domain.framework import Framework
from dsat.domain.irt import category, prior_params
from dsat.domain.item_stats import ItemStat, ScoreRow, TestStat, item_statistics, test_statistics
from dsat.domain.items import Item
from dsat.domain.scoring import score_fraction
from dsat.domain.tasks import concrete
from dsat.services.clock import Clock, system_clock
from dsat.services.errors import ServiceError
from dsat.store import Store
from dsat.store.base import now_iso

MIN_CALIBRATION_N = 200


@dataclass
class StatsReport:
    scope: str
    attempts: int
    test: TestStat
    items: list[tuple[Item, ItemStat]]
    simulated_included: bool
    note: str = ""


def _scope(fw: Framework, scope: str) -> tuple[list[str], tuple[str, str] | None, str]:
    """(competencies, the attempts' (kind, id) or None for all, label)."""
    if scope == "all":
        return fw.competency_ids(), None, "every test"
    if scope == "full":
        return fw.competency_ids(), ("full", "all"), "the full assessment"
    if (area := fw.area(scope)) is not None:
        return [c.id for c in area.competencies], ("area", area.id), f"area {area.id} tests"
    if fw.competency(scope) is not None:
        return [scope], ("competency", scope), f"competency {scope} tests"
    raise ServiceError("error.stats_scope", scope=scope)


def statistics(
    store: Store, fw: Framework, scope: str = "all", *, pick: str = "all",
    include_simulated: bool = False,
) -> StatsReport:  # fmt: skip
    """Moodle's test and item statistics for the attempts of a scope."""
    comps, attempt_scope, label = _scope(fw, scope)
    rows = store.measurement.scored(
        comps, scope=attempt_scope, include_simulated=include_simulated, pick=pick
    )
    if not rows:
        if not store.items.active(comps):
            raise ServiceError("error.stats_no_items", scope=scope)
        raise ServiceError("error.stats_no_attempts", scope=scope)
    keys = {(r.item_id, r.version) for r in rows}
    items = store.items.versions(keys)
    scores = [
        ScoreRow(r.attempt_id, r.position, (r.item_id, r.version), r.score, r.max_score, r.answer)
        for r in rows
    ]
    test = (
        test_statistics(scores) if attempt_scope is not None else TestStat(0, True)
    )  # mixed tests: no one test to describe
    stats = item_statistics(scores, items)
    note = "" if attempt_scope is not None else "every test: test statistics need one scope"
    attempts = len({r.attempt_id for r in rows})
    return StatsReport(
        label, attempts, test, [(items[(s.item_id, s.version)], s) for s in stats],
        include_simulated, note,
    )  # fmt: skip


@dataclass
class CalibratedItem:
    item_id: str
    version: int
    n: int
    status: str  # "calibrated", "anchor" or "too few"
    a: float | None = None
    b: float | None = None
    steps: tuple[float, ...] | None = None
    se_a: float | None = None
    se_b: float | None = None
    infit: float | None = None
    outfit: float | None = None
    flags: list[str] = field(default_factory=list)


@dataclass
class AreaCalibration:
    area_id: str
    persons: int
    mean: float
    sd: float
    converged: bool
    iterations: int
    items: list[CalibratedItem]
    saved: bool = False
    calibration_id: int | None = None


def calibrate(
    store: Store,
    fw: Framework,
    *,
    area: str | None = None,
    include_simulated: bool = False,
    min_n: int = MIN_CALIBRATION_N,
    save: bool = True,
    by: str | None = None,
    clock: Clock = system_clock,
) -> list[AreaCalibration]:
    """Calibrate the areas (one, or every area with enough data); save new parameter rows."""
    import numpy as np

    from dsat.domain.calibration import StartParams
    from dsat.domain.calibration import calibrate as run

    areas = [fw.area(area)] if area else list(fw.areas)
    if area and areas[0] is None:
        raise ServiceError("error.scope", scope=area)
    out: list[AreaCalibration] = []
    for a in areas:
        assert a is not None
        comps = [c.id for c in a.competencies]
        rows = store.measurement.scored(
            comps, include_simulated=include_simulated, include_pretest=True
        )
        if not rows:
            continue
        keys = sorted({(r.item_id, r.version) for r in rows})
        items = store.items.versions(keys)
        counts: dict[tuple[str, int], int] = {}
        for r in rows:
            counts[(r.item_id, r.version)] = counts.get((r.item_id, r.version), 0) + 1
        current = store.measurement.current(keys)
        usable = [k for k in keys if counts[k] >= min_n and items[k].scored]
        too_few = [k for k in keys if k not in usable and items[k].scored]
        result = AreaCalibration(a.id, 0, 0.0, 1.0, False, 0, [])
        result.items += [
            CalibratedItem(k[0], k[1], counts[k], "too few",
                           flags=[f"{counts[k]} responses, fewer than {min_n}: not calibrated"])
            for k in too_few
        ]  # fmt: skip
        if not usable:
            out.append(result)
            continue
        col = {k: j for j, k in enumerate(usable)}
        # anchors keep the parameters (and step count) accepted before; every other item
        # starts from its prior, with the step count of the item's model as it is now
        starts = []
        for k in usable:
            row = current.get(k)
            if row is not None and row.source == "calibrated":
                t = (row.b + np.array(row.steps)) if row.steps else np.array([row.b])
                starts.append(StartParams(row.a, tuple(float(v) for v in t), fixed=True))
            else:
                p = prior_params(items[k], fw.scale)
                starts.append(StartParams(p.a, tuple(float(v) for v in p.thresholds())))
        patterns = sorted({r.attempt_id for r in rows})
        row_of = {p: i for i, p in enumerate(patterns)}
        x = np.full((len(patterns), len(usable)), -1, dtype=int)
        for r in rows:
            k = (r.item_id, r.version)
            if k not in col:
                continue
            fraction = score_fraction(concrete(items[k], r.variant), r.answer)
            steps = len(starts[col[k]].thresholds)
            x[row_of[r.attempt_id], col[k]] = category(fraction, steps)
        keep = (x >= 0).any(axis=1)
        x = x[keep]
        res = run(x, starts)
        result.persons, result.mean, result.sd = res.persons, res.mean, res.sd
        result.converged, result.iterations = res.converged, res.iterations
        for k, cal in zip(usable, res.items, strict=True):
            result.items.append(
                CalibratedItem(
                    k[0], k[1], cal.n, "anchor" if cal.fixed else "calibrated", cal.a, cal.b,
                    cal.steps, cal.se_a, cal.se_b, cal.infit, cal.outfit, list(cal.flags),
                )
            )  # fmt: skip
        if save:
            new = [
                (i.item_id, i.version, "gpcm" if i.steps else "2pl", float(i.a), float(i.b),
                 list(i.steps) if i.steps else None, i.n,
                 {"infit": i.infit, "outfit": i.outfit, "se_a": i.se_a, "se_b": i.se_b,
                  "flags": i.flags})
                for i in result.items
                if i.status == "calibrated" and i.a is not None and i.b is not None
            ]  # fmt: skip
            summary: dict[str, Any] = {
                "mean": result.mean, "sd": result.sd, "converged": result.converged,
                "iterations": result.iterations, "simulated_included": include_simulated,
                "min_n": min_n,
            }  # fmt: skip
            with store.unit_of_work():
                result.calibration_id = store.measurement.add_calibration(
                    a.id, now_iso(clock()), by or getpass.getuser(), result.persons,
                    sum(1 for i in result.items if i.status == "anchor"), summary, new,
                )  # fmt: skip
            result.saved = True
        out.append(result)
    if not any(r.items for r in out):
        raise ServiceError("error.calibrate_nothing")
    return out
