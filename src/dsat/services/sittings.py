"""Sittings: a testing session for a unit, with one-time codes handed out in the room.

While a sitting is open, candidates sign in with their employee id and a code. Every code
is for one named person: issued for them when the sitting opens (one code per person of the
unit in the staff register), or bound to them at the invigilator's desk (`dsat sitting
bind`). A code works only for its person and only while its sitting is open; a person may
use it again (after a crash). Wrong codes get the same message after the same delay
whatever was wrong, are logged, and are counted against the code and the terminal or
browser typing them, never against the employee id typed: nobody can lock a colleague out.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from dsat.services.clock import Clock, system_clock
from dsat.services.errors import ServiceError
from dsat.services.throttle import Throttle
from dsat.store import Store
from dsat.store.base import now_iso

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 8
THROTTLE = Throttle()
FEEDBACK = ("assessment", "practice")


@dataclass(frozen=True)
class Sitting:
    id: int
    unit: str
    closes_at: str
    codes: list[tuple[str, str | None, str | None]]  # (code, employee_id, full_name)
    feedback: str = "assessment"


def open_sitting(
    store: Store,
    unit: str,
    codes: int,
    hours: float,
    opened_by: str,
    *,
    named: bool = False,
    feedback: str = "assessment",
    clock: Clock = system_clock,
) -> Sitting:
    """Open a sitting with `codes` codes to bind at the desk, or (`named`) one code for
    each active person of the unit (and the units under it) in the staff register."""
    unit = unit.strip()
    if not unit:
        raise ServiceError("error.unit")
    if feedback not in FEEDBACK:
        raise ServiceError("error.feedback", feedback=feedback)
    people = store.staff.of_unit(unit) if named else []
    if named and not people:
        raise ServiceError("error.no_people", unit=unit)
    if not named and not 1 <= codes <= 5000:
        raise ServiceError("error.codes_count")
    now = clock()
    closes = now + timedelta(hours=hours)
    made: list[tuple[str, str | None, str | None]] = []
    wanted: list[tuple[str | None, str | None]] = (
        [(p.employee_id, p.full_name) for p in people] if named else [(None, None)] * codes
    )
    with store.unit_of_work():
        sid = store.sittings.open(unit, now_iso(now), now_iso(closes), opened_by, feedback)
        for emp, name in wanted:
            while True:
                code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
                if store.sittings.add_code(sid, code, emp):
                    made.append((code, emp, name))
                    break
    return Sitting(sid, unit, now_iso(closes), made, feedback)


def close_sitting(store: Store, sitting_id: int, clock: Clock = system_clock) -> None:
    with store.unit_of_work():
        if not store.sittings.close(sitting_id, now_iso(clock())):
            raise ServiceError("error.no_sitting", id=sitting_id)


def bind_code(store: Store, code: str, employee_id: str, clock: Clock = system_clock) -> str:
    """Give a code of an open sitting to a person (checked against the register when there
    is one); returns the person's name, or the id when there is no register."""
    code = code.strip().upper()
    with store.unit_of_work():
        found = store.sittings.code(code, now_iso(clock()))
        if found is None:
            raise ServiceError("error.bind_unknown", sitting_code=code)
        issued, used, _ = found
        if issued is not None or used is not None:
            raise ServiceError("error.bind_taken", sitting_code=code, employee=issued or used)
        name = employee_id.strip()
        if store.staff.count():
            person = store.staff.find(name)
            if person is None or not person.active:
                raise ServiceError("error.bind_not_registered", employee=name)
            employee_id, name = person.employee_id, person.full_name
        store.sittings.bind(code, employee_id.strip())
    return name


def codes_required(store: Store, now: datetime) -> bool:
    """True while any sitting is open."""
    return store.sittings.any_open(now_iso(now))


def use_code(
    store: Store,
    employee_id: str,
    code: str,
    client: str,
    now: datetime,
    throttle: Throttle = THROTTLE,
) -> str:
    """Accept the code for this person, or fail alike after the throttle's delay.

    Returns the sitting's feedback mode ("assessment" or "practice").
    """
    started = time.monotonic()
    name = f"candidate:{employee_id}"
    code = code.strip().upper()
    code_subject, client_subject = f"code:{code}", f"client:{client}"
    reason, subjects, feedback = "", [client_subject], "assessment"
    with store.unit_of_work():
        found = store.sittings.code(code, now_iso(now)) if code else None
        if throttle.locked(store, [code_subject, client_subject], now):
            reason = "locked after repeated failures"
        elif found is None:
            reason = "unknown or closed code"
        else:
            issued, used, feedback = found
            if issued is None and used is None:
                reason = "code not yet given to anyone"
            elif (issued or used) != employee_id:
                reason = "code of someone else"
                subjects = [code_subject, client_subject]
        if reason:
            throttle.fail(store, name, subjects, reason, now)
        else:
            store.sittings.use(code, employee_id, now_iso(now))
            store.throttle.record(now_iso(now), name, True, "ok", code_subject)
    if reason:
        throttle.wait(started)
        raise ServiceError("error.code")
    return feedback
