"""Item calibration by marginal maximum likelihood: EM over a quadrature grid (Bock and
Aitkin), 2PL for right/wrong items and the generalized partial credit model for items with
part marks, with weak priors, fixed anchors and item fit.

Data: one response pattern per finished attempt (rows) over the items of one area
(columns), a score category or -1 where the item was not shown. Items whose parameters were
accepted before are anchors: they stay fixed, and the ability distribution of the
population (mean, SD) is estimated from them, so the scale means the same from one
calibration to the next. Without anchors (a first calibration) the scale is tied to the
items' priors instead: after every cycle the free items are moved by one linear map so that
their mean log-discrimination and mean threshold equal those of their priors (which come
from the items' declared levels), and the population moves with them. Either way the cut
points between levels keep the meaning the framework gives them.

Item parameters: a = exp(α) and thresholds t_1..t_K (b = mean t, steps d_v = t_v − b).
Priors (weak): α ~ N(0, 0.5²) (a around 1) and t_v ~ N(t_v⁰, 1.5²) around the item's prior
from its declared level. Each EM cycle: posteriors on the grid for every pattern (E), then
one Fisher-scoring step per item (M; right/wrong items all at once), halved while it would
lower that item's expected log-likelihood with its priors, so that every cycle is an
ascent step (generalized EM) even where the information is nearly singular. The cycles are
accelerated by SQUAREM (Varadhan and Roland 2008), falling back to plain EM whenever an
extrapolation would lower the penalised likelihood. Standard errors come from the inverse
information at convergence.

Fit: infit and outfit mean squares of the standardized residuals at each pattern's EAP θ;
an item outside [0.7, 1.3] is flagged.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

QUAD = np.linspace(-4.0, 4.0, 41)
PRIOR_LOG_A_SD = 0.5
PRIOR_T_SD = 1.5
FIT_RANGE = (0.7, 1.3)
ALPHA_RANGE = (math.log(0.05), math.log(6.0))
T_RANGE = (-7.0, 7.0)
HALVINGS = 10  # an M step that would lower an item's objective is halved up to this often


@dataclass(frozen=True)
class StartParams:
    """An item's start (and the centre of its prior): a and thresholds; `fixed`: anchor."""

    a: float
    thresholds: tuple[float, ...]
    fixed: bool = False


@dataclass
class Calibrated:
    a: float
    b: float
    steps: tuple[float, ...] | None  # None for 2PL
    se_a: float | None
    se_b: float | None
    n: int
    infit: float | None = None
    outfit: float | None = None
    fixed: bool = False
    flags: list[str] = field(default_factory=list)


@dataclass
class CalibrationResult:
    items: list[Calibrated]
    mean: float
    sd: float
    iterations: int
    converged: bool
    log_likelihood: float
    persons: int


def _probs(a: float, t: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """P(category k | θ): (len(grid), K+1)."""
    z = a * (grid[:, None] - t[None, :])
    cum = np.concatenate([np.zeros((len(grid), 1)), np.cumsum(z, axis=1)], axis=1)
    cum -= cum.max(axis=1, keepdims=True)
    e = np.exp(cum)
    return e / e.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


class _Problem:
    """The data and the fixed parts of one calibration; parameters travel as a flat vector
    (every item's α then its thresholds) so that EM cycles can be extrapolated."""

    def __init__(
        self, x: np.ndarray, starts: Sequence[StartParams], grid: np.ndarray, identify: str
    ):
        self.x, self.grid, self.identify = x, grid, identify
        self.n, self.m = x.shape
        self.sizes = [len(s.thresholds) for s in starts]
        self.offsets = np.cumsum([0, *[1 + k for k in self.sizes]])
        self.fixed = np.array([s.fixed for s in starts])
        self.anchored = bool(self.fixed.any())
        self.binary = np.array([k == 1 for k in self.sizes])
        self.b_idx = np.nonzero(self.binary)[0]
        self.p_idx = np.nonzero(~self.binary)[0]
        xb = x[:, self.b_idx]
        self.seen_b = (xb >= 0).astype(float)
        self.right_b = (xb == 1).astype(float)
        self.prior = self.pack(
            [math.log(s.a) for s in starts], [np.array(s.thresholds, float) for s in starts]
        )
        self.cat_rows = {
            i: [np.nonzero(x[:, i] == c)[0] for c in range(self.sizes[i] + 1)] for i in self.p_idx
        }

    def pack(self, alphas: Sequence[float], ts: Sequence[np.ndarray]) -> np.ndarray:
        return np.concatenate([np.concatenate([[a], t]) for a, t in zip(alphas, ts, strict=True)])

    def item(self, vec: np.ndarray, i: int) -> tuple[float, np.ndarray]:
        lo = self.offsets[i]
        return float(vec[lo]), vec[lo + 1 : self.offsets[i + 1]]

    def loglik(self, vec: np.ndarray) -> np.ndarray:
        """log P(pattern | θ_q): (N, Q); right/wrong items in one matrix product."""
        ll = np.zeros((self.n, len(self.grid)))
        if len(self.b_idx):
            lo = self.offsets[self.b_idx]
            a = np.exp(vec[lo])[:, None]
            t = vec[lo + 1][:, None]
            z = a * (self.grid[None, :] - t)
            logp, logq = -np.logaddexp(0, -z), -np.logaddexp(0, z)
            ll += self.right_b @ logp + (self.seen_b - self.right_b) @ logq
        for i in self.p_idx:
            alpha, t = self.item(vec, int(i))
            logtab = np.log(np.clip(_probs(math.exp(alpha), t, self.grid), 1e-300, None)).T
            for c, rows in enumerate(self.cat_rows[i]):
                if len(rows):
                    ll[rows] += logtab[c]
        return ll

    def posterior(
        self, vec: np.ndarray, mean: float, sd: float
    ) -> tuple[np.ndarray, float, float, float]:
        """(posterior weights (N, Q), log-likelihood, new mean, new sd)."""
        weights = np.exp(-0.5 * ((self.grid - mean) / sd) ** 2)
        weights /= weights.sum()
        log_post = self.loglik(vec) + np.log(weights)[None, :]
        top = log_post.max(axis=1, keepdims=True)
        post = np.exp(log_post - top)
        marg = post.sum(axis=1, keepdims=True)
        total = float((np.log(marg) + top).sum())
        post /= marg
        if self.anchored or self.identify == "priors":
            e1, e2 = post @ self.grid, post @ self.grid**2
            mean = float(e1.mean())
            sd = float(math.sqrt(max(1e-4, float(e2.mean()) - mean**2)))
        return post, total, mean, sd

    def link(self, vec: np.ndarray, mean: float, sd: float) -> tuple[np.ndarray, float, float]:
        """Without anchors: the linear map that puts the free items' mean α and mean
        threshold back on their priors' (the population moves with the items)."""
        if self.anchored or self.identify != "priors":
            return vec, mean, sd
        lo = self.offsets[:-1]
        alpha = np.zeros_like(vec, dtype=bool)
        alpha[lo] = True
        scale = math.exp(float(vec[alpha].mean() - self.prior[alpha].mean()))
        shift = float(self.prior[~alpha].mean() - scale * vec[~alpha].mean())
        out = vec.copy()
        out[alpha] = vec[alpha] - math.log(scale)
        out[~alpha] = scale * vec[~alpha] + shift
        return out, scale * mean + shift, scale * sd

    def penalty(self, vec: np.ndarray) -> float:
        d = vec - self.prior
        alpha = np.zeros_like(vec, dtype=bool)
        alpha[self.offsets[:-1]] = True
        return float(
            -0.5 * ((vec[alpha] / PRIOR_LOG_A_SD) ** 2).sum()
            - 0.5 * ((d[~alpha] / PRIOR_T_SD) ** 2).sum()
        )

    def em(self, vec: np.ndarray, mean: float, sd: float) -> tuple[np.ndarray, float, float, float]:
        """One EM cycle: (new parameters, penalised log-likelihood before it, mean, sd)."""
        post, total, mean, sd = self.posterior(vec, mean, sd)
        new = vec.copy()
        grid = self.grid
        if len(self.b_idx):
            free = self.b_idx[~self.fixed[self.b_idx]]
            if len(free):
                cols = np.searchsorted(self.b_idx, free)
                r = self.right_b[:, cols].T @ post  # (items, Q) expected right answers
                nq = self.seen_b[:, cols].T @ post  # expected patterns per node
                lo = self.offsets[free]
                alpha, t = vec[lo], vec[lo + 1]
                a = np.exp(alpha)[:, None]
                dev = grid[None, :] - t[:, None]
                p = 1.0 / (1.0 + np.exp(-a * dev))
                resid = r - nq * p
                w = nq * p * (1 - p)
                g_alpha = (a[:, 0] * (resid * dev).sum(1)) - alpha / PRIOR_LOG_A_SD**2
                g_t = -a[:, 0] * resid.sum(1) - (t - self.prior[lo + 1]) / PRIOR_T_SD**2
                i_aa = a[:, 0] ** 2 * (w * dev**2).sum(1) + 1 / PRIOR_LOG_A_SD**2
                i_at = -(a[:, 0] ** 2) * (w * dev).sum(1)
                i_tt = a[:, 0] ** 2 * w.sum(1) + 1 / PRIOR_T_SD**2
                det = i_aa * i_tt - i_at**2
                det = np.where(np.abs(det) < 1e-12, 1e-12, det)
                step_a = (i_tt * g_alpha - i_at * g_t) / det
                step_t = (-i_at * g_alpha + i_aa * g_t) / det
                shrink = 1 / np.maximum(1.0, np.maximum(np.abs(step_a), np.abs(step_t)))
                step_a, step_t = step_a * shrink, step_t * shrink  # at most 1, same direction
                prior_t = self.prior[lo + 1]
                before = _q_binary(r, nq, alpha, t, prior_t, grid)
                for _ in range(HALVINGS):  # a step that lowers the item's Q is halved
                    new_alpha = np.clip(alpha + step_a, *ALPHA_RANGE)
                    new_t = np.clip(t + step_t, *T_RANGE)
                    worse = _q_binary(r, nq, new_alpha, new_t, prior_t, grid) < before
                    if not worse.any():
                        break
                    step_a, step_t = (
                        np.where(worse, step_a / 2, step_a),
                        np.where(worse, step_t / 2, step_t),
                    )
                else:  # still lower after every halving: the item stays where it was
                    new_alpha, new_t = np.where(worse, alpha, new_alpha), np.where(worse, t, new_t)
                new[lo], new[lo + 1] = new_alpha, new_t
        for i in self.p_idx:
            if self.fixed[i]:
                continue
            alpha, t = self.item(vec, int(i))
            counts = np.stack(
                [post[rows].sum(axis=0) for rows in self.cat_rows[i]], axis=1
            )  # (Q, K+1)
            a_new, t_new, _ = _fisher_step(counts, alpha, t, self.item(self.prior, int(i))[1], grid)
            lo = self.offsets[i]
            new[lo] = a_new
            new[lo + 1 : self.offsets[i + 1]] = t_new
        new, mean, sd = self.link(new, mean, sd)
        return new, total + self.penalty(vec), mean, sd


def _q_binary(
    r: np.ndarray,
    nq: np.ndarray,
    alpha: np.ndarray,
    t: np.ndarray,
    prior_t: np.ndarray,
    grid: np.ndarray,
) -> np.ndarray:
    """Each right/wrong item's expected complete-data log-likelihood with its priors (the
    M step's objective), from its expected right answers `r` and patterns `nq` per node."""
    z = np.exp(alpha)[:, None] * (grid[None, :] - t[:, None])
    ll = (-r * np.logaddexp(0, -z) - (nq - r) * np.logaddexp(0, z)).sum(axis=1)
    prior = 0.5 * (alpha / PRIOR_LOG_A_SD) ** 2 + 0.5 * ((t - prior_t) / PRIOR_T_SD) ** 2
    return ll - prior  # type: ignore[no-any-return]


def _q_gpcm(
    counts: np.ndarray, alpha: float, t: np.ndarray, prior_t: np.ndarray, grid: np.ndarray
) -> float:
    """The same for an item with part marks, from its expected counts (Q, K+1)."""
    logp = np.log(np.clip(_probs(math.exp(alpha), t, grid), 1e-300, None))
    return float(
        (counts * logp).sum()
        - 0.5 * (alpha / PRIOR_LOG_A_SD) ** 2
        - 0.5 * (((t - prior_t) / PRIOR_T_SD) ** 2).sum()
    )


def _fisher_step(
    counts: np.ndarray, alpha: float, t: np.ndarray, prior_t: np.ndarray, grid: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """One Fisher-scoring step of a GPCM item on (α, t) with its priors, halved while it
    would lower the item's Q; returns α, t and the information matrix."""
    a = math.exp(alpha)
    k = t.size
    p = _probs(a, t, grid)  # (Q, K+1)
    n_q = counts.sum(axis=1)
    cats = np.arange(k + 1)
    s = np.concatenate([[0.0], np.cumsum(t)])
    dz_dalpha = a * (cats[None, :] * grid[:, None] - s[None, :])  # (Q, K+1)
    ge = (cats[:, None] >= np.arange(1, k + 1)[None, :]).astype(float)  # (K+1, K)
    g = np.concatenate(
        [dz_dalpha[:, :, None], np.broadcast_to(-a * ge[None], (len(grid), k + 1, k))], axis=2
    )  # (Q, K+1, 1+K)
    mean_g = np.einsum("qc,qcj->qj", p, g)
    grad = np.einsum("qc,qcj->j", counts, g) - np.einsum("q,qj->j", n_q, mean_g)
    centred = g - mean_g[:, None, :]
    info = np.einsum("q,qc,qcj,qcl->jl", n_q, p, centred, centred)
    grad[0] -= alpha / PRIOR_LOG_A_SD**2
    grad[1:] -= (t - prior_t) / PRIOR_T_SD**2
    info[0, 0] += 1 / PRIOR_LOG_A_SD**2
    info[1:, 1:] += np.eye(k) / PRIOR_T_SD**2
    try:
        step = np.linalg.solve(info, grad)
    except np.linalg.LinAlgError:
        step = np.zeros_like(grad)
    step = step / max(1.0, float(np.abs(step).max()))  # at most 1, same direction
    before = _q_gpcm(counts, alpha, t, prior_t, grid)
    for _ in range(HALVINGS):
        alpha_new = float(np.clip(alpha + step[0], *ALPHA_RANGE))
        t_new = np.clip(t + step[1:], *T_RANGE)
        if _q_gpcm(counts, alpha_new, t_new, prior_t, grid) >= before:
            return alpha_new, t_new, info
        step = step / 2
    return alpha, t, info


def _crossproduct_information(
    cats: np.ndarray, post: np.ndarray, alpha: float, t: np.ndarray, grid: np.ndarray
) -> np.ndarray:
    """The observed information of one item from the cross-products of each pattern's
    score (its posterior expectation), plus the prior precision. Unlike the information of
    the expected counts, this does not treat θ as known, so the standard errors are not
    too small."""
    a = math.exp(alpha)
    k = t.size
    p = _probs(a, t, grid)  # (Q, K+1)
    cs = np.arange(k + 1)
    s_cum = np.concatenate([[0.0], np.cumsum(t)])
    dz_dalpha = a * (cs[None, :] * grid[:, None] - s_cum[None, :])  # (Q, K+1)
    ge = (cs[:, None] >= np.arange(1, k + 1)[None, :]).astype(float)  # (K+1, K)
    g = np.concatenate(
        [dz_dalpha[:, :, None], np.broadcast_to(-a * ge[None], (len(grid), k + 1, k))], axis=2
    )  # (Q, K+1, 1+K)
    mean_g = np.einsum("qc,qcj->qj", p, g)
    score = g - mean_g[:, None, :]  # d log P_c / d params at node q: (Q, K+1, 1+K)
    per_pattern = np.zeros((len(cats), k + 1))
    for c in range(k + 1):  # one matrix product per category
        rows = cats == c
        if rows.any():
            per_pattern[rows] = post[rows] @ score[:, c, :]
    info = per_pattern.T @ per_pattern
    info[0, 0] += 1 / PRIOR_LOG_A_SD**2
    info[1:, 1:] += np.eye(k) / PRIOR_T_SD**2
    return info


def calibrate(
    x: np.ndarray,
    starts: Sequence[StartParams],
    *,
    max_iter: int = 500,
    tol: float = 1e-5,
    grid: np.ndarray = QUAD,
    identify: str = "priors",
) -> CalibrationResult:
    """Calibrate the columns of `x` (rows: response patterns; -1 = not shown).

    Without anchors the scale is tied to the items' priors (`identify="priors"`, what dsat
    does) or to a N(0, 1) population (`"population"`, as most programs do; for comparing
    with them). Stops when no parameter moves by more than `tol` in a cycle.
    """
    if identify not in ("priors", "population"):
        raise ValueError(f"identify: 'priors' or 'population', not {identify!r}")
    x = np.asarray(x, dtype=int)
    prob = _Problem(x, starts, grid, identify)
    vec = prob.prior.copy()
    mean, sd = 0.0, 1.0
    converged = False
    cycles = 0
    objective = -math.inf
    while cycles < max_iter:
        v1, _, m1, s1 = prob.em(vec, mean, sd)
        v2, obj1, m2, s2 = prob.em(v1, m1, s1)
        cycles += 2
        r = v1 - vec
        v = v2 - 2 * v1 + vec
        if np.abs(v2 - v1).max() < tol:
            vec, mean, sd, objective, converged = v2, m2, s2, obj1, True
            break
        norm_v = float(np.linalg.norm(v))
        step = -float(np.linalg.norm(r)) / norm_v if norm_v > 0 else -1.0
        step = min(step, -1.0)
        candidate = vec - 2 * step * r + step * step * v
        lo = prob.offsets[:-1]
        candidate[lo] = np.clip(candidate[lo], *ALPHA_RANGE)
        free_t = np.ones_like(candidate, dtype=bool)
        free_t[lo] = False
        candidate[free_t] = np.clip(candidate[free_t], *T_RANGE)
        candidate[prob.fixed.repeat(np.diff(prob.offsets))] = prob.prior[
            prob.fixed.repeat(np.diff(prob.offsets))
        ]
        v3, obj3, m3, s3 = prob.em(candidate, m2, s2)  # the stabilising step
        cycles += 1
        if np.isfinite(obj3) and obj3 >= obj1 - 1e-6 * abs(obj1):
            vec, mean, sd, objective = v3, m3, s3, obj3
        else:
            vec, mean, sd, objective = v2, m2, s2, obj1
    post, total, mean_f, sd_f = prob.posterior(vec, mean, sd)
    theta = post @ grid
    items = []
    for i in range(prob.m):
        alpha, t = prob.item(vec, i)
        a = math.exp(alpha)
        seen = x[:, i] >= 0
        infit, outfit = _fit(x[seen, i], theta[seen], a, t)
        info = None
        if not prob.fixed[i]:
            info = _crossproduct_information(x[seen, i], post[seen], alpha, t, grid)
        se_a = se_b = None
        if info is not None:
            try:
                cov = np.linalg.inv(info)
                se_a = float(a * math.sqrt(max(cov[0, 0], 0.0)))  # delta method for a = e^α
                ones = np.ones(t.size) / t.size  # b = mean(t)
                se_b = float(math.sqrt(max(float(ones @ cov[1:, 1:] @ ones), 0.0)))
            except np.linalg.LinAlgError:
                pass
        b = float(t.mean())
        steps = None if t.size == 1 else tuple(float(v - b) for v in t)
        cal = Calibrated(
            a, b, steps, se_a, se_b, int(seen.sum()), infit, outfit, bool(prob.fixed[i])
        )
        for name, value in (("infit", infit), ("outfit", outfit)):
            if value is not None and not FIT_RANGE[0] <= value <= FIT_RANGE[1]:
                cal.flags.append(f"{name} {value:.2f} outside {FIT_RANGE[0]}-{FIT_RANGE[1]}")
        items.append(cal)
    del objective
    return CalibrationResult(items, mean_f, sd_f, cycles, converged, total, prob.n)


def _fit(
    x: np.ndarray, theta: np.ndarray, a: float, t: np.ndarray
) -> tuple[float | None, float | None]:
    """Infit and outfit mean squares (standardized residuals at the EAP θ)."""
    if len(x) < 2:
        return None, None
    p = _probs(a, t, theta)
    cats = np.arange(p.shape[1])
    e = p @ cats
    v = np.clip(p @ cats**2 - e**2, 1e-9, None)
    r2 = (x - e) ** 2
    return float(r2.sum() / v.sum()), float(np.mean(r2 / v))
