"""Test items: one pydantic model per item type, joined in a union discriminated by `type`."""

from __future__ import annotations

import functools
import hashlib
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, model_validator

from dsat.domain.text import CleanText, LocalizedText, NonEmptyStr

ItemId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$", max_length=80)]
OptionId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$", max_length=20)]

ITEM_TYPES = (
    "single",
    "multiple",
    "true_false",
    "short_answer",
    "numerical",
    "matching",
    "ordering",
    "self_rating",
    "task",
)
EPS = 1e-9


class _Model(BaseModel):
    # validators are built on first use, not at import: the app's first screen needs none
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Option(_Model):
    id: OptionId
    text: LocalizedText
    fraction: Annotated[float, Field(ge=-1, le=1)] | None = None


class _ItemBase(_Model):
    id: ItemId
    competency: NonEmptyStr
    level: Annotated[int, Field(ge=1, le=8)]
    stem: LocalizedText
    explanation: LocalizedText
    weight: Annotated[float, Field(gt=0, le=100)] = 1.0
    tags: tuple[NonEmptyStr, ...] = ()
    # Items that give this one away (or are given away by it): never on one form together.
    enemies: tuple[ItemId, ...] = ()
    # The legal texts an item rests on, and the day they were last checked against it.
    basis: tuple[LocalizedText, ...] = ()
    reviewed: date | None = None

    @model_validator(mode="after")
    def _enemies_and_basis(self) -> _ItemBase:
        if self.id in self.enemies:
            raise ValueError("enemies: an item cannot be its own enemy")
        if len(set(self.enemies)) != len(self.enemies):
            raise ValueError("enemies: an item is listed twice")
        if self.basis and self.reviewed is None:
            raise ValueError(
                "reviewed: required with basis (the date the legal texts were last checked)"
            )
        return self

    @property
    def scored(self) -> bool:
        return True

    def canonical_json(self) -> str:
        """Everything the item says, as JSON in the models' fixed field order."""
        return self.model_dump_json()

    def content_hash(self) -> str:
        """A stable hash of everything the item says; a changed hash means a new version."""
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()


def _check_options(options: list[Option]) -> None:
    ids = [o.id for o in options]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"options: duplicate option id {', '.join(dupes)}")


class SingleChoiceItem(_ItemBase):
    type: Literal["single"]
    options: list[Option] = Field(min_length=2, max_length=9)
    key: OptionId
    shuffle: bool = True

    @model_validator(mode="after")
    def _key_in_options(self) -> SingleChoiceItem:
        _check_options(self.options)
        if self.key not in {o.id for o in self.options}:
            raise ValueError(f"key: {self.key!r} is not among the option ids")
        if any(o.fraction is not None for o in self.options):
            raise ValueError("options: fraction is only for type 'multiple'")
        return self


class MultipleChoiceItem(_ItemBase):
    """Several options may be right. Each pick adds its fraction; the total is floored at 0.

    By default each right option is worth 1/len(key) and each wrong pick costs
    1/(number of wrong options), so picking every option scores 0. An option's `fraction`
    overrides its default (Moodle-style); the positive fractions must add up to 1.
    """

    type: Literal["multiple"]
    options: list[Option] = Field(min_length=2, max_length=9)
    key: list[OptionId] = Field(min_length=1)
    shuffle: bool = True

    @model_validator(mode="before")
    @classmethod
    def _key_in_option_order(cls, data: Any) -> Any:
        """The key is a set: keep it in the options' order, so equal items compare equal."""
        if isinstance(data, dict) and isinstance(data.get("key"), list):
            order = [o.get("id") if isinstance(o, dict) else getattr(o, "id", None)
                     for o in data.get("options") or []]  # fmt: skip
            if all(isinstance(k, str) for k in data["key"]):
                rank = {oid: i for i, oid in enumerate(order)}
                data = {**data, "key": sorted(data["key"], key=lambda k: rank.get(k, len(rank)))}
        return data

    @model_validator(mode="after")
    def _fractions_consistent(self) -> MultipleChoiceItem:
        _check_options(self.options)
        option_ids = {o.id for o in self.options}
        for k in self.key:
            if k not in option_ids:
                raise ValueError(f"key: {k!r} is not among the option ids")
        if len(set(self.key)) != len(self.key):
            raise ValueError("key: an option is listed twice")
        fractions = self.fractions()
        for oid, frac in fractions.items():
            if oid in self.key and frac <= 0:
                raise ValueError(f"options: right option {oid!r} must have a positive fraction")
            if oid not in self.key and frac > 0:
                raise ValueError(f"options: wrong option {oid!r} must not have a positive fraction")
        total = sum(f for f in fractions.values() if f > 0)
        if abs(total - 1) > 1e-6:
            raise ValueError(f"options: positive fractions add up to {total:g}, not 1")
        return self

    def fractions(self) -> dict[str, float]:
        wrong = [o for o in self.options if o.id not in self.key]
        out: dict[str, float] = {}
        for o in self.options:
            if o.fraction is not None:
                out[o.id] = o.fraction
            elif o.id in self.key:
                out[o.id] = 1 / len(self.key)
            else:
                out[o.id] = -1 / len(wrong)
        return out


class TrueFalseItem(_ItemBase):
    type: Literal["true_false"]
    key: bool


class MatchRules(_Model):
    """How a typed answer is compared with the accepted ones."""

    case_sensitive: bool = False
    ignore_diacritics: bool = False
    collapse_whitespace: bool = True


class PartialAnswer(_Model):
    text: CleanText
    fraction: Annotated[float, Field(gt=0, lt=1)]


class ShortAnswerItem(_ItemBase):
    """Typed text. `answers` earn full credit; `partial` answers earn their fraction."""

    type: Literal["short_answer"]
    answers: list[CleanText] = Field(min_length=1)
    partial: list[PartialAnswer] = Field(default_factory=list)
    match: MatchRules = MatchRules()


class NumericalItem(_ItemBase):
    type: Literal["numerical"]
    answer: float
    tolerance: float = 0.0
    unit: LocalizedText | None = None

    @model_validator(mode="after")
    def _tolerance_not_negative(self) -> NumericalItem:
        if self.tolerance < 0:
            raise ValueError(f"tolerance: must not be negative (got {self.tolerance:g})")
        return self


class Pair(_Model):
    left: LocalizedText
    right: LocalizedText


class MatchingItem(_ItemBase):
    """Match each left entry to a right entry; rights are the pairs' plus distractors.

    The rights are listed once each, in order of first appearance (several lefts may share
    one right, as in Moodle and QTI), then the distractors. Without shared rights, left i's
    right answer is right i. Score is the share of lefts matched correctly.
    """

    type: Literal["matching"]
    pairs: list[Pair] = Field(min_length=2, max_length=9)
    distractors: list[LocalizedText] = Field(default_factory=list, max_length=7)

    @model_validator(mode="after")
    def _fits_keys(self) -> MatchingItem:
        if len(self.rights()) > 9:
            raise ValueError("distractors: right-hand entries must be at most 9 in all")
        answers = {p.right for p in self.pairs}
        clash = [d.en for d in self.distractors if d in answers]
        if clash:
            raise ValueError(f"distractors: {clash[0]!r} is also a right answer")
        return self

    def rights(self) -> list[LocalizedText]:
        return list(dict.fromkeys([*(p.right for p in self.pairs), *self.distractors]))

    def right_index(self, left: int) -> int:
        """Index in rights() of left `left`'s answer."""
        return self.rights().index(self.pairs[left].right)


class OrderingItem(_ItemBase):
    """Put steps in order. `partial`: share of steps in their right place."""

    type: Literal["ordering"]
    steps: list[LocalizedText] = Field(min_length=2, max_length=9)
    scoring: Literal["partial", "all_or_nothing"] = "partial"


class SelfRatingItem(_ItemBase):
    """A statement rated on the framework's scale. Not scored as knowledge."""

    type: Literal["self_rating"]
    explanation: LocalizedText | None = None  # type: ignore[assignment]

    @property
    def scored(self) -> bool:
        return False


TemplateName = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$", max_length=60)
]
SettingValue = str | int | float | bool


class TaskItem(_ItemBase):
    """A practical task whose content is generated per candidate by a template (a data
    table to work on, an inbox to sort, addresses to tell apart; docs/bank-format.md).

    The stem says what to do in general; each variant adds its own question. Every
    variant of the item is the same item for statistics and calibration.
    """

    type: Literal["task"]
    template: TemplateName
    settings: dict[NonEmptyStr, SettingValue] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_template(self) -> TaskItem:
        from dsat.domain.tasks.registry import check_settings

        problem = check_settings(self.template, dict(self.settings))
        if problem:
            raise ValueError(f"template: {problem}")
        return self

    def __hash__(self) -> int:  # settings is a dict: hash what the item says
        return hash(self.content_hash())


Item = Annotated[
    SingleChoiceItem
    | MultipleChoiceItem
    | TrueFalseItem
    | ShortAnswerItem
    | NumericalItem
    | MatchingItem
    | OrderingItem
    | SelfRatingItem
    | TaskItem,
    Field(discriminator="type"),
]
ITEM_ADAPTER: TypeAdapter[Item] = TypeAdapter(Item, config=ConfigDict(defer_build=True))


@functools.lru_cache(maxsize=4096)
def item_from_json(data: str | bytes) -> Item:
    """An item from its stored JSON. The same text gives the same (frozen) item object,
    shared by every connection of the process: an item version's text never changes, and
    each test started reads its whole pool."""
    return ITEM_ADAPTER.validate_json(data)
