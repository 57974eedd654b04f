"""Writing items out: native YAML, GIFT, an IMS QTI 2.1 package, XLSX and CSV.

What a format cannot say (competency, level, option ids, match rules, ...) travels in a
comment that other tools ignore (`// dsat: {json}` in GIFT, `<!-- dsat: {json} -->` in QTI),
so that importing an export gives the same items back. Texts in two languages are written
with Moodle's multi-language markup (`{mlang vi}…{mlang}`) or, in QTI, `xml:lang` spans.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from dsat.banks.formats import gift
from dsat.banks.formats.convert import OPTION_IDS
from dsat.banks.formats.model import join_languages
from dsat.domain.text import LocalizedText

EXPORT_FORMATS = ("yaml", "gift", "qti", "xlsx", "csv")
SUFFIX = {"yaml": ".yaml", "gift": ".gift", "qti": ".zip", "xlsx": ".xlsx", "csv": ".csv"}


@dataclass
class Exported:
    data: bytes
    written: int
    skipped: list[str] = field(default_factory=list)  # "why: id"

    def skipped_summary(self) -> list[str]:
        """One line per reason: 'why (n): id, id, ...'."""
        groups: dict[str, list[str]] = {}
        for s in self.skipped:
            why, _, ident = s.rpartition(": ")
            groups.setdefault(why, []).append(ident)
        return [f"{why} ({len(ids)}): {', '.join(ids)}" for why, ids in groups.items()]


def export(items: Sequence[Any], fmt: str) -> Exported:
    if fmt == "yaml":
        return Exported(to_yaml(items).encode(), len(items))
    if fmt == "gift":
        return to_gift(items)
    if fmt == "qti":
        return to_qti(items)
    from dsat.banks.formats import sheet

    if fmt == "xlsx":
        return Exported(sheet.write_xlsx(items), len(items))
    if fmt == "csv":
        return Exported(sheet.write_csv(items).encode("utf-8-sig"), len(items))
    raise ValueError(f"unknown format {fmt!r}")


# ---------------------------------------------------------------- YAML

_FIRST = ("id", "type", "competency", "level")


def item_dict(item: Any) -> dict[str, Any]:
    data = item.model_dump(mode="json", exclude_defaults=True)
    data["type"] = item.type
    return {k: data[k] for k in _FIRST if k in data} | {
        k: v for k, v in data.items() if k not in _FIRST
    }


def to_yaml(items: Sequence[Any]) -> str:
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> Any:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, text)
    body = yaml.dump(
        {"items": [item_dict(i) for i in items]},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    return "# dsat question bank (exported)\n" + body


# ---------------------------------------------------------------- GIFT


def _text(t: LocalizedText) -> str:
    return join_languages({"vi": t.vi, "en": t.en})


def _g(t: LocalizedText | str) -> str:
    return gift.escape(t if isinstance(t, str) else _text(t))


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.7f}".rstrip("0").rstrip(".")


def _num(value: float) -> str:
    return f"{value:.15g}"


def _meta(item: Any) -> dict[str, Any]:
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
    if getattr(item, "unit", None) is not None:
        meta["unit"] = item.unit.model_dump()
    if item.type == "ordering":
        meta["scoring"] = item.scoring
    if item.type in ("self_rating", "true_false"):
        meta["type"] = item.type
    return meta


def to_gift(items: Sequence[Any]) -> Exported:
    out: list[str] = ["// dsat question bank (exported). Moodle GIFT format.", ""]
    skipped = []
    written = 0
    for item in items:
        lines = _gift_answers(item)
        if lines is None:
            skipped.append(f"{item.type} items have no GIFT form: {item.id}")
            continue
        meta = _meta(item)
        if item.type == "self_rating":
            if item.explanation is not None:  # a description has no place for feedback
                meta["explanation"] = item.explanation.model_dump()
            question = (
                f"// dsat: {json.dumps(meta, ensure_ascii=False, separators=(',', ':'))}\n"
                f"::{gift.escape(item.id)}::[plain]{_g(item.stem)}"
            )
        else:
            question = gift.write_question(
                item.id,
                _g(item.stem),
                "\n".join(f"    {ln}" for ln in lines),
                general_feedback="[plain]" + _g(item.explanation),
                meta=meta,
                idnumber=item.id,
                tags=(),
            )
        out += [question, ""]
        written += 1
    return Exported("\n".join(out).encode(), written, skipped)


def _gift_answers(item: Any) -> list[str] | None:
    match item.type:
        case "single":
            return [("=" if o.id == item.key else "~") + _g(o.text) for o in item.options]
        case "multiple":
            fr = item.fractions()
            return [f"~%{_pct(fr[o.id])}%{_g(o.text)}" for o in item.options]
        case "true_false":
            return ["TRUE" if item.key else "FALSE"]
        case "short_answer":
            full = [f"={gift.escape(a)}" for a in item.answers]
            return full + [f"=%{_pct(p.fraction)}%{gift.escape(p.text)}" for p in item.partial]
        case "numerical":
            return [f"#{_num(item.answer)}:{_num(item.tolerance)}"]
        case "matching":
            pairs = [f"={_g(p.left)} -> {_g(p.right)}" for p in item.pairs]
            return pairs + [f"= -> {_g(d)}" for d in item.distractors]
        case "self_rating":
            return []
    return None


# ---------------------------------------------------------------- QTI 2.1

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
RP = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"


def _x(t: LocalizedText | str) -> str:
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


def _qti_item(item: Any) -> str | None:
    meta = _meta(item)
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
                choices = [("true", LocalizedText(vi="Đúng", en="True")),
                           ("false", LocalizedText(vi="Sai", en="False"))]  # fmt: skip
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
        f'<assessmentItem xmlns="{QTI_NS}" identifier={quoteattr(item.id)} '
        f'title={quoteattr(title)} adaptive="false" timeDependent="false">\n'
        f"{_comment(meta)}\n{decl}\n"
        '<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>\n'
        '<outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>\n'
        f"<itemBody>{body_before}{interaction}</itemBody>\n{rp}\n{feedback}\n</assessmentItem>\n"
    )


def to_qti(items: Sequence[Any]) -> Exported:
    buf = io.BytesIO()
    resources = []
    skipped = []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, item in enumerate(items, 1):
            xml = _qti_item(item)
            if xml is None:
                skipped.append(f"{item.type} items have no QTI form: {item.id}")
                continue
            href = f"items/{item.competency}/item{n:05d}.xml"
            zf.writestr(href, xml)
            resources.append(
                f'<resource identifier="R{n}" type="imsqti_item_xmlv2p1" href="{href}">'
                f'<file href="{href}"/></resource>'
            )
        manifest = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="dsat-export">'
            "<metadata><schema>QTIv2.1 Package</schema><schemaversion>1.0.0</schemaversion>"
            "</metadata><organizations/><resources>"
            + "".join(resources)
            + "</resources></manifest>\n"
        )
        zf.writestr("imsmanifest.xml", manifest)
    return Exported(buf.getvalue(), len(resources), skipped)
