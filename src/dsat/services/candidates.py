"""Who is taking the test: checked against the staff register and the sitting's codes.

With a staff register imported, the employee id and the full name must match it (case,
spacing and Vietnamese diacritics forgiven) and the unit is the register's. While a
sitting is open, a code issued for that person is needed too. Remembering the last
candidate is a choice of the machine (off by default, never in `dsat serve`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from dsat.domain.attempts import Candidate
from dsat.domain.text import clean, strip_diacritics
from dsat.services.errors import ServiceError
from dsat.services.sittings import codes_required, use_code
from dsat.services.throttle import Throttle
from dsat.store import Store
from dsat.store.base import now_iso

EMPLOYEE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")


@dataclass(frozen=True)
class SignedIn:
    candidate: Candidate
    feedback: str | None  # the sitting's feedback mode when signed in with a code


def same_name(a: str, b: str) -> bool:
    """Names compared as people write them: case, spaces and diacritics forgiven."""

    def key(s: str) -> str:
        return " ".join(strip_diacritics(s).casefold().split())

    return key(a) == key(b)


def identify(
    store: Store,
    employee_id: str,
    full_name: str,
    unit: str,
    code: str | None,
    *,
    client: str,
    now: datetime,
    throttle: Throttle,
) -> SignedIn:
    employee_id = clean(employee_id).strip()
    full_name = " ".join(clean(full_name).split())
    unit = " ".join(clean(unit).split())
    if not EMPLOYEE_ID.match(employee_id):
        raise ServiceError("error.employee_id")
    if not full_name:
        raise ServiceError("error.full_name")
    if store.staff.count():
        person = store.staff.find(employee_id)
        if person is None or not person.active or not same_name(person.full_name, full_name):
            raise ServiceError("error.not_in_register")
        employee_id, full_name, unit = person.employee_id, person.full_name, person.unit_path
    elif not unit:
        raise ServiceError("error.unit")
    feedback = None
    if codes_required(store, now):
        feedback = use_code(store, employee_id, code or "", client, now, throttle)
    cand = Candidate(employee_id=employee_id, full_name=full_name[:120], unit=unit[:500])
    with store.unit_of_work():
        store.candidates.upsert(cand, now_iso(now))
    return SignedIn(cand, feedback)
