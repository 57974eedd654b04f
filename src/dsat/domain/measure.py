"""From responses to levels with their precision, on each area's IRT scale.

Cuts: a person is at DigComp level L when they would answer items of declared level L right
with the framework's response probability (0.67 by default, as PIAAC reports proficiency
levels): cut_L = b_L + ln(RP / (1 - RP)) / a, with b_L the prior difficulty of level-L items
and a the prior discrimination. An area may set its own eight cuts in the framework file.
Bands follow the stages: levels 1-2 Foundation, 3-4 Intermediate, 5-8 Advanced; below
level 1, below foundation. Proficient means at or above the first level of the proficient
band, and `p_proficient` is the posterior probability of that.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from dsat.domain.framework import Framework
from dsat.domain.irt import Estimate, ItemParams, eap, normal_prior


def area_cuts(fw: Framework, area_id: str) -> list[float]:
    """Where levels 1..8 start on the area's scale."""
    if area_id in fw.scale.area_cuts:
        return list(fw.scale.area_cuts[area_id])
    rp = fw.scale.response_probability
    offset = math.log(rp / (1 - rp)) / fw.scale.prior_discrimination
    return [b + offset for b in fw.scale.level_difficulty]


def level_of(theta: float, cuts: Sequence[float]) -> int:
    """0 (below level 1) to 8."""
    return sum(1 for c in cuts if theta >= c)


def band_of_level(fw: Framework, level: int) -> str:
    """The band a level belongs to: the band after the first one for each stage in order."""
    if level <= 0:
        return fw.bands[0].id
    stage = fw.stage_of_level(level)
    order = [s.id for s in fw.stages]
    index = order.index(stage) + 1 if stage in order else len(fw.bands) - 1
    return fw.bands[min(index, len(fw.bands) - 1)].id


def proficient_level(fw: Framework) -> int:
    """The first level of the proficient band."""
    for level in range(1, 9):
        if fw.band_index(band_of_level(fw, level)) >= fw.band_index(fw.proficient_band):
            return level
    return 9


def proficient_cut(fw: Framework, area_id: str) -> float:
    level = proficient_level(fw)
    return area_cuts(fw, area_id)[level - 1] if level <= 8 else math.inf


@dataclass(frozen=True)
class Measured:
    theta: float
    se: float
    level: int
    band: str
    proficient: bool
    p_proficient: float
    items: int

    def enough(self, fw: Framework) -> bool:
        """False: the standard error is too large to state a level."""
        return self.se <= fw.scale.max_se


def measure(
    fw: Framework,
    area_id: str,
    responses: Sequence[tuple[ItemParams, int]],
    population: tuple[float, float] = (0.0, 1.0),
) -> Measured:
    """θ (EAP), its SE, the level, band and the probability of being proficient."""
    est: Estimate = eap(responses, normal_prior(*population))
    cuts = area_cuts(fw, area_id)
    level = level_of(est.theta, cuts)
    band = band_of_level(fw, level)
    cut = proficient_cut(fw, area_id)
    return Measured(
        theta=round(est.theta, 4),
        se=round(est.se, 4),
        level=level,
        band=band,
        proficient=est.theta >= cut,
        p_proficient=round(est.p_at_least(cut), 4),
        items=len(responses),
    )


def sure_above(theta: float, se: float, cut: float) -> float:
    """P(θ ≥ cut) for a posterior of mean θ and SD se (normal approximation)."""
    if se <= 0:
        return 1.0 if theta >= cut else 0.0
    return 0.5 * (1 + math.erf((theta - cut) / (se * math.sqrt(2))))


@dataclass(frozen=True)
class Precision:
    """How sure a stated level is, in the terms the result screen uses."""

    enough: bool  # False: "not enough evidence yet"
    band: str
    sure: float  # probability of being at least this band (below: of being below the next)


def precision(
    fw: Framework, area_id: str, theta: float, se: float, band: str,
    p_proficient: float | None = None,
) -> Precision:  # fmt: skip
    """How sure the stated band is. Where the band starts at the proficient cut, the
    result's own `p_proficient` (from the posterior on the grid) is the answer, so the
    screen and the reports never give two figures for one question; elsewhere the normal
    approximation from θ and its SE."""
    enough = se <= fw.scale.max_se
    cuts = area_cuts(fw, area_id)
    index = fw.band_index(band)
    if index == 0:  # below foundation: how sure it is below the first level
        return Precision(enough, band, 1 - sure_above(theta, se, cuts[0]))
    first = next(lv for lv in range(1, 9) if band_of_level(fw, lv) == band)
    start = cuts[first - 1]
    if p_proficient is not None and math.isclose(start, proficient_cut(fw, area_id)):
        return Precision(enough, band, p_proficient)
    return Precision(enough, band, sure_above(theta, se, start))
