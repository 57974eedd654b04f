"""The trainers' item analysis screen under Pilot, on simulated attempts in a real database."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from dsat.services.banks import import_bank, shipped_bank_dir
from dsat.services.simulate import simulate
from dsat.store import open_store
from dsat.tui.screens.item_detail import ItemDetailScreen
from dsat.tui.screens.item_stats import COLUMNS, ItemStatsScreen
from dsat.tui.trainer import TrainerApp


@pytest.fixture(scope="module")
def sim_db(tmp_path_factory, fw):
    path = tmp_path_factory.mktemp("trainer") / "sim.db"
    store = open_store(path)
    import_bank(store, [shipped_bank_dir()], imported_by="test")
    simulate(store, fw, candidates=150, seed=21, mode="fixed")
    store.close()
    return path


async def _loaded(app: TrainerApp, pilot) -> ItemStatsScreen:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, ItemStatsScreen)
    return app.screen


async def test_the_table_sorts_and_an_item_shows_its_distractor_bars(sim_db, fw):
    app = TrainerApp(open_store(sim_db), fw, "full", lang="en", include_simulated=True)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await _loaded(app, pilot)
        table = screen.query_one(DataTable)
        assert table.row_count == len(screen.report.items) > 0
        # flagged items first, as sorted by the screen
        flags = [len(s.flags) for _, s in screen.entries()]
        assert flags == sorted(flags, reverse=True)
        table.move_cursor(column=COLUMNS.index("facility"))
        await pilot.press("s")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        shown = [str(table.get_row_at(i)[COLUMNS.index("facility")]) for i in range(5)]
        values = [s.facility for _, s in app.screen.entries()][:5]
        assert shown == ["—" if v is None else f"{v:.0f}" for v in values]
        assert values == sorted(values, key=lambda v: -1 if v is None else v, reverse=True)
        # Enter on a single-choice item: its options with bars, the key marked
        row = next(i for i, (item, s) in enumerate(app.screen.entries())
                   if item.type == "single" and not s.too_few)  # fmt: skip
        table.move_cursor(row=row, column=0)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ItemDetailScreen)
        options = str(app.screen.query_one("#options", Static).render())
        item = app.screen.item
        assert "✓" in options and "█" in options
        assert all(o.text.en in options for o in item.options)
        await pilot.press("f2")
        await pilot.pause()
        options_vi = str(app.screen.query_one("#options", Static).render())
        assert all(o.text.vi in options_vi for o in item.options)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ItemStatsScreen)
        assert "Phân tích câu hỏi" in app.export_screenshot().replace("&#160;", " ")


async def test_a_scope_without_attempts_says_so_on_screen(tmp_path, fw):
    store = open_store(tmp_path / "empty.db")
    import_bank(store, [shipped_bank_dir()], imported_by="test")
    app = TrainerApp(store, fw, "4.1", lang="en")
    async with app.run_test() as pilot:
        screen = await _loaded(app, pilot)
        status = str(screen.query_one("#stats-status", Static).render())
        assert "No finished attempt" in status
