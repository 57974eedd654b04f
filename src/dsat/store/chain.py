"""Tamper evidence for results: every stored result is a link in an HMAC chain.

link(n) = HMAC-SHA256(key, link(n-1) + the result row in canonical form). The key lives in
a file beside the database (`<db>.key`, mode 0600, or $DSAT_KEY_FILE), never in it, so
whoever can edit the database cannot forge links. `verify` names every result that was
edited, inserted or deleted, a chain that was reordered, and, given the head printed on an
export, a chain cut short.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

GENESIS = "0" * 64
COLUMNS = (
    "attempt_id", "competency_id", "employee_id", "raw", "max", "percent", "band",
    "proficient", "self_band", "submitted_local",
)  # fmt: skip


class ChainKeyError(RuntimeError):
    pass


def key_path(db: sqlite_utils.Database) -> Path | None:
    env = os.environ.get("DSAT_KEY_FILE")
    if env:
        return Path(env)
    row = db.conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2] + ".key") if row and row[2] else None


def load_key(db: sqlite_utils.Database, create: bool = True) -> bytes | None:
    """The chain key; created (0600) on first use when `create`. None for in-memory DBs."""
    path = key_path(db)
    if path is None:
        return None
    try:
        return _read_key(path)
    except FileNotFoundError:
        if not create:
            raise ChainKeyError(
                f"{path}: no chain key (it is created with the first result)"
            ) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_bytes(32).hex() + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.link(tmp, path)  # atomic, and never replaces a key another process just made
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    try:
        key = bytes.fromhex(path.read_text().strip())
    except ValueError:
        raise ChainKeyError(f"{path}: not a dsat chain key") from None
    if len(key) != 32:
        raise ChainKeyError(f"{path}: not a dsat chain key")
    return key


def _canonical(row: tuple) -> bytes:
    return json.dumps(list(row), separators=(",", ":"), ensure_ascii=False).encode()


def _link(key: bytes, previous: str, row: tuple) -> str:
    return hmac.new(key, previous.encode() + _canonical(row), hashlib.sha256).hexdigest()


_SELECT = f"SELECT {', '.join('r.' + c for c in COLUMNS)} FROM results r"


def append(db: sqlite_utils.Database, attempt_ids: list[str]) -> None:
    """Chain the results of these attempts (inside the caller's transaction).

    Results stored before the chain existed are chained first, in their stored order.
    """
    key = load_key(db)
    if key is None:
        return
    head = db.conn.execute(
        "SELECT seq, link FROM result_chain ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    previous = head[1] if head else GENESIS
    if head is None:
        rows = db.conn.execute(f"{_SELECT} ORDER BY r.rowid").fetchall()
    else:
        marks = ",".join("?" * len(attempt_ids))
        rows = db.conn.execute(
            f"{_SELECT} WHERE r.attempt_id IN ({marks}) ORDER BY r.rowid", attempt_ids
        ).fetchall()
    entries = []
    for row in rows:
        previous = _link(key, previous, tuple(row))
        entries.append((row[0], row[1], previous))
    db.conn.executemany(
        "INSERT INTO result_chain (attempt_id, competency_id, link) VALUES (?, ?, ?)", entries
    )


def head(db: sqlite_utils.Database) -> tuple[int, str]:
    row = db.conn.execute(
        "SELECT COUNT(*), (SELECT link FROM result_chain ORDER BY seq DESC LIMIT 1) "
        "FROM result_chain"
    ).fetchone()
    return row[0], row[1] or GENESIS


@dataclass
class Verdict:
    links: int = 0
    edited: list[str] = field(default_factory=list)
    inserted: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # links that do not follow (reordered)
    truncated: str | None = None
    head: str = GENESIS

    @property
    def ok(self) -> bool:
        return not (self.edited or self.inserted or self.deleted or self.broken or self.truncated)


def verify(db: sqlite_utils.Database, expected_head: str | None = None) -> Verdict:
    """Walk the chain in order and compare every link with the stored results."""
    key = load_key(db, create=False)
    assert key is not None
    verdict = Verdict()
    rows = {(r[0], r[1]): tuple(r) for r in db.conn.execute(_SELECT)}
    chain = db.conn.execute(
        "SELECT attempt_id, competency_id, link FROM result_chain ORDER BY seq"
    ).fetchall()
    all_links = {GENESIS, *(link for _, _, link in chain)}
    chained = set()
    previous = GENESIS
    for attempt_id, comp, link in chain:
        verdict.links += 1
        name = f"attempt {attempt_id} competency {comp}"
        chained.add((attempt_id, comp))
        row = rows.get((attempt_id, comp))
        if row is None:
            verdict.deleted.append(name)
        elif _link(key, previous, row) != link:
            # The row is intact if its link follows some other link: the order was changed.
            moved = any(_link(key, other, row) == link for other in all_links - {previous})
            (verdict.broken if moved else verdict.edited).append(name)
        previous = link
    verdict.head = previous
    verdict.inserted = [f"attempt {a} competency {c}" for (a, c) in rows if (a, c) not in chained]
    if expected_head and expected_head != verdict.head:
        if expected_head in all_links:
            verdict.truncated = "results were added after the head given (it is not the last)"
        else:
            verdict.truncated = (
                "the chain does not reach the head given: results at its end were removed "
                "(or the head belongs to another database)"
            )
    return verdict
