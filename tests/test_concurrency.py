"""Two writers at once: why every write transaction starts with BEGIN IMMEDIATE.

The control case is what SQLite does with a plain (deferred) transaction, as sqlite-utils
opens them: both connections read, one writes and commits, and the other's write then
fails at once with "database is locked", whatever the busy timeout, because its snapshot
is stale. With BEGIN IMMEDIATE (store.db.transaction) the second writer waits its turn.
"""

from __future__ import annotations

import sqlite3
import threading

import pytest

from dsat.store import open_store as connect


@pytest.fixture
def two(tmp_path):
    path = tmp_path / "c.db"
    a, b = connect(path), connect(path)
    with a.unit_of_work():
        a.conn.execute("CREATE TABLE counter (n INTEGER)")
        a.conn.execute("INSERT INTO counter VALUES (0)")
    yield a, b
    a.close()
    b.close()


def test_control_deferred_read_then_write_fails(two):
    a, b = two
    a.conn.execute("BEGIN")  # deferred, as sqlite-utils and the sqlite3 module open them
    b.conn.execute("BEGIN")
    n_a = a.conn.execute("SELECT n FROM counter").fetchone()[0]
    n_b = b.conn.execute("SELECT n FROM counter").fetchone()[0]
    a.conn.execute("UPDATE counter SET n = ?", [n_a + 1])
    a.conn.execute("COMMIT")
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        b.conn.execute("UPDATE counter SET n = ?", [n_b + 1])  # the lost update is refused
    b.conn.execute("ROLLBACK")


def test_begin_immediate_makes_the_second_writer_wait_and_succeed(two):
    a, b = two
    go = threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        go.wait()
        try:
            with b.unit_of_work():  # blocks on the write lock until a commits
                n = b.conn.execute("SELECT n FROM counter").fetchone()[0]
                b.conn.execute("UPDATE counter SET n = ?", [n + 1])
        except BaseException as exc:
            errors.append(exc)

    t = threading.Thread(target=second)
    t.start()
    with a.unit_of_work():
        n = a.conn.execute("SELECT n FROM counter").fetchone()[0]
        go.set()
        threading.Event().wait(0.2)  # b is now waiting for the lock
        a.conn.execute("UPDATE counter SET n = ?", [n + 1])
    t.join(timeout=15)
    assert errors == []
    assert a.conn.execute("SELECT n FROM counter").fetchone()[0] == 2  # no lost update
