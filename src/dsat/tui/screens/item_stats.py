"""Trainers' item analysis: every item version of a scope in a sortable table, flagged
items first to look at; Enter opens an item's detail with its distractor bars.

The screen shows the report it is given; choosing an item is posted to the app.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from dsat.tui.screens.base import DsatScreen
from dsat.tui.widgets.keybar import KeyBar

COLUMNS = ("item", "version", "level", "type", "n", "facility", "sd", "guess",
           "discrimination", "efficiency", "flags")  # fmt: skip


def _num(v: float | None) -> float:
    return float("-inf") if v is None else v


def sort_key(column: str, entry: tuple[Any, Any]) -> Any:
    item, stat = entry
    match column:
        case "item":
            return stat.item_id
        case "version":
            return stat.version
        case "level":
            return item.level
        case "type":
            return item.type
        case "n":
            return stat.n
        case "flags":
            return len(stat.flags)
    return _num(getattr(stat, {"guess": "random_guess"}.get(column, column)))


def _pct(v: float | None) -> Text:
    return Text("—" if v is None else f"{v:.0f}", justify="right")


class ItemStatsScreen(DsatScreen[None]):
    BINDINGS = [
        Binding("s", "sort", show=False),
        Binding("q", "quit_app", show=False),
    ]

    class Open(Message):
        """Show the detail of this item version."""

        def __init__(self, item_id: str, version: int):
            super().__init__()
            self.item_id, self.version = item_id, version

    def __init__(self, report: Any | None = None, error: str = ""):
        super().__init__()
        self.report, self.error = report, error
        self.sort_column, self.reverse = "flags", True  # flagged items first

    def show(self, report: Any | None, error: str = "") -> None:
        """New figures from the app (attributes down); redraws the screen."""
        self.report, self.error = report, error
        self.call_later(self._redraw, 0)

    async def _redraw(self, column: int) -> None:
        await self.recompose()
        tables = self.query(DataTable)
        if tables:
            table = tables.first()
            table.focus()
            table.move_cursor(column=column)

    def entries(self) -> list[tuple[Any, Any]]:
        if self.report is None:
            return []
        rows = list(self.report.items)
        rows.sort(key=lambda e: (sort_key(self.sort_column, e), e[1].item_id),
                  reverse=self.reverse)  # fmt: skip
        return rows

    def _test_line(self) -> str:
        assert self.report is not None  # shown once the figures have arrived
        r, t = self.report, self.report.test
        head = self.t("stats.heading", scope=r.scope, attempts=r.attempts)
        if r.note:
            return f"{head}\n{self.t('stats.mixed')}"
        if t.too_few:
            return f"{head}\n{self.t('stats.too_few', n=t.attempts)}"

        def f(v: float | None, spec: str = ".2f") -> str:
            return "—" if v is None else format(v, spec)

        return head + "\n" + self.t(
            "stats.test", mean=f(t.mean), max=f(t.max_score, "g"), median=f(t.median),
            sd=f(t.sd), skew=f(t.skewness), kurt=f(t.kurtosis), cic=f(t.cic, ".1f"),
            er=f(t.error_ratio, ".1f"), sem=f(t.sem),
        )  # fmt: skip

    def compose(self) -> ComposeResult:
        self.composed_lang = self.app.lang  # type: ignore[attr-defined]
        yield Static(self.t("stats.title"), classes="title")
        if self.report is None:
            yield Static(self.error or self.t("stats.loading"), id="stats-status", markup=False)
        else:
            yield Static(self._test_line(), classes="muted", id="stats-test", markup=False)
            table: DataTable[Any] = DataTable(id="stats", cursor_type="cell", zebra_stripes=True)
            for col in COLUMNS:
                arrow = (" ▼" if self.reverse else " ▲") if col == self.sort_column else ""
                table.add_column(self.t(f"stats.col.{col}") + arrow, key=col)
            for item, s in self.entries():
                flags = "; ".join(s.flags)
                table.add_row(
                    Text(s.item_id), Text(str(s.version)), Text(str(item.level)),
                    Text(item.type), Text(str(s.n), justify="right"), _pct(s.facility),
                    _pct(s.sd), _pct(s.random_guess), _pct(s.discrimination),
                    _pct(s.efficiency), Text(flags, style="yellow" if flags else ""),
                    key=f"{s.item_id}\x00{s.version}",
                )  # fmt: skip
            yield table
            flagged = sum(1 for _, s in self.report.items if s.flags)
            yield Static(self.t("stats.count", n=len(self.report.items), flagged=flagged),
                         classes="muted", markup=False)  # fmt: skip
        yield KeyBar([("Enter", self.t("key.detail")), ("s", self.t("key.sort")),
                      ("F2", self.t("key.lang")), ("q", self.t("key.quit"))])  # fmt: skip

    def on_mount(self) -> None:
        tables = self.query(DataTable)
        if tables:
            tables.first().focus()

    def action_sort(self) -> None:
        table = self.query(DataTable)
        if not table:
            return
        column = COLUMNS[table.first().cursor_column]
        if column == self.sort_column:
            self.reverse = not self.reverse
        else:
            self.sort_column, self.reverse = column, column != "item"
        self.call_later(self._redraw, COLUMNS.index(column))

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.query_one(DataTable).move_cursor(column=event.column_index)
        self.action_sort()

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        item_id, version = str(event.cell_key.row_key.value).split("\x00")
        self.post_message(self.Open(item_id, int(version)))

    def action_quit_app(self) -> None:
        self.app.exit()
