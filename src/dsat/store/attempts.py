"""Attempts and their responses. Results and their audit seal live in `results.py`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dsat.domain.attempts import Attempt, Response
from dsat.domain.forms import FormEntry
from dsat.store.base import now_iso, parse_iso

if TYPE_CHECKING:
    from dsat.store.base import Store


def dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


_FIELDS = (
    "id", "employee_id", "scope_kind", "scope_id", "form_seed", "lang", "started_at",
    "deadline", "submitted_at", "status", "position", "mode", "feedback", "origin",
    "superseded_by",
)  # fmt: skip
_COLS = ", ".join(_FIELDS)
_RESPONSE_COLS = (
    "attempt_id, position, item_id, item_version, competency_id, presentation, answer, "
    "answered_at, flagged, score, max_score, pretest, variant"
)


def _attempt(row: Sequence[Any]) -> Attempt:
    return Attempt(**dict(zip(_FIELDS, row, strict=True)))


def _response(r: Sequence[Any]) -> Response:
    order = loads(r[5])
    return Response(
        attempt_id=r[0], position=r[1], item_id=r[2], item_version=r[3], competency_id=r[4],
        order=tuple(order) if order is not None else None, answer=loads(r[6]),
        answered_at=parse_iso(r[7]), flagged=bool(r[8]), score=r[9], max_score=r[10],
        pretest=bool(r[11]), variant=r[12],
    )  # fmt: skip


def _entry_row(attempt_id: str, position: int, e: FormEntry) -> dict[str, Any]:
    return {
        "attempt_id": attempt_id,
        "position": position,
        "item_id": e.item_id,
        "item_version": e.version,
        "competency_id": e.competency_id,
        "presentation": dumps(list(e.order) if e.order is not None else None),
        "answer": None,
        "answered_at": None,
        "flagged": 0,
        "pretest": int(e.pretest),
        "variant": e.variant,
    }


class AttemptRepo:
    def __init__(self, store: Store):
        self.s = store

    # --- writing -----------------------------------------------------------------------
    def create(
        self,
        attempt: Attempt,
        framework_id: str,
        entries: Sequence[FormEntry],
        *,
        params_upto: int | None = None,
        pool: Any = None,
        external_key: str | None = None,
        external_sha: str | None = None,
    ) -> None:
        """The attempt and its form (adaptive attempts: the items chosen so far)."""
        self.s.require_write()
        self.s.write(
            """INSERT INTO attempts (id, employee_id, framework_id, scope_kind, scope_id,
                 form_seed, lang, started_at, deadline, submitted_at, status, position, mode,
                 feedback, origin, params_upto, pool, external_key, external_sha)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 0, ?, ?, ?, ?, ?, ?, ?)""",
            [
                attempt.id, attempt.employee_id, framework_id, attempt.scope_kind,
                attempt.scope_id, attempt.form_seed, attempt.lang, now_iso(attempt.started_at),
                now_iso(attempt.deadline), attempt.status, attempt.mode, attempt.feedback,
                attempt.origin, params_upto, dumps(pool), external_key, external_sha,
            ],
        )  # fmt: skip
        self.s.insert_all(
            "responses", (_entry_row(attempt.id, i, e) for i, e in enumerate(entries))
        )

    def create_finished(
        self,
        attempt: Attempt,
        framework_id: str,
        entries: Sequence[FormEntry],
        answers: Sequence[Any],
        scores: Sequence[tuple[int, float, float]],
        params_upto: int,
    ) -> None:
        """A whole finished attempt at once (the simulation writes thousands)."""
        self.s.require_write()
        self.s.write(
            """INSERT INTO attempts (id, employee_id, framework_id, scope_kind, scope_id,
                 form_seed, lang, started_at, deadline, submitted_at, status, position, mode,
                 feedback, origin, params_upto)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)""",
            [
                attempt.id, attempt.employee_id, framework_id, attempt.scope_kind,
                attempt.scope_id, attempt.form_seed, attempt.lang, now_iso(attempt.started_at),
                now_iso(attempt.deadline),
                now_iso(attempt.submitted_at or attempt.started_at), attempt.status,
                attempt.mode, attempt.feedback, attempt.origin, params_upto,
            ],
        )  # fmt: skip
        rows = []
        for i, e in enumerate(entries):
            row = _entry_row(attempt.id, i, e)
            row["answer"] = dumps(answers[i])
            row["score"], row["max_score"] = scores[i][1], scores[i][2]
            rows.append(row)
        self.s.insert_all("responses", rows, batch_size=500)

    def add_entry(self, attempt_id: str, position: int, entry: FormEntry) -> None:
        """One more item on an adaptive form."""
        self.s.insert_all("responses", [_entry_row(attempt_id, position, entry)])

    def save_answer(self, attempt_id: str, position: int, answer: Any, now: datetime) -> None:
        cur = self.s.write(
            "UPDATE responses SET answer = ?, answered_at = ? "
            "WHERE attempt_id = ? AND position = ?",
            [dumps(answer), now_iso(now), attempt_id, position],
        )
        if cur.rowcount != 1:
            raise KeyError(f"attempt {attempt_id} has no item at position {position}")

    def set_flag(self, attempt_id: str, position: int, flagged: bool) -> None:
        self.s.write(
            "UPDATE responses SET flagged = ? WHERE attempt_id = ? AND position = ?",
            [int(flagged), attempt_id, position],
        )

    def set_position(self, attempt_id: str, position: int) -> None:
        self.s.write(
            "UPDATE attempts SET position = ? WHERE id = ? AND status = 'in_progress'",
            [position, attempt_id],
        )

    def close(
        self,
        attempt_id: str,
        status: str,
        submitted_at: datetime,
        scores: Sequence[tuple[int, float, float]],
    ) -> None:
        """Mark the attempt finished and store each response's score."""
        self.s.write(
            "UPDATE attempts SET status = ?, submitted_at = ? WHERE id = ?",
            [status, now_iso(submitted_at), attempt_id],
        )
        self.s.write_many(
            "UPDATE responses SET score = ?, max_score = ? WHERE attempt_id = ? AND position = ?",
            [(score, mx, attempt_id, pos) for pos, score, mx in scores],
        )

    def retag(self, attempt_id: str, external_key: str) -> None:
        """The key of an attempt imported from elsewhere (after it superseded another)."""
        self.s.write(
            "UPDATE attempts SET external_key = ? WHERE id = ?", [external_key, attempt_id]
        )

    def count_exposure(self, entries: Iterable[tuple[str, int]]) -> None:
        """Items shown in a finished attempt, for the exposure cap of adaptive tests."""
        self.s.write_many(
            """INSERT INTO item_exposure (item_id, version, shown) VALUES (?, ?, 1)
               ON CONFLICT (item_id, version) DO UPDATE SET shown = shown + 1""",
            list(entries),
        )

    # --- reading -----------------------------------------------------------------------
    def get(self, attempt_id: str) -> Attempt | None:
        row = self.s.row(f"SELECT {_COLS} FROM attempts WHERE id = ?", [attempt_id])
        return _attempt(row) if row else None

    def in_progress(self, employee_id: str) -> Attempt | None:
        row = self.s.row(
            f"""SELECT {_COLS} FROM attempts WHERE employee_id = ? AND status = 'in_progress'
                ORDER BY started_at DESC LIMIT 1""",
            [employee_id],
        )
        return _attempt(row) if row else None

    def overdue(self, now: datetime) -> list[str]:
        rows = self.s.rows(
            "SELECT id FROM attempts WHERE status = 'in_progress' AND deadline <= ?",
            [now_iso(now)],
        )
        return [r[0] for r in rows]

    def responses(self, attempt_id: str) -> list[Response]:
        rows = self.s.rows(
            f"SELECT {_RESPONSE_COLS} FROM responses WHERE attempt_id = ? ORDER BY position",
            [attempt_id],
        )
        return [_response(r) for r in rows]

    def item_at(self, attempt_id: str, position: int) -> tuple[str, int, int | None] | None:
        row = self.s.row(
            "SELECT item_id, item_version, variant FROM responses "
            "WHERE attempt_id = ? AND position = ?",
            [attempt_id, position],
        )
        return (row[0], row[1], row[2]) if row else None

    def last_saved(self, attempt_id: str) -> datetime | None:
        found = self.s.value(
            "SELECT MAX(answered_at) FROM responses WHERE attempt_id = ?", [attempt_id]
        )
        return parse_iso(found) if found else None

    def snapshot(self, attempt_id: str) -> tuple[int | None, Any]:
        """(params_upto, pool) stored when an attempt started."""
        row = self.s.row("SELECT params_upto, pool FROM attempts WHERE id = ?", [attempt_id])
        return (row[0], loads(row[1])) if row else (None, None)

    def exposure(self) -> tuple[dict[tuple[str, int], int], int]:
        """(times each item version was shown in finished attempts, finished attempts)."""
        shown = {(r[0], r[1]): r[2] for r in self.s.rows("SELECT * FROM item_exposure")}
        total = self.s.value("SELECT COUNT(*) FROM attempts WHERE status != 'in_progress'")
        return shown, int(total or 0)

    def seen_since(self, employee_id: str, since: datetime) -> set[str]:
        """Items the person was shown in attempts started since `since`."""
        rows = self.s.rows(
            """SELECT DISTINCT p.item_id FROM responses p JOIN attempts a ON a.id = p.attempt_id
               WHERE a.employee_id = ? AND a.started_at >= ?""",
            [employee_id, now_iso(since)],
        )
        return {r[0] for r in rows}

    def last_finished(self, employee_id: str, scope_kind: str, scope_id: str) -> datetime | None:
        """When the person last finished a test of this scope (the retake cooldown)."""
        found = self.s.value(
            """SELECT MAX(submitted_at) FROM attempts WHERE employee_id = ? AND scope_kind = ?
               AND scope_id = ? AND status != 'in_progress' AND superseded_by IS NULL""",
            [employee_id, scope_kind, scope_id],
        )
        return parse_iso(found) if found else None

    def by_external_key(self, external_key: str) -> tuple[str, str] | None:
        row = self.s.row(
            "SELECT id, external_sha FROM attempts WHERE external_key = ? "
            "AND superseded_by IS NULL",
            [external_key],
        )
        return (row[0], row[1]) if row else None

    def list(self, employee_id: str | None = None) -> list[dict[str, Any]]:
        """Attempts, newest first, with totals and a result per competency (`results`)."""
        where, params = ("WHERE a.employee_id = ?", [employee_id]) if employee_id else ("", [])
        rows = self.s.dicts(
            f"""SELECT a.id, a.employee_id AS candidate, c.full_name, a.scope_kind,
                       a.scope_id AS competency, a.mode, a.feedback, a.status,
                       a.superseded_by, a.started_at, a.submitted_at,
                       ROUND(SUM(r.raw), 4) AS score, ROUND(SUM(r.max), 4) AS max,
                       ROUND(100.0 * SUM(r.raw) / NULLIF(SUM(r.max), 0), 1) AS percent,
                       GROUP_CONCAT(r.competency_id || '=' || r.band, ' ') AS levels,
                       json_group_array(json_object(
                           'competency', r.competency_id, 'band', r.band,
                           'percent', r.percent, 'theta', r.theta, 'se', r.se,
                           'level', r.level, 'p_proficient', r.p_proficient,
                           'proficient', json(CASE r.proficient
                               WHEN 1 THEN 'true' ELSE 'false' END),
                           'self_band', r.self_band
                       )) FILTER (WHERE r.attempt_id IS NOT NULL) AS results
                FROM attempts a JOIN candidates c ON c.employee_id = a.employee_id
                LEFT JOIN results r ON r.attempt_id = a.id
                {where}
                GROUP BY a.id ORDER BY a.started_at DESC""",
            params,
        )
        for row in rows:
            row["results"] = json.loads(row["results"] or "[]")
        return rows
