"""The store: one SQLite connection, its repositories, and the only way to write.

`Store.unit_of_work()` is BEGIN IMMEDIATE ... COMMIT: the write lock is taken up front, so
two writers never both read and then fail to upgrade; any error, a failed COMMIT included,
rolls back and is raised as a `StoreError`; inside another unit of work it is a savepoint,
so use cases compose into one atomic write. Repository methods that write refuse to run
outside a unit of work.

This module is imported before the app's first frame, so it imports no pydantic and no
domain model: the repositories (which do) are loaded when first used.
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dsat.store.errors import StoreError, translate

if TYPE_CHECKING:
    import sqlite_utils

    from dsat.store.accounts import AccountRepo, ThrottleRepo
    from dsat.store.attempts import AttemptRepo
    from dsat.store.audit import AuditRepo
    from dsat.store.catalogue import ItemRepo
    from dsat.store.measurement import MeasurementRepo
    from dsat.store.people import CandidateRepo, StaffRepo
    from dsat.store.report import ReportRepo
    from dsat.store.results import ResultRepo
    from dsat.store.sessions import LeaseRepo, SittingRepo

BUSY_TIMEOUT_MS = 10_000
Row = tuple[Any, ...]


class Store:
    """One connection to one database file (or ':memory:'), shared by the repositories."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, key_file: Path | None):
        self.conn = conn
        self.path = path  # None for an in-memory database
        self.key_file = key_file  # the audit chain's key (None: in memory, no chain)
        self._lock = threading.RLock()
        self._depth = 0
        self._savepoints = itertools.count()

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over the same connection, for bulk inserts (imported when first
        used: it imports numpy, which must not slow the first frame)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # --- writing -----------------------------------------------------------------------
    @property
    def writing(self) -> bool:
        """True inside a unit of work."""
        return self._depth > 0

    @contextmanager
    def unit_of_work(self) -> Iterator[Store]:
        """One atomic write; nested: a savepoint. SQLite errors come out as StoreError."""
        with self._lock:
            if self._depth:
                yield from self._savepoint()
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise translate(exc) from exc
            self._depth = 1
            try:
                yield self
            except BaseException as exc:
                self._rollback()
                if isinstance(exc, sqlite3.Error):
                    raise translate(exc) from exc
                raise
            else:
                try:
                    self.conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    self._rollback()  # a failed COMMIT must not leave the transaction open
                    raise translate(exc) from exc
            finally:
                self._depth = 0

    def _savepoint(self) -> Iterator[Store]:
        name = f"dsat_{next(self._savepoints)}"
        self._exec(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield self
        except BaseException as exc:
            if self.conn.in_transaction:
                self._exec(f"ROLLBACK TO {name}")
                self._exec(f"RELEASE {name}")
            if isinstance(exc, sqlite3.Error):
                raise translate(exc) from exc
            raise
        else:
            self._exec(f"RELEASE {name}")
        finally:
            self._depth -= 1

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            # an error here means SQLite has already rolled back (or the connection is gone)
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def _exec(self, sql: str) -> None:
        try:
            self.conn.execute(sql)
        except sqlite3.Error as exc:
            raise translate(exc) from exc

    def require_write(self) -> None:
        if not self._depth:
            raise StoreError("internal error: a write outside a unit of work")

    def write(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """One statement that changes the database (inside a unit of work)."""
        self.require_write()
        try:
            return self.conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise translate(exc) from exc

    def write_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> sqlite3.Cursor:
        self.require_write()
        try:
            return self.conn.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise translate(exc) from exc

    def insert_all(self, table: str, rows: Iterable[dict[str, Any]], batch_size: int = 100) -> None:
        self.require_write()
        try:
            self.db[table].insert_all(rows, batch_size=batch_size)  # type: ignore[union-attr]
        except sqlite3.Error as exc:
            raise translate(exc) from exc

    # --- reading -----------------------------------------------------------------------
    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._lock:
            try:
                return self.conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise translate(exc) from exc

    def row(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        with self._lock:
            try:
                return self.conn.execute(sql, params).fetchone()  # type: ignore[no-any-return]
            except sqlite3.Error as exc:
                raise translate(exc) from exc

    def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        found = self.row(sql, params)
        return None if found is None else found[0]

    def dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            try:
                cur = self.conn.execute(sql, params)
                names = [d[0] for d in cur.description]
                return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
            except sqlite3.Error as exc:
                raise translate(exc) from exc

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Row]:
        """Rows one at a time (exports of millions of rows); inside a snapshot."""
        try:
            cur = self.conn.execute(sql, params)
            yield from cur
        except sqlite3.Error as exc:
            raise translate(exc) from exc

    @contextmanager
    def snapshot(self) -> Iterator[Store]:
        """Reads that see one consistent state (WAL: writers go on meanwhile)."""
        with self._lock:
            if self.conn.in_transaction:
                yield self
                return
            self._exec("BEGIN")
            try:
                yield self
            finally:
                if self.conn.in_transaction:
                    self._exec("COMMIT")

    def table_names(self) -> list[str]:
        return [r[0] for r in self.rows("SELECT name FROM sqlite_master WHERE type = 'table'")]

    def count(self, table: str) -> int:
        if table not in self.table_names():
            raise StoreError(f"no table {table!r}")
        return int(self.value(f"SELECT COUNT(*) FROM [{table}]"))

    def pragma(self, name: str) -> Any:
        return self.value(f"PRAGMA {name}")

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    # --- repositories (imported when first used: they need the domain models) -----------
    @cached_property
    def items(self) -> ItemRepo:
        from dsat.store.catalogue import ItemRepo

        return ItemRepo(self)

    @cached_property
    def attempts(self) -> AttemptRepo:
        from dsat.store.attempts import AttemptRepo

        return AttemptRepo(self)

    @cached_property
    def results(self) -> ResultRepo:
        from dsat.store.results import ResultRepo

        return ResultRepo(self)

    @cached_property
    def audit(self) -> AuditRepo:
        from dsat.store.audit import AuditRepo

        return AuditRepo(self)

    @cached_property
    def candidates(self) -> CandidateRepo:
        from dsat.store.people import CandidateRepo

        return CandidateRepo(self)

    @cached_property
    def staff(self) -> StaffRepo:
        from dsat.store.people import StaffRepo

        return StaffRepo(self)

    @cached_property
    def accounts(self) -> AccountRepo:
        from dsat.store.accounts import AccountRepo

        return AccountRepo(self)

    @cached_property
    def throttle(self) -> ThrottleRepo:
        from dsat.store.accounts import ThrottleRepo

        return ThrottleRepo(self)

    @cached_property
    def sittings(self) -> SittingRepo:
        from dsat.store.sessions import SittingRepo

        return SittingRepo(self)

    @cached_property
    def leases(self) -> LeaseRepo:
        from dsat.store.sessions import LeaseRepo

        return LeaseRepo(self)

    @cached_property
    def reports(self) -> ReportRepo:
        from dsat.store.report import ReportRepo

        return ReportRepo(self)

    @cached_property
    def measurement(self) -> MeasurementRepo:
        from dsat.store.measurement import MeasurementRepo

        return MeasurementRepo(self)

    # --- small shared state ---------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        found = self.value("SELECT value FROM meta WHERE key = ?", [key])
        return None if found is None else str(found)

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self.write("DELETE FROM meta WHERE key = ?", [key])
        else:
            self.write("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [key, value])


def open_store(path: Path | str, *, create: bool = True, key_file: Path | None = None) -> Store:
    """Open (and create or migrate) the database at `path`, or ':memory:'.

    The audit key is `key_file`, else $DSAT_KEY_FILE, else `<db>.key` beside the database.
    """
    import os

    from dsat.store.migrations import LATEST, current_version, migrate

    memory = str(path) == ":memory:"
    file: Path | None = None
    if not memory:
        file = Path(path)
        if not create and not file.exists():
            raise StoreError(f"{file}: no such database")
        if file.exists() and not file.is_file():
            raise StoreError(f"{file}: not a database file")
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{file.parent}: cannot create folder ({exc.strerror})") from None
    new = file is not None and not file.exists()
    try:
        if new:
            assert file is not None
            # personal data and password hashes: readable by the owner only, from the start
            os.close(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        conn = sqlite3.connect(
            ":memory:" if memory else str(file),
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        _math_functions(conn)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{file or path}: cannot open database ({exc})") from None
    except OSError as exc:
        raise StoreError(f"{file}: cannot create database ({exc.strerror})") from None
    if key_file is None and not memory:
        env = os.environ.get("DSAT_KEY_FILE")
        key_file = Path(env) if env else Path(str(file) + ".key")
    store = Store(conn, file, key_file)
    try:
        # a read first: a database already up to date is opened without waiting for the
        # write lock, which candidates' answers may hold
        if current_version(store) != LATEST:
            with store.unit_of_work():
                migrate(store)
    except StoreError as exc:
        conn.close()
        raise StoreError(f"{file or path}: cannot open database ({exc})") from None
    return store


def _math_functions(conn: sqlite3.Connection) -> None:
    """ln and exp where this SQLite was built without its math functions."""
    import math

    try:
        conn.execute("SELECT ln(1.0), exp(0.0)")
    except sqlite3.OperationalError:
        conn.create_function("ln", 1, math.log, deterministic=True)
        conn.create_function("exp", 1, math.exp, deterministic=True)


# --- time as stored ----------------------------------------------------------------------
VIETNAM = timezone(timedelta(hours=7))


def local_iso(moment: datetime) -> str:
    """A moment in Vietnam time (UTC+7), as results are reported by period."""
    return moment.astimezone(VIETNAM).isoformat(timespec="milliseconds")


def now_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
