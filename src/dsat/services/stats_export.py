"""Item statistics as CSV, XLSX and JSON: one row per item version, one per option."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from dsat.services.measurement import StatsReport
from dsat.services.report_export import neutralise

ITEM_COLUMNS = (
    "item_id", "version", "competency", "level", "type", "n", "facility", "sd",
    "random_guess", "discrimination", "efficiency", "intended_weight", "effective_weight",
    "flags",
)  # fmt: skip
OPTION_COLUMNS = ("item_id", "version", "option", "key", "share", "point_biserial",
                  "top_share", "flagged", "text")  # fmt: skip
TEST_FIELDS = ("attempts", "mean", "median", "sd", "skewness", "kurtosis", "cic",
               "error_ratio", "sem", "max_score", "slots")  # fmt: skip


def _r(v: Any) -> Any:
    return round(v, 4) if isinstance(v, float) else v


def item_rows(report: StatsReport) -> list[dict[str, Any]]:
    out = []
    for item, s in report.items:
        out.append(
            {
                "item_id": s.item_id, "version": s.version, "competency": item.competency,
                "level": item.level, "type": item.type, "n": s.n,
                **{k: _r(getattr(s, k)) for k in ITEM_COLUMNS[6:-1]},
                "flags": "; ".join(s.flags),
            }
        )  # fmt: skip
    return out


def option_rows(report: StatsReport) -> list[dict[str, Any]]:
    return [
        {
            "item_id": s.item_id, "version": s.version, "option": o.option, "key": o.key,
            "share": _r(o.share), "point_biserial": _r(o.point_biserial),
            "top_share": _r(o.top_share), "flagged": o.flagged, "text": o.text,
        }
        for _, s in report.items
        for o in s.options
    ]  # fmt: skip


def _test(report: StatsReport) -> dict[str, Any]:
    return {k: _r(getattr(report.test, k)) for k in TEST_FIELDS}


def to_json(report: StatsReport) -> bytes:
    data = {
        "scope": report.scope, "simulated_included": report.simulated_included,
        "note": report.note, "test": _test(report), "too_few": report.test.too_few,
        "items": [
            {**row, "options": [asdict(o) for o in s.options]}
            for row, (_, s) in zip(item_rows(report), report.items, strict=True)
        ],
    }  # fmt: skip
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def to_csv(report: StatsReport) -> bytes:
    out = io.StringIO()
    out.write(f"# scope: {report.scope}\n")
    for k, v in _test(report).items():
        out.write(f"# {k}: {'' if v is None else v}\n")
    writer = csv.DictWriter(out, fieldnames=list(ITEM_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in item_rows(report):
        writer.writerow({k: "" if v is None else neutralise(v) for k, v in row.items()})
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(report: StatsReport) -> bytes:
    from openpyxl import Workbook

    from dsat.services.report_export import _text

    wb = Workbook()
    ws = wb.active
    ws.title = "Items"
    ws.append(list(ITEM_COLUMNS))
    for row in item_rows(report):
        ws.append([_text(ws, row[c]) for c in ITEM_COLUMNS])
    ws.freeze_panes = "B2"
    opts = wb.create_sheet("Options")
    opts.append(list(OPTION_COLUMNS))
    for row in option_rows(report):
        opts.append([_text(opts, row[c]) for c in OPTION_COLUMNS])
    test = wb.create_sheet("Test")
    test.append(["scope", _text(test, report.scope)])
    for k, v in _test(report).items():
        test.append([k, v])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export(report: StatsReport, fmt: str) -> bytes:
    return {"json": to_json, "csv": to_csv, "xlsx": to_xlsx}[fmt](report)
