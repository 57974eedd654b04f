"""Answer widgets of generated practical tasks: a data table, an inbox, a list of addresses.

Every text of a variant is generated, but it is shown like bank text: literally (Rich Text
objects, never markup) and cleaned of control characters.

- DataTaskAnswer: the table (sortable: `s` on a column sorts by it, again reverses;
  filterable: the box above keeps the rows containing what is typed, each of several
  conditions separated by `;`), the files
  offered with F3, and the answer box; Tab moves between them, Enter in the answer box
  confirms.
- InboxAnswer: messages in a list (↑/↓), 1/2/3 mark the selected one, Tab shows each of
  its links' real target in turn (as hovering a link would), Enter confirms every mark.
- Addresses are a multiple choice (ChoiceAnswer).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from dsat.domain.presentation import PresentedItem
from dsat.domain.tasks.model import MARKS, Column, TaskView
from dsat.domain.text import Lang, clean, strip_diacritics
from dsat.tui.widgets.answers import KeyAnswer, TextAnswer


def _fold(text: str) -> str:
    return strip_diacritics(text).casefold()


class FilterBox(Input):
    """Keeps the rows that contain what is typed (case and diacritics forgiven)."""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # Enter in the filter never confirms the answer


class DataTaskAnswer(Vertical):
    """The table of a data task and the answer box under it."""

    DEFAULT_CSS = """
    DataTaskAnswer { height: auto; }
    DataTaskAnswer DataTable { height: 16; }
    DataTaskAnswer FilterBox { width: 60; }
    DataTaskAnswer TextAnswer { width: 40; }
    """

    def __init__(self, item: PresentedItem, value: Any, lang: Lang, labels: dict[str, str], **kw):
        super().__init__(**kw)
        assert item.task is not None and item.task.table is not None
        self.view: TaskView = item.task
        self.lang, self.labels = lang, labels
        self.initial = clean(value or "")
        self.sort_column: int | None = None
        self.sort_reverse = False
        self.filter_text = ""

    @property
    def columns(self) -> tuple[Column, ...]:
        assert self.view.table is not None
        return self.view.table.columns

    def compose(self) -> ComposeResult:
        yield FilterBox(placeholder=self.labels["filter"], id="task-filter")
        yield Static("", id="task-count", classes="muted", markup=False)
        table: DataTable[Text] = DataTable(id="task-table", zebra_stripes=True)
        table.cursor_type = "cell"
        yield table
        yield Static(self.labels["files"], classes="muted", markup=False)
        yield TextAnswer(value=self.initial, id="task-answer", max_length=200,
                         placeholder=self.labels["answer"])  # fmt: skip

    def on_mount(self) -> None:
        table = self.query_one("#task-table", DataTable)
        for col in self.columns:
            table.add_column(Text(clean(col.name.get(self.lang))))
        self._fill()

    def _rows(self) -> list[tuple[Any, ...]]:
        assert self.view.table is not None
        rows = list(self.view.table.rows)
        terms = [_fold(t.strip()) for t in self.filter_text.split(";") if t.strip()]
        for needle in terms:  # every condition must hold: "Hà Nội; Đạt; 2026"
            rows = [
                r for r in rows
                if any(needle in _fold(col.show(cell, self.lang))
                       for col, cell in zip(self.columns, r, strict=True))
            ]  # fmt: skip
        if self.sort_column is not None:
            k = self.sort_column
            rows.sort(key=lambda r: (isinstance(r[k], str), r[k]), reverse=self.sort_reverse)
        return rows

    def _fill(self) -> None:
        table = self.query_one("#task-table", DataTable)
        table.clear()
        rows = self._rows()
        for r in rows:
            table.add_row(
                *(Text(clean(col.show(cell, self.lang)))
                  for col, cell in zip(self.columns, r, strict=True))
            )  # fmt: skip
        assert self.view.table is not None
        total = len(self.view.table.rows)
        self.query_one("#task-count", Static).update(
            self.labels["count"].format(shown=len(rows), total=total)
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "task-filter":
            event.stop()
            self.filter_text = clean(event.value)
            self._fill()

    def sort_by_cursor(self) -> None:
        table = self.query_one("#task-table", DataTable)
        column = table.cursor_column
        if self.sort_column == column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, False
        self._fill()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        table = self.query_one("#task-table", DataTable)
        table.move_cursor(column=event.column_index)
        self.sort_by_cursor()

    @property
    def value(self) -> str:
        return self.query_one("#task-answer", TextAnswer).value


class InboxAnswer(KeyAnswer):
    """The inbox: a marked list of messages and the selected message in full."""

    def __init__(self, item: PresentedItem, value: Any, lang: Lang, labels: dict[str, str], **kw):
        super().__init__(**kw)
        assert item.task is not None
        self.view: TaskView = item.task
        self.item, self.lang, self.labels = item, lang, labels
        n = len(self.view.messages)
        self.value: list[str | None] = list(value) if value else [None] * n
        self.row = 0
        self.link = -1  # the link of the selected message whose target is shown

    def apply_key(self, key: str, character: str | None) -> bool:
        n = len(self.view.messages)
        if character in ("1", "2", "3"):
            self.value[self.row] = MARKS[int(character) - 1]
            self.row, self.link = min(self.row + 1, n - 1), -1
        elif key == "down":
            self.row, self.link = (self.row + 1) % n, -1
        elif key == "up":
            self.row, self.link = (self.row - 1) % n, -1
        elif key == "tab":
            links = self.view.messages[self.row].links
            self.link = (self.link + 1) % len(links) if links else -1
        elif key in ("backspace", "delete"):
            self.value[self.row] = None
        else:
            return False
        return True

    def render(self) -> Text:
        names = {c.value: c.text.get(self.lang) for c in self.item.choices}
        out = Text()
        for i, m in enumerate(self.view.messages):
            style = "reverse" if i == self.row else ""
            mark = self.value[i]
            out.append(f" {i + 1:>2}. [{names[mark] if mark else ' ':^12}] ", style=style)
            out.append(clean(f"{m.sender_name} <{m.sender_address}>"), style=style + " bold")
            out.append("  " + clean(m.subject.get(self.lang)) + "\n", style=style)
        m = self.view.messages[self.row]
        out.append("\n")
        out.append(f"{self.labels['from']}: ", style="bold")
        out.append(clean(f"{m.sender_name} <{m.sender_address}>") + "\n")
        out.append(f"{self.labels['received']}: ", style="bold")
        out.append(clean(m.received) + "\n")
        out.append(f"{self.labels['subject']}: ", style="bold")
        out.append(clean(m.subject.get(self.lang)) + "\n\n")
        out.append(clean(m.body.get(self.lang)) + "\n")
        for j, link in enumerate(m.links):
            focused = j == self.link
            out.append("\n  ")
            out.append(clean(link.text), style="underline" + (" reverse" if focused else ""))
            if focused:
                out.append(f"   → {clean(link.target)}", style="bold")
        for name in m.attachments:
            out.append(f"\n  📎 {clean(name)}")
        out.append("\n")
        return out


def task_widget(item: PresentedItem, value: Any, lang: Lang, labels: dict[str, str]) -> Widget:
    from dsat.tui.widgets.answers import ChoiceAnswer

    assert item.task is not None
    match item.task.answer_kind:
        case "marks":
            return InboxAnswer(item, value, lang, labels, id="answer")
        case "pick":
            return ChoiceAnswer(item, value, lang, id="answer", multi=True)
    return DataTaskAnswer(item, value, lang, labels, id="answer")
