"""What a candidate sees after submitting: the level per competency (and per area) with its
precision and, in practice mode only, every item with the right answer and explanation.

In assessment mode (the yearly assessment and every sitting) no key of an item seen is
shown: the bank stays usable for the next candidates; the screen says what to study.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dsat.domain.attempts import Attempt
from dsat.domain.levels import AreaResult, CompetencyResult
from dsat.domain.presentation import describe_answer, describe_key, describe_working
from dsat.domain.scoring import score_fraction
from dsat.domain.tasks import concrete
from dsat.domain.text import LocalizedText
from dsat.services.errors import ServiceError

if TYPE_CHECKING:
    from dsat.services.assessment import AssessmentService


@dataclass(frozen=True)
class ReviewedItem:
    """An item after submission, with the answer given, the key and the explanation."""

    position: int
    competency_id: str
    stem: LocalizedText
    item_type: str
    your_answer: LocalizedText | None
    right_answer: LocalizedText | None
    explanation: LocalizedText | None
    fraction: float
    scored: bool
    pretest: bool = False


@dataclass(frozen=True)
class ResultView:
    attempt: Attempt
    results: list[CompetencyResult]
    areas: list[AreaResult]
    items: list[ReviewedItem]  # empty in assessment mode
    provisional: bool  # the item parameters were still priors

    @property
    def practice(self) -> bool:
        return self.attempt.feedback == "practice"


def result_view(service: AssessmentService, attempt: Attempt) -> ResultView:
    if attempt.status == "in_progress":
        raise ServiceError("error.not_submitted")
    store, fw = service.store, service.fw
    results = store.results.of_attempt(attempt.id)
    areas = store.results.areas_of_attempt(attempt.id)
    reviewed: list[ReviewedItem] = []
    if attempt.feedback == "practice":
        responses = store.attempts.responses(attempt.id)
        items = store.items.versions([(r.item_id, r.item_version) for r in responses])
        for r in responses:
            item = concrete(items[(r.item_id, r.item_version)], r.variant)
            working = describe_working(item)
            reviewed.append(
                ReviewedItem(
                    position=r.position,
                    competency_id=r.competency_id,
                    stem=item.stem,
                    item_type=item.type,
                    your_answer=describe_answer(item, r.answer, fw),
                    right_answer=describe_key(item),
                    explanation=_with(item.explanation, working),
                    fraction=score_fraction(item, r.answer),
                    scored=item.scored and not r.pretest,
                    pretest=r.pretest,
                )
            )
    provisional = any(r.provisional for r in results) or any(a.provisional for a in areas)
    return ResultView(attempt, results, areas, reviewed, provisional)


def _with(explanation: LocalizedText | None, working: LocalizedText | None) -> LocalizedText | None:
    """An item's explanation, followed for a generated task by how its answer is found."""
    if working is None or explanation is None:
        return explanation or working
    return LocalizedText(
        vi=f"{explanation.vi}\n\n{working.vi}", en=f"{explanation.en}\n\n{working.en}"
    )
