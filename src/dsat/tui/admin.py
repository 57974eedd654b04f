"""The administrators' app: the dashboard, driven by the report service.

Navigation state (which area, which province or unit) lives here; the screen shows what
it is given and posts what the administrator asks for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from dsat.i18n import other, t
from dsat.services.errors import StoreError
from dsat.services.report import ShareOptions, share
from dsat.tui.screens.dashboard import DashboardScreen


@dataclass
class Level:
    province: str | None = None
    unit: str | None = None


@dataclass
class View:
    skill: int = 0  # 0: overall indicator, then the areas in order
    path: list[Level] = field(default_factory=list)
    method: str = "count"


class AdminApp(App[None]):
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("f2", "toggle_lang", show=False, priority=True)]
    ENABLE_COMMAND_PALETTE = False
    lang: reactive[str] = reactive("vi")

    def __init__(
        self, store: Any, framework: Any, *, lang: str = "vi", min_group: int = 5,
        method: str = "count",
    ):  # fmt: skip
        super().__init__()
        self.store, self.fw, self.min_group = store, framework, min_group
        self.set_reactive(AdminApp.lang, lang)
        self.view = View(method=method)
        self.screen_: DashboardScreen | None = None

    def _build(self) -> tuple[Any, str, str]:
        level = self.view.path[-1] if self.view.path else Level()
        areas = self.fw.areas
        if self.view.skill == 0:
            by, label = [], t("dashboard.overall", self.lang)
        else:
            area = areas[self.view.skill - 1]
            by = ["area"]
            label = t("dashboard.area", self.lang, area=area.id, name=area.name.get(self.lang))
        if level.unit is not None:
            depth = level.unit.count("/") + 2
            opts = ShareOptions(by=["unit", *by], province=level.province, unit=level.unit,
                                unit_depth=depth, min_group=self.min_group,
                                method=self.view.method)  # fmt: skip
            heading = t("dashboard.scope.unit", self.lang, unit=level.unit)
        elif level.province is not None:
            opts = ShareOptions(by=["unit", *by], province=level.province, unit_depth=1,
                                min_group=self.min_group, method=self.view.method)  # fmt: skip
            heading = t("dashboard.scope.province", self.lang, province=level.province)
        else:
            opts = ShareOptions(
                by=["province", *by], min_group=self.min_group, method=self.view.method
            )
            heading = t("dashboard.scope.all", self.lang)
        report = share(self.store, self.fw, opts)
        if self.view.skill:
            wanted = areas[self.view.skill - 1].id
            rows = [r for r in report.rows if r.group.get("area") == wanted]
            report = report.model_copy(update={"rows": rows})
        return report, heading, label

    def on_mount(self) -> None:
        self.title = t("dashboard.title", self.lang)
        self.screen_ = DashboardScreen(None, "", "")
        self.push_screen(self.screen_)
        self._refresh()

    def _refresh(self) -> None:
        """The figures are computed in a worker thread (a million results take a second);
        the screen keeps what it shows until the new figures arrive."""
        self.run_worker(self._load, thread=True, exclusive=True, group="report")

    def _load(self) -> None:
        try:
            built = self._build()
        except StoreError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        if self.screen_ is not None:
            self.call_from_thread(self.screen_.show, *built)

    def on_dashboard_screen_drill(self, message: DashboardScreen.Drill) -> None:
        level = self.view.path[-1] if self.view.path else Level()
        if "province" in message.group:
            self.view.path.append(Level(province=message.group["province"]))
        elif "unit" in message.group:
            self.view.path.append(Level(province=level.province, unit=message.group["unit"]))
        self._refresh()

    def on_dashboard_screen_up(self, _: DashboardScreen.Up) -> None:
        if self.view.path:
            self.view.path.pop()
            self._refresh()

    def on_dashboard_screen_next_skill(self, _: DashboardScreen.NextSkill) -> None:
        self.view.skill = (self.view.skill + 1) % (len(self.fw.areas) + 1)
        self._refresh()

    def on_dashboard_screen_next_method(self, _: DashboardScreen.NextMethod) -> None:
        self.view.method = "posterior" if self.view.method == "count" else "count"
        self._refresh()

    def action_toggle_lang(self) -> None:
        self.lang = other(self.lang)

    def watch_lang(self, lang: str) -> None:
        self.title = t("dashboard.title", lang)
        self._refresh()
