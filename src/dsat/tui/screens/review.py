"""All items at a glance: answered, unanswered, flagged. Open one, or go on to submit."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from dsat.domain.text import clean
from dsat.services.assessment import Slot
from dsat.tui.screens.base import DsatScreen
from dsat.tui.widgets.keybar import KeyBar


class ReviewScreen(DsatScreen[int | str | None]):
    """Dismisses with a position to open, "submit", or None to go back."""

    BINDINGS = [
        Binding("s", "submit", show=False),
        Binding("escape,r", "back", show=False),
    ]

    def __init__(self, slots: list[Slot]):
        super().__init__()
        self.slots = slots

    def compose(self) -> ComposeResult:
        lang = self.app.lang  # type: ignore[attr-defined]
        self.composed_lang = lang
        answered = sum(1 for s in self.slots if s.answered)
        flagged = sum(1 for s in self.slots if s.flagged)
        yield Static(self.t("review.title"), classes="title")
        yield Static(
            self.t("review.summary", answered=answered, total=len(self.slots), flagged=flagged),
            classes="muted",
        )
        table: DataTable[Text] = DataTable(id="items", cursor_type="row", zebra_stripes=True)
        table.add_columns("#", self.t("review.status"), "⚑", self.t("review.item"))
        for s in self.slots:
            stem = clean(s.item.stem.get(lang)).replace("\n", " ")
            stem = stem if len(stem) <= 70 else stem[:69] + "…"
            table.add_row(
                Text(str(s.position + 1)),
                Text(self.t("review.answered") if s.answered else self.t("review.unanswered")),
                Text("⚑" if s.flagged else ""),
                Text(stem),  # bank text: shown literally, never as markup
                key=str(s.position),
            )
        yield table
        yield KeyBar(
            [
                ("Enter", self.t("key.confirm")),
                ("s", self.t("key.submit")),
                ("Esc", self.t("key.back")),
                ("F2", self.t("key.lang")),
            ]
        )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.focus()
        first_open = next((i for i, s in enumerate(self.slots) if not s.answered or s.flagged), 0)
        table.move_cursor(row=first_open)

    def relabel(self) -> None:
        """F2: the same row stays highlighted (Enter opens the item it showed)."""
        tables = self.query(DataTable)
        row = tables.first(DataTable).cursor_row if tables else None
        super().relabel()
        if row is not None:
            self.call_after_refresh(self._restore_row, row)

    def _restore_row(self, row: int) -> None:
        self.query_one(DataTable).move_cursor(row=row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.dismiss(int(event.row_key.value or 0))

    def action_submit(self) -> None:
        self.dismiss("submit")

    def action_back(self) -> None:
        self.dismiss(None)
