"""What a candidate may see of an item, and how answers and keys read after submission.

`present` builds an allow-listed view with no key, fraction or explanation in it: candidate
screens only ever receive a `PresentedItem`. Every text is given in both languages, so a
screen switches language without asking for the item again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

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
from dsat.domain.tasks import GeneratedTask
from dsat.domain.tasks.model import MARK_NAMES, MARKS, TaskView
from dsat.domain.text import LocalizedText, clean

if TYPE_CHECKING:
    from dsat.domain.scoring import ConcreteItem

Kind = Literal["choice", "multi", "text", "number", "matching", "ordering", "task"]
TRUE = LocalizedText(vi="Đúng", en="True")
FALSE = LocalizedText(vi="Sai", en="False")


class Choice(BaseModel):
    """One thing to pick, with the value that an answer records for it."""

    model_config = ConfigDict(frozen=True)
    value: Any
    text: LocalizedText


class PresentedItem(BaseModel):
    model_config = ConfigDict(frozen=True)
    item_type: str
    kind: Kind
    stem: LocalizedText
    choices: list[Choice] = []  # options, scale steps, rights (matching) or steps (ordering)
    lefts: list[LocalizedText] = []  # matching only
    unit: LocalizedText | None = None  # numerical only
    task: TaskView | None = None  # generated tasks: the variant's view (never its key)


def present(item: ConcreteItem, order: tuple[int, ...] | None, fw: Framework) -> PresentedItem:
    base: dict[str, Any] = {"item_type": item.type, "stem": item.stem}

    def ordered(seq: list[Any]) -> list[tuple[int, Any]]:
        idx = list(order) if order is not None else list(range(len(seq)))
        return [(i, seq[i]) for i in idx]

    match item:
        case SingleChoiceItem() | MultipleChoiceItem():
            kind: Kind = "multi" if item.type == "multiple" else "choice"
            choices = [Choice(value=o.id, text=o.text) for _, o in ordered(item.options)]
            return PresentedItem(kind=kind, choices=choices, **base)
        case TrueFalseItem():
            return PresentedItem(
                kind="choice",
                choices=[Choice(value=True, text=TRUE), Choice(value=False, text=FALSE)],
                **base,
            )
        case SelfRatingItem():
            steps = [Choice(value=i, text=s.label) for i, s in enumerate(fw.self_rating_scale)]
            return PresentedItem(kind="choice", choices=steps, **base)
        case ShortAnswerItem():
            return PresentedItem(kind="text", **base)
        case NumericalItem():
            return PresentedItem(kind="number", unit=item.unit, **base)
        case MatchingItem():
            rights = [Choice(value=i, text=r) for i, r in ordered(item.rights())]
            lefts = [p.left for p in item.pairs]
            return PresentedItem(kind="matching", choices=rights, lefts=lefts, **base)
        case OrderingItem():
            steps = [Choice(value=i, text=s) for i, s in ordered(item.steps)]
            return PresentedItem(kind="ordering", choices=steps, **base)
        case GeneratedTask():
            view = item.view
            picks: list[Choice] = []
            if view.answer_kind == "marks":
                picks = [Choice(value=m, text=MARK_NAMES[m]) for m in MARKS]
            elif view.answer_kind == "pick":
                picks = [Choice(value=site.id, text=LocalizedText.same(site.address))
                         for site in view.sites]  # fmt: skip
            return PresentedItem(kind="task", choices=picks, unit=view.unit, task=view, **base)
    raise ValueError(f"unsupported item type {type(item).__name__}")


def _each(texts: list[LocalizedText], sep: str) -> LocalizedText:
    return LocalizedText(
        vi=sep.join(t.vi for t in texts) or "—", en=sep.join(t.en for t in texts) or "—"
    )


def _pairs(pairs: list[tuple[LocalizedText, LocalizedText | None]]) -> LocalizedText:
    def one(lang: Literal["vi", "en"]) -> str:
        return "; ".join(f"{a.get(lang)} → {b.get(lang) if b else '—'}" for a, b in pairs)

    return LocalizedText(vi=one("vi"), en=one("en"))


def describe_answer(item: ConcreteItem, answer: Any, fw: Framework) -> LocalizedText | None:
    """The answer in words, as the result screen shows it; None when unanswered."""
    if answer is None or answer == [] or (isinstance(answer, str) and not answer.strip()):
        return None
    match item:
        case SingleChoiceItem():
            return next(o.text for o in item.options if o.id == answer)
        case MultipleChoiceItem():
            return _each([o.text for o in item.options if o.id in answer], "; ")
        case TrueFalseItem():
            return TRUE if answer else FALSE
        case SelfRatingItem():
            label: LocalizedText = fw.self_rating_scale[answer].label  # answer: a step index
            return label
        case ShortAnswerItem() | NumericalItem():
            return LocalizedText.same(clean(str(answer)).strip() or "—")
        case MatchingItem():
            rights = item.rights()
            return _pairs(
                [
                    (p.left, rights[a] if a is not None else None)
                    for p, a in zip(item.pairs, answer, strict=True)
                ]
            )
        case OrderingItem():
            return _each([item.steps[i] for i in answer], " → ")
        case GeneratedTask():
            return _task_answer(item.view, answer)
    return LocalizedText.same(clean(str(answer)))


def _numbered_marks(marks: list[str | None]) -> LocalizedText:
    def one(lang: Literal["vi", "en"]) -> str:
        return "; ".join(
            f"{i}. {MARK_NAMES[m].get(lang) if m else '—'}" for i, m in enumerate(marks, 1)
        )

    return LocalizedText(vi=one("vi"), en=one("en"))


def _task_answer(view: TaskView, answer: Any) -> LocalizedText:
    match view.answer_kind:
        case "marks":
            return _numbered_marks(list(answer))
        case "pick":
            chosen = [s.address for s in view.sites if s.id in answer]
            return LocalizedText.same("; ".join(chosen) or "—")
    return LocalizedText.same(clean(str(answer)).strip() or "—")


def describe_key(item: ConcreteItem, lang: Literal["vi", "en"] | None = None) -> Any:
    """The right answer in words (in `lang` when given); None for self-rating."""
    key = _key_text(item)
    return key.get(lang) if lang is not None and key is not None else key


def _key_text(item: ConcreteItem) -> LocalizedText | None:
    match item:
        case SingleChoiceItem():
            return next(o.text for o in item.options if o.id == item.key)
        case MultipleChoiceItem():
            return _each([o.text for o in item.options if o.id in item.key], "; ")
        case TrueFalseItem():
            return TRUE if item.key else FALSE
        case ShortAnswerItem():
            return LocalizedText.same(" / ".join(item.answers))
        case NumericalItem():
            return _number(item.answer, item.tolerance, item.unit)
        case MatchingItem():
            return _pairs([(p.left, p.right) for p in item.pairs])
        case OrderingItem():
            return _each(list(item.steps), " → ")
        case GeneratedTask():
            return _task_key(item.view, item.key)
    return None


def _number(value: float, tolerance: float, unit: LocalizedText | None) -> LocalizedText:
    """A right number in words: `10000 codes (± 0.5)`."""
    tol = f" (± {tolerance:g})" if tolerance else ""
    if unit:
        return LocalizedText(vi=f"{value:g} {unit.vi}{tol}", en=f"{value:g} {unit.en}{tol}")
    return LocalizedText.same(f"{value:g}{tol}")


def _task_key(view: TaskView, key: Any) -> LocalizedText:
    match view.answer_kind:
        case "number":
            return _number(key.number, key.tolerance, view.unit)
        case "text":
            return LocalizedText.same(" / ".join(key.texts))
        case "marks":
            return _numbered_marks(list(key.marks))
    chosen = [s.address for s in view.sites if s.id in key.picks]
    return LocalizedText.same("; ".join(chosen))


def describe_working(item: ConcreteItem) -> LocalizedText | None:
    """How a generated task's answer follows from its data (None for other items)."""
    return item.key.working if isinstance(item, GeneratedTask) else None
