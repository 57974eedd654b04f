"""Feedback that does not burn the bank: assessment results show levels and what to study,
never the keys of the items seen, and a retake of the same scope waits for its cooldown;
practice results teach with keys and explanations. Through the service and the app."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dsat.services.assessment import AssessmentService
from dsat.services.errors import ServiceError
from dsat.services.sittings import bind_code, open_sitting
from dsat.store.base import VIETNAM
from dsat.tui.screens.picker import PickerScreen
from dsat.tui.screens.result import ResultScreen
from tests.factories import some_answer
from tests.tui_helpers import SIZE, answer_all, choose, make_app, open_first_item, settle


def _with(fw, kind: str, **update):
    blueprint = getattr(fw.blueprints, kind).model_copy(update=update)
    return fw.model_copy(update={"blueprints": fw.blueprints.model_copy(update={kind: blueprint})})


def _sit(service: AssessmentService, employee: str, kind: str, scope: str) -> str:
    state = service.start(employee, kind, scope, "vi", seed=3)
    for slot in state.slots:  # a fixed form: every item answered
        service.answer(state.attempt.id, slot.position, some_answer(slot.item))
    service.submit(state.attempt.id)
    return state.attempt.id


def test_the_yearly_assessment_shows_levels_not_keys_and_waits_a_day(db, fixed_fw, clock):
    fw = _with(fixed_fw, "full", feedback="assessment")
    service = AssessmentService(db, fw, clock)
    service.identify("CB1", "Nguyễn Văn A", "Sở Nội vụ")
    attempt_id = _sit(service, "CB1", "full", "all")
    view = service.result(attempt_id)
    assert not view.practice and view.items == []  # no item, no key, no explanation
    assert {r.competency_id for r in view.results} == set(fw.competency_ids())
    assert all(r.se is not None for r in view.results)  # each level with its precision
    submitted = clock()
    clock.advance(3600)
    with pytest.raises(ServiceError) as refused:
        service.start("CB1", "full", "all", "vi")
    assert refused.value.code == "error.cooldown"
    assert refused.value.params["hours"] == "24"
    again = (submitted + timedelta(hours=24)).astimezone(VIETNAM)  # says when, in Hanoi time
    assert again.strftime("%d/%m/%Y %H:%M") in refused.value.message("en")
    clock.advance(23 * 3600 + 1)
    assert service.start("CB1", "full", "all", "vi").attempt.status == "in_progress"


def test_practice_teaches_with_keys_and_may_be_retaken_at_once(db, fixed_fw, clock):
    service = AssessmentService(db, fixed_fw, clock)
    service.identify("CB1", "Nguyễn Văn A", "Sở Nội vụ")
    view = service.result(_sit(service, "CB1", "competency", "4.1"))
    assert view.practice and view.items
    assert all(i.explanation for i in view.items if i.scored)
    assert all(i.right_answer for i in view.items if i.scored)
    assert service.start("CB1", "competency", "4.1", "vi").attempt.feedback == "practice"


def test_a_sitting_gives_assessment_feedback_and_its_cooldown_to_a_practice_scope(
    db, fixed_fw, clock
):
    sitting = open_sitting(db, "Sở Nội vụ", 1, 3, "trainer", clock=clock)
    [(code, _, _)] = sitting.codes
    bind_code(db, code, "CB7", clock=clock)
    service = AssessmentService(db, fixed_fw, clock)
    service.identify("CB7", "Trần Thị B", "Sở Nội vụ", code)
    attempt_id = _sit(service, "CB7", "competency", "4.1")
    assert service.result(attempt_id).items == []
    with pytest.raises(ServiceError) as refused:
        service.start("CB7", "competency", "4.1", "vi")
    assert refused.value.code == "error.cooldown"


def test_a_cooldown_written_in_the_blueprint_applies_to_practice_too(db, fixed_fw, clock):
    fw = _with(fixed_fw, "competency", retake_cooldown_hours=2)
    service = AssessmentService(db, fw, clock)
    service.identify("CB1", "Nguyễn Văn A", "Sở Nội vụ")
    _sit(service, "CB1", "competency", "4.1")
    with pytest.raises(ServiceError):
        service.start("CB1", "competency", "4.1", "vi")
    clock.advance(2 * 3600 + 1)
    service.start("CB1", "competency", "4.1", "vi")


async def test_the_app_shows_no_key_after_an_assessment_and_says_when_to_retake(
    db, fixed_fw, clock
):
    fw = _with(fixed_fw, "competency", feedback="assessment")
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_first_item(pilot)
        slots = app.screen.state.slots
        await answer_all(pilot, app)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "What to study" in shown
        for slot in slots:  # no explanation of any item seen
            item = db.items.version(*db.attempts.item_at(app.screen.view.attempt.id,
                                                         slot.position)[:2])  # fmt: skip
            if item.explanation:
                assert item.explanation.en[:30] not in shown
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        await choose(pilot, "competency:4.1")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)  # refused, with the reason on screen
        assert "24" in app.export_screenshot().replace("&#160;", " ")
