"""Bank exports a spreadsheet opens cannot run formulas (OWASP: CSV injection): CSV cells
that start with = + - @ tab or CR get a ' before them, XLSX texts are text cells; the
readers undo exactly that prefix, so export then import is still the identity (see also
the round trips in test_format_properties)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook, load_workbook

from dsat.banks.foreign import load_any
from dsat.banks.formats import registry
from dsat.services.banks import default_framework
from tests.factories import item

FW = default_framework(None)
DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


def bank():
    return [
        item(
            "single",
            id="inj",
            stem={"vi": DANGEROUS[0], "en": DANGEROUS[1]},
            options=[
                {"id": "a", "text": {"vi": DANGEROUS[2], "en": DANGEROUS[3]}},
                {"id": "b", "text": {"vi": "'=already quoted", "en": "plain"}},
            ],
            key="a",
        ),
        item("numerical", id="neg", answer=-5, tolerance=0.5),
    ]


def test_csv_export_neutralises_formula_cells_and_import_undoes_it(here):
    data = registry.export(bank(), "csv").data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    inj, neg = rows
    assert inj["stem_vi"] == "'" + DANGEROUS[0]
    assert inj["stem_en"] == "'" + DANGEROUS[1]
    assert inj["option_a_vi"] == "'" + DANGEROUS[2]
    assert inj["option_a_en"] == "'" + DANGEROUS[3]
    assert inj["option_b_vi"] == "''=already quoted"  # one more quote, so it comes back
    assert neg["key"] == "-5"  # a number stays a number
    cells = [c for row in rows for c in row.values()]
    assert not any(c[:1] in ("=", "+", "@", "\t", "\r") for c in cells)
    Path("bank.csv").write_bytes(data)
    assert load_any([Path("bank.csv")], FW).bank.items == bank()


def test_xlsx_export_writes_formula_texts_as_text_cells(here):
    Path("bank.xlsx").write_bytes(registry.export(bank(), "xlsx").data)
    ws = load_workbook("bank.xlsx")["Items"]
    header = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(header, ws[2], strict=True)}
    for column, text in (("stem_vi", DANGEROUS[0]), ("stem_en", DANGEROUS[1])):
        assert row[column].value == text
        assert row[column].data_type == "s", column  # text, never a formula
    assert row["option_b_vi"].value == "''=already quoted"
    assert load_any([Path("bank.xlsx")], FW).bank.items == bank()


def test_a_workbook_saved_from_a_neutralised_csv_imports_the_text(here):
    wb = Workbook()
    ws = wb.active
    ws.title = "Items"
    ws.append(["id", "competency", "level", "type", "stem_en", "key", "explanation_en"])
    ws.append(["w1", "4.1", 2, "true_false", "'=1+1 is 2", "true", "'+ and - are signs"])
    wb.save("w.xlsx")
    [w1] = load_any([Path("w.xlsx")], FW).bank.items
    assert w1.stem.en == "=1+1 is 2" and w1.explanation.en == "+ and - are signs"
