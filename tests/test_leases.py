"""One live session per attempt: a second window is refused until the first is gone or a
trainer unlocks it; the candidate is told when their last answer was saved."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from dsat.cli import main
from dsat.services.errors import ServiceError
from dsat.tui.screens.identify import IdentifyScreen
from dsat.tui.screens.modals import Confirm
from tests.tui_helpers import SIZE, make_app, sign_in


def _start(service):
    service.identify("CB001", "Nguyen Van A", "So Noi vu")
    return service.start("CB001", "competency", "4.1", "en", seed=7)


def test_a_second_session_is_refused_while_the_first_is_alive(service):
    state = _start(service)
    service.claim(state.attempt.id, "window-1")
    service.claim(state.attempt.id, "window-1")  # the same session again is fine
    with pytest.raises(ServiceError) as busy:
        service.claim(state.attempt.id, "window-2")
    assert "open in another window" in busy.value.message("en")
    service.let_go(state.attempt.id, "window-1")
    service.claim(state.attempt.id, "window-2")


def test_a_session_whose_process_ended_is_taken_over(service, db):
    state = _start(service)
    service.claim(state.attempt.id, "browser-tab")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    db.conn.execute("UPDATE attempt_leases SET pid = ?", [int(gone.stdout)])  # it has ended
    service.claim(state.attempt.id, "new-tab")  # a dropped connection: reconnecting works


def test_a_trainer_unlocks(service, db_path):
    state = _start(service)
    service.claim(state.attempt.id, "broken-pc")
    result = CliRunner().invoke(main, ["sitting", "unlock", "CB001", "--db", str(db_path)])
    assert result.exit_code == 0 and "CB001: 1 open test unlocked" in result.output
    service.claim(state.attempt.id, "spare-pc")


async def test_the_second_window_says_why_and_the_first_saved_time_shows(db, fw, clock, service):
    state = _start(service)
    service.answer(state.attempt.id, 0, 1)
    service.claim(state.attempt.id, "another-window")
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "CB001", "Nguyễn Văn A", "Sở Nội vụ Hà Nội")
        assert isinstance(app.screen, IdentifyScreen)
        assert "open in another window or browser" in app.screen.error
    service.let_go(state.attempt.id, "another-window")
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "CB001", "Nguyễn Văn A", "Sở Nội vụ Hà Nội")
        assert isinstance(app.screen, Confirm)
        assert (
            "Connection lost? Nothing is lost: your last answer was saved at 22/11/2026 09:00."
            in app.screen.body["en"]
        )


async def test_a_read_only_database_is_said_plainly_and_the_form_is_kept(fw, clock, tmp_path):
    import os

    from dsat.services.banks import import_bank, shipped_bank_dir
    from dsat.store import open_store as connect
    from tests.tui_helpers import settle, type_text

    path = tmp_path / "ro.db"
    db = connect(path)
    import_bank(db, [shipped_bank_dir()], imported_by="test")
    db.close()
    os.chmod(path, 0o444)  # as root, the file mode alone would not stop writes:
    ro = connect(path)
    ro.conn.execute("PRAGMA query_only = ON")  # so SQLite refuses them, as on a read-only disk
    app = make_app(ro, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for value in ("CB5", "Vo Thi F", "So Tu phap"):
            await type_text(pilot, value)
            await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IdentifyScreen)
        assert "The database cannot be written" in app.screen.error
        assert app.screen.values["full_name"] == "Vo Thi F"
    ro.close()
