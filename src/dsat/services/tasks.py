"""The files of a data task: its table as CSV and XLSX, for the candidate's own spreadsheet.

Headers and labels are in the candidate's language; numbers stay numbers, money is a
whole number of đồng, dates are real dates (ISO yyyy-mm-dd in the CSV), and no text cell
can run as a formula. The files hold exactly the rows shown on screen, unfiltered.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any, Literal

from dsat.domain.tasks.model import Column, TaskView
from dsat.services.report_export import neutralise, text_cell


def _value(col: Column, cell: Any, lang: Literal["vi", "en"]) -> Any:
    if col.kind == "label":
        return col.show(cell, lang)
    if col.kind == "date" and isinstance(cell, str):
        return date.fromisoformat(cell)
    return cell


def table_csv(view: TaskView, lang: Literal["vi", "en"]) -> bytes:
    assert view.table is not None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(c.name.get(lang)) for c in view.table.columns])
    for row in view.table.rows:
        cells = [_value(c, v, lang) for c, v in zip(view.table.columns, row, strict=True)]
        writer.writerow([v.isoformat() if isinstance(v, date) else neutralise(v) for v in cells])
    return out.getvalue().encode("utf-8-sig")  # Excel reads UTF-8 with its mark


def table_xlsx(view: TaskView, lang: Literal["vi", "en"]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    assert view.table is not None
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(view.table.name[:31])
    ws.append([text_cell(ws, c.name.get(lang)) for c in view.table.columns])
    for row in view.table.rows:
        cells = []
        for col, raw in zip(view.table.columns, row, strict=True):
            v = _value(col, raw, lang)
            if isinstance(v, date):
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(v, str):
                cell = text_cell(ws, v)
            else:
                cell = WriteOnlyCell(ws, value=v)
                if col.kind == "money":
                    cell.number_format = "#,##0"
            cells.append(cell)
        ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def task_files(view: TaskView, lang: Literal["vi", "en"], stem: str) -> list[tuple[str, bytes]]:
    """(file name, content) of the data task's files; none for other tasks."""
    if view.table is None:
        return []
    name = f"{stem}-{view.table.name}"
    return [(f"{name}.csv", table_csv(view, lang)), (f"{name}.xlsx", table_xlsx(view, lang))]
