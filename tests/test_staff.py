"""The staff register and the simulated workforce, through the command line and SQLite."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from dsat.cli import main
from tests.test_formats import run

HEADER = "employee_id,full_name,unit_path,province,position,active\n"


def staff_rows() -> list[tuple]:
    if not Path("t.db").exists():
        return []
    with sqlite3.connect("t.db") as conn:
        return conn.execute(
            "SELECT employee_id, unit_path, province, active FROM staff ORDER BY 1"
        ).fetchall()


def test_register_imports_updates_and_replaces(here):
    Path("r.csv").write_text(
        HEADER + "CB1,Nguyễn Văn A,Bộ Nội vụ / Vụ Tổ chức,Hà Nội,Chuyên viên,có\n"
        "CB2,Trần Thị B,UBND Huế/Sở Y tế,Thừa Thiên Huế,,\n",
        encoding="utf-8",
    )
    first = run("staff", "import", "r.csv")
    assert first.exit_code == 0, first.output
    assert "r.csv: 2 people (added 2, updated 0, unchanged 0, made inactive 0)" in first.output
    assert staff_rows() == [
        ("CB1", "Bộ Nội vụ/Vụ Tổ chức", "Hà Nội", 1),
        ("CB2", "UBND Huế/Sở Y tế", "Thừa Thiên Huế", 1),
    ]
    Path("r2.csv").write_text(
        HEADER + "CB1,Nguyễn Văn A,Bộ Nội vụ/Vụ Pháp chế,Hà Nội,Chuyên viên,yes\n",
        encoding="utf-8",
    )
    second = run("staff", "import", "r2.csv", "--replace")
    assert "(added 0, updated 1, unchanged 0, made inactive 1)" in second.output
    assert staff_rows() == [
        ("CB1", "Bộ Nội vụ/Vụ Pháp chế", "Hà Nội", 1),
        ("CB2", "UBND Huế/Sở Y tế", "Thừa Thiên Huế", 0),
    ]


def test_malformed_rows_are_located_and_nothing_is_written(here):
    Path("r.csv").write_text(
        HEADER + "CB1,Nguyễn Văn A,Bộ Nội vụ,Hà Nội,,yes\n"
        "CB 2,Trần Thị B,UBND Huế,Huế,,yes\n"
        "CB3,,Bộ//Vụ,Hà Nội,,maybe\n"
        "CB1,Lê C,Bộ Y tế,Hà Nội,,yes\n",
        encoding="utf-8",
    )
    result = run("staff", "import", "r.csv")
    assert result.exit_code == 1
    out = result.output
    assert "r.csv:3: employee_id: letters, digits and . _ / - only, at most 40" in out
    assert "r.csv:4: full_name: String should have at least 1 character" in out
    assert "r.csv:4: unit_path: a unit path is names separated by '/', none of them empty" in out
    assert "r.csv:4: active: expected yes or no, got 'maybe'" in out
    assert "r.csv:5: employee_id: 'CB1' is also at 2" in out
    assert staff_rows() == []


def test_xlsx_register_with_vietnamese_headings(here):
    wb = Workbook()
    ws = wb.active
    ws.title = "Cán bộ"
    ws.append(["Mã cán bộ", "Họ và tên", "Đơn vị", "Tỉnh", "Chức vụ"])
    ws.append(["CB9", "Phạm D", "Bộ Tài chính/Cục Thuế", "Hà Nội", "Chuyên viên chính"])
    ws.append(["", "Lê E", "Bộ Tài chính", "Hà Nội", ""])
    wb.save("r.xlsx")
    result = run("staff", "import", "r.xlsx")
    assert result.exit_code == 1
    assert "r.xlsx:Cán bộ!3: employee_id:" in result.output
    ws.delete_rows(3)
    wb.save("r.xlsx")
    assert run("staff", "import", "r.xlsx").exit_code == 0
    assert staff_rows() == [("CB9", "Bộ Tài chính/Cục Thuế", "Hà Nội", 1)]


def test_simulation_is_marked_and_scored_by_the_real_path(here):
    result = run("simulate", "--candidates", "40", "--seed", "3")
    assert result.exit_code == 0, result.output
    with sqlite3.connect("t.db") as conn:
        assert conn.execute("SELECT COUNT(*), SUM(simulated) FROM staff").fetchone() == (40, 40)
        origins = conn.execute("SELECT DISTINCT origin FROM attempts").fetchall()
        assert origins == [("simulated",)]
        assert conn.execute("SELECT COUNT(DISTINCT province) FROM staff").fetchone()[0] > 15
        # each result is the sum of its responses' scores, as the scoring path computed them
        mismatched = conn.execute(
            """SELECT COUNT(*) FROM results r JOIN (
                 SELECT attempt_id, competency_id, ROUND(SUM(score), 4) AS s FROM responses
                 GROUP BY attempt_id, competency_id) p
               ON p.attempt_id = r.attempt_id AND p.competency_id = r.competency_id
               WHERE ABS(p.s - r.raw) > 1e-4"""
        ).fetchone()[0]
        assert mismatched == 0
    shown = run("report", "share", "--by", "area")
    assert "*** SIMULATED DATA: 40 people, seed 3 ***" in shown.output
    again = CliRunner().invoke(main, ["simulate", "--candidates", "40", "--seed", "3",
                                      "--db", "u.db"])  # fmt: skip
    assert again.exit_code == 0
    with sqlite3.connect("t.db") as a, sqlite3.connect("u.db") as b:
        q = """SELECT a.employee_id, r.competency_id, r.percent, r.submitted_local
               FROM results r JOIN attempts a ON a.id = r.attempt_id ORDER BY 1, 2, 3"""
        assert a.execute(q).fetchall() == b.execute(q).fetchall()  # same seed, same data


def _bank_and_register():
    assert (
        run("bank", "import", str(Path(__file__).resolve().parents[1] / "question_banks")).exit_code
        == 0
    )
    Path("r.csv").write_text(HEADER + "CB1,Nguyễn Văn A,Bộ Nội vụ,Hà Nội,,yes\n", encoding="utf-8")
    assert run("staff", "import", "r.csv").exit_code == 0


def test_paper_answers_are_scored_by_the_same_engine_and_idempotently(here):
    _bank_and_register()
    from dsat.services.banks import shipped_bank_dir, validate

    bank = [i for i in validate([shipped_bank_dir()]).items if i.competency == "4.1"]
    i1, i3 = [i for i in bank if i.type == "single"][:2]
    i2 = next(i for i in bank if i.type == "true_false")
    wrong3 = next(o.id for o in i3.options if o.id != i3.key)
    sheet = (
        "employee_id,attempt_date,item_id,answer\n"
        f"CB1,2026-03-02,{i1.id},{i1.key}\n"
        f"CB1,2026-03-02,{i2.id},{'đúng' if i2.key else 'sai'}\n"
        f"CB1,2026-03-02,{i3.id},{{third}}\n"
    )
    Path("p.csv").write_text(sheet.format(third=wrong3), encoding="utf-8")
    first = run("results", "import-responses", "p.csv")
    assert first.exit_code == 0, first.output
    assert "p.csv: 1 attempts, 3 answers (added 1, replaced 0, unchanged 0)" in first.output
    with sqlite3.connect("t.db") as conn:
        rows = conn.execute(
            "SELECT r.raw, r.max, a.origin, a.submitted_at FROM results r "
            "JOIN attempts a ON a.id = r.attempt_id"
        ).fetchall()
    weights = i1.weight + i2.weight + i3.weight
    assert rows == [(i1.weight + i2.weight, weights, "import", "2026-03-02T05:00:00.000+00:00")]
    assert "unchanged 1" in run("results", "import-responses", "p.csv").output
    Path("p.csv").write_text(sheet.format(third=i3.key), encoding="utf-8")  # a corrected sheet
    assert "replaced 1" in run("results", "import-responses", "p.csv").output
    with sqlite3.connect("t.db") as conn:  # the correction counts; the first stays, superseded
        assert conn.execute(
            "SELECT COUNT(*), SUM(raw) FROM results WHERE superseded = 0"
        ).fetchone() == (1, weights)
        assert conn.execute("SELECT COUNT(*) FROM results").fetchone() == (2,)
    verified = run("audit", "verify")
    assert verified.exit_code == 0, verified.output  # a correction never breaks the chain
    listed = run("results", "list")
    assert "superseded" in listed.output and "corrected by attempt" in listed.output
    assert "unchanged 1" in run("results", "import-responses", "p.csv").output


def test_bad_answer_sheets_are_located_and_nothing_is_written(here):
    _bank_and_register()
    Path("p.csv").write_text(
        "employee_id,attempt_date,item_id,answer\n"
        "CB9,2026-03-02,4.1-01,a\n"
        "CB1,2026-13-02,4.1-01,a\n"
        "CB1,2026-03-02,9.9-99,a\n"
        "CB1,2026-03-02,4.1-01,z\n"
        "CB1,2026-03-02,4.1-02,maybe\n",
        encoding="utf-8",
    )
    result = run("results", "import-responses", "p.csv")
    assert result.exit_code == 1
    out = result.output
    assert "p.csv:2: employee_id: 'CB9' is not in the staff register" in out
    assert "p.csv:3: attempt_date: expected a date YYYY-MM-DD, got '2026-13-02'" in out
    assert "p.csv:4: item_id: no active item '9.9-99'" in out
    assert "p.csv:5: answer: 4.1-01: unknown option 'z'" in out
    assert "p.csv:6: answer: 4.1-02: expected true or false (đúng/sai), got 'maybe'" in out
    with sqlite3.connect("t.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM attempts").fetchone() == (0,)


GARBAGE = (
    st.binary(max_size=300)
    | st.text(max_size=300).map(str.encode)
    | st.text("abc,;\n\"' 0123456789-/", max_size=300).map(lambda t: (HEADER + t).encode())
    | st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b)
)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=GARBAGE, suffix=st.sampled_from([".csv", ".xlsx"]))
def test_garbage_registers_and_answer_sheets_give_located_problems_only(
    tmp_path_factory, fw, data, suffix
):
    """Random bytes as a staff register or an answer sheet: a clean located refusal or a
    valid import, never another exception, never a partial write."""
    from dsat.banks.errors import BankError
    from dsat.services.responses import import_responses
    from dsat.services.staff import import_register
    from dsat.store import open_store as connect

    folder = tmp_path_factory.mktemp("garbage")
    db = connect(folder / "g.db")
    path = folder / f"file{suffix}"
    path.write_bytes(data)
    for reader in (
        lambda: import_register(db, path),
        lambda: import_responses(db, fw, path),
    ):
        before = db.conn.execute("SELECT COUNT(*) FROM staff").fetchone()[0]
        try:
            reader()
        except BankError as exc:
            assert exc.issues and all(str(i).startswith(str(path)) for i in exc.issues)
            after = db.conn.execute("SELECT COUNT(*) FROM staff").fetchone()[0]
            assert after == before  # nothing half-written
    db.close()
