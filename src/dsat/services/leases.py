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

from dsat.services.errors import ServiceError
from dsat.store import Store
from dsat.store.base import now_iso, parse_iso

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


def busy(store: Store, attempt_id: str, session: str, now: datetime) -> bool:
    """True when another live session holds the attempt."""
    row = store.leases.holder(attempt_id)
    return row is not None and row[0] != session and holder_alive(row[1], row[2], row[3], now)


def claim(store: Store, attempt_id: str, session: str, now: datetime) -> None:
    """Hold the attempt for this session, or raise ServiceError('error.attempt_busy')."""
    with store.unit_of_work():
        if busy(store, attempt_id, session, now):
            raise ServiceError("error.attempt_busy")
        store.leases.take(attempt_id, session, HOST, os.getpid(), now_iso(now))


def touch(store: Store, attempt_id: str, session: str, now: datetime) -> None:
    with store.unit_of_work():
        store.leases.touch(attempt_id, session, now_iso(now))


def release(store: Store, attempt_id: str, session: str) -> None:
    with store.unit_of_work():
        store.leases.release(attempt_id, session)


def unlock(store: Store, employee_id: str) -> int:
    """Free the employee's open attempts for another session; the number freed."""
    with store.unit_of_work():
        return store.leases.unlock(employee_id)
