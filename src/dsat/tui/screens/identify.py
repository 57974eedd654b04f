"""Who is taking the test: employee id, full name, unit (remembers the last candidate).

Drawn before the core is loaded; the app hands it the service and the last candidate
through `ready` once they are there.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from dsat.services.errors import ServiceError
from dsat.tui.screens.base import DsatScreen
from dsat.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from dsat.domain.attempts import Candidate
    from dsat.services.assessment import AssessmentService

FIELDS = ("employee_id", "full_name", "unit")
CODE = "code"


class IdentifyScreen(DsatScreen[None]):
    class Identified(Message):
        def __init__(self, candidate: Candidate):
            self.candidate = candidate
            super().__init__()

    def __init__(self) -> None:
        super().__init__()
        self.service: AssessmentService | None = None
        self.values = dict.fromkeys(FIELDS, "")
        self.error = ""
        self.need_code = False

    def ready(self, service: AssessmentService, last: Candidate | None) -> None:
        """The core is loaded: fill in the last candidate unless the fields were typed in."""
        self.service = service
        if last and not any(self.values.values()):
            for field in FIELDS:
                self.values[field] = getattr(last, field)
                self.query_one(f"#{field}", Input).value = self.values[field]
            self._focus_first_empty()
        if service.codes_required() and not self.need_code:
            self.need_code = True
            self.values[CODE] = ""
            self.call_after_refresh(self._show_code)

    async def _show_code(self) -> None:
        await self.recompose()
        self._focus_first_empty()

    def _fields(self) -> tuple[str, ...]:
        return (*FIELDS, CODE) if self.need_code else FIELDS

    def compose(self) -> ComposeResult:
        self.composed_lang = self.app.lang
        with Vertical(id="form", classes="card"):
            yield Static(self.t("identify.title"), classes="title")
            yield Static(self.t("identify.intro"), classes="muted")
            for field in self._fields():
                yield Label(self.t(f"identify.{field}"))
                yield Input(
                    value=self.values[field], id=field, max_length=200, password=field == CODE
                )
            yield Static(self.error, id="error", classes="error", markup=False)
            yield Button(self.t("identify.continue"), id="continue", variant="primary")
        yield KeyBar(
            [
                ("Enter", self.t("identify.continue")),
                ("F2", self.t("key.lang")),
                ("Ctrl+Q", self.t("key.quit")),
            ]
        )

    def on_mount(self) -> None:
        self._focus_first_empty()

    def _focus_first_empty(self) -> None:
        empty = next((f for f in self._fields() if not self.values[f]), "employee_id")
        self.query_one(f"#{empty}", Input).focus()

    def show_error(self, message: str) -> None:
        self.error = message
        self.query_one("#error", Static).update(message)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in self.values:
            self.values[event.input.id] = event.value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        blank = next((f for f in self._fields() if not self.values[f].strip()), None)
        if blank is None:
            self._submit()
        else:
            self.query_one(f"#{blank}", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self._submit()

    def _submit(self) -> None:
        if self.service is None:  # still loading; keys wait in the queue, so rarely seen
            return
        try:
            cand = self.service.identify(**{f: self.values[f] for f in self._fields()})
        except ServiceError as exc:
            self.show_error(exc.message(self.app.lang))
            return
        except sqlite3.Error as exc:  # a read-only file, a full disk: say so, keep the form
            self.show_error(self.t("error.database", detail=str(exc)))
            return
        self.post_message(self.Identified(cand))
