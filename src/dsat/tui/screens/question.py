"""One item per screen: choose with the keyboard, Enter saves and moves on.

An answer shows as saved only once the service has committed it. The timer on screen
is for the candidate's information; the deadline itself is enforced by the service.

Every key of this screen is handled here, in the screen's own message queue, and moving
to another item awaits the new item's widgets: a key pressed during the change waits and
then applies to the item now shown, never to the one being left.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from dsat.domain.framework import Framework
from dsat.domain.scoring import is_answered
from dsat.services.assessment import AssessmentService, AttemptState
from dsat.services.errors import ServiceError
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

HINTS = {
    "choice": "question.hint.choice",
    "multi": "question.hint.multi",
    "text": "question.hint.text",
    "number": "question.hint.number",
    "matching": "question.hint.matching",
    "ordering": "question.hint.ordering",
}


PREV_KEYS = ("left", "pageup")
NEXT_KEYS = ("right", "pagedown")
TEXT_NAV_KEYS = ("pageup", "pagedown")  # in a text box, ←/→ move the cursor


class QuestionScreen(DsatScreen[None]):
    AUTO_FOCUS = "TextAnswer"

    class Finished(Message):
        """The attempt is closed (submitted, or its time ran out)."""

        def __init__(self, attempt_id: str, expired: bool):
            self.attempt_id, self.expired = attempt_id, expired
            super().__init__()

    def __init__(self, service: AssessmentService, framework: Framework, state: AttemptState):
        super().__init__()
        self.service, self.fw, self.state = service, framework, state
        self.index = min(state.attempt.position, len(state.slots) - 1)
        self.pending: dict[int, Any] = {}
        self.notice = ""
        self.closing = False
        self.grace_offered = False
        self.ticks = 0

    # --- layout ----------------------------------------------------------------------------
    @property
    def slot(self) -> Any:
        return self.state.slots[self.index]

    def _header(self) -> str:
        comp = self.fw.competency(self.slot.competency_id)
        name = comp.name.get(self.app.lang) if comp else self.slot.competency_id
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
        self.composed_lang = self.app.lang
        item = self.slot.item
        yield Static(self._header(), id="progress", classes="bar", markup=False)
        with VerticalScroll(id="body", can_focus=False):
            yield Static(self.t(f"question.type.{item.item_type}"), classes="muted")
            yield Static(item.stem, id="stem", markup=False)
            if item.unit:
                yield Static(self.t("question.unit", unit=item.unit), markup=False)
            value = self.pending.get(self.index, self.slot.answer)
            yield answer_widget(item, value, self.t("question.your_order"))
        yield Static(self._status(), id="status", markup=False)
        hint = self.t(HINTS[item.kind], n=len(item.choices))
        yield Static(hint, id="hint", classes="muted", markup=False)
        moves = f"{self.t('key.prev')}/{self.t('key.next')}"
        keys = [("←/→", moves), ("f", self.t("key.flag")), ("r", self.t("key.review"))]
        if item.kind in ("text", "number"):
            keys = [("PgUp/PgDn", moves), ("Esc", self.t("key.leave_box")), *keys[1:]]
        yield KeyBar([*keys, ("F2", self.t("key.lang"))])

    def on_mount(self) -> None:
        self.set_interval(1, self._tick)

    def relabel(self) -> None:
        self._keep_pending()
        self.state = self.service.state(self.state.attempt.id, self.app.lang)
        super().relabel()

    async def on_key(self, event: events.Key) -> None:
        """The one entry for keys: navigation, flag, review, then the answer widget."""
        key, text_item = event.key, isinstance(self.focused, TextAnswer)
        if key == "escape" and text_item:
            self.set_focus(None)  # leave the text box: f, r and ←/→ work again
        elif key in (TEXT_NAV_KEYS[:1] if text_item else PREV_KEYS):
            await self._move(-1)
        elif key in (TEXT_NAV_KEYS[1:] if text_item else NEXT_KEYS):
            await self._move(1)
        elif key == "f" and not text_item:
            self.action_flag()
        elif key == "r" and not text_item:
            self.action_review()
        else:
            widget = self.query("#answer").first()
            if isinstance(widget, TextAnswer):
                if text_item or not event.is_printable:
                    return  # the text box and the app's bindings deal with it
                widget.insert_text_at_cursor(event.character or "")  # typed during a change
                widget.focus()
            elif isinstance(widget, KeyAnswer):
                result = widget.handle_key(key, event.character)
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
        self.service.move(self.state.attempt.id, index)
        await self.recompose()
        answer = self.query_one("#answer")
        if isinstance(answer, TextAnswer):
            answer.focus()
        else:
            self.set_focus(None)

    def _tick(self) -> None:
        if self.closing:
            return
        self.ticks += 1
        if self.ticks % 20 == 0:  # this session still shows the attempt
            self.service.still_here(self.state.attempt.id, self.app.session)
        if self.service.remaining(self.state.attempt) <= 0:
            if self.service.grace_left(self.state.attempt) <= 0:
                self._finish(expired=True)
            elif not self.grace_offered:
                self.grace_offered = True
                self._offer_grace()
            return
        self.query_one("#progress", Static).update(self._header())

    def _offer_grace(self) -> None:
        """Time is up, but the attempt may still be submitted for a short while."""
        body = self.t("grace.body", seconds=self.service.grace_left(self.state.attempt))

        def chosen(submit: bool | None) -> None:
            if submit and not self.closing:
                self._finish(expired=False)

        self.app.push_screen(Confirm("grace.title", body, "grace.submit", "grace.wait"), chosen)

    def _finish(self, expired: bool) -> None:
        self.closing = True
        self.service.submit(self.state.attempt.id, expired=expired)
        self.service.let_go(self.state.attempt.id, self.app.session)
        self.post_message(self.Finished(self.state.attempt.id, expired))

    def _error(self, message: str) -> None:
        self.notice = message
        self.query_one("#status", Static).update(message)

    async def on_confirmed(self, event: Confirmed) -> None:
        event.stop()
        await self._confirm(event.value)

    async def _confirm(self, value: Any) -> None:
        if self.slot.item.kind == "ordering" and value is None:
            widget = self.query_one("#answer")
            if getattr(widget, "value", None):
                self._error(self.t("question.order_incomplete"))
                return
        if not is_answered(value) and not is_answered(self.slot.answer):
            await self._advance()
            return
        try:
            saved = self.service.answer(self.state.attempt.id, self.index, value)
        except ServiceError as exc:
            if exc.code == "error.time_up" and self.service.grace_left(self.state.attempt):
                self._error(self.t("grace.no_changes"))
            elif exc.code in ("error.time_up", "error.closed"):
                self._finish(expired=exc.code == "error.time_up")
            else:
                self._error(exc.message(self.app.lang))
            return
        except sqlite3.Error as exc:  # disk full, read-only file: keep the answer on screen
            self.pending[self.index] = value
            detail = self.t("error.storage", detail=str(exc))
            self._error(self.t("question.save_failed", error=detail))
            return
        self.pending.pop(self.index, None)
        slots = list(self.state.slots)
        slots[self.index] = replace(self.slot, answer=saved.value, saved_at=saved.saved_at)
        self.state = replace(self.state, slots=slots)
        await self._advance()

    async def _advance(self) -> None:
        """After a confirmation: the next item, or the review after the last one."""
        if self.index + 1 < len(self.state.slots):
            await self._show(self.index + 1, keep=False)
        else:
            await self._show(self.index, keep=False)
            self.action_review()

    async def _move(self, step: int) -> None:
        target = self.index + step
        if 0 <= target < len(self.state.slots):
            await self._show(target)

    def action_flag(self) -> None:
        flagged = not self.slot.flagged
        try:
            self.service.flag(self.state.attempt.id, self.index, flagged)
        except ServiceError as exc:
            self._error(exc.message(self.app.lang))
            return
        slots = list(self.state.slots)
        slots[self.index] = replace(self.slot, flagged=flagged)
        self.state = replace(self.state, slots=slots)
        self.query_one("#status", Static).update(self._status())

    def action_review(self) -> None:
        self._keep_pending()
        self.app.push_screen(ReviewScreen(self.state.slots), self._after_review)

    async def _after_review(self, choice: int | str | None) -> None:
        if choice == "submit":
            answered = sum(1 for s in self.state.slots if s.answered)
            total = len(self.state.slots)
            body = self.t("submit.body", answered=answered, total=total)
            if answered < total:
                body += " " + self.t("submit.body_unanswered", unanswered=total - answered)
            self.app.push_screen(
                Confirm("submit.title", body, "submit.yes", "submit.no"), self._after_confirm
            )
        elif isinstance(choice, int):
            await self._show(choice)

    def _after_confirm(self, yes: bool | None) -> None:
        if yes:
            self._finish(expired=False)
        else:
            self.action_review()
