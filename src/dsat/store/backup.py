"""Online backup with SQLite's backup API: a consistent copy while others keep writing."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from dsat.store.errors import StoreError

if TYPE_CHECKING:
    from dsat.store.base import Store


def backup(store: Store, target: Path, pages_per_step: int = 256) -> int:
    """Copy the database to `target` (a new file, 0600), step by step so writers go on.

    The audit key is copied beside it (`<target>.key`, 0600 from the first byte).
    """
    if target.exists() or target.is_symlink():
        raise StoreError(f"{target}: exists already; choose a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    dest = sqlite3.connect(partial)
    copied = 0

    def progress(status: int, remaining: int, total: int) -> None:
        nonlocal copied
        copied = total

    try:
        with dest:
            store.conn.backup(dest, pages=pages_per_step, progress=progress)
        ok = dest.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise StoreError(f"{target}: the copy failed its integrity check ({ok})")
    except sqlite3.Error as exc:
        dest.close()
        partial.unlink(missing_ok=True)
        raise StoreError(f"{target}: the backup failed ({exc})") from None
    except BaseException:
        dest.close()
        partial.unlink(missing_ok=True)
        raise
    dest.close()
    os.rename(partial, target)
    key = store.key_file
    if key is not None and key.exists():
        copy = Path(str(target) + ".key")
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key.read_bytes())
            fh.flush()
            os.fsync(fh.fileno())
    return copied
