"""Practical tasks through the service and the real app: the variant a candidate sees, its
files, its scoring, its rebuild on resume and on the result screen, and no key on screen."""

from __future__ import annotations

import csv
import io

import pytest

from dsat.domain.presentation import describe_key
from dsat.domain.tasks import concrete
from dsat.domain.text import strip_diacritics
from dsat.services.assessment import AssessmentService
from dsat.services.tasks import table_csv, table_xlsx
from dsat.store import open_store
from dsat.tui.app import DsatApp
from dsat.tui.screens.modals import Confirm
from dsat.tui.screens.question import QuestionScreen
from dsat.tui.screens.result import ResultScreen
from tests.tui_helpers import choose, settle, sign_in

# competences with one task each: every test of them starts with it
TASKS = {"number": ("2.2", "2.2-T01"), "text": ("1.1", "1.1-T01"),
         "marks": ("4.1", "4.1-T01"), "pick": ("1.2", "1.2-T01")}  # fmt: skip


def _task_of(service: AssessmentService, attempt_id: str):
    """The first task as scored: the stored item with the stored variant, rebuilt apart."""
    row = service.store.attempts.responses(attempt_id)[0]
    return concrete(service.store.items.version(row.item_id, row.item_version), row.variant)


def _right_answer(task):
    key = task.key
    match task.view.answer_kind:
        case "number":
            return f"{key.number:g}"
        case "text":
            return key.texts[0]
        case "marks":
            return list(key.marks)
    return list(key.picks)


@pytest.mark.parametrize("kind", sorted(TASKS))
def test_a_task_is_the_same_variant_on_resume_and_scored_from_it(tasks_db, fw, clock, kind):
    comp, item_id = TASKS[kind]
    service = AssessmentService(tasks_db, fw, clock)
    assert tasks_db.items.version(item_id, 1).type == "task"
    service.identify("CB1", "Nguyễn Văn A", "Sở Nội vụ")
    state = service.start("CB1", "competency", comp, "vi", seed=11)
    [slot] = state.slots
    assert slot.item.kind == "task" and slot.item.task.answer_kind == kind
    again = AssessmentService(open_store(tasks_db.path), fw, clock).state(state.attempt.id)
    assert again.slots[0].item == slot.item  # a new process rebuilds the same variant
    dumped = slot.item.model_dump_json()
    for leak in ("working", "marks", "picks", "explanation", "texts"):
        assert f'"{leak}":' not in dumped  # no such field
    task = _task_of(service, state.attempt.id)
    assert task.view == slot.item.task
    service.answer(state.attempt.id, 0, _right_answer(task))
    [result] = service.submit(state.attempt.id)
    assert result.raw == result.max > 0
    view = service.result(state.attempt.id)
    [reviewed] = view.items  # the only task of its competence: the test ends with it
    assert reviewed.fraction == 1.0
    assert reviewed.right_answer == describe_key(task)
    assert task.key.working.en in reviewed.explanation.en  # how the answer is found


def test_two_candidates_get_different_variants_of_one_item(tasks_db, fw, clock):
    service = AssessmentService(tasks_db, fw, clock)
    seen = set()
    for n in range(6):
        service.identify(f"CB{n}", "Nguyễn Văn A", "Sở Nội vụ")
        state = service.start(f"CB{n}", "competency", "1.3", "vi", seed=100 + n)
        seen.add(state.slots[0].item.task.prompt.en + str(len(state.slots[0].item.task.table.rows)))
    assert len(seen) == 6


def test_the_files_hold_the_table_in_the_candidates_language(tasks_db, fw, clock):
    service = AssessmentService(tasks_db, fw, clock)
    service.identify("CB1", "Nguyễn Văn A", "Sở Nội vụ")
    view = service.start("CB1", "competency", "1.3", "vi", seed=3).slots[0].item.task
    rows = list(csv.reader(io.StringIO(table_csv(view, "vi").decode("utf-8-sig"))))
    assert rows[0][0] == "Mã cán bộ" and len(rows) == len(view.table.rows) + 1
    courses = {c.name.vi: c for c in view.table.columns}["Khóa học"]
    first = view.table.rows[0]
    assert rows[1][0] == first[0] and rows[1][3] == courses.labels[first[3]].vi
    assert rows[1][4] == first[4]  # ISO dates in the CSV

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(table_xlsx(view, "en")), read_only=True)
    sheet = list(wb.active.iter_rows(values_only=True))
    assert sheet[0][0] == "Employee id" and len(sheet) == len(view.table.rows) + 1
    assert sheet[1][4].date().isoformat() == first[4] and sheet[1][5] == first[5]


async def _open_task(app: DsatApp, pilot, comp: str) -> QuestionScreen:
    await sign_in(pilot)
    await choose(pilot, f"competency:{comp}")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, QuestionScreen)
    return app.screen


def _rows_with(view, terms: list[str], lang: str = "en") -> list[tuple]:
    """The rows in which every term stands in some cell as shown (case and tone marks
    forgiven): what the filter box promises."""

    def fold(text: str) -> str:
        return strip_diacritics(text).casefold()

    cols = view.table.columns
    return [
        r for r in view.table.rows
        if all(any(fold(t) in fold(c.show(v, lang)) for c, v in zip(cols, r, strict=True))
               for t in terms)
    ]  # fmt: skip


async def _type(pilot, text: str) -> None:
    for ch in text:
        await pilot.press({" ": "space", ";": "semicolon", ".": "full_stop"}.get(ch, ch))


async def test_a_data_task_with_the_keyboard_filter_sort_files_answer(
    tasks_db, fw, clock, tmp_path
):
    from textual.widgets import DataTable

    app = DsatApp(tasks_db, fw, lang="en", seed=5, clock=clock, downloads=tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        screen = await _open_task(app, pilot, "1.3")  # one of the data tasks of 1.3
        view = screen.slot.item.task
        cols, first_row = view.table.columns, view.table.rows[0]
        words = [c.show(v, "en") for c, v in zip(cols, first_row, strict=True)
                 if c.kind in ("text", "label")]  # fmt: skip
        await pilot.press("shift+tab")  # from the answer box back to the table
        await pilot.press("shift+tab")  # and to the filter box
        await _type(pilot, words[0])
        await pilot.pause()
        table = screen.query_one("#task-table", DataTable)
        one = _rows_with(view, [words[0]])
        assert table.row_count == len(one) < len(view.table.rows)
        await _type(pilot, f"; {words[1]}")  # a second condition
        await pilot.pause()
        two = _rows_with(view, [words[0], words[1]])
        assert table.row_count == len(two) <= len(one) and first_row in two
        await pilot.press("tab")  # to the table: s sorts by the cursor's column
        await pilot.press("s")
        await pilot.pause()
        assert str(table.get_row_at(0)[0]) == cols[0].show(min(r[0] for r in two), "en")
        await pilot.press("f3")
        await pilot.pause()
        saved = sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".csv", ".xlsx"))
        assert len(saved) == 2 and "Saved:" in str(screen.query_one("#status").render())
        task = _task_of(app.service, screen.state.attempt.id)
        typed = _right_answer(task)
        await pilot.press("tab")  # the answer box; what is typed lands there
        await _type(pilot, typed)
        await pilot.press("enter")
        await settle(pilot)
    row = tasks_db.attempts.responses(screen.state.attempt.id)[0]
    assert row.answer == typed and row.answered_at is not None


async def test_an_inbox_task_marks_each_message_and_shows_link_targets(tasks_db, fw, clock):
    app = DsatApp(tasks_db, fw, lang="vi", seed=9, clock=clock)
    async with app.run_test(size=(110, 44)) as pilot:
        screen = await _open_task(app, pilot, "4.1")
        task = _task_of(app.service, screen.state.attempt.id)
        with_link = next(i for i, m in enumerate(task.view.messages) if m.links)
        for _ in range(with_link):
            await pilot.press("down")
        target = task.view.messages[with_link].links[0].target
        assert target not in app.export_screenshot().replace("&#160;", " ")
        await pilot.press("tab")  # the link's real target, as hovering it would show
        await pilot.pause()
        assert target in app.export_screenshot().replace("&#160;", " ")
        for _ in range(with_link):
            await pilot.press("up")
        digits = {"safe": "1", "phishing": "2", "report": "3"}
        for mark in task.key.marks:
            await pilot.press(digits[mark])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)  # the test is over: it offers to submit
    [row] = tasks_db.attempts.responses(screen.state.attempt.id)
    assert row.answer == list(task.key.marks)


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_no_task_key_on_screen_until_the_practice_result(tasks_db, fw, clock, lang):
    """The addresses task: its key and how it is found appear only after submitting."""
    app = DsatApp(tasks_db, fw, lang=lang, seed=4, clock=clock)
    async with app.run_test(size=(110, 44)) as pilot:
        screen = await _open_task(app, pilot, "1.2")
        task = _task_of(app.service, screen.state.attempt.id)
        working = task.key.working.get(lang).splitlines()[0]
        frames = [app.export_screenshot()]
        await pilot.press("f2")
        await pilot.pause()
        frames.append(app.export_screenshot())
        svg = "".join(frames).replace("&#160;", " ")
        assert working.replace(" ", "") not in svg.replace(" ", "")
        assert task.item.explanation.get(lang)[:30] not in svg
        await pilot.press("f2")
        order = [c.value for c in screen.slot.item.choices]
        for pick in task.key.picks:
            await pilot.press(str(order.index(pick) + 1))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # submit
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        result = app.export_screenshot().replace("&#160;", " ")
        assert task.item.explanation.get(lang)[:20] in result
