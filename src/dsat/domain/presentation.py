"""What a candidate may see of an item, and how answers and keys read after submission.

`present` builds an allow-listed view with no key, fraction or explanation in it: candidate
screens only ever receive a `PresentedItem`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from dsat.domain.framework import Framework
from dsat.domain.items import (
    MatchingItem,
    MultipleChoiceItem,
    NumericalItem,
    OrderingItem,
    SelfRatingItem,
    ShortAnswerItem,
    SingleChoiceItem,
    TrueFalseItem,
)
from dsat.domain.text import Lang

Kind = Literal["choice", "multi", "text", "number", "matching", "ordering"]
TF_LABELS = {"vi": ("Đúng", "Sai"), "en": ("True", "False")}


class Choice(BaseModel):
    """One thing to pick, with the value that an answer records for it."""

    model_config = ConfigDict(frozen=True)
    value: Any
    text: str


class PresentedItem(BaseModel):
    model_config = ConfigDict(frozen=True)
    item_type: str
    kind: Kind
    stem: str
    choices: list[Choice] = []  # options, scale steps, rights (matching) or steps (ordering)
    lefts: list[str] = []  # matching only
    unit: str | None = None  # numerical only


def present(item: Any, order: tuple[int, ...] | None, lang: Lang, fw: Framework) -> PresentedItem:
    stem = item.stem.get(lang)
    base = {"item_type": item.type, "stem": stem}

    def ordered(seq: list[Any]) -> list[tuple[int, Any]]:
        idx = list(order) if order is not None else list(range(len(seq)))
        return [(i, seq[i]) for i in idx]

    match item:
        case SingleChoiceItem() | MultipleChoiceItem():
            kind: Kind = "multi" if item.type == "multiple" else "choice"
            choices = [Choice(value=o.id, text=o.text.get(lang)) for _, o in ordered(item.options)]
            return PresentedItem(kind=kind, choices=choices, **base)
        case TrueFalseItem():
            yes, no = TF_LABELS[lang]
            return PresentedItem(
                kind="choice",
                choices=[Choice(value=True, text=yes), Choice(value=False, text=no)],
                **base,
            )
        case SelfRatingItem():
            steps = [
                Choice(value=i, text=s.label.get(lang)) for i, s in enumerate(fw.self_rating_scale)
            ]
            return PresentedItem(kind="choice", choices=steps, **base)
        case ShortAnswerItem():
            return PresentedItem(kind="text", **base)
        case NumericalItem():
            unit = item.unit.get(lang) if item.unit else None
            return PresentedItem(kind="number", unit=unit, **base)
        case MatchingItem():
            rights = [Choice(value=i, text=r.get(lang)) for i, r in ordered(item.rights())]
            lefts = [p.left.get(lang) for p in item.pairs]
            return PresentedItem(kind="matching", choices=rights, lefts=lefts, **base)
        case OrderingItem():
            steps = [Choice(value=i, text=s.get(lang)) for i, s in ordered(item.steps)]
            return PresentedItem(kind="ordering", choices=steps, **base)
    raise ValueError(f"unsupported item type {type(item).__name__}")


def describe_answer(item: Any, answer: Any, lang: Lang, fw: Framework) -> str | None:
    """The answer in words, as the result screen shows it; None when unanswered."""
    if answer is None or answer == [] or answer == "":
        return None
    match item:
        case SingleChoiceItem():
            return next(o.text.get(lang) for o in item.options if o.id == answer)
        case MultipleChoiceItem():
            return "; ".join(o.text.get(lang) for o in item.options if o.id in answer)
        case TrueFalseItem():
            return TF_LABELS[lang][0 if answer else 1]
        case SelfRatingItem():
            return fw.self_rating_scale[answer].label.get(lang)
        case ShortAnswerItem() | NumericalItem():
            return str(answer)
        case MatchingItem():
            rights = item.rights()
            return "; ".join(
                f"{p.left.get(lang)} → {rights[a].get(lang) if a is not None else '—'}"
                for p, a in zip(item.pairs, answer, strict=True)
            )
        case OrderingItem():
            return " → ".join(item.steps[i].get(lang) for i in answer)
    return str(answer)


def describe_key(item: Any, lang: Lang) -> str | None:
    """The right answer in words; None for self-rating, which has none."""
    match item:
        case SingleChoiceItem():
            return next(o.text.get(lang) for o in item.options if o.id == item.key)
        case MultipleChoiceItem():
            return "; ".join(o.text.get(lang) for o in item.options if o.id in item.key)
        case TrueFalseItem():
            return TF_LABELS[lang][0 if item.key else 1]
        case ShortAnswerItem():
            return " / ".join(item.answers)
        case NumericalItem():
            unit = f" {item.unit.get(lang)}" if item.unit else ""
            tol = f" (± {item.tolerance:g})" if item.tolerance else ""
            return f"{item.answer:g}{unit}{tol}"
        case MatchingItem():
            return "; ".join(f"{p.left.get(lang)} → {p.right.get(lang)}" for p in item.pairs)
        case OrderingItem():
            return " → ".join(s.get(lang) for s in item.steps)
    return None
