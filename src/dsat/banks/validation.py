"""Turn pydantic errors into located, plain-language bank issues."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from dsat.domain.items import ITEM_TYPES
from dsat.domain.text import LANGS

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

_FIELD_IN_MESSAGE = re.compile(r"^([A-Za-z_][\w.]*): (.+)$", re.S)


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def explain(err: ErrorDetails) -> tuple[tuple[Any, ...], str]:
    """(location inside the document, message) for one pydantic error."""
    loc = tuple(err["loc"])
    if loc and loc[0] in ITEM_TYPES:  # the union's tag is not a field of the file
        loc = loc[1:]
    kind, ctx = err["type"], err.get("ctx", {})
    if kind == "missing":
        if loc and loc[-1] in LANGS:
            return loc, f"missing text for language '{loc[-1]}'"
        return loc, "required field is missing"
    if kind == "string_too_short":
        return loc, "text is empty"
    if kind == "extra_forbidden":
        return loc, "unknown field"
    if kind == "union_tag_invalid":
        return (*loc, "type"), (
            f"unknown item type {ctx.get('tag')!r}; expected one of: {', '.join(ITEM_TYPES)}"
        )
    if kind == "union_tag_not_found":
        return (*loc, "type"), "required field is missing"
    if kind == "too_short":
        return loc, f"needs at least {ctx.get('min_length')} entries"
    if kind == "too_long":
        return loc, f"has more than {ctx.get('max_length')} entries"
    if kind == "string_pattern_mismatch":
        return loc, "only letters, digits and . _ : - are allowed"
    message = err["msg"]
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
        m = _FIELD_IN_MESSAGE.match(message)
        if m:
            path = [int(p) if p.isdigit() else p for p in m.group(1).split(".")]
            return (*loc, *path), m.group(2)
    return loc, message


def issues_of(exc: ValidationError) -> list[tuple[tuple[Any, ...], str]]:
    return [explain(e) for e in exc.errors(include_url=False)]


def field_name(loc: tuple[Any, ...]) -> str:
    return _dotted(loc)
