"""Taking a test: identify, choose a scope, answer, flag, move, submit, resume, review.

The deadline is enforced here from the stored attempt, never by a screen's timer: an
answer that arrives after the deadline is refused whoever sends it.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from dsat.domain.attempts import Attempt, Candidate
from dsat.domain.forms import FormError, assemble_form, time_limit_seconds
from dsat.domain.framework import Framework
from dsat.domain.levels import CompetencyResult, ScoredResponse, competency_results
from dsat.domain.presentation import PresentedItem, describe_answer, describe_key, present
from dsat.domain.scoring import AnswerError, check_answer, is_answered, score_fraction
from dsat.domain.text import Lang
from dsat.services.clock import Clock, system_clock
from dsat.services.errors import ServiceError
from dsat.store import attempts as store
from dsat.store import candidates, catalogue
from dsat.store.db import now_iso, transaction

FULL_SCOPE = "all"  # scope id of the full assessment
EMPLOYEE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")


@dataclass(frozen=True)
class MenuEntry:
    """One line of the competency picker."""

    scope_kind: str  # "full", "area" or "competency"
    scope_id: str
    name: str
    items: int
    last_band: str | None
    last_percent: float | None


@dataclass(frozen=True)
class Slot:
    """One item of a form as a candidate sees it: no key, no explanation."""

    position: int
    competency_id: str
    item: PresentedItem
    answer: Any
    flagged: bool
    saved_at: datetime | None

    @property
    def answered(self) -> bool:
        return is_answered(self.answer)


@dataclass(frozen=True)
class SavedAnswer:
    value: Any
    saved_at: datetime


@dataclass(frozen=True)
class AttemptState:
    attempt: Attempt
    slots: list[Slot]
    remaining_seconds: int


@dataclass(frozen=True)
class ReviewedItem:
    """An item after submission, with the answer given, the key and the explanation."""

    position: int
    competency_id: str
    stem: str
    item_type: str
    your_answer: str | None
    right_answer: str | None
    explanation: str | None
    fraction: float
    scored: bool


@dataclass(frozen=True)
class ResultView:
    attempt: Attempt
    results: list[CompetencyResult]
    items: list[ReviewedItem]


class AssessmentService:
    """The one place where a test is run; the TUI and CLI only call it."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        framework: Framework,
        clock: Clock = system_clock,
        grace_seconds: int = 0,
    ):
        """`grace_seconds`: after the time limit, a candidate may still submit (as in
        Moodle's grace period) but no longer change answers."""
        self.db, self.fw, self.clock = db, framework, clock
        self.grace = timedelta(seconds=grace_seconds)
        self._items: dict[tuple[str, int], Any] = {}

    # --- candidates --------------------------------------------------------------------
    code_fail_delay = 1.0  # seconds; the same for every kind of wrong code

    def codes_required(self) -> bool:
        """While a sitting is open, candidates also give a one-time session code."""
        from dsat.services.sittings import codes_required

        return codes_required(self.db, self.clock())

    def identify(
        self, employee_id: str, full_name: str, unit: str, code: str | None = None
    ) -> Candidate:
        employee_id, full_name, unit = (
            employee_id.strip(),
            " ".join(full_name.split()),
            unit.strip(),
        )
        if not EMPLOYEE_ID.match(employee_id):
            raise ServiceError("error.employee_id")
        if not full_name:
            raise ServiceError("error.full_name")
        if not unit:
            raise ServiceError("error.unit")
        if self.codes_required():
            from dsat.services.sittings import use_code

            use_code(self.db, employee_id, code or "", self.clock(), self.code_fail_delay)
        cand = Candidate(employee_id=employee_id, full_name=full_name[:120], unit=unit[:200])
        with transaction(self.db):
            candidates.upsert_candidate(self.db, cand, now_iso(self.clock()))
        return cand

    def last_candidate(self) -> Candidate | None:
        return candidates.last_candidate(self.db)

    # --- choosing ------------------------------------------------------------------------
    def menu(self, employee_id: str | None, lang: Lang) -> list[MenuEntry]:
        """The full assessment, then areas and their competencies that have items, with the
        candidate's last level for each competency."""
        counts = catalogue.item_counts(self.db)
        last = store.latest_bands(self.db, employee_id) if employee_id else {}
        out = [
            MenuEntry("full", FULL_SCOPE, self.fw.name.get(lang), sum(counts.values()), None, None)
        ]
        for area in self.fw.areas:
            comps = [c for c in area.competencies if counts.get(c.id)]
            if not comps:
                continue
            out.append(
                MenuEntry(
                    "area",
                    area.id,
                    area.name.get(lang),
                    sum(counts[c.id] for c in comps),
                    None,
                    None,
                )
            )
            for c in comps:
                band, pct = last.get(c.id, (None, None))
                out.append(MenuEntry("competency", c.id, c.name.get(lang), counts[c.id], band, pct))
        return out

    def _scope(self, kind: str, scope_id: str) -> list[str]:
        counts = catalogue.item_counts(self.db)
        if kind == "competency" and self.fw.competency(scope_id):
            return [scope_id]
        if kind == "area" and (area := self.fw.area(scope_id)):
            return [c.id for c in area.competencies if counts.get(c.id)]
        if kind == "full" and scope_id == FULL_SCOPE:
            return [c for c in self.fw.competency_ids() if counts.get(c)]
        raise ServiceError("error.scope", scope=scope_id)

    # --- the attempt ---------------------------------------------------------------------
    def start(
        self, employee_id: str, kind: str, scope_id: str, lang: Lang, seed: int | None = None
    ) -> AttemptState:
        comps = self._scope(kind, scope_id)
        blueprint = getattr(self.fw.blueprints, kind)
        seed = secrets.randbelow(2**31) if seed is None else seed
        try:
            entries = assemble_form(
                self.fw, catalogue.active_items(self.db, comps), comps, blueprint, seed
            )
        except FormError:
            raise ServiceError("error.no_items", scope=scope_id) from None
        now = self.clock()
        attempt = Attempt(
            id=str(uuid.uuid4()),
            employee_id=employee_id,
            scope_kind=kind,
            scope_id=scope_id,
            form_seed=seed,
            lang=lang,
            started_at=now,
            deadline=now + timedelta(seconds=time_limit_seconds(blueprint, len(entries))),
            status="in_progress",
        )
        with transaction(self.db):
            store.create_attempt(self.db, attempt, self.fw.id, entries)
        return self.state(attempt.id, lang)

    # --- one live session per attempt -------------------------------------------------------
    def claim(self, attempt_id: str, session: str) -> None:
        from dsat.services import leases

        leases.claim(self.db, attempt_id, session, self.clock())

    def busy(self, attempt_id: str, session: str) -> bool:
        """True when another live session (window, browser tab) shows this attempt."""
        from dsat.services import leases

        return leases.busy(self.db, attempt_id, session, self.clock())

    def still_here(self, attempt_id: str, session: str) -> None:
        from dsat.services import leases

        leases.touch(self.db, attempt_id, session, self.clock())

    def let_go(self, attempt_id: str, session: str) -> None:
        from dsat.services import leases

        leases.release(self.db, attempt_id, session)

    def last_saved(self, attempt_id: str) -> datetime | None:
        return store.last_saved(self.db, attempt_id)

    def resumable(self, employee_id: str) -> Attempt | None:
        """The candidate's unfinished attempt, after closing any whose time ran out."""
        self.expire_overdue()
        return store.in_progress(self.db, employee_id)

    def _item(self, item_id: str, version: int) -> Any:
        key = (item_id, version)
        if key not in self._items:
            self._items[key] = catalogue.item_version(self.db, item_id, version)
        return self._items[key]

    def _attempt(self, attempt_id: str) -> Attempt:
        attempt = store.get_attempt(self.db, attempt_id)
        if attempt is None:
            raise ServiceError("error.no_attempt")
        return attempt

    def remaining(self, attempt: Attempt) -> int:
        return max(0, int((attempt.deadline - self.clock()).total_seconds()))

    def grace_left(self, attempt: Attempt) -> int:
        """Seconds in which a timed-out attempt may still be submitted (0: none)."""
        return max(0, int((attempt.deadline + self.grace - self.clock()).total_seconds()))

    def state(self, attempt_id: str, lang: Lang) -> AttemptState:
        attempt = self._attempt(attempt_id)
        slots = [
            Slot(
                position=r.position,
                competency_id=r.competency_id,
                item=present(self._item(r.item_id, r.item_version), r.order, lang, self.fw),
                answer=r.answer,
                flagged=r.flagged,
                saved_at=r.answered_at,
            )
            for r in store.responses(self.db, attempt_id)
        ]
        return AttemptState(attempt, slots, self.remaining(attempt))

    def _open(self, attempt_id: str) -> Attempt:
        attempt = self._attempt(attempt_id)
        if attempt.status != "in_progress":
            raise ServiceError("error.closed")
        if self.clock() >= attempt.deadline:
            raise ServiceError("error.time_up")
        return attempt

    def answer(self, attempt_id: str, position: int, answer: Any) -> SavedAnswer:
        """Validate and store one answer in its own transaction; returns what was saved."""
        with transaction(self.db):
            self._open(attempt_id)
            at = store.item_at(self.db, attempt_id, position)
            if at is None:
                raise ServiceError("error.position", position=position)
            try:
                value = check_answer(
                    self._item(*at),
                    answer,
                    len(self.fw.self_rating_scale),
                )
            except AnswerError as exc:
                raise ServiceError("error.answer", detail=str(exc)) from None
            saved_at = self.clock()
            store.save_answer(self.db, attempt_id, position, value, saved_at)
            store.set_position(self.db, attempt_id, position)
        return SavedAnswer(value, saved_at)

    def flag(self, attempt_id: str, position: int, flagged: bool) -> None:
        with transaction(self.db):
            self._open(attempt_id)
            store.set_flag(self.db, attempt_id, position, flagged)

    def move(self, attempt_id: str, position: int) -> None:
        """Remember where the candidate is, so a resume lands on the same item."""
        with transaction(self.db):
            attempt = store.get_attempt(self.db, attempt_id)
            if attempt and attempt.status == "in_progress":
                store.set_position(self.db, attempt_id, position)

    def submit(self, attempt_id: str, *, expired: bool = False) -> list[CompetencyResult]:
        """Score and close the attempt. Submitting twice returns the first results."""
        with transaction(self.db):
            attempt = self._attempt(attempt_id)
            if attempt.status != "in_progress":
                return store.results(self.db, attempt_id)
            rows = store.responses(self.db, attempt_id)
            scores, scored = [], []
            for r in rows:
                item = self._item(r.item_id, r.item_version)
                fraction = score_fraction(item, r.answer)
                weight = item.weight if item.scored else 0.0
                scores.append((r.position, round(fraction * weight, 6), weight))
                rating = r.answer if item.type == "self_rating" and r.answer is not None else None
                scored.append(
                    ScoredResponse(
                        r.competency_id,
                        item.scored,
                        item.weight,
                        fraction,
                        is_answered(r.answer),
                        rating,
                    )
                )
            comps = list(dict.fromkeys(r.competency_id for r in rows))
            results = competency_results(self.fw, scored, comps)
            now = self.clock()
            late = expired or now >= attempt.deadline + self.grace
            store.finish(
                self.db,
                attempt_id,
                "expired" if late else "submitted",
                min(now, attempt.deadline) if late else now,
                scores,
                results,
            )
        return store.results(self.db, attempt_id)

    def expire_overdue(self) -> list[str]:
        """Submit, with what was answered, every attempt whose deadline has passed."""
        ids = store.overdue(self.db, self.clock() - self.grace)
        for attempt_id in ids:
            self.submit(attempt_id, expired=True)
        return ids

    # --- after submission ----------------------------------------------------------------
    def result(self, attempt_id: str, lang: Lang) -> ResultView:
        attempt = self._attempt(attempt_id)
        if attempt.status == "in_progress":
            raise ServiceError("error.not_submitted")
        reviewed = []
        for r in store.responses(self.db, attempt_id):
            item = self._item(r.item_id, r.item_version)
            reviewed.append(
                ReviewedItem(
                    position=r.position,
                    competency_id=r.competency_id,
                    stem=item.stem.get(lang),
                    item_type=item.type,
                    your_answer=describe_answer(item, r.answer, lang, self.fw),
                    right_answer=describe_key(item, lang),
                    explanation=item.explanation.get(lang) if item.explanation else None,
                    fraction=score_fraction(item, r.answer),
                    scored=item.scored,
                )
            )
        return ResultView(attempt, store.results(self.db, attempt_id), reviewed)

    def history(self, employee_id: str | None = None) -> list[dict[str, Any]]:
        return store.list_attempts(self.db, employee_id)
