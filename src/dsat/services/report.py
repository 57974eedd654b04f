"""The administrators' summary: who is registered, assessed and proficient, per group.

`share()` builds the report from SQLite counts: the groups at the asked unit depth, total
rows along every additive dimension, participation, the proficient share with its 95 %
interval, the gap to the national targets, the change since the previous period, and
small-cell protection.

Two methods. `count`: the share of people whose result is proficient, with a Wilson
interval (sampling error only). `posterior`: the mean of each person's posterior
probability of being proficient, with an interval from plausible values: a draw from each
person's posterior per plausible value, the share per draw, and the draws combined with the
sampling variance by Rubin's rules, as PISA and PIAAC do. The count method never reads one
person's data into Python; the posterior method streams one probability per person.
"""

from __future__ import annotations

import itertools
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel

from dsat.domain.framework import Framework
from dsat.domain.report import (
    ALL,
    PV_DRAWS,
    TARGETS,
    PosteriorShare,
    ShareRow,
    at_least,
    rubin_share,
    suppress,
)
from dsat.domain.text import strip_diacritics
from dsat.services.clock import Clock, system_clock
from dsat.store import Store
from dsat.store.report import PERIODS, PICKS, STAFF_DIMS, Query

BY_CHOICES = ("province", "unit", "position", "area", "competency")
PERIOD_CHOICES = tuple(PERIODS)
ATTEMPT_CHOICES = tuple(PICKS)
METHOD_CHOICES = ("count", "posterior")


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
    method: str = "count"
    draws: int = PV_DRAWS


class ReportMeta(BaseModel):
    title: str = "Share of civil servants reaching digital-skills proficiency"
    generated_at: str
    framework: str
    proficient_band: str
    skill: str
    rule: str
    method: str = "count"
    method_note: str = ""
    measured_share: float = 1.0  # of the results counted, the share measured on the IRT scale
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
    measurement_se_pp: float | None = None  # posterior method: the part of measurement error
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


def share(
    store: Store, fw: Framework, opts: ShareOptions, clock: Clock = system_clock
) -> ShareReport:
    """The report, read from one snapshot of the database while candidates keep writing."""
    if opts.method not in METHOD_CHOICES:
        raise ValueError(f"unknown method {opts.method!r}; choose count or posterior")
    with store.snapshot():
        return _share(store, fw, opts, clock)


def _areas(store: Store, fw: Framework) -> dict[str, list[str]]:
    with_items = set(store.items.counts())
    return {
        a.id: [c.id for c in a.competencies if c.id in with_items]
        for a in fw.areas
        if any(c.id in with_items for c in a.competencies)
    }


def _skill(opts: ShareOptions) -> str:
    return "competency" if "competency" in opts.by else "area" if "area" in opts.by else "overall"


def _query(opts: ShareOptions, skill: str, staff_dims: list[str]) -> Query:
    return Query(
        skill, staff_dims, opts.period, opts.start, opts.end, opts.attempt, opts.min_areas,
        opts.include_simulated, opts.province, opts.unit,
    )  # fmt: skip


def _share(store: Store, fw: Framework, opts: ShareOptions, clock: Clock) -> ShareReport:
    unknown = [b for b in opts.by if b not in BY_CHOICES]
    if unknown:
        raise ValueError(f"unknown grouping {unknown[0]!r}; choose from {', '.join(BY_CHOICES)}")
    areas = _areas(store, fw)
    skill = _skill(opts)
    staff_dims = [d for d in opts.by if d in STAFF_DIMS]
    q = _query(opts, skill, staff_dims)
    unit_i = staff_dims.index("unit") if "unit" in staff_dims else None

    def group(key: tuple[str, ...]) -> tuple[str, ...]:
        if unit_i is None:
            return key
        return (*key[:unit_i], _unit(key[unit_i], opts.unit_depth), *key[unit_i + 1 :])

    base: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    reg: dict[tuple[str, ...], int] = defaultdict(int)
    registered = store.reports.registered(
        staff_dims, opts.province, opts.unit, opts.include_simulated
    )
    for key, n in registered.items():
        reg[group(key)] += n
    periods: set[str] = set()
    for cell in store.reports.counts(q, areas):
        *staff_key, skill_id, period = cell.key
        periods.add(period)
        b = base[(*group(tuple(staff_key)), skill_id, period)]
        b[1] += cell.assessed
        b[2] += cell.proficient
    draws = (
        _draws(store, q, areas, group, len(staff_dims), opts) if opts.method == "posterior" else {}
    )
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
    cell_draws: dict[tuple[str, ...], list[float]] = {}
    for mask in itertools.product([False, True], repeat=n_staff):
        for key, (n_reg, n_assessed, n_prof) in base.items():
            k = (*tuple(ALL if m else v for v, m in zip(key[:n_staff], mask, strict=True)),
                 *key[n_staff:])  # fmt: skip
            total = cells.setdefault(k, [0, 0, 0])
            total[0] += n_reg
            total[1] += n_assessed
            total[2] += n_prof
            if key in draws:
                acc = cell_draws.setdefault(k, [0.0] * (opts.draws + 1))
                for i, v in enumerate(draws[key]):
                    acc[i] += v
    rows = [ShareRow(k, v[0], v[1], v[2]) for k, v in cells.items()]
    if opts.method == "posterior":
        for r in rows:
            values = cell_draws.get(r.key, [])
            r.extra["posterior"] = rubin_share(
                values[:-1], r.assessed, expected=values[-1] if values else None
            )
    dims = [*staff_dims, "indicator" if skill == "overall" else skill, "period"]
    suppress(rows, dims, staff_dims, opts.min_group)
    hidden_above = _hidden_in_parent(store, fw, opts, skill, clock)
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
            now_pct, prev_pct = (_pct(r, opts), _pct(prev, opts)) if prev else (None, None)
            if visible and now_pct is not None and prev_pct is not None:
                r.change = now_pct - prev_pct
    order = {s: i for i, s in enumerate(skills)}
    rows.sort(
        key=lambda r: (
            order.get(r.key[n_staff], 0),
            r.key[-1],
            tuple((v == ALL, strip_diacritics(v).casefold(), v) for v in r.key[:n_staff]),
        )
    )
    out_rows = [_row(r, dims, opts) for r in rows]
    rule = {
        "competency": f"a result at or above the '{fw.proficient_band}' level cut",
        "area": f"the area's result at or above the '{fw.proficient_band}' level cut",
        "overall": (
            f"'{fw.proficient_band}' or above in {opts.min_areas or len(areas)} of the "
            f"{len(areas)} areas (modelled on the Eurostat Digital Skills Indicator; "
            "assessed = a result in every area)"
        ),
    }[skill]
    note = {
        "count": "count: people whose measured level is proficient; the interval (Wilson "
        "95 %) covers sampling error only",
        "posterior": f"posterior: mean probability of being proficient; the 95 % interval "
        f"combines {opts.draws} plausible values per person with the sampling variance "
        "(Rubin's rules), so it includes measurement error",
    }[opts.method]
    head = store.audit.head()
    meta = ReportMeta(
        generated_at=clock().isoformat(timespec="seconds"),
        framework=fw.id,
        proficient_band=fw.proficient_band,
        skill=skill,
        rule=rule,
        method=opts.method,
        method_note=note,
        measured_share=round(store.reports.measured_share(), 4),
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
        simulated=store.reports.simulated_note() if opts.include_simulated else None,
        not_in_register=store.reports.unregistered_assessed(),
        chain_results=head[0],
        chain_head=head[1],
    )
    return ShareReport(meta=meta, rows=out_rows)


def _draws(
    store: Store,
    q: Query,
    areas: dict[str, list[str]],
    group: Callable[[tuple[str, ...]], tuple[str, ...]],
    n_staff: int,
    opts: ShareOptions,
) -> dict[tuple[str, ...], list[float]]:
    """Per base cell: the number of people proficient in each plausible-value draw, then
    (the last value) the expected number, the sum of each person's probability.

    A draw of a person's θ from their posterior is proficient with probability p (their
    posterior probability of being at or above the cut), so each draw is a Bernoulli(p);
    for the overall indicator a person's probability is that of being proficient in at
    least the areas required, the areas' posteriors taken as independent.
    """
    import numpy as np

    seed = zlib.crc32(repr(sorted(vars(opts).items())).encode())
    rng = np.random.default_rng(seed)
    out: dict[tuple[str, ...], np.ndarray] = {}
    need = q.min_areas if q.min_areas is not None else len(areas)

    def add(key: tuple[str, ...], hits: np.ndarray, expected: float) -> None:
        values = np.append(hits.astype(float), expected)
        acc = out.get(key)
        out[key] = values if acc is None else acc + values

    rows = store.reports.probabilities(q, areas)
    if q.skill != "overall":
        for row in rows:
            *staff_key, skill_id, period, _emp, p = row
            key = (*group(tuple(str(v) for v in staff_key)), str(skill_id), str(period))
            add(key, rng.random(opts.draws) < float(p), float(p))
        return {k: v.tolist() for k, v in out.items()}
    current: tuple[Any, ...] | None = None
    ps: list[float] = []
    staff_key = []

    def flush() -> None:
        if current is None or len(ps) != len(areas):
            return
        hits = (rng.random((opts.draws, len(ps))) < np.array(ps)).sum(axis=1) >= need
        key = (*group(tuple(str(v) for v in staff_key)), "overall", str(current[1]))
        add(key, hits, at_least(ps, need))

    for row in rows:
        *sk, _area, period, emp, p = row
        if (emp, period) != current:
            flush()
            current, ps, staff_key = (emp, period), [], sk
        ps.append(float(p))
    flush()
    return {k: v.tolist() for k, v in out.items()}


def _pct(r: ShareRow, opts: ShareOptions) -> float | None:
    if opts.method == "posterior":
        post: PosteriorShare | None = r.extra.get("posterior")  # type: ignore[assignment]
        return post.percent if post else None
    return r.percent


PERSONAL_COLUMNS = (
    "employee_id", "full_name", "unit", "province", "position", "skill", "period", "proficient",
    "p_proficient",
)  # fmt: skip


def personal_rows(store: Store, fw: Framework, opts: ShareOptions) -> tuple[int, Any]:
    """(count, rows): one row per person, skill and period, for the --personal export.

    Rows stream from SQLite (inside the caller's snapshot); nothing is held in memory.
    """
    areas = _areas(store, fw)
    q = _query(opts, _skill(opts), [])
    return store.reports.people_count(q, areas), store.reports.people(q, areas)


def _hidden_in_parent(
    store: Store, fw: Framework, opts: ShareOptions, skill: str, clock: Clock
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
            method="count",
        )
        dim, value = "unit", opts.unit
    else:
        assert opts.province is not None  # filtered by one of the two (returned above if not)
        parent = replace(
            opts, by=["province", *skill_by], province=None, unit_depth=None, method="count"
        )
        dim, value = "province", opts.province
    above = _share(store, fw, parent, clock)
    return {
        tuple(v for k, v in r.group.items() if k != dim)
        for r in above.rows
        if r.suppressed and r.group.get(dim) == value
    }


def _row(r: ShareRow, dims: list[str], opts: ShareOptions) -> ReportRow:
    hide = r.suppressed
    post: PosteriorShare | None = r.extra.get("posterior")  # type: ignore[assignment]
    if opts.method == "posterior":
        pct = post.percent if post else None
        ci = (post.low, post.high) if post else None
    else:
        pct, ci = r.percent, r.interval

    def gap(target: float) -> float | None:
        return None if pct is None else max(0.0, target - pct)

    return ReportRow(
        group=dict(zip(dims, r.key, strict=True)),
        total=ALL in r.key,
        suppressed=hide,
        registered=None if hide else r.registered,
        assessed=None if hide else r.assessed,
        proficient=None if hide else r.proficient,
        participation_pct=None if hide else _round(r.participation),
        proficient_pct=None if hide else _round(pct),
        ci_low_pct=None if hide or ci is None else _round(ci[0]),
        ci_high_pct=None if hide or ci is None else _round(ci[1]),
        measurement_se_pp=None if hide or post is None else _round(post.measurement_se),
        gap_2025_pp=None if hide else _round(gap(TARGETS["2025"])),
        gap_2030_pp=None if hide else _round(gap(TARGETS["2030"])),
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
