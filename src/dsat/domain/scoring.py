"""Answers and scoring: one pure function per item type, each giving a fraction in [0, 1].

Answer shapes, always in terms of the item's own (unshuffled) ids and indices:
single: option id; multiple: list of option ids; true_false: bool; short_answer and
numerical: the text as typed; matching: for each left i, the index of the chosen right or
None; ordering: step indices in the order given; self_rating: step index on the scale;
task: as its variant's answer kind says (dsat.domain.tasks.model), and only ever for the
variant the candidate saw (`concrete(item, variant)`): a task item alone has no key.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from dsat.domain.items import (
    Item,
    MatchingItem,
    MultipleChoiceItem,
    NumericalItem,
    OrderingItem,
    SelfRatingItem,
    ShortAnswerItem,
    SingleChoiceItem,
    TaskItem,
    TrueFalseItem,
)
from dsat.domain.tasks import GeneratedTask
from dsat.domain.tasks.model import AnswerProblem, check_task_answer, score_task
from dsat.domain.text import normalise, parse_number

Answer = Any  # the shapes above; checked by check_answer
# What is answered and scored: a bank item, or a task item with the variant a candidate saw.
ConcreteItem: TypeAlias = "Item | GeneratedTask"


class AnswerError(ValueError):
    """An answer that does not fit its item (wrong shape, unknown option, ...)."""


def check_answer(item: ConcreteItem, answer: Answer, scale_size: int = 4) -> Answer:
    """Return the answer in canonical form, or raise AnswerError."""
    if answer is None:
        return None
    match item:
        case SingleChoiceItem():
            if not isinstance(answer, str) or answer not in {o.id for o in item.options}:
                raise AnswerError(f"unknown option {answer!r}")
            return answer
        case MultipleChoiceItem():
            if not isinstance(answer, list | tuple):
                raise AnswerError("expected a list of options")
            ids = {o.id for o in item.options}
            bad = [a for a in answer if not isinstance(a, str) or a not in ids]
            if bad:
                raise AnswerError(f"unknown option {bad[0]!r}")
            order = [o.id for o in item.options]
            return sorted(set(answer), key=order.index)
        case TrueFalseItem():
            if not isinstance(answer, bool):
                raise AnswerError("expected true or false")
            return answer
        case ShortAnswerItem() | NumericalItem():
            if not isinstance(answer, str):
                raise AnswerError("expected text")
            if len(answer) > 2000:
                raise AnswerError("answer longer than 2000 characters")
            return answer
        case MatchingItem():
            n_rights = len(item.rights())
            if not isinstance(answer, list | tuple) or len(answer) != len(item.pairs):
                raise AnswerError(f"expected {len(item.pairs)} matches")
            for a in answer:
                valid = a is None or (type(a) is int and 0 <= a < n_rights)
                if not valid:
                    raise AnswerError(f"no right-hand entry {a!r}")
            return list(answer)
        case OrderingItem():
            steps = list(range(len(item.steps)))
            if (
                not isinstance(answer, list | tuple)
                or not all(type(a) is int for a in answer)
                or sorted(answer) != steps
            ):
                raise AnswerError("expected every step exactly once")
            return list(answer)
        case SelfRatingItem():
            if isinstance(answer, bool) or not isinstance(answer, int):
                raise AnswerError("expected a step of the scale")
            if not 0 <= answer < scale_size:
                raise AnswerError(f"no step {answer} on the scale")
            return answer
        case GeneratedTask():
            try:
                return check_task_answer(item.view, answer)
            except AnswerProblem as exc:
                raise AnswerError(str(exc)) from None
        case TaskItem():
            raise AnswerError(f"task {item.id}: answered without its variant")
    raise AnswerError(f"unsupported item type {type(item).__name__}")


def is_answered(answer: Answer) -> bool:
    if answer is None:
        return False
    if isinstance(answer, str):
        return bool(answer.strip())
    if isinstance(answer, list):
        return any(a is not None for a in answer)
    return True


def score_fraction(item: ConcreteItem, answer: Answer) -> float:
    """The share of the item's weight an answer earns, in [0, 1]. Unanswered earns 0."""
    if not is_answered(answer):
        return 0.0
    match item:
        case SingleChoiceItem():
            return 1.0 if answer == item.key else 0.0
        case MultipleChoiceItem():
            fractions = item.fractions()
            total = sum(fractions[a] for a in set(answer))
            return min(1.0, max(0.0, round(total, 9)))
        case TrueFalseItem():
            return 1.0 if answer is item.key else 0.0
        case ShortAnswerItem():
            rules = item.match.model_dump()
            given = normalise(answer, **rules)
            if any(given == normalise(a, **rules) for a in item.answers):
                return 1.0
            return max(
                (p.fraction for p in item.partial if given == normalise(p.text, **rules)),
                default=0.0,
            )
        case NumericalItem():
            value = parse_number(answer)
            if value is None:
                return 0.0
            slack = 1e-9 * max(1.0, abs(item.answer))
            return 1.0 if abs(value - item.answer) <= item.tolerance + slack else 0.0
        case MatchingItem():
            rights = item.rights()
            right = sum(
                1
                for p, a in zip(item.pairs, answer, strict=True)
                if a is not None and rights[a] == p.right
            )
            return right / len(item.pairs)
        case OrderingItem():
            in_place = sum(1 for i, a in enumerate(answer) if a == i)
            if item.scoring == "all_or_nothing":
                return 1.0 if in_place == len(item.steps) else 0.0
            return in_place / len(item.steps)
        case SelfRatingItem():
            return 0.0
        case GeneratedTask():
            return score_task(item.view, item.key, answer)
        case TaskItem():
            raise AnswerError(f"task {item.id}: scored without its variant")
    raise AnswerError(f"unsupported item type {type(item).__name__}")
