"""The share report as CSV, JSON and a formatted XLSX workbook.

Every export carries what it was made from: the grouping, the period and dates, the
attempt rule, the method (count or posterior), the small-cell threshold and whether
simulated data is included. Suppressed cells are empty in every format; no hidden figure is
written anywhere. Text from the register that a spreadsheet would run as a formula (it
starts with =, +, -, @, a tab or a carriage return) is written as text: quoted with a
leading apostrophe in CSV (OWASP's rule), a text cell in XLSX.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from dsat.domain.text import clean
from dsat.services.report import ShareReport, as_table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet will not run: a leading apostrophe before formula starts."""
    if isinstance(value, str):
        value = clean(value).replace("\n", " ")
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def text_cell(ws: Any, value: Any) -> Any:
    """An XLSX cell that holds `value` as text when it is text (never a formula)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=clean(value) if isinstance(value, str) else value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


FIGURES = (
    ("registered", "Registered", "0"),
    ("assessed", "Assessed", "0"),
    ("proficient", "Proficient", "0"),
    ("participation_pct", "Participation %", "0.0"),
    ("proficient_pct", "Proficient %", "0.0"),
    ("ci_low_pct", "95% CI low %", "0.0"),
    ("ci_high_pct", "95% CI high %", "0.0"),
    ("measurement_se_pp", "Measurement error (SE), pp", "0.0"),
    ("gap_2025_pp", "Gap to 70% (2025), pp", "0.0"),
    ("gap_2030_pp", "Gap to 90% (2030), pp", "0.0"),
    ("change_pp", "Change since previous period, pp", "0.0"),
    ("suppressed", "Suppressed", "@"),
)


def _about(report: ShareReport) -> list[tuple[str, str]]:
    m = report.meta
    lines = [
        ("report", m.title),
        ("generated_at", m.generated_at),
        ("framework", m.framework),
        ("proficient means", m.rule),
        ("method", m.method_note or m.method),
        ("results measured on the IRT scale", f"{100 * m.measured_share:.0f}%"),
        ("grouped by", ", ".join(m.by) or "(overall)"),
        ("period", m.period),
        ("from", m.start or ""),
        ("to (exclusive)", m.end or ""),
        ("attempt counted", m.attempt),
        ("small-cell threshold", f"groups under {m.min_group} people are suppressed"),
        ("unit depth", "" if m.unit_depth is None else str(m.unit_depth)),
        ("only province", m.province or ""),
        ("only unit (and the units under it)", m.unit or ""),
        ("targets", ", ".join(f"{v:g}% by {k}" for k, v in m.targets.items())),
        ("assessed but not in the staff register (left out)", str(m.not_in_register)),
        ("result chain head (check with dsat audit verify --head)", m.chain_head),
        ("results in the chain", str(m.chain_results)),
    ]
    if m.simulated:
        lines.insert(0, ("WARNING", f"includes SIMULATED data ({m.simulated})"))
    return lines


def to_json(report: ShareReport) -> bytes:
    return report.model_dump_json(indent=2).encode()


def to_csv(report: ShareReport) -> bytes:
    out = io.StringIO()
    for key, value in _about(report):
        out.write(f"# {key}: {clean(str(value)).replace(chr(10), ' ')}\n")
    rows = as_table(report)
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: "" if v is None else neutralise(v) for k, v in r.items()})
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(report: ShareReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "Report"
    dims = report.dims
    header = [d.capitalize() for d in dims] + [title for _, title, _ in FIGURES]
    ws.append(header)
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F4E78")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    total_font = Font(bold=True)
    for r in report.rows:
        values: list[Any] = [_text(ws, r.group[d]) for d in dims]
        for key, _, _ in FIGURES:
            v = getattr(r, key)
            if key == "suppressed":
                v = "yes" if v else ""
            elif key.endswith("_pct") and v is not None:
                v = v / 100  # stored as a fraction so Excel's percent format applies
            values.append(v)
        ws.append(values)
        if r.total:
            for cell in ws[ws.max_row]:
                cell.font = total_font
    first_fig = len(dims) + 1
    for i, (key, _, fmt) in enumerate(FIGURES):
        col = ws.cell(row=1, column=first_fig + i).column_letter
        number_format = "0.0%" if key.endswith("_pct") else fmt
        for cell in ws[col][1:]:
            cell.number_format = number_format
        ws.column_dimensions[col].width = 14
    for i in range(len(dims)):
        ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width = 28
    ws.row_dimensions[1].height = 45
    ws.freeze_panes = ws.cell(row=2, column=first_fig)
    ws.auto_filter.ref = ws.dimensions

    about = wb.create_sheet("About")
    about.append(["", ""])
    for key, value in _about(report):
        about.append([_text(about, key), _text(about, value)])
    about.column_dimensions["A"].width = 48
    about.column_dimensions["B"].width = 100
    about["A1"] = report.meta.title
    about["A1"].font = Font(bold=True, size=13)

    chart_rows = [r for r in report.rows if not r.total and not r.suppressed]
    data = wb.create_sheet("Chart")
    data.append(["Group", "Proficient %", "Target 2025 %", "Target 2030 %"])
    for r in chart_rows[:60]:
        label = " / ".join(v for v in r.group.values() if v not in ("all", "overall"))
        data.append(
            [_text(data, label), (r.proficient_pct or 0) / 100, report.meta.targets["2025"] / 100,
             report.meta.targets["2030"] / 100]
        )  # fmt: skip
    for row in data.iter_rows(min_row=2, min_col=2, max_col=4):
        for cell in row:
            cell.number_format = "0%"
    if chart_rows:
        chart = BarChart()
        chart.type = "bar"
        chart.title = "Proficient % by group, with the national targets"
        chart.y_axis.title = "Proficient %"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        n = min(len(chart_rows), 60) + 1
        chart.add_data(
            Reference(data, min_col=2, max_col=4, min_row=1, max_row=n), titles_from_data=True
        )
        chart.set_categories(Reference(data, min_col=1, min_row=2, max_row=n))
        chart.height = max(8, 0.5 * n)
        chart.width = 24
        data.add_chart(chart, "F2")
    data.column_dimensions["A"].width = 40
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(ws: Any, value: Any) -> Any:
    """A normal (not write-only) sheet's cell holding text as text."""
    from openpyxl.cell import Cell

    if not isinstance(value, str):
        return value
    cell = Cell(ws, value=None)
    cell.value = clean(value)
    cell.data_type = "s"
    return cell


def export(report: ShareReport, fmt: str) -> bytes:
    return {"csv": to_csv, "json": to_json, "xlsx": to_xlsx}[fmt](report)


def read_json(data: bytes) -> ShareReport:
    return ShareReport.model_validate(json.loads(data))


def personal_csv(rows: Any, out: Any, progress: Any = None, total: int = 0) -> int:
    """Stream per-person rows to a binary file as CSV; returns the number written."""
    from dsat.services.report import PERSONAL_COLUMNS

    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(PERSONAL_COLUMNS)
    n = 0
    for row in rows:
        *values, prof, p = row
        writer.writerow([*(neutralise(v) for v in values), "yes" if prof else "no",
                         "" if p is None else round(float(p), 4)])  # fmt: skip
        n += 1
        if progress and n % 5000 == 0:
            progress(n, total)
    text.flush()
    text.detach()
    if progress:
        progress(n, max(n, total))
    return n


def personal_xlsx(rows: Any, out: Any, progress: Any = None, total: int = 0) -> int:
    """Stream per-person rows into a write-only workbook."""
    from openpyxl import Workbook

    from dsat.services.report import PERSONAL_COLUMNS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("People")
    ws.freeze_panes = "B2"
    ws.append(list(PERSONAL_COLUMNS))
    n = 0
    for row in rows:
        *values, prof, p = row
        ws.append([*(text_cell(ws, v) for v in values), "yes" if prof else "no",
                   None if p is None else round(float(p), 4)])  # fmt: skip
        n += 1
        if progress and n % 5000 == 0:
            progress(n, total)
    wb.save(out)
    if progress:
        progress(n, max(n, total))
    return n
