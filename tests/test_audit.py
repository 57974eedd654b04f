"""Tamper evidence: the audit chain names every kind of change, refuses a silent fresh start,
keeps corrections, and survives online backups."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from dsat.cli import main
from dsat.services.errors import ChainError
from dsat.store import open_store
from tests.test_report import JAN, person, sit


@pytest.fixture
def chained(db, fw, db_path):
    for i in range(4):
        person(db, f"E{i}", "A", "U")
        sit(db, fw, f"E{i}", JAN, {"4.1": i % 2 == 0, "4.2": True})
    return db_path


def audit(db_path: Path, *extra: str):
    return CliRunner().invoke(main, ["audit", "verify", "--db", str(db_path), *extra])


def _tamper(db_path: Path, sql: str, *params: object) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute(sql, params)


def test_an_untouched_database_verifies_and_the_key_stays_outside(chained):
    result = audit(chained)
    assert result.exit_code == 0, result.output
    assert "ok: " in result.output and " links verified, head " in result.output
    key = Path(str(chained) + ".key")
    assert (key.stat().st_mode & 0o777) == 0o600
    with sqlite3.connect(chained) as conn:
        everything = " ".join(
            str(v)
            for table in ("audit_chain", "meta", "results")
            for r in conn.execute(f"SELECT * FROM {table}")
            for v in r
        )
    assert key.read_text().strip() not in everything


def test_an_edited_result_is_named_with_its_fields(chained):
    _tamper(chained, "UPDATE results SET proficient = 1, percent = 95 WHERE rowid = 3")
    with sqlite3.connect(chained) as conn:
        attempt, comp = conn.execute(
            "SELECT attempt_id, competency_id FROM results WHERE rowid = 3"
        ).fetchone()
    result = audit(chained)
    assert result.exit_code == 1
    assert f"edited: attempt {attempt} competency {comp} (percent, proficient)" in result.output


def test_an_edited_answer_and_a_moved_person_are_named(db, fw, service, db_path):
    service.identify("CB001", "Nguyễn Văn A", "Sở Nội vụ")
    state = service.start("CB001", "competency", "4.1", "vi", seed=3)
    service.answer(state.attempt.id, 0, 2)
    service.submit(state.attempt.id)
    person(db, "CB001", "Hà Nội", "Sở Nội vụ/Phòng A")
    assert audit(db_path).exit_code == 0
    _tamper(db_path, "UPDATE responses SET answer = '3' WHERE position = 0")
    _tamper(db_path, "UPDATE attempts SET employee_id = 'CB002'")
    _tamper(db_path, "UPDATE staff SET unit_path = 'Sở Tài chính' WHERE employee_id = 'CB001'")
    out = audit(db_path).output
    assert f"edited: answers of attempt {state.attempt.id}: response at position 0" in out
    assert f"edited: attempt {state.attempt.id} (employee_id)" in out
    assert "edited: staff register entry CB001 (unit_path)" in out


def test_inserted_deleted_reordered_and_truncated_rows_are_named(chained, db):
    head = db.audit.verify().head
    with sqlite3.connect(chained) as conn:
        a0 = conn.execute("SELECT attempt_id FROM results WHERE rowid = 1").fetchone()[0]
        conn.execute(
            "INSERT INTO results (attempt_id, competency_id, raw, max, percent, band, "
            "proficient, self_band, employee_id, submitted_local) SELECT attempt_id, '5.1', "
            "raw, max, percent, band, proficient, self_band, employee_id, submitted_local "
            "FROM results WHERE rowid = 1"
        )
    out = audit(chained).output
    assert f"inserted: attempt {a0} competency 5.1" in out
    _tamper(chained, "DELETE FROM results WHERE competency_id = '5.1'")
    _tamper(chained, "DELETE FROM results WHERE rowid = 2")
    assert "deleted: attempt" in audit(chained).output
    # two links swapped: the chain no longer follows
    with sqlite3.connect(chained) as conn:
        conn.execute("UPDATE audit_chain SET seq = -1 WHERE seq = 5")
        conn.execute("UPDATE audit_chain SET seq = 5 WHERE seq = 6")
        conn.execute("UPDATE audit_chain SET seq = 6 WHERE seq = -1")
    assert "out of order: link" in audit(chained).output
    # the end of the chain cut off: named against the head printed earlier
    with sqlite3.connect(chained) as conn:
        conn.execute("UPDATE audit_chain SET seq = -1 WHERE seq = 5")
        conn.execute("UPDATE audit_chain SET seq = 5 WHERE seq = 6")
        conn.execute("UPDATE audit_chain SET seq = 6 WHERE seq = -1")
        conn.execute("DELETE FROM audit_chain WHERE seq = (SELECT MAX(seq) FROM audit_chain)")
    out = audit(chained, "--head", head).output
    assert "truncated: the chain does not reach the head given" in out


def test_a_forged_fresh_start_is_refused_never_silently_re_chained(chained, fw, clock):
    """The attack: remove the key and the chain, edit a result, let a candidate submit."""
    key = Path(str(chained) + ".key")
    key.unlink()
    _tamper(chained, "DELETE FROM audit_chain")
    _tamper(chained, "UPDATE results SET percent = 100, band = 'advanced', proficient = 1")
    store = open_store(chained)
    from dsat.services.assessment import AssessmentService

    service = AssessmentService(store, fw, clock)
    service.identify("E0", "Name E0", "U")
    state = service.start("E0", "competency", "4.1", "vi", seed=1)
    with pytest.raises(ChainError, match="audit key is missing"):
        service.submit(state.attempt.id)
    assert not key.exists()  # no new key was made behind anyone's back
    assert store.attempts.get(state.attempt.id).status == "in_progress"  # nothing half-written
    result = audit(chained)
    assert result.exit_code == 1 and "audit key is missing" in result.output


def test_an_emptied_chain_stops_writes_and_audit_init_starts_a_new_one(chained, fw, clock):
    _tamper(chained, "DELETE FROM audit_chain")
    store = open_store(chained)
    from dsat.services.assessment import AssessmentService

    service = AssessmentService(store, fw, clock)
    service.identify("E1", "Name E1", "U")
    state = service.start("E1", "competency", "4.1", "vi", seed=1)
    with pytest.raises(ChainError, match="chain is empty"):
        service.submit(state.attempt.id)
    refused = CliRunner().invoke(main, ["audit", "init", "--db", str(chained)])
    assert refused.exit_code == 2  # --reason is required
    init = CliRunner().invoke(
        main, ["audit", "init", "--db", str(chained), "--reason", "chain lost in a restore"]
    )
    assert init.exit_code == 0, init.output
    service.submit(state.attempt.id)  # writes work again, into the new chain
    result = audit(chained)
    assert result.exit_code == 0, result.output
    assert "a new chain was started" in result.output and "chain lost in a restore" in result.output
    again = CliRunner().invoke(
        main, ["audit", "init", "--db", str(chained), "--reason", "just because"]
    )
    assert again.exit_code == 1 and "intact" in again.output  # not a way round an edit


def test_backup_while_writing_is_consistent_verifies_and_is_private(chained, db, fw, tmp_path):
    target = tmp_path / "copy.db"
    stop = threading.Event()

    def keep_writing() -> None:
        other = open_store(chained)
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
    assert (target.stat().st_mode & 0o777) == 0o600
    assert (Path(str(target) + ".key").stat().st_mode & 0o777) == 0o600
    copy = CliRunner().invoke(main, ["audit", "verify", "--db", str(target)])
    assert copy.exit_code == 0, copy.output  # one snapshot: every copied row is chained
    again = CliRunner().invoke(main, ["db", "backup", str(target), "--db", str(chained)])
    assert again.exit_code == 1 and "exists already" in again.output


def test_a_new_database_is_private_to_its_owner(tmp_path):
    path = tmp_path / "fresh.db"
    open_store(path).close()
    assert (path.stat().st_mode & 0o777) == 0o600
