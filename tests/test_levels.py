"""Bands, proficiency and self-assessed levels from scored responses."""

from __future__ import annotations

import pytest

from dsat.domain.levels import ScoredResponse, band_for, competency_results, self_band_for


@pytest.mark.parametrize(
    ("percent", "band"),
    [
        (0, "below"),
        (29.99, "below"),
        (30, "foundation"),
        (47.9, "foundation"),
        (48, "intermediate"),
        (80.99, "intermediate"),
        (81, "advanced"),
        (100, "advanced"),
    ],
)
def test_band_cut_scores(fw, percent, band):
    assert band_for(fw, percent).id == band


@pytest.mark.parametrize(
    ("ratings", "band"),
    [
        ([], None),
        ([0], "below"),
        ([1], "foundation"),
        ([2, 3], "advanced"),
        ([1, 2], "intermediate"),
        ([3, 3, 0], "intermediate"),
    ],
)
def test_self_band_rounds_half_up(fw, ratings, band):
    assert self_band_for(fw, ratings) == band


def _r(comp, fraction, weight=1.0, scored=True, rating=None):
    return ScoredResponse(comp, scored, weight, fraction, True, rating)


def test_competency_results_per_competency_with_weights_and_self_rating(fw):
    rows = [
        _r("4.1", 1.0),
        _r("4.1", 0.5, weight=2),
        _r("4.1", 0.0),
        _r("4.1", 0.0, scored=False, rating=3),
        _r("4.2", 1.0),
        _r("4.2", 1.0),
    ]
    res = {r.competency_id: r for r in competency_results(fw, rows, ["4.1", "4.2"])}
    assert (res["4.1"].raw, res["4.1"].max, res["4.1"].percent) == (2.0, 4.0, 50.0)
    assert res["4.1"].band == "intermediate" and res["4.1"].proficient
    assert res["4.1"].self_band == "advanced" and res["4.1"].self_disagrees
    assert res["4.2"].band == "advanced" and res["4.2"].self_band is None
    assert not res["4.2"].self_disagrees


def test_foundation_is_not_proficient(fw):
    [res] = competency_results(fw, [_r("4.1", 0.4)], ["4.1"])
    assert res.band == "foundation" and not res.proficient


def test_competency_with_nothing_scored_is_zero_not_an_error(fw):
    [res] = competency_results(fw, [_r("4.1", 0, scored=False, rating=1)], ["4.1"])
    assert (res.raw, res.max, res.percent, res.band) == (0, 0, 0.0, "below")


def test_a_competency_with_no_scored_item_gets_no_result(fw):
    """Only its self-rating was shown (a test cut short): no evidence, so no level and
    nothing for the reports to count as assessed and not proficient."""
    from dsat.domain.results import Answered, score_attempt
    from tests.factories import item

    rows = [
        Answered(0, "4.1", item("self_rating", id="4.1-SR"), 2),
        Answered(1, "4.2", item("self_rating", id="4.2-SR", competency="4.2"), 1),
        Answered(2, "4.2", item("true_false", id="4.2-X", competency="4.2"), True),
    ]
    scored = score_attempt(fw, rows, whole_areas=["4"])
    assert [r.competency_id for r in scored.results] == ["4.2"]
    assert scored.results[0].se is not None
    [area] = scored.areas
    assert area.items == 1
