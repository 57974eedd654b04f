"""F2 on every screen: the screen is redrawn in the other language, nothing is left in the
first one, and the keys work as before (the focus is where it was)."""

from __future__ import annotations

import html

import pytest

from dsat.i18n import t
from dsat.tui.admin import AdminApp
from dsat.tui.screens.history import HistoryScreen
from dsat.tui.screens.identify import IdentifyScreen
from dsat.tui.screens.modals import Confirm
from dsat.tui.screens.picker import PickerScreen
from dsat.tui.screens.question import QuestionScreen
from dsat.tui.screens.result import ResultScreen
from dsat.tui.screens.review import ReviewScreen
from tests.test_report import JAN, person, sit
from tests.tui_helpers import answer_all, choose, make_app, settle, sign_in

BIG = (140, 40)


def shown(app) -> str:
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


async def switch(pilot, *keys: str, keybar: bool = True, **params) -> None:
    """Each key's text is on screen in the app's language; after F2 only in the other."""
    app = pilot.app
    for _ in range(2):
        lang, other = app.lang, "vi" if app.lang == "en" else "en"
        text = shown(app)
        for key in (*keys, "key.lang") if keybar else keys:
            here, there = t(key, lang, **params), t(key, other, **params)
            assert here in text, (key, lang, type(app.screen).__name__)
            assert there not in text, (key, other, type(app.screen).__name__)
        await pilot.press("f2")
        await pilot.pause()
        assert app.lang == other


@pytest.fixture
def fw(fixed_fw):
    return fixed_fw


async def test_f2_on_every_screen_of_the_app(db, fw, clock):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, IdentifyScreen)
        await switch(pilot, "identify.title", "identify.full_name")
        await sign_in(pilot)
        assert isinstance(app.screen, PickerScreen)
        await switch(pilot, "picker.title", "key.history")
        await choose(pilot, "competency:4.1")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        await switch(pilot, "key.flag", "key.review", "question.not_saved")
        await answer_all(pilot, app)
        assert isinstance(app.screen, ReviewScreen)
        await switch(pilot, "review.title", "review.status")
        await pilot.press("down", "f2", "f2", "enter")  # the table keeps the focus
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen) and app.screen.index == 1
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await switch(pilot, "submit.title", "submit.yes", keybar=False)  # (a dialog)
        await pilot.press("enter")  # the Yes button still has the focus after F2
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        await switch(pilot, "result.title", "key.new_test")
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await switch(pilot, "history.title", "history.when")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, IdentifyScreen)
        await switch(pilot, "identify.title")
    assert app.return_code is None


async def test_f2_on_the_dashboard(db, fw):
    for i in range(5):
        person(db, f"P{i}", "Huế", "UBND Huế/Sở Y tế")
        sit(db, fw, f"P{i}", JAN, dict.fromkeys(fw.competency_ids(), i < 2))
    app = AdminApp(db, fw, lang="en")
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await switch(pilot, "dashboard.title", "dashboard.registered", "key.drill")
        await pilot.press("enter")
        await pilot.pause()
        await switch(pilot, "dashboard.group.unit", "key.up")
