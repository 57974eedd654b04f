"""Practical tasks generated per candidate (see model.py for what a variant is)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dsat.domain.tasks.model import TaskKey, TaskView
from dsat.domain.tasks.registry import Variant, generate


@dataclass(frozen=True)
class GeneratedTask:
    """A task item together with the variant one candidate sees: what scoring, the
    candidate view and the result screen work on. Other attributes are the item's."""

    item: Any  # the TaskItem
    variant: Variant

    type = "task"

    @property
    def view(self) -> TaskView:
        return self.variant.view

    @property
    def key(self) -> TaskKey:
        return self.variant.key

    def __getattr__(self, name: str) -> Any:
        return getattr(self.item, name)


@lru_cache(maxsize=512)
def _variant(template: str, settings_json: str, seed: int) -> Variant:
    return generate(template, json.loads(settings_json), seed)


def concrete(item: Any, variant: int | None) -> Any:
    """The item as one candidate sees it: a task item with its variant built from the
    seed; any other item as it is."""
    if getattr(item, "type", None) != "task" or isinstance(item, GeneratedTask):
        return item
    if variant is None:
        raise ValueError(f"task {item.id}: no variant seed")
    settings = json.dumps(dict(item.settings), sort_keys=True)
    return GeneratedTask(item, _variant(item.template, settings, variant))
