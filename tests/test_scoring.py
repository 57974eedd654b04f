"""Scoring: one pure function per item type, table-tested, edge cases included."""

from __future__ import annotations

import pytest

from dsat.domain.scoring import AnswerError, check_answer, score_fraction
from tests.factories import item

SINGLE = item("single")
MULTI = item("multiple")  # key a, b of a-d: right picks +1/2 each, wrong picks -1/2 each
MULTI_WEIGHTED = item(
    "multiple",
    options=[
        {"id": "a", "text": {"vi": "A", "en": "A"}, "fraction": 0.75},
        {"id": "b", "text": {"vi": "B", "en": "B"}, "fraction": 0.25},
        {"id": "c", "text": {"vi": "C", "en": "C"}, "fraction": -1},
        {"id": "d", "text": {"vi": "D", "en": "D"}},
    ],
    key=["a", "b"],
)
TF = item("true_false")
SHORT = item("short_answer")
SHORT_VI = item(
    "short_answer", answers=["tối thiểu hoá dữ liệu"], match={"ignore_diacritics": True}
)
SHORT_STRICT = item("short_answer", answers=["VNeID"], match={"case_sensitive": True})
NUM = item("numerical")  # 10 ± 0.5
NUM_EXACT = item("numerical", answer=10000, tolerance=0)
MATCH = item("matching")  # 3 pairs + 1 distractor
ORDER = item("ordering")
ORDER_AON = item("ordering", scoring="all_or_nothing")
SELF = item("self_rating")


@pytest.mark.parametrize(
    ("it", "answer", "expected"),
    [
        (SINGLE, "b", 1.0),
        (SINGLE, "a", 0.0),
        (SINGLE, None, 0.0),
        (MULTI, ["a", "b"], 1.0),
        (MULTI, ["a"], 0.5),
        (MULTI, ["a", "c"], 0.0),  # +1/2 - 1/2
        (MULTI, ["a", "b", "c"], 0.5),
        (MULTI, ["a", "b", "c", "d"], 0.0),  # ticking everything earns nothing
        (MULTI, ["c", "d"], 0.0),  # all wrong picks: floored at 0, never negative
        (MULTI, [], 0.0),
        (MULTI_WEIGHTED, ["a"], 0.75),
        (MULTI_WEIGHTED, ["b", "d"], 0.0),  # 0.25 - 0.5 (d's default), floored at 0
        (MULTI_WEIGHTED, ["a", "d"], 0.25),  # 0.75 - 0.5
        (MULTI_WEIGHTED, ["a", "c"], 0.0),  # negative fraction -1 wipes out 0.75
        (TF, True, 1.0),
        (TF, False, 0.0),
        (SHORT, "ctrl+c", 1.0),
        (SHORT, "  Ctrl+C  ", 1.0),
        (SHORT, "COPY", 1.0),
        (SHORT, "paste", 0.0),
        (SHORT, "", 0.0),
        (SHORT_VI, "toi thieu hoa du lieu", 1.0),
        (SHORT_VI, "Tối   thiểu hoá dữ liệu", 1.0),
        (SHORT_VI, "tối đa hoá dữ liệu", 0.0),
        (SHORT_STRICT, "vneid", 0.0),
        (SHORT_STRICT, "VNeID", 1.0),
        (NUM, "10", 1.0),
        (NUM, "10.5", 1.0),  # tolerance bound is inclusive
        (NUM, "9.5", 1.0),
        (NUM, "10,5", 1.0),  # decimal comma
        (NUM, "10.51", 0.0),
        (NUM, "9.49", 0.0),
        (NUM, "ten", 0.0),
        (NUM_EXACT, "10000", 1.0),
        (NUM_EXACT, "10.000", 1.0),  # Vietnamese thousands grouping
        (NUM_EXACT, "10,000", 1.0),
        (NUM_EXACT, "10 000", 1.0),
        (NUM_EXACT, "1000", 0.0),
        (MATCH, [0, 1, 2], 1.0),
        (MATCH, [0, 2, 1], pytest.approx(1 / 3)),  # matching gives partial credit
        (MATCH, [3, 3, 3], 0.0),  # the distractor everywhere
        (MATCH, [0, None, None], pytest.approx(1 / 3)),
        (ORDER, [0, 1, 2, 3], 1.0),
        (ORDER, [1, 0, 2, 3], 0.5),
        (ORDER, [3, 2, 1, 0], 0.0),
        (ORDER_AON, [1, 0, 2, 3], 0.0),
        (ORDER_AON, [0, 1, 2, 3], 1.0),
        (SELF, 3, 0.0),  # self-rating is never scored as knowledge
    ],
)
def test_score_fraction(it, answer, expected):
    assert score_fraction(it, answer) == expected


def test_weighted_multi_default_penalty_is_split_over_wrong_options():
    # wrong options c (explicit -1) and d (default -1/2 since two wrong options)
    assert MULTI_WEIGHTED.fractions() == {"a": 0.75, "b": 0.25, "c": -1, "d": -0.5}


@pytest.mark.parametrize(
    ("it", "answer"),
    [
        (SINGLE, "z"),
        (MULTI, "a"),
        (MULTI, ["a", "z"]),
        (TF, "yes"),
        (SHORT, 5),
        (SHORT, "x" * 2001),
        (MATCH, [0, 1]),
        (MATCH, [0, 1, 9]),
        (ORDER, [0, 0, 1, 2]),
        (ORDER, [0, 1, 2]),
        (SELF, 4),
        (SELF, True),
    ],
)
def test_check_answer_rejects_answers_that_do_not_fit(it, answer):
    with pytest.raises(AnswerError):
        check_answer(it, answer)


def test_check_answer_canonicalises_multi_picks():
    assert check_answer(MULTI, ["b", "a", "b"]) == ["a", "b"]
