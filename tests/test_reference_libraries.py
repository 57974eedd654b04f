"""dsat's calibration and adaptive selection against reference implementations: girth's
2PL marginal maximum likelihood and catsim's maximum-information selector (both in the
`test` extra). Agreement only: speed is measured in bench/measurement.py."""

from __future__ import annotations

import math

import catsim.item_bank as catsim_item_bank
import catsim.selection as catsim_selection
import girth
import numpy as np
import pytest

from dsat.domain import calibration
from dsat.domain.adaptive import Given, PoolItem, next_item
from dsat.domain.calibration import StartParams, calibrate
from dsat.domain.framework import AdaptiveRules
from dsat.domain.irt import ItemParams, normal_prior

pytestmark = pytest.mark.slow


def _data(seed: int, items: int, persons: int, b_sd: float = 1.0):
    rng = np.random.default_rng(seed)
    a = np.exp(rng.normal(0.0, 0.25, items))
    b = rng.normal(0.0, b_sd, items)
    theta = rng.normal(0.0, 1.0, persons)
    p = 1 / (1 + np.exp(-a * (theta[:, None] - b)))
    return a, b, (rng.random((persons, items)) < p).astype(int)


def _standardised_differences(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """(dsat - girth) / dsat's standard error, for a and for b; and whether dsat converged."""
    res = calibrate(x, [StartParams(1.0, (0.0,))] * x.shape[1], identify="population")
    g = girth.twopl_mml(x.T)
    a = np.array([c.a for c in res.items])
    b = np.array([c.b for c in res.items])
    se_a = np.array([c.se_a for c in res.items])
    se_b = np.array([c.se_b for c in res.items])
    za = (a - np.asarray(g["Discrimination"])) / se_a
    zb = (b - np.asarray(g["Difficulty"]).ravel()) / se_b
    return za, zb, res.converged


def _rms(z: np.ndarray) -> float:
    return float(np.sqrt(np.mean(z**2)))


def test_calibration_agrees_with_girth_well_within_the_standard_errors():
    # two maximum-likelihood fits of the same responses differ by much less than the
    # sampling error of either: here only by dsat's weak priors and the quadrature
    _, _, x = _data(20, 40, 3000)
    za, zb, converged = _standardised_differences(x)
    assert converged
    assert _rms(za) < 0.5 and _rms(zb) < 0.5


def test_with_flat_priors_calibration_converges_to_girths_estimates(monkeypatch):
    # items of extreme difficulty: the likelihood of a and b is nearly flat along a ridge,
    # where an M step that is not an ascent step makes EM oscillate instead of converging
    monkeypatch.setattr(calibration, "PRIOR_LOG_A_SD", 1e3)
    monkeypatch.setattr(calibration, "PRIOR_T_SD", 1e3)
    _, _, x = _data(2, 60, 2000, b_sd=1.6)
    za, zb, converged = _standardised_differences(x)
    assert converged
    assert _rms(za) < 0.5 and _rms(zb) < 0.5


def test_each_next_item_is_catsims_maximum_information_item_at_the_same_estimate():
    rng = np.random.default_rng(4)
    n = 300
    a, b = rng.uniform(0.7, 2.0, n), rng.normal(0.0, 1.0, n)
    pool = [PoolItem(f"I{i}", 1, "A.1", "A", ItemParams(float(a[i]), float(b[i])))
            for i in range(n)]  # fmt: skip
    rules = AdaptiveRules(se_target=0.3, max_items=20, min_per_competency=0, randomesque=1,
                          pretest=0, clear=0.0)  # fmt: skip  # SE and length alone stop it
    bank = catsim_item_bank.ItemBank(np.c_[a, b])
    selector = catsim_selection.MaxInfoSelector()
    grid = np.linspace(-5.0, 5.0, 81)
    for theta in (-1.5, 0.0, 0.8):
        given: list[Given] = []
        while True:
            pick = next_item(
                seed=1, pool=pool, given=given, areas=["A"], competencies={"A": ["A.1"]},
                rules=rules, cuts={"A": 0.0}, priors={"A": normal_prior()},
            )  # fmt: skip
            if pick is None:
                break
            # the EAP dsat selects at, computed here from the answers
            idx = [int(g.item_id[1:]) for g in given]
            log_post = -0.5 * grid**2
            for i, g in zip(idx, given, strict=True):
                p = 1 / (1 + np.exp(-a[i] * (grid - b[i])))
                log_post += np.log(p if g.category else 1 - p)
            w = np.exp(log_post - log_post.max())
            estimate = float(w @ grid / w.sum())
            expected = selector.select(item_bank=bank, administered_items=idx, est_theta=estimate)
            assert pick.item.item_id == f"I{expected}"
            right = rng.random() < 1 / (1 + math.exp(-a[expected] * (theta - b[expected])))
            given.append(Given(pick.item.item_id, int(right)))
        assert given
