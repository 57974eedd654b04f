"""The real app in a pseudo-terminal, killed with SIGKILL: nothing confirmed is lost, the
database is intact, and the next run resumes at the same item; an adaptive test resumes
with exactly the item it would have shown."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pexpect
import pytest
import yaml

from dsat.domain.forms import assemble_form
from dsat.domain.presentation import present
from dsat.domain.tasks import concrete
from dsat.services.assessment import AssessmentService
from dsat.services.banks import default_framework, import_bank, shipped_bank_dir
from dsat.store import open_store as connect

pytestmark = pytest.mark.slow

DSAT = str(Path(sys.executable).with_name("dsat"))
ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[A-Za-z~]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")
SEED = 7
PERSON = ("CB042", "Le Thi C", "UBND tinh Lao Cai")


def keys_for(item) -> str:
    """Keys that answer a presented item of any kind, then confirm it."""
    n = len(item.choices)
    match item.kind:
        case "choice" | "multi":
            return "1\r"
        case "text":
            return "abc\r"
        case "number":
            return "10000\r"
        case "matching":
            return "1" * len(item.lefts) + "\r"
        case "ordering":
            return "".join(str(i) for i in range(n, 0, -1)) + "\r"
    task = item.task
    if task.answer_kind == "marks":
        return "1" * len(task.messages) + "\r"
    return "1\r" if task.answer_kind == "pick" else "12\r"


def fixed_bank(tmp: Path) -> Path:
    """The shipped bank with fixed forms for competency tests (what moving back, flags and
    the review need), imported into a fresh database the app will use."""
    bank = tmp / "bank"
    shutil.copytree(shipped_bank_dir(), bank)
    data = yaml.safe_load((bank / "framework.yaml").read_text(encoding="utf-8"))
    data["framework"]["blueprints"]["competency"]["mode"] = "fixed"
    (bank / "framework.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return bank


def prepared(tmp: Path, fixed: bool) -> tuple[Path, list[str]]:
    """A database with the bank imported, and (fixed forms) the keys for the 4.1 form."""
    db = tmp / "crash.db"
    store = connect(db)
    import_bank(store, [fixed_bank(tmp) if fixed else shipped_bank_dir()], imported_by="test")
    keys: list[str] = []
    if fixed:
        fw = default_framework(store)
        active = store.items.active(["4.1"])
        form = assemble_form(fw, active, ["4.1"], fw.blueprints.competency, SEED)
        by_key = {(v.item.id, v.version): v.item for v in active}
        keys = [
            keys_for(present(concrete(by_key[(e.item_id, e.version)], e.variant), e.order, fw))
            for e in form
        ]
    store.close()
    return db, keys


class Terminal:
    """A dsat process in a pty, with the screen text it has drawn so far."""

    def __init__(self, db: Path, tmp: Path):
        env = {**os.environ, "TERM": "xterm-256color", "DSAT_DB": str(db)}
        self.proc = pexpect.spawn(
            DSAT,
            ["take", "--lang", "en", "--seed", str(SEED)],
            env=env,
            cwd=str(tmp),
            dimensions=(32, 100),
            encoding="utf-8",
            codec_errors="replace",
            timeout=20,
        )
        self.seen = ""
        self.tail = ""

    def read(self, timeout: float) -> str:
        """What the app drew since the last read; an app that exited is a failure that
        shows its last screen (a traceback, if it crashed)."""
        try:
            got = ANSI.sub("", self.proc.read_nonblocking(65536, timeout=timeout))
        except pexpect.TIMEOUT:
            return ""
        except pexpect.EOF:
            raise AssertionError(f"the app exited; its last output:\n{self.tail[-3000:]}") from None
        self.tail = (self.tail + got)[-6000:]
        return got

    def wait_for(self, text: str, timeout: float = 20) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.seen += self.read(0.2)
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


def _wait_answered(db: Path, n: int, term: Terminal | None = None) -> None:
    end = time.monotonic() + 15
    while time.monotonic() < end:
        if len(_answered(db)) >= n:
            return
        if term is not None:
            term.read(0.05)
        else:
            time.sleep(0.05)
    shown = f"; the screen:\n{term.tail[-2500:]}" if term is not None else ""
    raise AssertionError(f"{n} answers never reached the database{shown}")


def _sign_in(term: Terminal) -> None:
    term.wait_for("Employee ID")
    for value in PERSON:  # the form is empty: nobody is remembered
        term.send(value)
        time.sleep(0.2)
        term.send("\r")
        time.sleep(0.2)


def _sign_in_and_open(term: Terminal, first: str) -> None:
    _sign_in(term)
    term.wait_for("Choose what to be assessed on")
    for _ in range(_downs_to("competency:4.1")):
        term.proc.send("\x1b[B")  # ↓, sent whole: split up it could read as Esc
        time.sleep(0.05)
    term.send("\r")
    term.wait_for(first)


@pytest.mark.parametrize("confirmed", [1, 4, 6])
def test_sigkill_then_resume(tmp_path: Path, confirmed: int):
    db, keys = prepared(tmp_path, fixed=True)
    total = len(keys)
    term = Terminal(db, tmp_path)
    _sign_in_and_open(term, f"Item 1/{total}")
    for i in range(confirmed):
        term.send(keys[i])
        _wait_answered(db, i + 1)
    saved = _answered(db)
    term.send(keys[confirmed][:-1])  # an answer chosen but not confirmed when the kill comes
    time.sleep(0.3)
    term.kill()

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        status = conn.execute("SELECT status, position FROM attempts").fetchall()
    assert _answered(db) == saved and len(saved) == confirmed
    assert status == [("in_progress", confirmed)]  # the item on screen when it died

    again = Terminal(db, tmp_path)
    _sign_in(again)
    again.wait_for("Unfinished test")
    again.wait_for(f"{confirmed}/{total} answered")
    again.send("\r")
    again.wait_for(f"Item {confirmed + 1}/{total}")  # the same item, its unconfirmed choice gone
    again.send(keys[confirmed])
    _wait_answered(db, confirmed + 1)
    again.kill()
    after = _answered(db)
    assert after[:confirmed] == saved
    assert after[confirmed][0] == confirmed


@pytest.mark.parametrize("run", range(12))
def test_sigkill_at_a_random_moment(tmp_path: Path, run: int):
    """Keys keep coming and the process is killed at a moment chosen at random: whatever
    the screen had shown as saved is in the database, which is intact and resumes."""
    import random

    rng = random.Random(run)
    db, keys = prepared(tmp_path, fixed=True)
    total = len(keys)
    item = re.compile(rf"Item (\d+)/{total}")
    term = Terminal(db, tmp_path)
    _sign_in_and_open(term, f"Item 1/{total}")
    deadline = time.monotonic() + rng.uniform(0.1, 2.5)
    shown = 1  # the highest item number the screen has drawn
    screen = ""
    typed = "".join(keys)
    i = 0
    while time.monotonic() < deadline:  # keys as fast as a quick typist, then watch
        if i < len(typed):
            term.proc.send(typed[i])
            i += 1
        screen += term.read(0.03)
        shown = max([shown, *(int(n) for n in item.findall(screen))])
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
    _sign_in(again)
    again.wait_for("Unfinished test")
    again.wait_for(f"{len(answered)}/{total} answered")
    again.send("\r")
    again.wait_for(f"Item {position + 1}/{total}")
    again.kill()


def _current(db: Path):
    """The item that can be answered now (None once the test is over) and the attempt's
    rows, as the service sees them."""
    store = connect(db)
    try:
        service = AssessmentService(store, default_framework(store))
        [attempt_id] = [r[0] for r in store.conn.execute("SELECT id FROM attempts")]
        state = service.state(attempt_id)
        rows = [(r.item_id, r.answer) for r in store.attempts.responses(attempt_id)]
        return (None if state.finished else state.slots[state.current].item), rows
    finally:
        store.close()


def test_an_adaptive_test_killed_resumes_with_the_item_it_would_have_shown(tmp_path: Path):
    db, _ = prepared(tmp_path, fixed=False)  # the shipped bank: competency tests adapt
    term = Terminal(db, tmp_path)
    _sign_in_and_open(term, "Item 1 (adaptive")
    for n in range(1, 4):  # the self-rating, then two chosen items
        item, _ = _current(db)
        term.send(keys_for(item))
        _wait_answered(db, n, term)
        term.wait_for(f"Item {n + 1} (adaptive")
    item, before = _current(db)
    assert item is not None
    term.send(keys_for(item)[:-1])  # chosen, not confirmed, when the kill comes
    time.sleep(0.3)
    term.kill()

    again = Terminal(db, tmp_path)
    _sign_in(again)
    again.wait_for("Unfinished test")
    again.send("\r")
    again.wait_for(item.stem.en[:40])  # the same fourth item, on screen again
    n = 4
    while item is not None:  # on to the end of the test
        again.send(keys_for(item))
        _wait_answered(db, n, again)
        item, _ = _current(db)
        n += 1
    again.kill()
    _, rows = _current(db)
    k = len(before)  # the answers before the kill, and the item on screen when it came
    assert rows[: k - 1] == before[: k - 1] and rows[k - 1][0] == before[k - 1][0]
    assert len(rows) > k

    # the same seed and the same answers, without a crash, choose the same items
    store = connect(tmp_path / "control.db")
    import_bank(store, [shipped_bank_dir()], imported_by="test")
    service = AssessmentService(store, default_framework(store))
    service.identify(*PERSON)
    state = service.start(PERSON[0], "competency", "4.1", "en", seed=SEED)
    for position, (item_id, answer) in enumerate(rows):
        shown = store.attempts.item_at(state.attempt.id, position)
        assert shown is not None and shown[0] == item_id, position
        saved = service.answer(state.attempt.id, position, answer)
    assert saved.finished  # and it ends where the resumed test ended
    store.close()
