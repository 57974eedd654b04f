"""Scoring a whole attempt: each response's points, each competency's and each area's
result, with θ, its standard error, the level and the probability of being proficient.

One function serves the app, answer sheets from elsewhere and the simulation, so every
result is made the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dsat.domain.framework import Framework
from dsat.domain.irt import ItemParams, category_in, prior_params
from dsat.domain.items import Item
from dsat.domain.levels import AreaResult, CompetencyResult, ScoredResponse, competency_results
from dsat.domain.measure import measure
from dsat.domain.scoring import is_answered, score_fraction


@dataclass(frozen=True)
class Scored:
    """An attempt's points per position and its results."""

    scores: list[tuple[int, float, float]]  # (position, points, weight)
    results: list[CompetencyResult]
    areas: list[AreaResult]


@dataclass(frozen=True)
class Answered:
    position: int
    competency_id: str
    item: Item
    answer: object
    pretest: bool = False
    params: ItemParams | None = None  # None: the item's prior
    calibrated: bool = False


def score_attempt(
    fw: Framework,
    rows: Sequence[Answered],
    *,
    whole_areas: Sequence[str] = (),
    populations: dict[str, tuple[float, float]] | None = None,
) -> Scored:
    """Points, competency results and (for the areas in `whole_areas`) area results.

    Pretest items are shown but earn nothing and measure nothing.
    """
    populations = populations or {}
    scores, scored = [], []
    per_comp: dict[str, list[tuple[ItemParams, int]]] = {}
    per_area: dict[str, list[tuple[ItemParams, int]]] = {}
    provisional_comp: dict[str, bool] = {}
    provisional_area: dict[str, bool] = {}
    area_of = {c.id: a.id for a in fw.areas for c in a.competencies}
    for r in rows:
        item = r.item
        fraction = score_fraction(item, r.answer)
        counts = item.scored and not r.pretest
        weight = item.weight if counts else 0.0
        scores.append((r.position, round(fraction * weight, 6), weight))
        rating = r.answer if item.type == "self_rating" and r.answer is not None else None
        scored.append(
            ScoredResponse(
                r.competency_id, counts, item.weight, fraction, is_answered(r.answer),
                rating if isinstance(rating, int) else None,
            )
        )  # fmt: skip
        if not counts:
            continue
        params = r.params or prior_params(item, fw.scale)
        cat = category_in(fraction, params)
        per_comp.setdefault(r.competency_id, []).append((params, cat))
        area = area_of.get(r.competency_id, "")
        per_area.setdefault(area, []).append((params, cat))
        for book, key in ((provisional_comp, r.competency_id), (provisional_area, area)):
            book[key] = book.get(key, False) or not r.calibrated
    comps = list(dict.fromkeys(r.competency_id for r in rows))
    results = []
    for res in competency_results(fw, scored, comps):
        measured = per_comp.get(res.competency_id)
        if not measured:  # no scored item of it was shown: no evidence, no result
            continue
        area = area_of.get(res.competency_id, "")
        m = measure(fw, area, measured, populations.get(area, (0.0, 1.0)))
        results.append(
            res.model_copy(
                update={
                    "band": m.band, "proficient": m.proficient, "theta": m.theta, "se": m.se,
                    "level": m.level, "p_proficient": m.p_proficient,
                    "provisional": provisional_comp.get(res.competency_id, True),
                }
            )
        )  # fmt: skip
    areas = []
    for area in whole_areas:
        measured = per_area.get(area)
        if not measured:
            continue
        m = measure(fw, area, measured, populations.get(area, (0.0, 1.0)))
        areas.append(
            AreaResult(
                area_id=area, theta=m.theta, se=m.se, level=m.level, band=m.band,
                proficient=m.proficient, p_proficient=m.p_proficient, items=m.items,
                provisional=provisional_area.get(area, True),
            )
        )  # fmt: skip
    return Scored(scores, results, areas)
