"""Candidates and the units they belong to."""

from __future__ import annotations

import sqlite_utils

from dsat.domain.attempts import Candidate


def upsert_candidate(db: sqlite_utils.Database, cand: Candidate, now: str) -> None:
    """Create or update the candidate (and their unit); remember them as the last one."""
    db.conn.execute("INSERT OR IGNORE INTO units (name) VALUES (?)", [cand.unit])
    unit_id = db.conn.execute("SELECT id FROM units WHERE name = ?", [cand.unit]).fetchone()[0]
    db.conn.execute(
        """INSERT INTO candidates (employee_id, full_name, unit_id, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (employee_id) DO UPDATE SET
             full_name = excluded.full_name, unit_id = excluded.unit_id,
             updated_at = excluded.updated_at""",
        [cand.employee_id, cand.full_name, unit_id, now, now],
    )
    db.conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_candidate', ?)",
        [cand.employee_id],
    )


def get_candidate(db: sqlite_utils.Database, employee_id: str) -> Candidate | None:
    row = db.conn.execute(
        """SELECT c.employee_id, c.full_name, u.name FROM candidates c
           JOIN units u ON u.id = c.unit_id WHERE c.employee_id = ?""",
        [employee_id],
    ).fetchone()
    return Candidate(employee_id=row[0], full_name=row[1], unit=row[2]) if row else None


def last_candidate(db: sqlite_utils.Database) -> Candidate | None:
    row = db.conn.execute("SELECT value FROM meta WHERE key = 'last_candidate'").fetchone()
    return get_candidate(db, row[0]) if row else None
