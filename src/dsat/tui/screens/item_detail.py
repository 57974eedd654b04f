"""One item version's statistics: the item as candidates read it, its figures and flags,
and per option the share who chose it (a bar), the share of the top group and the
point-biserial; the key is marked, a distractor that draws the top group is flagged."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from dsat.tui.screens.base import DsatScreen
from dsat.tui.widgets.keybar import KeyBar

BAR = 30


def share_bar(percent: float, key: bool, flagged: bool) -> Text:
    filled = round(max(0.0, min(100.0, percent)) / 100 * BAR)
    style = "green" if key else ("red" if flagged else "cyan")
    return Text("█" * filled, style=style) + Text("░" * (BAR - filled), style="dim")


def option_texts(item: Any, lang: str) -> dict[str, str]:
    """The options' words by the ids the statistics use."""
    if item.type in ("single", "multiple"):
        return {o.id: o.text.get(lang) for o in item.options}
    if item.type == "true_false":
        return {"true": "Đúng" if lang == "vi" else "True",
                "false": "Sai" if lang == "vi" else "False"}  # fmt: skip
    return {}


class ItemDetailScreen(DsatScreen[None]):
    BINDINGS = [Binding("escape,backspace,q", "back", show=False)]

    def __init__(self, item: Any, stat: Any):
        super().__init__()
        self.item, self.stat = item, stat

    def _figures(self) -> str:
        s = self.stat
        if s.too_few:
            return self.t("stats.detail.too_few", n=s.n)

        def p(v: float | None) -> str:
            return "—" if v is None else f"{v:.0f}%"

        return self.t(
            "stats.detail.figures", n=s.n, facility=p(s.facility), sd=p(s.sd),
            guess=p(s.random_guess), discrimination=p(s.discrimination),
            efficiency=p(s.efficiency),
        )  # fmt: skip

    def _options(self) -> Text:
        lang = self.app.lang  # type: ignore[attr-defined]
        words = option_texts(self.item, lang)
        out = Text()
        for o in self.stat.options:
            mark = "✓" if o.key else ("!" if o.flagged else " ")
            out.append(f" {mark} {o.option:>5}  ", style="bold")
            out.append_text(share_bar(o.share, o.key, o.flagged))
            pb = "—" if o.point_biserial is None else f"{o.point_biserial:+.2f}"
            out.append(f" {o.share:5.1f}%  {self.t('stats.detail.top')} {o.top_share:5.1f}%"
                       f"  r_pb {pb}\n")  # fmt: skip
            out.append("          " + words.get(o.option, o.text) + "\n", style="dim")
        return out

    def compose(self) -> ComposeResult:
        self.composed_lang = lang = self.app.lang  # type: ignore[attr-defined]
        s = self.stat
        yield Static(self.t("stats.detail.title", item=s.item_id, version=s.version,
                            level=self.item.level, type=self.item.type),
                     classes="title", markup=False)  # fmt: skip
        with VerticalScroll():
            yield Static(self.item.stem.get(lang), id="stem", markup=False)
            yield Static(self._figures(), markup=False)
            if s.flags:
                yield Static("\n".join(f"⚑ {f}" for f in s.flags), classes="warning",
                             markup=False)  # fmt: skip
            if s.options:
                yield Static(self.t("stats.detail.options"), classes="muted")
                yield Static(self._options(), id="options")
        yield KeyBar([("Esc", self.t("key.back")), ("F2", self.t("key.lang"))])

    def action_back(self) -> None:
        self.dismiss(None)
