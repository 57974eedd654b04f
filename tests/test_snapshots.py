"""A snapshot of every screen at 100x32, fixed seed and clock. Update with --snapshot-update
after checking the new pictures in snapshot_report.html.

The fixed-form screens (moving back, flags, the review) use a fixed copy of the framework
and a form seed chosen for the item kind shown, so a change of the bank's content does not
change which kind of item a picture shows; the adaptive and practical-task screens use the
shipped framework."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from dsat.tui.app import DsatApp
from tests.tui_helpers import SIZE, choose, keys_for, make_app, open_first_item, settle, sign_in


def seed_with(db, fw, competency: str, kind: str) -> int:
    """The first seed whose fixed form of `competency` has an item of type `kind`."""
    from dsat.domain.forms import assemble_form

    active = db.items.active([competency])
    types = {(v.item.id, v.version): v.item.type for v in active}
    for seed in range(500):
        form = assemble_form(fw, active, [competency], fw.blueprints.competency, seed)
        if kind in {types[(e.item_id, e.version)] for e in form}:
            return seed
    raise AssertionError(f"no form of {competency} has a {kind} item")


def _to_kind(kind: str):
    async def run(pilot: Pilot) -> None:
        await open_first_item(pilot)
        for _ in pilot.app.screen.state.slots:
            if pilot.app.screen.slot.item.kind == kind:
                return
            await pilot.press("pagedown")  # text items keep ←/→ for the cursor
            await pilot.pause()
        raise AssertionError(f"no {kind} item in the form")

    return run


KIND_TYPE = {"multi": "multiple", "number": "numerical", "matching": "matching",
             "ordering": "ordering"}  # fmt: skip


def _app_with(db, fixed_fw, clock, kind: str, lang: str = "vi") -> DsatApp:
    return make_app(db, fixed_fw, clock, lang, seed_with(db, fixed_fw, "4.1", KIND_TYPE[kind]))


def test_identify(snap_compare, db, fw, clock):
    assert snap_compare(make_app(db, fw, clock), terminal_size=SIZE)


def test_picker(snap_compare, db, fw, clock):
    assert snap_compare(make_app(db, fw, clock), terminal_size=SIZE, run_before=sign_in)


def test_question_self_rating(snap_compare, db, fixed_fw, clock):
    app = make_app(db, fixed_fw, clock)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_first_item)


def test_question_adaptive(snap_compare, db, fw, clock):
    async def run(pilot: Pilot) -> None:
        await open_first_item(pilot)
        await pilot.press("3", "enter")  # the self-rating: then the first chosen item
        await settle(pilot)

    assert snap_compare(make_app(db, fw, clock, lang="en"), terminal_size=SIZE, run_before=run)


def test_question_multiple_choice_en(snap_compare, db, fixed_fw, clock):
    async def run(pilot: Pilot) -> None:
        await _to_kind("multi")(pilot)
        await pilot.press("1", "3", "f")

    app = _app_with(db, fixed_fw, clock, "multi", "en")
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_question_number(snap_compare, db, fixed_fw, clock):
    app = _app_with(db, fixed_fw, clock, "number")
    assert snap_compare(app, terminal_size=SIZE, run_before=_to_kind("number"))


def test_question_matching(snap_compare, db, fixed_fw, clock):
    async def run(pilot: Pilot) -> None:
        await _to_kind("matching")(pilot)
        await pilot.press("2", "1")

    app = _app_with(db, fixed_fw, clock, "matching", "en")
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_question_ordering(snap_compare, db, fixed_fw, clock):
    async def run(pilot: Pilot) -> None:
        await _to_kind("ordering")(pilot)
        await pilot.press("3", "4")

    app = _app_with(db, fixed_fw, clock, "ordering")
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


@pytest.mark.parametrize(("competency", "lang"), [("1.3", "en"), ("4.1", "vi"), ("1.2", "en")])
def test_practical_task(snap_compare, tasks_db, fw, clock, competency, lang):
    async def run(pilot: Pilot) -> None:
        await sign_in(pilot)
        await choose(pilot, f"competency:{competency}")
        await pilot.press("enter")
        await settle(pilot)

    app = make_app(tasks_db, fw, clock, lang=lang)
    assert snap_compare(app, terminal_size=(110, 40), run_before=run)


async def _answer_some_then_review(pilot: Pilot) -> None:
    await open_first_item(pilot)
    for _ in range(3):  # three items answered, the next one flagged
        item = pilot.app.screen.slot.item
        n = len(item.lefts) if item.kind == "matching" else len(item.choices)
        await pilot.press(*keys_for(item.kind, n), "enter")
        await pilot.pause()
    await pilot.press("escape", "f", "r")
    await pilot.pause()


def test_review(snap_compare, db, fixed_fw, clock):
    app = make_app(db, fixed_fw, clock)
    assert snap_compare(app, terminal_size=SIZE, run_before=_answer_some_then_review)


def test_submit_dialog(snap_compare, db, fixed_fw, clock):
    async def run(pilot: Pilot) -> None:
        await _answer_some_then_review(pilot)
        await pilot.press("s")

    assert snap_compare(make_app(db, fixed_fw, clock), terminal_size=SIZE, run_before=run)


async def _submitted(pilot: Pilot) -> None:
    await _answer_some_then_review(pilot)
    await pilot.press("s")
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)


def test_result(snap_compare, db, fixed_fw, clock):
    assert snap_compare(make_app(db, fixed_fw, clock), terminal_size=SIZE, run_before=_submitted)


def test_result_en(snap_compare, db, fixed_fw, clock):
    async def run(pilot: Pilot) -> None:
        await _submitted(pilot)
        await pilot.press("f2")

    assert snap_compare(make_app(db, fixed_fw, clock), terminal_size=SIZE, run_before=run)


def test_result_assessment(snap_compare, db, fixed_fw, clock):
    """The yearly assessment's result: levels with their precision, what to study, no keys."""
    blueprint = fixed_fw.blueprints.competency.model_copy(update={"feedback": "assessment"})
    assessed = fixed_fw.model_copy(
        update={"blueprints": fixed_fw.blueprints.model_copy(update={"competency": blueprint})}
    )
    assert snap_compare(make_app(db, assessed, clock), terminal_size=SIZE, run_before=_submitted)


def test_history(snap_compare, db, fixed_fw, clock):
    async def run(pilot: Pilot) -> None:
        await _submitted(pilot)
        await pilot.press("h")

    assert snap_compare(make_app(db, fixed_fw, clock), terminal_size=SIZE, run_before=run)


def test_resume_dialog(snap_compare, db, fixed_fw, clock):
    from dsat.services.assessment import AssessmentService

    service = AssessmentService(db, fixed_fw, clock)
    service.identify("CB001", "Nguyen Van A", "So Noi vu")
    state = service.start("CB001", "competency", "4.1", "vi", seed=7)
    service.answer(state.attempt.id, 0, 2)
    clock.advance(95)

    async def run(pilot: Pilot) -> None:
        await sign_in(pilot)

    assert snap_compare(make_app(db, fixed_fw, clock), terminal_size=SIZE, run_before=run)
