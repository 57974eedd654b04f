"""Attempts, their responses and their results."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlite_utils

from dsat.domain.attempts import Attempt, Response
from dsat.domain.forms import FormEntry
from dsat.domain.levels import CompetencyResult
from dsat.store import chain
from dsat.store.db import local_iso, now_iso, parse_iso


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def create_attempt(
    db: sqlite_utils.Database, attempt: Attempt, framework_id: str, entries: Sequence[FormEntry]
) -> None:
    db["attempts"].insert(
        {
            "id": attempt.id,
            "employee_id": attempt.employee_id,
            "framework_id": framework_id,
            "scope_kind": attempt.scope_kind,
            "scope_id": attempt.scope_id,
            "form_seed": attempt.form_seed,
            "lang": attempt.lang,
            "started_at": now_iso(attempt.started_at),
            "deadline": now_iso(attempt.deadline),
            "submitted_at": None,
            "status": attempt.status,
            "position": 0,
        }
    )
    db["responses"].insert_all(
        {
            "attempt_id": attempt.id,
            "position": i,
            "item_id": e.item_id,
            "item_version": e.version,
            "competency_id": e.competency_id,
            "presentation": _dumps(list(e.order) if e.order is not None else None),
            "answer": None,
            "answered_at": None,
            "flagged": 0,
        }
        for i, e in enumerate(entries)
    )


_ATTEMPT_FIELDS = (
    "id",
    "employee_id",
    "scope_kind",
    "scope_id",
    "form_seed",
    "lang",
    "started_at",
    "deadline",
    "submitted_at",
    "status",
    "position",
)
_ATTEMPT_COLS = ", ".join(_ATTEMPT_FIELDS)


def _attempt(row: Sequence[Any]) -> Attempt:
    return Attempt(**dict(zip(_ATTEMPT_FIELDS, row, strict=True)))


def get_attempt(db: sqlite_utils.Database, attempt_id: str) -> Attempt | None:
    row = db.conn.execute(
        f"SELECT {_ATTEMPT_COLS} FROM attempts WHERE id = ?", [attempt_id]
    ).fetchone()
    return _attempt(row) if row else None


def in_progress(db: sqlite_utils.Database, employee_id: str) -> Attempt | None:
    row = db.conn.execute(
        f"""SELECT {_ATTEMPT_COLS} FROM attempts WHERE employee_id = ? AND status = 'in_progress'
            ORDER BY started_at DESC LIMIT 1""",
        [employee_id],
    ).fetchone()
    return _attempt(row) if row else None


def overdue(db: sqlite_utils.Database, now: datetime) -> list[str]:
    rows = db.conn.execute(
        "SELECT id FROM attempts WHERE status = 'in_progress' AND deadline <= ?", [now_iso(now)]
    )
    return [r[0] for r in rows]


def responses(db: sqlite_utils.Database, attempt_id: str) -> list[Response]:
    rows = db.conn.execute(
        """SELECT attempt_id, position, item_id, item_version, competency_id, presentation,
                  answer, answered_at, flagged, score, max_score
           FROM responses WHERE attempt_id = ? ORDER BY position""",
        [attempt_id],
    )
    out = []
    for r in rows:
        order = _loads(r[5])
        out.append(
            Response(
                attempt_id=r[0],
                position=r[1],
                item_id=r[2],
                item_version=r[3],
                competency_id=r[4],
                order=tuple(order) if order is not None else None,
                answer=_loads(r[6]),
                answered_at=parse_iso(r[7]),
                flagged=bool(r[8]),
                score=r[9],
                max_score=r[10],
            )
        )
    return out


def item_at(db: sqlite_utils.Database, attempt_id: str, position: int) -> tuple[str, int] | None:
    row = db.conn.execute(
        "SELECT item_id, item_version FROM responses WHERE attempt_id = ? AND position = ?",
        [attempt_id, position],
    ).fetchone()
    return (row[0], row[1]) if row else None


def last_saved(db: sqlite_utils.Database, attempt_id: str) -> datetime | None:
    row = db.conn.execute(
        "SELECT MAX(answered_at) FROM responses WHERE attempt_id = ?", [attempt_id]
    ).fetchone()
    return parse_iso(row[0]) if row and row[0] else None


def save_answer(
    db: sqlite_utils.Database, attempt_id: str, position: int, answer: Any, now: datetime
) -> None:
    cur = db.conn.execute(
        """UPDATE responses SET answer = ?, answered_at = ?
           WHERE attempt_id = ? AND position = ?""",
        [_dumps(answer), now_iso(now), attempt_id, position],
    )
    if cur.rowcount != 1:
        raise KeyError(f"attempt {attempt_id} has no item at position {position}")


def set_flag(db: sqlite_utils.Database, attempt_id: str, position: int, flagged: bool) -> None:
    db.conn.execute(
        "UPDATE responses SET flagged = ? WHERE attempt_id = ? AND position = ?",
        [int(flagged), attempt_id, position],
    )


def set_position(db: sqlite_utils.Database, attempt_id: str, position: int) -> None:
    db.conn.execute("UPDATE attempts SET position = ? WHERE id = ?", [position, attempt_id])


def finish(
    db: sqlite_utils.Database,
    attempt_id: str,
    status: str,
    submitted_at: datetime,
    scores: Sequence[tuple[int, float, float]],
    results: Sequence[CompetencyResult],
) -> None:
    """Mark the attempt finished, store each response's score and the results."""
    db.conn.execute(
        "UPDATE attempts SET status = ?, submitted_at = ? WHERE id = ?",
        [status, now_iso(submitted_at), attempt_id],
    )
    db.conn.executemany(
        "UPDATE responses SET score = ?, max_score = ? WHERE attempt_id = ? AND position = ?",
        [(score, mx, attempt_id, pos) for pos, score, mx in scores],
    )
    employee_id = db.conn.execute(
        "SELECT employee_id FROM attempts WHERE id = ?", [attempt_id]
    ).fetchone()[0]
    local = local_iso(submitted_at)
    db["results"].insert_all(
        {
            "attempt_id": attempt_id,
            "employee_id": employee_id,
            "submitted_local": local,
            "competency_id": r.competency_id,
            "raw": r.raw,
            "max": r.max,
            "percent": r.percent,
            "band": r.band,
            "proficient": int(r.proficient),
            "self_band": r.self_band,
        }
        for r in results
    )
    chain.append(db, [attempt_id])


def results(db: sqlite_utils.Database, attempt_id: str) -> list[CompetencyResult]:
    rows = db.conn.execute(
        """SELECT r.competency_id, r.raw, r.max, r.percent, r.band, r.proficient, r.self_band,
                  COUNT(p.position), COUNT(p.answered_at)
           FROM results r JOIN responses p
             ON p.attempt_id = r.attempt_id AND p.competency_id = r.competency_id
           WHERE r.attempt_id = ? GROUP BY r.competency_id ORDER BY MIN(p.position)""",
        [attempt_id],
    )
    return [
        CompetencyResult(
            competency_id=r[0],
            raw=r[1],
            max=r[2],
            percent=r[3],
            band=r[4],
            proficient=bool(r[5]),
            self_band=r[6],
            items=r[7],
            answered=r[8],
        )
        for r in rows
    ]


def latest_bands(db: sqlite_utils.Database, employee_id: str) -> dict[str, tuple[str, float]]:
    """competency -> (band, percent) of the candidate's latest finished attempt covering it."""
    rows = db.conn.execute(
        """SELECT r.competency_id, r.band, r.percent FROM results r
           JOIN attempts a ON a.id = r.attempt_id
           WHERE a.employee_id = ? AND a.status != 'in_progress'
           ORDER BY a.submitted_at""",
        [employee_id],
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def list_attempts(
    db: sqlite_utils.Database, employee_id: str | None = None
) -> list[dict[str, Any]]:
    """Attempts, newest first, with totals and a result per competency (`results`)."""
    where, params = ("WHERE a.employee_id = ?", [employee_id]) if employee_id else ("", [])
    rows = list(
        db.query(
            f"""SELECT a.id, a.employee_id AS candidate, c.full_name, a.scope_kind,
                       a.scope_id AS competency, a.status, a.started_at, a.submitted_at,
                       ROUND(SUM(r.raw), 4) AS score, ROUND(SUM(r.max), 4) AS max,
                       ROUND(100.0 * SUM(r.raw) / NULLIF(SUM(r.max), 0), 1) AS percent,
                       GROUP_CONCAT(r.competency_id || '=' || r.band, ' ') AS levels,
                       json_group_array(json_object(
                           'competency', r.competency_id, 'band', r.band,
                           'percent', r.percent, 'proficient', json(CASE r.proficient
                               WHEN 1 THEN 'true' ELSE 'false' END),
                           'self_band', r.self_band
                       )) FILTER (WHERE r.attempt_id IS NOT NULL) AS results
                FROM attempts a JOIN candidates c ON c.employee_id = a.employee_id
                LEFT JOIN results r ON r.attempt_id = a.id
                {where}
                GROUP BY a.id ORDER BY a.started_at DESC""",
            params,
        )
    )
    for row in rows:
        row["results"] = json.loads(row["results"] or "[]")
    return rows
