"""Tamper evidence: one HMAC chain over everything a published figure rests on.

Each entry is a link: link(n) = HMAC-SHA256(key, link(n-1) + kind + ref + payload(n)), where
payload is the row in canonical form at the time it was sealed. Kinds:

- `result` and `area_result`: a stored result, when its attempt is submitted;
- `attempt`: the attempt itself (whose it is, its scope, form seed, times), at submission;
- `responses`: the attempt's answers and scores, one keyed digest per response, at submission;
- `staff`: a person's row of the staff register (unit, province, position) each time an
  import adds or changes it; the latest entry of each person must match the register;
- `supersede`: a corrected answer sheet replacing an attempt (nothing is ever deleted);
- `epoch`: `dsat audit init` starting a new chain deliberately (with who, when and why).

The key lives in a file outside the database (`<db>.key` or $DSAT_KEY_FILE), so whoever can
edit the database alone cannot forge links. A missing key, a key that is not this
database's, or an emptied chain beside existing results is an error that stops every write
of results: it is never silently replaced by a fresh start.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dsat.store.errors import ChainError

if TYPE_CHECKING:
    from dsat.store.base import Store

GENESIS = "0" * 64
# Legacy result links (schema 4-6) chained these columns with no payload stored.
LEGACY_RESULT_COLUMNS = (
    "attempt_id", "competency_id", "employee_id", "raw", "max", "percent", "band",
    "proficient", "self_band", "submitted_local",
)  # fmt: skip
RESULT_COLUMNS = (
    *LEGACY_RESULT_COLUMNS, "theta", "se", "level", "p_proficient", "provisional",
)  # fmt: skip
AREA_COLUMNS = (
    "attempt_id", "area_id", "employee_id", "submitted_local", "theta", "se", "level", "band",
    "proficient", "p_proficient", "items", "provisional",
)  # fmt: skip
ATTEMPT_COLUMNS = (
    "id", "employee_id", "scope_kind", "scope_id", "form_seed", "mode", "started_at",
    "submitted_at", "status", "origin",
)  # fmt: skip
RESPONSE_COLUMNS = (
    "position", "item_id", "item_version", "competency_id", "presentation", "variant",
    "answer", "score", "max_score", "pretest",
)  # fmt: skip
STAFF_COLUMNS = (
    "employee_id", "full_name", "unit_path", "province", "position", "active", "simulated",
)  # fmt: skip
SUPERSEDE_COLUMNS = ("old_attempt", "new_attempt", "at", "by", "reason")
KEY_ID_META = "audit_key_id"


def _canonical(values: Sequence[Any]) -> str:
    return json.dumps(list(values), separators=(",", ":"), ensure_ascii=False)


def _legacy_link(key: bytes, previous: str, row: Sequence[Any]) -> str:
    return hmac.new(key, previous.encode() + _canonical(row).encode(), hashlib.sha256).hexdigest()


def _link(key: bytes, previous: str, kind: str, ref: str, payload: str) -> str:
    message = "\x1f".join((previous, kind, ref, payload)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A public fingerprint of the key, stored in the database and printed by verify."""
    return hmac.new(key, b"dsat audit key id", hashlib.sha256).hexdigest()[:16]


@dataclass
class Verdict:
    links: int = 0
    edited: list[str] = field(default_factory=list)
    inserted: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # links that do not follow (reordered)
    truncated: str | None = None
    head: str = GENESIS
    key_id: str = ""
    epochs: list[dict[str, Any]] = field(default_factory=list)  # deliberate new chains
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.edited or self.inserted or self.deleted or self.broken or self.truncated)

    @property
    def problems(self) -> int:
        n = len(self.edited) + len(self.inserted) + len(self.deleted) + len(self.broken)
        return n + bool(self.truncated)


class AuditRepo:
    """The chain. Only the result and staff repositories append to it."""

    def __init__(self, store: Store):
        self.s = store

    # --- the key ---------------------------------------------------------------------------
    @property
    def key_file(self) -> Path | None:
        return self.s.key_file

    def sealed_rows(self) -> int:
        """Rows that exist and must have been chained: results, area results, and the staff
        register once it is sealed."""
        staff = "(SELECT COUNT(*) FROM staff)" if self.s.meta("audit_staff_since") else "0"
        return int(
            self.s.value(
                "SELECT (SELECT COUNT(*) FROM results) + (SELECT COUNT(*) FROM area_results)"
                f" + {staff}"
            )
        )

    def links(self) -> int:
        return int(self.s.value("SELECT COUNT(*) FROM audit_chain"))

    def _unchained(self) -> bool:
        """Rows that must have been chained exist, and the chain is empty: a few index
        steps, not counts (asked before every write of chained rows)."""
        if self.s.value("SELECT EXISTS (SELECT 1 FROM audit_chain)"):
            return False
        staff = " OR EXISTS (SELECT 1 FROM staff)" if self.s.meta("audit_staff_since") else ""
        return bool(
            self.s.value(
                "SELECT EXISTS (SELECT 1 FROM results) OR EXISTS (SELECT 1 FROM area_results)"
                + staff
            )
        )

    def key(self, *, for_writing: bool = True) -> bytes | None:
        """The chain key, read anew each time (a key removed while the app runs is noticed).

        Created only for a database that holds nothing chained yet."""
        path = self.key_file
        if path is None:
            return None  # an in-memory database: nothing to protect beyond the process
        try:
            key = _read_key(path)
        except FileNotFoundError:
            key = None
        known = self.s.meta(KEY_ID_META)
        if key is not None:
            if known is not None and known != key_id(key):
                raise ChainError(
                    f"{path}: this audit key does not belong to this database (key id "
                    f"{key_id(key)}, the database expects {known}); restore the right key file"
                )
            return key  # (a key from before key ids were recorded has none to compare)
        chained, rows = self.links(), self.sealed_rows()
        if chained or rows or known is not None:
            raise ChainError(
                f"{path}: the audit key is missing while the database holds {rows} results "
                f"and {chained} chain links; nothing more can be recorded until the key file "
                "is restored (or an administrator starts a new chain on purpose with "
                "`dsat audit init`)"
            )
        if not for_writing:
            raise ChainError(f"{path}: no audit key yet (it is made with the first result)")
        key = _create_key(path)
        if self.s.writing:
            self.s.set_meta(KEY_ID_META, key_id(key))
        return key

    def check_writable(self) -> None:
        """Refuse to write results when the chain cannot record them (ChainError)."""
        key = self.key()
        if key is None:
            return
        if self._unchained():
            raise ChainError(
                f"the audit chain is empty while the database holds {self.sealed_rows()} "
                "results: the chain was removed. Nothing more is recorded until it is "
                "restored from a backup (or an administrator starts a new chain on purpose "
                "with `dsat audit init`)"
            )

    # --- appending -------------------------------------------------------------------------
    def head(self) -> tuple[int, str]:
        """The last link and its number (the number of links of an intact chain, which
        `verify` checks). One index step, not a count: every submission asks for it."""
        row = self.s.row("SELECT seq, link FROM audit_chain ORDER BY seq DESC LIMIT 1")
        return (int(row[0]), row[1]) if row is not None else (0, GENESIS)

    def append(self, entries: Iterable[tuple[str, str, str]]) -> None:
        """Chain (kind, ref, payload) entries, in order (inside the caller's unit of work).

        Callers call `check_writable` before they change the rows they seal."""
        self.s.require_write()
        entries = list(entries)
        if not entries:
            return
        key = self.key()
        if key is None:
            return
        if self.s.meta(KEY_ID_META) is None:
            self.s.set_meta(KEY_ID_META, key_id(key))
        previous = self.head()[1]
        rows = []
        for kind, ref, payload in entries:
            previous = _link(key, previous, kind, ref, payload)
            rows.append((kind, ref, 2, payload, previous))
        self.s.write_many(
            "INSERT INTO audit_chain (kind, ref, form, payload, link) VALUES (?, ?, ?, ?, ?)",
            rows,
        )

    def response_digests(self, attempt_id: str) -> str:
        """The payload of a `responses` entry: a keyed digest of every response row."""
        key = self.key() or b""
        rows = self.s.rows(
            f"SELECT {', '.join(RESPONSE_COLUMNS)} FROM responses WHERE attempt_id = ? "
            "ORDER BY position",
            [attempt_id],
        )
        return _canonical(
            [
                [r[0], hmac.new(key, _canonical(r).encode(), hashlib.sha256).hexdigest()[:16]]
                for r in rows
            ]
        )

    def epoch(self, by: str, reason: str, now: str) -> int:
        """Start a new chain on purpose: a new key, an `epoch` entry, every row sealed anew."""
        self.s.require_write()
        path = self.key_file
        if path is None:
            raise ChainError("an in-memory database has no audit chain")
        if path.exists():
            stamp = now.replace(":", "").replace("-", "")[:15]
            path.rename(path.with_name(f"{path.name}.replaced-{stamp}"))
        key = _create_key(path)
        self.s.set_meta(KEY_ID_META, key_id(key))
        count, previous = self.head()
        payload = _canonical([now, by, reason, previous, count])
        self.append([("epoch", now, payload)])
        self.append(self.current_entries())
        return count

    def current_entries(self) -> list[tuple[str, str, str]]:
        """Entries sealing every chained row as it is now (for a new epoch)."""
        out: list[tuple[str, str, str]] = []
        for r in self.s.rows(f"SELECT {', '.join(ATTEMPT_COLUMNS)} FROM attempts "
                             "WHERE status != 'in_progress' ORDER BY rowid"):  # fmt: skip
            out.append(("attempt", r[0], _canonical(r)))
            out.append(("responses", r[0], self.response_digests(r[0])))
        for r in self.s.rows(f"SELECT {', '.join(RESULT_COLUMNS)} FROM results ORDER BY rowid"):
            out.append(("result", f"{r[0]} {r[1]}", _canonical(r)))
        for r in self.s.rows(f"SELECT {', '.join(AREA_COLUMNS)} FROM area_results ORDER BY rowid"):
            out.append(("area_result", f"{r[0]} {r[1]}", _canonical(r)))
        for r in self.s.rows(f"SELECT {', '.join(SUPERSEDE_COLUMNS)} FROM supersessions"):
            out.append(("supersede", r[0], _canonical(r)))
        for r in self.s.rows(f"SELECT {', '.join(STAFF_COLUMNS)} FROM staff ORDER BY rowid"):
            out.append(("staff", r[0], _canonical(r)))
        return out

    # --- verifying -------------------------------------------------------------------------
    def verify(self, expected_head: str | None = None) -> Verdict:
        """Walk the chain from its last epoch; compare every latest entry with its row."""
        key = self.key(for_writing=False)
        assert key is not None
        verdict = Verdict(key_id=key_id(key))
        chain = self.s.rows(
            "SELECT seq, kind, ref, form, payload, link FROM audit_chain ORDER BY seq"
        )
        start = 0
        for i, (_, kind, _, _, payload, _) in enumerate(chain):
            if kind == "epoch":
                start = i
                at, by, reason, _, before = json.loads(payload)
                verdict.epochs.append({"at": at, "by": by, "reason": reason, "links": before})
        current = self._current_payloads()
        legacy = {
            f"{r[0]} {r[1]}": r
            for r in self.s.rows(f"SELECT {', '.join(LEGACY_RESULT_COLUMNS)} FROM results")
        }
        all_links = {GENESIS, *(c[5] for c in chain)}
        previous = GENESIS if start == 0 else chain[start - 1][5]
        latest: dict[tuple[str, str], str | None] = {}
        for seq, kind, ref, form, payload, link in chain[start:]:
            verdict.links += 1
            name = _name(kind, ref)
            if form == 1:  # a legacy result link: recomputed from the row as it is
                row = legacy.get(ref)
                if row is None:
                    verdict.deleted.append(name)
                    latest[(kind, ref)] = None
                elif _legacy_link(key, previous, row) != link:
                    moved = any(_legacy_link(key, o, row) == link for o in all_links - {previous})
                    (verdict.broken if moved else verdict.edited).append(name)
                    latest[(kind, ref)] = None
                else:
                    latest[(kind, ref)] = "legacy"
            elif _link(key, previous, kind, ref, payload) != link:
                verdict.broken.append(f"link {seq} ({name})")
                latest[(kind, ref)] = None
            else:
                latest[(kind, ref)] = payload
            previous = link
        verdict.head = previous
        for (kind, ref), payload in latest.items():
            if kind == "epoch" or payload is None:
                continue
            now = current.get((kind, ref))
            if payload == "legacy":
                if kind == "result" and (kind, ref) not in current:
                    verdict.deleted.append(_name(kind, ref))
                continue
            if now is None:
                verdict.deleted.append(_name(kind, ref))
            elif now != payload:
                verdict.edited.append(_describe_edit(kind, ref, payload, now))
        for kind, ref in current:
            if (kind, ref) not in latest:
                verdict.inserted.append(_name(kind, ref))
        if expected_head and expected_head != verdict.head:
            if expected_head in all_links:
                verdict.truncated = "links were added after the head given (it is not the last)"
            else:
                verdict.truncated = (
                    "the chain does not reach the head given: links at its end were removed "
                    "(or the head belongs to another database)"
                )
        if self.key_file is not None:
            verdict.warnings += key_file_warnings(self.key_file, self.s.path)
        return verdict

    def _current_payloads(self) -> dict[tuple[str, str], str]:
        out: dict[tuple[str, str], str] = {}
        for r in self.s.rows(f"SELECT {', '.join(RESULT_COLUMNS)} FROM results"):
            out[("result", f"{r[0]} {r[1]}")] = _canonical(r)
        for r in self.s.rows(f"SELECT {', '.join(AREA_COLUMNS)} FROM area_results"):
            out[("area_result", f"{r[0]} {r[1]}")] = _canonical(r)
        sealed = self.s.rows(
            f"SELECT {', '.join(ATTEMPT_COLUMNS)} FROM attempts WHERE status != 'in_progress'"
        )
        chained_attempts = {
            r[0] for r in self.s.rows("SELECT ref FROM audit_chain WHERE kind = 'attempt'")
        }
        legacy = {  # attempts whose results were chained the old way (results only)
            r[0]
            for r in self.s.rows(
                "SELECT DISTINCT substr(ref, 1, instr(ref, ' ') - 1) FROM audit_chain "
                "WHERE kind = 'result' AND form = 1"
            )
        }
        for r in sealed:
            # attempts submitted before attempts were chained (schema < 7) are not expected
            if r[0] in chained_attempts or r[0] not in legacy:
                out[("attempt", r[0])] = _canonical(r)
                out[("responses", r[0])] = self.response_digests(r[0])
        for r in self.s.rows(f"SELECT {', '.join(SUPERSEDE_COLUMNS)} FROM supersessions"):
            out[("supersede", r[0])] = _canonical(r)
        chained_staff = {
            r[0] for r in self.s.rows("SELECT ref FROM audit_chain WHERE kind='staff'")
        }
        staff_started = bool(chained_staff) or self.s.meta("audit_staff_since") is not None
        if staff_started:
            for r in self.s.rows(f"SELECT {', '.join(STAFF_COLUMNS)} FROM staff"):
                out[("staff", r[0])] = _canonical(r)
        return out

    def history(self, kind: str, ref: str) -> list[dict[str, Any]]:
        """Every chained version of one row, oldest first."""
        return [
            {"seq": seq, "payload": json.loads(p) if p else None}
            for seq, p in self.s.rows(
                "SELECT seq, payload FROM audit_chain WHERE kind = ? AND ref = ? ORDER BY seq",
                [kind, ref],
            )
        ]


def _name(kind: str, ref: str) -> str:
    if kind in ("result", "area_result"):
        attempt, _, skill = ref.partition(" ")
        what = "competency" if kind == "result" else "area"
        return f"attempt {attempt} {what} {skill}"
    if kind == "responses":
        return f"answers of attempt {ref}"
    if kind == "attempt":
        return f"attempt {ref}"
    if kind == "staff":
        return f"staff register entry {ref}"
    if kind == "supersede":
        return f"correction of attempt {ref}"
    return f"{kind} {ref}"


def _describe_edit(kind: str, ref: str, before: str, now: str) -> str:
    """Which fields changed, so the edit is named precisely."""
    columns = {
        "result": RESULT_COLUMNS, "area_result": AREA_COLUMNS, "attempt": ATTEMPT_COLUMNS,
        "staff": STAFF_COLUMNS, "supersede": SUPERSEDE_COLUMNS,
    }.get(kind)  # fmt: skip
    old, new = json.loads(before), json.loads(now)
    if kind == "responses":
        old_d, new_d = dict(map(tuple, old)), dict(map(tuple, new))
        changed = sorted(p for p in {*old_d, *new_d} if old_d.get(p) != new_d.get(p))
        return f"{_name(kind, ref)}: response at position {', '.join(map(str, changed))}"
    if columns and len(old) == len(new) == len(columns):
        fields = [c for c, a, b in zip(columns, old, new, strict=True) if a != b]
        return f"{_name(kind, ref)} ({', '.join(fields)})"
    return _name(kind, ref)


def _read_key(path: Path) -> bytes:
    try:
        key = bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        raise
    except (ValueError, UnicodeDecodeError):
        raise ChainError(f"{path}: not a dsat audit key") from None
    except OSError as exc:
        raise ChainError(f"{path}: cannot read the audit key ({exc.strerror})") from None
    if len(key) != 32:
        raise ChainError(f"{path}: not a dsat audit key")
    return key


def _create_key(path: Path) -> bytes:
    try:
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
    except OSError as exc:
        raise ChainError(f"{path}: cannot create the audit key ({exc.strerror})") from None
    return _read_key(path)


def key_file_warnings(path: Path, db_path: Path | None) -> list[str]:
    """Where the key lives matters: say when it is easy to replace."""
    out: list[str] = []
    try:
        mode = path.stat().st_mode
    except OSError:
        return out
    if mode & 0o022:
        out.append(f"{path}: the audit key is writable by other accounts (chmod 600 or 400)")
    if mode & 0o004:
        out.append(f"{path}: the audit key is readable by every account")
    if os.access(path, os.W_OK) and db_path is not None and path.parent == db_path.parent:
        out.append(
            f"{path}: the audit key sits beside the database and this account can change it; "
            "move it where the candidates' account cannot write (DSAT_KEY_FILE), see "
            "docs/operations.md"
        )
    return out
