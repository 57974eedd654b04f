"""Every problem has a place (FILE:LINE: field: message, inside packages PKG.zip:INNER:LINE),
and text from outside is literal: control and bidirectional formatting characters are
refused by every reader at their line, named (U+001B), never stripped or crashed on."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from dsat.cli import main
from tests.test_format_limits import item_xml, package

CANVAS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest identifier="g1" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1">\n'
    "<resources>\n"
    '<resource identifier="g2" type="imsqti_xmlv1p2">\n'
    '<file href="g2/g2.xml"/>\n</resource>\n</resources>\n</manifest>\n'
)
QTI12 = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<questestinterop '
    'xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2"><assessment ident="a" title="Quiz">'
    "</assessment></questestinterop>\n"
)
SHEET_HEADER = ["id", "competency", "level", "type", "stem_vi", "stem_en", "key", "explanation_en"]


def validate(*args: str):
    options = ["--competency", "4.1", "--level", "2"]
    return CliRunner().invoke(main, ["bank", "validate", *args, *options])


def refused(result, *located: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for line in located:
        assert line in result.stderr, result.stderr


# ---------------------------------------------------------------- zips


def _patch(data: bytes, name: str, local: int, central: int, value: int) -> bytes:
    """The zip with a 2-byte field of `name`'s headers set to `value`: at offset `local` of
    its local header and `central` of its central directory entry."""
    out = bytearray(data)
    raw = name.encode()
    pos = 0
    while (pos := out.find(raw, pos + 1)) > 0:
        if out[pos - 30 : pos - 26] == b"PK\x03\x04":
            out[pos - 30 + local : pos - 30 + local + 2] = value.to_bytes(2, "little")
        if out[pos - 46 : pos - 42] == b"PK\x01\x02":
            out[pos - 46 + central : pos - 46 + central + 2] = value.to_bytes(2, "little")
    return bytes(out)


def _encrypted(data: bytes, name: str) -> bytes:
    return _patch(data, name, 6, 8, 0x1)  # the flag a password-protected zip sets


def _with_method(data: bytes, name: str, method: int) -> bytes:
    return _patch(data, name, 8, 10, method)


def test_an_encrypted_member_is_named_not_a_runtime_error(here):
    package(Path("pkg.zip"), {"items/a.xml": item_xml("a")})
    Path("enc.zip").write_bytes(_encrypted(Path("pkg.zip").read_bytes(), "items/a.xml"))
    result = validate("enc.zip")
    refused(
        result,
        "enc.zip:items/a.xml:0: zip: the file is encrypted (has a password): save it without one",
    )
    assert "RuntimeError" not in result.output


def test_a_damaged_member_is_named_with_its_package(here):
    text = item_xml("a", "x" * 5000)
    package(Path("pkg.zip"), {"items/a.xml": text})
    data = bytearray(Path("pkg.zip").read_bytes())
    start = data.find(b"items/a.xml") + len("items/a.xml") + 40
    data[start : start + 40] = b"\xff" * 40  # inside the deflated bytes
    Path("bad.zip").write_bytes(bytes(data))
    refused(validate("bad.zip"), "bad.zip:items/a.xml:0: zip: damaged zip member:")


def test_an_unsupported_compression_method_is_named(here):
    package(Path("pkg.zip"), {"items/a.xml": item_xml("a")})
    Path("d64.zip").write_bytes(_with_method(Path("pkg.zip").read_bytes(), "items/a.xml", 9))
    refused(
        validate("d64.zip"),
        "d64.zip:items/a.xml:0: zip: compressed with deflate64, which dsat cannot read",
    )


def test_a_workbook_with_an_encrypted_part_is_located(here):
    wb = Workbook()
    wb.active.append(SHEET_HEADER)
    buf = io.BytesIO()
    wb.save(buf)
    Path("enc.xlsx").write_bytes(_encrypted(buf.getvalue(), "xl/workbook.xml"))
    refused(validate("enc.xlsx"), "enc.xlsx:xl/workbook.xml:0: zip: the file is encrypted")


def test_a_zip_that_is_no_zip_is_located(here):
    Path("junk.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    refused(validate("junk.zip"), "junk.zip:0: zip: not a valid zip file")


# ---------------------------------------------------------------- what a file is


def test_utf16_and_qti12_files_say_what_they_are(here):
    Path("u16.xml").write_bytes(
        '<?xml version="1.0" encoding="UTF-16"?><quiz></quiz>'.encode("utf-16")
    )
    Path("u16.gift").write_bytes("::q:: Q? {=a ~b}\n".encode("utf-16-le"))
    Path("canvas.xml").write_text(QTI12, encoding="utf-8")
    with zipfile.ZipFile("canvas.zip", "w") as zf:
        zf.writestr("imsmanifest.xml", CANVAS_MANIFEST)
        zf.writestr("g2/g2.xml", QTI12)
    result = validate("u16.xml", "u16.gift", "canvas.xml", "canvas.zip")
    refused(
        result,
        "u16.xml:1: encoding: UTF-16 text: save the file as UTF-8",
        "u16.gift:1: encoding: UTF-16 text: save the file as UTF-8",
        "canvas.xml:1: format: IMS QTI 1.2 (e.g. Canvas): not supported, export QTI 2.1",
        "canvas.zip:imsmanifest.xml:4: type: IMS QTI 1.2 (e.g. Canvas): not supported",
    )
    assert "unknown format" not in result.stderr
    forced = validate("canvas.xml", "--format", "qti")
    refused(forced, "canvas.xml:2: questestinterop: IMS QTI 1.2 (e.g. Canvas)")


def test_a_csv_cell_over_the_field_limit_is_reported_at_its_line(here):
    rows = [
        ",".join(SHEET_HEADER),
        "t1,4.1,2,true_false,Đúng,True,true,Because",
        "t2,4.1,2,true_false," + "x" * 200_000 + ",True,true,Because",
    ]
    Path("big.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    refused(validate("big.csv"), "big.csv:3: a cell is longer than 131,072 characters")


def test_a_formula_in_a_workbook_is_reported_not_dropped(here):
    wb = Workbook()
    ws = wb.active
    ws.title = "Items"
    ws.append(SHEET_HEADER)
    ws.append(["t1", "4.1", 2, "true_false", "Đúng", "True", "=TRUE()", "Because"])
    wb.save("f.xlsx")
    refused(validate("f.xlsx"), "f.xlsx:Items!2: key: a formula (=TRUE()): type the value")


def test_a_duplicate_yaml_key_is_reported_at_the_key(here):
    Path("dup.yaml").write_text(
        "items:\n  - id: d-1\n    type: true_false\n    competency: '4.1'\n    level: 2\n"
        "    stem: {vi: Câu, en: Question}\n    key: true\n    explanation: {vi: V, en: E}\n"
        "    key: false\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["bank", "validate", "dup.yaml"])
    refused(result, 'dup.yaml:9: YAML syntax error: items[0]: duplicate entry with key "key"')


# ---------------------------------------------------------------- literal text

GIFT = "::q1:: Which is safe? {=A long passphrase ~123456}\n\n::q2:: Pick {=yes ~no}\n"
AIKEN = "Which is safe?\nA) A long passphrase\nB) 123456\nANSWER: A\n"
MOODLE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n<question type="truefalse">\n'
    '<name><text>tf</text></name>\n<questiontext format="html">\n<text>{text}</text>\n'
    "</questiontext>\n"
    '<answer fraction="100"><text>true</text></answer>\n'
    '<answer fraction="0"><text>false</text></answer>\n</question>\n</quiz>\n'
)
YAML = (
    "items:\n  - id: y-1\n    type: true_false\n    competency: '4.1'\n    level: 2\n"
    '    stem: {{vi: "Câu", en: "{text}"}}\n    key: true\n    explanation: {{vi: V, en: E}}\n'
)


CSV = ",".join(SHEET_HEADER) + "\nt1,4.1,2,true_false,{text},B,true,E\n"
BIDI = "(a bidirectional formatting character)"
CASES = {
    # file: (its text, what is reported)
    "nul.gift": (
        GIFT.replace("Pick", "Pi\x00ck"),
        "3: text: U+0000 (a control character) at column 10",
    ),
    "esc.gift": (GIFT.replace("safe?", "safe?\x1b[31m"), "1: text: U+001B (a control character)"),
    "bidi.aiken": (AIKEN.replace("123456", "\u202e654321"), f"3: text: U+202E {BIDI}"),
    "c1.csv": (CSV.format(text="A\x85"), "2: text: U+0085 (a control character)"),
    "nul.xml": (MOODLE.format(text="Q\x00"), "6: text: U+0000 (a control character)"),
    "ref.xml": (MOODLE.format(text="Q&#x202E;"), f"6: text: U+202E {BIDI}"),
    "html.xml": (MOODLE.format(text="Q&amp;#27;"), "3: stem.vi: html-tf: U+001B"),
    "del.yaml": (YAML.format(text="Q\x7f"), "6: text: U+007F (a control character)"),
    "esc.yaml": (YAML.format(text="Q\\e"), "6: items[0] (y-1).stem.en: U+001B"),
    "nel.yaml": (YAML.format(text="Q\\N"), "6: items[0] (y-1).stem.en: U+0085"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_control_characters_are_refused_at_their_line_in_every_reader(here, name):
    text, located = CASES[name]
    Path(name).write_bytes(text.encode("utf-8"))
    refused(validate(name), f"{name}:{located}")


def test_control_characters_in_qti_and_workbooks_are_refused_at_their_place(here):
    package(Path("p.zip"), {"items/a.xml": item_xml("a").replace("Pick A", "Pick A&#x2066;")})
    wb = Workbook()
    ws = wb.active
    ws.title = "Items"
    ws.append(SHEET_HEADER)
    ws.append(["t1", "4.1", 2, "true_false", "Đúng", "True\u202e", "true", "Because"])
    ws.append(["t2", "4.1", 2, "true_false", "Đúng", "True", "true", "Because\x85"])
    wb.save("w.xlsx")
    refused(
        validate("p.zip", "w.xlsx"),
        "p.zip:items/a.xml:5: text: U+2066 (a bidirectional formatting character)",
        "w.xlsx:Items!2: stem_en: U+202E (a bidirectional formatting character)",
        "w.xlsx:Items!3: explanation_en: U+0085 (a control character)",
    )


def test_tabs_and_line_breaks_are_text(here):
    Path("ok.csv").write_text(
        ",".join(SHEET_HEADER) + '\r\nt1,4.1,2,true_false,"Một\r\nhai","One\ttwo",true,E\r\n',
        encoding="utf-8",
    )
    result = validate("ok.csv")
    assert result.exit_code == 0, result.output


def test_the_category_map_is_read_like_a_bank_file(here):
    Path("q.gift").write_text("$CATEGORY: $course$/A\n\n::q:: Q {=a ~b}\n", encoding="utf-8")
    Path("map.yaml").write_bytes(b'categories:\n  "$course$/A": "4.\x001"\n')
    Path("map16.yaml").write_bytes('categories:\n  "a": "4.1"\n'.encode("utf-16"))
    from dsat.cli import main

    for name, located in (
        ("map.yaml", "map.yaml:2: text: U+0000 (a control character)"),
        ("map16.yaml", "map16.yaml:1: encoding: UTF-16 text"),
    ):
        result = CliRunner().invoke(main, ["bank", "validate", "q.gift", "--map", name])
        refused(result, located)
