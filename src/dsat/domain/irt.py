"""Item response theory: the 2PL model, the generalized partial credit model (GPCM) for
items that give part marks, EAP estimates on a quadrature grid, and Fisher information.

One scale per area (logit metric, no 1.7 constant). A right/wrong item has discrimination
`a` and difficulty `b`: P(right | θ) = 1 / (1 + exp(-a (θ - b))). An item scored with part
marks has K + 1 score categories and GPCM thresholds b + d_1 … b + d_K (Σ d = 0):
P(X = k | θ) ∝ exp(Σ_{v ≤ k} a (θ - b - d_v)). With K = 1 the GPCM is the 2PL.

Part marks become categories: category = round(fraction × K), K the item's number of
partial steps (capped at 4; see docs/levels.md for why).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dsat.domain.framework import Scale
from dsat.domain.items import (
    Item,
    MatchingItem,
    MultipleChoiceItem,
    OrderingItem,
    ShortAnswerItem,
)

MAX_STEPS = 4  # a change here or in `steps_of` / `prior_params` bumps framework.PRIOR_RULES
GRID = np.linspace(-5.0, 5.0, 81)  # θ quadrature points


@dataclass(frozen=True)
class ItemParams:
    a: float
    b: float
    steps: tuple[float, ...] | None = None  # GPCM: d_1..d_K, summing to 0; None: 2PL

    @property
    def model(self) -> str:
        return "2pl" if not self.steps or len(self.steps) == 1 else "gpcm"

    @property
    def categories(self) -> int:
        return 2 if not self.steps else len(self.steps) + 1

    def thresholds(self) -> np.ndarray:
        return self.b + np.asarray(self.steps or (0.0,), dtype=float)


def steps_of(item: Item) -> int:
    """K: how many partial steps an item's score has (1 for right/wrong items)."""
    match item:
        case MatchingItem():
            k = len(item.pairs)
        case OrderingItem():
            if item.scoring == "all_or_nothing":
                k = 1
            else:  # a share of steps in place; exactly one out of place cannot happen
                n = len(item.steps)
                return _reachable_steps((*(i / n for i in range(n - 1)), 1.0))
        case MultipleChoiceItem():
            k = len(item.key)
        case ShortAnswerItem():  # nothing, a part-credit answer, or a right one
            return _reachable_steps(tuple(sorted({0.0, 1.0, *(p.fraction for p in item.partial)})))
        case _ if getattr(item, "type", None) == "task":  # a task item or one variant of it
            from dsat.domain.tasks.registry import get

            k = get(getattr(item, "template")).steps  # noqa: B009 (no common type)
        case _:
            k = 1
    return max(1, min(MAX_STEPS, k))


@functools.lru_cache(maxsize=256)
def _reachable_steps(fractions: tuple[float, ...]) -> int:
    """The most steps (at most MAX_STEPS) such that every score category is reached by one of
    the fractions of credit an answer can get: a model never gives probability to a score
    nobody can have."""
    for k in range(min(MAX_STEPS, len(fractions) - 1), 1, -1):
        if {category(f, k) for f in fractions} == set(range(k + 1)):
            return k
    return 1


def category(fraction: float, steps: int) -> int:
    """The score category of a fraction of the item's credit."""
    return int(min(steps, max(0, math.floor(fraction * steps + 0.5 + 1e-9))))


def category_in(fraction: float, params: ItemParams) -> int:
    """The score category of a fraction of credit under these parameters: as many steps as
    they have (a parameter row keeps the step count it was made with)."""
    return category(fraction, len(params.steps) if params.steps else 1)


def prior_params(item: Item, scale: Scale) -> ItemParams:
    """Parameters before any calibration: difficulty from the declared level."""
    b = scale.level_difficulty[item.level - 1]
    k = steps_of(item)
    steps = None if k == 1 else tuple(float(d) for d in np.linspace(-0.6, 0.6, k))
    return ItemParams(scale.prior_discrimination, b, steps)


def probabilities(p: ItemParams, theta: np.ndarray) -> np.ndarray:
    """P(category | θ): shape (len(theta), categories)."""
    theta = np.asarray(theta, dtype=float)
    z = p.a * (theta[:, None] - p.thresholds()[None, :])  # (n, K)
    cum = np.concatenate([np.zeros((len(theta), 1)), np.cumsum(z, axis=1)], axis=1)
    cum -= cum.max(axis=1, keepdims=True)
    e = np.exp(cum)
    return e / e.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


def log_table(p: ItemParams, grid: np.ndarray = GRID) -> np.ndarray:
    """log P(category | θ) on the grid: shape (categories, len(grid)). On the standard grid
    the table is computed once per parameter set and shared (read-only): every EAP of an
    adaptive test reuses the tables of the items already answered."""
    if grid is GRID:
        return _grid_log_table(p)
    return np.log(np.clip(probabilities(p, grid), 1e-300, None)).T  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=4096)  # a few pools of items; at most about 13 MB
def _grid_log_table(p: ItemParams) -> np.ndarray:
    table = np.log(np.clip(probabilities(p, GRID), 1e-300, None)).T
    table.setflags(write=False)
    return table  # type: ignore[no-any-return]


def information(p: ItemParams, theta: np.ndarray | float) -> np.ndarray:
    """Fisher information a² Var(X | θ) (for the 2PL: a² P (1 - P))."""
    t = np.atleast_1d(np.asarray(theta, dtype=float))
    probs = probabilities(p, t)
    k = np.arange(probs.shape[1])
    mean = probs @ k
    var = probs @ (k**2) - mean**2
    return p.a**2 * var


def _first_step(p: ItemParams) -> float:
    return p.steps[0] if p.steps else 0.0


def information_many(params: Sequence[ItemParams], theta: float) -> np.ndarray:
    """Fisher information of many items at one θ (vectorised: item selection is hot)."""
    out = np.empty(len(params))
    two = [i for i, p in enumerate(params) if not p.steps or len(p.steps) == 1]
    if two:
        a = np.array([params[i].a for i in two])
        b = np.array([params[i].b + _first_step(params[i]) for i in two])
        prob = 1.0 / (1.0 + np.exp(-a * (theta - b)))
        out[two] = a**2 * prob * (1 - prob)
    by_steps: dict[int, list[int]] = {}
    for i, p in enumerate(params):
        if p.steps and len(p.steps) > 1:
            by_steps.setdefault(len(p.steps), []).append(i)
    for k, idx in by_steps.items():  # GPCM items with k steps, all at once
        a = np.array([params[i].a for i in idx])
        t = np.array([params[i].thresholds() for i in idx])  # (n, k)
        z = a[:, None] * (theta - t)
        cum = np.concatenate([np.zeros((len(idx), 1)), np.cumsum(z, axis=1)], axis=1)
        cum -= cum.max(axis=1, keepdims=True)
        e = np.exp(cum)
        probs = e / e.sum(axis=1, keepdims=True)
        cats = np.arange(k + 1)
        mean = probs @ cats
        out[idx] = a**2 * (probs @ (cats**2) - mean**2)
    return out


@dataclass(frozen=True)
class Estimate:
    theta: float
    se: float
    posterior: np.ndarray  # normalised weights on the grid

    def p_at_least(self, cut: float, grid: np.ndarray = GRID) -> float:
        """Posterior probability that θ ≥ cut (the grid's mass above, interpolated)."""
        return posterior_above(self.posterior, cut, grid)


def normal_prior(mean: float = 0.0, sd: float = 1.0, grid: np.ndarray = GRID) -> np.ndarray:
    w = np.exp(-0.5 * ((grid - mean) / sd) ** 2)
    return w / w.sum()  # type: ignore[no-any-return]


def eap(
    responses: Sequence[tuple[ItemParams, int]],
    prior: np.ndarray | None = None,
    grid: np.ndarray = GRID,
) -> Estimate:
    """The expected a posteriori θ and its posterior SD, from (params, category) pairs."""
    prior = normal_prior(grid=grid) if prior is None else prior
    log_post = np.log(np.clip(prior, 1e-300, None)).copy()
    for params, cat in responses:
        log_post += log_table(params, grid)[cat]
    return estimate_from_log(log_post, grid)


def estimate_from_log(log_post: np.ndarray, grid: np.ndarray = GRID) -> Estimate:
    w = np.exp(log_post - log_post.max())
    w /= w.sum()
    mean = float(w @ grid)
    sd = float(math.sqrt(max(0.0, float(w @ (grid - mean) ** 2))))
    return Estimate(mean, sd, w)


def posterior_above(weights: np.ndarray, cut: float, grid: np.ndarray = GRID) -> float:
    """Mass of a posterior on the grid above `cut`, each point standing for its cell."""
    step = grid[1] - grid[0]
    lower = grid - step / 2
    share = np.clip((grid + step / 2 - cut) / step, 0.0, 1.0)
    share[lower >= cut] = 1.0
    return float(np.clip(weights @ share, 0.0, 1.0))
