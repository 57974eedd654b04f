"""Moodle's quiz statistics against values computed by hand on a small dataset."""

from __future__ import annotations

import pytest

from dsat.domain.item_stats import ScoreRow, item_statistics, random_guess
from dsat.domain.item_stats import test_statistics as summarise
from tests.factories import item

# five attempts, three right/wrong items (hand computation in the comments)
#   A: 1 1 1 (total 3)  B: 1 1 0 (2)  C: 1 0 0 (1)  D: 0 1 0 (1)  E: 0 0 0 (0)
PATTERNS = {"A": (1, 1, 1), "B": (1, 1, 0), "C": (1, 0, 0), "D": (0, 1, 0), "E": (0, 0, 0)}
KEYS = [("I1", 1), ("I2", 1), ("I3", 1)]


def _rows():
    return [
        ScoreRow(att, pos, KEYS[pos], float(v), 1.0)
        for att, pattern in PATTERNS.items()
        for pos, v in enumerate(pattern)
    ]


def test_test_statistics_by_hand():
    t = summarise(_rows(), min_n=1)
    assert t.attempts == 5 and t.mean == pytest.approx(1.4) and t.median == 1
    # totals 3, 2, 1, 1, 0: sample variance 5.2 / 4 = 1.3
    assert t.sd == pytest.approx(1.3**0.5)
    # item variances 0.3, 0.3, 0.2: CIC = 100 * 3/2 * (1 - 0.8/1.3) = 57.69 %
    assert t.cic == pytest.approx(57.6923, abs=1e-3)
    assert t.error_ratio == pytest.approx(100 * (1 - 0.576923) ** 0.5, abs=1e-3)
    assert t.sem == pytest.approx(t.error_ratio / 100 * t.sd)
    # m2 = 5.2/5 = 1.04, m3 = (1.6^3 + 0.6^3 - 2*0.4^3 - 1.4^3)/5 = 1.44/5 = 0.288
    k2, k3 = 5 * 1.04 / 4, 25 * 0.288 / (4 * 3)
    assert t.skewness == pytest.approx(k3 / k2**1.5)
    assert t.skewness == pytest.approx(0.4048, abs=1e-4)


def test_item_statistics_by_hand():
    stats = {s.item_id: s for s in item_statistics(_rows(), {}, min_n=1)}
    i1 = stats["I1"]
    assert i1.facility == pytest.approx(60.0)
    assert i1.sd == pytest.approx(100 * 0.3**0.5)
    # item 1 against the rest (2, 1, 0, 1, 0): cov 0.15, var 0.3 and 0.7: r = 0.3273
    assert i1.discrimination == pytest.approx(100 * 0.15 / (0.3 * 0.7) ** 0.5, abs=1e-4)
    # sorted alike, (0,0,1,1,1) with (0,0,1,1,2) have cov 1.6/4 = 0.4: DE = 0.15/0.4
    assert i1.efficiency == pytest.approx(37.5)
    assert stats["I3"].facility == pytest.approx(20.0)


def test_distractor_analysis_and_flags():
    single = item("single", id="Q")  # options a-d, key b
    # by total score: the weakest 12 chose b (the key), the next 8 c, the top 10 a
    answers = ["b"] * 12 + ["c"] * 8 + ["a"] * 10
    totals = list(range(30))
    rows = []
    for n, (ans, total) in enumerate(zip(answers, totals, strict=True)):
        right = 1.0 if ans == "b" else 0.0
        rows.append(ScoreRow(f"att{n}", 0, ("Q", 1), right, 1.0, ans))
        rows.append(ScoreRow(f"att{n}", 1, ("R", 1), float(total), 30.0))
    [q] = [s for s in item_statistics(rows, {("Q", 1): single}) if s.item_id == "Q"]
    opts = {o.option: o for o in q.options}
    assert opts["b"].key and opts["b"].share == pytest.approx(40.0)
    assert opts["a"].share == pytest.approx(100 * 10 / 30) and opts["d"].share == 0
    assert opts["a"].flagged and not opts["c"].flagged and not opts["d"].flagged
    assert opts["a"].top_share == 100.0 and opts["b"].top_share == 0.0
    assert any("option a is chosen by more of the top group" in f for f in q.flags)
    assert any("discrimination" in f for f in q.flags)  # the key goes with low scores


def test_degenerate_and_small_items_are_flagged_not_computed():
    everyone = [ScoreRow(f"a{n}", 0, ("ALL", 1), 1.0, 1.0) for n in range(40)]
    everyone += [ScoreRow(f"a{n}", 1, ("X", 1), float(n % 2), 1.0) for n in range(40)]
    few = [ScoreRow(f"a{n}", 2, ("FEW", 1), 1.0, 1.0) for n in range(5)]
    stats = {s.item_id: s for s in item_statistics(everyone + few, {})}
    assert "facility 100% > 90%: easy" in stats["ALL"].flags
    assert "no variance: everyone scored the same" in stats["ALL"].flags
    assert stats["ALL"].discrimination is None  # said, never a crash or a NaN
    assert stats["FEW"].too_few and stats["FEW"].facility is None
    assert stats["FEW"].flags == ["too few responses (5 < 30): not computed"]
    assert summarise(few).too_few


def test_random_guess_scores():
    assert random_guess(item("single")) == 25.0
    assert random_guess(item("true_false")) == 50.0
    assert random_guess(item("short_answer")) == 0.0
    assert random_guess(item("matching")) == pytest.approx(25.0)  # 3 rights + 1 distractor
    assert random_guess(item("ordering")) == pytest.approx(25.0)  # 1 of 4 places, partial
    # multiple (a, b right of four): a random tick pattern earns this on average
    assert 0 < random_guess(item("multiple")) < 50
