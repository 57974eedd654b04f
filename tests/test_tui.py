"""The app under Pilot: keyboard only, real SQLite underneath."""

from __future__ import annotations

import json

import pytest

from dsat.domain.presentation import describe_key
from dsat.tui.screens.identify import IdentifyScreen
from dsat.tui.screens.modals import Confirm
from dsat.tui.screens.picker import PickerScreen
from dsat.tui.screens.question import QuestionScreen
from dsat.tui.screens.result import ResultScreen
from dsat.tui.screens.review import ReviewScreen
from tests.tui_helpers import (
    SIZE,
    answer_all,
    choose,
    make_app,
    open_first_item,
    seed_for,
    settle,
    sign_in,
)


@pytest.fixture
def fw(fixed_fw):
    """These tests are about fixed forms (moving back, flags, the review, a form's seed);
    the adaptive tests are in tests/test_adaptive_app.py."""
    return fixed_fw


async def test_a_whole_test_with_the_keyboard_then_rows_in_sqlite(db, fw, clock):
    app = make_app(db, fw, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        assert isinstance(app.screen, PickerScreen)
        await choose(pilot, "competency:4.1")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        attempt_id = app.screen.state.attempt.id
        pressed = await answer_all(pilot, app)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)

    attempt = db.conn.execute(
        "SELECT status, employee_id FROM attempts WHERE id = ?", [attempt_id]
    ).fetchone()
    assert attempt == ("submitted", "CB001")
    rows = db.conn.execute(
        "SELECT position, answer, answered_at, score FROM responses WHERE attempt_id = ? "
        "ORDER BY position",
        [attempt_id],
    ).fetchall()
    assert len(rows) == len(pressed) == 9
    assert all(r[2] is not None and r[3] is not None for r in rows)
    assert json.loads(rows[0][1]) == 0  # self-rating, key "1" = first step of the scale
    results = db.conn.execute(
        "SELECT competency_id, band FROM results WHERE attempt_id = ?", [attempt_id]
    ).fetchall()
    assert [r[0] for r in results] == ["4.1"]
    cand = db.conn.execute("SELECT full_name FROM candidates WHERE employee_id='CB001'").fetchone()
    assert cand == ("Nguyen Van A",)


async def test_saved_only_after_commit_and_navigation_keeps_answers(db, fw, clock):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_first_item(pilot)
        screen = app.screen
        status = screen.query_one("#status")
        assert "Not answered yet" in str(status.render())
        await pilot.press("3")  # chosen but not confirmed: not saved
        await pilot.pause()
        assert (
            db.conn.execute(
                "SELECT COUNT(*) FROM responses WHERE answered_at IS NOT NULL"
            ).fetchone()[0]
            == 0
        )
        await pilot.press("enter")  # confirm: saved, next item
        await pilot.pause()
        assert screen.index == 1
        await pilot.press("left")
        await pilot.pause()
        assert "Saved 09:00:00" in str(app.screen.query_one("#status").render())
        assert db.conn.execute("SELECT answer FROM responses WHERE position = 0").fetchone() == (
            "2",
        )
        await pilot.press("f")  # flag it
        await pilot.pause()
        assert db.conn.execute("SELECT flagged FROM responses WHERE position = 0").fetchone() == (
            1,
        )


async def test_language_switch_keeps_the_unconfirmed_choice(db, fw, clock):
    seed = seed_for(db, fw, "4.1", ["self_rating", "single"])
    app = make_app(db, fw, clock, lang="vi", seed=seed)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_item(pilot)
        await pilot.press("right")
        await pilot.pause()
        stem_vi = str(app.screen.query_one("#stem").render())
        await pilot.press("2")
        await pilot.press("f2")
        await pilot.pause()
        stem_en = str(app.screen.query_one("#stem").render())
        assert stem_vi == app.screen.slot.item.stem.vi and stem_en == app.screen.slot.item.stem.en
        assert app.screen.query_one("#answer").value == app.screen.slot.item.choices[1].value


async def test_no_key_or_explanation_on_any_candidate_screen(db, fw, clock):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_first_item(pilot, "competency:4.2")  # has a short answer item
        screen = app.screen
        forbidden = []
        for slot in screen.state.slots:
            row = db.conn.execute(
                "SELECT item_id, item_version FROM responses WHERE attempt_id = ? AND position = ?",
                [screen.state.attempt.id, slot.position],
            ).fetchone()
            item = db.items.version(*row)
            if item.explanation:
                forbidden.append(item.explanation.en[:40])
            if item.type == "short_answer":
                forbidden.append(describe_key(item, "en")[:40])
            if item.type == "matching":  # its lefts are shown; a left with its right is not
                pair = item.pairs[0]
                forbidden.append(f"{pair.left.en[-25:]} → {pair.right.en[:25]}")
            # (ordering: its steps are shown, only not in order)
        frames = []
        for _ in screen.state.slots:
            frames.append(app.export_screenshot())
            await pilot.press("right")
            await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        frames.append(app.export_screenshot())
    svg = "".join(frames).replace("&#160;", " ")
    assert forbidden
    for text in forbidden:
        assert text.replace(" ", "") not in svg.replace(" ", ""), text


async def test_time_running_out_submits_with_what_was_saved(db, fw, clock):
    app = make_app(db, fw, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_item(pilot)
        attempt_id = app.screen.state.attempt.id
        await pilot.press("2", "enter")
        await pilot.pause()
        clock.advance(app.screen.state.remaining_seconds)
        await pilot.pause(1.2)
        assert isinstance(app.screen, ResultScreen)
        assert app.screen.expired
    status = db.conn.execute("SELECT status FROM attempts WHERE id = ?", [attempt_id]).fetchone()
    assert status == ("expired",)


async def test_closing_and_reopening_offers_to_resume_at_the_same_item(db, fw, clock):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_first_item(pilot)
        await pilot.press("1", "enter", "1", "enter", "1", "enter")
        await pilot.pause()
        assert app.screen.index == 3
    clock.advance(60)
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, IdentifyScreen)
        assert app.screen.query_one("#employee_id").value == ""  # nobody is shown by default
        await sign_in(pilot)
        assert isinstance(app.screen, Confirm)
        body = str(app.screen.query_one(".dialog").query("Static")[1].render())
        assert "3/9 answered" in body and "12:30 left" in body
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.index == 3
        assert "Item 4/9" in str(app.screen.query_one("#progress").render())


async def test_a_failed_write_keeps_the_answer_on_screen(db, fw, clock):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_first_item(pilot)
        db.conn.execute("PRAGMA query_only = ON")  # the database refuses writes from now on
        await pilot.press("2", "enter")
        await pilot.pause()
        screen = app.screen
        assert screen.index == 0
        assert "Could not save your answer" in str(screen.query_one("#status").render())
        assert screen.query_one("#answer").value == 1
        db.conn.execute("PRAGMA query_only = OFF")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.index == 1
    assert db.conn.execute("SELECT answer FROM responses WHERE position = 0").fetchone() == ("1",)


async def test_identify_shows_a_clear_error_and_writes_nothing(db, fw, clock):
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x", "space", "y", "enter", "A", "enter", "B", "enter")
        await pilot.pause()
        assert isinstance(app.screen, IdentifyScreen)
        assert "Employee ID" in str(app.screen.query_one("#error").render())
    assert db.count("candidates") == 0


async def test_keys_typed_faster_than_the_screen_changes_land_on_the_right_items(db, fw, clock):
    from textual import events

    seed = seed_for(db, fw, "4.1", ["self_rating", "single", "true_false"])
    app = make_app(db, fw, clock, lang="en", seed=seed)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_item(pilot)
        attempt_id = app.screen.state.attempt.id
        second = app.screen.state.slots[1].item  # a single-choice item
        for key in ("3", "enter", "2", "enter", "1"):  # no waiting between keys
            app.post_message(events.Key(key, key if key != "enter" else "\r"))
        await pilot.pause(0.5)
        screen = app.screen
        assert screen.index == 2
        assert screen.pending == {}  # nothing meant for item 2 or 3 stuck to an earlier item
        assert screen.query_one("#answer").value is True  # the "1" went to item 3
    rows = db.conn.execute(
        "SELECT position, answer FROM responses WHERE attempt_id = ? AND "
        "answer IS NOT NULL ORDER BY position",
        [attempt_id],
    ).fetchall()
    assert rows == [(0, "2"), (1, json.dumps(second.choices[1].value))]


async def test_grace_period_offers_to_submit_and_refuses_changes(db, fw, clock):
    from dsat.tui.app import DsatApp

    app = DsatApp(db, fw, lang="en", seed=7, clock=clock, grace_seconds=120)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_item(pilot)
        attempt_id = app.screen.state.attempt.id
        await pilot.press("2", "enter")
        await pilot.pause()
        clock.advance(app.screen.state.remaining_seconds)
        await pilot.pause(1.2)
        assert isinstance(app.screen, Confirm)
        assert "can no longer be changed" in app.screen.body["en"]
        await pilot.press("escape")  # look at the answers first
        await pilot.pause()
        await pilot.press("1", "enter")  # a change is refused, and said so
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert "answers can no longer be changed" in app.screen.notice
        clock.advance(30)
        await pilot.press("r")  # the review, then submit from there, as the notice says
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen) and not app.screen.expired
    row = db.conn.execute("SELECT status FROM attempts WHERE id = ?", [attempt_id]).fetchone()
    assert row == ("submitted",)
