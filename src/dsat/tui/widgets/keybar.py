"""A line of key hints whose labels come from the message catalogue."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def _line(keys: list[tuple[str, str]]) -> Text:
    text = Text()
    for i, (key, label) in enumerate(keys):
        if i:
            text.append("  ")
        text.append(f" {key} ", style="bold reverse")
        text.append(f" {label}")
    return text


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, keys: list[tuple[str, str]], **kw: object):
        super().__init__(_line(keys), **kw)  # type: ignore[arg-type]

    def show(self, keys: list[tuple[str, str]]) -> None:
        self.update(_line(keys))
