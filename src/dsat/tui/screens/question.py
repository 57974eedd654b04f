"""One item per screen: choose with the keyboard, Enter saves and moves on.

An answer shows as saved only once the service has committed it. The timer on screen
is for the candidate's information; the deadline itself is enforced by the service.

Every key of this screen is handled here, in the screen's own message queue, and moving
to another item awaits the new item's widgets: a key pressed during the change waits and
then applies to the item now shown, never to the one being left.

In an adaptive test the items come one at a time and answers are final: there is no
going back, no flag and no review; after the last item the test offers to submit.
A busy or full database never closes the screen: the message says so and the answer stays.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from dsat.domain.framework import Framework
from dsat.domain.scoring import is_answered
from dsat.services.assessment import AssessmentService, AttemptState, Slot
from dsat.services.errors import ServiceError, StoreError
from dsat.tui.format import clock_time, duration
from dsat.tui.screens.base import DsatScreen
from dsat.tui.screens.modals import Confirm
from dsat.tui.screens.review import ReviewScreen
from dsat.tui.widgets.answers import (
    Confirmed,
    KeyAnswer,
    TextAnswer,
    answer_widget,
    pending_value,
)
from dsat.tui.widgets.keybar import KeyBar
from dsat.tui.widgets.tasks import DataTaskAnswer

HINTS = {
    "choice": "question.hint.choice",
    "multi": "question.hint.multi",
    "text": "question.hint.text",
    "number": "question.hint.number",
    "matching": "question.hint.matching",
    "ordering": "question.hint.ordering",
    "task": "question.hint.task_{answer_kind}",
}
TASK_LABELS = ("filter", "count", "files", "answer", "from", "received", "subject")


PREV_KEYS = ("left", "pageup")
NEXT_KEYS = ("right", "pagedown")
TEXT_NAV_KEYS = ("pageup", "pagedown")  # in a text box, ←/→ move the cursor


class QuestionScreen(DsatScreen[None]):
    AUTO_FOCUS = "TextAnswer"

    class SubmitRequested(Message):
        """Close the attempt (the candidate submitted, or its time ran out)."""

        def __init__(self, attempt_id: str, expired: bool):
            self.attempt_id, self.expired = attempt_id, expired
            super().__init__()

    def __init__(self, service: AssessmentService, framework: Framework, state: AttemptState):
        super().__init__()
        self.service, self.fw, self.state = service, framework, state
        self.index = state.current
        self.pending: dict[int, Any] = {}
        self.notice = ""
        self.closing = False
        self.grace_offered = False
        self.skip_armed: int | None = None  # adaptive: Enter pressed once on a blank answer

    # --- layout ----------------------------------------------------------------------------
    @property
    def slot(self) -> Slot:
        return self.state.slots[self.index]

    @property
    def adaptive(self) -> bool:
        return self.state.adaptive

    def _header(self) -> str:
        lang = self.app.lang  # type: ignore[attr-defined]
        comp = self.fw.competency(self.slot.competency_id)
        name = comp.name.get(lang) if comp else self.slot.competency_id
        if self.adaptive:
            progress = self.t("question.progress_adaptive", n=self.index + 1)
        else:
            progress = self.t("question.progress", n=self.index + 1, total=len(self.state.slots))
        left = self.t(
            "question.time_left", time=duration(self.service.remaining(self.state.attempt))
        )
        return f"{progress}  ·  {self.slot.competency_id} {name}  ·  {left}"

    def _status(self) -> str:
        if self.notice:
            return self.notice
        parts = []
        if self.slot.flagged:
            parts.append(self.t("question.flagged"))
        if self.slot.saved_at and is_answered(self.slot.answer):
            parts.append(self.t("question.saved", time=clock_time(self.slot.saved_at)))
        else:
            parts.append(self.t("question.not_saved"))
        return "   ".join(parts)

    def compose(self) -> ComposeResult:
        lang = self.app.lang  # type: ignore[attr-defined]
        self.composed_lang = lang
        item = self.slot.item
        yield Static(self._header(), id="progress", classes="bar", markup=False)
        with VerticalScroll(id="body", can_focus=False):
            yield Static(self.t(f"question.type.{item.item_type}"), classes="muted")
            yield Static(item.stem.get(lang), id="stem", markup=False)
            if item.task is not None:
                yield Static(item.task.prompt.get(lang), id="task-question", markup=False)
            if item.unit:
                yield Static(self.t("question.unit", unit=item.unit.get(lang)), markup=False)
            value = self.pending.get(self.index, self.slot.answer)
            labels = {k: self.t(f"task.{k}") for k in TASK_LABELS}
            yield answer_widget(item, value, self.t("question.your_order"), lang, labels)
        yield Static(self._status(), id="status", markup=False)
        hint_key = HINTS[item.kind].format(answer_kind=item.task.answer_kind if item.task else "")
        hint = self.t(hint_key, n=len(item.choices))
        yield Static(hint, id="hint", classes="muted", markup=False)
        moves = f"{self.t('key.prev')}/{self.t('key.next')}"
        keys = [("←/→", moves), ("f", self.t("key.flag")), ("r", self.t("key.review"))]
        if item.kind in ("text", "number") or (item.task and item.task.table):
            keys = [("PgUp/PgDn", moves), ("Esc", self.t("key.leave_box")), *keys[1:]]
        if item.task and item.task.table:
            keys.append(("F3", self.t("key.files")))
        if self.adaptive:
            keys = [("Enter", self.t("key.confirm"))]
        yield KeyBar([*keys, ("F2", self.t("key.lang"))])

    def on_mount(self) -> None:
        self.set_interval(1, self._tick)

    def relabel(self) -> None:
        self._keep_pending()
        super().relabel()

    async def on_key(self, event: events.Key) -> None:
        """The one entry for keys: navigation, flag, review, then the answer widget."""
        key, text_item = event.key, isinstance(self.focused, Input | DataTable)
        if key == "f3" and self.slot.item.task and self.slot.item.task.table:
            self.action_files()
        elif key == "escape" and text_item:
            self.set_focus(None)  # leave the text box: f, r and ←/→ work again
        elif key in (TEXT_NAV_KEYS[:1] if text_item else PREV_KEYS):
            await self._move(-1)
        elif key in (TEXT_NAV_KEYS[1:] if text_item else NEXT_KEYS):
            await self._move(1)
        elif key == "f" and not text_item:
            self.action_flag()
        elif key == "r" and not text_item:
            self.action_review()
        elif isinstance(self.focused, DataTable):
            if key != "s":
                return  # the table moves its cursor
            self.query_one("#answer", DataTaskAnswer).sort_by_cursor()
        elif isinstance(self.focused, Input) and not isinstance(self.focused, TextAnswer):
            return  # the data task's filter box
        else:
            widget = self.query("#answer").first()
            if isinstance(widget, DataTaskAnswer):
                widget = widget.query_one("#task-answer", TextAnswer)
            if isinstance(widget, TextAnswer):
                if text_item or not event.is_printable:
                    return  # the text box and the app's bindings deal with it
                widget.insert_text_at_cursor(event.character or "")  # typed during a change
                widget.focus()
            elif isinstance(widget, KeyAnswer):
                result = widget.answer_key(key, event.character)
                if result is None:
                    return  # not an answer key: let the app's bindings have it
                if result == "confirm":
                    await self._confirm(pending_value(widget))
            else:
                return
        event.stop()
        event.prevent_default()

    # --- behaviour -------------------------------------------------------------------------
    def _keep_pending(self) -> None:
        widgets = self.query("#answer")
        if widgets:
            value = pending_value(widgets.first())
            if value != self.slot.answer:
                self.pending[self.index] = value
            else:
                self.pending.pop(self.index, None)

    async def _show(self, index: int, keep: bool = True) -> None:
        if keep:
            self._keep_pending()
        self.index = index
        self.notice = ""
        # where a resume lands; a busy database loses only that (answers are saved apart)
        with contextlib.suppress(StoreError):
            self.service.move(self.state.attempt.id, index)
        await self.recompose()
        boxes = self.query(TextAnswer)
        if boxes:
            boxes.first().focus()
        else:
            self.set_focus(None)

    def action_files(self) -> None:
        """The data task's table as CSV and XLSX: to the downloads folder in a terminal, as
        downloads in a browser."""
        import io

        from dsat.services.tasks import task_files

        task = self.slot.item.task
        assert task is not None
        lang = self.app.lang  # type: ignore[attr-defined]
        stem = f"dsat-{self.state.attempt.id[:8]}-{self.index + 1}"
        folder = getattr(self.app, "downloads", None)
        names = []
        for name, data in task_files(task, lang, stem):
            self.app.deliver_binary(io.BytesIO(data), save_filename=name, save_directory=folder)
            names.append(name)
        self._error(self.t("task.files_saved", names=", ".join(names)))

    def _update(self, selector: str, text: str) -> None:
        """Change a line of the screen, if it is there: the timer and workers may call
        while the screen is being recomposed for the next item (its widgets then come
        back drawn from the state, which holds the news)."""
        for widget in self.query(selector).results(Static):
            widget.update(text)

    def _tick(self) -> None:
        if self.closing:
            return
        if self.service.remaining(self.state.attempt) <= 0:
            if self.service.grace_left(self.state.attempt) <= 0:
                self._finish(expired=True)
            elif not self.grace_offered:
                self.grace_offered = True
                self._offer_grace()
            return
        self._update("#progress", self._header())

    def _offer_grace(self) -> None:
        """Time is up, but the attempt may still be submitted for a short while."""
        seconds = self.service.grace_left(self.state.attempt)
        body = {lang: self._t(lang, "grace.body", seconds=seconds) for lang in ("vi", "en")}

        def chosen(submit: bool | None) -> None:
            if submit and not self.closing:
                self._finish(expired=False)

        self.app.push_screen(Confirm("grace.title", body, "grace.submit", "grace.wait"), chosen)

    def _t(self, lang: str, key: str, **params: Any) -> str:
        from dsat.i18n import t

        return t(key, lang, **params)

    def _finish(self, expired: bool) -> None:
        """Ask the app to submit (off the UI thread); the screen stays until it is done."""
        if self.closing:
            return
        self.closing = True
        self._error(self.t("question.submitting"))
        self.post_message(self.SubmitRequested(self.state.attempt.id, expired))

    def submit_failed(self, message: str) -> None:
        """The submission did not go through (a busy or full database): try again later."""
        self.closing = False
        self._error(self.t("error.submit", detail=message))

    def _error(self, message: str) -> None:
        self.notice = message
        self._update("#status", message)

    async def on_confirmed(self, event: Confirmed) -> None:
        event.stop()
        await self._confirm(event.value)

    async def _confirm(self, value: Any) -> None:
        if self.closing:
            return
        if self.slot.item.kind == "ordering" and value is None:
            widget = self.query_one("#answer")
            if getattr(widget, "value", None):
                self._error(self.t("question.order_incomplete"))
                return
        if not is_answered(value) and not is_answered(self.slot.answer):
            if not self.adaptive:
                await self._advance()
                return
            if self.skip_armed != self.index:  # final in an adaptive test: ask once more
                self.skip_armed = self.index
                self._error(self.t("question.skip_confirm"))
                return
        self.skip_armed = None
        try:
            saved = self.service.answer(self.state.attempt.id, self.index, value)
        except ServiceError as exc:
            if exc.code == "error.time_up" and self.service.grace_left(self.state.attempt):
                self._error(self.t("grace.no_changes"))
            elif exc.code in ("error.time_up", "error.closed"):
                self._finish(expired=exc.code == "error.time_up")
            else:
                self._error(exc.message(self.app.lang))  # type: ignore[attr-defined]
            return
        except StoreError as exc:  # disk full, busy, read-only: keep the answer on screen
            self.pending[self.index] = value
            detail = self.t("error.storage", detail=str(exc))
            self._error(self.t("question.save_failed", error=detail))
            return
        self.pending.pop(self.index, None)
        slots = list(self.state.slots)
        slots[self.index] = replace(self.slot, answer=saved.value, saved_at=saved.saved_at)
        self.state = replace(self.state, slots=slots, finished=saved.finished)
        if self.adaptive:
            await self._adaptive_next(saved.finished)
        else:
            await self._advance()

    async def _adaptive_next(self, finished: bool) -> None:
        if finished:
            self._offer_submit()
            return
        try:
            self.state = self.service.state(self.state.attempt.id)
        except StoreError as exc:
            self._error(self.t("error.database", detail=str(exc)))
            return
        await self._show(self.state.current, keep=False)

    async def _advance(self) -> None:
        """After a confirmation: the next item, or the review after the last one."""
        if self.index + 1 < len(self.state.slots):
            await self._show(self.index + 1, keep=False)
        else:
            await self._show(self.index, keep=False)
            self.action_review()

    async def _move(self, step: int) -> None:
        if self.adaptive:
            return  # answers are final in an adaptive test
        target = self.index + step
        if 0 <= target < len(self.state.slots):
            await self._show(target)

    def action_flag(self) -> None:
        if self.adaptive:
            return
        flagged = not self.slot.flagged
        try:
            self.service.flag(self.state.attempt.id, self.index, flagged)
        except ServiceError as exc:
            self._error(exc.message(self.app.lang))  # type: ignore[attr-defined]
            return
        except StoreError as exc:
            self._error(self.t("error.database", detail=str(exc)))
            return
        slots = list(self.state.slots)
        slots[self.index] = replace(self.slot, flagged=flagged)
        self.state = replace(self.state, slots=slots)
        self.notice = ""  # an earlier failure is over: the line says what holds now
        self._update("#status", self._status())

    def action_review(self) -> None:
        if self.adaptive:
            if self.state.finished:
                self._offer_submit()
            return
        self._keep_pending()
        self.app.push_screen(ReviewScreen(self.state.slots), self._after_review)

    async def _after_review(self, choice: int | str | None) -> None:
        if choice == "submit":
            self._offer_submit()
        elif isinstance(choice, int):
            await self._show(choice)

    def _offer_submit(self) -> None:
        answered = sum(1 for s in self.state.slots if s.answered)
        total = len(self.state.slots)
        body = {}
        for lang in ("vi", "en"):
            key = "submit.body_adaptive" if self.adaptive else "submit.body"
            text = self._t(lang, key, answered=answered, total=total)
            if answered < total and not self.adaptive:
                text += " " + self._t(lang, "submit.body_unanswered", unanswered=total - answered)
            body[lang] = text
        self.app.push_screen(
            Confirm("submit.title", body, "submit.yes", "submit.no"), self._after_confirm
        )

    def _after_confirm(self, yes: bool | None) -> None:
        if yes:
            self._finish(expired=False)
        elif not self.adaptive:
            self.action_review()
