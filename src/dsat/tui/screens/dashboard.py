"""Administrators' dashboard: the share reaching proficiency per group, against the targets.

The screen only shows the report it is given (`report`); choosing another area, drilling
down or going up is posted to the app, which builds the next report.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from dsat.domain.report import ALL, TARGETS
from dsat.tui.screens.base import DsatScreen
from dsat.tui.widgets.keybar import KeyBar

BAR = 30


def bar(percent: float | None) -> Text:
    """A horizontal bar of `percent` with the 2025 and 2030 target lines drawn in."""
    text = Text()
    filled = 0 if percent is None else round(percent / 100 * BAR)
    marks = {round(TARGETS["2025"] / 100 * BAR): "│", round(TARGETS["2030"] / 100 * BAR): "┃"}
    for i in range(BAR + 1):
        if i in marks:
            text.append(marks[i], style="bold yellow")
        elif i < filled:
            text.append("█", style="green" if (percent or 0) >= TARGETS["2025"] else "cyan")
        else:
            text.append("░", style="dim")
    return text


class DashboardScreen(DsatScreen[None]):
    BINDINGS = [
        Binding("enter", "drill", show=False),
        Binding("backspace,escape", "up", show=False),
        Binding("a", "next_skill", show=False),
        Binding("m", "next_method", show=False),
        Binding("q", "quit_app", show=False),
    ]

    class Drill(Message):
        """Show the units inside this row's group."""

        def __init__(self, group: dict[str, str]):
            super().__init__()
            self.group = group

    class Up(Message):
        """Back to the level above."""

    class NextSkill(Message):
        """Show the next area (or the overall indicator)."""

    class NextMethod(Message):
        """Switch between the count and the posterior (measurement error) method."""

    def __init__(self, report: Any, heading: str, skill_label: str):
        super().__init__()
        self.report, self.heading, self.skill_label = report, heading, skill_label

    def show(self, report: Any, heading: str, skill_label: str) -> None:
        """New figures from the app (attributes down); redraws the screen."""
        self.report, self.heading, self.skill_label = report, heading, skill_label
        self.call_later(self._redraw)

    async def _redraw(self) -> None:
        await self.recompose()
        self.on_mount()

    def _groups(self) -> list[str]:
        return [d for d in self.report.dims if d in ("province", "unit")]

    def compose(self) -> ComposeResult:
        self.composed_lang = self.app.lang  # type: ignore[attr-defined]
        yield Static(self.t("dashboard.title"), classes="title")
        if self.report is None:  # the first figures are still being computed
            yield Static(self.heading or self.t("dashboard.loading"), id="loading", markup=False)
            return
        meta = self.report.meta
        if meta.simulated:
            yield Static(
                self.t("dashboard.simulated", note=meta.simulated), classes="warning", markup=False
            )
        yield Static(f"{self.heading} — {self.skill_label}", classes="muted", markup=False)
        yield Static(self.t(f"dashboard.method.{meta.method}"), classes="muted", id="method")
        groups = self._groups()
        table: DataTable[Any] = DataTable(id="dashboard", cursor_type="row", zebra_stripes=True)
        table.add_columns(
            self.t(f"dashboard.group.{groups[0]}") if groups else "",
            self.t("dashboard.registered"),
            self.t("dashboard.assessed"),
            self.t("dashboard.participation"),
            self.t("dashboard.proficient"),
            self.t("dashboard.ci"),
            self.t("dashboard.bar"),
        )
        rows = [r for r in self.report.rows if not r.total] + [
            r for r in self.report.rows if r.total
        ]
        for r in rows:
            name = r.group[groups[0]] if groups else ""
            shown = name.rsplit("/", 1)[-1] if groups and groups[0] == "unit" else name
            label = self.t("dashboard.all") if name == ALL else shown
            if r.suppressed:
                hidden = Text(self.t("dashboard.suppressed", k=meta.min_group), style="dim italic")
                table.add_row(Text(label), Text(""), Text(""), Text(""), Text(""), Text(""),
                              hidden, key=name)  # fmt: skip
                continue
            ci = f"{r.ci_low_pct:.0f}–{r.ci_high_pct:.0f}%" if r.ci_low_pct is not None else "—"
            table.add_row(
                Text(label, style="bold" if r.total else ""),  # register text: literal
                Text(f"{r.registered:,}"),
                Text(f"{r.assessed:,}"),
                Text(f"{r.participation_pct:.0f}%" if r.participation_pct is not None else "—"),
                Text(f"{r.proficient_pct:.1f}%" if r.proficient_pct is not None else "—"),
                Text(ci),
                bar(r.proficient_pct),
                key=name,
            )
        yield table
        yield KeyBar(
            [
                ("Enter", self.t("key.drill")),
                ("Backspace", self.t("key.up")),
                ("a", self.t("key.skill")),
                ("m", self.t("key.method")),
                ("F2", self.t("key.lang")),
                ("q", self.t("key.quit")),
            ]
        )

    def on_mount(self) -> None:
        tables = self.query(DataTable)
        if tables:
            tables.first().focus()

    def action_drill(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        groups = self._groups()
        if key and key != ALL and groups:
            self.post_message(self.Drill({groups[0]: key}))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_drill()

    def action_up(self) -> None:
        self.post_message(self.Up())

    def action_next_skill(self) -> None:
        self.post_message(self.NextSkill())

    def action_next_method(self) -> None:
        self.post_message(self.NextMethod())

    def action_quit_app(self) -> None:
        self.app.exit()
