"""Attempts and results for administrators (the command line's `results` group)."""

from __future__ import annotations

from typing import Any

from dsat.store import Store


def attempts(store: Store, employee_id: str | None = None) -> list[dict[str, Any]]:
    """Attempts, newest first, with their results; corrected ones say what replaced them."""
    return store.attempts.list(employee_id)
