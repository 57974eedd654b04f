"""The candidate's attempts, newest first, each level with how sure it is."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from dsat.domain.framework import Framework
from dsat.tui.format import date_time, level_words
from dsat.tui.screens.base import DsatScreen
from dsat.tui.widgets.keybar import KeyBar


class HistoryScreen(DsatScreen[None]):
    BINDINGS = [Binding("escape,h,q", "back", show=False)]

    def __init__(self, rows: list[dict[str, Any]], framework: Framework):
        super().__init__()
        self.rows, self.fw = rows, framework

    def _levels(self, results: list[dict[str, Any]]) -> str:
        lang = self.app.lang  # type: ignore[attr-defined]
        return ", ".join(
            f"{r['competency']} "
            + level_words(self.fw, r["band"], r.get("sure"), r.get("enough", True), lang)
            for r in results
        )

    def compose(self) -> ComposeResult:
        self.composed_lang = self.app.lang  # type: ignore[attr-defined]
        yield Static(self.t("history.title"), classes="title")
        if not self.rows:
            yield Static(self.t("history.empty"), classes="muted")
        table: DataTable[Text] = DataTable(id="history", cursor_type="row", zebra_stripes=True)
        table.add_columns(
            *(
                self.t(k)
                for k in (
                    "history.when", "history.scope", "history.status", "history.score",
                    "history.levels",
                )
            )
        )  # fmt: skip
        for r in self.rows:
            pct = f"{r['percent']:.0f}%" if r["percent"] is not None else "—"
            status = "superseded" if r.get("superseded_by") else r["status"]
            table.add_row(
                Text(date_time(r["started_at"])),
                Text(r["competency"]),
                Text(self.t(f"status.{status}")),
                Text(pct),
                Text(self._levels(r["results"])),
            )
        yield table
        yield KeyBar([("Esc", self.t("key.back")), ("F2", self.t("key.lang"))])

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def action_back(self) -> None:
        self.dismiss(None)
