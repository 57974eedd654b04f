"""A snapshot of every screen at 100x32, fixed seed and clock. Update with --snapshot-update
after checking the new pictures in snapshot_report.html."""

from __future__ import annotations

from textual.pilot import Pilot

from tests.tui_helpers import SIZE, make_app, open_first_item, sign_in


async def _to_question(pilot: Pilot) -> None:
    await open_first_item(pilot)


def _to_kind(kind: str):
    async def run(pilot: Pilot) -> None:
        await _to_question(pilot)
        for _ in pilot.app.screen.state.slots:
            if pilot.app.screen.slot.item.kind == kind:
                return
            await pilot.press("pagedown")  # text items keep ←/→ for the cursor
            await pilot.pause()
        raise AssertionError(f"no {kind} item in the form")

    return run


def test_identify(snap_compare, db, fw, clock):
    assert snap_compare(make_app(db, fw, clock), terminal_size=SIZE)


def test_picker(snap_compare, db, fw, clock):
    assert snap_compare(make_app(db, fw, clock), terminal_size=SIZE, run_before=sign_in)


def test_question_self_rating(snap_compare, db, fw, clock):
    assert snap_compare(make_app(db, fw, clock), terminal_size=SIZE, run_before=_to_question)


def test_question_multiple_choice_en(snap_compare, db, fw, clock):
    async def run(pilot: Pilot) -> None:
        await _to_kind("multi")(pilot)
        await pilot.press("1", "3", "f")

    assert snap_compare(make_app(db, fw, clock, lang="en"), terminal_size=SIZE, run_before=run)


def test_question_number(snap_compare, db, fw, clock):
    assert snap_compare(make_app(db, fw, clock), terminal_size=SIZE, run_before=_to_kind("number"))


def test_question_matching(snap_compare, db, fw, clock):
    async def run(pilot: Pilot) -> None:
        await _to_kind("matching")(pilot)
        await pilot.press("2", "1")

    assert snap_compare(make_app(db, fw, clock, lang="en"), terminal_size=SIZE, run_before=run)


def test_question_ordering(snap_compare, db, fw, clock):
    async def run(pilot: Pilot) -> None:
        await _to_kind("ordering")(pilot)
        await pilot.press("3", "4")

    assert snap_compare(make_app(db, fw, clock), terminal_size=SIZE, run_before=run)


async def _answer_some_then_review(pilot: Pilot) -> None:
    await _to_question(pilot)
    # self-rating, single choice, flag the true/false item, tick one box of the multi item,
    # then from the number item leave the text box and open the review
    await pilot.press("3", "enter", "2", "enter", "f", "right", "1", "enter")
    await pilot.pause()
    await pilot.press("escape", "r")
    await pilot.pause()


def test_review(snap_compare, db, fw, clock):
    assert snap_compare(
        make_app(db, fw, clock), terminal_size=SIZE, run_before=_answer_some_then_review
    )


def test_submit_dialog(snap_compare, db, fw, clock):
    async def run(pilot: Pilot) -> None:
        await _answer_some_then_review(pilot)
        await pilot.press("s")

    assert snap_compare(make_app(db, fw, clock), terminal_size=SIZE, run_before=run)


async def _submitted(pilot: Pilot) -> None:
    await _answer_some_then_review(pilot)
    await pilot.press("s")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


def test_result(snap_compare, db, fw, clock):
    assert snap_compare(make_app(db, fw, clock), terminal_size=SIZE, run_before=_submitted)


def test_result_en(snap_compare, db, fw, clock):
    async def run(pilot: Pilot) -> None:
        await _submitted(pilot)
        await pilot.press("f2")

    assert snap_compare(make_app(db, fw, clock), terminal_size=SIZE, run_before=run)


def test_history(snap_compare, db, fw, clock):
    async def run(pilot: Pilot) -> None:
        await _submitted(pilot)
        await pilot.press("h")

    assert snap_compare(make_app(db, fw, clock), terminal_size=SIZE, run_before=run)


def test_resume_dialog(snap_compare, db, fw, clock, service):
    service.identify("CB001", "Nguyen Van A", "So Noi vu")
    state = service.start("CB001", "competency", "4.1", "vi", seed=7)
    service.answer(state.attempt.id, 0, 2)
    clock.advance(95)

    async def run(pilot: Pilot) -> None:
        await pilot.pause()
        await pilot.press("enter")

    assert snap_compare(make_app(db, fw, clock), terminal_size=SIZE, run_before=run)
