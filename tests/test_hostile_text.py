"""Hostile text on every screen and at every way in.

Bank texts, framework names, full names, units and register entries that hold Rich markup
(`[/oops]`, `[@click=app.quit]`, `[bold red]`, `[x]`) are shown literally on every screen
of the app, in both languages, and the app neither crashes nor quits. Control characters
(ESC, OSC 0 and 52, CSI, C1) are refused where files come in (located, nothing written)
and taken out where people type or paste, so none ever reaches the terminal.
"""

from __future__ import annotations

import html
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual import events
from textual.widgets import Input

from dsat.cli import main
from dsat.services.banks import import_bank
from dsat.store import open_store as connect
from dsat.tui.admin import AdminApp
from dsat.tui.screens.history import HistoryScreen
from dsat.tui.screens.identify import IdentifyScreen
from dsat.tui.screens.modals import Confirm
from dsat.tui.screens.picker import PickerScreen
from dsat.tui.screens.question import QuestionScreen
from dsat.tui.screens.result import ResultScreen
from dsat.tui.screens.review import ReviewScreen
from tests import hostile_bank
from tests.hostile_bank import MARKS
from tests.test_report import JAN, person, sit
from tests.tui_helpers import choose, keys_for, make_app, settle

BIG = (160, 50)
DSAT = str(Path(sys.executable).with_name("dsat"))
# What a terminal acts on: set the title, clear the screen, write the clipboard (OSC 52),
# a C1 CSI; and a bidirectional override that turns text around.
ESCAPES = {
    "title": "\x1b]0;pwned\x07",
    "clear": "\x1b[2J",
    "clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "c1": "\x9b31m",
}
CONTROL_BYTES = (b"\x1b", b"\x07", b"\xc2\x9b", b"\x9b")


@pytest.fixture
def hostile_db(tmp_path, clock):
    bank = hostile_bank.write(tmp_path / "bank")
    database = connect(tmp_path / "hostile.db")
    import_bank(database, [bank], imported_by="test", clock=clock)
    yield database
    database.close()


def shown(app) -> str:
    """The screen as text, from the same segments the terminal gets."""
    svg = app.export_screenshot()
    for raw in ("\x1b", "\x07", "\x9b"):
        assert raw not in svg, f"{raw!r} reached the screen"
    return html.unescape(svg).replace("\xa0", " ")


def literal(app, *tags: str, marks: tuple[str, ...] = MARKS) -> None:
    """Every tag and every markup mark is on screen as typed; the app is still running."""
    text = shown(app)
    for tag in tags:
        assert tag in text, f"{tag!r} is not on the {type(app.screen).__name__}"
    for mark in marks:
        assert mark in text, f"{mark!r} was taken as markup on the {type(app.screen).__name__}"
    assert app.is_running and app.return_code is None


async def f2_both_ways(pilot, *tags_en: str, marks: tuple[str, ...] = MARKS) -> None:
    """F2: every tag is now in Vietnamese and none is left in English; F2 back."""
    app = pilot.app
    await pilot.press("f2")
    await pilot.pause()
    text = shown(app)
    for tag in tags_en:
        assert tag.replace("-en", "-vi") in text, tag
        assert tag not in text, f"{tag!r} still in English after F2"
    await pilot.press("f2")
    await pilot.pause()
    literal(app, *tags_en, marks=marks)


async def paste(pilot, field: str, value: str) -> None:
    box = pilot.app.screen.query_one(f"#{field}", Input)
    box.focus()
    await pilot.pause()
    box.post_message(events.Paste(value))
    await pilot.pause()


async def sign_in_pasted(pilot, emp: str, name: str, unit: str) -> None:
    await pilot.pause()
    for field, value in (("employee_id", emp), ("full_name", name), ("unit", unit)):
        await paste(pilot, field, value)
        await pilot.press("enter")
    await settle(pilot)


NAME = "Nguyen [/oops] [@click=app.quit]q[/] Van A"
UNIT = "So [bold red]Y te[/bold red] [x] [/unit]"


async def answer_every_item(pilot) -> None:
    """Each item of the form in turn: its stem and its choices literal, then an answer."""
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, QuestionScreen)
    kinds = []
    for n, slot in enumerate(screen.state.slots):
        assert screen.index == n
        item = slot.item
        kinds.append(item.kind)
        tags = [f"S{_ident(app, n)}-en"]
        if item.kind in ("choice", "multi") and item.item_type != "self_rating":
            tags += [f"O{k}-en" for k in "abc" if item.item_type != "true_false"]
        if item.kind == "number":
            tags.append("U-en")
        if item.kind == "matching":
            tags += ["L0-en", "L1-en", "R0-en", "R1-en"]
        if item.kind == "ordering":
            tags += ["T0-en", "T1-en", "T2-en"]
        if item.item_type == "self_rating":
            tags += ["K0-en", "K3-en"]
        literal(app, *tags, "C41-en")
        if n == 0 or item.kind in ("matching", "ordering", "text"):
            await f2_both_ways(pilot, *tags)
        n_keys = len(item.lefts) if item.kind == "matching" else len(item.choices)
        await pilot.press(*keys_for(item.kind, n_keys), "enter")
        await pilot.pause()
    assert {"choice", "multi", "text", "number", "matching", "ordering"} <= set(kinds)


def _ident(app, position: int) -> str:
    screen = app.screen
    row = screen.service.store.row(
        "SELECT item_id FROM responses WHERE attempt_id = ? AND position = ?",
        [screen.state.attempt.id, position],
    )
    return row[0]


@pytest.mark.slow
async def test_markup_is_literal_on_every_screen_of_a_practice_test(hostile_db, clock):
    app = make_app(hostile_db, None, clock, lang="en")  # the framework from the database
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await settle(pilot)
        await paste(pilot, "employee_id", "CB001")
        await pilot.press("enter")
        await paste(pilot, "full_name", NAME)
        await pilot.press("enter")
        await paste(pilot, "unit", UNIT)
        literal(app)  # the form shows what was pasted, as text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        literal(app, NAME, UNIT, "C41-en", "A4-en")
        await f2_both_ways(pilot, "C41-en", "A4-en")
        await choose(pilot, "competency:4.1")
        await pilot.press("enter")
        await pilot.pause()
        await answer_every_item(pilot)
        assert isinstance(app.screen, ReviewScreen)
        stems = [f"Sh{i}-en" for i in (1, 4, 7)]
        literal(app, *stems)
        await f2_both_ways(pilot, *stems)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)  # (it covers the review's stems)
        assert "Submit the test?" in shown(app)
        await pilot.press("f2")
        await pilot.pause()
        assert "Nộp bài?" in shown(app) and "Submit the test?" not in shown(app)
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        # practice: stems, right answers and explanations, bands, feedback, the rule
        seen = ["Sh1-en", "Eh1-en", "Ob-en", "C41-en", "below-en[/oops][bold red]"]
        literal(app, *seen)
        assert "Fbelow-en" in shown(app) or "Ffoundation-en" in shown(app)
        await f2_both_ways(pilot, *seen)
        for _ in range(40):  # scrolled to the end: every reviewed item was drawn literally
            await pilot.press("pagedown")
        await pilot.pause()
        literal(app, "Eh8-en")
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        band = ("-en[/oops][bold red]",)  # (only band names come from the bank here)
        literal(app, *band, marks=())
        await f2_both_ways(pilot, *band, marks=())
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, IdentifyScreen)
        assert all(app.screen.query_one(f"#{f}", Input).value == "" for f in ("employee_id",))
    assert app.return_code is None
    assert candidates(hostile_db) == [("CB001", NAME, UNIT)]


def candidates(db) -> list[tuple[str, str, str]]:
    return db.conn.execute(
        "SELECT c.employee_id, c.full_name, u.name FROM candidates c "
        "JOIN units u ON u.id = c.unit_id ORDER BY 1"
    ).fetchall()


@pytest.mark.slow
async def test_markup_is_literal_in_an_assessment_result(hostile_db, clock):
    app = make_app(hostile_db, None, clock, lang="en")
    async with app.run_test(size=BIG) as pilot:
        await sign_in_pasted(pilot, "CB002", NAME, UNIT)
        await choose(pilot, "full:all")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        await answer_every_item(pilot)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen) and not app.screen.view.practice
        text = shown(app)
        assert "Eh1-en" not in text  # assessment: no explanations
        literal(app, "D41-en", "C41-en", "A4-en")  # what to study, by name
        await f2_both_ways(pilot, "D41-en", "C41-en")


async def test_pasted_control_characters_never_reach_the_screen_or_the_database(hostile_db, clock):
    db = hostile_db
    app = make_app(db, None, clock, lang="en")
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        name = "Tran" + "".join(ESCAPES.values()) + " Thi B"
        await sign_in_pasted(pilot, "CB003" + ESCAPES["c1"][:1], name, "So\x1b[2J Y te")
        shown(app)  # (asserts no control character is drawn)
        assert isinstance(app.screen, PickerScreen), shown(app)[-3000:]
        await choose(pilot, "competency:4.1")  # has a short answer item: paste into it
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        for _ in screen.state.slots:
            if screen.slot.item.kind == "text":
                break
            await pilot.press("right")
            await pilot.pause()
        assert screen.slot.item.kind == "text"
        screen.query_one("#answer").post_message(events.Paste("Ctrl" + ESCAPES["clipboard"]))
        await pilot.pause()
        shown(app)
        assert "\x1b" not in screen.query_one("#answer").value
    [(emp, full, unit)] = candidates(db)
    for value in (emp, full, unit):
        assert not any(ch in value for ch in "\x1b\x07\x9b"), repr(value)
    assert emp == "CB003" and full.startswith("Tran") and full.endswith("Thi B")


# --- files coming in --------------------------------------------------------------------

GIFT = "::q1:: Which is safe? {=A long passphrase ~123456}\n"
AIKEN = "Which is safe?\nA) A long passphrase\nB) 123456\nANSWER: A\n"
MOODLE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n<question type="truefalse">\n'
    '<name><text>tf</text></name>\n<questiontext format="html">\n<text>Which is safe?</text>\n'
    "</questiontext>\n"
    '<answer fraction="100"><text>true</text></answer>\n'
    '<answer fraction="0"><text>false</text></answer>\n</question>\n</quiz>\n'
)
YAML = (
    "items:\n  - id: y-1\n    type: true_false\n    competency: '4.1'\n    level: 2\n"
    '    stem: {vi: "Câu", en: "Which is safe?"}\n    key: true\n'
    "    explanation: {vi: V, en: E}\n"
)
SHEET = (
    "id,competency,level,type,stem_vi,stem_en,key,explanation_en\n"
    "t1,4.1,2,true_false,Đúng,Which is safe?,true,E\n"
)
FILES = {"q.gift": (GIFT, 1), "q.txt": (AIKEN, 1), "q.xml": (MOODLE, 6), "q.yaml": (YAML, 6),
         "q.csv": (SHEET, 2)}  # fmt: skip


@pytest.mark.parametrize("escape", sorted(ESCAPES))
@pytest.mark.parametrize("name", sorted(FILES))
def test_a_bank_file_with_terminal_escapes_is_refused_where_they_are(here, name, escape):
    text, line = FILES[name]
    Path(name).write_text(text.replace("safe?", "safe?" + ESCAPES[escape]), encoding="utf-8")
    extra = ["--competency", "4.1", "--level", "2"] if name.endswith((".gift", ".txt")) else []
    result = CliRunner().invoke(main, ["bank", "import", name, *extra, "--db", "t.db"])
    assert result.exit_code == 1
    assert f"{name}:{line}:" in result.output and "U+" in result.output, result.output
    assert "control character" in result.output and "nothing was written" in result.output
    with sqlite3.connect("t.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM items").fetchone() == (0,)
    for raw in CONTROL_BYTES:
        assert raw not in result.output.encode()


@pytest.mark.parametrize("escape", sorted(ESCAPES))
def test_a_register_or_answer_sheet_with_terminal_escapes_is_refused(here, escape):
    bank = str(Path(__file__).resolve().parents[1] / "question_banks" / "4.1-devices.yaml")
    assert CliRunner().invoke(main, ["bank", "import", bank, "--db", "t.db"]).exit_code == 0
    Path("r.csv").write_text(
        "employee_id,full_name,unit_path,province\n"
        "CB1,Le Thi C,So Y te,Hue\n"
        f"CB2,Tran{ESCAPES[escape]} B,So Y te,Hue\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["staff", "import", "r.csv", "--db", "t.db"])
    assert result.exit_code == 1 and "r.csv:3: full_name:" in result.output, result.output
    with sqlite3.connect("t.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM staff").fetchone() == (0,)  # not even CB1
    Path("r.csv").write_text("employee_id,full_name,unit_path,province\nCB1,Le C,So,Hue\n")
    assert CliRunner().invoke(main, ["staff", "import", "r.csv", "--db", "t.db"]).exit_code == 0
    Path("p.csv").write_text(
        "employee_id,attempt_date,item_id,answer\n"
        "CB1,2026-03-02,4.1-02,true\n"
        f"CB1,2026-03-02,4.1-01,a{ESCAPES[escape]}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["results", "import-responses", "p.csv", "--db", "t.db"])
    assert result.exit_code == 1 and "p.csv:3: answer:" in result.output, result.output
    assert "control character" in result.output
    with sqlite3.connect("t.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM attempts").fetchone() == (0,)


# --- the administrators' dashboard and the command line ---------------------------------

# ('/' separates the levels of a unit path, so a closing tag can only be in a province)
PROVINCE = "Tỉnh [@click=app.quit]q[/] [/oops]"
UNITS = ("UBND [x] [bold red]/Sở [bold red]Y tế", "UBND [x] [bold red]/Sở [@click=app.quit]q")


@pytest.fixture
def hostile_register(db, fw):
    every = fw.competency_ids()
    for i in range(6):
        person(db, f"H{i}", PROVINCE, UNITS[i % 2])
        sit(db, fw, f"H{i}", JAN, dict.fromkeys(every, i < 3))
    return db


async def test_units_named_with_markup_are_literal_on_the_dashboard(hostile_register, fw):
    app = AdminApp(hostile_register, fw, lang="en", min_group=1)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        literal_marks = ["[@click=app.quit]", "[/oops]"]
        text = shown(app)
        assert all(m in text for m in literal_marks) and PROVINCE in text
        await pilot.press("enter")  # the province's units
        await pilot.pause()
        assert "UBND [x] [bold red]" in shown(app)
        await pilot.press("enter")  # inside it
        await pilot.pause()
        text = shown(app)
        assert "Sở [bold red]Y tế" in text and "Sở [@click=app.quit]q" in text
        await pilot.press("f2")
        await pilot.pause()
        assert "Sở [bold red]Y tế" in shown(app) and app.lang == "vi"
        assert app.is_running and app.return_code is None


def test_the_command_line_never_prints_escapes_from_the_database(hostile_register, db_path, here):
    """Names written into the database by another program (or an old version) keep their
    escapes; tables and JSON printed from them do not, and markup stays as typed."""
    hostile_register.conn.execute(
        "UPDATE staff SET unit_path = ? || unit_path, province = ? || province",
        [ESCAPES["title"] + ESCAPES["clipboard"], ESCAPES["c1"] + ESCAPES["clear"]],
    )
    hostile_register.conn.execute("UPDATE candidates SET full_name = ?", [NAME + ESCAPES["title"]])
    hostile_register.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    env = {**os.environ, "TERM": "xterm-256color"}
    for args in (
        ["report", "share", "--by", "province,unit", "--min-group", "1"],
        ["results", "list"],
        ["results", "list", "--json"],
    ):  # fmt: skip
        done = subprocess.run(
            [DSAT, *args, "--db", str(db_path)], capture_output=True, env=env, timeout=60
        )
        out = done.stdout + done.stderr
        assert done.returncode == 0, out
        for raw in CONTROL_BYTES:
            assert raw not in out, (args, raw, out[:400])
        if args[0] == "report" and "--format" not in args:
            assert b"[x] [" in out and b"[@click=app.quit]q[/]" in out, out
            rows = [line for line in out.decode().splitlines() if " overall " in line]
            assert len({line.index(" overall ") for line in rows}) == 1, rows  # aligned
