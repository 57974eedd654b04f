"""The staff register: who should be assessed (the denominator of every share)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

STAFF_FIELDS = ("employee_id", "full_name", "unit_path", "province", "position", "active")


@dataclass
class StaffChanges:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def upsert_staff(
    db: sqlite_utils.Database, rows: Sequence[dict[str, Any]], now: str, simulated: bool = False
) -> StaffChanges:
    """Add new people, update changed ones; the caller holds the transaction."""
    changes = StaffChanges()
    ids = [r["employee_id"] for r in rows]
    known: dict[str, tuple[Any, ...]] = {}
    for chunk in range(0, len(ids), 900):
        part = ids[chunk : chunk + 900]
        marks = ",".join("?" * len(part))
        for row in db.conn.execute(
            f"SELECT {', '.join(STAFF_FIELDS)} FROM staff WHERE employee_id IN ({marks})", part
        ):
            known[row[0]] = tuple(row)
    write = []
    for r in rows:
        values = tuple(r[f] if f != "active" else int(r[f]) for f in STAFF_FIELDS)
        old = known.get(r["employee_id"])
        if old == values:
            changes.unchanged += 1
            continue
        if old is None:
            changes.added += 1
        else:
            changes.updated += 1
        write.append((*values, int(simulated), now))
    db.conn.executemany(
        f"""INSERT INTO staff ({", ".join(STAFF_FIELDS)}, simulated, updated_at)
            VALUES ({", ".join("?" * (len(STAFF_FIELDS) + 2))})
            ON CONFLICT (employee_id) DO UPDATE SET full_name = excluded.full_name,
              unit_path = excluded.unit_path, province = excluded.province,
              position = excluded.position, active = excluded.active,
              simulated = excluded.simulated, updated_at = excluded.updated_at""",
        write,
    )
    return changes


def staff_count(db: sqlite_utils.Database, active_only: bool = True) -> int:
    where = "WHERE active = 1" if active_only else ""
    return db.conn.execute(f"SELECT COUNT(*) FROM staff {where}").fetchone()[0]
