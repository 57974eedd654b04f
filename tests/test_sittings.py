"""Sittings: every code is for one named person; wrong codes are counted against the code
and the client typing them, never against the employee id typed."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from dsat.cli import main
from dsat.services.assessment import AssessmentService
from dsat.services.errors import ServiceError
from dsat.services.sittings import bind_code, close_sitting, open_sitting
from dsat.services.throttle import Throttle
from dsat.tui.screens.identify import IdentifyScreen
from dsat.tui.screens.picker import PickerScreen
from tests.test_report import person
from tests.tui_helpers import SIZE, make_app, type_text


@pytest.fixture
def room(db, fw, clock):
    for emp in ("CB1", "CB2", "CB3"):
        person(db, emp, "Hà Nội", "Sở Y tế/Phòng 1")
    db.conn.execute("UPDATE staff SET full_name = 'Nguyễn Văn An' WHERE employee_id = 'CB1'")
    db.conn.execute("UPDATE staff SET full_name = 'Trần Thị Bình' WHERE employee_id = 'CB2'")
    db.conn.execute("UPDATE staff SET full_name = 'Lê Văn Cường' WHERE employee_id = 'CB3'")
    return db


def _service(db, fw, clock, client="desk-1"):
    return AssessmentService(db, fw, clock, client=client, throttle=Throttle(delay=0))


def test_a_named_code_signs_in_its_person_only(room, fw, clock):
    service = _service(room, fw, clock)
    sitting = open_sitting(room, "Sở Y tế", 0, 2, "trainer", named=True, clock=clock)
    codes = {emp: code for code, emp, _ in sitting.codes}
    assert set(codes) == {"CB1", "CB2", "CB3"} and all(len(c) == 8 for c in codes.values())
    messages = set()
    for emp, name, code in (
        ("CB2", "Trần Thị Bình", None),
        ("CB2", "Trần Thị Bình", "WRONG123"),
        ("CB2", "Trần Thị Bình", codes["CB1"]),  # someone else's code
    ):
        with pytest.raises(ServiceError) as refused:
            service.identify(emp, name, "", code)
        messages.add(refused.value.message("en"))
    assert len(messages) == 1  # every kind of failure looks the same
    cand = service.identify("cb2", "tran thi binh", "", codes["CB2"].lower())
    assert (cand.employee_id, cand.full_name) == ("CB2", "Trần Thị Bình")  # case, accents forgiven
    service.identify("CB2", "Trần Thị Bình", "", codes["CB2"])  # again, after a crash
    close_sitting(room, sitting.id, clock)
    assert not service.codes_required()


def test_wrong_codes_lock_the_client_not_the_colleague(room, fw, clock):
    sitting = open_sitting(room, "Sở Y tế", 0, 2, "trainer", named=True, clock=clock)
    codes = {emp: code for code, emp, _ in sitting.codes}
    attacker = _service(room, fw, clock, client="desk-9")
    for _ in range(5):  # wrong codes typed under a colleague's id
        with pytest.raises(ServiceError):
            attacker.identify("CB1", "Nguyễn Văn An", "", "AAAAAAAA")
    with pytest.raises(ServiceError):  # the attacker's desk is locked now
        attacker.identify("CB3", "Lê Văn Cường", "", codes["CB3"])
    colleague = _service(room, fw, clock, client="desk-2")
    assert colleague.identify("CB1", "Nguyễn Văn An", "", codes["CB1"]).employee_id == "CB1"
    clock.advance(16 * 60)
    attacker.identify("CB3", "Lê Văn Cường", "", codes["CB3"])  # the window has passed


def test_codes_given_at_the_desk_are_bound_first(room, fw, clock):
    service = _service(room, fw, clock)
    sitting = open_sitting(room, "Sở Y tế", 2, 2, "trainer", clock=clock)
    code = sitting.codes[0][0]
    with pytest.raises(ServiceError):  # not given to anyone yet: nobody can use it
        service.identify("CB1", "Nguyễn Văn An", "", code)
    assert bind_code(room, code, "cb1", clock) == "Nguyễn Văn An"
    with pytest.raises(ServiceError) as taken:
        bind_code(room, code, "CB2", clock)
    assert taken.value.code == "error.bind_taken"
    with pytest.raises(ServiceError) as unknown:
        bind_code(room, sitting.codes[1][0], "NOBODY", clock)
    assert unknown.value.code == "error.bind_not_registered"
    assert service.identify("CB1", "Nguyễn Văn An", "", code).employee_id == "CB1"


def test_with_a_register_the_id_and_name_must_match_it(room, fw, clock):
    service = _service(room, fw, clock)
    with pytest.raises(ServiceError) as refused:
        service.identify("CB1", "Someone Else", "Any unit")
    assert refused.value.code == "error.not_in_register"
    with pytest.raises(ServiceError):
        service.identify("CB99", "Nguyễn Văn An", "Any unit")
    cand = service.identify("CB1", "  nguyen van AN ", "typed unit")
    assert cand.unit == "Sở Y tế/Phòng 1"  # the register's unit, not the typed one


def test_sitting_commands_print_named_codes_and_bind(room, db_path):
    run = CliRunner().invoke
    named = run(main, ["sitting", "open", "--unit", "Sở Y tế", "--named", "--db", str(db_path)])
    assert named.exit_code == 0, named.output
    lines = named.output.splitlines()
    assert lines[0].startswith("sitting 1 for Sở Y tế, open until ")
    assert len(lines) == 4 and {ln.split()[1] for ln in lines[1:]} == {"CB1", "CB2", "CB3"}
    desk = run(main, ["sitting", "open", "--unit", "Sở Y tế", "--codes", "2", "--db", str(db_path)])
    code = desk.output.splitlines()[1]
    bound = run(main, ["sitting", "bind", code, "CB2", "--db", str(db_path)])
    assert bound.exit_code == 0 and "is now for CB2 (Trần Thị Bình)" in bound.output
    both = run(main, ["sitting", "open", "--unit", "X", "--named", "--codes", "2",
                      "--db", str(db_path)])  # fmt: skip
    assert both.exit_code == 1 and "either --named" in both.output


async def test_the_sign_in_screen_asks_for_the_code(room, fw, clock):
    sitting = open_sitting(room, "Sở Y tế", 0, 2, "trainer", named=True, clock=clock)
    code = next(c for c, emp, _ in sitting.codes if emp == "CB1")
    app = make_app(room, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, IdentifyScreen) and app.screen.need_code
        for value in ("CB1", "Nguyen Van An", "-", code):
            await type_text(pilot, value)
            await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
