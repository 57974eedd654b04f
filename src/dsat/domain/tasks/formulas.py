"""Data tasks that check a computation: what a spreadsheet formula returns on the table,
and whether a figure an AI assistant drew from the table is right."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from dsat.domain.tasks import common as c
from dsat.domain.tasks.data import RowSettings
from dsat.domain.tasks.model import Column, Table, TaskKey, TaskView
from dsat.domain.tasks.registry import Template, register
from dsat.domain.text import Lang, LocalizedText

# --- what does the formula return ----------------------------------------------------------
CLAIM_STATUS: dict[str, LocalizedText] = c.labels({
    "paid": ("Đã thanh toán", "Paid"),
    "approved": ("Đã duyệt", "Approved"),
    "returned": ("Trả lại", "Returned"),
})  # fmt: skip
CLAIM_COLUMNS = (
    Column(name=c.both("Mã đề nghị", "Claim no."), kind="code"),  # A
    Column(name=c.both("Họ và tên", "Full name")),  # B
    Column(name=c.both("Đơn vị", "Unit"), kind="label", labels=c.UNITS),  # C
    Column(name=c.both("Tháng", "Month"), kind="int"),  # D
    Column(name=c.both("Số ngày", "Days"), kind="int"),  # E
    Column(name=c.both("Số tiền (đồng)", "Amount (VND)"), kind="money"),  # F
    Column(name=c.both("Trạng thái", "Status"), kind="label", labels=CLAIM_STATUS),  # G
)
LETTERS = "ABCDEFG"
UNIT, MONTH, DAYS, AMOUNT, STATUS = 2, 3, 4, 5, 6
Criterion = tuple[int, str, Any]  # (column, operator, value: a label code or a number)


def travel_claims(rng: random.Random, n: int, units: list[str]) -> list[tuple[Any, ...]]:
    """n travel-allowance claims of 2026, by claim number."""
    people = {u: [c.full_name(rng) for _ in range(rng.randint(4, 9))] for u in units}
    rows = []
    for code in sorted(c.codes(rng, n, "CTP-")):
        unit = rng.choice(units)
        days = rng.choices(range(1, 7), (0.3, 0.25, 0.2, 0.12, 0.08, 0.05))[0]
        amount = days * rng.choice((200_000, 300_000, 450_000)) + c.money_vnd(
            rng, 0, 3_000_000, 10_000
        )
        status = rng.choices(list(CLAIM_STATUS), (0.55, 0.33, 0.12))[0]
        rows.append((code, rng.choice(people[unit]), unit, rng.randint(1, 11), days, amount,
                     status))  # fmt: skip
    return rows


def _draw_formula(rng: random.Random, units: list[str]) -> tuple[str, int | None, list[Criterion]]:
    """A COUNTIFS or SUMIFS: its function, the column summed (None to count), its criteria."""
    unit, status = rng.choice(units), rng.choice(list(CLAIM_STATUS))
    m = rng.randint(2, 10)
    match rng.randrange(5):
        case 0:
            return "COUNTIFS", None, [(UNIT, "", unit), (STATUS, "", status),
                                      (DAYS, ">=", rng.randint(2, 4))]  # fmt: skip
        case 1:
            return "SUMIFS", AMOUNT, [(UNIT, "", unit), (MONTH, "", m), (STATUS, "", status)]
        case 2:
            m2 = min(11, m + rng.randint(1, 3))
            return "SUMIFS", AMOUNT, [(MONTH, ">=", m), (MONTH, "<=", m2), (STATUS, "<>", status),
                                      (UNIT, "", unit)]  # fmt: skip
        case 3:
            limit = rng.choice((1_000_000, 1_500_000, 2_000_000, 2_500_000))
            return "COUNTIFS", None, [(MONTH, "<", m), (AMOUNT, ">", limit), (UNIT, "<>", unit),
                                      (STATUS, "", status)]  # fmt: skip
        case _:
            return "SUMIFS", AMOUNT, [(DAYS, ">", rng.randint(1, 3)), (UNIT, "", unit),
                                      (STATUS, "<>", status)]  # fmt: skip


def _matches(row: tuple[Any, ...], criteria: list[Criterion]) -> bool:
    for col, op, value in criteria:
        cell = row[col]
        ok = {
            "": cell == value, "<>": cell != value, ">": cell > value, ">=": cell >= value,
            "<": cell < value, "<=": cell <= value,
        }[op]  # fmt: skip
        if not ok:
            return False
    return True


def _show_formula(
    fn: str, summed: int | None, criteria: list[Criterion], last: int, lang: Lang, sep: str
) -> str:
    def rng_of(col: int) -> str:
        return f"{LETTERS[col]}2:{LETTERS[col]}{last}"

    parts = [rng_of(summed)] if summed is not None else []
    for col, op, value in criteria:
        shown = CLAIM_COLUMNS[col].labels[value].get(lang) if col in (UNIT, STATUS) else value
        crit = str(shown) if op == "" and isinstance(shown, int) else f'"{op}{shown}"'
        parts += [rng_of(col), crit]
    return f"={fn}({sep.join(parts)})"


@register
class FormulaResult(Template):
    """A table of travel claims and a COUNTIFS or SUMIFS written on it: what does the
    formula return? Criteria mix equality, comparisons and <>, so it must be read, not
    guessed; it can be typed into the saved XLSX, or filtered by hand."""

    name = "data.formula"
    kind = "data"
    answer_kind = "number"
    title = c.both(
        "Đọc hiểu công thức COUNTIFS, SUMIFS", "Work out what a COUNTIFS or SUMIFS returns"
    )
    Settings = RowSettings

    def build(self, rng: random.Random, settings: Any) -> tuple[TaskView, TaskKey]:
        n = settings.draw(rng)
        units = rng.sample(list(c.UNITS), rng.randint(4, 7))
        rows = travel_claims(rng, n, units)
        for _ in range(100):
            fn, summed, criteria = _draw_formula(rng, units)
            hits = [r for r in rows if _matches(r, criteria)]
            if len(hits) >= 2:
                break
        answer = len(hits) if summed is None else sum(r[summed] for r in hits)
        last = n + 1  # row 1 holds the headers
        vi = _show_formula(fn, summed, criteria, last, "vi", ";")
        en = _show_formula(fn, summed, criteria, last, "en", ",")
        prompt = c.both(
            f"Bảng được lưu thành tệp XLSX với tiêu đề ở dòng 1 và dữ liệu từ dòng 2 đến dòng "
            f"{last} (cột A là Mã đề nghị, cột G là Trạng thái). Công thức sau cho kết quả bao "
            f"nhiêu?\n{vi}\n(Tùy cài đặt của máy, dấu ngăn cách các đối số có thể là “,” thay "
            "cho “;”.)",
            f"The table is saved as an XLSX file with the headers in row 1 and the data in rows "
            f"2 to {last} (column A is Claim no., column G is Status). What does this formula "
            f"return?\n{en}",
        )
        what_vi = "đếm số dòng" if summed is None else "cộng cột Số tiền của các dòng"
        what_en = "counts the rows" if summed is None else "adds up the Amount of the rows"
        conds_vi = "; ".join(_say(cr, "vi") for cr in criteria)
        conds_en = "; ".join(_say(cr, "en") for cr in criteria)
        result_vi = c.grouped(answer)
        result_en = c.grouped_en(answer)
        working = c.both(
            f"Công thức {what_vi} thỏa cùng lúc mọi điều kiện: {conds_vi}. Lọc đúng các điều "
            f"kiện đó còn {len(hits)} dòng; kết quả là {result_vi}.",
            f"The formula {what_en} that meet every condition at once: {conds_en}. Filtering "
            f"on those conditions leaves {len(hits)} rows; the result is {result_en}.",
        )
        table = Table(name="cong-tac-phi-2026", columns=CLAIM_COLUMNS, rows=tuple(rows))
        view = TaskView(
            template=self.name, kind="data", answer_kind="number", prompt=prompt, table=table,
            unit=c.both("đồng", "VND") if summed is not None else None,
        )  # fmt: skip
        return view, TaskKey(number=answer, working=working)


def _say(criterion: Criterion, lang: Lang) -> str:
    col, op, value = criterion
    name = CLAIM_COLUMNS[col].name.get(lang)
    shown = CLAIM_COLUMNS[col].labels[value].get(lang) if col in (UNIT, STATUS) else value
    if isinstance(shown, int) and col == AMOUNT:
        shown = c.grouped(shown) if lang == "vi" else c.grouped_en(shown)
    words = {"": "=", "<>": "≠", ">": ">", ">=": "≥", "<": "<", "<=": "≤"}
    return f"{name} {words[op]} {shown}"


# --- check an AI assistant's figure --------------------------------------------------------
CHANNELS: dict[str, LocalizedText] = c.labels({
    "hotline": ("Đường dây nóng", "Hotline"),
    "portal": ("Cổng dịch vụ công", "Public service portal"),
    "app": ("Ứng dụng di động", "Mobile app"),
    "desk": ("Trực tiếp", "In person"),
})  # fmt: skip
FIELDS: dict[str, LocalizedText] = c.labels({
    "env": ("Môi trường", "Environment"),
    "land": ("Đất đai", "Land"),
    "traffic": ("Giao thông", "Traffic"),
    "urban": ("Trật tự đô thị", "Urban order"),
    "health": ("Y tế", "Health"),
    "school": ("Giáo dục", "Education"),
})  # fmt: skip
FEEDBACK_STATUS: dict[str, LocalizedText] = c.labels({
    "resolved": ("Đã giải quyết", "Resolved"),
    "processing": ("Đang xử lý", "In progress"),
    "forwarded": ("Đã chuyển cơ quan khác", "Forwarded to another body"),
})  # fmt: skip
MISTAKES: dict[str, LocalizedText] = c.labels({
    "status": ("tính cả phản ánh chưa giải quyết xong", "it counted feedback not yet resolved"),
    "month": ("tính mọi tháng, không riêng tháng được hỏi", "it counted every month, not just "
              "the one asked about"),
    "place": ("tính cả các xã, phường khác", "it counted other communes and wards too"),
    "field": ("tính mọi lĩnh vực", "it counted every field"),
    "channel": ("tính mọi kênh tiếp nhận", "it counted every channel"),
    "next": ("đếm nhầm sang tháng kế tiếp", "it counted the following month instead"),
    "miscount": ("đếm sai số dòng", "it miscounted the rows"),
})  # fmt: skip


@register
class AiClaimCheck(Template):
    """An AI assistant's one-line summary of a feedback table states a figure that is wrong
    in a way such tools often are (a condition dropped, the wrong month). The candidate
    checks it against the table and gives the right figure."""

    name = "data.ai_check"
    kind = "data"
    answer_kind = "number"
    title = c.both("Kiểm chứng con số do trợ lý AI đưa ra", "Check a figure an AI assistant gives")
    Settings = RowSettings

    def build(self, rng: random.Random, settings: Any) -> tuple[TaskView, TaskKey]:
        n = settings.draw(rng)
        places = c.communes(rng, rng.randint(4, 7))
        rows = []
        for code in sorted(c.codes(rng, n, "PA-", width=5)):
            got = c.day_in(rng, 2026, 6, 11)
            status = rng.choices(list(FEEDBACK_STATUS), (0.6, 0.3, 0.1))[0]
            rows.append((code, got.isoformat(), rng.choice(list(CHANNELS)),
                         rng.choice(list(FIELDS)), rng.choice(places), status))  # fmt: skip
        rows.sort(key=lambda r: (r[1], r[0]))
        by_status = rng.random() < 0.5
        facts = _Facts(rows)

        def draw() -> tuple[tuple[dict[str, Any], str, int], int]:
            # the claim is about the details of some row, so it is never about nothing
            _, got, channel, field, place, _ = rng.choice(rows)
            month = min(10, int(got[5:7]))
            cond: dict[str, Any] = {"field": field, "month": month}
            cond |= {"place": place, "status": "resolved"} if by_status else {"channel": channel}
            truth = facts.count(cond)
            mistake = rng.choice([*cond, "next"])
            wrong = dict(cond)
            if mistake == "next":
                wrong["month"] = month + 1
            else:
                del wrong[mistake]
            claimed = facts.count(wrong)
            return (cond, mistake, claimed), truth if claimed != truth else -1

        (cond, mistake, claimed), truth = c.spread(rng, draw, 3, 14)
        if truth < 0:  # (only in a tiny table: every slip gave the right figure by chance)
            truth, mistake = facts.count(cond), "miscount"
            claimed = truth + rng.randint(1, 3)
        field, month = cond["field"], cond["month"]
        place, channel = cond.get("place", ""), cond.get("channel", "")
        f = FIELDS[field]
        if by_status:
            claim = c.both(
                f"{place} đã giải quyết xong {claimed} phản ánh về lĩnh vực {f.vi} nhận trong "
                f"tháng {month}/2026.",
                f"{place} resolved {claimed} pieces of feedback on {f.en} received in "
                f"{_month_en(month)} 2026.",
            )
            conds = c.both(
                f"Xã/phường = {place}, Lĩnh vực = {f.vi}, Ngày nhận trong tháng {month}/2026, "
                "Trạng thái = Đã giải quyết",
                f"Commune/ward = {place}, Field = {f.en}, Received in {_month_en(month)} 2026, "
                "Status = Resolved",
            )
        else:
            ch = CHANNELS[channel]
            claim = c.both(
                f"Trong tháng {month}/2026, các xã, phường nhận tổng cộng {claimed} phản ánh về "
                f"lĩnh vực {f.vi} qua kênh ‘{ch.vi}’.",
                f"In {_month_en(month)} 2026, the communes and wards received {claimed} pieces "
                f"of feedback on {f.en} in all through the ‘{ch.en}’ channel.",
            )
            conds = c.both(
                f"Lĩnh vực = {f.vi}, Kênh tiếp nhận = {ch.vi}, Ngày nhận trong tháng {month}/2026",
                f"Field = {f.en}, Channel = {ch.en}, Received in {_month_en(month)} 2026",
            )
        prompt = c.both(
            f"Một đồng nghiệp nhờ trợ lý AI tóm tắt bảng phản ánh, kiến nghị này và nhận được "
            f"câu: “{claim.vi}” Hãy kiểm tra lại trên bảng: con số đúng là bao nhiêu?",
            f"A colleague asked an AI assistant to summarise this table of citizens' feedback "
            f"and got the sentence: “{claim.en}” Check it against the table: what is the right "
            "figure?",
        )
        why = MISTAKES[mistake]
        working = c.both(
            f"Lọc {conds.vi}: còn {truth} dòng, không phải {claimed} (trợ lý AI {why.vi}). "
            "Con số AI đưa ra phải được đối chiếu với dữ liệu gốc trước khi dùng.",
            f"Filter {conds.en}: {truth} rows remain, not {claimed} ({why.en}). A figure from an "
            "AI assistant must be checked against the source data before it is used.",
        )
        table = Table(
            name="phan-anh-kien-nghi",
            columns=(
                Column(name=c.both("Mã phản ánh", "Feedback no."), kind="code"),
                Column(name=c.both("Ngày nhận", "Received on"), kind="date"),
                Column(name=c.both("Kênh tiếp nhận", "Channel"), kind="label", labels=CHANNELS),
                Column(name=c.both("Lĩnh vực", "Field"), kind="label", labels=FIELDS),
                Column(name=c.both("Xã/phường", "Commune/ward")),
                Column(name=c.both("Trạng thái", "Status"), kind="label",
                       labels=FEEDBACK_STATUS),
            ),
            rows=tuple(rows),
        )  # fmt: skip
        view = TaskView(
            template=self.name, kind="data", answer_kind="number", prompt=prompt, table=table,
            unit=c.both("phản ánh", "pieces of feedback"),
        )  # fmt: skip
        return view, TaskKey(number=truth, working=working)


FACTS = ("place", "field", "month", "status", "channel")


class _Facts:
    """How many rows have each combination of the facts a claim can be about."""

    def __init__(self, rows: list[tuple[Any, ...]]):
        self.rows = [(r[4], r[3], int(r[1][5:7]), r[5], r[2]) for r in rows]
        self.by: dict[tuple[str, ...], Counter[tuple[Any, ...]]] = {}

    def count(self, cond: dict[str, Any]) -> int:
        """How many rows meet every condition (fact name: value)."""
        names = tuple(sorted(cond))
        if names not in self.by:
            at = [FACTS.index(k) for k in names]
            self.by[names] = Counter(tuple(f[i] for i in at) for f in self.rows)
        return self.by[names][tuple(cond[k] for k in names)]


MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip


def _month_en(m: int) -> str:
    return MONTHS_EN[m - 1]
