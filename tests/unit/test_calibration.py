"""Calibration recovers known parameters within their standard errors; anchors keep the
scale; partial-credit items; degenerate data does not crash."""

from __future__ import annotations

import numpy as np
import pytest

from dsat.domain.calibration import StartParams, calibrate
from dsat.domain.irt import ItemParams, probabilities


def _simulate(items, thetas, rng, missing=0.0):
    x = np.zeros((len(thetas), len(items)), dtype=int)
    for i, p in enumerate(items):
        cum = probabilities(p, thetas).cumsum(axis=1)
        x[:, i] = (rng.random(len(thetas))[:, None] > cum).sum(axis=1)
    x[rng.random(x.shape) < missing] = -1
    return x


def test_2pl_parameters_are_recovered_within_their_standard_errors():
    rng = np.random.default_rng(11)
    n_items, n_people = 40, 3000
    a = np.exp(rng.normal(0.1, 0.25, n_items))
    b = rng.normal(0, 1, n_items)
    x = _simulate([ItemParams(ai, bi) for ai, bi in zip(a, b, strict=True)],
                  rng.normal(0, 1, n_people), rng)  # fmt: skip
    res = calibrate(x, [StartParams(1.0, (0.0,)) for _ in range(n_items)], identify="population")
    assert res.converged
    z = np.array(
        [(c.a - ai) / c.se_a for c, ai in zip(res.items, a, strict=True)]
        + [(c.b - bi) / c.se_b for c, bi in zip(res.items, b, strict=True)]
    )
    # standardized errors behave like N(0, 1): their RMS is near 1, few beyond 3
    assert 0.75 < float(np.sqrt(np.mean(z**2))) < 1.3
    assert float(np.mean(np.abs(z) > 3)) <= 0.02
    assert all(0.6 < c.infit < 1.4 and 0.6 < c.outfit < 1.4 for c in res.items)


def test_anchors_stay_fixed_and_the_population_is_estimated_with_partial_credit():
    rng = np.random.default_rng(5)
    items = []
    for i in range(24):
        steps = None if i % 3 else tuple(float(v) for v in (-0.6, 0.0, 0.6))
        items.append(ItemParams(float(np.exp(rng.normal(0, 0.2))), float(rng.normal(0, 1)), steps))
    thetas = rng.normal(0.4, 1.1, 4000)
    x = _simulate(items, thetas, rng, missing=0.3)
    starts = []
    for i, p in enumerate(items):
        t = tuple(float(v) for v in p.thresholds())
        if i < 8:  # calibrated before: anchors
            starts.append(StartParams(p.a, t, fixed=True))
        else:
            starts.append(
                StartParams(1.0, tuple(np.linspace(-0.5, 0.5, len(t))) if len(t) > 1 else (0.0,))
            )
    res = calibrate(x, starts)
    for i in range(8):
        assert res.items[i].fixed and res.items[i].a == pytest.approx(items[i].a)
    se_mean = 1.1 / np.sqrt(4000)
    assert abs(res.mean - thetas.mean()) < 4 * se_mean + 0.03
    assert abs(res.sd - thetas.std()) < 0.06
    free = [(c, p) for c, p in zip(res.items[8:], items[8:], strict=True)]
    zb = [(c.b - p.b) / c.se_b for c, p in free]
    assert float(np.sqrt(np.mean(np.square(zb)))) < 1.5
    assert any(c.steps is not None for c, _ in free)  # partial-credit items are GPCM


def test_without_anchors_the_scale_is_tied_to_the_priors():
    rng = np.random.default_rng(3)
    prior_b = np.repeat([-1.5, -0.5, 0.5, 1.5], 8)
    b = prior_b + rng.normal(0, 0.2, 32)
    b -= b.mean() - prior_b.mean()  # the truth on the priors' scale
    x = _simulate([ItemParams(1.0, bi) for bi in b], rng.normal(0.5, 1.0, 3000), rng)
    res = calibrate(x, [StartParams(1.0, (pb,)) for pb in prior_b])
    assert np.mean([c.b for c in res.items]) == pytest.approx(prior_b.mean(), abs=1e-6)
    assert res.mean == pytest.approx(0.5, abs=0.08)  # the population is found on that scale


def test_degenerate_items_do_not_crash():
    x = np.zeros((300, 3), dtype=int)
    x[:, 1] = 1  # everyone right
    x[::2, 2] = 1
    res = calibrate(x, [StartParams(1.0, (0.0,)) for _ in range(3)])
    assert all(np.isfinite([c.a, c.b]).all() for c in res.items)
    assert res.items[0].b > res.items[2].b > res.items[1].b  # all wrong: hardest
