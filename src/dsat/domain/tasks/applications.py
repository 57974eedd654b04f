"""Data tasks on public-service applications received at communes and wards: find one
application by several of its details, count the ones overdue on a given day."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from dsat.domain.tasks import common as c
from dsat.domain.tasks.data import RowSettings
from dsat.domain.tasks.model import Column, Table, TaskKey, TaskView
from dsat.domain.tasks.registry import Template, register
from dsat.domain.text import LocalizedText

# Procedures handled at commune level, and how many days the generated ones take.
SERVICES: dict[str, LocalizedText] = c.labels({
    "KS": ("Đăng ký khai sinh", "Birth registration"),
    "KT": ("Đăng ký khai tử", "Death registration"),
    "KH": ("Đăng ký kết hôn", "Marriage registration"),
    "XNHN": ("Xác nhận tình trạng hôn nhân", "Certificate of marital status"),
    "CT": ("Chứng thực bản sao", "Certified copies"),
    "TT": ("Đăng ký thường trú", "Permanent residence registration"),
    "HKD": ("Đăng ký hộ kinh doanh", "Household business registration"),
})  # fmt: skip
DAYS = {"KS": (1, 3), "KT": (1, 3), "KH": (3, 5), "XNHN": (3, 5), "CT": (1, 2),
        "TT": (7, 10), "HKD": (3, 7)}  # fmt: skip
STATUS: dict[str, LocalizedText] = c.labels({
    "received": ("Đã tiếp nhận", "Received"),
    "processing": ("Đang xử lý", "In progress"),
    "supplement": ("Chờ bổ sung", "Awaiting documents"),
    "done": ("Đã trả kết quả", "Result returned"),
})  # fmt: skip
COLUMNS = (
    Column(name=c.both("Mã hồ sơ", "Application no."), kind="code"),
    Column(name=c.both("Người nộp", "Applicant")),
    Column(name=c.both("Xã/phường", "Commune/ward")),
    Column(name=c.both("Thủ tục", "Procedure"), kind="label", labels=SERVICES),
    Column(name=c.both("Ngày nộp", "Submitted on"), kind="date"),
    Column(name=c.both("Hạn trả kết quả", "Due on"), kind="date"),
    Column(name=c.both("Trạng thái", "Status"), kind="label", labels=STATUS),
)
Row = tuple[str, str, str, str, str, str, str]


def _status(rng: random.Random, due: date, today: date) -> str:
    if due < today:
        weights = (0.03, 0.09, 0.05, 0.83)
    elif due == today:
        weights = (0.10, 0.35, 0.10, 0.45)
    else:
        weights = (0.25, 0.40, 0.10, 0.25)
    return rng.choices(list(STATUS), weights)[0]


def _row(rng: random.Random, code: str, place: str, service: str, sent: date, today: date) -> Row:
    due = sent + timedelta(days=rng.randint(*DAYS[service]))
    return (
        code, c.full_name(rng), place, service, sent.isoformat(), due.isoformat(),
        _status(rng, due, today),
    )  # fmt: skip


def applications(rng: random.Random, n: int) -> tuple[list[Row], list[str], date]:
    """n applications received over the 10 weeks up to `today`, by submission date."""
    today = c.day_in(rng, 2026, 9, 11)
    today = min(today, c.LAST_DAY - timedelta(days=12))  # due dates stay within November
    places = c.communes(rng, rng.randint(5, 9))
    prefix = f"H{rng.randint(10, 99)}.{rng.randint(10, 99)}-"
    numbers = c.codes(rng, n, prefix, width=6)
    rows = [
        _row(rng, code, rng.choice(places), rng.choice(list(SERVICES)),
             today - timedelta(days=rng.randint(0, 70)), today)
        for code in numbers
    ]  # fmt: skip
    rows.sort(key=lambda r: (r[4], r[0]))
    return rows, places, today


def _table(rows: list[Row]) -> Table:
    return Table(name="ho-so-dich-vu-cong", columns=COLUMNS, rows=tuple(rows))


@register
class ApplicationLookup(Template):
    """Find one application from three of its details (commune, procedure, day submitted)
    and give its applicant or its number. Rows that share two of the three are there on
    purpose: only filtering on all three finds the one."""

    name = "data.application_lookup"
    kind = "data"
    answer_kind = "text"
    title = c.both(
        "Tra cứu một hồ sơ theo nhiều tiêu chí", "Look up one application by several details"
    )
    Settings = RowSettings

    def build(self, rng: random.Random, settings: Any) -> tuple[TaskView, TaskKey]:
        n = settings.draw(rng)
        rows, places, today = applications(rng, n)
        ask_name = rng.random() < 0.5
        for _ in range(100):
            t = rng.randrange(n)
            _, _, place, service, sent, _, _ = rows[t]
            # near misses: rows that share two of the three details with the one sought
            others = [i for i in range(n) if i != t]
            for i, change in zip(rng.sample(others, 3), ("place", "service", "sent"), strict=True):
                code = rows[i][0]
                day = date.fromisoformat(sent)
                if change == "place":
                    p, s, d = rng.choice([x for x in places if x != place]), service, day
                elif change == "service":
                    p, s, d = place, rng.choice([x for x in SERVICES if x != service]), day
                else:
                    shifts = [k for k in (-2, -1, 1, 2) if day + timedelta(days=k) <= today]
                    p, s, d = place, service, day + timedelta(days=rng.choice(shifts))
                rows[i] = _row(rng, code, p, s, d, today)
            hits = [r for r in rows if r[2:5] == (place, service, sent)]
            if len(hits) == 1:
                break
        target = hits[0]
        rows.sort(key=lambda r: (r[4], r[0]))
        proc = SERVICES[service]
        on = c.dmy(date.fromisoformat(sent))
        if ask_name:
            answer, what = target[1], c.both("họ và tên người nộp", "the applicant's full name")
            ask = c.both("là của ai", "Who is the applicant of")
        else:
            answer, what = target[0], c.both("mã hồ sơ", "the application number")
            ask = c.both("có mã hồ sơ là gì", "What is the number of")
        prompt = c.both(
            f"Hồ sơ thủ tục “{proc.vi}” nộp tại {place} ngày {on} {ask.vi}? Chỉ có đúng một hồ sơ "
            f"như vậy; gõ {what.vi} đúng như trong bảng.",
            f"{ask.en} the “{proc.en}” application submitted at {place} on {on}? There is exactly "
            f"one such application; type {what.en} as in the table.",
        )
        working = c.both(
            f"Lọc Xã/phường = {place}, Thủ tục = {proc.vi}, Ngày nộp = {on}: còn đúng một dòng, "
            f"hồ sơ {target[0]} của {target[1]}. Chỉ lọc hai trong ba điều kiện thì còn "
            "nhiều dòng.",
            f"Filter Commune/ward = {place}, Procedure = {proc.en}, Submitted on = {on}: exactly "
            f"one row is left, application {target[0]} by {target[1]}. Filtering on only two "
            "of the three leaves several rows.",
        )
        view = TaskView(
            template=self.name, kind="data", answer_kind="text", prompt=prompt,
            table=_table(rows),
        )  # fmt: skip
        return view, TaskKey(texts=(answer,), working=working)


@register
class OverdueCount(Template):
    """How many applications of one commune are overdue on the day of the report: not yet
    returned nor waiting for the applicant's documents, and due before that day. Those due
    on that very day, returned late, or waiting for documents are the near misses."""

    name = "data.overdue_count"
    kind = "data"
    answer_kind = "number"
    title = c.both("Đếm hồ sơ trễ hạn tại một ngày", "Count the applications overdue on a day")
    Settings = RowSettings

    def build(self, rng: random.Random, settings: Any) -> tuple[TaskView, TaskKey]:
        n = settings.draw(rng)
        rows, places, today = applications(rng, n)
        iso = today.isoformat()
        for _ in range(100):
            place = rng.choice(places)
            hits = [r for r in rows if _overdue(r, place, iso)]
            on_day = [r for r in rows if r[2] == place and r[5] == iso and r[6] != "done"]
            if len(hits) >= 2 and on_day:
                break
        else:  # make sure some application of the commune is due that very day
            spare = [i for i, r in enumerate(rows) if not _overdue(r, place, iso)]
            same = [i for i in spare if rows[i][2] == place]
            i = (same or spare)[0]  # (a tiny table may have no other row of the commune)
            code, name, _, service, _, _, _ = rows[i]
            sent = today - timedelta(days=DAYS[service][0])
            rows[i] = (code, name, place, service, sent.isoformat(), iso, "processing")
            rows.sort(key=lambda r: (r[4], r[0]))
            hits = [r for r in rows if _overdue(r, place, iso)]
        answer = len(hits)
        d = c.dmy(today)
        prompt = c.both(
            f"Báo cáo ngày {d}: {place} có bao nhiêu hồ sơ trễ hạn? Hồ sơ trễ hạn là hồ sơ "
            f"đang ở trạng thái “Đã tiếp nhận” hoặc “Đang xử lý” và có hạn trả kết quả trước "
            f"ngày {d} (hạn đúng ngày {d} chưa tính là trễ; hồ sơ chờ bổ sung hay đã trả kết "
            "quả không tính).",
            f"Report of {d}: how many applications of {place} are overdue? An application is "
            "overdue when its status is “Received” or “In progress” and it was due before "
            f"{d} (due on {d} itself is not late yet; applications awaiting documents or with "
            "the result returned do not count).",
        )
        working = c.both(
            f"Lọc Xã/phường = {place}, Trạng thái = Đã tiếp nhận hoặc Đang xử lý, Hạn trả kết "
            f"quả trước {d} (bộ lọc ngày: trước ngày {d}): còn {answer} dòng.",
            f"Filter Commune/ward = {place}, Status = Received or In progress, Due on before "
            f"{d} (date filter: before {d}): {answer} rows remain.",
        )
        view = TaskView(
            template=self.name, kind="data", answer_kind="number", prompt=prompt,
            table=_table(rows), unit=c.both("hồ sơ", "applications"),
        )  # fmt: skip
        return view, TaskKey(number=answer, working=working)


def _overdue(row: Row, place: str, today: str) -> bool:
    return row[2] == place and row[6] in ("received", "processing") and row[5] < today
