"""Small hostile files cannot make dsat use much memory or time: sizes, depths and
expansion are bounded before parsing, and each refusal is located (FILE:LINE: field:
message; inside a package PKG.zip:INNER:LINE)."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from dsat.banks.formats.xmlsource import XmlProblem, parse
from dsat.cli import main

MB = 1024 * 1024
MANIFEST = (
    '<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"><resources>{}</resources></manifest>'
)


def item_xml(ident: str, padding: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="{ident}"'
        f' title="{ident}" adaptive="false" timeDependent="false">\n'
        '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">'
        "<correctResponse><value>A</value></correctResponse></responseDeclaration>\n"
        f"<!--{padding}-->\n"
        '<itemBody><choiceInteraction responseIdentifier="RESPONSE" maxChoices="1">'
        '<prompt>Pick A</prompt><simpleChoice identifier="A">A</simpleChoice>'
        '<simpleChoice identifier="B">B</simpleChoice></choiceInteraction></itemBody>\n'
        '<responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/'
        'rptemplates/match_correct"/>\n</assessmentItem>\n'
    )


def resource(n: int, href: str) -> str:
    return f'<resource identifier="r{n}" type="imsqti_item_xmlv2p1" href="{href}"/>'


def package(path: Path, members: dict[str, str], manifest: str | None = None) -> Path:
    refs = "".join(resource(n, name) for n, name in enumerate(members))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("imsmanifest.xml", manifest or MANIFEST.format(refs))
        for name, text in members.items():
            zf.writestr(name, text)
    return path


def validate(*args: str):
    return CliRunner().invoke(
        main, ["bank", "validate", *args, "--competency", "4.1", "--level", "2"]
    )


def test_a_small_package_holds_items_that_import(here):
    package(Path("ok.zip"), {"items/a.xml": item_xml("a"), "items/b.xml": item_xml("b")})
    result = validate("ok.zip")
    assert result.exit_code == 0, result.output
    assert "ok: 2 items" in result.output


def test_a_manifest_is_bounded_before_it_is_parsed(here):
    """626 KB of zip once held a manifest that took 1.2 GB to parse."""
    big = MANIFEST.format(resource(0, "items/a.xml") + "<!--" + " " * (40 * MB) + "-->")
    package(Path("pkg.zip"), {"items/a.xml": item_xml("a")}, manifest=big)
    assert Path("pkg.zip").stat().st_size < MB
    result = validate("pkg.zip")
    assert result.exit_code == 1
    assert "pkg.zip:imsmanifest.xml:0: size: 40.0 MB uncompressed; at most 5.0 MB" in result.stderr


def test_a_member_compressed_like_a_zip_bomb_is_refused_by_its_ratio(here):
    package(Path("bomb.zip"), {"items/a.xml": item_xml("a", " " * (4 * MB))})
    result = validate("bomb.zip")
    assert result.exit_code == 1
    assert "bomb.zip:items/a.xml:0: size: compressed" in result.stderr
    assert "refused as a zip bomb" in result.stderr


def test_a_package_expands_to_100_mb_at_most(here):
    """Members under 1 MB escape the ratio check; together they are bounded."""
    members = {f"items/i{n}.xml": item_xml(f"i{n}", " " * (MB - 4096)) for n in range(110)}
    package(Path("many.zip"), members)
    result = validate("many.zip")
    assert result.exit_code == 1
    assert "size: the package expands to more than dsat reads from one package" in result.stderr
    assert result.stderr.count("expands to more") == 1  # reported once, not once per item


def test_each_item_file_is_read_once_however_often_it_is_listed(here):
    """300 references to one 19 MB item once took 105 s."""
    refs = "".join(resource(n, "items/a.xml") for n in range(300))
    package(Path("rep.zip"), {"items/a.xml": item_xml("a")}, manifest=MANIFEST.format(refs))
    start = time.perf_counter()
    result = validate("rep.zip")
    assert time.perf_counter() - start < 5
    assert result.exit_code == 1
    lines = [ln for ln in result.stderr.splitlines() if "listed again" in ln]
    assert lines[0] == (
        "rep.zip:imsmanifest.xml:1: href: item file 'items/a.xml' is listed again (first at line 1)"
    )
    assert "duplicate item id" not in result.stderr  # parsed once, so one item


def test_too_many_entries_in_a_zip_are_refused_from_its_end_record(here):
    with zipfile.ZipFile("wide.zip", "w") as zf:
        zf.writestr("imsmanifest.xml", MANIFEST.format(""))
        for n in range(20_001):
            zf.writestr(f"m/{n}", b"")
    result = validate("wide.zip")
    assert result.exit_code == 1
    assert "wide.zip:0: zip: 20,002 files in the zip; at most 20,000 are read" in result.stderr


def test_a_workbook_part_too_large_is_refused_before_openpyxl_reads_it(here):
    """A 700 MB sheet once took 758 MB; each part is bounded by its declared size."""
    wb = Workbook()
    wb.active.title = "Items"
    wb.active.append(["id", "competency", "level", "type", "stem_en", "key"])
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile("big.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (70 * MB))
            out.writestr(info.filename, data)
    result = validate("big.xlsx")
    assert result.exit_code == 1
    assert "big.xlsx:xl/worksheets/sheet1.xml:0: size: 70.0 MB uncompressed" in result.stderr


def test_a_file_over_64_mb_is_refused_unread(here):
    with open("huge.gift", "wb") as fh:
        fh.truncate(65 * MB)  # sparse: nothing is written
    start = time.perf_counter()
    result = validate("huge.gift")
    assert time.perf_counter() - start < 2
    assert result.exit_code == 1
    assert (
        "huge.gift:0: size: the file is 65.0 MB; a bank file may have at most 64.0 MB"
        in result.stderr
    )


def test_deep_yaml_nesting_is_refused_by_a_scan_before_parsing(here):
    """100,000 levels once took 43 s: the parser's time grows with the square of the depth."""
    Path("deep.yaml").write_text("items: " + "[" * 100_000 + "]" * 100_000 + "\n")
    Path("blocks.yaml").write_text(
        "items:\n" + "".join("  " * n + "a:\n" for n in range(1, 60)), encoding="utf-8"
    )
    start = time.perf_counter()
    result = CliRunner().invoke(main, ["bank", "validate", "deep.yaml", "blocks.yaml"])
    assert time.perf_counter() - start < 3
    assert result.exit_code == 1
    assert "deep.yaml:1: nesting: nested more than 40 levels deep" in result.stderr
    assert "blocks.yaml:41: nesting: nested more than 40 levels deep" in result.stderr


def test_flow_style_yaml_with_brackets_in_text_is_not_taken_for_deep(here):
    texts = "".join(
        f'  - {{id: "f-{n}", type: true_false, competency: "4.1", level: 2, key: true,\n'
        f"     stem: {{vi: \"Dấu [ mở {n} ' và {{\", en: 'see [{n}, it''s [ok'}},\n"
        f"     explanation: {{vi: x, en: y}}}}\n"
        for n in range(60)
    )
    Path("flow.yaml").write_text("items:\n" + texts, encoding="utf-8")
    result = CliRunner().invoke(main, ["bank", "validate", "flow.yaml"])
    assert result.exit_code == 0, result.output


def test_xml_elements_are_nested_100_deep_at_most(here):
    body = "<div>" * 5000 + "Pick A" + "</div>" * 5000
    Path("deep.xml").write_text(item_xml("a").replace("<prompt>Pick A</prompt>", body))
    result = validate("deep.xml")
    assert result.exit_code == 1
    assert "deep.xml:5: nesting: elements nested more than 100 deep" in result.stderr
    assert "RecursionError" not in result.output


def test_a_dtd_is_refused_whatever_the_encoding(here):
    bomb = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<quiz><question type="truefalse">'
        "<name><text>&b;</text></name><questiontext><text>Q</text></questiontext>"
        '<answer fraction="100"><text>true</text></answer></question></quiz>\n'
    )
    Path("bomb.xml").write_bytes(bomb.encode("utf-16"))
    result = validate("bomb.xml", "--format", "moodlexml")
    assert result.exit_code == 1
    assert "bomb.xml:1: encoding: UTF-16 text: save the file as UTF-8" in result.stderr
    with pytest.raises(XmlProblem) as refused:  # the parser refuses the declarations itself
        parse(bomb.replace("UTF-16", "UTF-8").encode())
    assert (refused.value.line, refused.value.field) == (2, "DOCTYPE")
    external = '<?xml version="1.0"?>\n<!DOCTYPE quiz SYSTEM "quiz.dtd">\n<quiz/>\n'
    Path("ext.xml").write_text(external)
    result = validate("ext.xml")
    assert result.exit_code == 1
    assert "ext.xml:2: DOCTYPE: a document type declaration (<!DOCTYPE …>) is not accepted" in (
        result.stderr
    )


def test_markup_never_closed_costs_one_scan_not_one_per_opening(here):
    """20,000 `{mlang vi}` or multilang spans never closed once took 18 s and 46 s."""
    n = 20_000
    Path("m.gift").write_text(
        "// " + "[tag:" * n + "\n::a:: " + "{mlang vi}x" * n + " {=a ~b}\n\n"
        "::b:: [html]" + '<span lang="vi" class="multilang">x' * n + "<br<li" * n
        + " {=a ~b}\n",
        encoding="utf-8",
    )  # fmt: skip
    start = time.perf_counter()
    result = validate("m.gift")
    assert time.perf_counter() - start < 3
    assert result.exit_code == 0, result.output
