"""IMS QTI 2.1 / 2.2 items: reader and writer (packages: `qtipackage`).

`read_item` gives the item in QTI's own terms (`QtiItem`), checked against the other
projects' expectations; `to_foreign` maps it onto the common record. Interactions read:
choice (single and multiple), order, match, associate, text entry, inline choice and gap
match, scored by the standard `match_correct` or `map_response` templates. `write_item`
writes one item as a QTI 2.1 assessmentItem.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dsat.banks.formats.convert import item_meta
from dsat.banks.formats.model import (
    ForeignAnswer,
    ForeignQuestion,
    Problem,
    SubQuestion,
)
from dsat.banks.formats.xmlsource import XmlDoc, local

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from dsat.domain.items import Item
    from dsat.domain.text import LocalizedText

NS = {
    "2.1": "http://www.imsglobal.org/xsd/imsqti_v2p1",
    "2.2": "http://www.imsglobal.org/xsd/imsqti_v2p2",
}
INTERACTIONS = {
    "choiceInteraction",
    "orderInteraction",
    "matchInteraction",
    "associateInteraction",
    "textEntryInteraction",
    "inlineChoiceInteraction",
    "gapMatchInteraction",
}
_UNSUPPORTED = {
    "extendedTextInteraction": "extended text (essay)",
    "hotspotInteraction": "hotspot",
    "graphicGapMatchInteraction": "graphic gap match",
    "sliderInteraction": "slider",
    "uploadInteraction": "file upload",
    "drawingInteraction": "drawing",
    "selectPointInteraction": "select point",
    "graphicOrderInteraction": "graphic order",
    "graphicAssociateInteraction": "graphic associate",
    "hottextInteraction": "hottext",
    "mediaInteraction": "media",
    "customInteraction": "custom",
    "positionObjectInteraction": "position object",
    "endAttemptInteraction": "end attempt",
    "portableCustomInteraction": "portable custom",
}
_BLOCKS = {
    "p",
    "div",
    "blockquote",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "table",
    "tr",
    "br",
}
_SPACES = re.compile(r"[ \t\r\n]+")
_OPTION_ID = re.compile(r"^[A-Za-z0-9_-]{1,20}$")


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


@dataclass
class Mapping:
    default: float = 0.0
    lower: float | None = None
    upper: float | None = None
    entries: list[tuple[str, float, bool]] = field(default_factory=list)  # key, value, case


@dataclass
class QtiChoice:
    identifier: str
    text: str
    fixed: bool | None = None
    match_max: int | None = None


@dataclass
class QtiItem:
    identifier: str
    title: str
    version: str
    line: int
    cardinality: str = "single"
    base_type: str = "identifier"
    correct: list[str] = field(default_factory=list)
    mapping: Mapping | None = None
    interaction: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    prompt: str = ""
    stem: str = ""
    choices: list[QtiChoice] = field(default_factory=list)
    match_sets: list[list[QtiChoice]] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    template: str = ""  # the responseProcessing template's URI, as the file gives it
    scoring: str = ""  # what the processing does: match_correct, map_response or equal
    unscorable: str = ""  # why dsat cannot score the item as its processing does
    templated: str = ""  # the element that makes it a template item (random values)
    feedback: str = ""
    tolerance: float = 0.0
    lines: dict[str, int] = field(default_factory=dict)  # element name -> line, for problems
    meta: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCORE = "SCORE"
# answered in words, files or drawings a person scores: skipped with --skip-unsupported
ESSAYS = {
    "extendedTextInteraction": "extended text (essay)",
    "uploadInteraction": "file upload",
    "drawingInteraction": "drawing",
}
# shown after answering, or only under conditions: not part of a question's text
_NOT_SHOWN = {"feedbackInline", "feedbackBlock", "templateInline", "templateBlock"}
_TEMPLATING = {
    "templateDeclaration",
    "templateProcessing",
    "templateBlock",
    "templateInline",
    "printedVariable",
}
QTI12 = "IMS QTI 1.2 (e.g. Canvas): not supported, export QTI 2.1"


_BR = "\ue000"  # a structural line break, unlike newlines in the XML source


def _lines(raw: str) -> str:
    lines = [_norm(x) for x in raw.split(_BR)]
    return "\n".join(x for x in lines if x)


def _inner_text(el: ET.Element) -> str:
    """Text of an XHTML element: <br/> and blocks break lines, images become [alt],
    elements with xml:lang become Moodle-style {mlang xx}…{mlang} parts."""
    parts: list[str] = []

    def walk(e: ET.Element, top: bool = False) -> None:
        name = local(e.tag)
        lang = e.get(_XML_LANG)
        if lang and not top:
            parts.append(f"{{mlang {lang}}}")
        if name == "img":
            parts.append(f"[{e.get('alt') or 'image'}]")
        if name in _BLOCKS and not top:
            parts.append(_BR)
        if e.text and isinstance(e.tag, str):
            parts.append(e.text)
        for c in e:
            if isinstance(c.tag, str) and local(c.tag) not in _NOT_SHOWN:
                walk(c)
            if c.tail:
                parts.append(c.tail)
        if name in _BLOCKS and not top and name != "br":
            parts.append(_BR)
        if lang and not top:
            parts.append("{mlang}")

    walk(el, top=True)
    return _lines("".join(parts))


def _body_text(el: ET.Element, item: QtiItem) -> str:
    """The item body as plain text: blocks on their own lines, inline blanks as _____."""
    out: list[str] = []

    def walk(e: ET.Element) -> None:
        name = local(e.tag)
        if name in (
            "prompt",
            "simpleChoice",
            "simpleMatchSet",
            "simpleAssociableChoice",
            "gapText",
            "inlineChoice",
            "modalFeedback",
            "rubricBlock",
            *_NOT_SHOWN,
        ):
            return
        if name in ("textEntryInteraction", "inlineChoiceInteraction"):
            out.append("_____")
            return
        if name == "gap":
            item.gaps.append(e.get("identifier", ""))
            out.append(f"({len(item.gaps)})")
            return
        lang = e.get(_XML_LANG)
        if lang:
            out.append(f"{{mlang {lang}}}")
        if name == "img":
            out.append(f"[{e.get('alt') or 'image'}]")
        if name in _BLOCKS:
            out.append(_BR)
        if e.text:
            out.append(e.text)
        for c in e:
            if isinstance(c.tag, str):
                walk(c)
            if c.tail:
                out.append(c.tail)
        if name in _BLOCKS and name != "br":
            out.append(_BR)
        if lang:
            out.append("{mlang}")

    walk(el)
    text = _lines("".join(out))
    if text.endswith("\n_____") or text == "_____":  # an answer box on its own line
        text = text.removesuffix("_____").rstrip("\n")
    return text


def _float(raw: str | None, default: float | None = None) -> float | None:
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        return default


def read_item(doc: XmlDoc, name: str = "") -> QtiItem:
    root = doc.root
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    version = next((v for v, uri in NS.items() if uri == ns), "")
    item = QtiItem(
        identifier=root.get("identifier", ""),
        title=root.get("title", ""),
        version=version,
        line=doc.line(root),
    )

    def problem(el: ET.Element | None, message: str, field: str) -> QtiItem:
        item.problems.append(Problem(doc.line(el) or item.line, message, field, name))
        return item

    if local(root.tag) == "questestinterop":
        return problem(root, QTI12, "questestinterop")
    if local(root.tag) != "assessmentItem":
        return problem(root, f"not a QTI assessmentItem (the root is <{local(root.tag)}>)", "xml")
    if not version:
        return problem(root, f"namespace {ns or '(none)'} is not QTI 2.1 or 2.2", "xmlns")
    from xml.etree.ElementTree import Comment

    for c in root.iter():
        if c.tag is Comment and (c.text or "").strip().startswith("dsat:"):
            try:
                meta = json.loads((c.text or "").strip()[5:])
                item.meta = meta if isinstance(meta, dict) else {}
            except json.JSONDecodeError as exc:
                problem(root, f"dsat comment is not JSON: {exc.msg}", "dsat")
    q = f"{{{ns}}}"
    body = root.find(f"{q}itemBody")
    if body is None:
        return problem(root, "the item has no itemBody", "itemBody")
    found = [
        e for e in body.iter() if isinstance(e.tag, str) and local(e.tag).endswith("Interaction")
    ]
    if not found:  # text only: a description (skipped with --skip-unsupported)
        item.interaction = "description"
        item.stem = _body_text(body, item)
        return item
    if len(found) == 1 and local(found[0].tag) in ESSAYS:  # skipped with --skip-unsupported
        item.interaction = local(found[0].tag)
        prompt = found[0].find(f"{q}prompt")
        item.prompt = _inner_text(prompt) if prompt is not None else ""
        item.stem = _body_text(body, item)
        return item
    unsupported = [e for e in found if local(e.tag) not in INTERACTIONS]
    if unsupported:
        kind = local(unsupported[0].tag)
        return problem(
            unsupported[0], f"{_UNSUPPORTED.get(kind, kind)} interactions are not supported", kind
        )
    if len(found) > 1:
        return problem(
            found[1], "items with more than one interaction are not supported", local(found[1].tag)
        )
    inter = found[0]
    item.interaction = local(inter.tag)
    item.attrs = dict(inter.attrib)
    rid = inter.get("responseIdentifier", "")
    decl = next(
        (d for d in root.findall(f"{q}responseDeclaration") if d.get("identifier") == rid), None
    )
    if decl is None:
        return problem(inter, f"no responseDeclaration for {rid!r}", "responseDeclaration")
    item.lines["responseDeclaration"] = doc.line(decl)
    correct = decl.find(f"{q}correctResponse")
    item.lines["correctResponse"] = doc.line(correct) if correct is not None else doc.line(decl)
    item.lines["mapping"] = doc.line(decl.find(f"{q}mapping")) or doc.line(decl)
    item.cardinality = decl.get("cardinality", "single")
    item.base_type = decl.get("baseType", "identifier")
    item.correct = [(v.text or "").strip() for v in decl.findall(f"{q}correctResponse/{q}value")]
    m = decl.find(f"{q}mapping")
    if m is not None:
        item.mapping = Mapping(
            default=_float(m.get("defaultValue"), 0.0) or 0.0,
            lower=_float(m.get("lowerBound")),
            upper=_float(m.get("upperBound")),
            entries=[
                (
                    e.get("mapKey", ""),
                    _float(e.get("mappedValue"), 0.0) or 0.0,
                    e.get("caseSensitive", "true") != "false",
                )
                for e in m.findall(f"{q}mapEntry")
            ],
        )
    rp = root.find(f"{q}responseProcessing")
    item.template = rp.get("template", "") if rp is not None else ""
    item.lines["responseProcessing"] = doc.line(rp) or item.line
    scoring = _processing(rp, rid)
    if isinstance(scoring, tuple):
        item.scoring, item.tolerance = scoring
    else:
        item.unscorable = scoring
    templating = next(
        (
            e
            for e in root.iter()
            if isinstance(e.tag, str)
            and (local(e.tag) in _TEMPLATING or e.get("templateIdentifier") is not None)
        ),
        None,
    )
    if templating is not None:
        name = local(templating.tag)
        item.templated = name if name in _TEMPLATING else "templateIdentifier"
        item.lines[item.templated] = doc.line(templating)
    prompt = inter.find(f"{q}prompt")
    item.prompt = _inner_text(prompt) if prompt is not None else ""
    item.stem = _body_text(body, item)
    for c in inter.iter():
        tag = local(c.tag)
        if tag in ("simpleChoice", "inlineChoice", "gapText") or (
            tag == "simpleAssociableChoice" and item.interaction == "associateInteraction"
        ):
            fixed = c.get("fixed")
            mm = c.get("matchMax")
            item.choices.append(
                QtiChoice(
                    c.get("identifier", ""),
                    _inner_text(c),
                    None if fixed is None else fixed == "true",
                    int(mm) if mm and mm.isdigit() else None,
                )
            )
    for s in inter.findall(f"{q}simpleMatchSet"):
        item.match_sets.append(
            [
                QtiChoice(
                    c.get("identifier", ""),
                    _inner_text(c),
                    None,
                    int(c.get("matchMax", "0")) if c.get("matchMax", "").isdigit() else None,
                )
                for c in s.findall(f"{q}simpleAssociableChoice")
            ]
        )
    fb = [_inner_text(f) for f in root.findall(f"{q}modalFeedback")]
    item.feedback = "\n".join(x for x in fb if x)
    return item


def _kids(el: ET.Element) -> list[ET.Element]:
    return [c for c in el if isinstance(c.tag, str)]


def _sets_score(el: ET.Element) -> bool:
    """Whether a rule sets the score (rules that set feedback only are left aside)."""
    return any(
        local(e.tag) in ("setOutcomeValue", "lookupOutcomeValue") and e.get("identifier") == SCORE
        for e in el.iter()
        if isinstance(e.tag, str)
    )


def _value_of(el: ET.Element) -> float | None:
    """What a setOutcomeValue of SCORE sets, when it is a constant."""
    if local(el.tag) != "setOutcomeValue" or el.get("identifier") != SCORE:
        return None
    kids = _kids(el)
    if len(kids) != 1 or local(kids[0].tag) != "baseValue":
        return None
    return _float((kids[0].text or "").strip())


def _maps(el: ET.Element, rid: str) -> bool:
    kids = _kids(el)
    return (
        local(el.tag) == "setOutcomeValue"
        and el.get("identifier") == SCORE
        and len(kids) == 1
        and local(kids[0].tag) == "mapResponse"
        and kids[0].get("identifier") == rid
    )


def _compares(el: ET.Element, rid: str) -> bool:
    """`<x><variable RESPONSE/><correct RESPONSE/></x>` in either order."""
    kids = _kids(el)
    names = sorted((local(k.tag), k.get("identifier")) for k in kids)
    return names == [("correct", rid), ("variable", rid)]


def _processing(rp: ET.Element | None, rid: str) -> tuple[str, float] | str:
    """What the response processing does, as (match_correct | map_response | equal,
    tolerance), when it is one of the standard templates or their rules written out (or
    dsat's own rule for numbers); else why dsat cannot score it so."""
    if rp is None:
        return "the item has no responseProcessing, so QTI scores nothing"
    template = (rp.get("template") or rp.get("templateLocation") or "").strip()
    rules = [r for r in _kids(rp) if _sets_score(r)]
    if template and not _kids(rp):
        name = template.rstrip("/").rsplit("/", 1)[-1].removesuffix(".xml")
        if name in ("match_correct", "map_response"):
            return name, 0.0
        return f"the response processing template {name!r} is not one dsat reads"
    custom = "custom response processing dsat cannot represent"
    if len(rules) != 1:
        return (
            f"{custom} ({len(rules)} rules set the score)"
            if rules
            else ("the response processing never sets SCORE")
        )
    rule = rules[0]
    if _maps(rule, rid):
        return "map_response", 0.0
    if local(rule.tag) != "responseCondition":
        return f"{custom} (<{local(rule.tag)}>)"
    branches = [b for b in _kids(rule)]
    if (
        not 1 <= len(branches) <= 2
        or local(branches[0].tag) != "responseIf"
        or (len(branches) == 2 and local(branches[1].tag) != "responseElse")
    ):
        return f"{custom} (a condition with {len(branches)} branches)"
    if_kids = _kids(branches[0])
    cond, then = if_kids[0], [k for k in if_kids[1:] if _sets_score(k)]
    other = [k for k in _kids(branches[1]) if _sets_score(k)] if len(branches) == 2 else []
    if len(then) != 1 or len(other) > 1:
        return f"{custom} (several rules set the score)"
    right = _value_of(then[0])
    wrong = _value_of(other[0]) if other else 0.0
    kind = local(cond.tag)
    if kind == "match" and _compares(cond, rid) and right and right > 0 and wrong == 0:
        return "match_correct", 0.0
    if kind == "equal" and _compares(cond, rid) and right and right > 0 and wrong == 0:
        mode = cond.get("toleranceMode", "exact")
        if mode == "exact":
            return "equal", 0.0
        tol = [_float(t) for t in (cond.get("tolerance") or "").split()]
        usable = tol and all(t is not None and t >= 0 for t in tol) and len(set(tol)) == 1
        if mode == "absolute" and usable:
            return "equal", float(tol[0] or 0.0)
        return f"{custom} (a {mode} tolerance dsat does not have)"
    if (
        kind == "isNull"
        and [(local(k.tag), k.get("identifier")) for k in _kids(cond)] == [("variable", rid)]
        and right == 0
        and other
        and _maps(other[0], rid)
    ):
        return "map_response", 0.0
    return f"{custom} (scores set by <{kind}>)"


def to_foreign(item: QtiItem) -> ForeignQuestion | Problem:
    """The item as a common record, or the reason it cannot be one. An item whose scoring
    dsat cannot hold as the item's own response processing scores it is refused with the
    reason, never imported with other scoring."""
    stem = "\n".join(x for x in (item.stem, item.prompt) if x)
    q = ForeignQuestion(
        qtype="",
        name=item.title or item.identifier,
        questiontext=stem,
        questiontextformat="plain",
        line=item.line,
        generalfeedback=item.feedback,
        generalfeedbackformat="plain",
        idnumber=item.identifier,
        meta=item.meta,
    )
    where = f"{item.identifier or item.title}"

    def refuse(message: str, field: str) -> Problem:
        return Problem(item.lines.get(field, item.line), f"{where}: {message}", field)

    if item.interaction in ESSAYS or item.interaction == "description":
        q.qtype = "essay" if item.interaction in ESSAYS else "description"
        return q
    if item.templated:
        return refuse(
            f"a template item (<{item.templated}>: values drawn when the test is taken) is "
            "not supported: dsat's items are fixed",
            item.templated,
        )
    if item.unscorable:
        return refuse(item.unscorable, "responseProcessing")
    if item.attrs.get("shuffle") is not None:
        q.shuffle = item.attrs["shuffle"] == "true"
    if item.interaction in ("choiceInteraction", "inlineChoiceInteraction"):
        return _choices(item, q, refuse)
    if item.interaction == "orderInteraction":
        return _order(item, q, refuse)
    if item.interaction in ("matchInteraction", "associateInteraction", "gapMatchInteraction"):
        return _pairs(item, q, refuse)
    if item.interaction == "textEntryInteraction":
        return _text_entry(item, q, refuse)
    return refuse(f"interaction {item.interaction!r} is not supported", item.interaction)


Refuse = Any  # (message, field) -> Problem


def _choices(item: QtiItem, q: ForeignQuestion, refuse: Refuse) -> ForeignQuestion | Problem:
    if item.scoring not in ("match_correct", "map_response"):
        return refuse(f"a choice scored by <{item.scoring}> is not supported", "responseProcessing")
    if item.scoring == "map_response" and item.mapping is None:
        return refuse("map_response without a mapping scores nothing", "mapping")
    scores = _scores(item)
    q.qtype = "multichoice"
    q.single = item.cardinality == "single"
    ids = [c.identifier for c in item.choices]
    if all(_OPTION_ID.match(i) for i in ids) and len(set(ids)) == len(ids):
        q.meta.setdefault("option_ids", ids)  # keep the item's own identifiers
    for c in item.choices:
        q.answers.append(
            ForeignAnswer(c.text, scores.get(c.identifier, scores[None]), "", "plain", "plain")
        )
    return q


def _order(item: QtiItem, q: ForeignQuestion, refuse: Refuse) -> ForeignQuestion | Problem:
    q.qtype = "ordering"
    by_id = {c.identifier: c.text for c in item.choices}
    if sorted(item.correct) != sorted(by_id):
        return refuse("the correct order must list every choice once", "correctResponse")
    q.answers = [ForeignAnswer(by_id[i], 1.0, "", "plain", "plain") for i in item.correct]
    if "scoring" not in q.meta:  # dsat's own export says how dsat scores it
        if item.scoring != "match_correct":
            return refuse(
                f"an order scored by {item.scoring} is not supported: dsat scores an order "
                "all or nothing (match_correct) or by steps in place",
                "responseProcessing",
            )
        q.meta["scoring"] = "all_or_nothing"
    return q


def _pairs(item: QtiItem, q: ForeignQuestion, refuse: Refuse) -> ForeignQuestion | Problem:
    """A match, associate or gap match: dsat scores the share of left entries matched. A
    mapping of equal weights (map_response) scores so; match_correct scores all or nothing,
    which dsat reads only from its own exports, which say so."""
    q.qtype = "match"
    if item.interaction == "matchInteraction":
        if len(item.match_sets) != 2:
            return refuse("a match interaction needs two match sets", "simpleMatchSet")
        lefts, rights = item.match_sets
    elif item.interaction == "gapMatchInteraction":
        lefts = [QtiChoice(g, f"({i})") for i, g in enumerate(item.gaps, 1)]
        rights = item.choices
    else:
        lefts = rights = item.choices
    if item.scoring == "map_response":
        m = item.mapping
        if m is None:
            return refuse("map_response without a mapping scores nothing", "mapping")
        weights = sorted({v for _, v, _ in m.entries if v != 0})
        if m.default != 0 or any(v < 0 for v in weights):
            return refuse(
                "wrong pairs cost marks in the mapping; dsat scores the share of pairs right",
                "mapping",
            )
        if len(weights) > 1:
            shown = ", ".join(f"{v:g}" for v in weights)
            return refuse(
                f"scored by a mapping with unequal weights ({shown}); dsat scores each pair "
                "alike, the share of pairs right",
                "mapping",
            )
        total = weights[0] * sum(1 for _, v, _ in m.entries if v) if weights else 0.0
        if m.upper is not None and weights and m.upper < total:
            return refuse(
                f"the mapping's upperBound {m.upper:g} is below its total {total:g}", "mapping"
            )
        values = [k for k, v, _ in m.entries if v > 0]
    elif item.scoring == "match_correct" and item.meta:
        values = item.correct  # dsat's own export (older ones scored pairs this way)
    else:
        scoring = "all or nothing (match_correct)" if item.scoring else item.scoring
        return refuse(
            f"pairs scored {scoring}; dsat scores the share of pairs right (map_response with "
            "equal weights)",
            "responseProcessing",
        )
    text_of = {c.identifier: c.text for c in [*lefts, *rights]}
    pairs: dict[str, str] = {}
    for value in values:
        a, _, b = value.partition(" ")
        if item.interaction == "gapMatchInteraction":
            a, b = b, a  # gapText gap -> gap gapText
        if a not in text_of or b not in text_of:
            return refuse(f"pair {value!r} names an unknown choice", "correctResponse")
        if a in pairs:
            return refuse(f"{text_of[a]!r} has more than one right match", "correctResponse")
        pairs[a] = b
    used = set(pairs.values())
    for left in lefts:
        if left.identifier in pairs:
            q.subquestions.append(SubQuestion(left.text, "plain", text_of[pairs[left.identifier]]))
    if item.interaction != "associateInteraction":
        for r in rights:
            if r.identifier not in used:
                q.subquestions.append(SubQuestion("", "plain", r.text))
    if sum(1 for s in q.subquestions if s.text) < 2:
        return refuse("a match needs at least 2 right pairs", "correctResponse")
    return q


def _text_entry(item: QtiItem, q: ForeignQuestion, refuse: Refuse) -> ForeignQuestion | Problem:
    if item.base_type in ("float", "integer"):
        q.qtype = "numerical"
        if item.scoring not in ("match_correct", "equal"):
            return refuse(
                f"a number scored by {item.scoring} is not supported", "responseProcessing"
            )
        if len(item.correct) != 1:
            return refuse("a numeric entry needs one correct value", "correctResponse")
        q.answers = [ForeignAnswer(item.correct[0], 1.0, tolerance=item.tolerance)]
        return q
    q.qtype = "shortanswer"
    q.case_sensitive = True
    if item.scoring == "map_response":
        m = item.mapping
        if m is None or not m.entries:
            return refuse("map_response without a mapping scores nothing", "mapping")
        if m.default != 0 or any(v < 0 for _, v, _ in m.entries):
            return refuse(
                "other answers cost or earn marks in the mapping; dsat gives them none",
                "mapping",
            )
        top = max(v for _, v, _ in m.entries)
        if m.upper is not None:
            top = min(top, m.upper)
        for key, value, case in m.entries:
            if value > 0:  # QTI's keys are literal: an asterisk in Moodle's terms is \*
                q.answers.append(ForeignAnswer(key.replace("*", "\\*"), min(value, top) / top))
            if not case:
                q.case_sensitive = False
    elif item.scoring == "match_correct":
        q.answers = [ForeignAnswer(v.replace("*", "\\*"), 1.0) for v in item.correct]
    else:
        return refuse(
            f"a text entry scored by {item.scoring} is not supported", "responseProcessing"
        )
    if not q.answers:
        return refuse("the text entry has no correct response", "correctResponse")
    return q


def _scores(item: QtiItem) -> dict[str | None, float]:
    """Fraction of the maximum each choice identifier earns (None: any other)."""
    ids = [c.identifier for c in item.choices]
    if item.mapping is None or item.template.endswith("match_correct"):
        right = set(item.correct)
        if item.cardinality == "single":
            return {None: 0.0, **{i: (1.0 if i in right else 0.0) for i in ids}}
        share = 1 / len(right) if right else 0.0
        wrong = [i for i in ids if i not in right]
        return {None: 0.0, **{i: (share if i in right else -1 / max(1, len(wrong))) for i in ids}}
    values = {k: v for k, v, _ in item.mapping.entries}
    top = item.mapping.upper
    if top is None:
        top = sum(v for v in values.values() if v > 0) or 1.0
    out: dict[str | None, float] = {None: max(-1.0, item.mapping.default / top)}
    for i in ids:
        v = values.get(i, item.mapping.default)
        out[i] = max(-1.0, min(1.0, v / top))
    return out


# ---------------------------------------------------------------- writer

WRITTEN_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
RP = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"


def xml_escape(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text)


def quoteattr(text: str) -> str:
    from xml.sax.saxutils import quoteattr

    return quoteattr(text)


@dataclass(frozen=True)
class _Both:
    """A text in both languages, as the writer needs it (an item's LocalizedText or this)."""

    vi: str
    en: str


_TRUE_FALSE = [("true", _Both("Đúng", "True")), ("false", _Both("Sai", "False"))]


def _x(t: Any) -> str:
    """Text as QTI XHTML: line breaks as <br/>, two languages as xml:lang spans."""

    def lines(s: str) -> str:
        return "<br/>".join(xml_escape(x) for x in s.split("\n"))

    if isinstance(t, str) or t.vi == t.en:
        return lines(t if isinstance(t, str) else t.vi)
    return f'<span xml:lang="vi">{lines(t.vi)}</span><span xml:lang="en">{lines(t.en)}</span>'


def _comment(meta: dict[str, Any]) -> str:
    body = json.dumps(meta, ensure_ascii=False, separators=(",", ":")).replace("--", "-\\u002d")
    return f"<!-- dsat: {body} -->"


def _decl(cardinality: str, base: str, correct: list[str], mapping: str = "") -> str:
    values = "".join(f"<value>{xml_escape(v)}</value>" for v in correct)
    return (
        f'<responseDeclaration identifier="RESPONSE" cardinality="{cardinality}" '
        f'baseType="{base}"><correctResponse>{values}</correctResponse>{mapping}'
        "</responseDeclaration>"
    )


def write_item(item: Item) -> str | None:
    """One item as a QTI 2.1 assessmentItem document, or None when QTI has no form for it."""
    meta = item_meta(item)
    shuffle = "true" if getattr(item, "shuffle", True) else "false"
    rp = f'<responseProcessing template="{RP}match_correct"/>'
    prompt = f"<prompt>{_x(item.stem)}</prompt>"
    body_before = ""
    match item.type:
        case "single" | "true_false":
            choices: Sequence[tuple[str, LocalizedText | _Both]]
            if item.type == "single":
                choices = [(o.id, o.text) for o in item.options]
                correct = [item.key]
            else:
                choices = _TRUE_FALSE
                correct = ["true" if item.key else "false"]
            decl = _decl("single", "identifier", correct)
            inner = "".join(
                f"<simpleChoice identifier={quoteattr(i)}>{_x(t)}</simpleChoice>"
                for i, t in choices
            )
            interaction = (
                f'<choiceInteraction responseIdentifier="RESPONSE" shuffle="{shuffle}" '
                f'maxChoices="1">{prompt}{inner}</choiceInteraction>'
            )
        case "multiple":
            fr = item.fractions()
            entries = "".join(
                f'<mapEntry mapKey={quoteattr(o.id)} mappedValue="{fr[o.id]!r}"/>'
                for o in item.options
            )
            mapping = f'<mapping defaultValue="0" lowerBound="0" upperBound="1">{entries}</mapping>'
            decl = _decl("multiple", "identifier", list(item.key), mapping)
            inner = "".join(
                f"<simpleChoice identifier={quoteattr(o.id)}>{_x(o.text)}</simpleChoice>"
                for o in item.options
            )
            interaction = (
                f'<choiceInteraction responseIdentifier="RESPONSE" shuffle="{shuffle}" '
                f'maxChoices="0">{prompt}{inner}</choiceInteraction>'
            )
            rp = f'<responseProcessing template="{RP}map_response"/>'
        case "short_answer":
            case_attr = "true" if item.match.case_sensitive else "false"
            entries = "".join(
                f'<mapEntry mapKey={quoteattr(a)} mappedValue="1" caseSensitive="{case_attr}"/>'
                for a in item.answers
            ) + "".join(
                f'<mapEntry mapKey={quoteattr(p.text)} mappedValue="{p.fraction!r}" '
                f'caseSensitive="{case_attr}"/>'
                for p in item.partial
            )
            decl = _decl(
                "single",
                "string",
                [item.answers[0]],
                f'<mapping defaultValue="0">{entries}</mapping>',
            )
            body_before = f"<p>{_x(item.stem)}</p>"
            interaction = '<p><textEntryInteraction responseIdentifier="RESPONSE"/></p>'
            prompt = ""
            rp = f'<responseProcessing template="{RP}map_response"/>'
        case "numerical":
            decl = _decl("single", "float", [_num(item.answer)])
            body_before = f"<p>{_x(item.stem)}</p>"
            interaction = '<p><textEntryInteraction responseIdentifier="RESPONSE"/></p>'
            tol = _num(item.tolerance)
            rp = (
                "<responseProcessing><responseCondition><responseIf>"
                f'<equal toleranceMode="absolute" tolerance="{tol} {tol}">'
                '<variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></equal>'
                '<setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue>'
                "</setOutcomeValue></responseIf></responseCondition></responseProcessing>"
            )
        case "matching":
            rights = item.rights()
            lefts = "".join(
                f'<simpleAssociableChoice identifier="L{i + 1}" matchMax="1">{_x(p.left)}'
                "</simpleAssociableChoice>"
                for i, p in enumerate(item.pairs)
            )
            uses = [sum(1 for p in item.pairs if p.right == r) for r in rights]
            rset = "".join(
                f'<simpleAssociableChoice identifier="R{j + 1}" matchMax="{max(1, n)}">{_x(r)}'
                "</simpleAssociableChoice>"
                for j, (r, n) in enumerate(zip(rights, uses, strict=True))
            )
            correct = [f"L{i + 1} R{item.right_index(i) + 1}" for i in range(len(item.pairs))]
            # each pair alike, as dsat scores it: the share of pairs right
            entries = "".join(f'<mapEntry mapKey="{c}" mappedValue="1"/>' for c in correct)
            mapping = f'<mapping defaultValue="0" lowerBound="0">{entries}</mapping>'
            decl = _decl("multiple", "directedPair", correct, mapping)
            rp = f'<responseProcessing template="{RP}map_response"/>'
            interaction = (
                f'<matchInteraction responseIdentifier="RESPONSE" shuffle="true" '
                f'maxAssociations="{len(item.pairs)}">{prompt}<simpleMatchSet>{lefts}'
                f"</simpleMatchSet><simpleMatchSet>{rset}</simpleMatchSet></matchInteraction>"
            )
        case "ordering":
            ids = [f"S{i + 1}" for i in range(len(item.steps))]
            decl = _decl("ordered", "identifier", ids)
            inner = "".join(
                f'<simpleChoice identifier="{i}">{_x(s)}</simpleChoice>'
                for i, s in zip(ids, item.steps, strict=True)
            )
            interaction = (
                f'<orderInteraction responseIdentifier="RESPONSE" shuffle="true">{prompt}{inner}'
                "</orderInteraction>"
            )
        case _:
            return None
    feedback = (
        '<modalFeedback outcomeIdentifier="FEEDBACK" identifier="EXPLANATION" showHide="show">'
        f"<p>{_x(item.explanation)}</p></modalFeedback>"
    )
    title = item.stem.vi.split("\n")[0][:80]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<assessmentItem xmlns="{WRITTEN_NS}" identifier={quoteattr(item.id)} '
        f'title={quoteattr(title)} adaptive="false" timeDependent="false">\n'
        f"{_comment(meta)}\n{decl}\n"
        '<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>\n'
        '<outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>\n'
        f"<itemBody>{body_before}{interaction}</itemBody>\n{rp}\n{feedback}\n</assessmentItem>\n"
    )


def _num(value: float) -> str:
    return f"{value:.15g}"
