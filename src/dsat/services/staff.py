"""The staff register from a CSV or XLSX file: validated in full, then written at once."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from dsat.banks.errors import BankError, BankIssue, display_path
from dsat.banks.formats.csvtable import csv_table
from dsat.domain.text import refuse_control
from dsat.services.candidates import EMPLOYEE_ID
from dsat.services.clock import Clock, system_clock
from dsat.store import Store
from dsat.store.base import now_iso

COLUMNS = ("employee_id", "full_name", "unit_path", "province", "position", "active")
ALIASES = {
    "employee_id": "employee_id",
    "employee id": "employee_id",
    "mã cán bộ": "employee_id",
    "ma_can_bo": "employee_id",
    "full_name": "full_name",
    "full name": "full_name",
    "name": "full_name",
    "họ và tên": "full_name",
    "họ tên": "full_name",
    "unit_path": "unit_path",
    "unit": "unit_path",
    "đơn vị": "unit_path",
    "province": "province",
    "tỉnh": "province",
    "tỉnh/thành phố": "province",
    "position": "position",
    "grade": "position",
    "chức vụ": "position",
    "ngạch": "position",
    "active": "active",
    "đang làm việc": "active",
}
_YES = {"", "1", "yes", "y", "true", "có", "x"}
_NO = {"0", "no", "n", "false", "không"}

Text = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(refuse_control)]


class StaffRow(BaseModel):
    """One person in the register, as read from a file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    employee_id: Annotated[str, Field(pattern=EMPLOYEE_ID.pattern)]
    full_name: Text
    unit_path: Annotated[str, Field(min_length=1, max_length=500), AfterValidator(refuse_control)]
    province: Text
    position: Annotated[str, Field(max_length=200), AfterValidator(refuse_control)] = ""
    active: bool = True

    @field_validator("full_name", "province", "position")
    @classmethod
    def _spaces(cls, v: str) -> str:
        return " ".join(v.split())

    @field_validator("unit_path")
    @classmethod
    def _path(cls, v: str) -> str:
        parts = [" ".join(p.split()) for p in v.replace("\\", "/").split("/")]
        if any(not p for p in parts):
            raise ValueError("a unit path is names separated by '/', none of them empty")
        return "/".join(parts)

    @field_validator("active", mode="before")
    @classmethod
    def _active(cls, v: Any) -> Any:
        if isinstance(v, str):
            low = v.strip().lower()
            if low in _YES:
                return True
            if low in _NO:
                return False
            raise ValueError(f"expected yes or no, got {v.strip()!r}")
        return v


def _rows(path: Path, data: bytes) -> Iterator[tuple[int | str, dict[str, str] | str]]:
    if path.suffix.lower() == ".xlsx" or data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            it = ws.iter_rows(values_only=True)
            header = [str(c).strip().lower() if c is not None else "" for c in next(it, [])]
            problem = _check_header(header)
            if problem:
                yield f"{ws.title}!1", problem
                return
            for n, cells in enumerate(it, 2):
                if any(c is not None and str(c).strip() for c in cells):
                    yield (
                        f"{ws.title}!{n}",
                        _named(header, ["" if c is None else str(c) for c in cells]),
                    )
        finally:
            wb.close()
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield data[: exc.start].count(b"\n") + 1, "not UTF-8 text: save the CSV as 'CSV UTF-8'"
        return
    header, rows = csv_table(text)
    problem = _check_header(header)
    if problem:
        yield 1, problem
        return
    for line, cells in rows:
        yield line, _named(header, cells)


def _check_header(header: list[str]) -> str | None:
    if not any(header):
        return "the file is empty"
    unknown = [h for h in header if h and h not in ALIASES]
    if unknown:
        return f"unknown column {unknown[0]!r}; the columns are {', '.join(COLUMNS)}"
    named = {ALIASES[h] for h in header if h}
    missing = [c for c in COLUMNS[:4] if c not in named]
    if missing:
        return f"the header row has no {missing[0]!r} column"
    return None


def _named(header: list[str], cells: list[str]) -> dict[str, str]:
    return {ALIASES[h]: c for h, c in zip(header, cells, strict=False) if h}


@dataclass
class RegisterImport:
    path: str
    rows: int
    added: int
    updated: int
    unchanged: int
    deactivated: int


def read_register(path: Path) -> list[StaffRow]:
    """Every row validated; BankError with each problem as FILE:ROW: field: message."""
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BankError([BankIssue(shown, 0, "", exc.strerror or "cannot read")]) from None
    issues: list[BankIssue] = []
    out: list[StaffRow] = []
    first: dict[str, int | str] = {}
    try:
        for where, row in _rows(path, data):
            if isinstance(row, str):
                issues.append(BankIssue(shown, where, "", row))
                break
            try:
                person = StaffRow.model_validate(row)
            except ValidationError as exc:
                for err in exc.errors(include_url=False):
                    name = ".".join(str(p) for p in err["loc"])
                    msg = err["msg"].removeprefix("Value error, ")
                    if err["type"] == "string_pattern_mismatch":
                        msg = "letters, digits and . _ / - only, at most 40"
                    issues.append(BankIssue(shown, where, name, msg))
                continue
            if person.employee_id in first:
                issues.append(
                    BankIssue(
                        shown,
                        where,
                        "employee_id",
                        f"{person.employee_id!r} is also at {first[person.employee_id]}",
                    )
                )
                continue
            first[person.employee_id] = where
            out.append(person)
    except Exception as exc:  # a damaged workbook
        if isinstance(exc, KeyboardInterrupt | MemoryError):
            raise
        issues.append(BankIssue(shown, 1, "", f"cannot read: {type(exc).__name__}: {exc}"))
    if issues:
        raise BankError(issues)
    if not out:
        raise BankError([BankIssue(shown, 1, "", "no people in the file")])
    return out


def import_register(
    store: Store,
    path: Path,
    *,
    replace: bool = False,
    clock: Clock = system_clock,
) -> RegisterImport:
    """Add and update the people in the file; with `replace`, mark everyone else inactive."""
    people = read_register(path)
    now = now_iso(clock())
    with store.unit_of_work():
        changes = store.staff.upsert([p.model_dump() for p in people], now)
        deactivated = 0
        if replace:
            deactivated = store.staff.deactivate_others([p.employee_id for p in people], now)
    return RegisterImport(
        display_path(path),
        len(people),
        changes.added,
        changes.updated,
        changes.unchanged,
        deactivated,
    )
