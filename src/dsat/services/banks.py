"""Bank use cases: validate, import, list, schema; and the shipped bank on first run.

The bank readers (YAML parsers, item validation) are imported only by the functions that
read files, so opening the app on an existing database does not pay for them.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from dsat.banks.errors import display_path
from dsat.domain.framework import Framework
from dsat.services.clock import Clock, system_clock
from dsat.store import catalogue
from dsat.store.db import now_iso, transaction

if TYPE_CHECKING:
    from collections.abc import Callable

    from dsat.banks.foreign import ImportOptions, Loaded
    from dsat.banks.native import LoadedBank


def shipped_bank_dir() -> Path:
    """The question bank that ships with dsat: in the package, or beside the source tree."""
    packaged = Path(__file__).resolve().parent.parent / "question_banks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "question_banks"


def default_framework(db: sqlite_utils.Database | None) -> Framework | None:
    """The framework in the database, else the shipped one."""
    if db is not None:
        fw = catalogue.load_framework(db)
        if fw is not None:
            return fw
    from dsat.banks.native import read_framework

    path = shipped_bank_dir() / "framework.yaml"
    return read_framework(path)[0] if path.exists() else None


def validate(paths: Sequence[Path], db: sqlite_utils.Database | None = None) -> LoadedBank:
    """Raise BankError listing every issue, or return the validated bank."""
    return load(paths, db).bank


def load(
    paths: Sequence[Path],
    db: sqlite_utils.Database | None = None,
    options: ImportOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Loaded:
    """Read and validate bank files in any supported format; BankError lists every issue."""
    from dsat.banks.foreign import load_any

    return load_any(paths, default_framework(db), options, progress)


def _all_unchanged(
    db: sqlite_utils.Database, paths: Sequence[Path], options: ImportOptions | None
) -> catalogue.ImportSummary | None:
    """A summary when every file is byte-identical to its last import, else None.

    Saves reading, parsing and validating a bank that has not changed since. A file in
    another format counts as changed when it is imported with other options.
    """
    from dsat.banks.foreign import ImportOptions, detect, source_sha
    from dsat.banks.native import expand

    options = options or ImportOptions()
    summary = catalogue.ImportSummary()
    for path in expand(paths):
        try:
            data = path.read_bytes()
        except OSError:
            return None  # the full import reports it
        kind = detect(path, data, options.format)
        if kind is None:
            return None
        sha = source_sha(data, kind, options)
        shown = display_path(path)
        if catalogue.framework_sha_known(db, sha):
            continue
        if catalogue.last_bank_sha(db, shown) != sha:
            return None
        summary.files.append(
            catalogue.FileChanges(shown, unchanged=catalogue.active_count(db, shown), skipped=True)
        )
    return summary


def import_bank(
    db: sqlite_utils.Database,
    paths: Sequence[Path],
    *,
    imported_by: str | None = None,
    clock: Clock = system_clock,
    options: ImportOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> catalogue.ImportSummary:
    """Validate everything, then write all of it in one transaction, or nothing."""
    unchanged = _all_unchanged(db, paths, options)
    if unchanged is not None and unchanged.files:
        return unchanged
    result = load(paths, db, options, progress)
    loaded = result.bank
    by = imported_by or getpass.getuser()
    now = now_iso(clock())
    summary = catalogue.ImportSummary(notes=result.notes)
    with transaction(db):
        if loaded.framework_path is not None:
            summary.framework_updated = catalogue.save_framework(
                db, loaded.framework, loaded.framework_sha256, now
            )
        latest = catalogue.latest_versions(db)
        for f in loaded.files:
            summary.files.append(
                catalogue.import_file(
                    db,
                    loaded.framework,
                    display_path(f.path),
                    f.sha256,
                    f.items,
                    by,
                    now,
                    latest,
                )
            )
    return summary


def ensure_bank(db: sqlite_utils.Database, clock: Clock = system_clock) -> bool:
    """On first run (no items at all), import the shipped bank. True when it did."""
    if catalogue.bank_count(db) > 0:
        return False
    import_bank(db, [shipped_bank_dir()], imported_by="dsat", clock=clock)
    return True


def lint(
    paths: Sequence[Path],
    db: sqlite_utils.Database | None = None,
    options: ImportOptions | None = None,
) -> list[Any]:
    """Validate, then run the item-writing checks; findings located as PATH:LINE."""
    from dsat.banks import yamlsource
    from dsat.banks.lint import lint_items

    loaded = load(paths, db, options).bank
    located = []
    for f in loaded.files:
        shown = display_path(f.path)
        if f.path.suffix.lower() not in (".yaml", ".yml"):  # other formats: by item id
            located += [(item, f"{shown}:{item.id}") for item in f.items]
            continue
        positions = yamlsource.Positions(f.path.read_text(encoding="utf-8-sig"))
        for i, item in enumerate(f.items):
            located.append((item, f"{shown}:{positions.line(('items', i))}"))
    return lint_items(located)


def list_items(db: sqlite_utils.Database, include_retired: bool = False) -> list[dict[str, Any]]:
    return catalogue.list_items(db, include_retired)


def bank_schema() -> str:
    """The JSON Schema of an item file."""
    from pydantic import BaseModel, ConfigDict

    from dsat.domain.items import Item
    from dsat.domain.text import LocalizedText

    class BankFileSchema(BaseModel):
        """A dsat question bank file (YAML). The framework lives in its own file."""

        model_config = ConfigDict(extra="forbid", title="dsat question bank")
        title: LocalizedText | None = None
        items: list[Item]

    return json.dumps(BankFileSchema.model_json_schema(), indent=2, ensure_ascii=False)


def export_items(
    fmt: str,
    db: sqlite_utils.Database | None,
    paths: Sequence[Path] = (),
    options: ImportOptions | None = None,
    competencies: Sequence[str] = (),
) -> Any:
    """Items from files (when given) or the database's active items, in format `fmt`.

    `competencies` keeps only those competency ids, or those of an area when one is given
    as an area id.
    """
    from dsat.banks.export import export

    if paths:
        items = load(paths, db, options).bank.items
    else:
        items = catalogue.all_active_items(db) if db is not None else []
    if competencies:
        wanted = set(competencies)
        items = [i for i in items if i.competency in wanted or i.competency.split(".")[0] in wanted]
    return export(items, fmt)


@dataclass
class BankDiff:
    added: list[str]
    removed: list[str]
    changed: list[tuple[str, list[str]]]  # id, names of the fields that differ
    unchanged: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "removed": self.removed,
            "changed": [{"id": i, "fields": f} for i, f in self.changed],
            "unchanged": self.unchanged,
        }


def diff_banks(
    old: Sequence[Path],
    new: Sequence[Path],
    db: sqlite_utils.Database | None = None,
    options: ImportOptions | None = None,
) -> BankDiff:
    """Items added, removed and changed (with the fields that differ) from OLD to NEW."""
    before = {i.id: i for i in load(old, db, options).bank.items}
    after = {i.id: i for i in load(new, db, options).bank.items}
    changed = []
    unchanged = 0
    for ident in sorted(set(before) & set(after)):
        a, b = before[ident], after[ident]
        if a.content_hash() == b.content_hash():
            unchanged += 1
            continue
        da, db_ = a.model_dump(), b.model_dump()
        fields = [k for k in dict.fromkeys([*da, *db_]) if da.get(k) != db_.get(k)]
        changed.append((ident, fields))
    return BankDiff(
        added=sorted(set(after) - set(before)),
        removed=sorted(set(before) - set(after)),
        changed=changed,
        unchanged=unchanged,
    )
