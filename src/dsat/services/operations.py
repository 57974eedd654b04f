"""Keeping the database safe: online backups."""

from __future__ import annotations

from pathlib import Path

from dsat.store import Store
from dsat.store.backup import backup as _backup


def backup(store: Store, target: Path) -> int:
    """A consistent copy while candidates keep writing; the number of pages copied."""
    return _backup(store, target)
