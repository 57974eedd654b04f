"""The SQLite store: migrations, pragmas, versioned imports that keep past attempts intact."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from dsat.services.assessment import AssessmentService
from dsat.services.banks import import_bank, shipped_bank_dir, validate
from dsat.store import open_store as connect
from dsat.store.migrations import LATEST


def test_schema_is_created_and_migrations_rerun_harmlessly(db_path: Path):
    db = connect(db_path)
    tables = set(db.table_names())
    assert {
        "items",
        "banks",
        "candidates",
        "units",
        "attempts",
        "responses",
        "results",
        "frameworks",
        "competencies",
        "areas",
    } <= tables
    db.close()
    db = connect(db_path)
    assert db.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def _bank_copy(tmp_path: Path) -> Path:
    target = tmp_path / "bank"
    shutil.copytree(shipped_bank_dir(), target)
    return target


def _counts(db) -> tuple[int, int]:
    return (db.count("items"), db.count("banks"))


def test_reimport_of_unchanged_files_changes_nothing(tmp_path: Path, db_path: Path):
    bank = _bank_copy(tmp_path)
    db = connect(db_path)
    first = import_bank(db, [bank], imported_by="t")
    total = len(validate([bank]).items)
    assert first.written and sum(f.added for f in first.files) == total
    before = _counts(db)
    again = import_bank(db, [bank], imported_by="t")
    assert not again.written
    assert _counts(db) == before


def _edit_bank_file(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Rewrite one bank file after `change(items)`; other items keep their content."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["items"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_changed_item_gets_a_new_version_and_past_attempts_keep_theirs(
    tmp_path: Path, db_path: Path, fixed_fw, clock
):
    fw = fixed_fw
    bank = _bank_copy(tmp_path)
    db = connect(db_path)
    import_bank(db, [bank], imported_by="t", clock=clock)
    service = AssessmentService(db, fw, clock)
    service.identify("CB9", "Trần Thị B", "Sở Khoa học và Công nghệ")
    state = service.start("CB9", "competency", "6.2", "en", seed=11)
    pos, slot = next(
        (s.position, s) for s in state.slots if s.item.item_type in ("single", "true_false")
    )
    item_id = db.conn.execute(
        "SELECT item_id FROM responses WHERE attempt_id = ? AND position = ?",
        [state.attempt.id, pos],
    ).fetchone()[0]
    old_stem = slot.item.stem.en
    key = db.items.version(item_id, 1).key

    def reword(items):  # type: ignore[no-untyped-def]
        for it in items:
            if it["id"] == item_id:
                it["stem"]["en"] = "Reworded: " + it["stem"]["en"]

    f = next(bank.glob("6.2-*.yaml"))
    _edit_bank_file(f, reword)
    summary = import_bank(db, [bank], imported_by="t", clock=clock)
    [ai] = [x for x in summary.files if x.path.endswith(f.name)]
    assert (ai.added, ai.changed, ai.retired) == (0, 1, 0)
    versions = db.conn.execute(
        "SELECT version, status FROM items WHERE item_id = ? ORDER BY version", [item_id]
    ).fetchall()
    assert versions == [(1, "retired"), (2, "active")]
    # the new version has its prior parameters from the start; the old one keeps its own
    assert db.measurement.current([(item_id, 2)])[(item_id, 2)].source == "prior"

    # the attempt started before the change still shows and scores version 1
    again = service.state(state.attempt.id)
    assert again.slots[pos].item.stem.en == old_stem
    service.answer(state.attempt.id, pos, key)
    service.submit(state.attempt.id)
    row = db.conn.execute(
        "SELECT item_version, score FROM responses WHERE attempt_id = ? AND position = ?",
        [state.attempt.id, pos],
    ).fetchone()
    assert row == (1, 1.0)
    # a new version is what new attempts draw
    assert db.items.active_versions()[item_id] == 2


def test_item_removed_from_its_file_is_retired(tmp_path: Path, db_path: Path):
    bank = _bank_copy(tmp_path)
    db = connect(db_path)
    import_bank(db, [bank], imported_by="t")
    f = next(bank.glob("6.2-*.yaml"))
    gone = yaml.safe_load(f.read_text(encoding="utf-8"))["items"][-1]["id"]

    def drop(items):  # type: ignore[no-untyped-def]
        items[:] = [it for it in items if it["id"] != gone]
        for it in items:  # and nothing names it as an enemy any more
            if gone in it.get("enemies", []):
                it["enemies"] = [e for e in it["enemies"] if e != gone]

    _edit_bank_file(f, drop)
    summary = import_bank(db, [bank], imported_by="t")
    assert sum(x.retired for x in summary.files) == 1
    status = db.conn.execute("SELECT status FROM items WHERE item_id = ?", [gone]).fetchone()[0]
    assert status == "retired"


def test_migration_2_fills_the_report_columns_of_existing_results(tmp_path):
    import sqlite3

    from dsat.store import open_store as connect
    from dsat.store.migrations import MIGRATIONS

    path = tmp_path / "v1.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(MIGRATIONS[0][1])
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO units (id, name) VALUES (1, 'U')")
        conn.execute("INSERT INTO candidates VALUES ('CB1', 'A', 1, 't', 't')")
        conn.execute(
            "INSERT INTO attempts (id, employee_id, framework_id, scope_kind, scope_id, "
            "form_seed, lang, started_at, deadline, submitted_at, status) VALUES "
            "('x', 'CB1', 'f', 'competency', '4.1', 0, 'vi', 't', 't', "
            "'2025-12-31T18:00:00.000+00:00', 'submitted')"
        )
        conn.execute("INSERT INTO results VALUES ('x', '4.1', 1, 2, 50, 'basic', 0, NULL)")
    db = connect(path)
    row = db.conn.execute("SELECT employee_id, submitted_local FROM results").fetchone()
    assert row == ("CB1", "2026-01-01T01:00:00.000+07:00")
    db.close()
