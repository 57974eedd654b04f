"""Data tasks: a generated table to sort, filter or open in a spreadsheet, and a question
computed from it (a count with conditions, a sum, a lookup, a duplicate)."""

from __future__ import annotations

import random
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
        places = c.provinces(rng, rng.randint(4, 7))
        codes = c.employee_ids(rng, n)
        rows = []
        for code in codes:
            outcome = rng.choices(("pass", "fail", "absent"), (0.7, 0.22, 0.08))[0]
            score = 0 if outcome == "absent" else (
                rng.randint(50, 100) if outcome == "pass" else rng.randint(10, 49)
            )  # fmt: skip
            rows.append((
                code, c.full_name(rng), rng.choice(places), rng.choice(list(COURSES)),
                c.day_in(rng, year, 1, 12 if year < 2026 else 11).isoformat(), score, outcome,
            ))  # fmt: skip
        # the question: chosen from the data so that the answer is neither 0 nor trivial
        for _ in range(50):
            place, course = rng.choice(places), rng.choice(list(COURSES))
            quarter = rng.randint(1, 4)
            threshold = rng.choice((60, 65, 70, 75, 80))
            answer = sum(1 for r in rows if _hit(r, place, course, quarter, threshold))
            if answer >= 2:
                break
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


def _hit(row: tuple[Any, ...], place: str, course: str, quarter: int, threshold: int) -> bool:
    _, _, prov, crs, day, score, outcome = row
    month = int(day[5:7])
    return (
        prov == place and crs == course and outcome == "pass" and score >= threshold
        and (month - 1) // 3 + 1 == quarter
    )  # fmt: skip
