"""Staff accounts (trainers and administrators) with argon2id passwords.

Passwords are hashed with argon2id in PHC format at OWASP's minimum (m=19456 KiB, t=2,
p=1). A failed sign-in gives the same message after the same delay whatever was wrong
(unknown name, wrong password, locked account); five failures within 15 minutes lock the
name for 15 minutes; every attempt is logged.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import timedelta

import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dsat.services.clock import Clock, system_clock
from dsat.services.errors import ServiceError
from dsat.store.db import now_iso, transaction

ROLES = ("trainer", "admin")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
MAX_FAILURES, WINDOW = 5, timedelta(minutes=15)
FAIL_DELAY = 1.0  # seconds, the same for every kind of failure
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


def add_account(
    db: sqlite_utils.Database, username: str, role: str, password: str,
    clock: Clock = system_clock,
) -> Account:  # fmt: skip
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise ServiceError("error.username")
    if role not in ROLES:
        raise ServiceError("error.role", role=role)
    _check_password(password)
    now = now_iso(clock())
    with transaction(db):
        if db.conn.execute("SELECT 1 FROM accounts WHERE username = ?", [username]).fetchone():
            raise ServiceError("error.account_exists", username=username)
        db.conn.execute(
            "INSERT INTO accounts (username, role, password_hash, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [username, role, HASHER.hash(password), now, now],
        )
    return Account(username, role)


def set_password(
    db: sqlite_utils.Database, username: str, password: str, clock: Clock = system_clock
) -> None:
    _check_password(password)
    with transaction(db):
        cur = db.conn.execute(
            "UPDATE accounts SET password_hash = ?, updated_at = ? WHERE username = ?",
            [HASHER.hash(password), now_iso(clock()), username.strip().lower()],
        )
        if cur.rowcount != 1:
            raise ServiceError("error.no_account", username=username)


def sign_in(
    db: sqlite_utils.Database,
    username: str,
    password: str,
    clock: Clock = system_clock,
    delay: float = FAIL_DELAY,
) -> Account:
    """The account, or SignInFailed after `delay` seconds, whatever the reason."""
    name = username.strip().lower()
    now = clock()
    started = time.monotonic()
    row = db.conn.execute(
        "SELECT role, password_hash, active FROM accounts WHERE username = ?", [name]
    ).fetchone()
    since = now_iso(now - WINDOW)
    failures = db.conn.execute(
        "SELECT COUNT(*) FROM sign_ins WHERE username = ? AND ok = 0 AND at >= ?", [name, since]
    ).fetchone()[0]
    reason = ""
    try:
        HASHER.verify(row[1] if row else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        reason = "wrong password" if row else "unknown name"
    if not reason and row and not row[2]:
        reason = "inactive account"
    if not reason and failures >= MAX_FAILURES:
        reason = "locked after repeated failures"
    with transaction(db):
        db.conn.execute(
            "INSERT INTO sign_ins (at, username, ok, reason) VALUES (?, ?, ?, ?)",
            [now_iso(now), name, int(not reason), reason or "ok"],
        )
    if reason:
        time.sleep(max(0.0, delay - (time.monotonic() - started)))
        raise SignInFailed()
    assert row is not None
    return Account(name, row[0])


def require(account: Account, role: str) -> None:
    """Administrators may do everything trainers may."""
    if role == "admin" and account.role != "admin":
        raise ServiceError("error.forbidden", role=role)
