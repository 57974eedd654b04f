"""One live session per attempt.

A session (one app process: a terminal, or one browser tab under `dsat serve`) holds a
lease on the attempt it shows. Another session may take the attempt over only when the
holder is gone: its process has ended (same machine) or it has not been seen for a while
(another machine). Otherwise it is refused until a trainer unlocks it
(`dsat sitting unlock EMPLOYEE_ID`). A dropped browser connection ends its process, so
reconnecting works, and the candidate is told when their last answer was saved.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

import sqlite_utils

from dsat.services.errors import ServiceError
from dsat.store.db import now_iso, parse_iso, transaction

STALE = timedelta(seconds=90)  # a holder on another machine not seen for this long is gone
HOST = socket.gethostname()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def holder_alive(host: str, pid: int, seen_at: str, now: datetime) -> bool:
    if host == HOST:
        return _alive(pid)
    seen = parse_iso(seen_at)
    return seen is not None and now - seen < STALE


def busy(db: sqlite_utils.Database, attempt_id: str, session: str, now: datetime) -> bool:
    """True when another live session holds the attempt."""
    row = db.conn.execute(
        "SELECT session, host, pid, seen_at FROM attempt_leases WHERE attempt_id = ?",
        [attempt_id],
    ).fetchone()
    return row is not None and row[0] != session and holder_alive(row[1], row[2], row[3], now)


def claim(db: sqlite_utils.Database, attempt_id: str, session: str, now: datetime) -> None:
    """Hold the attempt for this session, or raise ServiceError('error.attempt_busy')."""
    with transaction(db):
        if busy(db, attempt_id, session, now):
            raise ServiceError("error.attempt_busy")
        db.conn.execute(
            """INSERT INTO attempt_leases (attempt_id, session, host, pid, acquired_at, seen_at)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (attempt_id) DO UPDATE SET session = excluded.session,
                 host = excluded.host, pid = excluded.pid,
                 acquired_at = excluded.acquired_at, seen_at = excluded.seen_at""",
            [attempt_id, session, HOST, os.getpid(), now_iso(now), now_iso(now)],
        )


def touch(db: sqlite_utils.Database, attempt_id: str, session: str, now: datetime) -> None:
    with transaction(db):
        db.conn.execute(
            "UPDATE attempt_leases SET seen_at = ? WHERE attempt_id = ? AND session = ?",
            [now_iso(now), attempt_id, session],
        )


def release(db: sqlite_utils.Database, attempt_id: str, session: str) -> None:
    with transaction(db):
        db.conn.execute(
            "DELETE FROM attempt_leases WHERE attempt_id = ? AND session = ?",
            [attempt_id, session],
        )


def unlock(db: sqlite_utils.Database, employee_id: str) -> int:
    """Free the employee's open attempts for another session; the number freed."""
    with transaction(db):
        return db.conn.execute(
            """DELETE FROM attempt_leases WHERE attempt_id IN (
                 SELECT id FROM attempts WHERE employee_id = ? AND status = 'in_progress')""",
            [employee_id],
        ).rowcount
