"""Opening the database and running write transactions.

Every write goes through `transaction()`, which takes SQLite's write lock up front with
BEGIN IMMEDIATE, so two writers never both read and then fail to upgrade their lock.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import sqlite_utils

from dsat.store.migrations import migrate

BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """The database cannot be opened or written; the message says why in plain words."""


def connect(path: Path | str, *, create: bool = True) -> sqlite_utils.Database:
    """Open (and create or migrate) the database at `path`, or ':memory:'."""
    if str(path) != ":memory:":
        path = Path(path)
        if not create and not path.exists():
            raise StoreError(f"{path}: no such database")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path.parent}: cannot create folder ({exc.strerror})") from None
    try:
        conn = sqlite3.connect(
            str(path),
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(conn)
        with transaction(db):
            migrate(db)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open database ({exc})") from None
    return db


_SAVEPOINTS = itertools.count()


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One atomic write: BEGIN IMMEDIATE ... COMMIT, rolled back on any error.

    Inside another transaction it is a savepoint, so use cases compose into one atomic
    write (an import of many attempts commits all of them or none).
    """
    if db.conn.in_transaction:
        name = f"dsat_{next(_SAVEPOINTS)}"
        db.conn.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            db.conn.execute(f"ROLLBACK TO {name}")
            db.conn.execute(f"RELEASE {name}")
            raise
        else:
            db.conn.execute(f"RELEASE {name}")
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


@contextmanager
def read_snapshot(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Reads that see one consistent state of the database (WAL: writers go on meanwhile)."""
    if db.conn.in_transaction:
        yield db
        return
    db.conn.execute("BEGIN")
    try:
        yield db
    finally:
        if db.conn.in_transaction:
            db.conn.execute("COMMIT")


VIETNAM = timezone(timedelta(hours=7))


def local_iso(moment: datetime) -> str:
    """A moment in Vietnam time (UTC+7), as results are reported by period."""
    return moment.astimezone(VIETNAM).isoformat(timespec="milliseconds")


def now_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
