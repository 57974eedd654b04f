"""Opening the database for the command line and the app (which never touch the store)."""

from __future__ import annotations

from pathlib import Path

from dsat.store import Store, open_store


def open_database(path: Path | str, *, create: bool = True) -> Store:
    """The store at `path` (created and migrated when needed); StoreError says why not."""
    return open_store(path, create=create)
