"""The attempt on screen: its lease, its heartbeat, its submission and its release.

One object owns the session's life so no screen has to: the app opens it when a test is
shown, beats it every 20 seconds while the test is on screen, submits through it (off the
UI thread) and releases it when the test ends or the window closes.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from dsat.services.errors import ServiceError, StoreError

if TYPE_CHECKING:
    from dsat.domain.levels import CompetencyResult
    from dsat.services.assessment import AssessmentService

HEARTBEAT_SECONDS = 20


class AttemptSession:
    def __init__(self, service: AssessmentService, session: str):
        self.service, self.session = service, session
        self.attempt_id: str | None = None

    def open(self, attempt_id: str) -> None:
        """Hold the attempt for this window (ServiceError when another window has it)."""
        self.service.claim(attempt_id, self.session)
        self.attempt_id = attempt_id

    def beat(self) -> None:
        """This window still shows the attempt; a busy database just skips a beat."""
        if self.attempt_id is None:
            return
        # the lease is seen as stale only after 90 s: the next beat tries again
        with contextlib.suppress(StoreError):
            self.service.still_here(self.attempt_id, self.session)

    def submit(self, expired: bool) -> list[CompetencyResult]:
        """Score and close the attempt, then let it go (called from a worker thread)."""
        assert self.attempt_id is not None
        results = self.service.submit(self.attempt_id, expired=expired)
        self.release()
        return results

    def release(self) -> None:
        if self.attempt_id is None:
            return
        # a lease left behind is freed when its process is seen gone
        with contextlib.suppress(StoreError, ServiceError):
            self.service.let_go(self.attempt_id, self.session)
        self.attempt_id = None
