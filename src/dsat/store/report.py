"""Counts for the share report, in SQL: one statement per report, grouped in SQLite.

Each person counts once per skill and period: their latest (or best, or first) result that
no correction superseded. A competency's result is in `results`; an area's (one IRT scale)
in `area_results`; the overall indicator (modelled on the Eurostat Digital Skills
Indicator) needs enough areas. Every count comes with the sum of the people's posterior
probabilities of being proficient (and of p(1-p)), for the measurement-error method.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dsat.store.base import Store

# Periods are Vietnam's calendar: each result keeps its submission time in Vietnam time.
PERIODS = {
    "all": "'all'",
    "year": "substr(r.submitted_local, 1, 4)",
    "quarter": "substr(r.submitted_local, 1, 4) || '-Q' || "
    "((CAST(substr(r.submitted_local, 6, 2) AS INTEGER) + 2) / 3)",
    "month": "substr(r.submitted_local, 1, 7)",
}
PICKS = {
    "latest": "MAX(r.submitted_local)",
    "first": "MIN(r.submitted_local)",
    "best": "MAX(r.{score})",
}
STAFF_DIMS = {"province": "s.province", "unit": "s.unit_path", "position": "s.position"}
# The probability of a result being proficient: the posterior one where the result was
# measured on the IRT scale, else (results from before it) the count itself.
P = "COALESCE(r.p_proficient, r.proficient)"


@dataclass
class Query:
    skill: str  # "competency", "area" or "overall"
    staff_dims: Sequence[str]  # among STAFF_DIMS
    period: str = "all"
    start: str | None = None  # ISO date (Vietnam time), inclusive
    end: str | None = None  # ISO date, exclusive
    attempt: str = "latest"
    min_areas: int | None = None  # overall: areas needed (default: all)
    include_simulated: bool = True
    province: str | None = None  # only people of this province
    unit: str | None = None  # only people of this unit or the units under it


def staff_filter(province: str | None, unit: str | None) -> tuple[str, list[object]]:
    """SQL conditions on the register (alias s) for the province and unit filters."""
    sql, params = "", list[object]()
    if province is not None:
        sql += " AND s.province = ?"
        params.append(province)
    if unit is not None:
        sql += " AND (s.unit_path = ? OR substr(s.unit_path, 1, ?) = ?)"
        params += [unit, len(unit) + 1, unit + "/"]
    return sql, params


PERSON_COLS = "s.employee_id, s.full_name, s.unit_path, s.province, s.position"


@dataclass(frozen=True)
class Cell:
    key: tuple[str, ...]  # (staff dims..., skill, period)
    assessed: int
    proficient: int
    sum_p: float  # sum of posterior probabilities of being proficient
    sum_pq: float  # sum of p(1-p)


class ReportRepo:
    def __init__(self, store: Store):
        self.s = store

    def _picked(self, q: Query, areas: dict[str, list[str]]) -> tuple[str, list[object]]:
        """One row per person, skill and period: (emp, skill, period, prof, p)."""
        where, params = ["r.superseded = 0"], list[object]()
        if q.start:
            where.append("r.submitted_local >= ?")
            params.append(q.start)
        if q.end:
            where.append("r.submitted_local < ?")
            params.append(q.end)
        by_period = ", period" if q.period != "all" else ""
        if q.skill == "competency":
            wanted = [c for cs in areas.values() for c in cs]
            table, skill_col, index, score = "results", "competency_id", "results_person", "percent"
        else:
            wanted = list(areas)
            table, skill_col, index, score = (
                "area_results", "area_id", "area_results_person", "p_proficient",
            )  # fmt: skip
        marks = ",".join("?" * len(wanted)) or "NULL"
        where.append(f"r.{skill_col} IN ({marks})")
        params += wanted
        # With no periods, grouping by person and skill follows the covering index, so
        # SQLite streams it instead of sorting a million rows.
        pick = PICKS[q.attempt].format(score=score)
        sql = f"""
            SELECT r.employee_id AS emp, r.{skill_col} AS skill, {PERIODS[q.period]} AS period,
                   r.proficient AS prof, {P} AS p, {pick}
            FROM {table} r INDEXED BY {index}
            WHERE {" AND ".join(where)}
            GROUP BY emp, skill{by_period}"""
        return sql, params

    def _facts(self, q: Query, areas: dict[str, list[str]]) -> tuple[str, list[object]]:
        picked, params = self._picked(q, areas)
        if q.skill != "overall":
            return f"SELECT emp, skill, period, prof, p FROM ({picked})", params
        need = q.min_areas if q.min_areas is not None else len(areas)
        # p of the overall indicator, for the count method's companion sums only when every
        # area is needed (a product); with fewer areas needed the posterior method streams
        # the areas per person instead (`area_probabilities`).
        sql = f"""
            SELECT emp, 'overall' AS skill, period, (SUM(prof) >= {int(need)}) AS prof,
                   CASE WHEN {int(need)} = {len(areas)} THEN exp(SUM(ln(max(p, 1e-300))))
                        ELSE NULL END AS p
            FROM ({picked}) GROUP BY emp, period HAVING COUNT(*) = {len(areas)}"""
        return sql, params

    def _source(self, q: Query, facts: str) -> tuple[str, list[object]]:
        only_real = "" if q.include_simulated else " AND s.simulated = 0"
        filter_sql, filter_params = staff_filter(q.province, q.unit)
        return (
            f"({facts}) f JOIN staff s ON s.employee_id = f.emp AND s.active = 1"
            f"{only_real}{filter_sql}",
            filter_params,
        )

    def counts(self, q: Query, areas: dict[str, list[str]]) -> list[Cell]:
        """Assessed, proficient and the sums of p and p(1-p), per group."""
        facts, params = self._facts(q, areas)
        source, more = self._source(q, facts)
        dims = [STAFF_DIMS[d] for d in q.staff_dims]
        select = ", ".join([*dims, "f.skill", "f.period"])
        sql = (
            f"SELECT {select}, COUNT(*), SUM(f.prof), SUM(f.p), SUM(f.p * (1 - f.p)) "
            f"FROM {source} GROUP BY {select}"
        )
        out = []
        for row in self.s.rows(sql, [*params, *more]):
            *key, assessed, proficient, sum_p, sum_pq = row
            out.append(
                Cell(
                    tuple(str(k) for k in key), assessed, proficient or 0,
                    float(sum_p) if sum_p is not None else float("nan"),
                    float(sum_pq) if sum_pq is not None else float("nan"),
                )
            )  # fmt: skip
        return out

    def probabilities(self, q: Query, areas: dict[str, list[str]]) -> Iterator[Any]:
        """(staff dims..., skill, period, emp, p) per person, for plausible values.

        For the overall indicator the rows are per person, period and area (skill = the
        area), ordered by person and period, so the caller combines a person's areas.
        """
        sub = Query(**{**q.__dict__, "skill": "area"}) if q.skill == "overall" else q
        facts, params = self._facts(sub, areas)
        source, more = self._source(q, facts)
        dims = [STAFF_DIMS[d] for d in q.staff_dims]
        select = ", ".join([*dims, "f.skill", "f.period", "f.emp", "f.p"])
        order = " ORDER BY f.emp, f.period" if q.skill == "overall" else ""
        return self.s.stream(f"SELECT {select} FROM {source}{order}", [*params, *more])

    def people(self, q: Query, areas: dict[str, list[str]]) -> Iterator[Any]:
        """One row per person, skill and period (PERSON_COLS, skill, period, proficient, p):
        for the --personal export only."""
        facts, params = self._facts(q, areas)
        source, more = self._source(q, facts)
        sql = f"""SELECT {PERSON_COLS}, f.skill, f.period, f.prof, f.p FROM {source}
                  ORDER BY s.employee_id, f.skill, f.period"""
        return self.s.stream(sql, [*params, *more])

    def people_count(self, q: Query, areas: dict[str, list[str]]) -> int:
        facts, params = self._facts(q, areas)
        source, more = self._source(q, facts)
        return int(self.s.value(f"SELECT COUNT(*) FROM {source}", [*params, *more]))

    def registered(
        self, staff_dims: Sequence[str], province: str | None = None, unit: str | None = None,
        include_simulated: bool = True,
    ) -> dict[tuple[str, ...], int]:  # fmt: skip
        dims = [STAFF_DIMS[d] for d in staff_dims]
        where, params = staff_filter(province, unit)
        if not include_simulated:
            where += " AND s.simulated = 0"
        if not dims:
            sql = f"SELECT COUNT(*) FROM staff s WHERE s.active = 1{where}"
            return {(): int(self.s.value(sql, params))}
        select = ", ".join(dims)
        rows = self.s.rows(
            f"SELECT {select}, COUNT(*) FROM staff s WHERE s.active = 1{where} GROUP BY {select}",
            params,
        )
        return {tuple(str(v) for v in r[:-1]): r[-1] for r in rows}

    def unregistered_assessed(self) -> int:
        """People with a submitted result who are not active in the staff register."""
        return int(
            self.s.value(
                """SELECT COUNT(*) FROM candidates c
                   WHERE NOT EXISTS (SELECT 1 FROM staff s
                                     WHERE s.employee_id = c.employee_id AND s.active = 1)
                     AND EXISTS (SELECT 1 FROM attempts a WHERE a.employee_id = c.employee_id
                                 AND a.status IN ('submitted', 'expired'))"""
            )
        )

    def simulated_note(self) -> str | None:
        return self.s.meta("simulated")

    def area_results_by_year(self) -> list[tuple[str, str, str, int, float | None]]:
        """(emp, area, year, proficient, p_proficient): each person's latest area result
        per year (for comparing with a simulation's truth)."""
        return [
            (r[0], r[1], r[2], r[3], r[4])
            for r in self.s.rows(
                """SELECT employee_id, area_id, substr(submitted_local, 1, 4) AS year,
                          proficient, p_proficient, MAX(submitted_local)
                   FROM area_results WHERE superseded = 0
                   GROUP BY employee_id, area_id, year"""
            )
        ]

    def measured_share(self) -> float:
        """The share of counted results measured on the IRT scale (the rest: before it)."""
        row = self.s.row("SELECT COUNT(*), COUNT(p_proficient) FROM results WHERE superseded = 0")
        return (row[1] / row[0]) if row and row[0] else 1.0
