"""Moodle XML: the question types dsat supports; others are reported by name and line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from dsat.banks.formats.model import (
    ForeignAnswer,
    ForeignQuestion,
    ParseResult,
    Problem,
    SubQuestion,
    strip_tags,
)
from dsat.banks.formats.spec import Spec
from dsat.banks.formats.xmlsource import XmlDoc, XmlProblem, local, parse

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

_FORMATS = {
    "html": "html",
    "moodle_auto_format": "moodle",
    "plain_text": "plain",
    "markdown": "markdown",
}
_KNOWN = {
    "multichoice",
    "truefalse",
    "shortanswer",
    "numerical",
    "matching",
    "essay",
    "description",
    "ordering",
}
# Moodle's allowed answer grades (question_bank::fraction_options_full), as fractions.
_GRADES = [
    1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25,
    0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0.0,
]  # fmt: skip


def _grade_ok(fraction: float) -> bool:
    return any(abs(abs(fraction) - g) < 1e-4 for g in _GRADES)


def _text(el: ET.Element | None) -> str:
    if el is None:
        return ""
    t = el.find("text")
    return (t.text or "") if t is not None else ""


def _fmt(el: ET.Element | None, default: str = "html") -> str:
    if el is None:
        return default
    return _FORMATS.get(el.get("format", ""), default)


def _child(el: ET.Element, name: str) -> str:
    c = el.find(name)
    return (c.text or "").strip() if c is not None else ""


def _strip_tags(text: str) -> str:
    return strip_tags(text)


def read(data: bytes) -> ParseResult:
    result = ParseResult()
    try:
        doc = parse(data)
    except XmlProblem as exc:
        result.problems.append(Problem(exc.line, str(exc), exc.field))
        return result
    if local(doc.root.tag) != "quiz":
        result.problems.append(Problem(doc.line(doc.root), "the root element must be <quiz>"))
        return result
    category = ""
    for el in doc.root:
        if not isinstance(el.tag, str) or local(el.tag) != "question":
            continue
        qtype = el.get("type", "")
        line = doc.line(el)
        if qtype == "category":
            category = _text(el.find("category")).strip()
            continue
        name = _text(el.find("name")).strip()
        if qtype not in _KNOWN:
            result.problems.append(
                Problem(line, f"question type {qtype!r} ({name}) is not supported", "type")
            )
            continue
        q = _question(doc, el, qtype, name, line, result.problems)
        if q is not None:
            q.category = category
            result.questions.append(q)
    return result


def _question(
    doc: XmlDoc, el: ET.Element, qtype: str, name: str, line: int, problems: list[Problem]
) -> ForeignQuestion | None:
    qt = el.find("questiontext")
    gf = el.find("generalfeedback")
    q = ForeignQuestion(
        qtype="match" if qtype == "matching" else qtype,
        name=name,
        questiontext=_text(qt),
        questiontextformat=_fmt(qt),
        line=line,
        generalfeedback=_text(gf),
        generalfeedbackformat=_fmt(gf),
        idnumber=_child(el, "idnumber"),
        tags=[_text(t).strip() for t in el.findall("tags/tag") if _text(t).strip()],
    )
    from xml.etree.ElementTree import Comment

    for c in el.iter():
        if c.tag is Comment and (c.text or "").strip().startswith("dsat:"):
            try:
                meta = json.loads((c.text or "").strip()[5:])
            except json.JSONDecodeError as exc:
                problems.append(Problem(doc.line(el), f"dsat comment is not JSON: {exc.msg}"))
            else:
                q.meta = meta if isinstance(meta, dict) else {}
    single = _child(el, "single")
    if qtype == "multichoice":
        q.single = single.lower() not in ("false", "0")
    shuffle = _child(el, "shuffleanswers")
    if shuffle:
        q.shuffle = shuffle.lower() in ("1", "true")
    if qtype == "shortanswer":
        q.case_sensitive = _child(el, "usecase") == "1"
    bad_grades = []
    for i, a in enumerate(el.findall("answer"), 1):
        raw = a.get("fraction", "0")
        try:
            fraction = float(raw) / 100
        except ValueError:
            problems.append(Problem(doc.line(a), f"{name}: answer {i} has grade {raw!r}"))
            return None
        if not _grade_ok(fraction):
            bad_grades.append(f"{fraction:g}")
        fb = a.find("feedback")
        tol = a.find("tolerance")
        q.answers.append(
            ForeignAnswer(
                text=_text(a),
                fraction=fraction,
                feedback=_text(fb),
                format=_fmt(a, "moodle") if a.get("format") else None,
                feedbackformat=_fmt(fb),
                tolerance=float(tol.text or 0) if tol is not None else None,
            )
        )
    if bad_grades:
        problems.append(
            Problem(
                line,
                f"question {_strip_tags(name)!r} has answer grades that are not allowed: "
                f"{', '.join(bad_grades)} (Moodle allows 100, 90, 83.33333, 80, ... 5, 0 %)",
            )
        )
        return None
    if qtype == "truefalse":
        for answer in q.answers:
            is_true = answer.text.strip().lower() == "true"
            if answer.fraction > 0:
                q.correctanswer = is_true
            if is_true:
                q.feedbacktrue, q.feedbacktrueformat = answer.feedback, answer.feedbackformat
            else:
                q.feedbackfalse, q.feedbackfalseformat = answer.feedback, answer.feedbackformat
    for s in el.findall("subquestion"):
        q.subquestions.append(SubQuestion(_text(s), _fmt(s), _text(s.find("answer")).strip()))
    return q


def _sniff(path: Path, data: bytes) -> bool:
    return path.suffix.lower() == ".xml" and "<quiz" in data[:4096].decode("utf-8", "replace")


FORMAT = Spec(
    name="moodlexml",
    label="Moodle XML",
    suffixes=(),
    searched=(".xml",),
    detected="`.xml` with the root `<quiz>`",
    reads="multichoice, truefalse, shortanswer, numerical, matching, ordering; categories, "
    "tags, idnumbers",
    read=read,
    sniff=_sniff,
    estimate=lambda data: data.count(b"<question "),
)
