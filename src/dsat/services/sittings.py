"""Sittings: a testing session for a unit, with one-time codes handed out in the room.

While a sitting is open, candidates sign in with their employee id and a code; a code
binds to the first employee who uses it (who may use it again, e.g. after a crash), and
works only while its sitting is open. A wrong code gets the same message after the same
delay whatever was wrong; five failures in 15 minutes lock the employee id; all logged.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from dsat.services.clock import Clock, system_clock
from dsat.services.errors import ServiceError
from dsat.store.db import now_iso, transaction

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 8
MAX_FAILURES, WINDOW = 5, timedelta(minutes=15)


@dataclass(frozen=True)
class Sitting:
    id: int
    unit: str
    closes_at: str
    codes: list[str]


def open_sitting(
    db: sqlite_utils.Database, unit: str, codes: int, hours: float, opened_by: str,
    clock: Clock = system_clock,
) -> Sitting:  # fmt: skip
    if not unit.strip():
        raise ServiceError("error.unit")
    if not 1 <= codes <= 5000:
        raise ServiceError("error.codes_count")
    now = clock()
    closes = now + timedelta(hours=hours)
    made: list[str] = []
    with transaction(db):
        sid = db.conn.execute(
            "INSERT INTO sittings (unit, opened_at, closes_at, opened_by) VALUES (?, ?, ?, ?)",
            [unit.strip(), now_iso(now), now_iso(closes), opened_by],
        ).lastrowid
        while len(made) < codes:
            code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            cur = db.conn.execute(
                "INSERT OR IGNORE INTO sitting_codes (code, sitting_id) VALUES (?, ?)",
                [code, sid],
            )
            if cur.rowcount:
                made.append(code)
    return Sitting(int(sid), unit.strip(), now_iso(closes), made)


def close_sitting(db: sqlite_utils.Database, sitting_id: int, clock: Clock = system_clock) -> None:
    with transaction(db):
        cur = db.conn.execute(
            "UPDATE sittings SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
            [now_iso(clock()), sitting_id],
        )
        if cur.rowcount != 1:
            raise ServiceError("error.no_sitting", id=sitting_id)


def codes_required(db: sqlite_utils.Database, now: datetime) -> bool:
    """True while any sitting is open."""
    return (
        db.conn.execute(
            "SELECT 1 FROM sittings WHERE closed_at IS NULL AND closes_at > ? LIMIT 1",
            [now_iso(now)],
        ).fetchone()
        is not None
    )


def use_code(
    db: sqlite_utils.Database, employee_id: str, code: str, now: datetime, delay: float
) -> None:
    """Accept the code for this employee, or fail alike after `delay` seconds (logged)."""
    started = time.monotonic()
    name = f"candidate:{employee_id}"
    code = code.strip().upper()
    with transaction(db):
        failures = db.conn.execute(
            "SELECT COUNT(*) FROM sign_ins WHERE username = ? AND ok = 0 AND at >= ?",
            [name, now_iso(now - WINDOW)],
        ).fetchone()[0]
        row = db.conn.execute(
            """SELECT c.employee_id FROM sitting_codes c JOIN sittings s ON s.id = c.sitting_id
               WHERE c.code = ? AND s.closed_at IS NULL AND s.closes_at > ?""",
            [code, now_iso(now)],
        ).fetchone()
        reason = ""
        if row is None:
            reason = "unknown or closed code"
        elif row[0] not in (None, employee_id):
            reason = "code used by someone else"
        elif failures >= MAX_FAILURES:
            reason = "locked after repeated failures"
        db.conn.execute(
            "INSERT INTO sign_ins (at, username, ok, reason) VALUES (?, ?, ?, ?)",
            [now_iso(now), name, int(not reason), reason or "ok"],
        )
        if not reason and row[0] is None:
            db.conn.execute(
                "UPDATE sitting_codes SET employee_id = ?, used_at = ? WHERE code = ?",
                [employee_id, now_iso(now), code],
            )
    if reason:
        time.sleep(max(0.0, delay - (time.monotonic() - started)))
        raise ServiceError("error.code")
