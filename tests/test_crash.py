"""The real app in a pseudo-terminal, killed with SIGKILL: nothing confirmed is lost, the
database is intact, and the next run resumes at the same item."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pexpect
import pytest

from dsat.services.assessment import AssessmentService
from dsat.services.banks import default_framework, import_bank, shipped_bank_dir
from dsat.store import open_store as connect

pytestmark = pytest.mark.slow

DSAT = str(Path(sys.executable).with_name("dsat"))
ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[A-Za-z~]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")
# seed 7 draws this form for 4.1, and these keys answer each item
KEYS = ["2\r", "1\r", "2\r", "13\r", "10000\r", "3421\r", "2143\r", "12\r", "3\r"]


class Terminal:
    """A dsat process in a pty, with the screen text it has drawn so far."""

    def __init__(self, db: Path, tmp: Path):
        env = {**os.environ, "TERM": "xterm-256color", "DSAT_DB": str(db)}
        self.proc = pexpect.spawn(
            DSAT,
            ["take", "--lang", "en", "--seed", "7"],
            env=env,
            cwd=str(tmp),
            dimensions=(32, 100),
            encoding="utf-8",
            codec_errors="replace",
            timeout=20,
        )
        self.seen = ""

    def wait_for(self, text: str, timeout: float = 20) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with contextlib.suppress(pexpect.TIMEOUT):
                self.seen += ANSI.sub("", self.proc.read_nonblocking(65536, timeout=0.2))
            if text in self.seen.replace("\xa0", " "):
                self.seen = ""
                return
        raise AssertionError(f"{text!r} never appeared")

    def send(self, keys: str) -> None:
        for ch in keys:
            self.proc.send(ch)
            time.sleep(0.05)

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


def _downs_to(option: str) -> int:
    """↓ presses from the picker's first highlighted entry (the first competency)."""
    db = connect(":memory:")
    import_bank(db, [shipped_bank_dir()], imported_by="test")
    ids = [
        f"{e.scope_kind}:{e.scope_id}"
        for e in AssessmentService(db, default_framework(db)).menu(None)
    ]
    first = next(i for i, x in enumerate(ids) if x.startswith("competency:"))
    return ids.index(option) - first


def _answered(db: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT position, answer FROM responses WHERE answered_at IS NOT NULL ORDER BY 1"
        ).fetchall()


def _wait_answered(db: Path, n: int) -> None:
    end = time.monotonic() + 15
    while time.monotonic() < end:
        if len(_answered(db)) >= n:
            return
        time.sleep(0.05)
    raise AssertionError(f"{n} answers never reached the database")


def _sign_in_and_open(term: Terminal) -> None:
    term.wait_for("Employee ID")
    for value in ("CB042", "Le Thi C", "UBND tinh Lao Cai"):
        term.send(value)
        time.sleep(0.2)
        term.send("\r")
        time.sleep(0.2)
    term.wait_for("Choose what to be assessed on")
    for _ in range(_downs_to("competency:4.1")):
        term.proc.send("\x1b[B")  # ↓, sent whole: split up it could read as Esc
        time.sleep(0.05)
    term.send("\r")
    term.wait_for("Item 1/9")


@pytest.mark.parametrize("confirmed", [1, 4, 6])
def test_sigkill_then_resume(tmp_path: Path, confirmed: int):
    db = tmp_path / "crash.db"
    term = Terminal(db, tmp_path)
    _sign_in_and_open(term)
    for i in range(confirmed):
        term.send(KEYS[i])
        _wait_answered(db, i + 1)
    saved = _answered(db)
    term.send(KEYS[confirmed][:-1])  # an answer chosen but not confirmed when the kill comes
    time.sleep(0.3)
    term.kill()

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        status = conn.execute("SELECT status, position FROM attempts").fetchall()
    assert _answered(db) == saved and len(saved) == confirmed
    assert status == [("in_progress", confirmed)]  # the item on screen when it died

    again = Terminal(db, tmp_path)
    again.wait_for("Employee ID")
    again.send("\r")  # the form is filled in with the last candidate
    again.wait_for("Unfinished test")
    again.wait_for(f"{confirmed}/9 answered")
    again.send("\r")
    again.wait_for(f"Item {confirmed + 1}/9")  # the same item, its unconfirmed choice gone
    again.send(KEYS[confirmed])
    _wait_answered(db, confirmed + 1)
    again.kill()
    after = _answered(db)
    assert after[:confirmed] == saved
    assert after[confirmed][0] == confirmed


ITEM = re.compile(r"Item (\d)/9")


@pytest.mark.parametrize("run", range(20))
def test_sigkill_at_a_random_moment(tmp_path: Path, run: int):
    """Keys keep coming and the process is killed at a moment chosen at random: whatever
    the screen had shown as saved is in the database, which is intact and resumes."""
    import random

    rng = random.Random(run)
    db = tmp_path / "crash.db"
    term = Terminal(db, tmp_path)
    _sign_in_and_open(term)
    deadline = time.monotonic() + rng.uniform(0.1, 2.5)
    shown = 1  # the highest item number the screen has drawn
    screen = ""
    keys = "".join(KEYS)
    i = 0
    while time.monotonic() < deadline:  # keys as fast as a quick typist, then watch
        if i < len(keys):
            term.proc.send(keys[i])
            i += 1
        with contextlib.suppress(pexpect.TIMEOUT):
            screen += ANSI.sub("", term.proc.read_nonblocking(65536, timeout=0.03))
        shown = max([shown, *(int(n) for n in ITEM.findall(screen))])
        screen = screen[-200:]
    term.kill()

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        [(status, position)] = conn.execute("SELECT status, position FROM attempts").fetchall()
    answered = [p for p, _ in _answered(db)]
    assert status == "in_progress"
    assert len(answered) >= shown - 1  # every item the screen moved past was saved first
    assert answered == list(range(len(answered)))  # in order, none missing

    again = Terminal(db, tmp_path)
    again.wait_for("Employee ID")
    again.send("\r")
    again.wait_for("Unfinished test")
    again.wait_for(f"{len(answered)}/9 answered")
    again.send("\r")
    again.wait_for(f"Item {position + 1}/9")
    again.kill()
