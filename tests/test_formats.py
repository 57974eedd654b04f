"""Importing and exporting other formats through the real command line and SQLite."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from dsat.banks.formats import registry as format_registry
from dsat.cli import main
from dsat.domain.scoring import score_fraction
from dsat.services.banks import shipped_bank_dir
from dsat.store import open_store as connect

CORPUS = Path(__file__).parent / "conformance"

GIFT = """\
// [tag:passwords]
::pw1::Which password is the safest?{
    ~123456#Too easy to guess.
    =green-river-coffee-lamp#Right: a long passphrase.
    ~password1
}

::2fa:: Two-factor authentication needs a second proof of identity. {TRUE}

::backup copies:: How many copies does the 3-2-1 rule ask for? {#3}

::tools:: Match each tool to its use. {
    =Email -> Formal letters
    =Video call -> Meeting at a distance
    = -> Photo editing
####[html]<p>Each tool has <b>one</b> job.</p>
}
"""


def run(*args: str):
    return CliRunner().invoke(main, [*args, "--db", "t.db"])


def items(db: str = "t.db") -> dict[str, object]:
    database = connect(Path(db), create=False)
    try:
        return {i.id: i for i in database.items.all_active()}
    finally:
        database.close()


def item_count(db: str = "t.db") -> int:
    if not Path(db).exists():
        return 0
    with sqlite3.connect(db) as conn:
        has = conn.execute("SELECT name FROM sqlite_master WHERE name = 'items'").fetchone()
        return conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] if has else 0


def test_gift_imports_every_supported_type_with_feedback_as_explanation(here):
    Path("safety.gift").write_text(GIFT, encoding="utf-8")
    result = run("bank", "import", "safety.gift", "--competency", "4.1", "--level", "3")
    assert result.exit_code == 0, result.output
    assert "safety.gift: imported (added 4," in result.output
    got = items()
    pw = got["safety-pw1"]
    assert pw.type == "single" and pw.key == "b" and pw.tags == ("passwords",)
    assert pw.explanation.vi == "Right: a long passphrase."
    assert score_fraction(pw, "b") == 1.0
    assert got["safety-2fa"].type == "true_false" and got["safety-2fa"].key is True
    assert got["safety-backup-copies"].answer == 3
    tools = got["safety-tools"]
    assert [d.en for d in tools.distractors] == ["Photo editing"]
    assert tools.explanation.en == "Each tool has one job."  # HTML shown as plain text
    assert "2 items had no feedback" in result.output  # 2fa and backup copies
    assert got["safety-2fa"].explanation.vi == "Đáp án đúng: Đúng"


def test_nothing_is_written_when_any_question_is_wrong(here):
    bad = GIFT + "\n::broken:: Pick one {=a ~b\n"
    Path("safety.gift").write_text(bad, encoding="utf-8")
    result = run("bank", "import", "safety.gift", "--competency", "4.1", "--level", "3")
    assert result.exit_code == 1
    assert "safety.gift:19: '{' without a closing '}'" in result.output
    assert "nothing was written" in result.output
    assert item_count() == 0


def test_items_without_a_competency_are_an_error_naming_each_question(here):
    Path("safety.gift").write_text(GIFT, encoding="utf-8")
    result = run("bank", "import", "safety.gift", "--level", "3")
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if "no competency" in ln]
    assert [ln.split(":")[1] for ln in lines] == ["2", "8", "10", "12"]
    assert item_count() == 0


def test_a_file_that_is_not_utf8_is_refused_with_its_line(here):
    shutil.copy(CORPUS / "gift" / "questions_encoding_windows-1252.gift.txt", "w.gift")
    result = run("bank", "import", "w.gift", "--competency", "1.1", "--level", "1")
    assert result.exit_code == 1
    assert "w.gift:" in result.output and "not UTF-8 text" in result.output
    assert item_count() == 0


def test_reimport_is_idempotent_and_a_change_makes_a_new_version(here):
    Path("s.gift").write_text(GIFT, encoding="utf-8")
    args = ("bank", "import", "s.gift", "--competency", "4.1", "--level", "3")
    assert run(*args).exit_code == 0
    again = run(*args)
    assert "s.gift: unchanged" in again.output
    Path("s.gift").write_text(GIFT.replace("{#3}", "{#3:0}").replace("safest", "strongest"))
    changed = run(*args)
    assert "changed 1, unchanged 3" in changed.output, changed.output
    with sqlite3.connect("t.db") as conn:
        versions = conn.execute(
            "SELECT version, status FROM items WHERE item_id = 's-pw1' ORDER BY version"
        ).fetchall()
    assert versions == [(1, "retired"), (2, "active")]
    other_level = run("bank", "import", "s.gift", "--competency", "4.1", "--level", "4")
    assert "changed 4" in other_level.output  # new options are a new import, not a no-op


def test_categories_map_onto_competencies(here):
    shutil.copy(CORPUS / "gift" / "questions_in_category.gift.txt", "cat.gift")
    Path("map.yaml").write_text(
        'categories:\n  "$course$": {competency: "2.1", level: 2}\n', encoding="utf-8"
    )
    result = run("bank", "import", "cat.gift", "--map", "map.yaml")
    assert result.exit_code == 0, result.output
    got = items()
    assert {i.competency for i in got.values()} == {"2.1"}
    greeting = got["cat-greeting"]
    assert greeting.stem.en.startswith("Listen to this greeting:")
    assert [o.text.en for o in greeting.options][1] == "French" and greeting.key == "b"


def test_a_bad_map_file_is_located(here):
    shutil.copy(CORPUS / "gift" / "questions_in_category.gift.txt", "cat.gift")
    Path("map.yaml").write_text("categories:\n  a: {competency: '1.1', level: 11}\n")
    result = run("bank", "import", "cat.gift", "--map", "map.yaml")
    assert result.exit_code == 1
    assert "map.yaml:2: categories.a.level: expected a whole number 1-8" in result.output


def test_aiken_errors_are_reported_at_moodles_lines(here):
    shutil.copy(CORPUS / "aiken" / "aiken_errors.txt", "a.txt")
    result = run("bank", "import", "a.txt", "--competency", "1.1", "--level", "1")
    assert result.exit_code == 1
    reported = sorted(int(ln.split(":")[1]) for ln in result.output.splitlines() if "a.txt:" in ln)
    assert reported == [3, 5, 7, 18]
    assert item_count() == 0


def test_moodle_xml_with_essays_needs_skip_unsupported(here):
    shutil.copy(CORPUS / "moodlexml" / "nested_categories_with_questions.xml", "m.xml")
    refused = run("bank", "import", "m.xml", "--competency", "1.2", "--level", "2")
    assert refused.exit_code == 1 and "essay questions are not supported" in refused.output
    result = run(
        "bank", "import", "m.xml", "--competency", "1.2", "--level", "2", "--skip-unsupported"
    )
    assert result.exit_code == 0, result.output
    assert "skipped 'Kappa Essay Question'" in result.output
    assert sorted(i.stem.en for i in items().values()) == [
        "Testing Iota Question",
        "Testing Kappa Question",
        "Testing Lambda Question",
        "Testing Mu Question",
    ]


def test_moodle_xml_invalid_grades_refuse_the_file(here):
    shutil.copy(CORPUS / "moodlexml" / "error_invalid_grades.xml", "g.xml")
    result = run("bank", "import", "g.xml", "--competency", "1.2", "--level", "2")
    assert result.exit_code == 1 and "not allowed: 0.33" in result.output
    assert item_count() == 0


def _package(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        res = []
        for n, name in enumerate(names):
            href = f"items/{name}"
            zf.write(CORPUS / "qti" / "v2p1" / name, href)
            res.append(f'<resource identifier="r{n}" type="imsqti_item_xmlv2p1" href="{href}"/>')
        zf.writestr(
            "imsmanifest.xml",
            '<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"><resources>'
            + "".join(res)
            + "</resources></manifest>",
        )
    return buf.getvalue()


def test_qti_package_imports_with_scoring_kept(here):
    names = ["choice.xml", "choice_multiple.xml", "order.xml", "text_entry.xml",
             "inline_choice.xml"]  # fmt: skip
    Path("pkg.zip").write_bytes(_package(names))
    result = run("bank", "import", "pkg.zip", "--competency", "3.1", "--level", "4")
    assert result.exit_code == 0, result.output
    got = items()
    water = got["choiceMultiple"]
    assert score_fraction(water, ["H", "O"]) == 1.0
    assert score_fraction(water, ["H", "O", "Cl"]) == pytest.approx(0.5)  # (1+1-1)/2
    assert score_fraction(water, ["H", "He"]) == 0.0  # 1-2 clamped at 0
    york = got["textEntry"]
    assert score_fraction(york, "York") == 1.0 and score_fraction(york, "york") == 0.5
    assert got["order"].scoring == "all_or_nothing"
    assert [s.en for s in got["order"].steps] == [
        "Michael Schumacher",
        "Rubens Barrichello",
        "Jenson Button",
    ]


def test_qti_matches_scored_otherwise_than_dsat_scores_are_refused(here):
    """qti-sdk's match and gap match weigh pairs unequally (and the gap match takes marks
    for wrong pairs): a dsat matching item scores each pair alike, so both are refused."""
    Path("pkg.zip").write_bytes(_package(["match.xml", "gap_match.xml", "choice.xml"]))
    result = run("bank", "import", "pkg.zip", "--competency", "3.1", "--level", "4")
    assert result.exit_code == 1
    assert (
        "pkg.zip:items/match.xml:13: mapping: match: scored by a mapping with unequal weights "
        "(0.5, 1); dsat scores each pair alike"
    ) in result.stderr
    assert "pkg.zip:items/gap_match.xml:11: mapping: gapMatch: wrong pairs cost marks" in (
        result.stderr
    )
    assert item_count() == 0


def test_xlsx_problems_are_located_by_sheet_and_row(here):
    wb = Workbook()
    ws = wb.active
    ws.title = "Items"
    ws.append(["id", "competency", "level", "type", "stem_vi", "key", "option_a_vi", "option_b_vi"])
    ws.append(["x1", "4.1", 2, "single", "Chọn một", "a", "Một", "Hai"])
    ws.append(["x2", "4.1", 2, "singel", "Chọn một", "a", "Một", "Hai"])
    ws.append(["x3", "9.9", 2, "single", "Chọn một", "c", "Một", "Hai"])
    wb.save("bank.xlsx")
    result = run("bank", "import", "bank.xlsx")
    assert result.exit_code == 1
    out = result.output
    assert "bank.xlsx:Items!3: type: x2: unknown item type 'singel'" in out
    assert "bank.xlsx:Items!4: competency: unknown competency '9.9'" in out
    assert "bank.xlsx:Items!4: key: x3: 'c' is not among the option ids" in out
    assert item_count() == 0


def test_template_and_export_are_formatted_workbooks(here):
    assert CliRunner().invoke(main, ["bank", "template", "--out", "tpl.xlsx"]).exit_code == 0
    wb = load_workbook("tpl.xlsx")
    ws = wb["Items"]
    assert ws.freeze_panes == "E2" and ws["A1"].font.bold
    assert "Guide" in wb.sheetnames
    types = {ws.cell(row=r, column=4).value for r in range(2, ws.max_row + 1)}
    assert len(types) == 8
    assert run("bank", "import", "tpl.xlsx").exit_code == 0
    assert item_count() == 8


def test_csv_with_semicolons_and_a_bom(here):
    text = "id;competency;level;type;stem_en;key;option_a_en;option_b_en\n"
    text += "c1;5.1;3;multiple;Pick two;a,b;One;Two\n"
    Path("b.csv").write_text(text, encoding="utf-8-sig")
    result = run("bank", "import", "b.csv")
    assert result.exit_code == 0, result.output
    c1 = items()["c1"]
    assert c1.key == ["a", "b"] and c1.stem.vi == "Pick two"


@pytest.mark.parametrize("fmt", ["yaml", "gift", "qti", "xlsx", "csv"])
def test_export_of_the_shipped_bank_imports_back_to_the_same_items(here, fmt):
    assert run("bank", "import", str(shipped_bank_dir())).exit_code == 0
    result = run("bank", "export", "--format", fmt, "--out", f"out.{fmt}")
    assert result.exit_code == 0, result.output
    diff = CliRunner().invoke(
        main, ["bank", "diff", str(shipped_bank_dir()), f"out.{fmt}", "--json"]
    )
    d = json.loads(diff.output)
    assert d["changed"] == [] and d["added"] == []
    skipped = set(format_registry.get(fmt).cannot_hold)
    before = items()
    assert all(before[i].type in skipped for i in d["removed"])
    assert d["unchanged"] == len(before) - len(d["removed"])


def test_diff_names_added_changed_and_removed(here):
    import yaml

    src = shipped_bank_dir() / "4.1-devices.yaml"
    Path("old.yaml").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    items = {it["id"]: it for it in data["items"]}
    items["4.1-01"]["id"] = "4.1-99"
    items["4.1-02"]["stem"]["en"] += " (reworded)"
    Path("new.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["bank", "diff", "old.yaml", "new.yaml"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "+ 4.1-99" in lines and "- 4.1-01" in lines
    assert "~ 4.1-02 (stem)" in lines
    assert lines[-1].startswith("1 added, 1 changed, 1 removed")


def test_a_large_import_shows_a_progress_bar_on_a_terminal(here):
    import sys

    import pexpect

    from dsat.banks.export import export
    from tests.factories import item

    bank = [item("single", id=f"p-{n}") for n in range(1500)]
    Path("big.gift").write_bytes(export(bank, "gift").data)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "dsat", "bank", "import", "big.gift", "--db", "t.db"],
        encoding="utf-8",
        timeout=60,
        dimensions=(24, 100),
    )
    child.expect("Importing")
    child.expect("100%")
    child.expect(r"big.gift: imported \(added 1500,")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert item_count() == 1500


def test_gift_missing_word_and_ranges(here):
    Path("mw.gift").write_text(
        "::mw:: A strong passphrase has at least {=4 ~2 ~1} random words.\n\n"
        "::range:: Name a number from 10 to 20. {#10..20}\n",
        encoding="utf-8",
    )
    result = run("bank", "import", "mw.gift", "--competency", "4.1", "--level", "2")
    assert result.exit_code == 0, result.output
    got = items()
    assert got["mw-mw"].stem.en == "A strong passphrase has at least _____ random words."
    assert [o.text.en for o in got["mw-mw"].options] == ["4", "2", "1"]
    rng = got["mw-range"]
    assert (rng.answer, rng.tolerance) == (15, 5)
    assert score_fraction(rng, "10") == 1.0 and score_fraction(rng, "21") == 0.0


def test_empty_files_and_folders_are_problems_not_silent_successes(here):
    Path("empty.gift").write_text("// nothing here yet\n", encoding="utf-8")
    Path("folder").mkdir()
    result = run("bank", "import", "empty.gift", "--competency", "1.1", "--level", "1")
    assert result.exit_code == 1 and "empty.gift:1: no questions found" in result.output
    result = run("bank", "import", "folder")
    assert result.exit_code == 1 and "folder:0: no bank files found" in result.output
    Path("bank.docx").write_bytes(b"not a bank")
    result = run("bank", "import", "bank.docx")
    assert result.exit_code == 1 and "bank.docx:0: unknown format; give --format" in result.output


def test_a_lone_star_answer_survives_gift(here):
    from dsat.banks.export import export
    from dsat.banks.foreign import load_any
    from dsat.services.banks import default_framework
    from tests.factories import item

    star = item("short_answer", answers=["*"])  # GIFT reads '*' as "any other answer"
    Path("s.gift").write_bytes(export([star], "gift").data)
    [back] = load_any([Path("s.gift")], default_framework(None)).bank.items
    assert back == star
