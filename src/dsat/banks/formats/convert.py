"""From a format's own record to a dsat item (as the dict a bank file would hold).

Where a field comes from, in order: dsat's own fields carried in the file (`meta`, written
by `dsat bank export`), the category mapping, then the importer's options. An item with
no competency or level is a problem, never a silent default.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dsat.banks.formats.model import ForeignQuestion, split_languages, to_plain

if TYPE_CHECKING:
    from dsat.domain.items import Item

OPTION_IDS = "abcdefghi"
UNSUPPORTED = {
    "essay": "essay questions are not supported (dsat scores every answer automatically)",
    "description": "description-only text (no answers) is not a question dsat can score",
}
_ID_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
_SLUG = re.compile(r"[^a-z0-9]+")
_WILDCARD = re.compile(r"(?<!\\)\*")


@dataclass(frozen=True)
class Target:
    competency: str | None = None
    level: int | None = None


@dataclass
class CategoryMap:
    """Category path (GIFT $CATEGORY, Moodle XML category, QTI package folder) -> target.

    A category matches its own entry or the entry of the nearest parent path.
    """

    entries: dict[str, Target] = field(default_factory=dict)

    def find(self, category: str) -> Target | None:
        path = category.strip().strip("/")
        while path:
            if path in self.entries:
                return self.entries[path]
            if "/" not in path:
                break
            path = path.rsplit("/", 1)[0]
        return self.entries.get("")


@dataclass
class ConvertOptions:
    competency: str | None = None
    level: int | None = None
    categories: CategoryMap | None = None
    id_prefix: str = ""
    skip_unsupported: bool = False


class ConvertProblem(ValueError):
    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def slug(text: str) -> str:
    from dsat.domain.text import strip_diacritics

    return _SLUG.sub("-", strip_diacritics(text).lower()).strip("-")[:60]


def localized(text: str, fmt: str) -> dict[str, str]:
    """A text (maybe with multi-language markup) as {'vi': ..., 'en': ...}."""
    parts = {k: to_plain(v, fmt) for k, v in split_languages(text).items()}
    if "" in parts:
        return {"vi": parts[""], "en": parts[""]}
    vi = parts.get("vi") or parts.get("en") or next(iter(parts.values()))
    en = parts.get("en") or vi
    return {"vi": vi, "en": en}


# What a builder gives back for the explanation when the item has none: (text, format).
_Feedback = tuple[str, str] | None


def _same(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6


def to_item(q: ForeignQuestion, opts: ConvertOptions, notes: list[str]) -> dict[str, Any]:
    """The item dict, or ConvertProblem naming what is wrong."""
    meta = dict(q.meta)
    if q.qtype in UNSUPPORTED and meta.get("type") != "self_rating":
        raise ConvertProblem(UNSUPPORTED[q.qtype], "type")
    target = opts.categories.find(q.category) if opts.categories and q.category else None
    competency = meta.get("competency") or (target and target.competency) or opts.competency
    level = meta.get("level") or (target and target.level) or opts.level
    if not competency:
        where = f" (category {q.category!r})" if q.category else ""
        raise ConvertProblem(
            f"no competency{where}: give --competency or map the category in --map", "competency"
        )
    if not level:
        raise ConvertProblem("no level: give --level or map the category in --map", "level")
    fmt = q.questiontextformat
    item: dict[str, Any] = {
        "id": meta.get("id") or _item_id(q, opts),
        "competency": competency,
        "level": level,
        "stem": localized(q.questiontext, fmt),
    }
    for key in ("weight", "tags", "enemies", "basis", "reviewed"):
        if key in meta:
            item[key] = meta[key]
    if "tags" not in item and q.tags:
        item["tags"] = q.tags
    explanation = _shown(q.generalfeedback, q.generalfeedbackformat)
    if meta.get("type") == "self_rating":
        item["type"] = "self_rating"
        explanation = meta.get("explanation") or explanation
        if explanation:
            item["explanation"] = explanation
        return item
    builder = _BUILDERS.get("truefalse" if meta.get("type") == "true_false" else q.qtype)
    if builder is None:
        raise ConvertProblem(f"question type {q.qtype!r} is not supported", "type")
    fallback = builder(q, item, meta, notes)
    item["explanation"] = explanation or (fallback and _shown(*fallback))
    return item


def _shown(text: str, fmt: str) -> dict[str, str] | None:
    """A feedback text as shown, or None when nothing of it shows as text (an image only,
    markup only): then the next source of the explanation is used."""
    if not text:
        return None
    shown = localized(text, fmt)
    return shown if shown["vi"].strip() or shown["en"].strip() else None


def _literal_answer(text: str) -> str:
    """A short answer as dsat compares it, from Moodle's form: `*` is Moodle's wildcard (any
    text) and `\\*` an asterisk. dsat's answers have no wildcard: one is refused."""
    if _WILDCARD.search(text):
        raise ConvertProblem(
            f"answer {text!r}: '*' is Moodle's wildcard (any text) and dsat's short answers "
            "have none; list the accepted answers, or write \\* for an asterisk",
            "answers",
        )
    return text.replace("\\*", "*")


def _item_id(q: ForeignQuestion, opts: ConvertOptions) -> str:
    if q.idnumber and _ID_OK.match(q.idnumber) and len(q.idnumber) <= 80:
        return q.idnumber
    base = slug(q.name) or "q"
    return (opts.id_prefix + base)[:80]


def _option_ids(meta: dict[str, Any], n: int) -> list[str]:
    ids = meta.get("option_ids")
    if isinstance(ids, list) and len(ids) == n:
        return [str(i) for i in ids]
    return list(OPTION_IDS[:n]) if n <= len(OPTION_IDS) else [f"o{i + 1}" for i in range(n)]


def _snap(fraction: float) -> float:
    return round(fraction, 7)


def _choice(
    q: ForeignQuestion, item: dict[str, Any], meta: dict[str, Any], notes: list[str]
) -> _Feedback:
    opts = [localized(a.text, a.format or q.questiontextformat) for a in q.answers]
    ids = _option_ids(meta, len(opts))
    item["shuffle"] = meta.get("shuffle", True if q.shuffle is None else q.shuffle)
    fractions = [_snap(a.fraction) for a in q.answers]
    full = [i for i, f in enumerate(fractions) if _same(f, 1.0)]
    if q.single:
        _single_answer_scoring(q, opts, fractions, full)
        if any(f < 0 for f in fractions):
            notes.append(
                f"{q.name}: negative marks for wrong answers are not kept"
                " (dsat scores a single choice right or wrong)"
            )
        item["type"] = "single"
        item["options"] = [{"id": i, "text": t} for i, t in zip(ids, opts, strict=True)]
        item["key"] = ids[full[0]]
        right = q.answers[full[0]]
        return (right.feedback, right.feedbackformat) if right.feedback else None
    item["type"] = "multiple"
    key = [ids[i] for i, f in enumerate(fractions) if f > 0]
    if not key:
        raise ConvertProblem("no answer earns any marks", "answers")
    wrong = len(opts) - len(key)
    options = []
    for oid, text, f in zip(ids, opts, fractions, strict=True):
        default = 1 / len(key) if f > 0 else (-1 / wrong if wrong else 0.0)
        entry: dict[str, Any] = {"id": oid, "text": text}
        if not _same(f, default):
            entry["fraction"] = f
        options.append(entry)
    item["options"] = options
    item["key"] = key
    fbs = [a.feedback for a in q.answers if a.fraction > 0 and a.feedback]
    return (fbs[0], q.answers[0].feedbackformat) if len(set(fbs)) == 1 else None


def _single_answer_scoring(
    q: ForeignQuestion, opts: list[dict[str, str]], fractions: list[float], full: list[int]
) -> None:
    """Refuse what dsat's single choice (one right answer, right or wrong) cannot score as
    Moodle does: part marks on an answer, several answers worth 100%, none worth 100%."""
    partial = [i for i, f in enumerate(fractions) if 0 < f < 1 - 1e-6]
    if partial:
        shown = ", ".join(f"{opts[i]['en']!r} {fractions[i] * 100:g}%" for i in partial)
        raise ConvertProblem(
            f"a single-answer question with part marks ({shown}): dsat scores a single "
            "choice right or wrong; make the answer wrong (0%) or right (100%), or the "
            "question a multiple-answer one",
            "answers",
        )
    if len(full) > 1:
        shown = ", ".join(repr(opts[i]["en"]) for i in full)
        raise ConvertProblem(
            f"a single-answer question with {len(full)} answers worth 100% ({shown}): dsat's "
            "single choice has one right answer; keep one, or make the question a "
            "multiple-answer one",
            "answers",
        )
    if not full:
        raise ConvertProblem(
            "a single-answer question needs an answer worth 100% (found none)", "answers"
        )


def _truefalse(
    q: ForeignQuestion, item: dict[str, Any], meta: dict[str, Any], notes: list[str]
) -> _Feedback:
    item["type"] = "true_false"
    if q.correctanswer is None:  # written as a two-way choice (QTI): true first
        q.correctanswer = bool(q.answers) and q.answers[0].fraction > 0
    item["key"] = bool(q.correctanswer)
    right = (
        (q.feedbacktrue, q.feedbacktrueformat)
        if q.correctanswer
        else (
            q.feedbackfalse,
            q.feedbackfalseformat,
        )
    )
    return right if right[0] else None


def _shortanswer(
    q: ForeignQuestion, item: dict[str, Any], meta: dict[str, Any], notes: list[str]
) -> _Feedback:
    item["type"] = "short_answer"
    if "answers" in meta:  # written by dsat where the format could not hold them
        item["answers"] = meta["answers"]
        if meta.get("partial"):
            item["partial"] = meta["partial"]
        if meta.get("match"):
            item["match"] = meta["match"]
        return None
    if any(a.text.strip() == "*" and a.fraction > 0 for a in q.answers):
        raise ConvertProblem("a catch-all answer '*' that earns marks is not supported", "answers")
    scored = [a for a in q.answers if a.text.strip() != "*"]  # '*' alone: others' feedback
    full = [a for a in scored if _same(a.fraction, 1.0)]
    partial = [a for a in scored if 0 < a.fraction < 1 - 1e-6]
    if not full:
        raise ConvertProblem("no answer is worth 100%", "answers")
    item["answers"] = [_literal_answer(to_plain(a.text, "plain")) for a in full]
    if partial:
        item["partial"] = [
            {"text": _literal_answer(a.text), "fraction": _snap(a.fraction)} for a in partial
        ]
    match = dict(meta.get("match") or {})
    if q.case_sensitive is not None and "case_sensitive" not in match:
        match["case_sensitive"] = q.case_sensitive
    if match and match != {"case_sensitive": False}:
        item["match"] = match
    return (full[0].feedback, full[0].feedbackformat) if full[0].feedback else None


def _numerical(
    q: ForeignQuestion, item: dict[str, Any], meta: dict[str, Any], notes: list[str]
) -> _Feedback:
    item["type"] = "numerical"
    full = [a for a in q.answers if _same(a.fraction, 1.0) and a.text != "*"]
    if any(0 < a.fraction < 1 - 1e-6 for a in q.answers):
        raise ConvertProblem("partial credit for a numerical answer is not supported", "answers")
    if len(full) != 1:
        raise ConvertProblem(
            f"a numerical question needs exactly one answer worth 100% (found {len(full)})",
            "answers",
        )
    try:
        value = float(full[0].text)
    except ValueError:
        raise ConvertProblem(f"answer {full[0].text!r} is not a number", "answers") from None
    if not math.isfinite(value):
        raise ConvertProblem(f"answer {full[0].text!r} is not a number", "answers")
    item["answer"] = value
    tol = full[0].tolerance
    if isinstance(tol, int | float) and tol:
        item["tolerance"] = float(tol)
    if meta.get("unit"):
        item["unit"] = meta["unit"]
    return (full[0].feedback, full[0].feedbackformat) if full[0].feedback else None


def _match(
    q: ForeignQuestion, item: dict[str, Any], meta: dict[str, Any], notes: list[str]
) -> _Feedback:
    item["type"] = "matching"
    pairs, distractors = [], []
    for s in q.subquestions:
        right = localized(s.answer, s.format)
        if s.text.strip():
            pairs.append({"left": localized(s.text, s.format), "right": right})
        elif right not in distractors:
            distractors.append(right)
    answers = [p["right"] for p in pairs]
    distractors = [d for d in distractors if d not in answers]
    item["pairs"] = pairs
    if distractors:
        item["distractors"] = distractors
    return None


def _ordering(
    q: ForeignQuestion, item: dict[str, Any], meta: dict[str, Any], notes: list[str]
) -> _Feedback:
    item["type"] = "ordering"
    item["steps"] = [localized(a.text, a.format or "plain") for a in q.answers]
    if meta.get("scoring"):
        item["scoring"] = meta["scoring"]
    return None


def item_meta(item: Item) -> dict[str, Any]:
    """What a format cannot say of an item, for dsat's comment (`// dsat: {json}` in GIFT,
    `<!-- dsat: {json} -->` in QTI); `to_item` reads it back."""
    meta: dict[str, Any] = {
        "id": item.id,
        "competency": item.competency,
        "level": item.level,
    }
    if item.weight != 1.0:
        meta["weight"] = item.weight
    if item.tags:
        meta["tags"] = list(item.tags)
    if item.enemies:
        meta["enemies"] = list(item.enemies)
    if item.basis:
        meta["basis"] = [b.model_dump() for b in item.basis]
    if item.reviewed is not None:
        meta["reviewed"] = item.reviewed.isoformat()
    options = getattr(item, "options", None)
    if options and [o.id for o in options] != list(OPTION_IDS[: len(options)]):
        meta["option_ids"] = [o.id for o in options]
    if getattr(item, "shuffle", True) is False:
        meta["shuffle"] = False
    match = getattr(item, "match", None)
    if match is not None and match != type(match)():
        meta["match"] = match.model_dump()
    if item.type == "short_answer" and "*" in [*item.answers, *(p.text for p in item.partial)]:
        # GIFT reads a lone '*' as "any other answer": keep the accepted texts here
        meta["answers"] = list(item.answers)
        meta["partial"] = [p.model_dump() for p in item.partial]
    unit = getattr(item, "unit", None)
    if unit is not None:
        meta["unit"] = unit.model_dump()
    if item.type == "ordering":
        meta["scoring"] = item.scoring
    if item.type in ("self_rating", "true_false"):
        meta["type"] = item.type
    return meta


_BUILDERS = {
    "multichoice": _choice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "match": _match,
    "ordering": _ordering,
}
