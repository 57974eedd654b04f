"""The administrators' summary: who is registered, assessed and proficient, per group.

`share()` builds the report from SQLite counts: the groups at the asked unit depth, total
rows along every additive dimension, participation, the proficient share with its Wilson
95 % interval, the gap to the national targets, the change since the previous period, and
small-cell protection. Nothing here reads one person's data into Python.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import sqlite_utils
from pydantic import BaseModel

from dsat.domain.framework import Framework
from dsat.domain.report import ALL, TARGETS, ShareRow, suppress
from dsat.domain.text import strip_diacritics
from dsat.store import catalogue, chain
from dsat.store import report as store
from dsat.store.db import read_snapshot

BY_CHOICES = ("province", "unit", "position", "area", "competency")
PERIOD_CHOICES = tuple(store.PERIODS)
ATTEMPT_CHOICES = tuple(store.PICKS)


@dataclass
class ShareOptions:
    by: list[str] = field(default_factory=list)
    period: str = "all"
    start: str | None = None
    end: str | None = None
    attempt: str = "latest"
    min_group: int = 5
    unit_depth: int | None = None
    min_areas: int | None = None
    include_simulated: bool = True
    province: str | None = None
    unit: str | None = None


class ReportMeta(BaseModel):
    title: str = "Share of civil servants reaching digital-skills proficiency"
    generated_at: str
    framework: str
    proficient_band: str
    skill: str
    rule: str
    by: list[str]
    period: str
    start: str | None
    end: str | None
    attempt: str
    min_group: int
    unit_depth: int | None
    province: str | None = None
    unit: str | None = None
    targets: dict[str, float]
    simulated: str | None
    not_in_register: int
    chain_results: int = 0
    chain_head: str = ""


class ReportRow(BaseModel):
    group: dict[str, str]
    total: bool
    suppressed: bool
    registered: int | None
    assessed: int | None
    proficient: int | None
    participation_pct: float | None
    proficient_pct: float | None
    ci_low_pct: float | None
    ci_high_pct: float | None
    gap_2025_pp: float | None
    gap_2030_pp: float | None
    change_pp: float | None


class ShareReport(BaseModel):
    meta: ReportMeta
    rows: list[ReportRow]

    @property
    def dims(self) -> list[str]:
        return list(self.rows[0].group) if self.rows else []


def _unit(path: str, depth: int | None) -> str:
    return path if depth is None else "/".join(path.split("/")[:depth])


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 2)


def share(db: sqlite_utils.Database, fw: Framework, opts: ShareOptions) -> ShareReport:
    """The report, read from one snapshot of the database while candidates keep writing."""
    with read_snapshot(db):
        return _share(db, fw, opts)


def _share(db: sqlite_utils.Database, fw: Framework, opts: ShareOptions) -> ShareReport:
    unknown = [b for b in opts.by if b not in BY_CHOICES]
    if unknown:
        raise ValueError(f"unknown grouping {unknown[0]!r}; choose from {', '.join(BY_CHOICES)}")
    with_items = set(catalogue.item_counts(db))
    areas = {
        a.id: [c.id for c in a.competencies if c.id in with_items]
        for a in fw.areas
        if any(c.id in with_items for c in a.competencies)
    }
    skill = "competency" if "competency" in opts.by else "area" if "area" in opts.by else "overall"
    staff_dims = [d for d in opts.by if d in store.STAFF_DIMS]
    q = store.Query(
        skill, staff_dims, opts.period, opts.start, opts.end, opts.attempt, opts.min_areas,
        opts.include_simulated, opts.province, opts.unit,
    )  # fmt: skip
    unit_i = staff_dims.index("unit") if "unit" in staff_dims else None

    def group(key: tuple[str, ...]) -> tuple[str, ...]:
        if unit_i is None:
            return key
        return (*key[:unit_i], _unit(key[unit_i], opts.unit_depth), *key[unit_i + 1 :])

    base: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    reg: dict[tuple[str, ...], int] = defaultdict(int)
    for key, n in store.registered(db, staff_dims, opts.province, opts.unit).items():
        reg[group(key)] += n
    periods: set[str] = set()
    for key, assessed, proficient in store.counts(db, q, areas):
        *staff_key, skill_id, period = key
        periods.add(period)
        cell = base[(*group(tuple(staff_key)), skill_id, period)]
        cell[1] += assessed
        cell[2] += proficient
    skills = (
        [c for cs in areas.values() for c in cs]
        if skill == "competency"
        else list(areas)
        if skill == "area"
        else ["overall"]
    )
    if not periods:
        periods = {"all"} if opts.period == "all" else set()
    period_list = sorted(periods)
    for g, n in reg.items():
        for s in skills:
            for p in period_list:
                base[(*g, s, p)][0] = n
    # totals along every additive dimension (each person is in one province, unit, position)
    n_staff = len(staff_dims)
    cells: dict[tuple[str, ...], list[int]] = {}
    for mask in itertools.product([False, True], repeat=n_staff):
        for key, (r, a, p) in base.items():
            k = tuple(ALL if m else v for v, m in zip(key[:n_staff], mask, strict=True))
            cell = cells.setdefault((*k, *key[n_staff:]), [0, 0, 0])
            cell[0] += r
            cell[1] += a
            cell[2] += p
    rows = [ShareRow(k, *v) for k, v in cells.items()]
    dims = [*staff_dims, "indicator" if skill == "overall" else skill, "period"]
    suppress(rows, dims, staff_dims, opts.min_group)
    hidden_above = _hidden_in_parent(db, fw, opts, skill)
    if hidden_above:
        # This report opens a group the level above hides: its total must stay hidden, and
        # so must at least one of its rows, or the rows would add up to that total.
        for slice_key in hidden_above:
            in_slice = [r for r in rows if tuple(r.key[n_staff:]) == slice_key]
            for r in in_slice:
                if all(v == ALL for v in r.key[:n_staff]):
                    r.suppressed, r.reason = True, "secondary"
            children = [r for r in in_slice if ALL not in r.key[:n_staff]]
            if children and not any(r.suppressed for r in children):
                pick = min(children, key=lambda r: (r.assessed, r.registered, r.key))
                pick.suppressed, pick.reason = True, "secondary"
        suppress(rows, dims, staff_dims, opts.min_group)
    if opts.period != "all":
        by_key = {r.key: r for r in rows}
        for r in rows:
            i = period_list.index(r.key[-1])
            prev = by_key.get((*r.key[:-1], period_list[i - 1])) if i else None
            visible = prev is not None and not prev.suppressed and not r.suppressed
            if visible and prev.percent is not None and r.percent is not None:
                r.change = r.percent - prev.percent
    order = {s: i for i, s in enumerate(skills)}
    rows.sort(
        key=lambda r: (
            order.get(r.key[n_staff], 0),
            r.key[-1],
            tuple((v == ALL, strip_diacritics(v).casefold(), v) for v in r.key[:n_staff]),
        )
    )
    out_rows = [_row(r, dims) for r in rows]
    rule = {
        "competency": f"result at or above the '{fw.proficient_band}' band",
        "area": f"'{fw.proficient_band}' or above in every competency of the area",
        "overall": (
            f"'{fw.proficient_band}' or above in every competency of "
            f"{opts.min_areas or len(areas)} of the {len(areas)} areas "
            "(modelled on the Eurostat Digital Skills Indicator; assessed = a result in "
            "every area)"
        ),
    }[skill]
    meta = ReportMeta(
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        framework=fw.id,
        proficient_band=fw.proficient_band,
        skill=skill,
        rule=rule,
        by=list(opts.by),
        period=opts.period,
        start=opts.start,
        end=opts.end,
        attempt=opts.attempt,
        min_group=opts.min_group,
        unit_depth=opts.unit_depth,
        province=opts.province,
        unit=opts.unit,
        targets=TARGETS,
        simulated=store.simulated_note(db) if opts.include_simulated else None,
        not_in_register=store.unregistered_assessed(db),
        chain_results=chain.head(db)[0],
        chain_head=chain.head(db)[1],
    )
    return ShareReport(meta=meta, rows=out_rows)


PERSONAL_COLUMNS = (
    "employee_id", "full_name", "unit", "province", "position", "skill", "period", "proficient"
)  # fmt: skip


def personal_rows(db: sqlite_utils.Database, fw: Framework, opts: ShareOptions) -> tuple[int, Any]:
    """(count, rows): one row per person, skill and period, for the --personal export.

    Rows stream from SQLite; nothing is held in memory.
    """
    with_items = set(catalogue.item_counts(db))
    areas = {
        a.id: [c.id for c in a.competencies if c.id in with_items]
        for a in fw.areas
        if any(c.id in with_items for c in a.competencies)
    }
    skill = "competency" if "competency" in opts.by else "area" if "area" in opts.by else "overall"
    q = store.Query(
        skill, [], opts.period, opts.start, opts.end, opts.attempt, opts.min_areas,
        opts.include_simulated, opts.province, opts.unit,
    )  # fmt: skip
    total = sum(1 for _ in store.counts(db, q, areas, people=True))
    return total, store.counts(db, q, areas, people=True)


def _hidden_in_parent(
    db: sqlite_utils.Database, fw: Framework, opts: ShareOptions, skill: str
) -> set[tuple[str, ...]]:
    """(skill, period) slices in which the group this report is filtered to is hidden in
    the report one level up (a province among provinces, a unit among its siblings)."""
    if opts.province is None and opts.unit is None:
        return set()
    skill_by = [b for b in opts.by if b in ("area", "competency")]
    if opts.unit is not None:
        parts = opts.unit.split("/")
        parent = replace(
            opts,
            by=["unit", *skill_by],
            unit="/".join(parts[:-1]) or None,
            unit_depth=len(parts),
        )
        dim, value = "unit", opts.unit
    else:
        parent = replace(opts, by=["province", *skill_by], province=None, unit_depth=None)
        dim, value = "province", opts.province
    above = share(db, fw, parent)
    return {
        tuple(v for k, v in r.group.items() if k != dim)
        for r in above.rows
        if r.suppressed and r.group.get(dim) == value
    }


def _row(r: ShareRow, dims: list[str]) -> ReportRow:
    hide = r.suppressed
    ci = r.interval
    return ReportRow(
        group=dict(zip(dims, r.key, strict=True)),
        total=ALL in r.key,
        suppressed=hide,
        registered=None if hide else r.registered,
        assessed=None if hide else r.assessed,
        proficient=None if hide else r.proficient,
        participation_pct=None if hide else _round(r.participation),
        proficient_pct=None if hide else _round(r.percent),
        ci_low_pct=None if hide or ci is None else _round(ci[0]),
        ci_high_pct=None if hide or ci is None else _round(ci[1]),
        gap_2025_pp=None if hide else _round(r.gap(TARGETS["2025"])),
        gap_2030_pp=None if hide else _round(r.gap(TARGETS["2030"])),
        change_pp=None if hide else _round(r.change),
    )


def as_table(report: ShareReport) -> list[dict[str, Any]]:
    """Flat rows (group columns then figures), as exports write them."""
    out = []
    for r in report.rows:
        flat: dict[str, Any] = dict(r.group)
        flat.update(r.model_dump(exclude={"group", "total"}))
        out.append(flat)
    return out
