"""Candidates (who took tests) and the staff register (who should be assessed).

The register drives every grouping of the reports, so each row it gains or changes is
sealed in the audit chain: a person moved to another unit or province is named by
`dsat audit verify`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dsat.domain.attempts import Candidate
from dsat.store.audit import STAFF_COLUMNS, _canonical

if TYPE_CHECKING:
    from dsat.store.base import Row, Store

STAFF_FIELDS = ("employee_id", "full_name", "unit_path", "province", "position", "active")


class CandidateRepo:
    def __init__(self, store: Store):
        self.s = store

    def upsert(self, cand: Candidate, now: str) -> None:
        """Create or update the candidate and their unit."""
        self.s.write("INSERT OR IGNORE INTO units (name) VALUES (?)", [cand.unit])
        unit_id = self.s.value("SELECT id FROM units WHERE name = ?", [cand.unit])
        self.s.write(
            """INSERT INTO candidates (employee_id, full_name, unit_id, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (employee_id) DO UPDATE SET
                 full_name = excluded.full_name, unit_id = excluded.unit_id,
                 updated_at = excluded.updated_at""",
            [cand.employee_id, cand.full_name, unit_id, now, now],
        )

    def get(self, employee_id: str) -> Candidate | None:
        row = self.s.row(
            """SELECT c.employee_id, c.full_name, u.name FROM candidates c
               JOIN units u ON u.id = c.unit_id WHERE c.employee_id = ?""",
            [employee_id],
        )
        return Candidate(employee_id=row[0], full_name=row[1], unit=row[2]) if row else None

    def remember(self, machine: str, employee_id: str | None) -> None:
        """The last candidate on this machine (only where the machine chose to remember)."""
        self.s.set_meta(f"last_candidate:{machine}", employee_id)

    def remembered(self, machine: str) -> Candidate | None:
        emp = self.s.meta(f"last_candidate:{machine}")
        return self.get(emp) if emp else None

    def forget_all(self) -> None:
        """Remove the remembered candidates of every machine (and the old, shared one)."""
        self.s.write("DELETE FROM meta WHERE key = 'last_candidate' OR key LIKE 'last_candidate:%'")


@dataclass
class StaffChanges:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Person:
    employee_id: str
    full_name: str
    unit_path: str
    province: str
    position: str
    active: bool


def _person(r: Row) -> Person:
    """A Person from a row of the STAFF_FIELDS columns."""
    return Person(r[0], r[1], r[2], r[3], r[4], bool(r[5]))


class StaffRepo:
    def __init__(self, store: Store):
        self.s = store

    def _baseline(self) -> None:
        """The first time the register is sealed, seal every row it already holds."""
        if self.s.meta("audit_staff_since") is not None:
            return
        rows = self.s.rows(f"SELECT {', '.join(STAFF_COLUMNS)} FROM staff ORDER BY rowid")
        self.s.audit.append([("staff", r[0], _canonical(r)) for r in rows])
        self.s.set_meta("audit_staff_since", "1")

    def _seal(self, ids: Sequence[str]) -> None:
        entries = []
        for chunk in range(0, len(ids), 900):
            part = list(ids[chunk : chunk + 900])
            marks = ",".join("?" * len(part))
            rows = self.s.rows(
                f"SELECT {', '.join(STAFF_COLUMNS)} FROM staff WHERE employee_id IN ({marks}) "
                "ORDER BY rowid",
                part,
            )
            entries += [("staff", r[0], _canonical(r)) for r in rows]
        self.s.audit.append(entries)

    def upsert(
        self, rows: Sequence[dict[str, Any]], now: str, simulated: bool = False
    ) -> StaffChanges:
        """Add new people, update changed ones, and seal what changed."""
        self.s.require_write()
        self.s.audit.check_writable()
        self._baseline()
        changes = StaffChanges()
        ids = [r["employee_id"] for r in rows]
        known: dict[str, tuple[Any, ...]] = {}
        for chunk in range(0, len(ids), 900):
            part = ids[chunk : chunk + 900]
            marks = ",".join("?" * len(part))
            for row in self.s.rows(
                f"SELECT {', '.join(STAFF_FIELDS)} FROM staff WHERE employee_id IN ({marks})",
                part,
            ):
                known[row[0]] = tuple(row)
        write: list[tuple[Any, ...]] = []
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
        self.s.write_many(
            f"""INSERT INTO staff ({", ".join(STAFF_FIELDS)}, simulated, updated_at)
                VALUES ({", ".join("?" * (len(STAFF_FIELDS) + 2))})
                ON CONFLICT (employee_id) DO UPDATE SET full_name = excluded.full_name,
                  unit_path = excluded.unit_path, province = excluded.province,
                  position = excluded.position, active = excluded.active,
                  simulated = excluded.simulated, updated_at = excluded.updated_at""",
            write,
        )
        self._seal([w[0] for w in write])
        return changes

    def deactivate_others(self, keep: Sequence[str], now: str) -> int:
        """Mark everyone not in `keep` inactive; sealed like any change."""
        self.s.require_write()
        self.s.audit.check_writable()
        self._baseline()
        self.s.write("CREATE TEMP TABLE IF NOT EXISTS keep (id TEXT PRIMARY KEY)")
        self.s.write("DELETE FROM keep")
        self.s.write_many("INSERT INTO keep VALUES (?)", [(k,) for k in keep])
        gone = [
            r[0]
            for r in self.s.rows(
                "SELECT employee_id FROM staff WHERE active = 1 "
                "AND employee_id NOT IN (SELECT id FROM keep)"
            )
        ]
        self.s.write(
            """UPDATE staff SET active = 0, updated_at = ?
               WHERE active = 1 AND employee_id NOT IN (SELECT id FROM keep)""",
            [now],
        )
        self._seal(gone)
        return len(gone)

    def count(self, active_only: bool = True) -> int:
        where = "WHERE active = 1" if active_only else ""
        return int(self.s.value(f"SELECT COUNT(*) FROM staff {where}"))

    def get(self, employee_id: str) -> Person | None:
        row = self.s.row(
            f"SELECT {', '.join(STAFF_FIELDS)} FROM staff WHERE employee_id = ?", [employee_id]
        )
        return _person(row) if row else None

    def find(self, employee_id: str) -> Person | None:
        """The person whose id matches ignoring case (people type cb001 for CB001)."""
        row = self.s.row(
            f"SELECT {', '.join(STAFF_FIELDS)} FROM staff WHERE employee_id = ? COLLATE NOCASE "
            "ORDER BY employee_id = ? DESC LIMIT 1",
            [employee_id, employee_id],
        )
        return _person(row) if row else None

    def of_unit(self, unit: str) -> list[Person]:
        """Active people of a unit and the units under it."""
        rows = self.s.rows(
            f"""SELECT {", ".join(STAFF_FIELDS)} FROM staff WHERE active = 1
                AND (unit_path = ? OR substr(unit_path, 1, ?) = ?) ORDER BY employee_id""",
            [unit, len(unit) + 1, unit + "/"],
        )
        return [_person(r) for r in rows]

    def names(self) -> dict[str, tuple[str, str, str]]:
        """employee_id -> (employee_id, full_name, unit_path) for everyone in the register."""
        return {
            r[0]: (r[0], r[1], r[2])
            for r in self.s.rows("SELECT employee_id, full_name, unit_path FROM staff")
        }
