"""Who is taking the test: employee id, full name, unit (remembers the last candidate)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from dsat.domain.attempts import Candidate
from dsat.services.assessment import AssessmentService
from dsat.services.errors import ServiceError
from dsat.tui.screens.base import DsatScreen
from dsat.tui.widgets.keybar import KeyBar


class IdentifyScreen(DsatScreen):
    class Identified(Message):
        def __init__(self, candidate: Candidate):
            self.candidate = candidate
            super().__init__()

    def __init__(self, service: AssessmentService, last: Candidate | None):
        super().__init__()
        self.service = service
        self.values = (
            {"employee_id": last.employee_id, "full_name": last.full_name, "unit": last.unit}
            if last
            else {"employee_id": "", "full_name": "", "unit": ""}
        )
        self.error = ""

    def compose(self) -> ComposeResult:
        self.composed_lang = self.app.lang
        with Vertical(id="form", classes="card"):
            yield Static(self.t("identify.title"), classes="title")
            yield Static(self.t("identify.intro"), classes="muted")
            for field in ("employee_id", "full_name", "unit"):
                yield Label(self.t(f"identify.{field}"))
                yield Input(value=self.values[field], id=field, max_length=200)
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
        empty = next((f for f, v in self.values.items() if not v), "employee_id")
        self.query_one(f"#{empty}", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in self.values:
            self.values[event.input.id] = event.value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        order = ["employee_id", "full_name", "unit"]
        idx = order.index(event.input.id or "unit")
        blank = next((f for f in order if not self.values[f].strip()), None)
        if blank is None:
            self._submit()
        else:
            self.query_one(f"#{order[min(idx + 1, 2)] if blank is None else blank}", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self._submit()

    def _submit(self) -> None:
        try:
            cand = self.service.identify(**self.values)
        except ServiceError as exc:
            self.error = exc.message(self.app.lang)
            self.query_one("#error", Static).update(self.error)
            return
        self.post_message(self.Identified(cand))
