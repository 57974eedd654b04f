"""A busy or full database, in the store and on every screen action of the app.

Busy: another program holds the write lock (BEGIN IMMEDIATE on a second connection) and
the app's busy timeout is cut to a fraction of a second. Full: a real SQLITE_FULL, from
`PRAGMA max_page_count` on the app's connection; so that every write needs more room than
is left (the last pages of a table may still have a few free bytes), temporary triggers
make each write also add a large row. Nothing here replaces the store or the service.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Input

from dsat.services.errors import StoreBusy, StoreError, StoreFull
from dsat.tui.screens.identify import IdentifyScreen
from dsat.tui.screens.modals import Confirm
from dsat.tui.screens.picker import PickerScreen
from dsat.tui.screens.question import QuestionScreen
from dsat.tui.screens.result import ResultScreen
from dsat.tui.screens.review import ReviewScreen
from tests.tui_helpers import SIZE, choose, make_app, open_first_item, settle, sign_in, type_text


class Jam:
    """Makes the database busy or full for the app's connection, and frees it again."""

    def __init__(self, db, path: Path):
        self.db, self.path = db, path
        self.other: sqlite3.Connection | None = None
        self.triggers: list[str] = []

    def busy(self) -> None:
        self.db.conn.execute("PRAGMA busy_timeout = 150")
        self.other = sqlite3.connect(self.path, isolation_level=None, timeout=0)
        self.other.execute("BEGIN IMMEDIATE")

    def full(self) -> None:
        conn = self.db.conn
        conn.execute("CREATE TABLE IF NOT EXISTS test_filler (b BLOB)")
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name != 'test_filler'"
            )
        ]
        for table in tables:
            for event in ("INSERT", "UPDATE", "DELETE"):
                name = f"test_full_{table}_{event.lower()}"
                conn.execute(
                    f"CREATE TEMP TRIGGER {name} AFTER {event} ON main.[{table}] "
                    "BEGIN INSERT INTO test_filler VALUES (zeroblob(4000000)); END"
                )
                self.triggers.append(name)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")

    def __call__(self, kind: str) -> None:
        self.busy() if kind == "busy" else self.full()

    def free(self) -> None:
        if self.other is not None:
            self.other.rollback()
            self.other.close()
            self.other = None
        for name in self.triggers:
            self.db.conn.execute(f"DROP TRIGGER IF EXISTS temp.{name}")
        self.triggers = []
        self.db.conn.execute("PRAGMA max_page_count = 1073741823")


@pytest.fixture
def jam(db, db_path):
    j = Jam(db, db_path)
    yield j
    j.free()


@pytest.fixture
def fw(fixed_fw):
    return fixed_fw


KINDS = ["busy", "full"]
ERROR = {"busy": StoreBusy, "full": StoreFull}


def answered(db, attempt_id: str) -> list[tuple[int, str]]:
    return db.conn.execute(
        "SELECT position, answer FROM responses WHERE attempt_id = ? "
        "AND answered_at IS NOT NULL ORDER BY position",
        [attempt_id],
    ).fetchall()


def notes(app) -> str:
    return " ".join(str(n.message) for n in app._notifications)


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


def still_running(app) -> None:
    assert app.is_running and app.return_code is None


# --- the store --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_an_answer_that_cannot_be_written_is_not_saved_and_the_next_one_is(service, db, jam, kind):
    service.identify("CB1", "Nguyen Van A", "So Noi vu")
    state = service.start("CB1", "competency", "4.1", "en", seed=7)
    jam(kind)
    with pytest.raises(ERROR[kind]):
        service.answer(state.attempt.id, 0, 1)
    assert not db.conn.in_transaction  # rolled back, not left open
    jam.free()
    assert answered(db, state.attempt.id) == []
    saved = service.answer(state.attempt.id, 0, 2)
    assert saved.value == 2
    assert answered(db, state.attempt.id) == [(0, "2")]


def test_a_real_sqlite_full_is_what_the_full_jam_gives(db, jam):
    jam.full()
    with pytest.raises(sqlite3.OperationalError, match="full"):
        db.conn.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")


def test_a_failed_commit_rolls_back_and_the_next_unit_of_work_works(db):
    """COMMIT itself fails (a deferred foreign key): nothing of the unit is kept, and the
    connection is not left inside the failed transaction."""
    db.conn.execute("CREATE TABLE t_parent (id INTEGER PRIMARY KEY)")
    db.conn.execute(
        "CREATE TABLE t_child (p INTEGER REFERENCES t_parent(id) DEFERRABLE INITIALLY DEFERRED)"
    )
    with pytest.raises(StoreError), db.unit_of_work():
        db.set_meta("half", "written")
        db.write("INSERT INTO t_child VALUES (7)")  # only checked at COMMIT
    assert not db.conn.in_transaction
    assert db.meta("half") is None
    with db.unit_of_work():
        db.set_meta("next", "works")
    assert db.meta("next") == "works"
    assert db.conn.execute("SELECT COUNT(*) FROM t_child").fetchone() == (0,)


# --- the app, one action at a time --------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_confirming_an_answer_keeps_it_on_screen_with_a_message(db, fw, clock, jam, kind):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_first_item(pilot)
        attempt_id = app.screen.state.attempt.id
        jam(kind)
        await pilot.press("2", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen) and screen.index == 0
        assert "Could not save your answer" in status(app)
        assert ("busy" if kind == "busy" else "full") in status(app)
        assert "Saved" not in status(app)
        assert screen.query_one("#answer").value == 1  # the choice is still there
        still_running(app)
        jam.free()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.index == 1
    assert answered(db, attempt_id) == [(0, "1")]


@pytest.mark.parametrize("kind", KINDS)
async def test_moving_flagging_and_the_heartbeat_keep_the_screen(db, fw, clock, jam, kind):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_first_item(pilot)
        await pilot.press("1", "enter", "left")  # one saved answer before the trouble
        await pilot.pause()
        jam(kind)
        screen = app.screen
        await pilot.press("right")  # moving: only where a resume lands is lost
        await pilot.pause()
        assert app.screen is screen and screen.index == 1
        await pilot.press("left")
        await pilot.pause()
        assert screen.index == 0 and "Saved 09:00:00" in status(app)
        await pilot.press("f")  # flagging: refused, said so
        await pilot.pause()
        assert not screen.slot.flagged
        assert "cannot be written" in status(app)
        app._heartbeat()  # the periodic session refresh
        await pilot.pause()
        assert app.screen is screen
        still_running(app)
        jam.free()
        await pilot.press("f")
        await pilot.pause()
        assert screen.slot.flagged
    assert db.conn.execute("SELECT flagged FROM responses WHERE position = 0").fetchone() == (1,)


async def test_a_flag_that_works_after_a_failure_no_longer_shows_the_error(db, fw, clock, jam):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_first_item(pilot)
        jam.busy()
        await pilot.press("f")
        await pilot.pause()
        assert "cannot be written" in status(app)
        jam.free()
        await pilot.press("f")
        await pilot.pause()
        assert app.screen.slot.flagged
        assert "flagged for review" in status(app) and "cannot be written" not in status(app)


@pytest.mark.parametrize("kind", KINDS)
async def test_submitting_fails_then_works_and_the_answers_stay(db, fw, clock, jam, kind):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_first_item(pilot)
        attempt_id = app.screen.state.attempt.id
        await pilot.press("1", "enter", "1", "enter")  # (the third item is a text box)
        await pilot.pause()
        jam(kind)
        await pilot.press("escape", "r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        assert "could not be submitted yet" in status(app)
        still_running(app)
        jam.free()
        await pilot.press("escape", "r")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
    row = db.conn.execute("SELECT status FROM attempts WHERE id = ?", [attempt_id]).fetchone()
    assert row == ("submitted",)
    assert len(answered(db, attempt_id)) == 2


@pytest.mark.parametrize("kind", KINDS)
async def test_signing_in_keeps_the_form_and_says_why(db, fw, clock, jam, kind):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        jam(kind)
        await sign_in(pilot)
        screen = app.screen
        assert isinstance(screen, IdentifyScreen)
        assert "cannot be written" in str(screen.query_one("#error").render())
        values = [screen.query_one(f"#{f}", Input).value for f in ("employee_id", "full_name")]
        assert values == ["CB001", "Nguyen Van A"]
        still_running(app)
        jam.free()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
    assert db.count("candidates") == 1


@pytest.mark.parametrize("kind", KINDS)
async def test_starting_a_test_from_the_picker_keeps_the_picker(db, fw, clock, jam, kind):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await choose(pilot, "competency:4.1")
        jam(kind)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert "cannot be written" in notes(app)
        assert db.count("attempts") == 0
        still_running(app)
        await pilot.press("f2")  # the language switch needs no write
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen) and app.lang == "vi"
        await pilot.press("f2")
        await pilot.pause()
        jam.free()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)


@pytest.mark.parametrize("kind", KINDS)
async def test_the_language_switch_with_a_jammed_database(db, fw, clock, jam, kind):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_first_item(pilot)
        await pilot.press("2")  # chosen, not confirmed
        jam(kind)
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen) and app.lang == "vi"
        assert screen.query_one("#answer").value == 1
        await pilot.press("enter")  # saving fails: in Vietnamese now
        await pilot.pause()
        assert "Chưa lưu được câu trả lời" in status(app)
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen.index == 0 and app.screen.query_one("#answer").value == 1
        jam.free()


@pytest.mark.parametrize("kind", KINDS)
async def test_signing_out_with_a_jammed_database(db, fw, clock, jam, kind):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, emp="CB002", name="Tran Thi B")
        assert isinstance(app.screen, PickerScreen)
        jam(kind)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, IdentifyScreen)
        assert app.screen.query_one("#employee_id", Input).value == ""
        still_running(app)
        await type_text(pilot, "CB003")
        assert app.screen.query_one("#employee_id", Input).value == "CB003"
