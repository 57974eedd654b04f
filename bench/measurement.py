"""Measurement: dsat's IRT core against reference implementations and against the truth of
simulations, every figure from one run of this script, on one core.

1. calibration  dsat's `calibrate` against girth's `twopl_mml`: 200 items x 5,000 persons,
                2PL, true a ~ lognormal(0, 0.25) and ~ U(0.7, 2.0), b ~ N(0, 1), θ ~ N(0, 1);
                RMSE of a and b against the truth and wall time, over several replications.
2. adaptive     dsat's `next_item` against catsim on one simulated pool: the same start
                (θ = 0), selector (maximum Fisher information, no randomesque), stopping rule
                (SE ≤ 0.3 or 30 items, no classification stop) and examinees; θ RMSE, bias and
                test length; and the time of one `next_item` call on a 1,000-item pool.
3. full         the yearly full assessment on the shipped framework and bank (prior item
                parameters from the declared levels as the truth): the shipped adaptive rules
                and other settings against the fixed 96-item form; per-area accuracy of the
                proficient / not proficient decision, items and SE.
4. share        the whole workflow through the services on a temporary SQLite database:
                simulate 5,000 people (truth stored), calibrate, simulate 5,000 new people
                with the calibrated parameters, compare the count and posterior shares with
                the true share per area (`truth.compare`); the same answers scored again
                with other priors; and, away from the services, the posterior share of
                normal abilities under the true prior and under N(0, 1).

    python bench/measurement.py [--quick] [--seed 1] [--json out.json]
                                [--only calibration,adaptive,full,share]

`--quick` runs every part at small sizes (about a minute) to check that it works; its
figures are not the ones to quote.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"  # one core for every library, before numpy is imported

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

PARTS = ("calibration", "adaptive", "full", "share")


# --- helpers ---------------------------------------------------------------------------------
def _mean_sd(values: Sequence[float]) -> tuple[float, float]:
    vals = list(values)
    return statistics.fmean(vals), (statistics.stdev(vals) if len(vals) > 1 else 0.0)


def _pm(values: Sequence[float], digits: int = 3) -> str:
    m, s = _mean_sd(values)
    return f"{m:.{digits}f} ± {s:.{digits}f}" if len(values) > 1 else f"{m:.{digits}f}"


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _say(text: str = "") -> None:
    print(text, flush=True)


@contextlib.contextmanager
def _patched(module: Any, **values: Any) -> Iterator[None]:
    """Module constants set for the duration of a block (diagnostics only)."""
    old = {k: getattr(module, k) for k in values}
    for k, v in values.items():
        setattr(module, k, v)
    try:
        yield
    finally:
        for k, v in old.items():
            setattr(module, k, v)


def _expit(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))  # type: ignore[no-any-return]


# --- 1. calibration against girth ----------------------------------------------------------
def _true_a(rng: np.random.Generator, n: int, dist: str) -> np.ndarray:
    if dist == "lognormal":
        return np.exp(rng.normal(0.0, 0.25, n))
    return rng.uniform(0.7, 2.0, n)


def calibration(items: int, persons: int, reps: int, seed: int) -> dict[str, Any]:
    import girth

    import dsat.domain.calibration as cal
    from dsat.domain.calibration import StartParams, calibrate

    warm = np.random.default_rng(0).integers(0, 2, (200, 10))
    calibrate(warm, [StartParams(1.0, (0.0,))] * 10, identify="population")
    girth.twopl_mml(warm.T)  # imports and first-call costs outside the timings

    out: dict[str, Any] = {"items": items, "persons": persons, "replications": reps, "runs": []}
    for dist in ("lognormal", "uniform"):
        for r in range(reps):
            rng = np.random.default_rng([seed, r, 0 if dist == "lognormal" else 1])
            a = _true_a(rng, items, dist)
            b = rng.normal(0.0, 1.0, items)
            theta = rng.normal(0.0, 1.0, persons)
            x = (rng.random((persons, items)) < _expit(a * (theta[:, None] - b))).astype(int)
            starts = [StartParams(1.0, (0.0,))] * items  # no knowledge of the items

            def run_dsat(
                x: np.ndarray = x, starts: list[StartParams] = starts
            ) -> tuple[float, np.ndarray, np.ndarray, int, bool]:
                t0 = time.perf_counter()
                res = calibrate(x, starts, identify="population")
                took = time.perf_counter() - t0
                ea = np.array([c.a for c in res.items])
                eb = np.array([c.b for c in res.items])
                return took, ea, eb, res.iterations, res.converged

            took, ea, eb, iters, conv = run_dsat()
            with _patched(cal, PRIOR_LOG_A_SD=1e3, PRIOR_T_SD=1e3):
                f_took, fa, fb, f_iters, f_conv = run_dsat()
            t0 = time.perf_counter()
            g = girth.twopl_mml(x.T)
            g_took = time.perf_counter() - t0
            ga, gb = np.asarray(g["Discrimination"]), np.asarray(g["Difficulty"]).ravel()

            def rmse(est: np.ndarray, true: np.ndarray) -> float:
                return float(np.sqrt(np.mean((est - true) ** 2)))

            run = {
                "dist": dist, "rep": r,
                "dsat": {"rmse_a": rmse(ea, a), "rmse_b": rmse(eb, b), "seconds": took,
                         "cycles": iters, "converged": conv},
                "dsat_flat": {"rmse_a": rmse(fa, a), "rmse_b": rmse(fb, b), "seconds": f_took,
                              "cycles": f_iters, "converged": f_conv},
                "girth": {"rmse_a": rmse(ga, a), "rmse_b": rmse(gb, b), "seconds": g_took},
                "dsat_vs_girth_rms_a": rmse(ea, ga), "dsat_vs_girth_rms_b": rmse(eb, gb),
            }  # fmt: skip
            out["runs"].append(run)
            _say(
                f"  calibration {dist} rep {r}: dsat a {run['dsat']['rmse_a']:.4f} "
                f"b {run['dsat']['rmse_b']:.4f} {took:.2f} s ({iters} cycles) | flat priors "
                f"a {run['dsat_flat']['rmse_a']:.4f} b {run['dsat_flat']['rmse_b']:.4f} | "
                f"girth a {run['girth']['rmse_a']:.4f} b {run['girth']['rmse_b']:.4f} "
                f"{g_took:.1f} s"
            )
    rows = []
    for dist in ("lognormal", "uniform"):
        runs = [r for r in out["runs"] if r["dist"] == dist]
        for key, label in (
            ("dsat", "dsat `calibrate` (shipped weak priors)"),
            ("dsat_flat", "dsat, priors flattened (diagnostic)"),
            ("girth", "girth `twopl_mml` (defaults)"),
        ):
            rs = [r[key] for r in runs]
            ratio = (
                _pm([r[key]["seconds"] / r["girth"]["seconds"] for r in runs])
                if key != "girth"
                else "1"
            )
            rows.append([
                dist, label, _pm([x["rmse_a"] for x in rs], 4), _pm([x["rmse_b"] for x in rs], 4),
                _pm([x["seconds"] for x in rs], 2), ratio,
            ])  # fmt: skip
    out["table"] = _table(["true a", "method", "RMSE a", "RMSE b", "seconds", "time / girth"], rows)
    return out


# --- 2. adaptive testing against catsim ----------------------------------------------------
def _catsim_eap_estimator() -> Any:
    """An EAP estimator for catsim (it has none): N(0, 1) prior on dsat's 81-point grid,
    written here from catsim's item matrix, independent of dsat's code."""
    from catsim.estimation import BaseEstimator

    grid = np.linspace(-5.0, 5.0, 81)
    log_prior = -0.5 * grid**2

    class EAPEstimator(BaseEstimator):  # type: ignore[misc]
        def __str__(self) -> str:
            return "EAP (N(0, 1) prior, 81 points)"

        def estimate(self, index=None, item_bank=None, administered_items=None,  # type: ignore[no-untyped-def]
                     response_vector=None, est_theta=None):  # fmt: skip
            bank, given, resp, _ = self._prepare_args(
                return_item_bank=True, return_administered_items=True,
                return_response_vector=True, return_est_theta=True, index=index,
                item_bank=item_bank, administered_items=administered_items,
                response_vector=response_vector, est_theta=est_theta,
            )  # fmt: skip
            self._calls += 1
            params = bank.get_items(given)
            p = _expit(params[:, 0][:, None] * (grid[None, :] - params[:, 1][:, None]))
            right = np.asarray(resp, dtype=bool)[:, None]
            ll = np.where(right, np.log(p), np.log1p(-p)).sum(axis=0) + log_prior
            w = np.exp(ll - ll.max())
            return float(w @ grid / w.sum())

    return EAPEstimator()


def adaptive(pool_size: int, examinees: int, seed: int, timing_calls: int) -> dict[str, Any]:
    from catsim.estimation import NumericalSearchEstimator
    from catsim.initialization import FixedPointInitializer
    from catsim.item_bank import ItemBank
    from catsim.selection import MaxInfoSelector
    from catsim.simulation import Simulator
    from catsim.stopping import MinErrorStopper

    import dsat.domain.adaptive as adaptive_mod
    from dsat.domain.adaptive import Given, PoolItem, next_item
    from dsat.domain.framework import AdaptiveRules
    from dsat.domain.irt import ItemParams, normal_prior

    rng = np.random.default_rng([seed, 2])
    a = rng.uniform(0.7, 2.0, pool_size)
    b = rng.normal(0.0, 1.0, pool_size)
    thetas = rng.normal(0.0, 1.0, examinees)
    se_target, max_items = 0.3, 30
    pool = [
        PoolItem(f"I{i}", 1, "A.1", "A", ItemParams(float(a[i]), float(b[i])))
        for i in range(pool_size)
    ]
    rules = AdaptiveRules(
        se_target=se_target,
        max_items=max_items,
        min_per_competency=0,
        randomesque=1,
        pretest=0,
        clear=0.0,  # no classification stop: SE and length alone stop the test, as in catsim
    )
    priors = {"A": normal_prior()}
    estimates, lengths, ses = [], [], []
    t0 = time.perf_counter()
    for n, theta in enumerate(thetas):
        given: list[Given] = []
        while True:
            pick = next_item(
                seed=n, pool=pool, given=given, areas=["A"], competencies={"A": ["A.1"]},
                rules=rules, cuts={"A": 0.0}, priors=priors,
            )  # fmt: skip
            if pick is None:
                break
            p = pick.item.params
            right = rng.random() < 1 / (1 + math.exp(-p.a * (theta - p.b)))
            given.append(Given(pick.item.item_id, int(right)))
        shown = [pool[int(g.item_id[1:])] for g in given]
        theta_hat, se, _ = adaptive_mod.area_estimate(
            shown, [g.category or 0 for g in given], priors["A"]
        )
        estimates.append(theta_hat)
        ses.append(se)
        lengths.append(len(given))
    dsat_seconds = time.perf_counter() - t0

    def summary(est: Sequence[float], length: Sequence[int], se: Sequence[float], secs: float):  # type: ignore[no-untyped-def]
        e = np.asarray(est) - thetas
        return {
            "rmse": float(np.sqrt(np.mean(e**2))), "bias": float(np.mean(e)),
            "mean_items": float(np.mean(length)),
            "at_max": float(np.mean(np.asarray(length) >= max_items)),
            "mean_se": float(np.mean(se)), "seconds": secs,
        }  # fmt: skip

    out: dict[str, Any] = {
        "pool": pool_size, "examinees": examinees,
        "dsat": summary(estimates, lengths, ses, dsat_seconds),
    }  # fmt: skip
    bank = np.c_[a, b]
    for key, estimator in (
        ("catsim", NumericalSearchEstimator()),
        ("catsim_eap", _catsim_eap_estimator()),
    ):
        sim = Simulator(ItemBank(bank), thetas, seed=seed)
        t0 = time.perf_counter()
        sim.simulate(
            FixedPointInitializer(0.0), MaxInfoSelector(), estimator,
            MinErrorStopper(se_target, max_items=max_items),
        )  # fmt: skip
        secs = time.perf_counter() - t0
        from catsim.irt import see

        final = sim.latest_estimations
        se = [
            float(see(th, sim.item_bank.items[items])) if items else 1.0
            for th, items in zip(final, sim.administered_items, strict=True)
        ]
        out[key] = summary(final, [len(i) for i in sim.administered_items], se, secs)
    out["timing"] = _selection_timing(timing_calls, seed)
    rows = [
        ["dsat `next_item` + EAP (posterior SD as SE)", out["dsat"]],
        ["catsim `NumericalSearchEstimator` (MLE, bounded; Dodd for constant patterns)",
         out["catsim"]],
        ["catsim, an EAP estimator written here (catsim has none)", out["catsim_eap"]],
    ]  # fmt: skip
    out["table"] = _table(
        ["method", "θ RMSE", "bias", "mean items", "at 30 items", "mean SE", "seconds"],
        [
            [name, f"{s['rmse']:.3f}", f"{s['bias']:+.3f}", f"{s['mean_items']:.1f}",
             f"{100 * s['at_max']:.0f} %", f"{s['mean_se']:.3f}", f"{s['seconds']:.1f}"]
            for name, s in rows
        ],
    )  # fmt: skip
    return out


def _selection_timing(calls: int, seed: int) -> dict[str, Any]:
    """One `next_item` call on a 1,000-item pool after 10 answers: the full assessment's
    structure (6 areas, 24 competencies, 1,000 items, part-credit items among them) with
    the shipped full-assessment rules, and one area of 1,000 right/wrong items with k = 1;
    catsim's selector plus its estimator on the same 1,000 items for comparison."""
    from catsim.estimation import NumericalSearchEstimator
    from catsim.item_bank import ItemBank
    from catsim.selection import MaxInfoSelector

    from dsat.domain.adaptive import Given, PoolItem, next_item
    from dsat.domain.framework import AdaptiveRules
    from dsat.domain.irt import ItemParams, normal_prior

    rng = np.random.default_rng([seed, 3])
    n = 1000
    a = np.exp(rng.normal(0.0, 0.3, n))
    b = rng.normal(0.0, 1.0, n)
    comps = [f"{area}.{c}" for area, k in zip("123456", (3, 6, 4, 4, 4, 3), strict=True)
             for c in range(1, k + 1)]  # fmt: skip
    pool_full = []
    for i in range(n):
        steps = None if i % 4 else (-0.6, 0.0, 0.6)
        comp = comps[i % len(comps)]
        pool_full.append(PoolItem(f"I{i}", 1, comp, comp.split(".")[0],
                                  ItemParams(float(a[i]), float(b[i]), steps)))  # fmt: skip
    areas = list("123456")
    by_area = {ar: [c for c in comps if c.split(".")[0] == ar] for ar in areas}
    full_rules = AdaptiveRules(se_target=0.45, max_items=12, min_per_competency=1, pretest=0)
    pool_one = [PoolItem(f"I{i}", 1, "A.1", "A", ItemParams(float(a[i]), float(b[i])))
                for i in range(n)]  # fmt: skip
    one_rules = AdaptiveRules(se_target=0.3, max_items=30, min_per_competency=0, randomesque=1,
                              pretest=0, clear=0.0)  # fmt: skip  # as in the comparison with catsim

    def time_calls(pool: list[PoolItem], areas: list[str], comps: dict[str, list[str]],
                   rules: AdaptiveRules) -> list[float]:  # fmt: skip
        priors = {ar: normal_prior() for ar in areas}
        cuts = {ar: -0.19 for ar in areas}
        out = []
        for c in range(calls):
            given: list[Given] = []
            while len(given) < 10:  # a test that has reached its 10th answer
                pick = next_item(seed=c, pool=pool, given=given, areas=areas, competencies=comps,
                                 rules=rules, cuts=cuts, priors=priors)  # fmt: skip
                assert pick is not None
                given.append(Given(pick.item.item_id, int(rng.random() < 0.6)))
            t0 = time.perf_counter()
            next_item(seed=c, pool=pool, given=given, areas=areas, competencies=comps,
                      rules=rules, cuts=cuts, priors=priors)  # fmt: skip
            out.append(time.perf_counter() - t0)
        return out

    full = time_calls(pool_full, areas, by_area, full_rules)
    one = time_calls(pool_one, ["A"], {"A": ["A.1"]}, one_rules)
    bank = ItemBank(np.c_[a, b])
    selector, estimator = MaxInfoSelector(), NumericalSearchEstimator()
    cat = []
    for c in range(calls):
        given = [int(i) for i in rng.choice(n, 10, replace=False)]
        resp = [bool(rng.random() < 0.6) for _ in given]
        t0 = time.perf_counter()
        est = estimator.estimate(item_bank=bank, administered_items=given, response_vector=resp,
                                 est_theta=0.0)  # fmt: skip
        selector.select(item_bank=bank, administered_items=given, est_theta=est)
        cat.append(time.perf_counter() - t0)
        del c

    def ms(v: list[float]) -> dict[str, float]:
        return {"median_ms": 1000 * statistics.median(v),
                "p95_ms": 1000 * float(np.percentile(v, 95))}  # fmt: skip

    return {"calls": calls, "full_assessment_pool": ms(full), "one_area_k1": ms(one),
            "catsim_estimate_and_select": ms(cat)}  # fmt: skip


# --- 3. the full assessment: adaptive against the fixed 96-item form ------------------------
SETTINGS: list[dict[str, Any]] = [
    {},  # the shipped rules
    # an area stops at this SE, or when P(proficient) is below `clear` or above 1 - `clear`
    {"se_target": 0.45, "max_items": 12, "clear": 0.05},  # the rules shipped before
    {"se_target": 0.3, "max_items": 12, "clear": 0.05},
    {"se_target": 0.25, "max_items": 16, "clear": 0.05},
    {"se_target": 0.35, "max_items": 12, "min_per_competency": 2, "clear": 0.05},
    {"se_target": 0.3, "max_items": 12, "clear": 0.10},
    {"se_target": 0.25, "max_items": 16, "clear": 0.15},
    {"se_target": 0.25, "max_items": 12, "clear": 0.15},
    {"se_target": 0.3, "max_items": 12, "clear": 0.20},
]


def full_assessment(candidates: int, seed: int, settings: list[dict[str, Any]]) -> dict[str, Any]:
    from collections import Counter

    from dsat.banks.native import load_bank
    from dsat.domain.adaptive import Given, PoolItem, next_item
    from dsat.domain.forms import VersionedItem, assemble_form
    from dsat.domain.irt import normal_prior, prior_params, probabilities
    from dsat.domain.measure import measure, proficient_cut
    from dsat.services.banks import shipped_bank_dir

    bank = load_bank([shipped_bank_dir()])
    fw = bank.framework
    area_of = {c.id: a.id for a in fw.areas for c in a.competencies}
    areas = [a.id for a in fw.areas]
    comps = {a.id: [c.id for c in a.competencies] for a in fw.areas}
    items = {it.id: it for it in bank.items}
    params = {it.id: prior_params(it, fw.scale) for it in bank.items if it.scored}
    pool = [
        PoolItem(it.id, 1, it.competency, area_of[it.competency], params[it.id],
                 frozenset(it.enemies))
        for it in bank.items if it.scored
    ]  # fmt: skip
    versioned = [VersionedItem(it, 1) for it in bank.items]
    cuts = {a: proficient_cut(fw, a) for a in areas}
    priors = {a: normal_prior() for a in areas}  # N(0, 1): the prior before any calibration
    ratings = sum(1 for it in bank.items if not it.scored)
    mu, sigma, rho = 0.2, 1.0, 0.7
    rng = np.random.default_rng([seed, 4])
    cov = sigma**2 * ((1 - rho) * np.eye(len(areas)) + rho)
    thetas = rng.multivariate_normal(np.full(len(areas), mu), cov, candidates)
    uniforms = rng.random((candidates, 400))  # one per position: the same luck in every design
    truly = thetas >= np.array([cuts[a] for a in areas])

    def respond(p: Any, theta: float, u: float) -> int:
        cum = np.cumsum(probabilities(p, np.array([theta]))[0])
        return int(min(len(cum) - 1, int((u > cum).sum())))

    def summarise(name: str, measured: list[list[Any]], scored: list[int], shown: Counter[str],
                  secs: float) -> dict[str, Any]:  # fmt: skip
        by_theta = np.array([[m.proficient for m in row] for row in measured])
        by_p = np.array([[m.p_proficient >= 0.5 for m in row] for row in measured])
        acc = (by_theta == truly).mean(axis=0)
        return {
            "name": name, "accuracy": acc.tolist(),
            "accuracy_p50": (by_p == truly).mean(axis=0).tolist(),
            "accuracy_se": float(np.sqrt(acc.mean() * (1 - acc.mean()) / candidates)),
            "min_accuracy": float(acc.min()),
            "mean_se": np.array([[m.se for m in row] for row in measured]).mean(axis=0).tolist(),
            "items_per_area": np.array([[m.items for m in row] for row in measured])
            .mean(axis=0).tolist(),
            "scored_items": float(np.mean(scored)),
            "items_with_ratings": float(np.mean(scored)) + ratings,
            "items_used": len(shown), "bank": len(pool),
            "max_exposure": max(shown.values()) / candidates, "seconds": secs,
        }  # fmt: skip

    results = []
    t0 = time.perf_counter()
    measured, scored, shown = [], [], Counter[str]()
    for i in range(candidates):
        per_area: dict[str, list[tuple[Any, int]]] = {a: [] for a in areas}
        entries = assemble_form(fw, versioned, fw.competency_ids(), fw.blueprints.full, seed + i)
        pos = 0
        for e in entries:
            if not items[e.item_id].scored:
                continue
            a = area_of[e.competency_id]
            p = params[e.item_id]
            per_area[a].append((p, respond(p, thetas[i, areas.index(a)], uniforms[i, pos])))
            shown[e.item_id] += 1
            pos += 1
        measured.append([measure(fw, a, per_area[a]) for a in areas])
        scored.append(pos)
    fixed = summarise("fixed form: 1+1+1 per competency", measured, scored, shown,
                      time.perf_counter() - t0)  # fmt: skip
    results.append(fixed)
    _say(f"  full: fixed form done ({fixed['seconds']:.0f} s)")
    shipped = fw.blueprints.full.adaptive
    for setting in settings:
        rules = shipped.model_copy(update=setting)
        t0 = time.perf_counter()
        measured, scored, shown = [], [], Counter()
        for i in range(candidates):
            given: list[Given] = []
            per_area = {a: [] for a in areas}
            while True:
                pick = next_item(
                    seed=seed + i, pool=pool, given=given, areas=areas, competencies=comps,
                    rules=rules, cuts=cuts, priors=priors,
                )  # fmt: skip
                if pick is None:
                    break
                p = pick.item.params
                cat = respond(p, thetas[i, areas.index(pick.area_id)], uniforms[i, len(given)])
                given.append(Given(pick.item.item_id, cat))
                per_area[pick.area_id].append((p, cat))
                shown[pick.item.item_id] += 1
            measured.append([measure(fw, a, per_area[a]) for a in areas])
            scored.append(len(given))
        label = "shipped " if not setting else ""
        label += (f"adaptive {rules.se_target} / {rules.max_items} / "
                  f"{rules.min_per_competency} / clear {rules.clear:.2f}")  # fmt: skip
        res = summarise(label, measured, scored, shown, time.perf_counter() - t0)
        res["rules"] = {"se_target": rules.se_target, "max_items": rules.max_items,
                        "min_per_competency": rules.min_per_competency,
                        "randomesque": rules.randomesque, "clear": rules.clear}  # fmt: skip
        results.append(res)
        _say(f"  full: {label}: lowest accuracy {100 * res['min_accuracy']:.1f} %, "
             f"{res['scored_items']:.1f} scored items ({res['seconds']:.0f} s)")  # fmt: skip
    fixed_scored, fixed_all = fixed["scored_items"], fixed["items_with_ratings"]
    rows = []
    for r in results:
        accurate = r["min_accuracy"] >= 0.9
        short_all = r["items_with_ratings"] <= 0.6 * fixed_all
        short_scored = r["scored_items"] <= 0.6 * fixed_scored
        rows.append([
            r["name"], " / ".join(f"{100 * v:.1f}" for v in r["accuracy"]),
            f"{100 * float(np.mean(r['accuracy'])):.1f}", f"{100 * r['min_accuracy']:.1f}",
            f"{r['scored_items']:.1f} ({100 * r['scored_items'] / fixed_scored:.0f} %)",
            f"{r['items_with_ratings']:.1f} ({100 * r['items_with_ratings'] / fixed_all:.0f} %)",
            " / ".join(f"{v:.2f}" for v in r["mean_se"]),
            f"{r['items_used']} / {100 * r['max_exposure']:.0f} %",
            "—" if r is fixed else
            f"{'yes' if accurate else 'no'}; {'yes' if short_all else 'no'}; "
            f"{'yes' if short_scored else 'no'}",
        ])  # fmt: skip
    return {
        "candidates": candidates, "population": {"mean": mu, "sd": sigma, "rho": rho},
        "cuts": cuts, "true_share": (100 * truly.mean(axis=0)).tolist(), "designs": results,
        "table": _table(
            ["design (se_target / max_items / min_per_competency / clear)",
             "accuracy % per area 1-6",
             "mean", "lowest", "scored items (of fixed)", "with the 24 self-ratings (of 96)",
             "mean SE per area", "items used / top exposure",
             "≥ 90 % everywhere; ≤ 60 % of 96; ≤ 60 % of 72"], rows),
    }  # fmt: skip


# --- 4. the share proficient through the services ------------------------------------------
def _rescore(store: Any, fw: Any, prefix: str, calibrated: bool,
             populations: dict[str, dict[str, tuple[float, float]]]) -> dict[str, Any]:  # fmt: skip
    """The stored answers of one cohort scored again per area with other population priors:
    the same people, answers and item parameters, only the prior differs."""
    from dsat.domain.irt import category_in, prior_params
    from dsat.domain.measure import measure
    from dsat.services.adaptive import params_of

    area_of = {c.id: a.id for a in fw.areas for c in a.competencies}
    rows = [r for r in store.measurement.scored(fw.competency_ids(), include_simulated=True)
            if r.employee_id.startswith(prefix)]  # fmt: skip
    keys = sorted({(r.item_id, r.version) for r in rows})
    items = store.items.versions(keys)
    current = store.measurement.current(keys) if calibrated else {}
    params = {k: params_of(current[k]) if k in current else prior_params(items[k], fw.scale)
              for k in keys}  # fmt: skip
    per: dict[tuple[str, str], list[tuple[Any, int]]] = {}
    for r in rows:
        k = (r.item_id, r.version)
        p = params[k]
        cat = category_in(r.score / r.max_score if r.max_score else 0.0, p)
        per.setdefault((r.attempt_id, area_of[r.competency_id]), []).append((p, cat))
    out: dict[str, Any] = {}
    for name, pops in populations.items():
        post: dict[str, list[float]] = {}
        for (_, area), responses in per.items():
            post.setdefault(area, []).append(measure(fw, area, responses, pops[area]).p_proficient)
        out[name] = {a: 100 * float(np.mean(v)) for a, v in post.items()}
    return out


def share(people: int, seed: int, mode: str) -> dict[str, Any]:
    from dsat.services.banks import default_framework, import_bank, shipped_bank_dir
    from dsat.services.measurement import calibrate
    from dsat.services.simulate import SIM_PREFIX, simulate
    from dsat.services.truth import compare
    from dsat.store import open_store

    out: dict[str, Any] = {"people": people, "mode": mode}
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "share.db")
        import_bank(store, [shipped_bank_dir()], imported_by="bench")
        fw = default_framework(store)
        assert fw is not None
        areas = [a.id for a in fw.areas]
        # cohort 1 sits with the prior parameters (the truth of its answers) and N(0, 1)
        t0 = time.perf_counter()
        first = simulate(store, fw, candidates=people, seed=seed, years=(2025,), mode=mode)
        out["simulate_1"] = {"attempts": first.attempts, "seconds": time.perf_counter() - t0}
        t0 = time.perf_counter()
        cals = calibrate(store, fw, include_simulated=True, by="bench")
        out["calibrate_seconds"] = time.perf_counter() - t0
        out["calibration"] = {
            c.area_id: {
                "persons": c.persons, "mean": c.mean, "sd": c.sd, "converged": c.converged,
                "calibrated": sum(1 for i in c.items if i.status == "calibrated"),
                "too_few": sum(1 for i in c.items if i.status == "too few"),
            }
            for c in cals
        }  # fmt: skip
        pops = store.measurement.populations()
        out["populations"] = {a: list(pops.get(a, (0.0, 1.0))) for a in areas}
        # cohort 2: new people (another seed, so other unit effects), the same design,
        # answering and scored with the calibrated parameters and population
        t0 = time.perf_counter()
        second = simulate(store, fw, candidates=people, seed=seed + 1, years=(2026,), mode=mode)
        out["simulate_2"] = {"attempts": second.attempts, "seconds": time.perf_counter() - t0}
        rows = compare(store, fw)
        truth: dict[tuple[str, str], list[float]] = {}
        for _, area, period, theta in store.measurement.truth():
            truth.setdefault((area, period), []).append(theta)
        moments = {
            key: (float(np.mean(v)), float(np.std(v))) for key, v in truth.items()
        }  # fmt: skip
        std = {a: (0.0, 1.0) for a in areas}
        calibrated = {a: pops.get(a, (0.0, 1.0)) for a in areas}
        out["rescored"] = {
            "2025": _rescore(store, fw, f"{SIM_PREFIX}{seed}-", False, {
                "N(0, 1)": std, "calibrated population": calibrated,
                "true population": {a: moments[(a, "2025")] for a in areas}}),
            "2026": _rescore(store, fw, f"{SIM_PREFIX}{seed + 1}-", True, {
                "calibrated population": calibrated,
                "true population": {a: moments[(a, "2026")] for a in areas}}),
        }  # fmt: skip
        store.close()
    out["rows"] = [
        {
            "area": r.area_id, "period": r.period, "people": r.people, "true": r.true_pct,
            "count": r.count_pct, "posterior": r.posterior_pct,
            "posterior_low": r.posterior_low, "posterior_high": r.posterior_high,
            "true_mean": moments[(r.area_id, r.period)][0],
            "true_sd": moments[(r.area_id, r.period)][1],
        }
        for r in rows
    ]  # fmt: skip
    table, why = [], []
    for r in out["rows"]:
        first_cohort = r["period"] == "2025"
        cohort = "1 (prior parameters)" if first_cohort else "2 (calibrated)"
        m, s = (0.0, 1.0) if first_cohort else out["populations"][r["area"]]
        table.append([
            cohort, r["area"], r["people"], f"{r['true']:.1f}", f"{r['count']:.1f}",
            f"{r['count'] - r['true']:+.1f}", f"{r['posterior']:.1f}",
            f"{r['posterior'] - r['true']:+.1f}",
            f"{r['posterior_low']:.1f}–{r['posterior_high']:.1f}",
            f"N({r['true_mean']:.2f}, {r['true_sd']:.2f}²)", f"N({m:.2f}, {s:.2f}²)",
        ])  # fmt: skip
        again = out["rescored"][r["period"]]
        error = {name: f"{v[r['area']] - r['true']:+.1f}" for name, v in again.items()}
        why.append([
            cohort, r["area"], f"{r['true']:.1f}", error.get("N(0, 1)", "—"),
            error["calibrated population"], error["true population"],
        ])  # fmt: skip
    out["table"] = _table(
        ["cohort", "area", "people", "true %", "count %", "count − true", "posterior %",
         "posterior − true", "posterior 95 % interval", "true θ", "prior used"], table,
    )  # fmt: skip
    out["table_priors"] = _table(
        ["cohort", "area", "true %", "posterior − true, prior N(0, 1)",
         "prior = calibrated population", "prior = the cohort's true mean and SD"], why,
    )  # fmt: skip
    return out


def posterior_check(candidates: int, seed: int) -> dict[str, Any]:
    """The posterior share's own bias, away from the simulation service: normal abilities
    N(0.15, 1.1²) per area, the shipped bank (prior parameters as the truth) and the shipped
    adaptive rules, each person's P(proficient) under the true prior and under N(0, 1); and
    under the true prior once more with each answer made as `dsat simulate` makes it
    (services.simulate.answer_for) and scored, instead of the category drawn."""
    import random

    from dsat.banks.native import load_bank
    from dsat.domain.adaptive import Given, PoolItem, next_item
    from dsat.domain.irt import category_in, normal_prior, prior_params, probabilities
    from dsat.domain.measure import measure, proficient_cut
    from dsat.domain.scoring import score_fraction
    from dsat.domain.tasks import concrete
    from dsat.services.banks import shipped_bank_dir
    from dsat.services.simulate import answer_for

    bank = load_bank([shipped_bank_dir()])
    fw = bank.framework
    area_of = {c.id: a.id for a in fw.areas for c in a.competencies}
    areas = [a.id for a in fw.areas]
    comps = {a.id: [c.id for c in a.competencies] for a in fw.areas}
    pool = [
        PoolItem(it.id, 1, it.competency, area_of[it.competency], prior_params(it, fw.scale),
                 frozenset(it.enemies))
        for it in bank.items if it.scored
    ]  # fmt: skip
    items = {it.id: it for it in bank.items}
    answers = random.Random(seed)
    cuts = {a: proficient_cut(fw, a) for a in areas}
    mean, sd = 0.15, 1.1
    selection_priors = {a: normal_prior() for a in areas}  # as before any calibration
    rng = np.random.default_rng([seed, 5])
    true_p, std_p, sim_p, truly = [], [], [], []
    differs = shown = 0
    for i in range(candidates):
        theta = rng.normal(mean, sd, len(areas))
        given: list[Given] = []
        per_area: dict[str, list[tuple[Any, int]]] = {a: [] for a in areas}
        as_simulated: dict[str, list[tuple[Any, int]]] = {a: [] for a in areas}
        while True:
            pick = next_item(
                seed=seed + i, pool=pool, given=given, areas=areas, competencies=comps,
                rules=fw.blueprints.full.adaptive, cuts=cuts, priors=selection_priors,
            )  # fmt: skip
            if pick is None:
                break
            probs = probabilities(pick.item.params, theta[[areas.index(pick.area_id)]])[0]
            cat = int(rng.choice(len(probs), p=probs))
            given.append(Given(pick.item.item_id, cat))
            per_area[pick.area_id].append((pick.item.params, cat))
            # a task: one variant of it
            item = concrete(items[pick.item.item_id], answers.randrange(1 << 30))
            p = pick.item.params
            steps = len(p.steps) if p.steps else 1
            got = category_in(score_fraction(item, answer_for(item, cat, steps, answers, 4)), p)
            as_simulated[pick.area_id].append((pick.item.params, got))
            differs += got != cat
            shown += 1
        true_p.append([measure(fw, a, per_area[a], (mean, sd)).p_proficient for a in areas])
        std_p.append([measure(fw, a, per_area[a]).p_proficient for a in areas])
        sim_p.append([measure(fw, a, as_simulated[a], (mean, sd)).p_proficient for a in areas])
        truly.append([theta[k] >= cuts[a] for k, a in enumerate(areas)])
    tp, sp, tr = np.array(true_p), np.array(std_p), np.array(truly, dtype=float)
    mp = np.array(sim_p)
    noise = 100 * float(np.std(tp - tr) / math.sqrt(candidates))
    out = {
        "candidates": candidates, "population": [mean, sd],
        "true_share": (100 * tr.mean(axis=0)).tolist(),
        "error_true_prior": (100 * (tp.mean(axis=0) - tr.mean(axis=0))).tolist(),
        "error_standard_prior": (100 * (sp.mean(axis=0) - tr.mean(axis=0))).tolist(),
        "error_true_prior_simulated_answers": (100 * (mp.mean(axis=0) - tr.mean(axis=0))).tolist(),
        "answers_in_another_category": differs / shown, "noise_sd": noise,
    }  # fmt: skip
    out["table"] = _table(
        ["prior of the EAP", *(f"area {a}" for a in areas), "mean"],
        [[name, *(f"{v:+.1f}" for v in out[key]), f"{float(np.mean(out[key])):+.2f}"]
         for name, key in ((f"the true N({mean}, {sd}²)", "error_true_prior"),
                           ("N(0, 1)", "error_standard_prior"),
                           (f"the true N({mean}, {sd}²), answers as `dsat simulate` makes them",
                            "error_true_prior_simulated_answers"))],
    )  # fmt: skip
    return out


# --- main --------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None, help="write every figure here")
    parser.add_argument("--only", default=",".join(PARTS), help="parts, comma-separated")
    parser.add_argument("--share-modes", default="adaptive,fixed",
                        help="the simulated tests' modes in part 4, comma-separated")  # fmt: skip
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"--only: unknown parts {', '.join(unknown)}")
    q = args.quick
    figures: dict[str, Any] = {
        "seed": args.seed, "quick": q, "python": sys.version.split()[0],
        "numpy": np.__version__,
    }  # fmt: skip
    started = time.perf_counter()
    if "calibration" in parts:
        _say("1. calibration against girth")
        figures["calibration"] = calibration(
            items=50 if q else 200, persons=1000 if q else 5000, reps=1 if q else 3,
            seed=args.seed,
        )  # fmt: skip
        _say(figures["calibration"]["table"])
    if "adaptive" in parts:
        _say("2. adaptive testing against catsim")
        figures["adaptive"] = adaptive(
            pool_size=300 if q else 500, examinees=100 if q else 1000, seed=args.seed,
            timing_calls=30 if q else 200,
        )  # fmt: skip
        _say(figures["adaptive"]["table"])
        t = figures["adaptive"]["timing"]
        _say(
            "one next_item call after 10 answers, 1,000 items: full-assessment structure "
            f"median {t['full_assessment_pool']['median_ms']:.2f} ms, "
            f"p95 {t['full_assessment_pool']['p95_ms']:.2f} ms; one area, k = 1: median "
            f"{t['one_area_k1']['median_ms']:.2f} ms, p95 {t['one_area_k1']['p95_ms']:.2f} ms; "
            "catsim estimate + select: median "
            f"{t['catsim_estimate_and_select']['median_ms']:.2f} ms (target < 5 ms median)"
        )
    if "full" in parts:
        _say("3. the full assessment: adaptive against the fixed form")
        figures["full"] = full_assessment(
            candidates=100 if q else 1000, seed=args.seed,
            settings=SETTINGS[:2] if q else SETTINGS,
        )  # fmt: skip
        _say(figures["full"]["table"])
    if "share" in parts:
        figures["share"] = {}
        for mode in [m.strip() for m in args.share_modes.split(",") if m.strip()]:
            if mode not in ("adaptive", "fixed"):
                parser.error(f"--share-modes: {mode!r} is neither adaptive nor fixed")
            _say(f"4. share proficient through the services ({mode} tests)")
            res = share(people=300 if q else 5000, seed=args.seed, mode=mode)
            figures["share"][mode] = res
            _say(res["table"])
            _say("the same answers scored again with other priors (mean P(proficient), no PVs)")
            _say(res["table_priors"])
    if "share" in parts:
        _say("4b. the posterior share away from the services: normal abilities, posterior − true")
        figures["posterior_check"] = posterior_check(200 if q else 5000, args.seed)
        _say(figures["posterior_check"]["table"])
        check = figures["posterior_check"]
        _say(f"(sampling noise of each figure: ± {check['noise_sd']:.2f}; answers made by "
             "services.simulate.answer_for that earn another category than the one drawn: "
             f"{100 * check['answers_in_another_category']:.1f} %)")  # fmt: skip
    figures["seconds"] = time.perf_counter() - started
    _say(f"total {figures['seconds']:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
