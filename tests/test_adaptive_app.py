"""An adaptive test in the real app: items one at a time, answers final, no going back, a
blank answer skipped only when asked twice, and the offer to submit when the level is known."""

from __future__ import annotations

from dsat.tui.screens.modals import Confirm
from dsat.tui.screens.question import QuestionScreen
from tests.tui_helpers import SIZE, make_app, open_first_item, settle


def _saved(db, attempt_id: str) -> list[tuple[int, str | None]]:
    return [(r.position, r.answer) for r in db.attempts.responses(attempt_id) if r.answered_at]


async def test_a_blank_answer_is_skipped_only_on_a_second_enter(db, fw, clock):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_first_item(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionScreen) and screen.adaptive
        attempt_id = screen.state.attempt.id
        await pilot.press("enter")  # nothing chosen: asked first, nothing saved
        await pilot.pause()
        assert "press Enter again to skip" in str(screen.query_one("#status").render())
        assert _saved(db, attempt_id) == [] and screen.index == 0
        await pilot.press("enter")
        await settle(pilot)
        assert _saved(db, attempt_id) == [(0, None)]
        assert app.screen.index == 1  # the next item, chosen after the skip


async def test_answers_are_final_and_the_test_offers_to_submit_at_its_end(db, fw, clock):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_first_item(pilot, "competency:4.2")
        screen = app.screen
        attempt_id = screen.state.attempt.id
        await pilot.press("2", "enter")  # the self-rating
        await settle(pilot)
        for key in ("left", "pageup", "f", "r"):  # no way back, no flag, no review
            await pilot.press(key)
            await pilot.pause()
            assert app.screen.index == 1 and not app.screen.slot.flagged
        for _ in range(40):  # answer until the level is known
            if isinstance(app.screen, Confirm):
                break
            item = app.screen.slot.item
            if item.kind in ("text", "number"):
                await pilot.press("1", "enter")
            elif item.kind == "task" and item.task.answer_kind == "marks":
                await pilot.press(*["1"] * len(item.task.messages), "enter")
            elif item.kind == "task" and item.task.answer_kind != "pick":
                await pilot.press("1", "enter")
            elif item.kind == "ordering":
                await pilot.press(*[str(i + 1) for i in range(len(item.choices))], "enter")
            elif item.kind == "matching":
                await pilot.press(*["1"] * len(item.lefts), "enter")
            else:
                await pilot.press("1", "enter")
            await settle(pilot)
        assert isinstance(app.screen, Confirm)
        answered = _saved(db, attempt_id)
        assert [p for p, _ in answered] == list(range(len(answered)))  # none skipped
        await pilot.press("enter")  # submit
        await settle(pilot)
    [result] = db.results.of_attempt(attempt_id)
    assert result.se is not None and result.p_proficient is not None
