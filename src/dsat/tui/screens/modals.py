"""Yes/no dialogs: resume an unfinished test, confirm submission. Each returns a bool."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from dsat.tui.screens.base import DsatModal


class Confirm(DsatModal[bool]):
    """A question with two buttons; dismisses with True (yes) or False (no / Escape).

    `body` is given in every language (language → text), so F2 redraws it."""

    BINDINGS = [Binding("escape", "no", show=False)]

    def __init__(self, title_key: str, body: dict[str, str], yes_key: str, no_key: str):
        super().__init__()
        self.title_key, self.body, self.yes_key, self.no_key = title_key, body, yes_key, no_key

    def compose(self) -> ComposeResult:
        lang = self.app.lang  # type: ignore[attr-defined]
        self.composed_lang = lang
        with Vertical(classes="dialog"):
            yield Static(self.t(self.title_key), classes="title")
            yield Static(self.body.get(lang, ""), markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.t(self.yes_key), id="yes", variant="primary")
                yield Button(self.t(self.no_key), id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_no(self) -> None:
        self.dismiss(False)
