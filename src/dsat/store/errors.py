"""What can go wrong with the database, in words a user can act on.

Every SQLite error that reaches a caller of the store is one of these: the TUI and the CLI
catch `StoreError` and say its message; nothing above the store sees `sqlite3`.
"""

from __future__ import annotations

import sqlite3


class StoreError(Exception):
    """The database cannot be opened, read or written; the message says why in plain words."""


class StoreBusy(StoreError):
    """Another program holds the write lock longer than the busy timeout."""


class StoreFull(StoreError):
    """The disk (or the database's size limit) is full."""


class StoreReadOnly(StoreError):
    """The database file or its folder cannot be written."""


class ChainError(StoreError):
    """The audit chain cannot be written: its key is missing or the chain was emptied."""


class IntegrityProblem(StoreError):
    """A write broke a rule of the schema (a duplicate, a missing reference)."""


def translate(exc: sqlite3.Error) -> StoreError:
    """The StoreError for an SQLite error: busy, full, read-only, damaged or other."""
    text = str(exc)
    low = text.lower()
    if "locked" in low or "busy" in low:
        return StoreBusy(f"the database is busy (another program is writing): {text}")
    if "full" in low:
        return StoreFull(f"the disk is full: {text}")
    if "readonly" in low or "read-only" in low or "attempt to write" in low:
        return StoreReadOnly(f"the database cannot be written: {text}")
    if isinstance(exc, sqlite3.IntegrityError):
        return IntegrityProblem(f"the data breaks a rule of the database: {text}")
    if "malformed" in low or "not a database" in low:
        return StoreError(f"the database file is damaged: {text}")
    return StoreError(f"database error: {text}")
