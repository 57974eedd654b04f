"""Answers gathered outside the app (paper answer sheets, another system), scored by the
same engine as the app.

A CSV row is one answer: employee_id, attempt_date, item_id, answer. The rows of one person
on one date are one attempt. Everything is checked first (people in the register, items in
the bank, answers of the item's shape) and reported as FILE:LINE: field: message; then all
attempts are written, answered and submitted through the assessment service in one
transaction. Importing the same file again changes nothing; a corrected sheet replaces the
attempt it corrects (same person, same date): the corrected attempt is superseded, never
deleted, so the audit chain and the history keep both.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from dsat.banks.errors import BankError, BankIssue, display_path
from dsat.banks.formats.csvtable import csv_table
from dsat.domain.attempts import Attempt, Candidate, ScopeKind
from dsat.domain.forms import FormEntry
from dsat.domain.framework import Framework
from dsat.domain.scoring import AnswerError, check_answer
from dsat.domain.text import CONTROL
from dsat.services.assessment import FULL_SCOPE, AssessmentService
from dsat.services.clock import Clock, FixedClock, system_clock
from dsat.store import Store
from dsat.store.base import now_iso

COLUMNS = ("employee_id", "attempt_date", "item_id", "answer")
NOON_IN_HANOI = time(5, 0, tzinfo=UTC)
_TRUE = {"true", "t", "đúng", "yes", "1", "x"}
_FALSE = {"false", "f", "sai", "no", "0"}


@dataclass
class ResponsesImport:
    path: str
    attempts: int
    added: int
    replaced: int
    unchanged: int
    answers: int


def parse_answer(item: Any, raw: str, scale: int) -> Any:
    """An answer as written on a sheet, in the item's own answer shape."""
    text = raw.strip()
    if text == "":
        return None
    match item.type:
        case "single":
            return text.lower() if text.lower() in {o.id for o in item.options} else text
        case "multiple":
            return [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
        case "true_false":
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise AnswerError(f"expected true or false (đúng/sai), got {text!r}")
        case "short_answer" | "numerical":
            return text
        case "matching":  # the letter of the chosen right-hand entry for each left, in order
            letters = [p.strip().lower() for p in text.replace(";", ",").split(",")]
            out: list[int | None] = []
            for p in letters:
                if p in ("", "-"):
                    out.append(None)
                elif len(p) == 1 and "a" <= p <= "z":
                    out.append(ord(p) - ord("a"))
                else:
                    raise AnswerError(f"expected letters such as b,a,c; got {text!r}")
            return out
        case "ordering" | "self_rating":  # step numbers from 1
            try:
                numbers = [int(p) - 1 for p in text.replace(";", ",").split(",")]
            except ValueError:
                raise AnswerError(f"expected numbers from 1, got {text!r}") from None
            return numbers if item.type == "ordering" else numbers[0]
        case "task":
            raise AnswerError(
                "a practical task is generated for each candidate on screen; it cannot be "
                "answered on a sheet"
            )
    return text


def _date(text: str) -> datetime:
    text = text.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), NOON_IN_HANOI)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a date YYYY-MM-DD, got {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC) - timedelta(hours=7)


def import_responses(
    store: Store,
    fw: Framework,
    path: Path,
    imported_by: str = "import",
    clock: Clock = system_clock,
) -> ResponsesImport:
    shown = display_path(path)
    issues: list[BankIssue] = []
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise BankError([BankIssue(shown, 0, "", exc.strerror or "cannot read")]) from None
    except UnicodeDecodeError:
        raise BankError([BankIssue(shown, 0, "", "not UTF-8 text")]) from None
    header, table = csv_table(text)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise BankError([BankIssue(shown, 1, "", f"the header row has no {missing[0]!r} column")])
    active = {i.id: i for i in store.items.all_active()}
    versions = store.items.active_versions()
    registered = store.staff.names()
    scale = len(fw.self_rating_scale)
    groups: dict[tuple[str, str], list[tuple[int, Any, Any]]] = defaultdict(list)
    seen: dict[tuple[str, str, str], int] = {}
    for start, cells in table:
        row = dict(zip(header, cells, strict=False))
        bad = next(((c, m) for c, v in row.items() if (m := CONTROL.search(v))), None)
        if bad:
            issues.append(
                BankIssue(
                    shown, start, bad[0],
                    f"control character U+{ord(bad[1].group(0)):04X} is not allowed",
                )
            )  # fmt: skip
            continue
        emp, when, item_id = (row.get(c, "").strip() for c in COLUMNS[:3])
        if emp not in registered:
            issues.append(
                BankIssue(shown, start, "employee_id", f"{emp!r} is not in the staff register")
            )
            continue
        try:
            moment = _date(when)
        except ValueError as exc:
            issues.append(BankIssue(shown, start, "attempt_date", str(exc)))
            continue
        item = active.get(item_id)
        if item is None:
            issues.append(BankIssue(shown, start, "item_id", f"no active item {item_id!r}"))
            continue
        key = (emp, now_iso(moment), item_id)
        if key in seen:
            issues.append(
                BankIssue(
                    shown,
                    start,
                    "item_id",
                    f"{item_id!r} is answered twice (also line {seen[key]})",
                )
            )
            continue
        seen[key] = start
        try:
            answer = check_answer(item, parse_answer(item, row.get("answer", ""), scale), scale)
        except AnswerError as exc:
            issues.append(BankIssue(shown, start, "answer", f"{item_id}: {exc}"))
            continue
        groups[(emp, now_iso(moment))].append((start, item, answer))
    if issues:
        raise BankError(issues)
    if not groups:
        raise BankError([BankIssue(shown, 1, "", "no answers in the file")])
    result = ResponsesImport(shown, len(groups), 0, 0, 0, sum(len(g) for g in groups.values()))
    with store.unit_of_work():
        for (emp, moment_iso), rows in groups.items():
            moment = datetime.fromisoformat(moment_iso)
            external = f"responses:{emp}:{moment_iso}"
            content = hashlib.sha256(
                json.dumps(
                    [(i.id, versions[i.id], a) for _, i, a in rows], ensure_ascii=False
                ).encode()
            ).hexdigest()
            old = store.attempts.by_external_key(external)
            if old and old[1] == content:
                result.unchanged += 1
                continue
            new_id = _write_attempt(
                store, fw, emp, registered[emp], moment, rows, versions,
                external if not old else f"{external} (correction)", content,
            )  # fmt: skip
            if old:
                store.results.supersede(
                    old[0], new_id, clock(), imported_by,
                    f"corrected answer sheet {shown}",
                )  # fmt: skip
                store.attempts.retag(new_id, external)
                result.replaced += 1
            else:
                result.added += 1
    return result


def _write_attempt(
    store: Store,
    fw: Framework,
    emp: str,
    person: tuple[str, str, str],
    moment: datetime,
    rows: list[tuple[int, Any, Any]],
    versions: dict[str, int],
    external: str,
    content: str,
) -> str:
    comps = list(dict.fromkeys(i.competency for _, i, _ in rows))
    areas = {a.id for c in comps if (a := fw.area_of(c)) is not None}
    kind: ScopeKind
    kind, scope = ("competency", comps[0]) if len(comps) == 1 else ("full", FULL_SCOPE)
    if kind == "full" and len(areas) == 1:
        kind, scope = "area", next(iter(areas))
    clock = FixedClock(moment)
    service = AssessmentService(store, fw, clock)
    store.candidates.upsert(
        Candidate(employee_id=emp, full_name=person[1], unit=person[2]), now_iso(moment)
    )
    attempt = Attempt(
        id=str(uuid.uuid4()), employee_id=emp, scope_kind=kind, scope_id=scope,
        form_seed=0, lang="vi", started_at=moment, deadline=moment + timedelta(days=1),
        status="in_progress", origin="import", feedback="assessment",
    )  # fmt: skip
    entries = [FormEntry(i.id, versions[i.id], i.competency, None) for _, i, _ in rows]
    store.attempts.create(
        attempt, fw.id, entries, params_upto=store.measurement.head(),
        external_key=external, external_sha=content,
    )  # fmt: skip
    for position, (_, _, answer) in enumerate(rows):
        if answer is not None:
            service.answer(attempt.id, position, answer)
    service.submit(attempt.id)
    return attempt.id
