"""The test-taking service: answers, deadline, resume, submission, and what candidates see."""

from __future__ import annotations

import pytest

from dsat.domain.forms import assemble_form
from dsat.domain.items import item_from_json
from dsat.services.assessment import AssessmentService
from dsat.services.banks import import_bank, shipped_bank_dir
from dsat.services.errors import ServiceError
from dsat.store import open_store as connect
from tests.factories import some_answer


@pytest.fixture
def fw(fixed_fw):
    """These tests are about fixed forms (moving back, flags, the review, a form's seed);
    the adaptive tests are in tests/test_adaptive_app.py."""
    return fixed_fw


def _start(service: AssessmentService, scope=("competency", "4.1"), seed=3):
    service.identify("CB001", "Nguyễn Văn A", "Sở Nội vụ Hà Nội")
    return service.start("CB001", scope[0], scope[1], "vi", seed=seed)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("", "A", "U"), "error.employee_id"),
        (("x y", "A", "U"), "error.employee_id"),
        (("CB1", "  ", "U"), "error.full_name"),
        (("CB1", "A", " "), "error.unit"),
    ],
)
def test_identify_rejects_blank_or_malformed(service, args, code):
    with pytest.raises(ServiceError) as err:
        service.identify(*args)
    assert err.value.code == code
    assert service.store.count("candidates") == 0


def test_nobody_is_remembered_unless_the_machine_chose_to(db, fw, clock):
    shared = AssessmentService(db, fw, clock)
    shared.identify("CB001", "Nguyễn  Văn   A", "Sở Nội vụ")
    assert shared.remembered() is None  # the default: a shared terminal shows no one
    mine = AssessmentService(db, fw, clock, machine="desk-7")
    mine.identify("CB002", "Trần  Thị B", "Sở Y tế")
    last = mine.remembered()
    assert (last.employee_id, last.full_name, last.unit) == ("CB002", "Trần Thị B", "Sở Y tế")
    assert AssessmentService(db, fw, clock, machine="desk-8").remembered() is None


def test_form_is_stored_and_rebuilds_exactly_from_its_seed(service, fw, db):
    state = _start(service, seed=99)
    stored = db.conn.execute(
        "SELECT item_id, item_version, presentation FROM responses WHERE attempt_id = ? "
        "ORDER BY position",
        [state.attempt.id],
    ).fetchall()
    rebuilt = assemble_form(fw, db.items.active(["4.1"]), ["4.1"], fw.blueprints.competency, 99)
    assert [(e.item_id, e.version) for e in rebuilt] == [(r[0], r[1]) for r in stored]
    assert state.attempt.form_seed == 99
    assert len(state.slots) == 9  # 1 self-rating + 3 + 3 + 2
    assert state.remaining_seconds == 9 * 90


def test_candidate_view_has_no_key_no_fractions_no_explanation(service, db):
    state = _start(service)
    for slot in state.slots:
        dumped = slot.item.model_dump()
        assert not {"key", "answers", "answer", "explanation", "fraction", "pairs"} & set(dumped)
        raw = db.conn.execute(
            "SELECT i.data FROM responses r JOIN items i ON i.item_id = r.item_id "
            "AND i.version = r.item_version WHERE r.attempt_id = ? AND r.position = ?",
            [state.attempt.id, slot.position],
        ).fetchone()[0]
        item = item_from_json(raw)
        if item.explanation:
            assert item.explanation.vi not in str(dumped)
        assert "fraction" not in str(dumped)


def test_answer_is_validated_and_written_at_once(service, db, db_path):
    state = _start(service)
    with pytest.raises(ServiceError) as err:
        service.answer(state.attempt.id, 0, 9)  # no step 9 on the self-rating scale
    assert err.value.code == "error.answer"
    saved = service.answer(state.attempt.id, 0, 2)
    # another connection sees it: it is committed, not pending
    other = connect(db_path)
    row = other.conn.execute(
        "SELECT answer, answered_at FROM responses WHERE attempt_id = ? AND position = 0",
        [state.attempt.id],
    ).fetchone()
    assert row[0] == "2" and row[1] is not None and saved.value == 2


def test_answer_after_deadline_is_refused_by_the_service(service, clock):
    state = _start(service)
    clock.advance(state.remaining_seconds - 1)
    service.answer(state.attempt.id, 0, 1)
    clock.advance(1)
    with pytest.raises(ServiceError) as err:
        service.answer(state.attempt.id, 1, "a")
    assert err.value.code == "error.time_up"
    with pytest.raises(ServiceError):
        service.flag(state.attempt.id, 1, True)


def test_overdue_attempt_is_submitted_with_what_was_answered(service, clock, fw):
    state = _start(service)
    first = next(s for s in state.slots if s.item.item_type in ("true_false", "single"))
    item_id, version, _ = service.store.attempts.item_at(state.attempt.id, first.position)
    service.answer(state.attempt.id, first.position, service.item(item_id, version).key)
    clock.advance(10_000)
    assert service.resumable("CB001") is None
    view = service.result(state.attempt.id)
    assert view.attempt.status == "expired"
    assert view.attempt.submitted_at == state.attempt.deadline
    [res] = view.results
    assert res.answered == 1 and res.raw == 1.0


def test_resume_from_a_new_connection_lands_on_the_same_item_with_time_left(
    service, db_path, fw, clock
):
    state = _start(service)
    second = some_answer(state.slots[1].item)
    service.answer(state.attempt.id, 0, 3)
    service.answer(state.attempt.id, 1, second)
    service.move(state.attempt.id, 2)
    clock.advance(125)

    fresh = AssessmentService(connect(db_path), fw, clock)
    pending = fresh.resumable("CB001")
    assert pending is not None and pending.id == state.attempt.id
    again = fresh.state(pending.id)
    assert again.attempt.position == 2
    assert [s.answer for s in again.slots[:2]] == [3, second]
    assert again.remaining_seconds == state.remaining_seconds - 125


def test_submit_scores_and_is_idempotent(service, db):
    state = _start(service, scope=("area", "4"))
    domain = ["4.1", "4.2", "4.3", "4.4"]
    assert {s.competency_id for s in state.slots} == set(domain)
    first = service.submit(state.attempt.id)
    assert [r.competency_id for r in first] == domain
    assert service.submit(state.attempt.id) == first
    assert db.count("results") == len(domain)
    with pytest.raises(ServiceError) as err:
        service.answer(state.attempt.id, 0, 1)
    assert err.value.code == "error.closed"


def test_result_is_not_shown_before_submission(service):
    state = _start(service)
    with pytest.raises(ServiceError) as err:
        service.result(state.attempt.id)
    assert err.value.code == "error.not_submitted"


def test_menu_shows_last_level_per_competency(service):
    state = _start(service)
    service.submit(state.attempt.id)
    menu = {(e.scope_kind, e.scope_id): e for e in service.menu("CB001")}
    assert menu[("competency", "4.1")].last_band == "below"
    assert menu[("competency", "4.2")].last_band is None
    assert menu[("competency", "4.1")].last_sure is not None  # the level says how sure it is
    assert menu[("area", "4")].items > 80


def test_unknown_scope_is_a_clear_error(service):
    service.identify("CB001", "A", "U")
    with pytest.raises(ServiceError) as err:
        service.start("CB001", "competency", "9.9", "vi")
    assert err.value.code == "error.scope"


def test_a_competency_without_items_is_a_clear_error(tmp_path, fw, clock):
    db = connect(tmp_path / "partial.db")
    bank = shipped_bank_dir()
    import_bank(db, [bank / "framework.yaml", bank / "6.2-using-ai.yaml"], imported_by="t")
    service = AssessmentService(db, fw, clock)
    service.identify("CB001", "A", "U")
    with pytest.raises(ServiceError) as err:
        service.start("CB001", "competency", "1.1", "vi")  # in the framework, no items
    assert err.value.code == "error.no_items"


def test_grace_period_allows_submitting_but_not_changing(db, fw, clock):
    from dsat.services.assessment import AssessmentService

    graceful = AssessmentService(db, fw, clock, grace_seconds=120)
    graceful.identify("CB001", "Nguyen Van A", "So Noi vu")
    state = graceful.start("CB001", "competency", "4.1", "vi", seed=7)
    graceful.answer(
        state.attempt.id, 0, graceful.state(state.attempt.id).slots[0].item.choices[0].value
    )
    clock.advance(state.remaining_seconds + 30)  # 30 s into the grace period
    with pytest.raises(ServiceError) as err:  # even when the service is called directly
        graceful.answer(state.attempt.id, 1, "a")
    assert err.value.code == "error.time_up"
    assert graceful.expire_overdue() == []  # not yet: the grace period is still running
    assert graceful.grace_left(state.attempt) == 90
    graceful.submit(state.attempt.id)
    view = graceful.result(state.attempt.id)
    assert view.attempt.status == "submitted" and view.attempt.submitted_at == clock()


def test_after_the_grace_period_the_attempt_expires(db, fw, clock):
    from dsat.services.assessment import AssessmentService

    graceful = AssessmentService(db, fw, clock, grace_seconds=120)
    graceful.identify("CB001", "Nguyen Van A", "So Noi vu")
    state = graceful.start("CB001", "competency", "4.1", "vi", seed=7)
    clock.advance(state.remaining_seconds + 121)
    assert graceful.expire_overdue() == [state.attempt.id]
    view = graceful.result(state.attempt.id)
    assert view.attempt.status == "expired" and view.attempt.submitted_at == state.attempt.deadline
