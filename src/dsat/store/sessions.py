"""Sittings with one-time codes, and the lease that keeps an attempt on one screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dsat.store.base import Store


class SittingRepo:
    def __init__(self, store: Store):
        self.s = store

    def open(self, unit: str, opened_at: str, closes_at: str, by: str, feedback: str) -> int:
        cur = self.s.write(
            "INSERT INTO sittings (unit, opened_at, closes_at, opened_by, feedback) "
            "VALUES (?, ?, ?, ?, ?)",
            [unit, opened_at, closes_at, by, feedback],
        )
        return int(cur.lastrowid or 0)

    def add_code(self, sitting_id: int, code: str, issued_to: str | None) -> bool:
        """False when the code exists already (draw another)."""
        cur = self.s.write(
            "INSERT OR IGNORE INTO sitting_codes (code, sitting_id, issued_to) VALUES (?, ?, ?)",
            [code, sitting_id, issued_to],
        )
        return cur.rowcount == 1

    def close(self, sitting_id: int, now: str) -> bool:
        cur = self.s.write(
            "UPDATE sittings SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
            [now, sitting_id],
        )
        return cur.rowcount == 1

    def any_open(self, now: str) -> bool:
        return (
            self.s.row(
                "SELECT 1 FROM sittings WHERE closed_at IS NULL AND closes_at > ? LIMIT 1", [now]
            )
            is not None
        )

    def code(self, code: str, now: str) -> tuple[str | None, str | None, str] | None:
        """(issued_to, used_by, feedback) of a code of an open sitting; None otherwise."""
        row = self.s.row(
            """SELECT c.issued_to, c.employee_id, s.feedback FROM sitting_codes c
               JOIN sittings s ON s.id = c.sitting_id
               WHERE c.code = ? AND s.closed_at IS NULL AND s.closes_at > ?""",
            [code, now],
        )
        return (row[0], row[1], row[2]) if row else None

    def bind(self, code: str, employee_id: str) -> bool:
        """Give an unissued code to a named employee (at the invigilator's desk)."""
        cur = self.s.write(
            "UPDATE sitting_codes SET issued_to = ? WHERE code = ? AND issued_to IS NULL "
            "AND employee_id IS NULL",
            [employee_id, code],
        )
        return cur.rowcount == 1

    def use(self, code: str, employee_id: str, now: str) -> None:
        self.s.write(
            "UPDATE sitting_codes SET employee_id = ?, used_at = COALESCE(used_at, ?) "
            "WHERE code = ?",
            [employee_id, now, code],
        )

    def feedback_of(self, employee_id: str, now: str) -> str | None:
        """The feedback mode of the open sitting whose code this person used, if any."""
        found = self.s.value(
            """SELECT s.feedback FROM sitting_codes c JOIN sittings s ON s.id = c.sitting_id
               WHERE c.employee_id = ? AND s.closed_at IS NULL AND s.closes_at > ?
               ORDER BY s.id DESC LIMIT 1""",
            [employee_id, now],
        )
        return None if found is None else str(found)


class LeaseRepo:
    def __init__(self, store: Store):
        self.s = store

    def holder(self, attempt_id: str) -> tuple[str, str, int, str] | None:
        """(session, host, pid, seen_at) of the session holding the attempt."""
        row = self.s.row(
            "SELECT session, host, pid, seen_at FROM attempt_leases WHERE attempt_id = ?",
            [attempt_id],
        )
        return (row[0], row[1], row[2], row[3]) if row else None

    def take(self, attempt_id: str, session: str, host: str, pid: int, now: str) -> None:
        self.s.write(
            """INSERT INTO attempt_leases (attempt_id, session, host, pid, acquired_at, seen_at)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (attempt_id) DO UPDATE SET session = excluded.session,
                 host = excluded.host, pid = excluded.pid,
                 acquired_at = excluded.acquired_at, seen_at = excluded.seen_at""",
            [attempt_id, session, host, pid, now, now],
        )

    def touch(self, attempt_id: str, session: str, now: str) -> None:
        self.s.write(
            "UPDATE attempt_leases SET seen_at = ? WHERE attempt_id = ? AND session = ?",
            [now, attempt_id, session],
        )

    def release(self, attempt_id: str, session: str) -> None:
        self.s.write(
            "DELETE FROM attempt_leases WHERE attempt_id = ? AND session = ?",
            [attempt_id, session],
        )

    def unlock(self, employee_id: str) -> int:
        return self.s.write(
            """DELETE FROM attempt_leases WHERE attempt_id IN (
                 SELECT id FROM attempts WHERE employee_id = ? AND status = 'in_progress')""",
            [employee_id],
        ).rowcount
