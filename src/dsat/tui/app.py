"""The test-taking app: wires screens to the AssessmentService. Navigation lives here only.

The sign-in screen is painted first; the core (shipped bank on first run, framework,
service) is loaded right after that first frame, so the candidate sees the app at once.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from dsat.i18n import other, t
from dsat.services.clock import Clock, system_clock
from dsat.tui.format import date_time, duration
from dsat.tui.screens.identify import IdentifyScreen
from dsat.tui.screens.modals import Confirm

if TYPE_CHECKING:  # imported when first needed: a faster start
    import sqlite_utils

    from dsat.domain.attempts import Attempt, Candidate
    from dsat.domain.framework import Framework
    from dsat.services.assessment import AssessmentService
    from dsat.tui.screens.picker import PickerScreen
    from dsat.tui.screens.question import QuestionScreen
    from dsat.tui.screens.result import ResultScreen


class DsatApp(App[None]):
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("f2", "toggle_lang", show=False, priority=True)]
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        db: sqlite_utils.Database,
        framework: Framework | None = None,
        *,
        lang: str = "vi",
        seed: int | None = None,
        clock: Clock = system_clock,
        grace_seconds: int = 0,
    ):
        """`framework` None: the one in the database (the shipped bank is imported on a
        database that has no items yet)."""
        super().__init__()
        self.db, self.lang, self.seed, self.clock = db, lang, seed, clock
        self.grace_seconds = grace_seconds
        self.session = uuid.uuid4().hex  # this window or browser tab
        self.leased: str | None = None
        self.fw: Framework | None = framework
        self.service: AssessmentService | None = None
        self.candidate: Candidate | None = None

    def on_mount(self) -> None:
        self.title = t("app.title", self.lang)
        self.push_screen(IdentifyScreen())
        self.call_after_refresh(self._load_core)

    def _load_core(self) -> None:
        """After the first frame: everything the sign-in screen does not need to be drawn."""
        from dsat.banks.errors import BankError
        from dsat.services.assessment import AssessmentService
        from dsat.services.banks import default_framework, ensure_bank

        try:
            if self.fw is None:
                ensure_bank(self.db, self.clock)
                self.fw = default_framework(self.db)
        except BankError as exc:
            self.exit(return_code=1, message=f"error: {exc}")
            return
        if self.fw is None:
            self.exit(return_code=1, message="error: no competency framework in the database")
            return
        self.service = AssessmentService(self.db, self.fw, self.clock, self.grace_seconds)
        for screen in self.screen_stack:
            if isinstance(screen, IdentifyScreen):
                screen.ready(self.service, self.service.last_candidate())

    # --- language --------------------------------------------------------------------------
    def action_toggle_lang(self) -> None:
        self.lang = other(self.lang)
        self.title = t("app.title", self.lang)
        relabel = getattr(self.screen, "relabel", None)
        if relabel:
            relabel()

    # --- flow ------------------------------------------------------------------------------
    def on_identify_screen_identified(self, message: IdentifyScreen.Identified) -> None:
        assert self.service is not None
        self.candidate = message.candidate
        pending = self.service.resumable(message.candidate.employee_id)
        if pending is None:
            self.show_picker()
            return
        if self.service.busy(pending.id, self.session):
            screen = self.screen
            if isinstance(screen, IdentifyScreen):
                screen.show_error(t("error.attempt_busy", self.lang))
            return
        self.push_screen(self._resume_dialog(pending), lambda yes: self._resume(pending, yes))

    def _resume_dialog(self, attempt: Attempt) -> Confirm:
        state = self.service.state(attempt.id, self.lang)
        body = t(
            "resume.body",
            self.lang,
            started=date_time(attempt.started_at),
            answered=sum(1 for s in state.slots if s.answered),
            total=len(state.slots),
            left=duration(state.remaining_seconds),
        )
        saved = self.service.last_saved(attempt.id)
        if saved is not None:  # after a lost connection or a closed window
            body += " " + t("resume.saved", self.lang, time=date_time(saved))
        return Confirm("resume.title", body, "resume.yes", "resume.no")

    def _resume(self, attempt: Attempt, yes: bool | None) -> None:
        if yes:
            self.open_attempt(attempt.id)
        else:
            self.show_picker()

    def show_picker(self) -> None:
        from dsat.tui.screens.picker import PickerScreen

        assert self.candidate is not None
        entries = self.service.menu(self.candidate.employee_id, self.lang)
        self.switch_screen(PickerScreen(entries, self.candidate, self.fw))

    def on_picker_screen_picked(self, message: PickerScreen.Picked) -> None:
        import sqlite3

        assert self.candidate is not None
        try:
            state = self.service.start(
                self.candidate.employee_id, message.kind, message.scope_id, self.lang, self.seed
            )
        except sqlite3.Error as exc:  # a read-only file, a full disk
            self.notify(t("error.database", self.lang, detail=str(exc)), severity="error")
            return
        self._question(state)

    def _question(self, state) -> None:  # type: ignore[no-untyped-def]
        from dsat.services.errors import ServiceError
        from dsat.tui.screens.question import QuestionScreen

        try:
            self.service.claim(state.attempt.id, self.session)
        except ServiceError as exc:
            self.notify(exc.message(self.lang), severity="error")
            return
        self.leased = state.attempt.id
        self.switch_screen(QuestionScreen(self.service, self.fw, state))

    def on_unmount(self) -> None:
        """Closing the window lets go of the attempt at once (a crash: when noticed)."""
        if self.leased and self.service is not None:
            self.service.let_go(self.leased, self.session)

    def open_attempt(self, attempt_id: str) -> None:
        self._question(self.service.state(attempt_id, self.lang))

    def on_question_screen_finished(self, message: QuestionScreen.Finished) -> None:
        from dsat.tui.screens.result import ResultScreen

        view = self.service.result(message.attempt_id, self.lang)
        self.switch_screen(ResultScreen(view, self.fw, message.expired))

    def on_result_screen_new_test_requested(self, _: ResultScreen.NewTestRequested) -> None:
        self.show_picker()

    def _history(self) -> None:
        assert self.candidate is not None
        from dsat.tui.screens.history import HistoryScreen

        rows = self.service.history(self.candidate.employee_id)
        self.push_screen(HistoryScreen(rows, self.fw))

    def on_result_screen_history_requested(self, _: ResultScreen.HistoryRequested) -> None:
        self._history()

    def on_picker_screen_history_requested(self, _: PickerScreen.HistoryRequested) -> None:
        self._history()
