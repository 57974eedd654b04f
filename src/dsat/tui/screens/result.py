"""The result: a level per competency (and per area) with how sure it is, how levels are
set, and, in practice mode, every item with its answer; in assessment mode, what to study.

Every level comes with its precision in plain words ("Intermediate — 92 % sure you are at
least Intermediate"); with too little evidence the screen says so instead of a level.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from dsat.domain.framework import Framework
from dsat.domain.measure import precision
from dsat.domain.text import Lang, clean
from dsat.services.review import ResultView, ReviewedItem
from dsat.tui.screens.base import DsatScreen
from dsat.tui.widgets.keybar import KeyBar


class ResultScreen(DsatScreen[None]):
    BINDINGS = [
        Binding("n", "new_test", show=False),
        Binding("h", "history", show=False),
        Binding("o", "sign_out", show=False),
        Binding("q", "app.quit", show=False),
    ]

    class NewTestRequested(Message):
        """The candidate wants to take another test."""

    class HistoryRequested(Message):
        """The candidate asked for their past tests."""

    class SignOutRequested(Message):
        """The candidate is done: an empty sign-in form for the next person."""

    def __init__(self, view: ResultView, framework: Framework, expired: bool = False):
        super().__init__()
        self.view, self.fw, self.expired = view, framework, expired

    @property
    def lang(self) -> Lang:
        return self.app.lang  # type: ignore[attr-defined]

    def _band(self, band_id: str) -> str:
        return self.fw.band(band_id).name.get(self.lang)

    def _level(self, area_id: str, band: str, theta: float | None, se: float | None,
               proficient: bool, p_proficient: float | None = None) -> Text:  # fmt: skip
        """The level with its precision, or 'not enough evidence yet'."""
        if theta is None or se is None:  # a result from before levels were measured
            text = Text(self._band(band))
        else:
            p = precision(self.fw, area_id, theta, se, band, p_proficient)
            if not p.enough:
                return Text(self.t("level.not_enough"), style="bold yellow")
            name = self._band(band)
            percent = round(100 * p.sure)
            if self.fw.band_index(band) == 0:
                nxt = self._band(self.fw.bands[1].id)
                text = Text(self.t("level.sure_below", level=name, percent=percent, next=nxt))
            else:
                text = Text(self.t("level.sure", level=name, percent=percent))
        verdict = self.t("result.proficient" if proficient else "result.not_proficient")
        text.append("\n")
        text.append(verdict, style="bold green" if proficient else "bold yellow")
        return text

    def _table(self) -> Table:
        table = Table(expand=True, show_edge=False)
        for key in ("result.competency", "result.score", "result.level", "result.self"):
            table.add_column(self.t(key))
        for r in self.view.results:
            comp = self.fw.competency(r.competency_id)
            area = self.fw.area_of(r.competency_id)
            name = f"{r.competency_id} {comp.name.get(self.lang) if comp else ''}"
            table.add_row(
                Text(name),
                Text(f"{round(r.raw, 2):g}/{round(r.max, 2):g} ({r.percent:.0f}%)"),
                self._level(
                    area.id if area else "", r.band, r.theta, r.se, r.proficient, r.p_proficient
                ),
                Text(self._band(r.self_band) if r.self_band else "—"),
            )
        return table

    def _areas(self) -> Table:
        table = Table(expand=True, show_edge=False)
        table.add_column(self.t("result.area"))
        table.add_column(self.t("result.level"))
        for a in self.view.areas:
            area = self.fw.area(a.area_id)
            name = f"{a.area_id} {area.name.get(self.lang) if area else ''}"
            band = a.band or self.fw.bands[0].id
            table.add_row(
                Text(name),
                self._level(a.area_id, band, a.theta, a.se, a.proficient, a.p_proficient),
            )
        return table

    def _rule(self) -> str:
        bands = "; ".join(b.name.get(self.lang) for b in self.fw.bands)
        return self.t("result.rule", bands=bands, proficient=self._band(self.fw.proficient_band))

    def _item(self, n: int, item: ReviewedItem) -> Text:
        lang = self.lang
        text = Text()
        text.append(f"{n}. ", style="bold")
        text.append(clean(item.stem.get(lang)), style="bold")
        answer = item.your_answer.get(lang) if item.your_answer else self.t("result.no_answer")
        if item.pretest:
            text.append(f"\n   {self.t('result.pretest_item')}: ", style="dim")
            text.append(clean(answer))
            return text
        if not item.scored:
            text.append(f"\n   {self.t('result.self_item')}: ", style="dim")
            text.append(clean(answer))
            return text
        mark, style = (
            ("✓", "green")
            if item.fraction >= 1
            else ("◐", "yellow")
            if item.fraction > 0
            else ("✗", "red")
        )
        text.append(f"\n   {mark} {self.t('result.your_answer')}: ", style=style)
        text.append(clean(answer))
        if item.fraction < 1:
            text.append(f"  ({self.t('result.points', percent=item.fraction * 100)})", style="dim")
            text.append(f"\n   {self.t('result.right_answer')}: ", style="bold")
            text.append(clean(item.right_answer.get(lang)) if item.right_answer else "")
        if item.explanation:
            text.append(f"\n   {self.t('result.explanation')}: ", style="italic")
            text.append(clean(item.explanation.get(lang)))
        return text

    def _study(self) -> Text:
        """Assessment mode: what to study, per competence not yet proficient."""
        text = Text()
        weak = [r for r in self.view.results if not r.proficient and r.max > 0]
        if not weak:
            text.append(self.t("result.study_none"))
            return text
        for r in weak:
            comp = self.fw.competency(r.competency_id)
            if comp is None:
                continue
            text.append(f"• {r.competency_id} {comp.name.get(self.lang)}: ", style="bold")
            text.append(clean(comp.description.get(self.lang)))
            text.append("\n")
        return text

    def compose(self) -> ComposeResult:
        self.composed_lang = self.lang
        yield Static(self.t("result.title"), classes="title")
        with VerticalScroll(id="body"):
            if self.expired or self.view.attempt.status == "expired":
                yield Static(self.t("result.expired"), classes="error")
            if self.view.provisional:
                yield Static(self.t("result.provisional"), classes="notice")
            yield Static(self._table(), id="results")
            if self.view.areas:
                yield Static(self.t("result.areas_title"), classes="title")
                yield Static(self._areas(), id="areas")
            for r in self.view.results:
                if r.self_disagrees:
                    yield Static(
                        self.t(
                            "result.disagree", own=self._band(r.self_band or ""),
                            measured=self._band(r.band),
                        ),
                        classes="notice", markup=False,  # band names: literal
                    )  # fmt: skip
                yield Static(
                    Text(self.fw.band(r.band).feedback.get(self.lang), style="italic"),
                    classes="feedback",
                )
            yield Static(self._rule(), id="rule", classes="muted", markup=False)
            if self.view.practice:
                yield Static(self.t("result.items"), classes="title")
                for n, item in enumerate(self.view.items, 1):
                    yield Static(self._item(n, item), classes="reviewed")
            else:
                yield Static(self.t("result.assessment_note"), classes="muted")
                yield Static(self.t("result.study_title"), classes="title")
                yield Static(self._study(), id="study", classes="feedback")
        yield KeyBar(
            [
                ("↑/↓", ""),
                ("n", self.t("key.new_test")),
                ("h", self.t("key.history")),
                ("o", self.t("key.sign_out")),
                ("F2", self.t("key.lang")),
                ("q", self.t("key.quit")),
            ]
        )

    def on_mount(self) -> None:
        self.query_one("#body").focus()

    def action_new_test(self) -> None:
        self.post_message(self.NewTestRequested())

    def action_history(self) -> None:
        self.post_message(self.HistoryRequested())

    def action_sign_out(self) -> None:
        self.post_message(self.SignOutRequested())
