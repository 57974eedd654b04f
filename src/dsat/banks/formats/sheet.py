"""Spreadsheets (CSV and XLSX): one item per row, the columns of `COLUMNS`.

`dsat bank template --format xlsx` writes an empty workbook with these columns, one
example row per item type and a guide sheet. Problems are located as FILE:ROW (CSV) or
FILE:SHEET!ROW (XLSX).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from dsat.banks.formats.convert import OPTION_IDS, ConvertProblem
from dsat.banks.formats.guard import (
    MAX_XLSX_MEMBER,
    MAX_XLSX_TOTAL,
    PROLOG_BYTES,
    decode_text,
    first_forbidden,
    forbidden_message,
)
from dsat.banks.formats.model import Exported, Problem, SheetRows
from dsat.banks.formats.safezip import ZipRefused, check_members, is_zip, member_names, open_zip
from dsat.banks.formats.spec import Spec

if TYPE_CHECKING:
    from dsat.domain.items import Item

LETTERS = OPTION_IDS
BASE = [
    "id",
    "competency",
    "level",
    "type",
    "stem_vi",
    "stem_en",
    "explanation_vi",
    "explanation_en",
    "key",
]
OPTIONS = [f"option_{c}_{lang}" for c in LETTERS for lang in ("vi", "en")]
EXTRA = [
    "fractions",
    "partial",
    "tolerance",
    "unit_vi",
    "unit_en",
    "case_sensitive",
    "ignore_diacritics",
    "collapse_whitespace",
    "shuffle",
    "scoring",
    "weight",
    "tags",
    "option_ids",
    "enemies",
    "basis_vi",
    "basis_en",
    "reviewed",
]
COLUMNS = BASE + OPTIONS + EXTRA
SHEET = "Items"
GUIDE = {
    "id": "Unique item id: letters, digits and . _ : - (e.g. 4.1-07)",
    "competency": "Competency id from the framework, e.g. 4.1 (or give --competency)",
    "level": "1-8 (Foundation 1-2, Intermediate 3-4, Advanced 5-6, Highly specialised 7-8)",
    "type": "single, multiple, true_false, short_answer, numerical, matching, ordering, "
    "self_rating",
    "stem_vi / stem_en": "The question in Vietnamese / English (one may be empty: the other is "
    "used for both)",
    "explanation_*": "Feedback shown after the test (not for self_rating)",
    "key": "single: a letter (a); multiple: letters (a,c); true_false: true/false (đúng/sai); "
    "short_answer: accepted answers separated by | ; numerical: the number",
    "option_X_*": "Options a-i; matching: 'left -> right' (a distractor: '-> right'); "
    "ordering: the steps in the right order",
    "fractions": "multiple only, optional: marks per option, e.g. a=0.5; b=0.5; c=-1",
    "partial": "short_answer only, optional: answers with part marks, e.g. Cat=0.5 | Dog=0.25",
    "tolerance": "numerical: accepted distance from the number",
    "unit_*": "numerical: unit shown after the box",
    "case_sensitive / ignore_diacritics / collapse_whitespace": "short_answer: yes/no "
    "(defaults: no / no / yes)",
    "shuffle": "single/multiple: yes (default) or no",
    "scoring": "ordering: partial (default) or all_or_nothing",
    "weight": "optional, default 1",
    "tags": "optional, comma-separated",
    "option_ids": "optional ids for the options instead of a,b,c (comma-separated)",
    "enemies": "optional: ids of items that give this one away, never on one form with it",
    "basis_vi / basis_en": "legal texts the item rests on, separated by | (then give reviewed)",
    "reviewed": "the date the legal basis was last checked, YYYY-MM-DD",
}
_YES = {"yes", "y", "true", "1", "có", "x", "đúng", "t"}
_NO = {"no", "n", "false", "0", "không", "sai", "f", ""}
_TRUE = {"true", "t", "đúng", "yes", "1"}
_FALSE = {"false", "f", "sai", "no", "0"}
_SEPARATORS = re.compile(r"[,;]")


def _split_list(text: str) -> list[str]:
    """A comma- or semicolon-separated list, each entry stripped, empty ones left out."""
    return [t.strip() for t in _SEPARATORS.split(text) if t.strip()]


def _text(row: dict[str, str], name: str) -> dict[str, str] | None:
    vi, en = row.get(f"{name}_vi", "").strip(), row.get(f"{name}_en", "").strip()
    if not vi and not en:
        return None
    return {"vi": vi or en, "en": en or vi}


def _flag(row: dict[str, str], name: str) -> bool | None:
    raw = row.get(name, "").strip().lower()
    if raw == "":
        return None
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise ConvertProblem(f"expected yes or no, got {raw!r}", name)


def _number(raw: str, name: str) -> float:
    try:
        return float(raw.strip().replace(",", "."))
    except ValueError:
        raise ConvertProblem(f"{raw.strip()!r} is not a number", name) from None


def row_to_item(row: dict[str, str], defaults: dict[str, Any]) -> dict[str, Any]:
    """One spreadsheet row as an item dict (validated later by the item models)."""
    kind = row.get("type", "").strip()
    item: dict[str, Any] = {"id": row.get("id", "").strip(), "type": kind}
    competency = row.get("competency", "").strip() or defaults.get("competency")
    if not competency:
        raise ConvertProblem("no competency: fill the column or give --competency", "competency")
    item["competency"] = competency
    level_raw = row.get("level", "").strip()
    if level_raw:
        level = _number(level_raw, "level")
        if level != int(level):
            raise ConvertProblem(f"{level_raw!r} is not a whole number", "level")
        item["level"] = int(level)
    elif defaults.get("level"):
        item["level"] = defaults["level"]
    else:
        raise ConvertProblem("no level: fill the column or give --level", "level")
    stem = _text(row, "stem")
    if stem:
        item["stem"] = stem
    explanation = _text(row, "explanation")
    if explanation:
        item["explanation"] = explanation
    if row.get("weight", "").strip():
        item["weight"] = _number(row["weight"], "weight")
    if row.get("tags", "").strip():
        item["tags"] = _split_list(row["tags"])
    if row.get("enemies", "").strip():
        item["enemies"] = _split_list(row["enemies"])
    basis = [
        [p.strip() for p in row.get(f"basis_{lang}", "").split("|") if p.strip()]
        for lang in ("vi", "en")
    ]
    if basis[0] or basis[1]:
        if len(basis[0]) != len(basis[1]) and basis[0] and basis[1]:
            raise ConvertProblem("basis_vi and basis_en list different numbers of texts", "basis")
        basis_vi, basis_en = basis[0] or basis[1], basis[1] or basis[0]
        item["basis"] = [{"vi": a, "en": b} for a, b in zip(basis_vi, basis_en, strict=True)]
    if row.get("reviewed", "").strip():
        item["reviewed"] = row["reviewed"].strip()[:10]
    options = []
    for c in LETTERS:
        t = _text(row, f"option_{c}")
        if t:
            options.append(t)
    custom_ids = _split_list(row.get("option_ids", "").strip())
    ids = custom_ids or list(LETTERS[: len(options)])
    key = row.get("key", "").strip()
    if kind in ("single", "multiple"):
        if len(ids) != len(options):
            raise ConvertProblem(f"{len(ids)} option ids for {len(options)} options", "option_ids")
        item["options"] = [{"id": i, "text": t} for i, t in zip(ids, options, strict=True)]
        shuffle = _flag(row, "shuffle")
        if shuffle is not None:
            item["shuffle"] = shuffle
        if kind == "single":
            item["key"] = key
        else:
            item["key"] = _split_list(key)
            for part in _split_list(row.get("fractions", "")):
                oid, sep, value = part.partition("=")
                match = next((o for o in item["options"] if o["id"] == oid.strip()), None)
                if not sep or match is None:
                    raise ConvertProblem(f"{part!r}: expected option=fraction", "fractions")
                match["fraction"] = _number(value, "fractions")
    elif kind == "true_false":
        value = key.lower()
        if value in _TRUE:
            item["key"] = True
        elif value in _FALSE:
            item["key"] = False
        else:
            raise ConvertProblem(f"expected true or false, got {key!r}", "key")
    elif kind == "short_answer":
        item["answers"] = [a.strip() for a in key.split("|") if a.strip()]
        partial = []
        for part in (p.strip() for p in row.get("partial", "").split("|") if p.strip()):
            text, sep, value = part.rpartition("=")
            if not sep or not text.strip():
                raise ConvertProblem(f"{part!r}: expected answer=fraction", "partial")
            partial.append({"text": text.strip(), "fraction": _number(value, "partial")})
        if partial:
            item["partial"] = partial
        match = {}
        for flag in ("case_sensitive", "ignore_diacritics", "collapse_whitespace"):
            on = _flag(row, flag)
            if on is not None:
                match[flag] = on
        if match:
            item["match"] = match
    elif kind == "numerical":
        if not key:
            raise ConvertProblem("the number is missing", "key")
        item["answer"] = _number(key, "key")
        if row.get("tolerance", "").strip():
            item["tolerance"] = _number(row["tolerance"], "tolerance")
        unit = _text(row, "unit")
        if unit:
            item["unit"] = unit
    elif kind == "matching":
        pairs, distractors = [], []
        for c in LETTERS:
            vi, en = row.get(f"option_{c}_vi", ""), row.get(f"option_{c}_en", "")
            if not vi.strip() and not en.strip():
                continue
            sides = []
            for cell in (vi or en, en or vi):
                lhs, sep, rhs = cell.partition("->")
                if not sep:
                    raise ConvertProblem(f"{cell!r}: expected 'left -> right'", f"option_{c}")
                sides.append((lhs.strip(), rhs.strip()))
            (lv, rv), (le, re_) = sides
            right = {"vi": rv or re_, "en": re_ or rv}
            if lv or le:
                pairs.append({"left": {"vi": lv or le, "en": le or lv}, "right": right})
            else:
                distractors.append(right)
        item["pairs"] = pairs
        if distractors:
            item["distractors"] = distractors
    elif kind == "ordering":
        item["steps"] = options
        if row.get("scoring", "").strip():
            item["scoring"] = row["scoring"].strip()
    return item


def _fmt_number(value: float) -> str:
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)


def item_to_row(item: Item) -> dict[str, str]:
    """The inverse of row_to_item for a validated item."""
    row = dict.fromkeys(COLUMNS, "")
    row.update(id=item.id, competency=item.competency, level=str(item.level), type=item.type)
    row["stem_vi"], row["stem_en"] = item.stem.vi, item.stem.en
    if item.explanation is not None:
        row["explanation_vi"], row["explanation_en"] = item.explanation.vi, item.explanation.en
    if item.weight != 1.0:
        row["weight"] = _fmt_number(item.weight)
    if item.tags:
        row["tags"] = ", ".join(item.tags)
    if item.enemies:
        row["enemies"] = ", ".join(item.enemies)
    if item.basis:
        row["basis_vi"] = " | ".join(b.vi for b in item.basis)
        row["basis_en"] = " | ".join(b.en for b in item.basis)
    if item.reviewed is not None:
        row["reviewed"] = item.reviewed.isoformat()

    def put_options(texts: list[tuple[str, str]]) -> None:
        for c, (vi, en) in zip(LETTERS, texts, strict=False):
            row[f"option_{c}_vi"], row[f"option_{c}_en"] = vi, en

    match item.type:
        case "single" | "multiple":
            put_options([(o.text.vi, o.text.en) for o in item.options])
            ids = [o.id for o in item.options]
            if ids != list(LETTERS[: len(ids)]):
                row["option_ids"] = ", ".join(ids)
            if not item.shuffle:
                row["shuffle"] = "no"
            if item.type == "single":
                row["key"] = item.key
            else:
                row["key"] = ", ".join(item.key)
                row["fractions"] = "; ".join(
                    f"{o.id}={_fmt_number(o.fraction)}"
                    for o in item.options
                    if o.fraction is not None
                )
        case "true_false":
            row["key"] = "true" if item.key else "false"
        case "short_answer":
            row["key"] = " | ".join(item.answers)
            row["partial"] = " | ".join(f"{p.text}={_fmt_number(p.fraction)}" for p in item.partial)
            defaults = type(item.match)()
            for flag in ("case_sensitive", "ignore_diacritics", "collapse_whitespace"):
                if getattr(item.match, flag) != getattr(defaults, flag):
                    row[flag] = "yes" if getattr(item.match, flag) else "no"
        case "numerical":
            row["key"] = _fmt_number(item.answer)
            if item.tolerance:
                row["tolerance"] = _fmt_number(item.tolerance)
            if item.unit:
                row["unit_vi"], row["unit_en"] = item.unit.vi, item.unit.en
        case "matching":
            cells = [
                (f"{p.left.vi} -> {p.right.vi}", f"{p.left.en} -> {p.right.en}") for p in item.pairs
            ]
            cells += [(f"-> {d.vi}", f"-> {d.en}") for d in item.distractors]
            put_options(cells)
        case "ordering":
            put_options([(s.vi, s.en) for s in item.steps])
            if item.scoring != "partial":
                row["scoring"] = item.scoring
    return row


# ---------------------------------------------------------------- files


def _header(cells: list[Any]) -> list[str]:
    return [str(c).strip().lower() if c is not None else "" for c in cells]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def check_header(header: list[str]) -> str | None:
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        return f"unknown column {unknown[0]!r}; the columns are listed by `dsat bank template`"
    for need in ("id", "type"):
        if need not in header:
            return f"the header row has no {need!r} column"
    return None


def read_csv(text: str) -> SheetRows:
    """Each data row with its line; a problem with the header instead of rows."""
    from dsat.banks.formats.csvtable import CsvProblem, csv_table

    out = SheetRows()
    try:
        header, rows = csv_table(text)
        if not header:
            return SheetRows(problems=[Problem(1, "the file is empty")])
        problem = check_header(header)
        if problem:
            return SheetRows(problems=[Problem(1, problem)])
        for line, cells in rows:
            row = {
                h: restore(c.replace("\r\n", "\n"))
                for h, c in zip(header, cells, strict=False)
                if h
            }
            out.rows.append((line, row))
    except CsvProblem as exc:
        out.problems.append(Problem(exc.line, str(exc)))
    return out


def read_xlsx(data: bytes) -> SheetRows:
    """Each data row of the items sheet (the first sheet when none is named Items) with its
    place, SHEET!ROW; a problem with the header instead of rows. A formula, or a control
    character, in a cell is a problem at its row, named by its column."""
    from openpyxl import load_workbook

    out = SheetRows()
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows()
        try:
            header = _header([c.value for c in next(rows)])
        except StopIteration:
            out.problems.append(Problem(f"{ws.title}!1", "the sheet is empty"))
            return out
        problem = check_header(header)
        if problem:
            out.problems.append(Problem(f"{ws.title}!1", problem))
            return out
        for n, cells in enumerate(rows, 2):
            where = f"{ws.title}!{n}"
            values: dict[str, str] = {}
            bad: list[Problem] = []
            for h, c in zip(header, cells, strict=False):
                if not h or c.value is None:
                    continue
                if c.data_type == "f":
                    bad.append(Problem(where, f"a formula ({c.value}): type the value", h))
                    continue
                text = _cell(c.value).replace("\r\n", "\n")
                ch = first_forbidden(text)
                if ch is not None:
                    bad.append(Problem(where, forbidden_message(ch), h))
                    continue
                values[h] = restore(text)
            if bad:
                out.problems += bad
            elif any(v.strip() for v in values.values()):
                out.rows.append((where, values))
    finally:
        wb.close()
    return out


# A spreadsheet takes a cell that starts so for a formula (OWASP: CSV injection).
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def neutralise(text: str, *, quoted_only: bool = False) -> str:
    """A cell as a spreadsheet shows it literally: one more ' before a text that starts
    with = + - @ tab or CR (after any quotes); a plain number is left a number. With
    `quoted_only` (XLSX, whose text cells are never formulas), only texts that already
    start with a quote get one, so that `restore` gives them back exactly."""
    if not _FORMULA_START.match(text) or _NUMBER.fullmatch(text):
        return text
    if quoted_only and not text.startswith("'"):
        return text
    return "'" + text


def restore(text: str) -> str:
    """The inverse of `neutralise`: one ' fewer before a formula start."""
    return text[1:] if text.startswith("'") and _FORMULA_START.match(text, 1) else text


def write_csv(items: Iterable[Item]) -> str:
    import csv

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in items:
        writer.writerow({k: neutralise(v) for k, v in item_to_row(item).items()})
    return out.getvalue()


def write_xlsx(items: Iterable[Item], *, examples: bool = False) -> bytes:
    """A workbook: the items sheet (styled header, frozen, filter) and a guide sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = SHEET
    ws.append(COLUMNS)
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F4E78")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center")
    for item in items:
        row = item_to_row(item)
        ws.append([neutralise(row[c], quoted_only=True) for c in COLUMNS])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value:
                cell.data_type = "s"  # text such as "=SUM(A1:A3)" stays text, not a formula
    ws.freeze_panes = "E2"
    ws.auto_filter.ref = ws.dimensions
    widths = {"id": 14, "competency": 11, "level": 7, "type": 13, "key": 16}
    for i, name in enumerate(COLUMNS, 1):
        letter = ws.cell(row=1, column=i).column_letter
        ws.column_dimensions[letter].width = widths.get(
            name, 28 if "_v" in name or "_e" in name else 14
        )
    types = DataValidation(
        type="list",
        formula1='"single,multiple,true_false,short_answer,numerical,matching,ordering,self_rating"',
        allow_blank=True,
    )
    ws.add_data_validation(types)
    types.add(f"D2:D{max(1000, ws.max_row + 500)}")
    guide = wb.create_sheet("Guide")
    guide.append(["column", "meaning"])
    for cell in guide[1]:
        cell.font, cell.fill = bold, fill
    for name, meaning in GUIDE.items():
        guide.append([name, meaning])
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["B"].width = 110
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- the registry's entries


def _read_csv_file(data: bytes) -> SheetRows:
    text, problems = decode_text(data, "save the CSV as 'CSV UTF-8'", newlines=False)
    return SheetRows(problems=problems) if problems else read_csv(text)


def _read_xlsx_file(data: bytes) -> SheetRows:
    if not is_zip(data):
        return SheetRows(problems=[Problem("1", "not an XLSX workbook")])
    problems = _workbook_problems(data)
    if problems:
        return SheetRows(problems=problems)
    try:
        return read_xlsx(data)
    except Exception as exc:  # a damaged workbook: openpyxl raises many kinds
        if isinstance(exc, KeyboardInterrupt | MemoryError):
            raise
        return SheetRows(
            problems=[Problem("1", f"cannot read the workbook: {type(exc).__name__}: {exc}")]
        )


_XML_PARTS = (".xml", ".rels")


def _workbook_problems(data: bytes) -> list[Problem]:
    """What stops a workbook being handed to openpyxl: a damaged or encrypted zip, parts
    too large or compressed like a zip bomb, a DTD in a part (checked in each part's
    prolog, whatever its encoding)."""
    from dsat.banks.formats.xmlsource import prolog_problem

    try:
        zf = open_zip(data)
    except ZipRefused as exc:
        return [exc.problem]
    with zf:
        parts = [n for n in zf.namelist() if n.lower().endswith(_XML_PARTS)]
        problems = check_members(zf, parts, MAX_XLSX_MEMBER, MAX_XLSX_TOTAL)
        if problems:
            return problems
        for name in parts:
            try:
                with zf.open(name) as fh:
                    head = fh.read(PROLOG_BYTES)
            except Exception as exc:  # damaged data: zlib.error, BadZipFile (CRC), ...
                if isinstance(exc, KeyboardInterrupt | MemoryError):
                    raise
                return [Problem(0, f"damaged zip member: {exc}", "zip", name)]
            bad = prolog_problem(head)
            if bad is not None:
                problems.append(Problem(bad.line, str(bad), bad.field, name))
    return problems


def _write_csv(items: Sequence[Item]) -> Exported:
    return Exported(write_csv(items).encode("utf-8-sig"), len(items))


def _write_xlsx(items: Sequence[Item]) -> Exported:
    return Exported(write_xlsx(items), len(items))


TASKS_ONLY_YAML = "practical tasks are written in dsat's YAML only (their settings have no column)"

CSV = Spec(
    name="csv",
    label="spreadsheet, CSV",
    suffixes=(".csv",),
    searched=(".csv",),
    detected="`.csv` (UTF-8; comma, semicolon or tab)",
    reads="every type but practical tasks (the columns of `bank template`)",
    read=_read_csv_file,
    write=_write_csv,
    cannot_hold={"task": TASKS_ONLY_YAML},
    writes="a UTF-8 CSV file",
    estimate=lambda data: max(0, data.count(b"\n") - 1),
    template=True,
)
XLSX = Spec(
    name="xlsx",
    label="spreadsheet, XLSX",
    suffixes=(".xlsx",),
    searched=(".xlsx",),
    detected="a zip holding `xl/workbook.xml`, whatever its name; `.xlsx`",
    reads="every type but practical tasks (the columns of `bank template`)",
    read=_read_xlsx_file,
    write=_write_xlsx,
    cannot_hold={"task": TASKS_ONLY_YAML},
    writes="a workbook with a Guide sheet",
    sniff=lambda path, data: is_zip(data) and "xl/workbook.xml" in member_names(data),
    template=True,
)
