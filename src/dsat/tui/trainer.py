"""The trainers' app: item analysis of a scope (`dsat bank stats --tui`).

The statistics are computed in a worker thread, off the UI; the screens show what they
are given and post what the trainer asks for.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from dsat.i18n import other, t
from dsat.services.errors import ServiceError, StoreError
from dsat.tui.screens.item_detail import ItemDetailScreen
from dsat.tui.screens.item_stats import ItemStatsScreen


class TrainerApp(App[None]):
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("f2", "toggle_lang", show=False, priority=True)]
    ENABLE_COMMAND_PALETTE = False
    lang: reactive[str] = reactive("vi")

    def __init__(
        self, store: Any, framework: Any, scope: str, *, lang: str = "vi", pick: str = "all",
        include_simulated: bool = False,
    ):  # fmt: skip
        super().__init__()
        self.store, self.fw, self.scope = store, framework, scope
        self.pick, self.include_simulated = pick, include_simulated
        self.set_reactive(TrainerApp.lang, lang)
        self.stats_screen = ItemStatsScreen()

    def on_mount(self) -> None:
        self.title = t("stats.title", self.lang)
        self.push_screen(self.stats_screen)
        self.run_worker(self._load, thread=True, exclusive=True)

    def _load(self) -> None:
        from dsat.services.measurement import statistics

        try:
            report = statistics(
                self.store, self.fw, self.scope, pick=self.pick,
                include_simulated=self.include_simulated,
            )  # fmt: skip
        except ServiceError as exc:
            self.call_from_thread(self.stats_screen.show, None, exc.message(self.lang))
        except StoreError as exc:
            self.call_from_thread(self.stats_screen.show, None, str(exc))
        else:
            self.call_from_thread(self.stats_screen.show, report)

    def on_item_stats_screen_open(self, message: ItemStatsScreen.Open) -> None:
        report = self.stats_screen.report
        for item, stat in report.items if report else []:
            if (stat.item_id, stat.version) == (message.item_id, message.version):
                self.push_screen(ItemDetailScreen(item, stat))
                return

    def action_toggle_lang(self) -> None:
        self.lang = other(self.lang)

    def watch_lang(self, lang: str) -> None:
        self.title = t("stats.title", lang)
        for screen in self.screen_stack:
            relabel = getattr(screen, "relabel", None)
            if relabel is not None:
                relabel()
