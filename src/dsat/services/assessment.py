"""Taking a test: identify, choose a scope, answer, flag, move, submit, resume, review.

The deadline is enforced here from the stored attempt, never by a screen's timer: an
answer that arrives after the deadline is refused whoever sends it. Fixed forms are drawn
whole when the attempt starts; adaptive tests choose each next item from the pool stored
with the attempt (services/adaptive.py), in the same write as the answer before it.
"""

from __future__ import annotations

import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from dsat.domain.adaptive import Pick
from dsat.domain.attempts import Attempt, Candidate, Feedback, Response, ScopeKind
from dsat.domain.forms import FormEntry, FormError, assemble_form, entry_for, time_limit_seconds
from dsat.domain.framework import Blueprint, Framework
from dsat.domain.items import Item
from dsat.domain.levels import CompetencyResult
from dsat.domain.measure import precision
from dsat.domain.presentation import PresentedItem, present
from dsat.domain.results import Answered, Scored, score_attempt
from dsat.domain.scoring import AnswerError, check_answer, is_answered
from dsat.domain.tasks import concrete
from dsat.services import adaptive, leases
from dsat.services.candidates import EMPLOYEE_ID, SignedIn, identify
from dsat.services.clock import Clock, system_clock
from dsat.services.errors import ServiceError
from dsat.services.throttle import Throttle
from dsat.store import Store
from dsat.store.base import VIETNAM
from dsat.store.results import Finished

FULL_SCOPE = "all"  # scope id of the full assessment
__all__ = ["EMPLOYEE_ID", "FULL_SCOPE", "AssessmentService"]


@dataclass(frozen=True)
class MenuEntry:
    """One line of the competency picker (names come from the framework, in any language)."""

    scope_kind: str  # "full", "area" or "competency"
    scope_id: str
    items: int
    mode: str  # "fixed" or "adaptive"
    last_band: str | None
    last_percent: float | None
    last_sure: float | None = None  # how sure the last level is (None: before IRT)
    last_enough: bool = True  # False: the last result did not have enough evidence


@dataclass(frozen=True)
class Slot:
    """One item of a form as a candidate sees it: no key, no explanation."""

    position: int
    competency_id: str
    item: PresentedItem
    answer: Any
    flagged: bool
    saved_at: datetime | None
    pretest: bool = False

    @property
    def answered(self) -> bool:
        return is_answered(self.answer)


@dataclass(frozen=True)
class SavedAnswer:
    value: Any
    saved_at: datetime
    finished: bool = False  # adaptive: no further item; the test may be submitted


@dataclass(frozen=True)
class _Prepared:
    """An answer checked and, in an adaptive test, the next item chosen (`answer`)."""

    attempt: Attempt
    value: Any
    last: bool
    pick: Pick | None
    basis: tuple[Any, ...]  # what was read: the attempt, its responses, the item answered


@dataclass(frozen=True)
class AttemptState:
    attempt: Attempt
    slots: list[Slot]
    remaining_seconds: int
    finished: bool = False  # adaptive: every area has stopped

    @property
    def adaptive(self) -> bool:
        return self.attempt.mode == "adaptive"

    @property
    def current(self) -> int:
        """Adaptive: the one item that can be answered now (the first unanswered: the
        self-ratings come first, then the chosen items one by one); fixed: where the
        candidate last was."""
        if self.adaptive:
            for slot in self.slots:
                if slot.saved_at is None:
                    return slot.position
        return min(self.attempt.position, len(self.slots) - 1)


class AssessmentService:
    """The one place where a test is run; the TUI and CLI only call it."""

    def __init__(
        self,
        store: Store,
        framework: Framework,
        clock: Clock = system_clock,
        grace_seconds: int = 0,
        *,
        client: str = "local",
        machine: str | None = None,
        throttle: Throttle | None = None,
    ):
        """`grace_seconds`: after the time limit, a candidate may still submit (as in
        Moodle's grace period) but no longer change answers. `client` names the terminal or
        browser (wrong sitting codes are counted per client); `machine`, when given, is the
        machine that remembers its last candidate (None: nobody is remembered)."""
        self.store, self.fw, self.clock = store, framework, clock
        self.grace = timedelta(seconds=grace_seconds)
        self.client, self.machine = client, machine
        self.throttle = throttle or Throttle()
        self._feedback: dict[str, str] = {}  # employee -> the sitting's feedback mode
        # adaptive pools rebuilt from the store, by (attempt, parameter row): what they are
        # made of never changes (item versions and parameter rows are only ever added)
        self._snapshots: dict[tuple[str, int], adaptive.Snapshot] = {}

    # --- candidates --------------------------------------------------------------------
    def codes_required(self) -> bool:
        """While a sitting is open, candidates also give a one-time session code."""
        from dsat.services.sittings import codes_required

        return codes_required(self.store, self.clock())

    def identify(
        self, employee_id: str, full_name: str, unit: str, code: str | None = None
    ) -> Candidate:
        signed: SignedIn = identify(
            self.store, employee_id, full_name, unit, code, client=self.client,
            now=self.clock(), throttle=self.throttle,
        )  # fmt: skip
        if signed.feedback:
            self._feedback[signed.candidate.employee_id] = signed.feedback
        if self.machine is not None:
            with self.store.unit_of_work():
                self.store.candidates.remember(self.machine, signed.candidate.employee_id)
        return signed.candidate

    def remembered(self) -> Candidate | None:
        """The last candidate of this machine, when the machine remembers one."""
        if self.machine is None:
            return None
        return self.store.candidates.remembered(self.machine)

    # --- choosing ------------------------------------------------------------------------
    def blueprint(self, kind: str) -> Blueprint:
        return getattr(self.fw.blueprints, kind)

    def menu(self, employee_id: str | None) -> list[MenuEntry]:
        """The full assessment, then areas and their competencies that have items, with the
        candidate's last level for each competency."""
        counts = self.store.items.counts()
        last = self.store.results.latest_bands(employee_id) if employee_id else {}
        bp = self.fw.blueprints
        out = [MenuEntry("full", FULL_SCOPE, sum(counts.values()), bp.full.mode, None, None)]
        for area in self.fw.areas:
            comps = [c for c in area.competencies if counts.get(c.id)]
            if not comps:
                continue
            n = sum(counts[c.id] for c in comps)
            out.append(MenuEntry("area", area.id, n, bp.area.mode, None, None))
            for c in comps:
                band, pct, theta, se = last.get(c.id, (None, None, None, None))
                sure, enough = None, True
                if band is not None and theta is not None and se is not None:
                    p = precision(self.fw, area.id, theta, se, band)
                    sure, enough = p.sure, p.enough
                out.append(
                    MenuEntry(
                        "competency", c.id, counts[c.id], bp.competency.mode, band, pct, sure,
                        enough,
                    )
                )  # fmt: skip
        return out

    def _scope(self, kind: str, scope_id: str) -> list[str]:
        counts = self.store.items.counts()
        if kind == "competency" and self.fw.competency(scope_id):
            return [scope_id]
        if kind == "area" and (area := self.fw.area(scope_id)):
            return [c.id for c in area.competencies if counts.get(c.id)]
        if kind == "full" and scope_id == FULL_SCOPE:
            return [c for c in self.fw.competency_ids() if counts.get(c)]
        raise ServiceError("error.scope", scope=scope_id)

    def _whole_areas(self, attempt: Attempt) -> list[str]:
        """The areas an attempt covers whole (area and full scopes): they get a result."""
        if attempt.scope_kind == "area":
            return [attempt.scope_id]
        if attempt.scope_kind == "full":
            return [a.id for a in self.fw.areas]
        return []

    # --- the attempt ---------------------------------------------------------------------
    def start(
        self, employee_id: str, kind: str, scope_id: str, lang: str, seed: int | None = None
    ) -> AttemptState:
        comps = self._scope(kind, scope_id)
        blueprint = self.blueprint(kind)
        feedback = self._feedback.get(employee_id, blueprint.feedback)
        now = self.clock()
        cooldown = blueprint.cooldown_hours(feedback)
        if cooldown:
            last = self.store.attempts.last_finished(employee_id, kind, scope_id)
            if last is not None and now - last < timedelta(hours=cooldown):
                again = (last + timedelta(hours=cooldown)).astimezone(VIETNAM)
                raise ServiceError(
                    "error.cooldown", hours=f"{cooldown:g}", when=again.strftime("%d/%m/%Y %H:%M")
                )
        seed = secrets.randbelow(2**31) if seed is None else seed
        attempt_id = str(uuid.uuid4())
        if blueprint.mode == "adaptive":
            keys, upto = adaptive.build_pool(
                self.store, self.fw, comps, blueprint.adaptive, employee_id, now
            )
            rng = random.Random(seed)
            ratings = (
                self.store.items.active(comps, self_ratings=True)  # one per competency
                if blueprint.self_rating
                else []
            )
            entries = [entry_for(v, v.item.competency, rng) for v in ratings]
            pool: Any = {"items": keys, "competencies": comps}
            n_areas = len({a.id for c in comps if (a := self.fw.area_of(c)) is not None})
            seconds = blueprint.seconds_per_item * (
                len(entries) + blueprint.adaptive.max_items * n_areas
            )
        else:
            upto = self.store.measurement.head()
            try:
                entries = assemble_form(
                    self.fw, self.store.items.active(comps), comps, blueprint, seed
                )
            except FormError:
                raise ServiceError("error.no_items", scope=scope_id) from None
            pool = None
            seconds = time_limit_seconds(blueprint, len(entries))
        attempt = Attempt(
            id=attempt_id, employee_id=employee_id,
            scope_kind=cast(ScopeKind, kind),  # _scope refused any other kind
            scope_id=scope_id, form_seed=seed, lang=lang, started_at=now,
            deadline=now + timedelta(seconds=seconds), status="in_progress", mode=blueprint.mode,
            feedback=cast(Feedback, feedback),  # the blueprint's, or a sitting's (checked)
        )  # fmt: skip
        first: Pick | None = None
        if blueprint.mode == "adaptive":  # the pool and the first item, before the write lock
            snap = adaptive.snapshot(
                self.store, self.fw, keys, upto or 0, comps, blueprint.adaptive
            )
            self._remember((attempt.id, upto or 0), snap)
            first = adaptive.choose_next(self.store, self.fw, snap, seed, [])
            if first is None:
                raise ServiceError("error.no_items", scope=scope_id)
        with self.store.unit_of_work():
            self.store.attempts.create(attempt, self.fw.id, entries, params_upto=upto, pool=pool)
            if first is not None and not entries:  # else chosen after the self-ratings
                self._append(attempt, 0, first)
        return self.state(attempt.id)

    def _snapshot(self, attempt: Attempt) -> adaptive.Snapshot:
        upto, pool = self.store.attempts.snapshot(attempt.id)
        key = (attempt.id, upto or 0)
        if key not in self._snapshots:
            blueprint = self.blueprint(attempt.scope_kind)
            self._remember(key, adaptive.snapshot(
                self.store, self.fw, pool["items"], upto or 0, pool["competencies"],
                blueprint.adaptive,
            ))  # fmt: skip
        return self._snapshots[key]

    def _remember(self, key: tuple[str, int], snap: adaptive.Snapshot) -> None:
        if len(self._snapshots) >= 8:  # the attempts of one window, or a few in tests
            self._snapshots.pop(next(iter(self._snapshots)))
        self._snapshots[key] = snap

    def _next(self, attempt: Attempt, responses: list[Response] | None = None) -> Pick | None:
        """The adaptive test's next item, from the snapshot and the answers so far (as
        stored, or as given)."""
        snap = self._snapshot(attempt)
        if responses is None:
            responses = self.store.attempts.responses(attempt.id)
        given = adaptive.given_of(self.store, snap, responses)
        return adaptive.choose_next(self.store, self.fw, snap, attempt.form_seed, given)

    def _append(self, attempt: Attempt, position: int, pick: Pick) -> None:
        item = self.store.items.version(pick.item.item_id, pick.item.version)
        assert item is not None
        rng = random.Random(f"dsat-form:{attempt.form_seed}:{position}")
        entry = entry_for(_versioned(item, pick.item.version), item.competency, rng)
        if pick.item.pretest:
            entry = FormEntry(
                entry.item_id, entry.version, entry.competency_id, entry.order, True,
                entry.variant,
            )  # fmt: skip
        self.store.attempts.add_entry(attempt.id, position, entry)

    # --- one live session per attempt -------------------------------------------------------
    def claim(self, attempt_id: str, session: str) -> None:
        leases.claim(self.store, attempt_id, session, self.clock())

    def busy(self, attempt_id: str, session: str) -> bool:
        """True when another live session (window, browser tab) shows this attempt."""
        return leases.busy(self.store, attempt_id, session, self.clock())

    def still_here(self, attempt_id: str, session: str) -> None:
        leases.touch(self.store, attempt_id, session, self.clock())

    def let_go(self, attempt_id: str, session: str) -> None:
        leases.release(self.store, attempt_id, session)

    def last_saved(self, attempt_id: str) -> datetime | None:
        return self.store.attempts.last_saved(attempt_id)

    def resumable(self, employee_id: str) -> Attempt | None:
        """The candidate's unfinished attempt, after closing any whose time ran out."""
        self.expire_overdue()
        return self.store.attempts.in_progress(employee_id)

    def item(self, item_id: str, version: int) -> Item:
        found = self.store.items.version(item_id, version)
        if found is None:
            raise ServiceError("error.no_attempt")
        return found

    def _attempt(self, attempt_id: str) -> Attempt:
        attempt = self.store.attempts.get(attempt_id)
        if attempt is None:
            raise ServiceError("error.no_attempt")
        return attempt

    def remaining(self, attempt: Attempt) -> int:
        return max(0, int((attempt.deadline - self.clock()).total_seconds()))

    def grace_left(self, attempt: Attempt) -> int:
        """Seconds in which a timed-out attempt may still be submitted (0: none)."""
        return max(0, int((attempt.deadline + self.grace - self.clock()).total_seconds()))

    def state(self, attempt_id: str) -> AttemptState:
        """The attempt as its screen shows it, in both languages."""
        attempt = self._attempt(attempt_id)
        responses = self.store.attempts.responses(attempt_id)
        items = self.store.items.versions([(r.item_id, r.item_version) for r in responses])
        slots = [
            Slot(
                position=r.position,
                competency_id=r.competency_id,
                item=present(
                    concrete(items[(r.item_id, r.item_version)], r.variant), r.order, self.fw
                ),
                answer=r.answer,
                flagged=r.flagged,
                saved_at=r.answered_at,
                pretest=r.pretest,
            )
            for r in responses
        ]
        finished = False
        if attempt.mode == "adaptive" and attempt.status == "in_progress":
            # after the last answer the next item is appended in the same write, so an
            # attempt whose every item is answered has nothing more to show
            finished = all(r.answered_at is not None for r in responses)
        return AttemptState(attempt, slots, self.remaining(attempt), finished)

    def _open(self, attempt_id: str) -> Attempt:
        attempt = self._attempt(attempt_id)
        if attempt.status != "in_progress":
            raise ServiceError("error.closed")
        if self.clock() >= attempt.deadline:
            raise ServiceError("error.time_up")
        return attempt

    def answer(self, attempt_id: str, position: int, answer: Any) -> SavedAnswer:
        """Validate and store one answer in its own unit of work; returns what was saved.

        In an adaptive test only the first unanswered item can be answered (the ones
        before are final), and after the last one the next item is chosen and stored in the
        same write. The checks and the choice are made before the write lock is taken (the
        choice is a pure function of what is read) and are only made again inside it if the
        attempt changed in between: the lock is held for the writes, not for the estimate.
        """
        early = self._prepare(attempt_id, position, answer)
        with self.store.unit_of_work():
            ready = self._prepare(attempt_id, position, answer, early)
            saved_at = self.clock()
            self.store.attempts.save_answer(attempt_id, position, ready.value, saved_at)
            self.store.attempts.set_position(attempt_id, position)
            finished = ready.last and ready.pick is None
            if ready.pick is not None:
                self._append(ready.attempt, position + 1, ready.pick)
            if ready.attempt.mode == "adaptive" and not finished:
                self.store.attempts.set_position(attempt_id, position + 1)
        return SavedAnswer(ready.value, saved_at, finished)

    def _prepare(
        self, attempt_id: str, position: int, answer: Any, early: _Prepared | None = None
    ) -> _Prepared:
        """The answer checked against the attempt as it is now, and in an adaptive test
        whether it answers the last item shown and which item comes next. `early`: the same
        made before, whose choice stands when nothing it rests on has changed."""
        attempt = self._open(attempt_id)
        at = self.store.attempts.item_at(attempt_id, position)
        if at is None:
            raise ServiceError("error.position", position=position)
        last, responses = False, []
        if attempt.mode == "adaptive":
            responses = self.store.attempts.responses(attempt_id)
            first_open = next((r.position for r in responses if r.answered_at is None), None)
            if position != first_open:
                raise ServiceError("error.adaptive_final")
            last = position == responses[-1].position
        basis = (attempt, tuple(responses), at)
        if early is not None and early.basis == basis:  # the same answer to the same state
            return early
        try:
            value = check_answer(
                concrete(self.item(at[0], at[1]), at[2]), answer, len(self.fw.self_rating_scale)
            )
        except AnswerError as exc:
            raise ServiceError("error.answer", detail=str(exc)) from None
        pick = None
        if last:
            answered = [
                r.model_copy(update={"answer": value}) if r.position == position else r
                for r in responses
            ]
            pick = self._next(attempt, answered)
        return _Prepared(attempt, value, last, pick, basis)

    def flag(self, attempt_id: str, position: int, flagged: bool) -> None:
        with self.store.unit_of_work():
            self._open(attempt_id)
            self.store.attempts.set_flag(attempt_id, position, flagged)

    def move(self, attempt_id: str, position: int) -> None:
        """Remember where the candidate is, so a resume lands on the same item."""
        with self.store.unit_of_work():
            self.store.attempts.set_position(attempt_id, position)

    def score(self, attempt: Attempt) -> Scored:
        """The attempt scored with the parameters in force when it started."""
        responses = self.store.attempts.responses(attempt.id)
        keys = [(r.item_id, r.item_version) for r in responses]
        items = self.store.items.versions(keys)
        upto, _ = self.store.attempts.snapshot(attempt.id)
        params = self.store.measurement.current(keys, upto)
        rows = [
            Answered(
                r.position, r.competency_id,
                concrete(items[(r.item_id, r.item_version)], r.variant), r.answer, r.pretest,
                adaptive.params_of(p) if (p := params.get((r.item_id, r.item_version))) else None,
                p is not None and p.source == "calibrated",
            )
            for r in responses
        ]  # fmt: skip
        return score_attempt(
            self.fw, rows, whole_areas=self._whole_areas(attempt),
            populations=self.store.measurement.populations(upto),
        )  # fmt: skip

    def submit(self, attempt_id: str, *, expired: bool = False) -> list[CompetencyResult]:
        """Score and close the attempt. Submitting twice returns the first results."""
        with self.store.unit_of_work():
            attempt = self._attempt(attempt_id)
            if attempt.status != "in_progress":
                return self.store.results.of_attempt(attempt_id)
            self.store.audit.check_writable()  # before anything changes
            scored = self.score(attempt)
            now = self.clock()
            late = expired or now >= attempt.deadline + self.grace
            when = min(now, attempt.deadline) if late else now
            self.store.attempts.close(
                attempt_id, "expired" if late else "submitted", when, scored.scores
            )
            self.store.attempts.count_exposure(
                (r.item_id, r.item_version) for r in self.store.attempts.responses(attempt_id)
            )
            self.store.results.record(
                [Finished(attempt_id, attempt.employee_id, when, scored.results, scored.areas)]
            )
        return self.store.results.of_attempt(attempt_id)

    def expire_overdue(self) -> list[str]:
        """Submit, with what was answered, every attempt whose deadline has passed."""
        ids = self.store.attempts.overdue(self.clock() - self.grace)
        for attempt_id in ids:
            self.submit(attempt_id, expired=True)
        return ids

    # --- after submission ----------------------------------------------------------------
    def result(self, attempt_id: str) -> Any:
        from dsat.services.review import result_view

        return result_view(self, self._attempt(attempt_id))

    def history(self, employee_id: str | None = None) -> list[dict[str, Any]]:
        """Attempts, newest first; each result says how sure its level is."""
        rows = self.store.attempts.list(employee_id)
        for row in rows:
            for r in row["results"]:
                area = self.fw.area_of(r["competency"])
                r["sure"], r["enough"] = None, True
                if area and r.get("theta") is not None and r.get("se") is not None:
                    p = precision(
                        self.fw, area.id, r["theta"], r["se"], r["band"], r.get("p_proficient")
                    )
                    r["sure"], r["enough"] = p.sure, p.enough
        return rows


def _versioned(item: Item, version: int) -> Any:
    from dsat.domain.forms import VersionedItem

    return VersionedItem(item, version)
