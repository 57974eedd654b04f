"""The registry of formats is the one place formats are named: detection, the command
line's choices, export suffixes and the table in docs/formats.md all come from it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dsat.banks.formats import registry
from dsat.cli import main
from tests.factories import item

ROOT = Path(__file__).resolve().parents[1]


def test_the_table_in_the_docs_is_the_registrys():
    docs = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    assert registry.docs_table() in docs, (
        "docs/formats.md is out of date: paste the output of "
        "`python -m dsat.banks.formats.registry` over its table"
    )


def test_the_command_line_offers_the_registrys_formats():
    for args, names in (
        (["bank", "import", "--help"], registry.names()),
        (["bank", "export", "--help"], registry.names(writable=True)),
        (["bank", "template", "--help"], registry.names(template=True)),
    ):
        out = " ".join(CliRunner().invoke(main, args).output.split())
        assert "[" + "|".join(names) + "]" in out, (args, out)


@pytest.mark.parametrize("name", registry.names(writable=True))
def test_an_export_is_named_and_recognised_as_its_format(here, name):
    fmt = registry.get(name)
    kinds = ("single", "ordering", "self_rating", "task")
    bank = [item(t, id=f"x-{t}") for t in kinds]
    exported = registry.export(bank, name)
    assert exported.written == len(kinds) - len(fmt.cannot_hold)
    assert [s.rsplit(": ", 1)[1] for s in exported.skipped] == [f"x-{t}" for t in fmt.cannot_hold]
    path = Path(f"bank{fmt.suffixes[0]}")
    path.write_bytes(exported.data)
    assert registry.detect(path, exported.data) is fmt


def test_content_says_the_format_whatever_the_name(here):
    bank = [item("single")]
    package = registry.export(bank, "qti").data
    workbook = registry.export(bank, "xlsx").data
    assert registry.detect(Path("bank.xlsx"), package).name == "qti"
    assert registry.detect(Path("export.zip"), workbook).name == "xlsx"
    assert registry.detect(Path("q.txt"), b"Q?\nA) a\nB) b\nANSWER: A\n").name == "aiken"
    assert registry.detect(Path("q.txt"), b"::q:: Q? {=a ~b}\n").name == "gift"
    assert registry.detect(Path("q.xml"), b"<?xml version='1.0'?><quiz/>").name == "moodlexml"
    assert registry.detect(Path("bank.docx"), b"not a bank") is None


def test_the_registry_imports_no_parser():
    code = (
        "import sys\n"
        "import dsat.banks.formats.registry\n"
        "heavy = {'pydantic', 'yaml', 'ryaml', 'openpyxl', 'zipfile', 'csv', 'xml'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"
