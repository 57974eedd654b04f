"""Realistic Vietnamese data for generated tasks, drawn only from the `random.Random` given."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

from dsat.domain.places import DEPARTMENTS, OFFICES, PROVINCES
from dsat.domain.text import LocalizedText

Q = TypeVar("Q")

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Tạ")  # fmt: skip
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Thu", "Xuân",
          "Hoài", "Gia", "Kim", "Bảo", "Anh")  # fmt: skip
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng",
         "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngân",
         "Phong", "Phúc", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trung",
         "Tú", "Tuấn", "Vân", "Việt", "Yến")  # fmt: skip
COMMUNE_PREFIX = ("Phường", "Xã")
COMMUNE_NAMES = ("Hòa Bình", "Tân Phú", "Thành Công", "Đông Hưng", "Bình Minh", "An Lạc",
                 "Phú Mỹ", "Long Hải", "Quang Trung", "Hưng Đạo", "Tân Hòa", "Đại Đồng",
                 "Nam Sơn", "Vĩnh Phúc", "Thanh Xuân", "Phước Long")  # fmt: skip


def full_name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def province(rng: random.Random) -> str:
    return rng.choice(PROVINCES)


def provinces(rng: random.Random, n: int) -> list[str]:
    return rng.sample(PROVINCES, n)


def communes(rng: random.Random, n: int) -> list[str]:
    names = rng.sample(COMMUNE_NAMES, n)
    return [f"{rng.choice(COMMUNE_PREFIX)} {name}" for name in names]


def department(rng: random.Random) -> str:
    return rng.choice(DEPARTMENTS)


def office(rng: random.Random) -> str:
    return rng.choice(OFFICES)


def employee_ids(rng: random.Random, n: int, prefix: str = "CB") -> list[str]:
    """n distinct employee ids such as CB04127, in random order."""
    numbers = rng.sample(range(1000, 99999), n)
    return [f"{prefix}{k:05d}" for k in numbers]


def day_in(rng: random.Random, year: int, first_month: int = 1, last_month: int = 12) -> date:
    start = date(year, first_month, 1)
    end = date(year + (last_month == 12), last_month % 12 + 1, 1) - timedelta(days=1)
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def dmy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def money_vnd(rng: random.Random, low: int, high: int, step: int = 50_000) -> int:
    return rng.randrange(low // step, high // step + 1) * step


def grouped(n: float) -> str:
    """A number as Vietnamese forms write it: 1.250.000 (dots between thousands)."""
    if float(n).is_integer():
        return f"{int(n):,}".replace(",", ".")
    return f"{n:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def both(vi: str, en: str) -> LocalizedText:
    return LocalizedText(vi=vi, en=en)


def grouped_en(n: float) -> str:
    """A number as English writes it: 1,250,000 (commas between thousands)."""
    if float(n).is_integer():
        return f"{int(n):,}"
    return f"{n:,.2f}"


def money(n: int) -> LocalizedText:
    """An amount of money in a sentence: '1.250.000 đồng' / '1,250,000 VND'."""
    return both(f"{grouped(n)} đồng", f"{grouped_en(n)} VND")


def decimal(x: float, places: int = 1) -> LocalizedText:
    """A decimal number in a sentence: '12,5' / '12.5'."""
    text = f"{x:.{places}f}"
    return both(text.replace(".", ","), text)


def quarter(iso_day: str) -> int:
    """The quarter (1 to 4) of an ISO date yyyy-mm-dd."""
    return (int(iso_day[5:7]) - 1) // 3 + 1


def weekdays(first: date, last: date) -> list[date]:
    """The working days (Monday to Friday) from `first` to `last`, both included."""
    days = (first + timedelta(days=k) for k in range((last - first).days + 1))
    return [d for d in days if d.weekday() < 5]


def codes(rng: random.Random, n: int, prefix: str, width: int = 4) -> list[str]:
    """n distinct codes such as HS-0427, in random order."""
    numbers = rng.sample(range(1, 10**width), n)
    return [f"{prefix}{k:0{width}d}" for k in numbers]


def labels(table: dict[str, tuple[str, str]]) -> dict[str, LocalizedText]:
    """Bilingual labels from (vi, en) pairs."""
    return {k: both(vi, en) for k, (vi, en) in table.items()}


LAST_DAY = date(2026, 11, 30)  # no generated date falls after it

# The units of a provincial department, as label codes with their names.
UNITS: dict[str, LocalizedText] = labels({
    "VP": ("Văn phòng", "Office"),
    "TCCB": ("Phòng Tổ chức cán bộ", "Personnel Division"),
    "KHTC": ("Phòng Kế hoạch - Tài chính", "Planning and Finance Division"),
    "TTR": ("Thanh tra", "Inspectorate"),
    "CNTT": ("Trung tâm Công nghệ thông tin", "IT Centre"),
    "NV": ("Phòng Nghiệp vụ", "Operations Division"),
    "TH": ("Phòng Tổng hợp", "General Affairs Division"),
    "PC": ("Phòng Pháp chế", "Legal Division"),
})  # fmt: skip


def unaccented(text: str) -> str:
    """'Hòa Bình' -> 'Hoa Binh': Vietnamese without its diacritics, as file names have it."""
    plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


def spread(
    rng: random.Random, draw: Callable[[], tuple[Q, int]], low: int, high: int, tries: int = 40
) -> tuple[Q, int]:
    """Of `tries` questions drawn by `draw` (each with its answer), the one whose answer is
    nearest a goal drawn between `low` and `high`: so answers spread over that range
    instead of bunching on the smallest, which a guess would hit. Answers below `low`
    are taken only when nothing else is drawn."""
    goal = rng.randint(low, high)
    best: tuple[Q, int] | None = None
    for _ in range(tries):
        question, answer = draw()
        if best is None or (answer >= low, -abs(answer - goal)) > (
            best[1] >= low,
            -abs(best[1] - goal),
        ):
            best = (question, answer)
    assert best is not None
    return best
