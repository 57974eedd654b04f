"""The test-taking app: wires screens to the AssessmentService. Navigation lives here only.

The sign-in screen is painted first; the core (shipped bank on first run, framework,
service) is loaded right after that first frame, so the candidate sees the app at once.
The language is a reactive attribute of the app: every screen watches it and redraws from
language-neutral data. Blocking work (signing in, with its deliberate delay after a wrong
code; submitting) runs in worker threads, never on the UI thread.
"""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from dsat.i18n import other, t
from dsat.services.clock import Clock, system_clock
from dsat.tui.format import date_time, duration
from dsat.tui.screens.identify import IdentifyScreen
from dsat.tui.screens.modals import Confirm

if TYPE_CHECKING:  # imported when first needed: a faster start
    from dsat.domain.attempts import Attempt, Candidate
    from dsat.domain.framework import Framework
    from dsat.services.assessment import AssessmentService, AttemptState
    from dsat.store import Store
    from dsat.tui.screens.picker import PickerScreen
    from dsat.tui.screens.question import QuestionScreen
    from dsat.tui.screens.result import ResultScreen
    from dsat.tui.session import AttemptSession


def client_name() -> str:
    """Which terminal or browser this is, for counting wrong sitting codes per client."""
    served = os.environ.get("DSAT_CLIENT")
    if served:
        return served
    try:
        tty = os.ttyname(0)
    except OSError:
        tty = f"pid {os.getpid()}"
    return f"{socket.gethostname()}:{tty}"


class DsatApp(App[None]):
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("f2", "toggle_lang", show=False, priority=True)]
    ENABLE_COMMAND_PALETTE = False
    lang: reactive[str] = reactive("vi")

    def __init__(
        self,
        store: Store,
        framework: Framework | None = None,
        *,
        lang: str = "vi",
        seed: int | None = None,
        clock: Clock = system_clock,
        grace_seconds: int = 0,
        remember: bool = False,
        client: str | None = None,
        downloads: Path | None = None,
    ):
        """`framework` None: the one in the database (the shipped bank is imported on a
        database that has no items yet). `remember`: this machine fills the sign-in form
        with its last candidate (off by default; never under `dsat serve`). `downloads`:
        where a data task's files are saved in a terminal (None: the user's downloads
        folder; a browser downloads them)."""
        super().__init__()
        self.store, self.seed, self.clock = store, seed, clock
        self.set_reactive(DsatApp.lang, lang)
        self.grace_seconds = grace_seconds
        self.remember = remember and not os.environ.get("DSAT_SERVED")
        self.client = client or client_name()
        self.downloads = downloads
        self.session_id = uuid.uuid4().hex  # this window or browser tab
        self.fw: Framework | None = framework
        self.service: AssessmentService | None = None
        self.candidate: Candidate | None = None
        self.attempt: AttemptSession | None = None

    def on_mount(self) -> None:
        self.title = t("app.title", self.lang)
        self.push_screen(IdentifyScreen())
        self.call_after_refresh(self._load_core)

    def _load_core(self) -> None:
        """After the first frame: everything the sign-in screen does not need to be drawn."""
        from dsat.banks.errors import BankError
        from dsat.services.assessment import AssessmentService
        from dsat.services.banks import default_framework, ensure_bank
        from dsat.services.errors import StoreError
        from dsat.tui.session import AttemptSession

        try:
            if self.fw is None:
                ensure_bank(self.store, self.clock)
                self.fw = default_framework(self.store)
        except (BankError, StoreError) as exc:
            self.exit(return_code=1, message=f"error: {exc}")
            return
        if self.fw is None:
            self.exit(return_code=1, message="error: no competency framework in the database")
            return
        machine = socket.gethostname() if self.remember else None
        self.service = AssessmentService(
            self.store, self.fw, self.clock, self.grace_seconds, client=self.client,
            machine=machine,
        )  # fmt: skip
        self.attempt = AttemptSession(self.service, self.session_id)
        self.set_interval(20, self._heartbeat)
        remembered = None
        try:
            remembered = self.service.remembered()
            codes = self.service.codes_required()
        except StoreError as exc:
            codes = False
            self._storage_error(exc)
        for screen in self.screen_stack:
            if isinstance(screen, IdentifyScreen):
                screen.ready(self.service, remembered, codes)

    def _heartbeat(self) -> None:
        if self.attempt is not None:
            self.attempt.beat()

    def _storage_error(self, exc: Exception) -> None:
        self.notify(t("error.database", self.lang, detail=str(exc)), severity="error", markup=False)

    # --- language --------------------------------------------------------------------------
    def action_toggle_lang(self) -> None:
        self.lang = other(self.lang)

    def watch_lang(self, lang: str) -> None:
        self.title = t("app.title", lang)
        for screen in self.screen_stack:
            relabel = getattr(screen, "relabel", None)
            if relabel:
                relabel()

    # --- flow ------------------------------------------------------------------------------
    def on_identify_screen_identified(self, message: IdentifyScreen.Identified) -> None:
        self.candidate = message.candidate
        self._after_sign_in(message.candidate)

    def _after_sign_in(self, candidate: Candidate) -> None:
        from dsat.services.errors import StoreError

        assert self.service is not None
        try:
            pending = self.service.resumable(candidate.employee_id)
            busy = pending is not None and self.service.busy(pending.id, self.session_id)
        except StoreError as exc:
            self._storage_error(exc)
            return
        if pending is None:
            self.show_picker()
            return
        if busy:
            screen = self.screen
            if isinstance(screen, IdentifyScreen):
                screen.show_error(t("error.attempt_busy", self.lang))
            return
        self.push_screen(self._resume_dialog(pending), lambda yes: self._resume(pending, yes))

    def _resume_dialog(self, attempt: Attempt) -> Confirm:
        assert self.service is not None
        state = self.service.state(attempt.id)
        body = {
            lang: t(
                "resume.body", lang, started=date_time(attempt.started_at),
                answered=sum(1 for s in state.slots if s.answered), total=len(state.slots),
                left=duration(state.remaining_seconds),
            )
            for lang in ("vi", "en")
        }  # fmt: skip
        saved = self.service.last_saved(attempt.id)
        if saved is not None:  # after a lost connection or a closed window
            for lang in body:
                body[lang] += " " + t("resume.saved", lang, time=date_time(saved))
        return Confirm("resume.title", body, "resume.yes", "resume.no")

    def _resume(self, attempt: Attempt, yes: bool | None) -> None:
        if yes:
            self.open_attempt(attempt.id)
        else:
            self.show_picker()

    def show_picker(self) -> None:
        from dsat.services.errors import StoreError
        from dsat.tui.screens.picker import PickerScreen

        assert self.candidate is not None and self.service is not None and self.fw is not None
        try:
            entries = self.service.menu(self.candidate.employee_id)
        except StoreError as exc:
            self._storage_error(exc)
            return
        self.switch_screen(PickerScreen(entries, self.candidate, self.fw))

    def on_picker_screen_picked(self, message: PickerScreen.Picked) -> None:
        from dsat.services.errors import ServiceError, StoreError

        assert self.candidate is not None and self.service is not None
        try:
            state = self.service.start(
                self.candidate.employee_id, message.kind, message.scope_id, self.lang, self.seed
            )
        except ServiceError as exc:
            self.notify(exc.message(self.lang), severity="error", markup=False)
            return
        except StoreError as exc:  # a read-only file, a full disk
            self._storage_error(exc)
            return
        self._question(state)

    def _question(self, state: AttemptState) -> None:
        from dsat.services.errors import ServiceError, StoreError
        from dsat.tui.screens.question import QuestionScreen

        assert self.attempt is not None and self.service is not None and self.fw is not None
        try:
            self.attempt.open(state.attempt.id)
        except ServiceError as exc:
            self.notify(exc.message(self.lang), severity="error", markup=False)
            return
        except StoreError as exc:
            self._storage_error(exc)
            return
        self.switch_screen(QuestionScreen(self.service, self.fw, state))

    def on_unmount(self) -> None:
        """Closing the window lets go of the attempt at once (a crash: when noticed)."""
        if self.attempt is not None:
            self.attempt.release()

    def open_attempt(self, attempt_id: str) -> None:
        from dsat.services.errors import StoreError

        assert self.service is not None
        try:
            state = self.service.state(attempt_id)
        except StoreError as exc:
            self._storage_error(exc)
            return
        self._question(state)

    def on_question_screen_submit_requested(self, message: QuestionScreen.SubmitRequested) -> None:
        self._submit(message.attempt_id, message.expired)

    @work(thread=True, exclusive=True, group="submit")
    def _submit(self, attempt_id: str, expired: bool) -> None:
        """Score and close off the UI thread; the screen keeps its state if it fails."""
        from dsat.services.errors import ServiceError, StoreError

        assert self.attempt is not None
        try:
            self.attempt.submit(expired)
        except (ServiceError, StoreError) as exc:
            text = exc.message(self.lang) if isinstance(exc, ServiceError) else str(exc)
            self.call_from_thread(self._submit_failed, text)
            return
        self.call_from_thread(self._show_result, attempt_id, expired)

    def _submit_failed(self, text: str) -> None:
        from dsat.tui.screens.question import QuestionScreen

        if isinstance(self.screen, QuestionScreen):
            self.screen.submit_failed(text)
        else:
            self.notify(t("error.submit", self.lang, detail=text), severity="error", markup=False)

    def _show_result(self, attempt_id: str, expired: bool) -> None:
        from dsat.services.errors import StoreError
        from dsat.tui.screens.result import ResultScreen

        assert self.service is not None and self.fw is not None
        try:
            view = self.service.result(attempt_id)
        except StoreError as exc:
            self._storage_error(exc)
            return
        while len(self.screen_stack) > 2:  # a dialog over the question screen
            self.pop_screen()
        self.switch_screen(ResultScreen(view, self.fw, expired))

    def on_result_screen_new_test_requested(self, _: ResultScreen.NewTestRequested) -> None:
        self.show_picker()

    def on_result_screen_sign_out_requested(self, _: Any) -> None:
        self.sign_out()

    def on_picker_screen_sign_out_requested(self, _: Any) -> None:
        self.sign_out()

    def sign_out(self) -> None:
        """The next person gets an empty form (a shared terminal)."""
        self.candidate = None
        screen = IdentifyScreen()
        self.switch_screen(screen)
        if self.service is not None:
            from dsat.services.errors import StoreError

            try:
                codes = self.service.codes_required()
            except StoreError:
                codes = False
            screen.ready(self.service, None, codes)

    def _history(self) -> None:
        from dsat.services.errors import StoreError
        from dsat.tui.screens.history import HistoryScreen

        assert self.candidate is not None and self.service is not None and self.fw is not None
        try:
            rows = self.service.history(self.candidate.employee_id)
        except StoreError as exc:
            self._storage_error(exc)
            return
        self.push_screen(HistoryScreen(rows, self.fw))

    def on_result_screen_history_requested(self, _: ResultScreen.HistoryRequested) -> None:
        self._history()

    def on_picker_screen_history_requested(self, _: PickerScreen.HistoryRequested) -> None:
        self._history()
