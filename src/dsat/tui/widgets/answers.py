"""Answer widgets: each keeps the pending (not yet confirmed) answer.

The choice, matching and ordering widgets take no focus: the question screen routes keys
to them through `answer_key`, in its own message queue, so a key typed right after Enter
reaches the next item and never the one being left. Digits 1-9 pick choices everywhere;
letters a-z are aliases by position, except the screen's command letters. The text answer
is an Input and posts `Confirmed` when Enter is pressed.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

from dsat.domain.presentation import PresentedItem
from dsat.domain.text import Lang, clean

COMMAND_LETTERS = frozenset("fr")


def choice_index(key: str, n: int) -> int | None:
    """The 0-based choice a key stands for, or None."""
    if len(key) == 1 and key.isdigit() and 1 <= int(key) <= n:
        return int(key) - 1
    if len(key) == 1 and key.isalpha() and key.isascii() and key not in COMMAND_LETTERS:
        idx = ord(key.lower()) - ord("a")
        return idx if idx < n else None
    return None


class Confirmed(Message):
    """The candidate pressed Enter on an answer."""

    def __init__(self, value: Any):
        self.value = value
        super().__init__()


class KeyAnswer(Widget):
    """A widget the screen feeds keys to. `answer_key` says what the key did."""

    DEFAULT_CSS = """
    KeyAnswer { height: auto; padding: 0 1; }
    """

    def answer_key(self, key: str, character: str | None) -> str | None:
        """'confirm' for Enter, 'changed' when the key changed the answer, else None."""
        if key == "enter":
            return "confirm"
        if not self.apply_key(key, character):
            return None
        self.refresh(layout=True)
        return "changed"

    def apply_key(self, key: str, character: str | None) -> bool:
        """Change the pending answer for this key; False when the key is not for us."""
        return False


class ChoiceAnswer(KeyAnswer):
    """Single (radio) or multiple (tick boxes) choice; also true/false and self-rating."""

    def __init__(
        self, item: PresentedItem, value: Any, lang: Lang = "vi", multi: bool | None = None,
        **kw: Any,
    ):  # fmt: skip
        super().__init__(**kw)
        self.item, self.lang = item, lang
        self.multi = item.kind == "multi" if multi is None else multi
        self.value: Any = list(value or []) if self.multi else value
        self.cursor = 0
        values = [c.value for c in item.choices]
        if not self.multi and value in values:
            self.cursor = values.index(value)

    def _pick(self, index: int) -> None:
        chosen = self.item.choices[index].value
        if self.multi:
            self.value = (
                [v for v in self.value if v != chosen]
                if chosen in self.value
                else [*self.value, chosen]
            )
        else:
            self.value = chosen
        self.cursor = index

    def apply_key(self, key: str, character: str | None) -> bool:
        n = len(self.item.choices)
        idx = choice_index(character or "", n)
        if idx is not None:
            self._pick(idx)
        elif key == "down":
            self.cursor = (self.cursor + 1) % n
        elif key == "up":
            self.cursor = (self.cursor - 1) % n
        elif key == "space":
            self._pick(self.cursor)
        else:
            return False
        return True

    def render(self) -> Text:
        out = Text()
        for i, choice in enumerate(self.item.choices):
            on = choice.value in self.value if self.multi else choice.value == self.value
            mark = ("[x]" if on else "[ ]") if self.multi else ("(•)" if on else "( )")
            style = "reverse" if i == self.cursor else ""
            line = Text(f" {i + 1}  {mark} ", style=style)
            line.append(clean(choice.text.get(self.lang)), style=style + (" bold" if on else ""))
            out.append_text(line)
            out.append("\n")
        return out


class TextAnswer(Input):
    """Short answer or number; Enter confirms. Pasted control characters never stay."""

    def on_input_changed(self, event: Input.Changed) -> None:
        cleaned = clean(event.value).replace("\n", " ")
        if cleaned != event.value:
            self.value = cleaned

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(Confirmed(clean(self.value)))


class MatchingAnswer(KeyAnswer):
    """Left lines in order; ↑/↓ choose a line, a digit assigns a right entry to it."""

    def __init__(self, item: PresentedItem, value: Any, lang: Lang = "vi", **kw: Any):
        super().__init__(**kw)
        self.item, self.lang = item, lang
        self.value: list[Any] = list(value) if value else [None] * len(item.lefts)
        self.row = 0

    def apply_key(self, key: str, character: str | None) -> bool:
        idx = choice_index(character or "", len(self.item.choices))
        if idx is not None:
            self.value[self.row] = self.item.choices[idx].value
            self.row = min(self.row + 1, len(self.item.lefts) - 1)
        elif key == "down":
            self.row = (self.row + 1) % len(self.item.lefts)
        elif key == "up":
            self.row = (self.row - 1) % len(self.item.lefts)
        elif key in ("backspace", "delete"):
            self.value[self.row] = None
        else:
            return False
        return True

    def render(self) -> Text:
        label = {c.value: str(i + 1) for i, c in enumerate(self.item.choices)}
        out = Text()
        for i, left in enumerate(self.item.lefts):
            chosen = self.value[i]
            style = "reverse" if i == self.row else ""
            out.append(f" {chr(ord('A') + i)}. ", style=style)
            out.append(clean(left.get(self.lang)), style=style)
            out.append(f"  →  [{label[chosen] if chosen is not None else ' '}]\n", style="bold")
        out.append("\n")
        for i, choice in enumerate(self.item.choices):
            out.append(f" {i + 1}  ", style="bold")
            out.append(clean(choice.text.get(self.lang)))
            out.append("\n")
        return out


class OrderingAnswer(KeyAnswer):
    """Steps shown shuffled; digits build the order, Backspace removes the last."""

    def __init__(
        self, item: PresentedItem, value: Any, your_order: str, lang: Lang = "vi", **kw: Any
    ):
        super().__init__(**kw)
        self.item, self.your_order, self.lang = item, your_order, lang
        self.value: list[Any] = list(value) if value else []

    def apply_key(self, key: str, character: str | None) -> bool:
        idx = choice_index(character or "", len(self.item.choices))
        if idx is not None:
            chosen = self.item.choices[idx].value
            if chosen not in self.value:
                self.value.append(chosen)
        elif key == "backspace":
            self.value = self.value[:-1]
        else:
            return False
        return True

    @property
    def complete(self) -> bool:
        return len(self.value) == len(self.item.choices)

    def render(self) -> Text:
        label = {c.value: str(i + 1) for i, c in enumerate(self.item.choices)}
        out = Text()
        for i, choice in enumerate(self.item.choices):
            used = choice.value in self.value
            out.append(f" {i + 1}  ", style="bold")
            out.append(clean(choice.text.get(self.lang)), style="dim" if used else "")
            out.append("\n")
        out.append(f"\n {self.your_order} ", style="bold")
        out.append(" → ".join(label[v] for v in self.value) or "—")
        out.append("\n")
        return out


def answer_widget(
    item: PresentedItem, value: Any, your_order: str, lang: Lang = "vi",
    labels: dict[str, str] | None = None,
) -> Widget:  # fmt: skip
    """The widget for an item's kind; `labels`: the task widgets' words in `lang`."""
    if item.kind == "task":
        from dsat.tui.widgets.tasks import task_widget

        return task_widget(item, value, lang, labels or {})
    if item.kind in ("choice", "multi"):
        return ChoiceAnswer(item, value, lang, id="answer")
    if item.kind in ("text", "number"):
        return TextAnswer(value=clean(value or ""), id="answer", max_length=2000)
    if item.kind == "matching":
        return MatchingAnswer(item, value, lang, id="answer")
    return OrderingAnswer(item, value, your_order, lang, id="answer")


def pending_value(widget: Widget) -> Any:
    if isinstance(widget, TextAnswer):
        return widget.value
    if isinstance(widget, OrderingAnswer):
        return list(widget.value) if widget.complete else None
    return getattr(widget, "value", None)
