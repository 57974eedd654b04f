"""Staff accounts (trainers and administrators) with argon2id passwords.

Passwords are hashed with argon2id in PHC format at OWASP's minimum (m=19456 KiB, t=2,
p=1). A failed sign-in gives the same message after the same delay whatever was wrong
(unknown name, wrong password, locked account); five failures within 15 minutes lock the
name for 15 minutes; every attempt is logged. The check is counted before the password is
verified, in one write: attempts made in parallel are each counted, so at most five are
ever checked in a window.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dsat.services.clock import Clock, system_clock
from dsat.services.errors import ServiceError
from dsat.services.throttle import Throttle
from dsat.store import Store
from dsat.store.base import now_iso

ROLES = ("trainer", "admin")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
THROTTLE = Throttle()
_DUMMY = HASHER.hash("dsat: equalise the time of unknown names")


@dataclass(frozen=True)
class Account:
    username: str
    role: str


class SignInFailed(ServiceError):
    def __init__(self) -> None:
        super().__init__("error.sign_in")


def _check_password(password: str) -> None:
    if len(password) < 12:
        raise ServiceError("error.password_short")


def any_accounts(store: Store) -> bool:
    """Once an account exists, staff commands need a signed-in account."""
    return store.accounts.active_count() > 0


def add_account(
    store: Store, username: str, role: str, password: str, clock: Clock = system_clock
) -> Account:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise ServiceError("error.username")
    if role not in ROLES:
        raise ServiceError("error.role", role=role)
    _check_password(password)
    hashed = HASHER.hash(password)
    with store.unit_of_work():
        if not store.accounts.add(username, role, hashed, now_iso(clock())):
            raise ServiceError("error.account_exists", username=username)
    return Account(username, role)


def set_password(store: Store, username: str, password: str, clock: Clock = system_clock) -> None:
    _check_password(password)
    hashed = HASHER.hash(password)
    with store.unit_of_work():
        if not store.accounts.set_hash(username.strip().lower(), hashed, now_iso(clock())):
            raise ServiceError("error.no_account", username=username)


def sign_in(
    store: Store,
    username: str,
    password: str,
    clock: Clock = system_clock,
    throttle: Throttle = THROTTLE,
) -> Account:
    """The account, or SignInFailed after the throttle's delay, whatever the reason."""
    name = username.strip().lower()
    now = clock()
    started = time.monotonic()
    subject = f"account:{name}"
    with store.unit_of_work():
        locked = throttle.locked(store, [subject], now)
        row = store.accounts.get(name)
        # counted as a failure until the password is verified
        check = store.throttle.record(
            now_iso(now), name, False, "locked after repeated failures" if locked else "checking",
            subject,
        )  # fmt: skip
    reason = "locked after repeated failures" if locked else ""
    if not locked:
        try:
            HASHER.verify(row[1] if row else _DUMMY, password)
        except (VerificationError, InvalidHashError):
            reason = "wrong password" if row else "unknown name"
        if not reason and row and not row[2]:
            reason = "inactive account"
        with store.unit_of_work():
            store.throttle.settle(check, not reason, reason or "ok")
    if reason:
        throttle.wait(started)
        raise SignInFailed()
    assert row is not None
    return Account(name, row[0])


def require(account: Account, role: str) -> None:
    """Administrators may do everything trainers may."""
    if role == "admin" and account.role != "admin":
        raise ServiceError("error.forbidden", role=role)
