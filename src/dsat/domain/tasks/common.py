"""Realistic Vietnamese data for generated tasks, drawn only from the `random.Random` given."""

from __future__ import annotations

import random
from datetime import date, timedelta

from dsat.domain.places import DEPARTMENTS, OFFICES, PROVINCES
from dsat.domain.text import LocalizedText

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
