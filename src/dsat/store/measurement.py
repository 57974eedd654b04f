"""Item parameters (priors and calibrations), responses for item analysis, simulated truth.

Parameter rows are only ever added: a calibration writes new rows beside the priors, and an
attempt records the last parameter row id in force when it started (`params_upto`), so the
parameters it was scored with can always be read again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dsat.store.base import Store


@dataclass(frozen=True)
class ParamRow:
    id: int
    item_id: str
    version: int
    model: str  # "2pl" or "gpcm"
    a: float
    b: float
    steps: tuple[float, ...] | None  # gpcm: step difficulties
    source: str  # "prior" or "calibrated"
    n: int | None
    fit: dict[str, Any] | None
    created_at: str


def _param(r: Sequence[Any]) -> ParamRow:
    return ParamRow(
        r[0], r[1], r[2], r[3], r[4], r[5], tuple(json.loads(r[6])) if r[6] else None, r[7],
        r[8], json.loads(r[9]) if r[9] else None, r[10],
    )  # fmt: skip


_PARAM_COLS = "id, item_id, version, model, a, b, steps, source, n, fit, created_at"


@dataclass(frozen=True)
class ScoredRow:
    """One scored response of a finished attempt, for item analysis and calibration."""

    attempt_id: str
    employee_id: str
    scope_kind: str
    scope_id: str
    position: int
    item_id: str
    version: int
    competency_id: str
    answer: Any
    score: float
    max_score: float
    origin: str
    started_at: str
    variant: int | None = None  # generated tasks: the seed of the variant answered


class MeasurementRepo:
    def __init__(self, store: Store):
        self.s = store

    # --- parameters ------------------------------------------------------------------------
    def add_priors(
        self, rows: Iterable[tuple[str, int, str, float, float, list[float] | None]], now: str
    ) -> None:
        self.s.write_many(
            """INSERT INTO item_params (item_id, version, model, a, b, steps, source, created_at)
               VALUES (?, ?, ?, ?, ?, ?, 'prior', ?)""",
            [
                (i, v, m, a, b, json.dumps(st) if st is not None else None, now)
                for i, v, m, a, b, st in rows
            ],
        )

    def latest_priors(self) -> dict[tuple[str, int], ParamRow]:
        """Each item version's newest prior row (calibrated rows aside)."""
        rows = self.s.rows(
            f"""SELECT {_PARAM_COLS} FROM item_params p WHERE source = 'prior' AND id = (
                    SELECT MAX(id) FROM item_params q WHERE q.item_id = p.item_id
                    AND q.version = p.version AND q.source = 'prior')"""
        )
        return {(r[1], r[2]): _param(r) for r in rows}

    def head(self) -> int:
        """The last parameter row id: what an attempt records as its snapshot."""
        return int(self.s.value("SELECT COALESCE(MAX(id), 0) FROM item_params"))

    def current(
        self, keys: Iterable[tuple[str, int]] | None = None, upto: int | None = None
    ) -> dict[tuple[str, int], ParamRow]:
        """Each item version's parameters in force: its latest calibrated row, else its prior
        (only rows up to id `upto`, when given)."""
        limit = "" if upto is None else f" AND id <= {int(upto)}"
        rows = self.s.rows(
            f"""SELECT {_PARAM_COLS} FROM item_params p WHERE id = (
                    SELECT id FROM item_params q WHERE q.item_id = p.item_id
                    AND q.version = p.version{limit}
                    ORDER BY (q.source = 'calibrated') DESC, q.id DESC LIMIT 1)"""
        )
        out = {(r[1], r[2]): _param(r) for r in rows}
        if keys is None:
            return out
        return {k: out[k] for k in keys if k in out}

    def history(self, item_id: str) -> list[ParamRow]:
        return [
            _param(r)
            for r in self.s.rows(
                f"SELECT {_PARAM_COLS} FROM item_params WHERE item_id = ? ORDER BY id",
                [item_id],
            )
        ]

    def add_calibration(
        self,
        area_id: str,
        at: str,
        by: str,
        persons: int,
        anchors: int,
        summary: dict[str, Any],
        rows: Sequence[tuple[str, int, str, float, float, list[float] | None, int, dict[str, Any]]],
    ) -> int:
        """A calibration and its new parameter rows (item, version, model, a, b, steps, n, fit)."""
        cid = self.s.write(
            """INSERT INTO calibrations (at, by, area_id, persons, items, anchors, summary)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [at, by, area_id, persons, len(rows), anchors, json.dumps(summary)],
        ).lastrowid
        self.s.write_many(
            """INSERT INTO item_params (item_id, version, model, a, b, steps, source,
                 calibration_id, n, fit, created_at)
               VALUES (?, ?, ?, ?, ?, ?, 'calibrated', ?, ?, ?, ?)""",
            [
                (
                    i,
                    v,
                    m,
                    a,
                    b,
                    json.dumps(st) if st is not None else None,
                    cid,
                    n,
                    json.dumps(fit),
                    at,
                )
                for i, v, m, a, b, st, n, fit in rows
            ],
        )
        return int(cid or 0)

    def population(self, area_id: str, upto_calibration: int | None = None) -> tuple[float, float]:
        """The area's ability distribution (mean, sd) from its latest calibration; N(0, 1)
        before any."""
        limit = "" if upto_calibration is None else f" AND id <= {int(upto_calibration)}"
        found = self.s.value(
            f"SELECT summary FROM calibrations WHERE area_id = ?{limit} ORDER BY id DESC LIMIT 1",
            [area_id],
        )
        if not found:
            return 0.0, 1.0
        data = json.loads(found)
        return float(data.get("mean", 0.0)), float(data.get("sd", 1.0))

    def populations(self, upto_param: int | None = None) -> dict[str, tuple[float, float]]:
        """Every area's ability distribution as of parameter row `upto_param`."""
        limit = ""
        if upto_param is not None:
            limit = (
                " WHERE id <= COALESCE((SELECT MAX(calibration_id) FROM item_params "
                f"WHERE id <= {int(upto_param)}), 0)"
            )
        out: dict[str, tuple[float, float]] = {}
        for area, summary in self.s.rows(
            f"SELECT area_id, summary FROM calibrations{limit} ORDER BY id"
        ):
            data = json.loads(summary)
            out[area] = (float(data.get("mean", 0.0)), float(data.get("sd", 1.0)))
        return out

    def calibrations(self) -> list[dict[str, Any]]:
        rows = self.s.dicts("SELECT * FROM calibrations ORDER BY id")
        for r in rows:
            r["summary"] = json.loads(r["summary"])
        return rows

    # --- responses -------------------------------------------------------------------------
    def scored(
        self,
        competencies: Sequence[str],
        *,
        scope: tuple[str, str] | None = None,
        include_simulated: bool = False,
        pick: str = "all",
        include_pretest: bool = False,
    ) -> list[ScoredRow]:
        """Scored responses to items of `competencies` in finished attempts that no
        correction superseded (pretest ones too with `include_pretest`, for calibration);
        `scope` keeps only attempts of that (kind, id); `pick` first/latest keeps one
        attempt per person and scope."""
        marks = ",".join("?" * len(competencies)) or "NULL"
        where = [
            "a.status != 'in_progress'", "a.superseded_by IS NULL",
            f"p.competency_id IN ({marks})",
            "(p.max_score > 0 OR p.pretest = 1)" if include_pretest
            else "p.pretest = 0 AND p.max_score > 0",
        ]  # fmt: skip
        params: list[Any] = list(competencies)
        if scope is not None:
            where.append("a.scope_kind = ? AND a.scope_id = ?")
            params += list(scope)
        if not include_simulated:
            where.append("a.origin != 'simulated'")
        chosen = ""
        if pick in ("first", "latest"):
            order = "MIN" if pick == "first" else "MAX"
            chosen = (
                f" AND a.id IN (SELECT id FROM (SELECT id, {order}(started_at) FROM attempts "
                "WHERE status != 'in_progress' AND superseded_by IS NULL "
                "GROUP BY employee_id, scope_kind, scope_id))"
            )
        rows = self.s.rows(
            f"""SELECT a.id, a.employee_id, a.scope_kind, a.scope_id, p.position, p.item_id,
                       p.item_version, p.competency_id, p.answer, p.score, p.max_score,
                       a.origin, a.started_at, p.variant
                FROM responses p JOIN attempts a ON a.id = p.attempt_id
                WHERE {" AND ".join(where)}{chosen}
                ORDER BY a.started_at, a.id, p.position""",
            params,
        )
        return [
            ScoredRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
                      json.loads(r[8]) if r[8] is not None else None, r[9] or 0.0, r[10],
                      r[11], r[12], r[13])
            for r in rows
        ]  # fmt: skip

    def pretest_counts(self) -> dict[tuple[str, int], int]:
        """Responses gathered per item version in pretest positions."""
        return {
            (r[0], r[1]): r[2]
            for r in self.s.rows(
                """SELECT p.item_id, p.item_version, COUNT(*) FROM responses p
                   JOIN attempts a ON a.id = p.attempt_id
                   WHERE p.pretest = 1 AND a.status != 'in_progress' GROUP BY 1, 2"""
            )
        }

    # --- simulated people's true abilities -----------------------------------------------
    def add_truth(self, rows: Iterable[tuple[str, str, str, float]]) -> None:
        self.s.write_many(
            "INSERT OR REPLACE INTO sim_truth (employee_id, area_id, period, theta) "
            "VALUES (?, ?, ?, ?)",
            list(rows),
        )

    def truth(self) -> list[tuple[str, str, str, float]]:
        return [
            (r[0], r[1], r[2], r[3])
            for r in self.s.rows("SELECT employee_id, area_id, period, theta FROM sim_truth")
        ]
