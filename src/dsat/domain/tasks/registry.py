"""The practical-task templates: one class per template, registered by name.

A template turns a seed and the item's settings into one variant (its view and its key).
It must be a pure function of them: no clock, no files, no global random state, so the
same attempt always shows the same task and its key can be rebuilt at any time.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from dsat.domain.tasks.model import AnswerKind, TaskKey, TaskView
from dsat.domain.text import LocalizedText


class NoSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Template(ABC):
    name: ClassVar[str]  # e.g. "data.training_count"
    kind: ClassVar[Literal["data", "inbox", "sites"]]
    answer_kind: ClassVar[AnswerKind]
    steps: ClassVar[int] = 1  # partial-credit steps of the score, the same for every variant
    title: ClassVar[LocalizedText]  # what the task is, for trainers (bank stats, docs)
    Settings: ClassVar[type[BaseModel]] = NoSettings

    def settings(self, raw: dict[str, Any]) -> BaseModel:
        return self.Settings.model_validate(raw)

    @abstractmethod
    def build(self, rng: random.Random, settings: Any) -> tuple[TaskView, TaskKey]:
        """One variant, drawn with `rng` only."""


TEMPLATES: dict[str, Template] = {}


def register(cls: type[Template]) -> type[Template]:
    if cls.name in TEMPLATES:
        raise ValueError(f"template {cls.name!r} is registered twice")
    TEMPLATES[cls.name] = cls()
    return cls


def _load() -> None:
    # the template modules register themselves when imported
    from dsat.domain.tasks import applications, audit, data, formulas, inbox, sites  # noqa: F401


def get(name: str) -> Template:
    _load()
    try:
        return TEMPLATES[name]
    except KeyError:
        known = ", ".join(sorted(TEMPLATES))
        raise KeyError(f"no task template {name!r} (known: {known})") from None


def names() -> list[str]:
    _load()
    return sorted(TEMPLATES)


def check_settings(name: str, raw: dict[str, Any]) -> str | None:
    """Why a template name or its settings are wrong, or None when they are fine."""
    try:
        template = get(name)
    except KeyError as exc:
        return str(exc.args[0])
    try:
        template.settings(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"settings.{where}: {first['msg']}" if where else f"settings: {first['msg']}"
    return None


@dataclass(frozen=True)
class Variant:
    template: str
    seed: int
    view: TaskView
    key: TaskKey


def generate(name: str, raw_settings: dict[str, Any], seed: int) -> Variant:
    """The variant of template `name` for `seed`: the same for the same arguments, always."""
    template = get(name)
    rng = random.Random(f"dsat-task:{name}:{seed}")
    view, key = template.build(rng, template.settings(raw_settings))
    return Variant(name, seed, view, key)
