"""The candidate's attempts, newest first."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from dsat.domain.framework import Framework
from dsat.tui.format import date_time
from dsat.tui.screens.base import DsatScreen
from dsat.tui.widgets.keybar import KeyBar


class HistoryScreen(DsatScreen[None]):
    BINDINGS = [Binding("escape,h,q", "back", show=False)]

    def __init__(self, rows: list[dict[str, Any]], framework: Framework):
        super().__init__()
        self.rows, self.fw = rows, framework

    def _levels(self, levels: str | None) -> str:
        out = []
        for part in (levels or "").split():
            comp, _, band = part.partition("=")
            out.append(f"{comp} {self.fw.band(band).name.get(self.app.lang)}")
        return ", ".join(out)

    def compose(self) -> ComposeResult:
        self.composed_lang = self.app.lang
        yield Static(self.t("history.title"), classes="title")
        if not self.rows:
            yield Static(self.t("history.empty"), classes="muted")
        table: DataTable[str] = DataTable(id="history", cursor_type="row", zebra_stripes=True)
        table.add_columns(
            *(
                self.t(k)
                for k in (
                    "history.when",
                    "history.scope",
                    "history.status",
                    "history.score",
                    "history.levels",
                )
            )
        )
        for r in self.rows:
            pct = f"{r['percent']:.0f}%" if r["percent"] is not None else "—"
            table.add_row(
                date_time(r["started_at"]),
                r["competency"],
                self.t(f"status.{r['status']}"),
                pct,
                self._levels(r["levels"]),
            )
        yield table
        yield KeyBar([("Esc", self.t("key.back")), ("F2", self.t("key.lang"))])

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def action_back(self) -> None:
        self.dismiss(None)
