"""The IRT core against theory: EAP equals direct integration, information equals the
variance of the score, levels and their precision follow the cuts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dsat.domain.irt import (
    GRID,
    ItemParams,
    category,
    eap,
    information,
    information_many,
    normal_prior,
    probabilities,
)
from dsat.domain.measure import area_cuts, level_of, measure, precision, proficient_cut


def _direct(responses, mean=0.0, sd=1.0, cut=None):
    """Posterior mean, SD and P(θ ≥ cut) by brute-force integration on a fine grid."""
    th = np.linspace(-8, 8, 40001)
    logpost = -0.5 * ((th - mean) / sd) ** 2
    for p, c in responses:
        logpost += np.log(probabilities(p, th)[:, c])
    w = np.exp(logpost - logpost.max())
    w /= np.trapezoid(w, th)
    m = np.trapezoid(w * th, th)
    s = math.sqrt(np.trapezoid(w * (th - m) ** 2, th))
    above = np.trapezoid(np.where(th >= cut, w, 0), th) if cut is not None else None
    return m, s, above


CASES = [
    [(ItemParams(1.2, -0.5), 1), (ItemParams(0.8, 0.3), 0), (ItemParams(1.5, 1.0), 1)],
    [(ItemParams(1.0, b), 1) for b in (-1, 0, 1, 2)],
    [(ItemParams(1.1, 0.2, (-0.8, 0.1, 0.7)), 2), (ItemParams(0.6, -1.2), 0)],
    [],
]


@pytest.mark.parametrize("responses", CASES)
def test_eap_equals_direct_numerical_integration(responses):
    est = eap(responses)
    mean, sd, above = _direct(responses, cut=0.25)
    assert est.theta == pytest.approx(mean, abs=2e-3)
    assert est.se == pytest.approx(sd, abs=2e-3)
    assert est.p_at_least(0.25) == pytest.approx(above, abs=5e-3)


def test_eap_with_a_population_prior():
    responses = CASES[0]
    est = eap(responses, normal_prior(0.4, 1.2))
    mean, sd, _ = _direct(responses, 0.4, 1.2)
    assert (est.theta, est.se) == (pytest.approx(mean, abs=2e-3), pytest.approx(sd, abs=2e-3))


def test_information_is_the_variance_of_the_score():
    for p in (ItemParams(1.3, 0.4), ItemParams(0.9, -0.2, (-0.5, 0.0, 0.5))):
        for theta in (-1.5, 0.0, 0.8):
            probs = probabilities(p, [theta])[0]
            h = 1e-5
            up, down = probabilities(p, [theta + h])[0], probabilities(p, [theta - h])[0]
            score = (np.log(up) - np.log(down)) / (2 * h)  # d log P_k / dθ
            fisher = float((probs * score**2).sum())
            assert information(p, theta)[0] == pytest.approx(fisher, rel=1e-4)
    two = ItemParams(1.4, 0.3)
    pq = probabilities(two, [0.0])[0]
    assert information(two, 0.0)[0] == pytest.approx(1.4**2 * pq[0] * pq[1])
    many = information_many([two, ItemParams(0.9, -0.2, (-0.5, 0.5))], 0.7)
    assert many[0] == pytest.approx(information(two, 0.7)[0])


def test_part_marks_become_categories():
    assert [category(f, 4) for f in (0, 0.2, 0.25, 0.5, 0.74, 1)] == [0, 1, 1, 2, 3, 4]
    assert category(0.5, 1) == 1 and category(0.49, 1) == 0


def test_levels_bands_and_precision_follow_the_cuts(fw):
    cuts = area_cuts(fw, "4")
    rp = fw.scale.response_probability
    assert cuts[2] == pytest.approx(fw.scale.level_difficulty[2] + math.log(rp / (1 - rp)))
    assert level_of(cuts[2] - 1e-9, cuts) == 2 and level_of(cuts[2], cuts) == 3
    assert proficient_cut(fw, "4") == cuts[2]  # Intermediate starts at level 3
    strong = measure(fw, "4", [(ItemParams(1.0, b), 1) for b in (-1, 0, 0.5, 1, 1.5)] * 4)
    assert strong.proficient and strong.p_proficient > 0.95 and strong.band == "advanced"
    p = precision(fw, "4", strong.theta, strong.se, strong.band)
    assert p.enough and 0.5 < p.sure <= 1
    weak = measure(fw, "4", [(ItemParams(1.0, 0.0), 0)])
    assert not precision(fw, "4", weak.theta, weak.se, weak.band).enough  # one item: too few
    assert weak.se > fw.scale.max_se


def test_a_grid_wide_enough_for_extreme_patterns():
    all_right = eap([(ItemParams(2.0, b), 1) for b in np.linspace(-2, 2, 40)])
    assert all_right.theta < GRID[-1] - 1 and all_right.se > 0
