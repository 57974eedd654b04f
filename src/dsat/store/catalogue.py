"""Framework, banks and item versions. Writing here assumes the caller's transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from dsat.domain.forms import VersionedItem
from dsat.domain.framework import Framework
from dsat.domain.items import item_from_json
from dsat.domain.text import LANGS


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


def save_framework(db: sqlite_utils.Database, fw: Framework, sha: str | None, now: str) -> bool:
    """Store the framework and its area/competency index; False when already stored as is."""
    data = fw.model_dump_json()
    row = db.conn.execute("SELECT data FROM frameworks WHERE id = ?", [fw.id]).fetchone()
    if row and row[0] == data:
        return False
    db["frameworks"].upsert(
        {"id": fw.id, "version": fw.version, "sha256": sha, "data": data, "imported_at": now},
        pk="id",
    )
    db.conn.execute("DELETE FROM competencies WHERE framework_id = ?", [fw.id])
    db.conn.execute("DELETE FROM areas WHERE framework_id = ?", [fw.id])
    db["areas"].insert_all(
        {
            "framework_id": fw.id,
            "id": a.id,
            "position": i,
            "name_vi": a.name.vi,
            "name_en": a.name.en,
        }
        for i, a in enumerate(fw.areas)
    )
    db["competencies"].insert_all(
        {
            "framework_id": fw.id,
            "id": c.id,
            "area_id": a.id,
            "position": i,
            "name_vi": c.name.vi,
            "name_en": c.name.en,
        }
        for i, (a, c) in enumerate((a, c) for a in fw.areas for c in a.competencies)
    )
    db["meta"].upsert({"key": "framework_id", "value": fw.id}, pk="key")
    return True


def load_framework(db: sqlite_utils.Database) -> Framework | None:
    row = db.conn.execute(
        "SELECT f.data FROM meta m JOIN frameworks f ON f.id = m.value WHERE m.key = 'framework_id'"
    ).fetchone()
    return Framework.model_validate_json(row[0]) if row else None


def last_bank_sha(db: sqlite_utils.Database, path: str) -> str | None:
    row = db.conn.execute(
        "SELECT sha256 FROM banks WHERE path = ? ORDER BY id DESC LIMIT 1", [path]
    ).fetchone()
    return row[0] if row else None


def framework_sha_known(db: sqlite_utils.Database, sha: str) -> bool:
    return (
        db.conn.execute("SELECT 1 FROM frameworks WHERE sha256 = ?", [sha]).fetchone() is not None
    )


def active_count(db: sqlite_utils.Database, source: str) -> int:
    return db.conn.execute(
        "SELECT COUNT(*) FROM items WHERE source = ? AND status = 'active'", [source]
    ).fetchone()[0]


def latest_versions(db: sqlite_utils.Database) -> dict[str, tuple[int, str, str, str]]:
    """item_id -> (version, content_hash, status, source) of its newest version."""
    rows = db.conn.execute(
        """SELECT item_id, version, content_hash, status, source FROM items AS i
           WHERE version = (SELECT MAX(version) FROM items WHERE item_id = i.item_id)"""
    )
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}


def import_file(
    db: sqlite_utils.Database,
    fw: Framework,
    source: str,
    sha: str,
    items: Sequence[Any],
    imported_by: str,
    now: str,
    latest: dict[str, tuple[int, str, str, str]] | None = None,
) -> FileChanges:
    """Write one validated file's items as versions. Unchanged items are not touched."""
    changes = FileChanges(source)
    previous_sha = last_bank_sha(db, source)
    if previous_sha == sha:
        changes.skipped = True
        changes.unchanged = len(items)
        return changes
    latest = latest_versions(db) if latest is None else latest
    new_rows: list[dict[str, Any]] = []
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
        new_rows.append(
            {
                "item_id": item.id,
                "version": version,
                "content_hash": digest,
                "competency_id": item.competency,
                "area_id": area_of.get(item.competency),
                "level": item.level,
                "type": item.type,
                "languages": ",".join(LANGS),
                "data": data,
                "status": "active",
                "source": source,
                "bank_id": None,
                "created_at": now,
            }
        )
    gone = [
        (item_id, v[0])
        for item_id, v in latest.items()
        if v[3] == source and v[2] == "active" and item_id not in present
    ]
    changes.retired = len(gone)
    if not (new_rows or retire or reactivate or gone) and previous_sha is not None:
        return changes
    bank_id = (
        db["banks"]
        .insert(
            {
                "path": source,
                "sha256": sha,
                "imported_at": now,
                "imported_by": imported_by,
                "added": changes.added,
                "changed": changes.changed,
                "retired": changes.retired,
            }
        )
        .last_pk
    )
    for row in new_rows:
        row["bank_id"] = bank_id
    db.conn.executemany(
        "UPDATE items SET status = 'retired' WHERE item_id = ? AND version = ?", retire + gone
    )
    db.conn.executemany(
        "UPDATE items SET status = 'active' WHERE item_id = ? AND version = ?", reactivate
    )
    db["items"].insert_all(new_rows, batch_size=500)
    for row in new_rows:
        latest[row["item_id"]] = (row["version"], row["content_hash"], "active", source)
    return changes


def active_items(db: sqlite_utils.Database, competencies: Iterable[str]) -> list[VersionedItem]:
    comps = list(competencies)
    marks = ",".join("?" * len(comps))
    rows = db.conn.execute(
        f"SELECT data, version FROM items WHERE status = 'active' AND competency_id IN ({marks})",
        comps,
    )
    return [VersionedItem(item_from_json(data), version) for data, version in rows]


def all_active_items(db: sqlite_utils.Database) -> list[Any]:
    """Every active item, in framework order (area, competency) then by id."""
    rows = db.conn.execute(
        """SELECT i.data FROM items i LEFT JOIN competencies c ON c.id = i.competency_id
           WHERE i.status = 'active' ORDER BY c.position, i.competency_id, i.item_id"""
    )
    return [item_from_json(r[0]) for r in rows]


def item_version(db: sqlite_utils.Database, item_id: str, version: int) -> Any:
    row = db.conn.execute(
        "SELECT data FROM items WHERE item_id = ? AND version = ?", [item_id, version]
    ).fetchone()
    return item_from_json(row[0]) if row else None


def item_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Active scored items per competency."""
    rows = db.conn.execute(
        """SELECT competency_id, COUNT(*) FROM items
           WHERE status = 'active' AND type != 'self_rating' GROUP BY competency_id"""
    )
    return dict(rows.fetchall())


def list_items(db: sqlite_utils.Database, include_retired: bool = False) -> list[dict[str, Any]]:
    where = "" if include_retired else "WHERE status = 'active'"
    rows = db.query(
        f"""SELECT item_id AS id, version, competency_id AS competency, area_id AS area, level,
                   type, languages, status, source FROM items {where}
            ORDER BY competency_id, item_id, version"""
    )
    out = []
    for r in rows:
        r["languages"] = r["languages"].split(",")
        out.append(r)
    return out


def bank_count(db: sqlite_utils.Database) -> int:
    return db.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
