"""Choose a competency (or a whole domain), with the candidate's last level for each.

The screen gets language-neutral entries and names them from the framework, so F2 only
redraws it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from dsat.domain.attempts import Candidate
from dsat.domain.framework import Framework
from dsat.domain.text import clean
from dsat.services.assessment import MenuEntry
from dsat.tui.format import level_words
from dsat.tui.screens.base import DsatScreen
from dsat.tui.widgets.keybar import KeyBar


class PickerScreen(DsatScreen[None]):
    BINDINGS = [
        Binding("h", "history", show=False),
        Binding("o", "sign_out", show=False),
        Binding("q", "app.quit", show=False),
    ]

    class Picked(Message):
        def __init__(self, kind: str, scope_id: str):
            self.kind, self.scope_id = kind, scope_id
            super().__init__()

    class HistoryRequested(Message):
        """The candidate asked for their past tests."""

    class SignOutRequested(Message):
        """The candidate is done: an empty sign-in form for the next person."""

    def __init__(self, entries: list[MenuEntry], candidate: Candidate, framework: Framework):
        super().__init__()
        self.entries, self.candidate, self.fw = entries, candidate, framework

    def _scope_name(self, e: MenuEntry) -> str:
        lang = self.app.lang  # type: ignore[attr-defined]
        if e.scope_kind == "area" and (area := self.fw.area(e.scope_id)):
            return area.name.get(lang)
        if e.scope_kind == "competency" and (comp := self.fw.competency(e.scope_id)):
            return comp.name.get(lang)
        return self.fw.name.get(lang)

    def _label(self, e: MenuEntry) -> Text:
        items = self.t("picker.items", n=e.items)
        mode = f", {self.t('picker.adaptive')}" if e.mode == "adaptive" else ""
        if e.scope_kind == "full":
            text = Text(self.t("picker.full"), style="bold")
            text.append(f"  — {self.t('picker.full_note')}{mode}", style="dim")
            return text
        if e.scope_kind == "area":
            text = Text(f"{e.scope_id}. {self._scope_name(e)}", style="bold")
            text.append(f"  — {self.t('picker.area')}, {items}{mode}", style="dim")
            return text
        if e.last_band is not None:
            lang = self.app.lang  # type: ignore[attr-defined]
            band = level_words(self.fw, e.last_band, e.last_sure, e.last_enough, lang)
            last = self.t("picker.last", band=band)
        else:
            last = self.t("picker.never")
        text = Text(f"   {e.scope_id} {self._scope_name(e)}")
        text.append(f"  ({items}; {last}{mode})", style="dim")
        return text

    def compose(self) -> ComposeResult:
        self.composed_lang = self.app.lang  # type: ignore[attr-defined]
        yield Static(self.t("picker.title"), classes="title")
        yield Static(
            clean(self.t("picker.hello", name=self.candidate.full_name, unit=self.candidate.unit)),
            classes="muted",
            markup=False,
        )
        yield OptionList(
            *[Option(self._label(e), id=f"{e.scope_kind}:{e.scope_id}") for e in self.entries],
            id="menu",
        )
        yield KeyBar(
            [
                ("↑/↓", ""),
                ("Enter", self.t("key.confirm")),
                ("h", self.t("key.history")),
                ("o", self.t("key.sign_out")),
                ("F2", self.t("key.lang")),
                ("q", self.t("key.quit")),
            ]
        )

    def on_mount(self) -> None:
        menu = self.query_one(OptionList)
        menu.focus()
        first_comp = next(
            (i for i, e in enumerate(self.entries) if e.scope_kind == "competency"), 0
        )
        menu.highlighted = first_comp

    def relabel(self) -> None:
        menu = self.query("#menu")
        highlighted = menu.first(OptionList).highlighted if menu else None
        super().relabel()
        if highlighted is not None:
            self.call_after_refresh(self._restore, highlighted)

    def _restore(self, highlighted: int) -> None:
        menu = self.query_one(OptionList)
        menu.highlighted = highlighted
        menu.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        kind, _, scope_id = (event.option.id or "").partition(":")
        self.post_message(self.Picked(kind, scope_id))

    def action_history(self) -> None:
        self.post_message(self.HistoryRequested())

    def action_sign_out(self) -> None:
        self.post_message(self.SignOutRequested())
