"""The framework, bank imports and item versions (with their IRT parameters' priors)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dsat.domain.forms import VersionedItem
from dsat.domain.framework import Framework
from dsat.domain.items import Item, item_from_json
from dsat.domain.text import LANGS

if TYPE_CHECKING:
    from dsat.store.base import Store

# (item) -> (model, a, b, steps): an item version's parameters before any calibration
Prior = Callable[[Item], tuple[str, float, float, list[float] | None]]


@dataclass
class FileChanges:
    path: str
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    retired: int = 0
    skipped: bool = False  # same file content as last import: nothing looked at


@dataclass
class ImportSummary:
    files: list[FileChanges] = field(default_factory=list)
    framework_updated: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return self.framework_updated or any(f.added or f.changed or f.retired for f in self.files)


Latest = dict[str, tuple[int, str, str, str]]  # item_id -> (version, hash, status, source)


class ItemRepo:
    def __init__(self, store: Store):
        self.s = store
        self._cache: dict[tuple[str, int], Item | None] = {}

    # --- the framework -------------------------------------------------------------------
    def save_framework(self, fw: Framework, sha: str | None, now: str) -> bool:
        """Store the framework and its area/competency index; False when already stored."""
        data = fw.model_dump_json()
        if self.s.value("SELECT data FROM frameworks WHERE id = ?", [fw.id]) == data:
            return False
        self.s.write(
            """INSERT INTO frameworks (id, version, sha256, data, imported_at)
               VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version,
               sha256 = excluded.sha256, data = excluded.data,
               imported_at = excluded.imported_at""",
            [fw.id, fw.version, sha, data, now],
        )
        self.s.write("DELETE FROM competencies WHERE framework_id = ?", [fw.id])
        self.s.write("DELETE FROM areas WHERE framework_id = ?", [fw.id])
        self.s.write_many(
            "INSERT INTO areas (framework_id, id, position, name_vi, name_en) "
            "VALUES (?, ?, ?, ?, ?)",
            [(fw.id, a.id, i, a.name.vi, a.name.en) for i, a in enumerate(fw.areas)],
        )
        comps = [(a, c) for a in fw.areas for c in a.competencies]
        self.s.write_many(
            "INSERT INTO competencies (framework_id, id, area_id, position, name_vi, name_en) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(fw.id, c.id, a.id, i, c.name.vi, c.name.en) for i, (a, c) in enumerate(comps)],
        )
        self.s.set_meta("framework_id", fw.id)
        return True

    def framework(self) -> Framework | None:
        row = self.s.row(
            "SELECT f.data FROM meta m JOIN frameworks f ON f.id = m.value "
            "WHERE m.key = 'framework_id'"
        )
        return Framework.model_validate_json(row[0]) if row else None

    def framework_sha_known(self, sha: str) -> bool:
        return self.s.row("SELECT 1 FROM frameworks WHERE sha256 = ?", [sha]) is not None

    # --- imports ---------------------------------------------------------------------------
    def last_bank_sha(self, path: str) -> str | None:
        found = self.s.value(
            "SELECT sha256 FROM banks WHERE path = ? ORDER BY id DESC LIMIT 1", [path]
        )
        return None if found is None else str(found)

    def active_count(self, source: str) -> int:
        return int(
            self.s.value(
                "SELECT COUNT(*) FROM items WHERE source = ? AND status = 'active'", [source]
            )
        )

    def latest_versions(self) -> Latest:
        """item_id -> (version, content_hash, status, source) of its newest version."""
        rows = self.s.rows(
            """SELECT item_id, version, content_hash, status, source FROM items AS i
               WHERE version = (SELECT MAX(version) FROM items WHERE item_id = i.item_id)"""
        )
        return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}

    def import_file(
        self,
        fw: Framework,
        source: str,
        sha: str,
        items: Sequence[Item],
        imported_by: str,
        now: str,
        prior: Prior,
        latest: Latest | None = None,
    ) -> FileChanges:
        """Write one validated file's items as versions. Unchanged items are not touched.

        Every new version gets its prior IRT parameters at once (source 'prior').
        """
        self.s.require_write()
        changes = FileChanges(source)
        previous_sha = self.last_bank_sha(source)
        if previous_sha == sha:
            changes.skipped = True
            changes.unchanged = len(items)
            return changes
        latest = self.latest_versions() if latest is None else latest
        new_rows: list[dict[str, Any]] = []
        new_items: list[tuple[Item, int]] = []
        retire: list[tuple[str, int]] = []
        reactivate: list[tuple[str, int]] = []
        present = set()
        area_of = {c.id: a.id for a in fw.areas for c in a.competencies}
        for item in items:
            present.add(item.id)
            data = item.canonical_json()
            digest = hashlib.sha256(data.encode()).hexdigest()
            known = latest.get(item.id)
            if known and known[1] == digest:
                if known[2] == "retired":
                    reactivate.append((item.id, known[0]))
                    changes.changed += 1
                else:
                    changes.unchanged += 1
                continue
            version = known[0] + 1 if known else 1
            if known and known[2] == "active":
                retire.append((item.id, known[0]))
            if known:
                changes.changed += 1
            else:
                changes.added += 1
            new_items.append((item, version))
            new_rows.append(
                {
                    "item_id": item.id, "version": version, "content_hash": digest,
                    "competency_id": item.competency, "area_id": area_of.get(item.competency),
                    "level": item.level, "type": item.type, "languages": ",".join(LANGS),
                    "data": data, "status": "active", "source": source, "bank_id": None,
                    "created_at": now,
                }
            )  # fmt: skip
        gone = [
            (item_id, v[0])
            for item_id, v in latest.items()
            if v[3] == source and v[2] == "active" and item_id not in present
        ]
        changes.retired = len(gone)
        if not (new_rows or retire or reactivate or gone) and previous_sha is not None:
            return changes
        bank_id = self.s.write(
            """INSERT INTO banks (path, sha256, imported_at, imported_by, added, changed, retired)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [source, sha, now, imported_by, changes.added, changes.changed, changes.retired],
        ).lastrowid
        for row in new_rows:
            row["bank_id"] = bank_id
        self.s.write_many(
            "UPDATE items SET status = 'retired' WHERE item_id = ? AND version = ?", retire + gone
        )
        self.s.write_many(
            "UPDATE items SET status = 'active' WHERE item_id = ? AND version = ?", reactivate
        )
        self.s.insert_all("items", new_rows, batch_size=500)
        self.s.measurement.add_priors(
            [(item.id, version, *prior(item)) for item, version in new_items], now
        )
        for row in new_rows:
            latest[row["item_id"]] = (row["version"], row["content_hash"], "active", source)
        return changes

    # --- reading -----------------------------------------------------------------------
    def active(
        self, competencies: Iterable[str], *, self_ratings: bool | None = None
    ) -> list[VersionedItem]:
        """The active version of every item of these competencies (`self_ratings`: only
        the self-rating statements, or only the others)."""
        comps = list(competencies)
        marks = ",".join("?" * len(comps))
        kind = {None: "", True: " AND type = 'self_rating'", False: " AND type != 'self_rating'"}
        rows = self.s.rows(
            f"SELECT item_id, version, data FROM items WHERE status = 'active' "
            f"AND competency_id IN ({marks}){kind[self_ratings]} ORDER BY item_id",
            comps,
        )
        out = []
        for item_id, version, data in rows:
            item = item_from_json(data)
            self._cache[(item_id, version)] = item  # `versions` finds them without a query
            out.append(VersionedItem(item, version))
        return out

    def all_active(self) -> list[Item]:
        """Every active item, in framework order (area, competency) then by id."""
        rows = self.s.rows(
            """SELECT i.data FROM items i LEFT JOIN competencies c ON c.id = i.competency_id
               WHERE i.status = 'active' ORDER BY c.position, i.competency_id, i.item_id"""
        )
        return [item_from_json(r[0]) for r in rows]

    def active_versions(self) -> dict[str, int]:
        """item_id -> its active version."""
        return {
            r[0]: r[1]
            for r in self.s.rows(
                "SELECT item_id, MAX(version) FROM items WHERE status = 'active' GROUP BY 1"
            )
        }

    def version(self, item_id: str, version: int) -> Item | None:
        """One item version (cached: versions never change)."""
        key = (item_id, version)
        if key not in self._cache:
            row = self.s.row(
                "SELECT data FROM items WHERE item_id = ? AND version = ?", [item_id, version]
            )
            self._cache[key] = item_from_json(row[0]) if row else None
        return self._cache[key]

    def versions(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Item]:
        """Many item versions at once."""
        wanted = [k for k in dict.fromkeys(keys) if k not in self._cache]
        for chunk in range(0, len(wanted), 400):
            part = wanted[chunk : chunk + 400]
            where = " OR ".join("(item_id = ? AND version = ?)" for _ in part)
            params = [v for k in part for v in k]
            for item_id, version, data in self.s.rows(
                f"SELECT item_id, version, data FROM items WHERE {where}", params
            ):
                self._cache[(item_id, version)] = item_from_json(data)
        return {k: v for k in keys if (v := self._cache.get(k)) is not None}

    def counts(self) -> dict[str, int]:
        """Active scored items per competency."""
        rows = self.s.rows(
            """SELECT competency_id, COUNT(*) FROM items
               WHERE status = 'active' AND type != 'self_rating' GROUP BY competency_id"""
        )
        return {r[0]: r[1] for r in rows}

    def listing(self, include_retired: bool = False) -> list[dict[str, Any]]:
        where = "" if include_retired else "WHERE status = 'active'"
        rows = self.s.dicts(
            f"""SELECT item_id AS id, version, competency_id AS competency, area_id AS area,
                       level, type, languages, status, source FROM items {where}
                ORDER BY competency_id, item_id, version"""
        )
        for r in rows:
            r["languages"] = r["languages"].split(",")
        return rows

    def total(self) -> int:
        return int(self.s.value("SELECT COUNT(*) FROM items"))
