"""From scored items to a result per competency: raw, max, percent, band, proficient."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from dsat.domain.framework import Band, Framework


class CompetencyResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    competency_id: str
    raw: float
    max: float
    percent: float
    band: str
    proficient: bool
    self_band: str | None = None
    items: int = 0
    answered: int = 0
    # measured on the area's IRT scale (docs/levels.md); None for results from before it
    theta: float | None = None
    se: float | None = None
    level: int | None = None  # DigComp level 1-8
    p_proficient: float | None = None  # posterior probability of being at least proficient
    provisional: bool = False  # the item parameters were only priors

    @property
    def self_disagrees(self) -> bool:
        return self.self_band is not None and self.self_band != self.band


class AreaResult(BaseModel):
    """The level in one area (one IRT scale), from every scored item of the area."""

    model_config = ConfigDict(frozen=True)

    area_id: str
    theta: float | None
    se: float | None
    level: int | None
    band: str | None
    proficient: bool
    p_proficient: float | None
    items: int
    provisional: bool = False


@dataclass(frozen=True)
class ScoredResponse:
    competency_id: str
    scored: bool
    weight: float
    fraction: float
    answered: bool
    self_rating: int | None = None


def band_for(framework: Framework, percent: float) -> Band:
    """The highest band whose start the percentage reaches (bands are ordered)."""
    chosen = framework.bands[0]
    for band in framework.bands:
        if percent + 1e-9 >= band.min_percent:
            chosen = band
    return chosen


def is_proficient(framework: Framework, band_id: str) -> bool:
    return framework.band_index(band_id) >= framework.band_index(framework.proficient_band)


def self_band_for(framework: Framework, ratings: list[int]) -> str | None:
    """The band of the mean self-rating, rounded half up to a step of the scale."""
    if not ratings:
        return None
    mean = sum(ratings) / len(ratings)
    step = min(int(mean + 0.5), len(framework.self_rating_scale) - 1)
    return framework.self_rating_scale[step].band


def competency_results(
    framework: Framework, responses: Iterable[ScoredResponse], competencies: list[str]
) -> list[CompetencyResult]:
    """One result per competency in `competencies`, in that order."""
    by_comp: dict[str, list[ScoredResponse]] = {c: [] for c in competencies}
    for r in responses:
        by_comp.setdefault(r.competency_id, []).append(r)
    out = []
    for comp, rows in by_comp.items():
        scored = [r for r in rows if r.scored]
        raw = round(sum(r.weight * r.fraction for r in scored), 6)
        mx = round(sum(r.weight for r in scored), 6)
        percent = round(100 * raw / mx, 4) if mx else 0.0
        band = band_for(framework, percent)
        ratings = [r.self_rating for r in rows if r.self_rating is not None]
        out.append(
            CompetencyResult(
                competency_id=comp,
                raw=raw,
                max=mx,
                percent=percent,
                band=band.id,
                proficient=is_proficient(framework, band.id),
                self_band=self_band_for(framework, ratings),
                items=len(rows),
                answered=sum(1 for r in rows if r.answered),
            )
        )
    return out
