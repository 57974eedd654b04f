"""Tamper evidence: the result chain names every kind of change; online backups."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from dsat.cli import main
from dsat.store.chain import verify
from tests.test_report import JAN, person, sit


@pytest.fixture
def chained(db, fw, db_path):
    for i in range(4):
        person(db, f"E{i}", "A", "U")
        sit(db, fw, f"E{i}", JAN, {"4.1": i % 2 == 0, "4.2": True})
    return db_path


def audit(db_path: Path, *extra: str):
    return CliRunner().invoke(main, ["audit", "verify", "--db", str(db_path), *extra])


def test_an_untouched_database_verifies_and_the_key_stays_outside(chained):
    result = audit(chained)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 8 results chained, head ")
    key = Path(str(chained) + ".key")
    assert (key.stat().st_mode & 0o777) == 0o600
    with sqlite3.connect(chained) as conn:
        tables = " ".join(
            r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
        )
        stored = " ".join(str(v) for r in conn.execute("SELECT * FROM result_chain") for v in r)
    assert key.read_text().strip() not in tables + stored


def _tamper(db_path: Path, sql: str, *params: object) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute(sql, params)


def test_an_edited_result_is_named(chained):
    _tamper(chained, "UPDATE results SET proficient = 1, percent = 95 WHERE rowid = 3")
    with sqlite3.connect(chained) as conn:
        attempt, comp = conn.execute(
            "SELECT attempt_id, competency_id FROM results WHERE rowid = 3"
        ).fetchone()
    result = audit(chained)
    assert result.exit_code == 1
    assert f"edited: attempt {attempt} competency {comp}" in result.output


def test_inserted_deleted_reordered_and_truncated_rows_are_named(chained, db):
    head = verify(db).head
    with sqlite3.connect(chained) as conn:
        a0 = conn.execute("SELECT attempt_id FROM results WHERE rowid = 1").fetchone()[0]
        conn.execute(
            "INSERT INTO results SELECT attempt_id, '5.1', raw, max, percent, band, "
            "proficient, self_band, employee_id, submitted_local FROM results WHERE rowid = 1"
        )
    out = audit(chained).output
    assert f"inserted: attempt {a0} competency 5.1" in out
    _tamper(chained, "DELETE FROM results WHERE competency_id = '5.1'")
    _tamper(chained, "DELETE FROM results WHERE rowid = 2")
    assert "deleted: attempt" in audit(chained).output
    # restore a clean state and reorder two links
    with sqlite3.connect(chained) as conn:
        conn.execute("UPDATE result_chain SET seq = -1 WHERE seq = 5")
        conn.execute("UPDATE result_chain SET seq = 5 WHERE seq = 6")
        conn.execute("UPDATE result_chain SET seq = 6 WHERE seq = -1")
    assert "out of order: attempt" in audit(chained).output
    # truncation: drop the last link and its result, then check against the old head
    with sqlite3.connect(chained) as conn:
        conn.execute("UPDATE result_chain SET seq = -1 WHERE seq = 5")
        conn.execute("UPDATE result_chain SET seq = 5 WHERE seq = 6")
        conn.execute("UPDATE result_chain SET seq = 6 WHERE seq = -1")
        last = conn.execute(
            "SELECT attempt_id, competency_id FROM result_chain ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        conn.execute("DELETE FROM result_chain WHERE seq = (SELECT MAX(seq) FROM result_chain)")
        conn.execute("DELETE FROM results WHERE attempt_id = ? AND competency_id = ?", last)
    out = audit(chained, "--head", head).output
    assert "truncated: the chain does not reach the head given" in out


def test_backup_while_writing_is_consistent_and_verifies(chained, db, fw, tmp_path):
    target = tmp_path / "copy.db"
    stop = threading.Event()

    def keep_writing() -> None:
        from dsat.store.db import connect

        other = connect(chained)
        n = 0
        while not stop.is_set() and n < 40:
            person(other, f"W{n}", "A", "U")
            sit(other, fw, f"W{n}", JAN, {"4.1": True})
            n += 1
        other.close()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    result = CliRunner().invoke(main, ["db", "backup", str(target), "--db", str(chained)])
    stop.set()
    writer.join()
    assert result.exit_code == 0, result.output
    copy = CliRunner().invoke(main, ["audit", "verify", "--db", str(target)])
    assert copy.exit_code == 0, copy.output  # one snapshot: every copied result is chained
    again = CliRunner().invoke(main, ["db", "backup", str(target), "--db", str(chained)])
    assert again.exit_code == 1 and "exists already" in again.output
