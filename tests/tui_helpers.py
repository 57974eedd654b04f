"""Driving the real app with the keyboard, as a candidate would."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList

from dsat.services.clock import FixedClock
from dsat.tui.app import DsatApp
from dsat.tui.screens.question import QuestionScreen

SIZE = (100, 32)


def make_app(db: Any, fw: Any, clock: FixedClock, lang: str = "vi", seed: int = 7) -> DsatApp:
    return DsatApp(db, fw, lang=lang, seed=seed, clock=clock)


def seed_for(db: Any, fw: Any, competency: str, types: list[str]) -> int:
    """The first form seed whose fixed competency form starts with items of these types,
    so a test about them does not depend on which items the bank happens to hold."""
    from dsat.domain.forms import assemble_form

    active = db.items.active([competency])
    by_key = {(v.item.id, v.version): v.item for v in active}
    for seed in range(500):
        form = assemble_form(fw, active, [competency], fw.blueprints.competency, seed)
        got = [by_key[(e.item_id, e.version)].type for e in form[: len(types)]]
        if got == types:
            return seed
    raise AssertionError(f"no form of {competency} starts with {types}")


async def type_text(pilot: Pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


async def settle(pilot: Pilot) -> None:
    """Wait until the app's workers (signing in, submitting) are done and it is idle."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def sign_in(
    pilot: Pilot, emp: str = "CB001", name: str = "Nguyen Van A", unit: str = "So Noi vu"
) -> None:
    await pilot.pause()
    for value in (emp, name, unit):
        await type_text(pilot, value)
        await pilot.press("enter")
    await settle(pilot)


async def choose(pilot: Pilot, option_id: str) -> None:
    """In the picker, press ↓ until `option_id` (e.g. "competency:4.1") is highlighted."""
    menu = pilot.app.screen.query_one(OptionList)
    for _ in range(menu.option_count):
        if menu.get_option_at_index(menu.highlighted).id == option_id:
            return
        await pilot.press("down")
    raise AssertionError(f"{option_id} is not in the picker")


async def open_first_item(pilot: Pilot, option_id: str = "competency:4.1") -> None:
    """Sign in, choose `option_id` in the picker with the keyboard, reach its first item."""
    await sign_in(pilot)
    await choose(pilot, option_id)
    await pilot.press("enter")
    await pilot.pause()


def keys_for(kind: str, n_choices: int) -> list[str]:
    """Keys that give some answer to an item of this kind."""
    if kind == "choice":
        return ["1"]
    if kind == "multi":
        return ["1", "2"]
    if kind == "text":
        return list("abc")
    if kind == "number":
        return list("10000")
    return [str(i) for i in range(1, n_choices + 1)][:n_choices]


async def answer_all(pilot: Pilot, app: DsatApp) -> list[list[str]]:
    """Answer every item with the keyboard; returns the keys pressed per item."""
    screen = app.screen
    assert isinstance(screen, QuestionScreen)
    pressed = []
    for _ in range(len(screen.state.slots)):
        item = screen.slot.item
        n = len(item.lefts) if item.kind == "matching" else len(item.choices)
        keys = keys_for(item.kind, n)
        await pilot.press(*keys, "enter")
        await pilot.pause()
        pressed.append(keys)
    return pressed
