"""The one throttle of dsat: failures counted per subject in a window, decided in the same
write as they are counted, and the same slow answer for every kind of failure.

Subjects are what is guessed at or who guesses: `account:NAME` for staff passwords,
`code:CODE` and `client:WHERE` for sitting codes. A candidate's own employee id is never a
subject, so nobody can lock a colleague out by typing wrong codes under their id.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from dsat.store import Store
from dsat.store.base import now_iso

MAX_FAILURES, WINDOW = 5, timedelta(minutes=15)
FAIL_DELAY = 1.0  # seconds, the same for every kind of failure


@dataclass(frozen=True)
class Throttle:
    max_failures: int = MAX_FAILURES
    window: timedelta = WINDOW
    delay: float = FAIL_DELAY

    def locked(self, store: Store, subjects: list[str], now: datetime) -> bool:
        """Inside the caller's unit of work: too many recent failures for any subject?"""
        since = now_iso(now - self.window)
        return any(store.throttle.failures([s], since) >= self.max_failures for s in subjects)

    def fail(
        self, store: Store, name: str, subjects: list[str], reason: str, now: datetime
    ) -> None:
        """Log a failure against every subject (inside the caller's unit of work)."""
        for subject in subjects:
            store.throttle.record(now_iso(now), name, False, reason, subject)

    def wait(self, started: float) -> None:
        """Sleep until `delay` seconds have passed since `started` (time.monotonic)."""
        time.sleep(max(0.0, self.delay - (time.monotonic() - started)))
