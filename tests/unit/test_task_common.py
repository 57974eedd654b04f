"""The helpers the task templates share: Vietnamese numbers and names, dates, spreading
answers over a range."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

from dsat.domain.tasks import common as c
from dsat.domain.text import parse_number


def test_money_and_decimals_as_each_language_writes_them():
    assert c.money(1_250_000).vi == "1.250.000 đồng"
    assert c.money(1_250_000).en == "1,250,000 VND"
    assert c.decimal(12.35 + 1e-9).vi == "12,4" and c.decimal(12.35 + 1e-9).en == "12.4"
    # what is written reads back as the same number, in both languages
    for n in (0, 950_000, 1_250_000, 248_680_000):
        assert parse_number(c.grouped(n)) == n == parse_number(c.grouped_en(n))


def test_file_names_lose_diacritics_and_keep_letters():
    assert c.unaccented("Phường Đông Hưng") == "Phuong Dong Hung"
    assert c.unaccented("Hòa Bình") == "Hoa Binh"


def test_quarters_and_working_days():
    assert [c.quarter(f"2026-{m:02d}-15") for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [
        1, 1, 2, 2, 3, 3, 4, 4,
    ]  # fmt: skip
    days = c.weekdays(date(2026, 11, 20), date(2026, 11, 30))  # Friday to Monday next week
    assert [d.day for d in days] == [20, 23, 24, 25, 26, 27, 30]


def test_codes_are_distinct_and_shaped():
    codes = c.codes(random.Random(1), 500, "HS-", width=5)
    assert len(set(codes)) == 500 and all(len(x) == 8 and x.startswith("HS-") for x in codes)


def test_spread_answers_over_the_range_rather_than_the_smallest():
    """Questions whose answers are mostly 0-2 (as rare combinations are): the chosen
    answers still cover the range, none of them in more than a fifth of the draws."""
    chosen = []
    for seed in range(400):
        rng = random.Random(seed)

        def draw(rng: random.Random = rng) -> tuple[None, int]:
            return None, min(20, int(rng.expovariate(0.4)))

        chosen.append(c.spread(rng, draw, 3, 12)[1])
    counts = Counter(chosen)
    assert min(chosen) >= 3 and max(chosen) >= 10
    assert counts.most_common(1)[0][1] < len(chosen) / 5


def test_spread_falls_back_to_what_there_is():
    rng = random.Random(3)
    assert c.spread(rng, lambda: ("only", 1), 3, 12) == ("only", 1)
