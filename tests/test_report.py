"""The administrators' share report on small hand-computed datasets in a real database."""

from __future__ import annotations

import csv
import io
import json
import math
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from dsat.cli import main
from dsat.domain.attempts import Attempt, Candidate
from dsat.domain.levels import AreaResult, CompetencyResult
from dsat.domain.report import ALL, ShareRow, suppress, wilson
from dsat.services.report import ShareOptions, share
from dsat.services.report_export import export, read_json
from dsat.store.results import Finished

Z = 1.959963984540054
JAN = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)


def closed_wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = p + Z**2 / (2 * n)
    spread = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return 100 * (centre - spread) / (1 + Z**2 / n), 100 * (centre + spread) / (1 + Z**2 / n)


def person(db, emp: str, province: str, unit: str, position: str = "Chuyên viên") -> None:
    with db.unit_of_work():
        db.staff.upsert(
            [
                dict(
                    employee_id=emp,
                    full_name=f"Name {emp}",
                    unit_path=unit,
                    province=province,
                    position=position,
                    active=True,
                )
            ],
            "2026-01-01T00:00:00Z",
        )


def sit(
    db, fw, emp: str, when: datetime, proficient: dict[str, bool], p: float | None = None
) -> None:
    """A submitted attempt with the given result per competency, and for each area whose
    every competency is given, an area result "every competency is proficient" (stored
    through the store, as the app does: areas get a result from tests that cover them).
    `p`: the posterior probability of being proficient given to every result."""
    with db.unit_of_work():
        db.candidates.upsert(Candidate(employee_id=emp, full_name="x", unit="u"), "t")
        attempt = Attempt(
            id=str(uuid.uuid4()), employee_id=emp, scope_kind="full", scope_id="all",
            form_seed=0, lang="vi", started_at=when - timedelta(hours=1), deadline=when,
            status="in_progress",
        )  # fmt: skip
        db.attempts.create(attempt, fw.id, [])
        results = [
            CompetencyResult(
                competency_id=c,
                raw=9 if ok else 2,
                max=10,
                percent=90 if ok else 20,
                band="advanced" if ok else "below",
                proficient=ok,
                theta=1.0 if ok else -1.0,
                se=0.4,
                p_proficient=p if p is not None else float(ok),
            )
            for c, ok in proficient.items()
        ]
        areas: dict[str, list[bool]] = {}
        for c, ok in proficient.items():
            areas.setdefault(fw.area_of(c).id, []).append(ok)
        area_results = [
            AreaResult(
                area_id=a, theta=1.0 if all(oks) else -1.0, se=0.4, level=5 if all(oks) else 1,
                band="advanced" if all(oks) else "below", proficient=all(oks),
                p_proficient=p if p is not None else float(all(oks)), items=len(oks),
            )
            for a, oks in areas.items()
            if len(oks) == len(fw.area(a).competencies)
        ]  # fmt: skip
        db.attempts.close(attempt.id, "submitted", when, [])
        db.results.record([Finished(attempt.id, emp, when, results, area_results)])


@pytest.fixture
def region(db, fw):
    """A: 6 people, 5 assessed, 3 proficient; B: 3 people (too few); C: 6 assessed, 4."""
    for i in range(1, 7):
        person(db, f"P{i}", "A", "Bộ X/Vụ 1")
        person(db, f"R{i}", "C", "UBND C/Sở 1")
    for i in range(1, 4):
        person(db, f"Q{i}", "B", "Bộ X/Vụ 2")
    for i in range(1, 6):
        sit(db, fw, f"P{i}", JAN, {"4.1": i <= 3})
    for i in range(1, 3):
        sit(db, fw, f"Q{i}", JAN, {"4.1": i == 1})
    for i in range(1, 7):
        sit(db, fw, f"R{i}", JAN, {"4.1": i <= 4})
    return db


def rows_by(report, dim: str) -> dict[str, object]:
    return {r.group[dim]: r for r in report.rows if r.group.get("competency") == "4.1"}


def test_counts_percentages_and_wilson_by_province(region, fw):
    report = share(region, fw, ShareOptions(by=["province", "competency"], min_group=1))
    rows = rows_by(report, "province")
    a, c, total = rows["A"], rows["C"], rows[ALL]
    assert (a.registered, a.assessed, a.proficient) == (6, 5, 3)
    assert a.participation_pct == pytest.approx(83.33, abs=0.01)
    assert a.proficient_pct == 60.0
    assert (a.ci_low_pct, a.ci_high_pct) == pytest.approx(closed_wilson(3, 5), abs=0.01)
    assert (a.ci_low_pct, a.ci_high_pct) == pytest.approx((23.07, 88.24), abs=0.01)  # tables
    assert a.gap_2025_pp == 10.0 and a.gap_2030_pp == 30.0
    assert (c.registered, c.assessed, c.proficient) == (6, 6, 4)
    assert (total.registered, total.assessed, total.proficient) == (15, 13, 8)
    assert total.total and not a.total


def test_small_groups_are_suppressed_and_cannot_be_recomputed(region, fw):
    report = share(region, fw, ShareOptions(by=["province", "competency"], min_group=5))
    rows = rows_by(report, "province")
    assert rows["B"].suppressed  # 3 registered: primary
    assert rows["A"].suppressed  # else B = total - A - C: secondary, the smaller of A and C
    assert not rows["C"].suppressed and not rows[ALL].suppressed
    for r in (rows["A"], rows["B"]):
        assert (r.registered, r.assessed, r.proficient, r.proficient_pct) == (None,) * 4


def test_unit_roll_up_through_the_tree(region, fw):
    report = share(region, fw, ShareOptions(by=["unit", "competency"], unit_depth=1, min_group=1))
    rows = rows_by(report, "unit")
    assert set(rows) == {"Bộ X", "UBND C", ALL}
    assert (rows["Bộ X"].registered, rows["Bộ X"].assessed, rows["Bộ X"].proficient) == (9, 7, 4)
    deep = rows_by(share(region, fw, ShareOptions(by=["unit", "competency"], min_group=1)), "unit")
    assert set(deep) == {"Bộ X/Vụ 1", "Bộ X/Vụ 2", "UBND C/Sở 1", ALL}


def test_drilling_down_from_a_province_to_its_units(region, fw):
    report = share(region, fw, ShareOptions(by=["unit", "competency"], province="A",
                                            unit_depth=2, min_group=1))  # fmt: skip
    rows = rows_by(report, "unit")
    assert set(rows) == {"Bộ X/Vụ 1", ALL}
    assert rows[ALL].registered == 6
    inside = share(region, fw, ShareOptions(by=["unit", "competency"], unit="Bộ X",
                                            unit_depth=2, min_group=1))  # fmt: skip
    assert set(rows_by(inside, "unit")) == {"Bộ X/Vụ 1", "Bộ X/Vụ 2", ALL}
    assert rows_by(inside, "unit")[ALL].registered == 9
    assert share(region, fw, ShareOptions(unit="Bộ", min_group=1)).rows[0].registered == 0


def test_latest_best_and_first_attempt(region, fw):
    later = JAN + timedelta(days=60)
    sit(region, fw, "P1", later, {"4.1": False})  # proficient in January, not in March
    sit(region, fw, "P6", later, {"4.1": True})
    counts = {}
    for pick in ("latest", "best", "first"):
        report = share(region, fw, ShareOptions(by=["province", "competency"], attempt=pick,
                                                min_group=1))  # fmt: skip
        a = rows_by(report, "province")["A"]
        counts[pick] = (a.assessed, a.proficient)
    assert counts == {"latest": (6, 3), "best": (6, 4), "first": (6, 4)}


def test_periods_follow_vietnam_time_and_show_the_change(db, fw):
    for i in range(5):
        person(db, f"T{i}", "A", "U")
    new_year_in_hanoi = datetime(2025, 12, 31, 18, 0, tzinfo=UTC)  # 01:00 on 1 January 2026
    for i in range(5):
        sit(db, fw, f"T{i}", datetime(2025, 6, 1, tzinfo=UTC), {"4.1": i < 2})
        sit(db, fw, f"T{i}", new_year_in_hanoi, {"4.1": i < 4})
    report = share(db, fw, ShareOptions(by=["competency"], period="year", min_group=1))
    years = {r.group["period"]: r for r in report.rows if r.group["competency"] == "4.1"}
    assert set(years) == {"2025", "2026"}
    assert (years["2025"].proficient, years["2026"].proficient) == (2, 4)
    assert years["2026"].change_pp == 40.0 and years["2025"].change_pp is None
    q = share(db, fw, ShareOptions(by=["competency"], period="year", start="2026-01-01",
                                   min_group=1))  # fmt: skip
    assert {r.group["period"] for r in q.rows} == {"2026"}


def test_area_and_overall_indicator_rules(db, fw):
    every = {c: True for c in fw.competency_ids()}
    for i in range(5):
        person(db, f"D{i}", "A", "U")
    sit(db, fw, "D0", JAN, every)  # proficient everywhere
    sit(db, fw, "D1", JAN, every | {"4.1": False})  # misses one competency of area 4
    sit(db, fw, "D2", JAN, {"4.1": True, "4.2": True})  # assessed in one area only
    area = share(db, fw, ShareOptions(by=["area"], min_group=1))
    four = next(r for r in area.rows if r.group["area"] == "4")
    # D2's test covered two of the area's four competencies: it has no area result
    assert (four.assessed, four.proficient) == (2, 1)
    overall = share(db, fw, ShareOptions(min_group=1))
    [row] = overall.rows
    assert (row.registered, row.assessed, row.proficient) == (5, 2, 1)  # D2 lacks 5 areas
    relaxed = share(db, fw, ShareOptions(min_areas=5, min_group=1))
    assert relaxed.rows[0].proficient == 2


def test_exports_read_back_with_no_hidden_figure(region, fw, tmp_path):
    report = share(region, fw, ShareOptions(by=["province", "competency"], min_group=5))
    hidden = {
        r.group["province"] for r in report.rows if r.suppressed and r.group["competency"] == "4.1"
    }
    assert hidden == {"A", "B"}
    back = read_json(export(report, "json"))
    assert back.meta.min_group == 5 and back.meta.by == ["province", "competency"]
    text = export(report, "csv").decode("utf-8-sig")
    assert "# small-cell threshold: groups under 5 people are suppressed" in text
    table = list(csv.DictReader(io.StringIO("\n".join(
        ln for ln in text.splitlines() if not ln.startswith("#")))))  # fmt: skip
    for row in table:
        if row["suppressed"] == "True":
            assert row["registered"] == row["assessed"] == row["proficient"] == ""
            assert row["proficient_pct"] == row["ci_low_pct"] == ""
    path = tmp_path / "share.xlsx"
    path.write_bytes(export(report, "xlsx"))
    wb = load_workbook(path)
    ws = wb["Report"]
    assert ws.freeze_panes == "D2"  # after province, competency, period
    header = [c.value for c in ws[1]]
    pct = header.index("Proficient %") + 1
    assert ws.cell(row=2, column=pct).number_format == "0.0%"
    assert {"About", "Chart"} <= set(wb.sheetnames) and wb["Chart"]._charts
    about = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True) if r[0]}
    assert about["small-cell threshold"] == "groups under 5 people are suppressed"
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[header.index("Suppressed")] == "yes":
            assert all(
                v is None for v in row[header.index("Registered") : header.index("Suppressed")]
            )


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=8))
def test_no_set_ever_has_exactly_one_hidden_row_beside_a_shown_total(groups):
    rows = [ShareRow((f"g{i}",), reg, min(a, reg), 0) for i, (reg, a) in enumerate(groups)]
    total = ShareRow((ALL,), sum(r.registered for r in rows), sum(r.assessed for r in rows), 0)
    suppress([*rows, total], ["province"], ["province"], 5)
    hidden = [r for r in rows if r.suppressed]
    if not total.suppressed:
        assert len(hidden) != 1
    for r in rows:
        if 0 < r.registered < 5 or 0 < r.assessed < 5:
            assert r.suppressed


def test_wilson_matches_the_closed_formula():
    for k, n in [(0, 1), (1, 1), (3, 5), (7, 10), (50, 100), (999, 1000)]:
        assert wilson(k, n) == pytest.approx(closed_wilson(k, n))
    assert wilson(0, 0) == (0.0, 0.0)


def test_report_share_command_prints_and_writes(region, db_path, tmp_path):
    out = CliRunner().invoke(main, ["report", "share", "--by", "province,competency",
                                    "--db", str(db_path)])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "(fewer than 5 people: suppressed)" in out.output
    target = tmp_path / "x.json"
    wrote = CliRunner().invoke(main, ["report", "share", "--by", "province", "--format", "json",
                                      "--out", str(target), "--db", str(db_path)])  # fmt: skip
    assert wrote.exit_code == 0, wrote.output
    assert json.loads(target.read_text())["meta"]["by"] == ["province"]
    bad = CliRunner().invoke(main, ["report", "share", "--by", "planet", "--db", str(db_path)])
    assert bad.exit_code == 1 and "unknown grouping 'planet'" in bad.output


def test_opening_a_hidden_group_cannot_reveal_it(region, fw):
    """A is hidden among provinces only to protect B; A's own report must not show it."""
    report = share(region, fw, ShareOptions(by=["unit", "competency"], province="A",
                                            unit_depth=1, min_group=5))  # fmt: skip
    rows = rows_by(report, "unit")
    assert rows[ALL].suppressed and rows["Bộ X"].suppressed
    open_c = share(region, fw, ShareOptions(by=["unit", "competency"], province="C",
                                            unit_depth=1, min_group=5))  # fmt: skip
    assert rows_by(open_c, "unit")[ALL].registered == 6  # C is shown above: nothing to hide


def test_personal_export_only_for_an_admin_and_to_a_private_file(region, db_path, tmp_path):
    from dsat.services.accounts import add_account

    base = ["report", "share", "--by", "competency", "--personal", "--db", str(db_path)]
    no_accounts = CliRunner().invoke(main, [*base, "--format", "csv"])
    assert no_accounts.exit_code == 1 and "--personal needs an administrator" in no_accounts.output
    add_account(region, "lan", "admin", "correct horse battery")
    add_account(region, "minh", "trainer", "another long secret")
    refused = CliRunner().invoke(
        main, [*base, "--as", "lan", "--password-stdin"], input="correct horse battery\n"
    )
    assert refused.exit_code == 1 and "--personal writes a file" in refused.output
    target = tmp_path / "people.csv"
    args = [*base, "--format", "csv", "--out", str(target), "--password-stdin"]
    no_account = CliRunner().invoke(main, args)
    assert no_account.exit_code == 1 and "give --as NAME" in no_account.output
    trainer = CliRunner().invoke(main, [*args, "--as", "minh"], input="another long secret\n")
    assert trainer.exit_code == 1 and "This needs the admin role." in trainer.output
    wrong = CliRunner().invoke(main, [*args, "--as", "lan"], input="guess\n")
    assert wrong.exit_code == 1 and "Sign-in failed" in wrong.output
    assert not target.exists()
    result = CliRunner().invoke(main, [*args, "--as", "lan"], input="correct horse battery\n")
    assert result.exit_code == 0, result.output
    assert (target.stat().st_mode & 0o777) == 0o600
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 13  # everyone assessed, once per competency
    q1 = next(r for r in rows if r["employee_id"] == "Q1")
    assert (q1["province"], q1["skill"], q1["proficient"]) == ("B", "4.1", "yes")
    xlsx = tmp_path / "people.xlsx"
    CliRunner().invoke(
        main,
        [*base, "--format", "xlsx", "--out", str(xlsx), "--password-stdin", "--as", "lan"],
        input="correct horse battery\n",
    )
    sheet = load_workbook(xlsx)["People"]
    assert sheet.max_row == 14 and sheet["A1"].value == "employee_id"


def test_a_report_reads_one_snapshot_while_candidates_keep_writing(
    region, fw, db_path, monkeypatch
):
    """A writer commits between the report's queries: the report must not mix the two."""
    from dsat.store import open_store as connect
    from dsat.store.report import ReportRepo

    real = ReportRepo.registered
    other = connect(db_path)

    def registered_then_someone_joins(self, *args, **kwargs):
        out = real(self, *args, **kwargs)
        person(other, "LATE", "A", "Bộ X/Vụ 1")  # committed by another connection, no wait
        sit(other, fw, "LATE", JAN, {"4.1": True})
        return out

    monkeypatch.setattr(ReportRepo, "registered", registered_then_someone_joins)
    try:
        report = share(region, fw, ShareOptions(by=["province", "competency"], min_group=1))
    finally:
        monkeypatch.setattr(ReportRepo, "registered", real)
        other.close()
    a = rows_by(report, "province")["A"]
    assert (a.registered, a.assessed, a.proficient) == (6, 5, 3)  # the state it started from
    after = rows_by(
        share(region, fw, ShareOptions(by=["province", "competency"], min_group=1)), "province"
    )
    assert (after["A"].registered, after["A"].assessed) == (7, 6)
