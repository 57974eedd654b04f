"""Data tasks: a generated table to sort, filter or open in a spreadsheet, and a question
computed from it (a count with conditions, a sum, a lookup, a duplicate)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dsat.domain.tasks import common as c
from dsat.domain.tasks.model import Column, Table, TaskKey, TaskView
from dsat.domain.tasks.registry import Template, register
from dsat.domain.text import LocalizedText


class RowSettings(BaseModel):
    """How many rows the table has: drawn between the two (200 to 800 by default)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    rows_min: Annotated[int, Field(ge=20, le=5000)] = 200
    rows_max: Annotated[int, Field(ge=20, le=5000)] = 800

    @model_validator(mode="after")
    def _ordered(self) -> RowSettings:
        if self.rows_min > self.rows_max:
            raise ValueError("rows_min must not exceed rows_max")
        return self

    def draw(self, rng: random.Random) -> int:
        return rng.randint(self.rows_min, self.rows_max)


COURSES: dict[str, LocalizedText] = {
    "KNS-CB": c.both("Kỹ năng số cơ bản", "Basic digital skills"),
    "ATTT": c.both("An toàn thông tin cho cán bộ", "Information security for staff"),
    "VBDT": c.both("Văn bản điện tử và chữ ký số", "E-documents and digital signatures"),
    "DLCN": c.both("Bảo vệ dữ liệu cá nhân", "Personal data protection"),
    "AI-CV": c.both("Ứng dụng AI trong công việc", "Using AI at work"),
    "DVC": c.both("Dịch vụ công trực tuyến", "Online public services"),
}
OUTCOMES: dict[str, LocalizedText] = {
    "pass": c.both("Đạt", "Passed"),
    "fail": c.both("Chưa đạt", "Not passed"),
    "absent": c.both("Vắng", "Absent"),
}


@register
class TrainingCount(Template):
    """Training records: how many people of one province passed one course with at least a
    given score in one quarter. Three conditions at once, as a filter or a COUNTIFS."""

    name = "data.training_count"
    kind = "data"
    answer_kind = "number"
    title = c.both(
        "Đếm bản ghi bồi dưỡng thỏa nhiều điều kiện",
        "Count training records that meet several conditions",
    )
    Settings = RowSettings

    def build(self, rng: random.Random, settings: Any) -> tuple[TaskView, TaskKey]:
        n = settings.draw(rng)
        year = rng.choice((2025, 2026))
        places = c.provinces(rng, rng.randint(3, 5))
        courses = rng.sample(list(COURSES), rng.randint(3, 4))
        codes = c.employee_ids(rng, n)
        rows = []
        for code in codes:
            outcome = rng.choices(("pass", "fail", "absent"), (0.7, 0.22, 0.08))[0]
            score = 0 if outcome == "absent" else (
                rng.randint(50, 100) if outcome == "pass" else rng.randint(10, 49)
            )  # fmt: skip
            rows.append((
                code, c.full_name(rng), rng.choice(places), rng.choice(courses),
                c.day_in(rng, year, 1, 12 if year < 2026 else 11).isoformat(), score, outcome,
            ))  # fmt: skip
        # the question: chosen from the data so that the answer is neither 0 nor trivial
        passed = Counter((r[2], r[3], c.quarter(r[4]), r[5]) for r in rows if r[6] == "pass")

        def draw() -> tuple[tuple[str, str, int, int], int]:
            q = (rng.choice(places), rng.choice(courses), rng.randint(1, 4),
                 rng.choice((60, 65, 70, 75, 80)))  # fmt: skip
            hits = sum(k for (p, cr, qr, sc), k in passed.items()
                       if (p, cr, qr) == q[:3] and sc >= q[3])  # fmt: skip
            return q, hits

        (place, course, quarter, threshold), answer = c.spread(rng, draw, 3, 12)
        table = Table(
            name="ket-qua-boi-duong",
            columns=(
                Column(name=c.both("Mã cán bộ", "Employee id"), kind="code"),
                Column(name=c.both("Họ và tên", "Full name")),
                Column(name=c.both("Tỉnh/thành", "Province")),
                Column(name=c.both("Khóa học", "Course"), kind="label", labels=COURSES),
                Column(name=c.both("Ngày hoàn thành", "Completed on"), kind="date"),
                Column(name=c.both("Điểm", "Score"), kind="int"),
                Column(name=c.both("Kết quả", "Outcome"), kind="label", labels=OUTCOMES),
            ),
            rows=tuple(rows),
        )
        course_name = COURSES[course]
        months = f"{3 * quarter - 2}–{3 * quarter}"
        prompt = c.both(
            f"Trong quý {quarter}/{year} (tháng {months}), có bao nhiêu cán bộ ở {place} "
            f"đạt khóa “{course_name.vi}” với điểm từ {threshold} trở lên?",
            f"In quarter {quarter} of {year} (months {months}), how many staff in {place} "
            f"passed the course “{course_name.en}” with a score of {threshold} or more?",
        )
        working = c.both(
            f"Lọc Tỉnh/thành = {place}, Khóa học = {course_name.vi}, Kết quả = Đạt, "
            f"Điểm ≥ {threshold} và Ngày hoàn thành trong tháng {months}/{year}: "
            f"còn {answer} dòng.",
            f"Filter Province = {place}, Course = {course_name.en}, Outcome = Passed, "
            f"Score ≥ {threshold} and Completed on within months {months} of {year}: "
            f"{answer} rows remain.",
        )
        view = TaskView(
            template=self.name, kind="data", answer_kind="number", prompt=prompt, table=table,
            unit=c.both("người", "people"),
        )  # fmt: skip
        return view, TaskKey(number=answer, working=working)


# --- budget lines --------------------------------------------------------------------------
BUDGET_ITEMS: dict[str, LocalizedText] = c.labels({
    "VPP": ("Văn phòng phẩm", "Office supplies"),
    "CTP": ("Công tác phí", "Travel allowances"),
    "HN": ("Hội nghị, hội thảo", "Conferences and workshops"),
    "SC": ("Sửa chữa, bảo trì thiết bị", "Equipment repair and maintenance"),
    "MS": ("Mua sắm thiết bị", "Equipment purchases"),
    "DT": ("Đào tạo, bồi dưỡng", "Training"),
    "PM": ("Bản quyền phần mềm", "Software licences"),
    "IN": ("In ấn tài liệu", "Printing"),
})  # fmt: skip
# How much one line of each item usually asks for (low, high), in đồng.
BUDGET_RANGE: dict[str, tuple[int, int]] = {
    "VPP": (800_000, 18_000_000), "CTP": (1_500_000, 35_000_000),
    "HN": (5_000_000, 90_000_000), "SC": (1_200_000, 45_000_000),
    "MS": (8_000_000, 240_000_000), "DT": (4_000_000, 120_000_000),
    "PM": (2_500_000, 150_000_000), "IN": (600_000, 25_000_000),
}  # fmt: skip
BUDGET_STATUS: dict[str, LocalizedText] = c.labels({
    "approved": ("Đã duyệt", "Approved"),
    "pending": ("Chờ duyệt", "Pending"),
    "rejected": ("Không duyệt", "Not approved"),
})  # fmt: skip


def budget_lines(rng: random.Random, n: int, units: list[str]) -> list[tuple[Any, ...]]:
    """n budget lines of 2026: (code, unit, item, quarter, amount, status), by code."""
    rows = []
    for k in range(1, n + 1):
        item = rng.choice(list(BUDGET_ITEMS))
        low, high = BUDGET_RANGE[item]
        status = rng.choices(list(BUDGET_STATUS), (0.62, 0.28, 0.10))[0]
        rows.append((
            f"NS26-{k:04d}", rng.choice(units), item, rng.randint(1, 4),
            c.money_vnd(rng, low, high, 10_000), status,
        ))  # fmt: skip
    return rows


BUDGET_COLUMNS = (
    Column(name=c.both("Mã dòng", "Line"), kind="code"),
    Column(name=c.both("Đơn vị", "Unit"), kind="label", labels=c.UNITS),
    Column(name=c.both("Nội dung chi", "Spending item"), kind="label", labels=BUDGET_ITEMS),
    Column(name=c.both("Quý", "Quarter"), kind="int"),
    Column(name=c.both("Số tiền (đồng)", "Amount (VND)"), kind="money"),
    Column(name=c.both("Trạng thái", "Status"), kind="label", labels=BUDGET_STATUS),
)


@register
class BudgetSum(Template):
    """Budget lines of a department: the total approved for one unit in one quarter, or
    for one unit and one spending item over the year. Pending and rejected lines, other
    quarters and other units are the near misses."""

    name = "data.budget_sum"
    kind = "data"
    answer_kind = "number"
    title = c.both(
        "Tính tổng dự toán đã duyệt theo điều kiện", "Total the approved budget lines that match"
    )
    Settings = RowSettings

    def build(self, rng: random.Random, settings: Any) -> tuple[TaskView, TaskKey]:
        n = settings.draw(rng)
        units = rng.sample(list(c.UNITS), rng.randint(5, 8))
        rows = budget_lines(rng, n, units)
        by_quarter = rng.random() < 0.6
        for _ in range(100):
            unit = rng.choice(units)
            if by_quarter:
                q = rng.randint(1, 4)
                same = [r for r in rows if r[1] == unit and r[3] == q]
            else:
                item = rng.choice(list(BUDGET_ITEMS))
                same = [r for r in rows if r[1] == unit and r[2] == item]
            hits = [r for r in same if r[5] == "approved"]
            if 2 <= len(hits) < len(same):  # some lines of the same group are not approved
                break
        else:  # (a small table) make one line of the group a pending one: the near miss
            others = [i for i, r in enumerate(rows) if r not in same]
            if others and len(hits) == len(same):
                j = rng.choice(others)
                code, _, it, qr, amount, _ = rows[j]
                rows[j] = (code, unit, it if by_quarter else item, q if by_quarter else qr,
                           amount, "pending")  # fmt: skip
        answer = sum(r[4] for r in hits)
        u = c.UNITS[unit]
        if by_quarter:
            what = c.both(f"{u.vi} trong quý {q}/2026", f"{u.en} in quarter {q} of 2026")
            how = c.both(f"Quý = {q}", f"Quarter = {q}")
        else:
            i = BUDGET_ITEMS[item]
            what = c.both(
                f"{u.vi} cho nội dung “{i.vi}” trong cả năm 2026",
                f"{u.en} for “{i.en}” over the whole of 2026",
            )
            how = c.both(f"Nội dung chi = {i.vi}", f"Spending item = {i.en}")
        prompt = c.both(
            f"Tổng số tiền của các dòng dự toán đã được duyệt của {what.vi} là bao nhiêu đồng? "
            "Dòng “Chờ duyệt” hay “Không duyệt” không tính.",
            f"What is the total amount, in VND, of the approved budget lines of {what.en}? "
            "Lines “Pending” or “Not approved” do not count.",
        )
        working = c.both(
            f"Lọc Đơn vị = {u.vi}, {how.vi}, Trạng thái = Đã duyệt: còn {len(hits)} dòng; cộng "
            f"cột Số tiền (hàm SUBTOTAL hoặc SUMIFS): {c.grouped(answer)} đồng.",
            f"Filter Unit = {u.en}, {how.en}, Status = Approved: {len(hits)} lines remain; add "
            f"up the Amount column (SUBTOTAL or SUMIFS): {c.grouped_en(answer)} VND.",
        )
        table = Table(name="du-toan-2026", columns=BUDGET_COLUMNS, rows=tuple(rows))
        view = TaskView(
            template=self.name, kind="data", answer_kind="number", prompt=prompt, table=table,
            unit=c.both("đồng", "VND"),
        )  # fmt: skip
        return view, TaskKey(number=answer, working=working)


# --- a register with duplicates ------------------------------------------------------------
@register
class Duplicates(Template):
    """A training-conference register merged from the units' lists: some staff were put
    down twice or three times (by their unit and by another). How many employee ids occur
    more than once? Namesakes with different ids and birthdays are the near misses."""

    name = "data.duplicates"
    kind = "data"
    answer_kind = "number"
    title = c.both(
        "Tìm mã bị trùng trong danh sách gộp", "Find the ids entered twice in a merged list"
    )
    Settings = RowSettings

    def build(self, rng: random.Random, settings: Any) -> tuple[TaskView, TaskKey]:
        n = settings.draw(rng)
        units = rng.sample(list(c.UNITS), rng.randint(5, 8))
        # (fewer repeats in a small table: a tenth of its rows at most)
        n_twice = rng.randint(3, max(3, min(12, n // 10)))
        n_thrice = rng.randint(0, 2 if n >= 60 else 1)
        people = n - n_twice - 2 * n_thrice
        ids = c.employee_ids(rng, people)
        persons = [
            (code, c.full_name(rng), c.day_in(rng, rng.randint(1966, 2002)).isoformat(),
             rng.choice(units))
            for code in ids
        ]  # fmt: skip
        # namesakes: another person with the same name (a different id and birthday)
        for k in rng.sample(range(people), rng.randint(min(3, people // 4), min(8, people // 4))):
            j = rng.randrange(people)
            if j != k:
                code, _, born, unit = persons[k]
                persons[k] = (code, persons[j][1], born, unit)
        doubled = rng.sample(range(people), n_twice + n_thrice)
        copies = [*doubled, *doubled[n_twice:]]
        # each copy is listed by the person's own unit again or by another one
        entries = [(p, p[3]) for p in persons]
        entries += [(persons[i], rng.choice([persons[i][3], *units])) for i in copies]
        rng.shuffle(entries)
        start = c.day_in(rng, 2026, 9, 10)
        rows = []
        for (code, name, born, _), listed_by in entries:
            sent = start + timedelta(days=rng.randint(0, 20))
            rows.append((code, name, born, listed_by, sent.isoformat()))
        counts = Counter(r[0] for r in rows)
        repeated = sorted(k for k, v in counts.items() if v > 1)
        answer = len(repeated)
        table = Table(
            name="danh-sach-tap-huan",
            columns=(
                Column(name=c.both("Mã cán bộ", "Employee id"), kind="code"),
                Column(name=c.both("Họ và tên", "Full name")),
                Column(name=c.both("Ngày sinh", "Date of birth"), kind="date"),
                Column(name=c.both("Đơn vị đăng ký", "Listed by"), kind="label", labels=c.UNITS),
                Column(name=c.both("Ngày gửi danh sách", "List sent on"), kind="date"),
            ),
            rows=tuple(rows),
        )
        prompt = c.both(
            "Danh sách tập huấn được gộp từ danh sách của các đơn vị, nên có cán bộ bị ghi hai "
            "hoặc ba lần. Mỗi cán bộ có một mã riêng; người trùng họ tên nhưng khác mã là hai "
            "người khác nhau. Có bao nhiêu mã cán bộ xuất hiện từ hai lần trở lên?",
            "The training list was merged from the units' lists, so some staff are listed two "
            "or three times. Each member of staff has their own id; people with the same name "
            "but different ids are different people. How many employee ids appear two or more "
            "times?",
        )
        shown = ", ".join(repeated)
        working = c.both(
            "Sắp xếp theo Mã cán bộ (hoặc tô màu giá trị trùng, hay dùng COUNTIF trên cột mã) "
            f"rồi đếm các mã lặp lại: {answer} mã ({shown}). Trùng họ tên không phải là trùng "
            "người.",
            "Sort by Employee id (or highlight duplicate values, or use COUNTIF on the id "
            f"column) and count the ids that repeat: {answer} ids ({shown}). The same name is "
            "not the same person.",
        )
        view = TaskView(
            template=self.name, kind="data", answer_kind="number", prompt=prompt, table=table,
            unit=c.both("mã", "ids"),
        )  # fmt: skip
        return view, TaskKey(number=answer, working=working)
