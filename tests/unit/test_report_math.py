"""Shares with measurement error: Rubin's rules by hand, and plausible values that agree
with the posterior probabilities they are drawn from."""

from __future__ import annotations

import math

import pytest

from dsat.domain.report import at_least, rubin_share


def test_rubins_rules_by_hand():
    post = rubin_share([6, 7, 8], 10)
    # shares .6, .7, .8: W = (.024 + .021 + .016)/3, B = .01, T = W + (1 + 1/3) B
    w, b = (0.024 + 0.021 + 0.016) / 3, 0.01
    t = w + (4 / 3) * b
    assert post.percent == pytest.approx(70.0)
    assert post.se == pytest.approx(100 * math.sqrt(t))
    assert post.low == pytest.approx(100 * (0.7 - 1.959963984540054 * math.sqrt(t)))
    assert post.high == 100.0  # clipped
    assert post.measurement_se == pytest.approx(100 * math.sqrt(4 / 3 * b))
    same = rubin_share([7, 7, 7], 10)
    assert same.measurement_se == pytest.approx(0, abs=1e-9) and same.se == pytest.approx(
        100 * math.sqrt(0.021)
    )
    assert rubin_share([], 0) is None


def test_at_least_k_of_independent_events():
    assert at_least([0.5, 0.5], 1) == pytest.approx(0.75)
    assert at_least([0.9, 0.8, 0.7], 3) == pytest.approx(0.9 * 0.8 * 0.7)
    assert at_least([0.2, 0.3], 0) == pytest.approx(1.0)
