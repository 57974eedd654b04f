"""What every dsat screen shares: catalogue look-up and re-rendering when the app's language
changes (the app's `lang` is reactive and every screen redraws from language-neutral data)."""

from __future__ import annotations

from typing import Any, TypeVar

from textual.screen import ModalScreen, Screen

from dsat.i18n import t


class _Texts:
    composed_lang: str | None = None

    def t(self, key: str, /, **params: Any) -> str:
        return t(key, self.app.lang, **params)  # type: ignore[attr-defined]

    def relabel(self) -> None:
        """Redraw in the app's current language (state lives in attributes, not widgets).

        The focus goes back to the widget of the same id, so keys work as before F2 (Enter
        on a dialog's button, arrows in a table)."""
        if self.is_mounted:  # type: ignore[attr-defined]
            focused = self.focused  # type: ignore[attr-defined]
            self.refresh(recompose=True)  # type: ignore[attr-defined]
            if focused is not None and focused.id:
                self.call_after_refresh(self._refocus, focused.id)  # type: ignore[attr-defined]

    def _refocus(self, widget_id: str) -> None:
        if self.focused is None:  # type: ignore[attr-defined]
            for widget in self.query(f"#{widget_id}"):  # type: ignore[attr-defined]
                widget.focus()
                break

    def on_screen_resume(self) -> None:
        if self.composed_lang is not None and self.composed_lang != self.app.lang:  # type: ignore[attr-defined]
            self.relabel()


ResultT = TypeVar("ResultT")


class DsatScreen(_Texts, Screen[ResultT]):
    """A full screen of the app; `ResultT` is what it dismisses with, if anything."""


class DsatModal(_Texts, ModalScreen[ResultT]):
    """A dialog over the current screen, dismissed with a `ResultT`."""
