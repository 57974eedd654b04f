"""Results per competency and per area, and the seal that makes them tamper-evident.

This repository owns the rows the audit chain protects: nothing else writes `results`,
`area_results` or `supersessions`. A result is written once, together with its chain
entries (the attempt, its answers, its results); a correction supersedes an attempt and
never deletes it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dsat.domain.levels import AreaResult, CompetencyResult
from dsat.store.audit import (
    AREA_COLUMNS,
    ATTEMPT_COLUMNS,
    RESULT_COLUMNS,
    SUPERSEDE_COLUMNS,
    _canonical,
)
from dsat.store.base import local_iso, now_iso

if TYPE_CHECKING:
    from dsat.store.base import Store


@dataclass(frozen=True)
class Finished:
    """One finished attempt's results, ready to be stored and sealed."""

    attempt_id: str
    employee_id: str
    submitted_at: datetime
    results: Sequence[CompetencyResult]
    areas: Sequence[AreaResult] = ()


class ResultRepo:
    def __init__(self, store: Store):
        self.s = store

    # --- writing -----------------------------------------------------------------------
    def record(self, done: Sequence[Finished]) -> None:
        """Store the results of finished attempts and seal them in the audit chain.

        The attempts' rows (status, scores) must already be final: they are sealed too.
        """
        self.s.require_write()
        if not done:
            return
        self.s.audit.check_writable()
        rows, area_rows = [], []
        for f in done:
            local = local_iso(f.submitted_at)
            rows += [
                (
                    f.attempt_id, r.competency_id, f.employee_id, r.raw, r.max, r.percent,
                    r.band, int(r.proficient), r.self_band, local, r.theta, r.se, r.level,
                    r.p_proficient, int(r.provisional),
                )
                for r in f.results
            ]  # fmt: skip
            area_rows += [
                (
                    f.attempt_id, a.area_id, f.employee_id, local, a.theta, a.se, a.level,
                    a.band, int(a.proficient), a.p_proficient, a.items, int(a.provisional),
                )
                for a in f.areas
            ]  # fmt: skip
        self.s.write_many(
            f"INSERT INTO results ({', '.join(RESULT_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(RESULT_COLUMNS))})",
            rows,
        )
        self.s.write_many(
            f"INSERT INTO area_results ({', '.join(AREA_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(AREA_COLUMNS))})",
            area_rows,
        )
        self.seal([f.attempt_id for f in done])

    def seal(self, attempt_ids: Sequence[str]) -> None:
        """Chain the attempts, their answers and their results as they are now."""
        audit = self.s.audit
        entries: list[tuple[str, str, str]] = []
        for chunk in range(0, len(attempt_ids), 500):
            ids = list(attempt_ids[chunk : chunk + 500])
            marks = ",".join("?" * len(ids))
            attempts = {
                r[0]: r
                for r in self.s.rows(
                    f"SELECT {', '.join(ATTEMPT_COLUMNS)} FROM attempts WHERE id IN ({marks})",
                    ids,
                )
            }
            results: dict[str, list[Any]] = {i: [] for i in ids}
            for r in self.s.rows(
                f"SELECT {', '.join(RESULT_COLUMNS)} FROM results WHERE attempt_id IN ({marks}) "
                "ORDER BY rowid",
                ids,
            ):
                results[r[0]].append(("result", f"{r[0]} {r[1]}", _canonical(r)))
            for r in self.s.rows(
                f"SELECT {', '.join(AREA_COLUMNS)} FROM area_results "
                f"WHERE attempt_id IN ({marks}) ORDER BY rowid",
                ids,
            ):
                results[r[0]].append(("area_result", f"{r[0]} {r[1]}", _canonical(r)))
            for attempt_id in ids:
                entries.append(("attempt", attempt_id, _canonical(attempts[attempt_id])))
                entries.append(("responses", attempt_id, audit.response_digests(attempt_id)))
                entries += results[attempt_id]
        audit.append(entries)

    def supersede(
        self, old_attempt: str, new_attempt: str, at: datetime, by: str, reason: str
    ) -> None:
        """`new_attempt` replaces `old_attempt` in every report; both stay, both chained."""
        self.s.require_write()
        self.s.audit.check_writable()
        self.s.write("UPDATE results SET superseded = 1 WHERE attempt_id = ?", [old_attempt])
        self.s.write("UPDATE area_results SET superseded = 1 WHERE attempt_id = ?", [old_attempt])
        self.s.write(
            "UPDATE attempts SET superseded_by = ?, "
            "external_key = CASE WHEN external_key IS NULL THEN NULL "
            "ELSE external_key || ' superseded by ' || ? END WHERE id = ?",
            [new_attempt, new_attempt, old_attempt],
        )
        row = (old_attempt, new_attempt, now_iso(at), by, reason)
        self.s.write(
            f"INSERT INTO supersessions ({', '.join(SUPERSEDE_COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
            row,
        )
        self.s.audit.append([("supersede", old_attempt, _canonical(row))])

    # --- reading -----------------------------------------------------------------------
    def of_attempt(self, attempt_id: str) -> list[CompetencyResult]:
        rows = self.s.rows(
            """SELECT r.competency_id, r.raw, r.max, r.percent, r.band, r.proficient,
                      r.self_band, COUNT(p.position), COUNT(p.answered_at), r.theta, r.se,
                      r.level, r.p_proficient, r.provisional
               FROM results r JOIN responses p
                 ON p.attempt_id = r.attempt_id AND p.competency_id = r.competency_id
                 AND p.pretest = 0
               WHERE r.attempt_id = ? GROUP BY r.competency_id ORDER BY MIN(p.position)""",
            [attempt_id],
        )
        return [
            CompetencyResult(
                competency_id=r[0], raw=r[1], max=r[2], percent=r[3], band=r[4],
                proficient=bool(r[5]), self_band=r[6], items=r[7], answered=r[8], theta=r[9],
                se=r[10], level=r[11], p_proficient=r[12], provisional=bool(r[13]),
            )
            for r in rows
        ]  # fmt: skip

    def areas_of_attempt(self, attempt_id: str) -> list[AreaResult]:
        rows = self.s.rows(
            """SELECT area_id, theta, se, level, band, proficient, p_proficient, items,
                      provisional FROM area_results WHERE attempt_id = ? ORDER BY rowid""",
            [attempt_id],
        )
        return [
            AreaResult(
                area_id=r[0], theta=r[1], se=r[2], level=r[3], band=r[4],
                proficient=bool(r[5]), p_proficient=r[6], items=r[7], provisional=bool(r[8]),
            )
            for r in rows
        ]  # fmt: skip

    def latest_bands(
        self, employee_id: str
    ) -> dict[str, tuple[str, float, float | None, float | None]]:
        """competency -> (band, percent, theta, se) of the person's latest result of it."""
        rows = self.s.rows(
            """SELECT r.competency_id, r.band, r.percent, r.theta, r.se FROM results r
               JOIN attempts a ON a.id = r.attempt_id
               WHERE a.employee_id = ? AND a.status != 'in_progress' AND r.superseded = 0
               ORDER BY a.submitted_at""",
            [employee_id],
        )
        return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}

    def supersessions(self) -> list[dict[str, Any]]:
        return self.s.dicts(f"SELECT {', '.join(SUPERSEDE_COLUMNS)} FROM supersessions ORDER BY at")

    def count(self) -> int:
        return int(self.s.value("SELECT COUNT(*) FROM results"))


def decode(text: str | None) -> Any:
    return None if text is None else json.loads(text)
