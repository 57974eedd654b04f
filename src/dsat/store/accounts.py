"""Staff accounts and the log of sign-in attempts (the one throttle of dsat)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dsat.store.base import Store


class AccountRepo:
    def __init__(self, store: Store):
        self.s = store

    def get(self, username: str) -> tuple[str, str, bool] | None:
        """(role, password hash, active) of an account."""
        row = self.s.row(
            "SELECT role, password_hash, active FROM accounts WHERE username = ?", [username]
        )
        return (row[0], row[1], bool(row[2])) if row else None

    def add(self, username: str, role: str, password_hash: str, now: str) -> bool:
        """False when the name is taken."""
        cur = self.s.write(
            """INSERT OR IGNORE INTO accounts (username, role, password_hash, created_at,
               updated_at) VALUES (?, ?, ?, ?, ?)""",
            [username, role, password_hash, now, now],
        )
        return cur.rowcount == 1

    def set_hash(self, username: str, password_hash: str, now: str) -> bool:
        cur = self.s.write(
            "UPDATE accounts SET password_hash = ?, updated_at = ? WHERE username = ?",
            [password_hash, now, username],
        )
        return cur.rowcount == 1

    def active_count(self) -> int:
        return int(self.s.value("SELECT COUNT(*) FROM accounts WHERE active = 1"))


class ThrottleRepo:
    """Every sign-in attempt, and the failures counted per subject (a name, a code, a client).

    A subject is what is being guessed at or who is guessing: `account:lan`, `code:X7K2`,
    `client:host/session`. Counting and deciding happen in the caller's unit of work, so
    parallel attempts cannot all pass the check before any is recorded.
    """

    def __init__(self, store: Store):
        self.s = store

    def failures(self, subjects: list[str], since: str) -> int:
        """Failures (and attempts still being checked) of any of `subjects` since `since`."""
        if not subjects:
            return 0
        marks = ",".join("?" * len(subjects))
        return int(
            self.s.value(
                f"SELECT COUNT(*) FROM sign_ins WHERE subject IN ({marks}) AND ok = 0 AND at >= ?",
                [*subjects, since],
            )
        )

    def record(self, at: str, username: str, ok: bool, reason: str, subject: str) -> int:
        """Log one attempt; returns its id (a pending check is settled with `settle`)."""
        cur = self.s.write(
            "INSERT INTO sign_ins (at, username, ok, reason, subject) VALUES (?, ?, ?, ?, ?)",
            [at, username, int(ok), reason, subject],
        )
        return int(cur.lastrowid or 0)

    def settle(self, attempt_id: int, ok: bool, reason: str) -> None:
        self.s.write(
            "UPDATE sign_ins SET ok = ?, reason = ? WHERE id = ?", [int(ok), reason, attempt_id]
        )

    def log(self, username: str) -> list[tuple[str, bool, str]]:
        return [
            (r[0], bool(r[1]), r[2])
            for r in self.s.rows(
                "SELECT at, ok, reason FROM sign_ins WHERE username = ? ORDER BY id", [username]
            )
        ]
