"""The result: a level per competency, how levels are set, and every item with its answer."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from dsat.domain.framework import Framework
from dsat.services.assessment import ResultView
from dsat.tui.screens.base import DsatScreen
from dsat.tui.widgets.keybar import KeyBar


class ResultScreen(DsatScreen[None]):
    BINDINGS = [
        Binding("n", "new_test", show=False),
        Binding("h", "history", show=False),
        Binding("q", "app.quit", show=False),
    ]

    class NewTestRequested(Message):
        """The candidate wants to take another test."""

    class HistoryRequested(Message):
        """The candidate asked for their past tests."""

    def __init__(self, view: ResultView, framework: Framework, expired: bool = False):
        super().__init__()
        self.view, self.fw, self.expired = view, framework, expired

    def _band(self, band_id: str) -> str:
        return self.fw.band(band_id).name.get(self.app.lang)

    def _table(self) -> Table:
        table = Table(expand=True, show_edge=False)
        for key in ("result.competency", "result.score", "result.level", "result.self"):
            table.add_column(self.t(key))
        for r in self.view.results:
            comp = self.fw.competency(r.competency_id)
            name = f"{r.competency_id} {comp.name.get(self.app.lang) if comp else ''}"
            verdict = self.t("result.proficient" if r.proficient else "result.not_proficient")
            level = Text(f"{self._band(r.band)} — ")
            level.append(verdict, style="bold green" if r.proficient else "bold yellow")
            table.add_row(
                Text(name),
                f"{round(r.raw, 2):g}/{round(r.max, 2):g} ({r.percent:.0f}%)",
                level,
                self._band(r.self_band) if r.self_band else "—",
            )
        return table

    def _rule(self) -> str:
        bands = "; ".join(
            f"{b.name.get(self.app.lang)} ≥ {b.min_percent:g}%" for b in self.fw.bands
        )
        return self.t("result.rule", bands=bands, proficient=self._band(self.fw.proficient_band))

    def _item(self, n: int, item) -> Text:  # type: ignore[no-untyped-def]
        text = Text()
        text.append(f"{n}. ", style="bold")
        text.append(item.stem, style="bold")
        if not item.scored:
            text.append(f"\n   {self.t('result.self_item')}: ", style="dim")
            text.append(item.your_answer or self.t("result.no_answer"))
            return text
        mark, style = (
            ("✓", "green")
            if item.fraction >= 1
            else ("◐", "yellow")
            if item.fraction > 0
            else ("✗", "red")
        )
        text.append(f"\n   {mark} {self.t('result.your_answer')}: ", style=style)
        text.append(item.your_answer or self.t("result.no_answer"))
        if item.fraction < 1:
            text.append(f"  ({self.t('result.points', percent=item.fraction * 100)})", style="dim")
            text.append(f"\n   {self.t('result.right_answer')}: ", style="bold")
            text.append(item.right_answer or "")
        if item.explanation:
            text.append(f"\n   {self.t('result.explanation')}: ", style="italic")
            text.append(item.explanation)
        return text

    def compose(self) -> ComposeResult:
        self.composed_lang = self.app.lang
        yield Static(self.t("result.title"), classes="title")
        with VerticalScroll(id="body"):
            if self.expired or self.view.attempt.status == "expired":
                yield Static(self.t("result.expired"), classes="error")
            yield Static(self._table(), id="results")
            for r in self.view.results:
                if r.self_disagrees:
                    yield Static(
                        self.t(
                            "result.disagree",
                            own=self._band(r.self_band or ""),
                            measured=self._band(r.band),
                        ),
                        classes="notice",
                    )
                yield Static(
                    Text(self.fw.band(r.band).feedback.get(self.app.lang), style="italic"),
                    classes="feedback",
                )
            yield Static(self._rule(), id="rule", classes="muted")
            yield Static(self.t("result.items"), classes="title")
            for n, item in enumerate(self.view.items, 1):
                yield Static(self._item(n, item), classes="reviewed")
        yield KeyBar(
            [
                ("↑/↓", ""),
                ("n", self.t("key.new_test")),
                ("h", self.t("key.history")),
                ("F2", self.t("key.lang")),
                ("q", self.t("key.quit")),
            ]
        )

    def on_mount(self) -> None:
        self.query_one("#body").focus()

    def relabel(self) -> None:
        self.view = self.app.service.result(self.view.attempt.id, self.app.lang)  # type: ignore[attr-defined]
        super().relabel()

    def action_new_test(self) -> None:
        self.post_message(self.NewTestRequested())

    def action_history(self) -> None:
        self.post_message(self.HistoryRequested())
