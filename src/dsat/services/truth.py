"""A simulation's truth against what dsat reports: the share proficient per area.

The true share counts the simulated people whose true ability is at or above the area's
proficient cut; the reported shares are the count method (people whose measured level is
proficient) and the posterior method (mean probability of being proficient, with its
interval from plausible values and Rubin's rules).
"""

from __future__ import annotations

from dataclasses import dataclass

from dsat.domain.framework import Framework
from dsat.domain.measure import proficient_cut
from dsat.domain.report import PV_DRAWS, rubin_share
from dsat.services.errors import ServiceError
from dsat.store import Store


@dataclass(frozen=True)
class TruthRow:
    area_id: str
    period: str
    people: int
    true_pct: float
    count_pct: float
    posterior_pct: float
    posterior_low: float
    posterior_high: float

    @property
    def count_error(self) -> float:
        return self.count_pct - self.true_pct

    @property
    def posterior_error(self) -> float:
        return self.posterior_pct - self.true_pct


def compare(store: Store, fw: Framework, seed: int = 2026) -> list[TruthRow]:
    import numpy as np

    truth = {(e, a, p): t for e, a, p, t in store.measurement.truth()}
    if not truth:
        raise ServiceError("error.no_truth")
    groups: dict[tuple[str, str], list[tuple[float, int, float]]] = {}
    for emp, area, year, prof, p in store.reports.area_results_by_year():
        t = truth.get((emp, area, year))
        if t is None:
            continue
        groups.setdefault((area, year), []).append((t, prof, p if p is not None else prof))
    rng = np.random.default_rng(seed)
    out = []
    for (area, year), rows in sorted(groups.items()):
        cut = proficient_cut(fw, area)
        true = np.array([t >= cut for t, _, _ in rows], dtype=float)
        counted = np.array([prof for _, prof, _ in rows], dtype=float)
        ps = np.array([p for _, _, p in rows], dtype=float)
        draws = (rng.random((PV_DRAWS, len(ps))) < ps).sum(axis=1)
        post = rubin_share(list(draws.astype(float)), len(ps))
        assert post is not None
        out.append(
            TruthRow(
                area, year, len(rows), 100 * true.mean(), 100 * counted.mean(), post.percent,
                post.low, post.high,
            )
        )  # fmt: skip
    return out
