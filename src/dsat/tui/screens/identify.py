"""Who is taking the test: employee id, full name, unit, and a session code in a sitting.

Drawn before the core is loaded; the app hands it the service through `ready` once it is
there. Keys typed meanwhile land where they were typed: nothing here moves the focus, and
an Enter pressed before the core is ready signs in as soon as it is.

Tab, Shift+Tab and an Enter that moves on are priority bindings: the focus changes when the
key arrives, before the keys typed after it are handed to a field, so a whole line typed
at once ("CB042<Tab>Le Thi C<Tab>So Y te<Enter>", a scanner, a fast typist) lands field by
field. An Enter that signs in is left to its field, which sends it after its own text.
The form starts empty unless this machine chose to remember its last candidate. Signing in
runs in a worker thread: a wrong code is answered after a deliberate delay that must not
freeze the screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Static
from textual.widgets._input import Selection

from dsat.tui.screens.base import DsatScreen
from dsat.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from dsat.domain.attempts import Candidate
    from dsat.services.assessment import AssessmentService

FIELDS = ("employee_id", "full_name", "unit")
CODE = "code"


class IdentifyScreen(DsatScreen[None]):
    AUTO_FOCUS = "#employee_id"
    BINDINGS = [
        Binding("tab", "field(1)", show=False, priority=True),
        Binding("shift+tab", "field(-1)", show=False, priority=True),
        Binding("enter", "enter", show=False, priority=True),
    ]

    class Identified(Message):
        def __init__(self, candidate: Candidate):
            self.candidate = candidate
            super().__init__()

    def __init__(self) -> None:
        super().__init__()
        self.service: AssessmentService | None = None
        self.values = dict.fromkeys((*FIELDS, CODE), "")
        self.error = ""
        self.need_code = False
        self.submit_when_ready = False
        self.busy = False

    def ready(
        self, service: AssessmentService, remembered: Candidate | None, codes_required: bool
    ) -> None:
        """The core is loaded. A remembered candidate fills an untouched form only."""
        self.service = service
        if codes_required and not self.need_code:
            self.need_code = True
            for widget in self.query(f".{CODE}"):
                widget.remove_class("hidden")
        if remembered and not any(self.values.values()):
            for field in FIELDS:
                value = getattr(remembered, field)
                self.values[field] = value
                box = self.query_one(f"#{field}", Input)
                box.value = value
            focused = self.focused
            if isinstance(focused, Input):  # typing replaces the remembered text
                focused.selection = Selection(0, len(focused.value))
        if self.submit_when_ready:
            self.submit_when_ready = False
            self._try_submit()

    def _fields(self) -> tuple[str, ...]:
        return (*FIELDS, CODE) if self.need_code else FIELDS

    def compose(self) -> ComposeResult:
        self.composed_lang = self.app.lang  # type: ignore[attr-defined]
        hidden = "" if self.need_code else " hidden"
        with Vertical(id="form", classes="card"):
            yield Static(self.t("identify.title"), classes="title", id="identify-title")
            yield Static(self.t("identify.intro"), classes="muted", id="identify-intro")
            for field in (*FIELDS, CODE):
                extra = f" {CODE}{hidden}" if field == CODE else ""
                yield Label(self.t(f"identify.{field}"), id=f"label-{field}", classes=extra)
                yield Input(
                    value=self.values[field], id=field, max_length=200,
                    password=field == CODE, classes=extra.strip(),
                )  # fmt: skip
            yield Static(self.error, id="error", classes="error", markup=False)
            yield Button(self.t("identify.continue"), id="continue", variant="primary")
        yield KeyBar(self._keys(), id="keys")

    def _keys(self) -> list[tuple[str, str]]:
        return [
            ("Enter", self.t("identify.continue")),
            ("F2", self.t("key.lang")),
            ("Ctrl+Q", self.t("key.quit")),
        ]

    def relabel(self) -> None:
        """New language, same form: labels change in place, the focus and text stay."""
        self.composed_lang = self.app.lang  # type: ignore[attr-defined]
        self.query_one("#identify-title", Static).update(self.t("identify.title"))
        self.query_one("#identify-intro", Static).update(self.t("identify.intro"))
        for field in (*FIELDS, CODE):
            self.query_one(f"#label-{field}", Label).update(self.t(f"identify.{field}"))
        self.query_one("#continue", Button).label = self.t("identify.continue")
        self.query_one("#keys", KeyBar).show(self._keys())

    def show_error(self, message: str) -> None:
        self.error = message
        self.query_one("#error", Static).update(message)

    def _boxes(self) -> list[Input]:
        return [self.query_one(f"#{f}", Input) for f in self._fields()]

    def action_field(self, step: int) -> None:
        """The next (or previous) field, at once."""
        boxes = self._boxes()
        focused = self.focused
        if focused not in boxes:
            raise SkipAction()  # the button: Textual's own focus moves
        # set_focus, not focus(): that one is queued behind the keys already typed
        self.set_focus(boxes[(boxes.index(focused) + step) % len(boxes)])

    def action_enter(self) -> None:
        """Enter in a field before the last: on to the next field, at once (the fields' own
        values may still lag behind keys typed at once). In the last field, or with every
        other field filled, the field itself sends Enter after its text: that signs in, or
        goes to the first blank field (on_input_submitted)."""
        boxes = self._boxes()
        focused = self.focused
        if focused not in boxes or focused is boxes[-1]:
            raise SkipAction()
        if all(b.value.strip() for b in boxes if b is not focused):
            raise SkipAction()
        self.set_focus(boxes[boxes.index(focused) + 1])

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in self.values:
            self.values[event.input.id] = event.value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        blank = next((f for f in self._fields() if not self.values[f].strip()), None)
        if blank is None or (blank == "unit" and self.service is None):
            self._try_submit()
        else:
            self.query_one(f"#{blank}", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self._try_submit()

    def _try_submit(self) -> None:
        if self.service is None:  # still loading: sign in as soon as the core is there
            self.submit_when_ready = True
            return
        if self.busy:
            return
        self.busy = True
        self._identify({f: self.values[f] for f in self._fields()})

    @work(thread=True, exclusive=True, group="identify")
    def _identify(self, values: dict[str, str]) -> None:
        from dsat.services.errors import ServiceError, StoreError

        assert self.service is not None
        try:
            cand = self.service.identify(**values)
        except ServiceError as exc:
            self.app.call_from_thread(self._failed, exc.message(self.app.lang))  # type: ignore[attr-defined]
            return
        except StoreError as exc:  # a read-only file, a full disk: say so, keep the form
            self.app.call_from_thread(self._failed, self.t("error.database", detail=str(exc)))
            return
        self.app.call_from_thread(self._done, cand)

    def _failed(self, message: str) -> None:
        self.busy = False
        self.show_error(message)

    def _done(self, cand: Candidate) -> None:
        self.busy = False
        self.post_message(self.Identified(cand))
