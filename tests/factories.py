"""Small builders for items in tests (valid by default, overridable per field)."""

from __future__ import annotations

from typing import Any

from dsat.domain.items import ITEM_ADAPTER


def txt(s: str) -> dict[str, str]:
    return {"vi": f"{s} (vi)", "en": s}


def item(type_: str, **over: Any) -> Any:
    base: dict[str, Any] = {
        "id": over.pop("id", f"T-{type_}"),
        "competency": "4.1",
        "level": 2,
        "type": type_,
        "stem": txt("Stem"),
        "explanation": txt("Because"),
    }
    if type_ in ("single", "multiple"):
        base["options"] = [{"id": k, "text": txt(k.upper())} for k in "abcd"]
        base["key"] = "b" if type_ == "single" else ["a", "b"]
    elif type_ == "true_false":
        base["key"] = True
    elif type_ == "short_answer":
        base["answers"] = ["Ctrl+C", "copy"]
    elif type_ == "numerical":
        base.update(answer=10, tolerance=0.5)
    elif type_ == "matching":
        base["pairs"] = [{"left": txt(f"L{i}"), "right": txt(f"R{i}")} for i in range(3)]
        base["distractors"] = [txt("X")]
    elif type_ == "ordering":
        base["steps"] = [txt(f"S{i}") for i in range(4)]
    elif type_ == "task":
        base["template"] = "sites.genuine"
    base.update(over)
    return ITEM_ADAPTER.validate_python(base)


def some_answer(presented: Any) -> Any:
    """A valid answer (not necessarily right) to a PresentedItem of any kind."""
    choices = [c.value for c in presented.choices]
    match presented.kind:
        case "choice":
            return choices[-1]
        case "multi":
            return choices[:1]
        case "text":
            return "abc"
        case "number":
            return "10"
        case "matching":
            return [0] * len(presented.lefts)
        case "ordering":
            return choices
    task = presented.task
    if task.answer_kind == "marks":
        return ["safe"] * len(task.messages)
    return choices[:1] if task.answer_kind == "pick" else "1"
