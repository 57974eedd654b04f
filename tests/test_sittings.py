"""Sittings: one-time codes bound to the first candidate who uses them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from dsat.cli import main
from dsat.services.errors import ServiceError
from dsat.services.sittings import close_sitting, open_sitting
from dsat.tui.screens.identify import IdentifyScreen
from dsat.tui.screens.picker import PickerScreen
from tests.tui_helpers import SIZE, make_app, type_text


def test_codes_are_needed_while_a_sitting_is_open(db, service, clock):
    service.code_fail_delay = 0
    assert not service.codes_required()
    service.identify("CB1", "Nguyen Van A", "So Y te")  # no sitting: no code
    sitting = open_sitting(db, "So Y te", 3, 2, "trainer", clock)
    assert len(set(sitting.codes)) == 3 and all(len(c) == 8 for c in sitting.codes)
    assert service.codes_required()
    messages = set()
    for code in (None, "WRONG123", sitting.codes[0].lower()):
        try:
            service.identify("CB2", "Tran B", "So Y te", code)
        except ServiceError as exc:
            messages.add(exc.message("en"))
    assert len(messages) == 1  # missing and wrong codes fail alike; lower case is fine
    with pytest.raises(ServiceError):  # bound to CB2 now
        service.identify("CB3", "Le C", "So Y te", sitting.codes[0])
    service.identify("CB2", "Tran B", "So Y te", sitting.codes[0])  # again, after a crash
    close_sitting(db, sitting.id, clock)
    assert not service.codes_required()
    log = db.conn.execute("SELECT username, ok FROM sign_ins ORDER BY id").fetchall()
    assert log[:2] == [("candidate:CB2", 0), ("candidate:CB2", 0)]


def test_repeated_wrong_codes_lock_the_employee_id(db, service, clock):
    service.code_fail_delay = 0
    sitting = open_sitting(db, "U", 1, 2, "trainer", clock)
    for _ in range(5):
        with pytest.raises(ServiceError):
            service.identify("CB9", "X Y", "U", "AAAAAAAA")
    with pytest.raises(ServiceError):  # the right code, but locked for now
        service.identify("CB9", "X Y", "U", sitting.codes[0])
    clock.advance(16 * 60)
    service.identify("CB9", "X Y", "U", sitting.codes[0])


def test_sitting_command_prints_codes(db_path, db):
    result = CliRunner().invoke(
        main, ["sitting", "open", "--unit", "Sở Y tế", "--codes", "4", "--db", str(db_path)]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("sitting 1 for Sở Y tế, open until ")
    assert len(lines) == 5 and all(len(c) == 8 for c in lines[1:])


async def test_the_sign_in_screen_asks_for_the_code(db, fw, clock):
    sitting = open_sitting(db, "So Noi vu", 2, 2, "trainer", clock)
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, IdentifyScreen) and app.screen.need_code
        for value in ("CB001", "Nguyen Van A", "So Noi vu", sitting.codes[1]):
            await type_text(pilot, value)
            await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
