"""The administrators' dashboard under Pilot: figures, hidden groups, drill-down, areas."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from dsat.tui.admin import AdminApp
from tests.test_report import JAN, person, sit
from tests.tui_helpers import settle

SIZE = (120, 30)


@pytest.fixture
def staffed(db, fw):
    """An Giang: 12 people (8 + 4 in two departments); Cà Mau 6; Bắc Ninh 2 (too few)."""
    every = fw.competency_ids()
    for i in range(12):
        unit = "UBND An Giang/Sở Y tế" if i < 8 else "UBND An Giang/Sở Nội vụ"
        person(db, f"A{i}", "An Giang", unit)
        sit(db, fw, f"A{i}", JAN, dict.fromkeys(every, i < 6))
    for i in range(6):
        person(db, f"C{i}", "Cà Mau", "UBND Cà Mau/Sở Tài chính")
        sit(db, fw, f"C{i}", JAN, dict.fromkeys(every, i < 2))
    for i in range(2):
        person(db, f"B{i}", "Bắc Ninh", "UBND Bắc Ninh/Sở Y tế")
        sit(db, fw, f"B{i}", JAN, dict.fromkeys(every, True))
    return db


def rows(app) -> dict[str, list[str]]:
    table = app.screen.query_one(DataTable)
    out = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
    return {r[0]: r for r in out}


def heading(app) -> str:
    return str(app.screen.query("Static").nodes[1].render())


async def open_row(pilot, name: str) -> None:
    table = pilot.app.screen.query_one(DataTable)
    names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
    table.move_cursor(row=names.index(name))
    await pilot.press("enter")
    await settle(pilot)


async def test_dashboard_shows_hides_and_drills_down(staffed, fw):
    app = AdminApp(staffed, fw, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # the figures are computed off the UI thread
        top = rows(app)
        assert list(top) == ["An Giang", "Bắc Ninh", "Cà Mau", "All"]  # Vietnamese order
        assert top["An Giang"][1:5] == ["12", "12", "100%", "50.0%"]
        assert "│" in top["An Giang"][6] and "┃" in top["An Giang"][6]  # the target lines
        assert "hidden: fewer than 5 people" in top["Bắc Ninh"][6]  # 2 people
        assert "hidden" in top["Cà Mau"][6]  # else Bắc Ninh = All - An Giang - Cà Mau
        assert top["All"][1:3] == ["20", "20"]
        await open_row(pilot, "An Giang")
        assert "An Giang: its units" in heading(app)
        assert rows(app)["UBND An Giang"][1] == "12"
        await open_row(pilot, "UBND An Giang")
        units = rows(app)
        assert set(units) == {"Sở Nội vụ", "Sở Y tế", "All"}
        assert "hidden" in units["Sở Nội vụ"][6] and "hidden" in units["Sở Y tế"][6]
        assert units["All"][1] == "12"
        await pilot.press("a")  # area 1
        await settle(pilot)
        assert "Area 1" in heading(app)
        await pilot.press("backspace", "backspace")
        await settle(pilot)
        await open_row(pilot, "Cà Mau")  # hidden above: nothing inside may add up to it
        inside = rows(app)
        assert "hidden" in inside["All"][6] and "hidden" in inside["UBND Cà Mau"][6]


def test_dashboard_snapshot(snap_compare, staffed, fw):
    assert snap_compare(AdminApp(staffed, fw, lang="vi"), terminal_size=SIZE, run_before=settle)


KEYS = ["enter", "backspace", "escape", "a", "up", "down", "pageup", "pagedown", "f2", "tab"]


async def test_random_keys_on_the_dashboard_never_crash(staffed, fw):
    import random

    rng = random.Random(5)
    for _ in range(3):
        app = AdminApp(staffed, fw, lang="vi")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for key in rng.choices(KEYS, k=60):
                await pilot.press(key)
            await settle(pilot)
            assert app.screen.query_one(DataTable).row_count >= 1
