"""Online backup with SQLite's backup API: a consistent copy while others keep writing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import sqlite_utils

from dsat.store import chain
from dsat.store.db import StoreError


def backup(db: sqlite_utils.Database, target: Path, pages_per_step: int = 256) -> int:
    """Copy `db` to `target` (a new file), step by step so writers are not held up."""
    if target.exists():
        raise StoreError(f"{target}: exists already; choose a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    dest = sqlite3.connect(partial)
    copied = 0

    def progress(status: int, remaining: int, total: int) -> None:
        nonlocal copied
        copied = total

    try:
        with dest:
            db.conn.backup(dest, pages=pages_per_step, progress=progress)
        ok = dest.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise StoreError(f"{target}: the copy failed its integrity check ({ok})")
    except BaseException:
        dest.close()
        partial.unlink(missing_ok=True)
        raise
    dest.close()
    partial.rename(target)
    key = chain.key_path(db)
    if key is not None and key.exists():
        copy = Path(str(target) + ".key")
        shutil.copyfile(key, copy)
        copy.chmod(0o600)
    return copied
