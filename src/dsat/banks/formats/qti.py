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
    template: str = ""
    feedback: str = ""
    tolerance: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
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
            if isinstance(c.tag, str):
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
    if not found:
        return problem(body, "the item has no interaction", "itemBody")
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
    equal = rp.find(f".//{q}equal") if rp is not None else None
    if equal is not None and equal.get("toleranceMode") == "absolute":
        item.tolerance = _float((equal.get("tolerance") or "0").split()[0], 0.0) or 0.0
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


def to_foreign(item: QtiItem) -> ForeignQuestion | Problem:
    """The item as a common record, or the reason it cannot be one."""
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
    if item.attrs.get("shuffle") is not None:
        q.shuffle = item.attrs["shuffle"] == "true"
    scores = _scores(item)
    where = f"{item.identifier or item.title}"
    if item.interaction in ("choiceInteraction", "inlineChoiceInteraction"):
        q.qtype = "multichoice"
        q.single = item.cardinality == "single"
        ids = [c.identifier for c in item.choices]
        if all(_OPTION_ID.match(i) for i in ids) and len(set(ids)) == len(ids):
            q.meta.setdefault("option_ids", ids)  # keep the item's own identifiers
        for c in item.choices:
            q.answers.append(
                ForeignAnswer(c.text, scores.get(c.identifier, scores[None]), "", "plain", "plain")
            )
    elif item.interaction == "orderInteraction":
        q.qtype = "ordering"
        by_id = {c.identifier: c.text for c in item.choices}
        if sorted(item.correct) != sorted(by_id):
            return Problem(
                item.line,
                f"{where}: the correct order must list every choice once",
                "correctResponse",
            )
        q.answers = [ForeignAnswer(by_id[i], 1.0, "", "plain", "plain") for i in item.correct]
        if item.template.endswith("match_correct"):
            q.meta.setdefault("scoring", "all_or_nothing")
    elif item.interaction in ("matchInteraction", "associateInteraction", "gapMatchInteraction"):
        q.qtype = "match"
        if item.interaction == "matchInteraction":
            if len(item.match_sets) != 2:
                return Problem(
                    item.line,
                    f"{where}: a match interaction needs two match sets",
                    "simpleMatchSet",
                )
            lefts, rights = item.match_sets
        elif item.interaction == "gapMatchInteraction":
            lefts = [QtiChoice(g, f"({i})") for i, g in enumerate(item.gaps, 1)]
            rights = item.choices
        else:
            lefts = rights = item.choices
        text_of = {c.identifier: c.text for c in [*lefts, *rights]}
        pairs: dict[str, str] = {}
        for value in item.correct:
            a, _, b = value.partition(" ")
            if item.interaction == "gapMatchInteraction":
                a, b = b, a  # gapText gap -> gap gapText
            if a not in text_of or b not in text_of:
                return Problem(
                    item.line,
                    f"{where}: correct pair {value!r} names an unknown choice",
                    "correctResponse",
                )
            if a in pairs:
                return Problem(
                    item.line,
                    f"{where}: {text_of[a]!r} has more than one right match",
                    "correctResponse",
                )
            pairs[a] = b
        used = set(pairs.values())
        for left in lefts:
            if left.identifier in pairs:
                q.subquestions.append(
                    SubQuestion(left.text, "plain", text_of[pairs[left.identifier]])
                )
        if item.interaction != "associateInteraction":
            for r in rights:
                if r.identifier not in used:
                    q.subquestions.append(SubQuestion("", "plain", r.text))
        if len(q.subquestions) < 2:
            return Problem(
                item.line, f"{where}: a match needs at least 2 correct pairs", "correctResponse"
            )
    elif item.interaction == "textEntryInteraction" and item.base_type in ("float", "integer"):
        q.qtype = "numerical"
        if len(item.correct) != 1:
            return Problem(
                item.line, f"{where}: a numeric entry needs one correct value", "correctResponse"
            )
        q.answers = [ForeignAnswer(item.correct[0], 1.0, tolerance=item.tolerance)]
    elif item.interaction == "textEntryInteraction":
        q.qtype = "shortanswer"
        q.case_sensitive = True
        if item.mapping and item.mapping.entries:
            top = max(v for _, v, _ in item.mapping.entries)
            for key, value, case in item.mapping.entries:
                if value > 0:  # QTI's keys are literal: an asterisk in Moodle's terms is \*
                    q.answers.append(
                        ForeignAnswer(key.replace("*", "\\*"), value / top if top else 0.0)
                    )
                if not case:
                    q.case_sensitive = False
        else:
            q.answers = [ForeignAnswer(v.replace("*", "\\*"), 1.0) for v in item.correct]
        if not q.answers:
            return Problem(
                item.line, f"{where}: the text entry has no correct response", "correctResponse"
            )
    else:
        return Problem(
            item.line,
            f"{where}: interaction {item.interaction!r} is not supported",
            item.interaction,
        )
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


def write_item(item: Any) -> str | None:
    """One item as a QTI 2.1 assessmentItem document, or None when QTI has no form for it."""
    meta = item_meta(item)
    shuffle = "true" if getattr(item, "shuffle", True) else "false"
    rp = f'<responseProcessing template="{RP}match_correct"/>'
    prompt = f"<prompt>{_x(item.stem)}</prompt>"
    body_before = ""
    match item.type:
        case "single" | "true_false":
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
            decl = _decl("multiple", "directedPair", correct)
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
