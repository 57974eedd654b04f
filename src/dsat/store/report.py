"""Counts for the share report, in SQL: one statement per report, grouped in SQLite.

Each person counts once per skill and period: their latest (or best, or first) submitted
result for a competency; an area is reached when every competency of the area is; the
overall figure (modelled on the Eurostat Digital Skills Indicator) when enough areas are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

# Periods are Vietnam's calendar: results are stored in UTC.
_LOCAL = "datetime(a.submitted_at, '+7 hours')"
PERIODS = {
    "all": "'all'",
    "year": f"substr({_LOCAL}, 1, 4)",
    "quarter": f"substr({_LOCAL}, 1, 4) || '-Q' || "
    f"((CAST(substr({_LOCAL}, 6, 2) AS INTEGER) + 2) / 3)",
    "month": f"substr({_LOCAL}, 1, 7)",
}
PICKS = {"latest": "MAX(a.submitted_at)", "first": "MIN(a.submitted_at)", "best": "MAX(r.percent)"}
STAFF_DIMS = {"province": "s.province", "unit": "s.unit_path", "position": "s.position"}


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


def counts(
    db: sqlite_utils.Database, q: Query, areas: dict[str, list[str]]
) -> list[tuple[tuple[str, ...], int, int]]:
    """((staff dims..., skill, period), assessed, proficient) per group."""
    comp_area = [(c, a) for a, cs in areas.items() for c in cs]
    db.conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS report_comps (comp TEXT PRIMARY KEY, area TEXT)"
    )
    db.conn.execute("DELETE FROM report_comps")
    db.conn.executemany("INSERT INTO report_comps VALUES (?, ?)", comp_area)
    where = ["a.status IN ('submitted', 'expired')"]
    params: list[object] = []
    if q.start:
        where.append(f"{_LOCAL} >= ?")
        params.append(q.start)
    if q.end:
        where.append(f"{_LOCAL} < ?")
        params.append(q.end)
    if not q.include_simulated:
        where.append("a.origin != 'simulated'")
    picked = f"""
        SELECT a.employee_id AS emp, r.competency_id AS comp, r.proficient AS prof,
               {PERIODS[q.period]} AS period, {PICKS[q.attempt]}
        FROM results r JOIN attempts a ON a.id = r.attempt_id
        WHERE {" AND ".join(where)}
        GROUP BY emp, comp, period"""
    if q.skill == "competency":
        facts = f"SELECT emp, comp AS skill, period, prof FROM ({picked})"
    else:
        per_area = f"""
            SELECT p.emp, c.area, p.period, COUNT(*) AS n, SUM(p.prof) AS k
            FROM ({picked}) p JOIN report_comps c ON c.comp = p.comp
            GROUP BY p.emp, c.area, p.period"""
        sizes = "(SELECT area, COUNT(*) AS size FROM report_comps GROUP BY area)"
        if q.skill == "area":
            facts = f"""
                SELECT x.emp, x.area AS skill, x.period, (x.k = z.size) AS prof
                FROM ({per_area}) x JOIN {sizes} z ON z.area = x.area"""
        else:
            need = q.min_areas if q.min_areas is not None else len(areas)
            facts = f"""
                SELECT x.emp, 'overall' AS skill, x.period,
                       (SUM(x.k = z.size) >= {int(need)}) AS prof
                FROM ({per_area}) x JOIN {sizes} z ON z.area = x.area
                GROUP BY x.emp, x.period HAVING COUNT(*) = {len(areas)}"""
    dims = [STAFF_DIMS[d] for d in q.staff_dims]
    select = ", ".join([*dims, "f.skill", "f.period"])
    sql = f"""
        SELECT {select}, COUNT(*), SUM(f.prof)
        FROM ({facts}) f JOIN staff s ON s.employee_id = f.emp AND s.active = 1
        GROUP BY {select}"""
    out = []
    for row in db.conn.execute(sql, params):
        *key, assessed, proficient = row
        out.append((tuple(str(k) for k in key), assessed, proficient or 0))
    return out


def registered(db: sqlite_utils.Database, staff_dims: Sequence[str]) -> dict[tuple[str, ...], int]:
    dims = [STAFF_DIMS[d] for d in staff_dims]
    if not dims:
        n = db.conn.execute("SELECT COUNT(*) FROM staff s WHERE s.active = 1").fetchone()[0]
        return {(): n}
    select = ", ".join(dims)
    rows = db.conn.execute(
        f"SELECT {select}, COUNT(*) FROM staff s WHERE s.active = 1 GROUP BY {select}"
    )
    return {tuple(str(v) for v in r[:-1]): r[-1] for r in rows}


def unregistered_assessed(db: sqlite_utils.Database) -> int:
    """People with a submitted result who are not active in the staff register."""
    return db.conn.execute(
        """SELECT COUNT(DISTINCT a.employee_id) FROM attempts a
           LEFT JOIN staff s ON s.employee_id = a.employee_id AND s.active = 1
           WHERE a.status IN ('submitted', 'expired') AND s.employee_id IS NULL"""
    ).fetchone()[0]


def simulated_note(db: sqlite_utils.Database) -> str | None:
    row = db.conn.execute("SELECT value FROM meta WHERE key = 'simulated'").fetchone()
    return row[0] if row else None
