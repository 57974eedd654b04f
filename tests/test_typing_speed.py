"""Typing faster than the screen: a whole sign-in line at once, in the app and in a terminal.

A fast typist, a barcode scanner or a paste through a terminal that sends keys delivers
"CB042<Tab>Le Thi C<Tab>So Y te<Enter>" in one go, before the core is ready. Every value
lands in its own field, and the person signed in is the one typed. On a shared terminal
the next person starts from an empty form: nothing of the previous person is kept or
appended to.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import time
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from dsat.tui.screens.identify import IdentifyScreen
from dsat.tui.screens.picker import PickerScreen
from tests.tui_helpers import SIZE, make_app, settle, sign_in

DSAT = str(Path(sys.executable).with_name("dsat"))
FIELDS = ("employee_id", "full_name", "unit")


def burst(app, text: str) -> None:
    """Every key posted at once, as the terminal driver does with a chunk of input."""
    names = {"\t": "tab", "\r": "enter", " ": "space"}
    for ch in text:
        app.post_message(events.Key(names.get(ch, ch), ch))


def fields(app) -> list[str]:
    return [app.screen.query_one(f"#{f}", Input).value for f in FIELDS]


@pytest.mark.parametrize("between", ["\t", "\r"], ids=["tab", "enter"])
async def test_a_whole_sign_in_line_at_once_lands_field_by_field(tmp_path, fw, clock, between):
    """On a new database: the shipped bank is still being imported when the keys come."""
    from dsat.store import open_store

    db = open_store(tmp_path / "new.db")
    app = make_app(db, None, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        burst(app, between.join(("CB042", "Le Thi C", "So Y te")) + "\r")
        await pilot.pause(0.5)
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen), fields(app)
        assert app.candidate.employee_id == "CB042"
        assert app.candidate.full_name == "Le Thi C"
    rows = db.conn.execute(
        "SELECT c.employee_id, c.full_name, u.name FROM candidates c "
        "JOIN units u ON u.id = c.unit_id"
    ).fetchall()
    assert rows == [("CB042", "Le Thi C", "So Y te")]
    db.close()


async def test_shift_tab_and_enter_on_a_filled_form_still_sign_in(db, fw, clock):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "CB1\tTran Thi B\tSo Y te")
        await pilot.pause(0.3)
        app.post_message(events.Key("shift+tab", None))
        app.post_message(events.Key("shift+tab", None))
        burst(app, "CB12")  # back in the id, its text selected: typed over
        await pilot.pause(0.3)
        assert fields(app) == ["CB12", "Tran Thi B", "So Y te"]
        burst(app, "\r")  # every other field is filled: Enter signs in from the first
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert app.candidate.employee_id == "CB12"


async def test_enter_on_the_last_field_goes_back_to_a_blank_one(db, fw, clock):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "CB1\t\tSo Y te\r")  # the name was skipped
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(app.screen, IdentifyScreen)
        assert app.screen.focused is app.screen.query_one("#full_name")
        burst(app, "Tran Thi B\r")
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)


async def test_after_sign_out_the_next_person_starts_from_an_empty_form(db, fw, clock):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        assert fields(app) == ["", "", ""]  # a fresh form is empty
        await sign_in(pilot, emp="CB001", name="Nguyen Van A", unit="So Noi vu")
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, IdentifyScreen)
        assert fields(app) == ["", "", ""]
        burst(app, "CB002\tTran Thi B\tSo Y te\r")
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert app.candidate.employee_id == "CB002"  # not "CB001CB002"
    ids = [r[0] for r in db.conn.execute("SELECT employee_id FROM candidates ORDER BY 1")]
    assert ids == ["CB001", "CB002"]


async def test_a_served_app_never_remembers_even_when_asked_to(db, fw, clock, monkeypatch):
    from dsat.tui.app import DsatApp

    monkeypatch.setenv("DSAT_SERVED", "1")
    for _ in range(2):  # the first person, then the next browser
        app = DsatApp(db, fw, lang="en", seed=7, clock=clock, remember=True)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert fields(app) == ["", "", ""]
            await sign_in(pilot)
    assert (
        db.conn.execute("SELECT COUNT(*) FROM meta WHERE key LIKE 'last_candidate%'").fetchone()[0]
        == 0
    )


def _read(proc, seen: list[str], text: str, seconds: float = 30) -> None:
    import pexpect

    from tests.test_crash import ANSI

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with contextlib.suppress(pexpect.TIMEOUT):
            seen.append(ANSI.sub("", proc.read_nonblocking(65536, timeout=0.2)))
        if text in "".join(seen).replace("\xa0", " "):
            return
    raise AssertionError(f"{text!r} never appeared")


@pytest.mark.slow
def test_a_whole_line_sent_at_once_into_a_terminal_signs_in_that_person(tmp_path):
    """A real pty: the first frame is drawn, the core is not loaded yet (a new database),
    and the whole line arrives in one write."""
    import pexpect

    db = tmp_path / "pty.db"
    proc = pexpect.spawn(
        DSAT, ["take", "--db", str(db), "--lang", "en"],
        env={**os.environ, "TERM": "xterm-256color"}, cwd=str(tmp_path), dimensions=(32, 100),
        encoding="utf-8", codec_errors="replace", timeout=30,
    )  # fmt: skip
    seen: list[str] = []
    try:
        _read(proc, seen, "Employee ID")
        proc.send("CB042\tLe Thi C\tSo Y te\r")
        seen.clear()
        _read(proc, seen, "Hello, Le Thi C (So Y te)")
        proc.sendcontrol("q")
        proc.expect(pexpect.EOF, timeout=10)
    finally:
        proc.close(force=True)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT employee_id, full_name FROM candidates").fetchall() == [
            ("CB042", "Le Thi C")
        ]
