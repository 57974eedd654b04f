"""Tamper evidence for administrators: verify the chain, start a new one on purpose,
read the history of a row. The chain itself lives in the store (store/audit.py)."""

from __future__ import annotations

from typing import Any

from dsat.services.clock import Clock, system_clock
from dsat.services.errors import ServiceError
from dsat.store import Store, StoreError
from dsat.store.audit import Verdict
from dsat.store.base import now_iso


def verify(store: Store, head: str | None = None) -> Verdict:
    return store.audit.verify(head)


def init(store: Store, by: str, reason: str, clock: Clock = system_clock) -> int:
    """Start a new chain deliberately (a new key; every row sealed as it is now).

    Returns the number of links before it. Refused while the current chain verifies with
    its key: a new chain is for a lost or compromised key, not a way round an edit.
    """
    if not reason.strip():
        raise ServiceError("error.audit_reason")
    try:
        verdict = store.audit.verify()
    except StoreError:  # a missing or foreign key: the case a new chain is for
        verdict = None
    if verdict is not None and verdict.ok and verdict.links:
        raise ServiceError("error.audit_intact")
    with store.unit_of_work():
        return store.audit.epoch(by, reason.strip(), now_iso(clock()))


def head(store: Store) -> tuple[int, str]:
    return store.audit.head()


def history(store: Store, attempt_id: str) -> list[dict[str, Any]]:
    """Every chained record of an attempt: its seal, results and any correction."""
    out = []
    for kind in ("attempt", "responses", "supersede"):
        for entry in store.audit.history(kind, attempt_id):
            out.append({"kind": kind, **entry})
    superseded = [s for s in store.results.supersessions() if s["new_attempt"] == attempt_id]
    for s in superseded:
        out.append({"kind": "supersedes", "seq": None, "payload": s})
    return sorted(out, key=lambda e: e["seq"] or 0)
