"""Aiken, Moodle XML and IMS QTI files from other projects, against their expected parse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dsat.banks.formats import aiken, moodlexml, qti
from dsat.banks.formats.model import to_plain
from dsat.banks.formats.xmlsource import parse

CORPUS = Path(__file__).parent / "conformance"
AIKEN = json.loads((CORPUS / "aiken" / "cases.json").read_text(encoding="utf-8"))
MOODLE_XML = {
    k: v
    for k, v in json.loads((CORPUS / "moodlexml" / "expected.json").read_text("utf-8")).items()
    if not k.startswith("_")
}
QTI = {
    k: v
    for k, v in json.loads((CORPUS / "qti" / "expected.json").read_text("utf-8")).items()
    if not k.startswith("_")
}
XML_FORMATS = {"moodle_auto_format": "moodle", "plain_text": "plain"}


@pytest.mark.parametrize("case", AIKEN, ids=[c["id"] for c in AIKEN])
def test_aiken_case(case):
    result = aiken.read(case["aiken"])
    expected = case["expected"]
    derived = case.get("derived_expected", {})
    count = expected.get("question_count", derived.get("question_count"))
    if count is not None:
        assert len(result.questions) == count
    wanted = expected.get("questions") or derived.get("questions") or []
    for q, want in zip(result.questions, wanted, strict=True):
        if "name" in want:
            assert q.name == want["name"]
        if "questiontext" in want:
            assert q.questiontext == want["questiontext"]
        # Moodle stores choices as HTML; dsat keeps plain text, so compare unescaped
        assert [a.text for a in q.answers] == [to_plain(a["text"], "html") for a in want["answers"]]
        assert [a.fraction for a in q.answers].index(1.0) == want["correct_index"]
        assert q.single is True
    rejected = case.get("rejected", [])
    assert len(result.problems) == len(rejected)
    for problem, rej in zip(result.problems, rejected, strict=True):
        message, _, line = rej["moodle_error"].rpartition(" on line ")
        assert problem.where == int(line)
        assert message in problem.message


@pytest.mark.parametrize("name", sorted(MOODLE_XML))
def test_moodle_xml_file(name):
    exp = MOODLE_XML[name]
    result = moodlexml.read((CORPUS / "moodlexml" / name).read_bytes())
    if not exp["import_succeeds"]:
        assert result.problems, "the file must be refused"
        if name == "error_invalid_grades.xml":
            [p] = result.problems
            assert "0.33" in p.message
            assert "Question with invalid grades : x > 1 & x < 2" in p.message
        else:  # cloze: each question named, none accepted
            assert result.questions == []
            assert len(result.problems) == exp["question_count_in_file"]
            assert all("not supported" in p.message for p in result.problems)
        return
    assert result.problems == []
    items = [i for i in exp["items"] if i["type"] != "category"]
    assert len(result.questions) == exp["question_count"]
    for q, want in zip(result.questions, items, strict=True):
        assert q.qtype == want["type"]
        assert q.name == want["name"]
        assert q.category == want["category"]
        assert q.questiontext == want["questiontext"]
        assert q.questiontextformat == XML_FORMATS.get(
            want["questiontextformat"], want["questiontextformat"]
        )
        assert q.idnumber == want["idnumber"]
        assert [(a.text, a.fraction) for a in q.answers] == [
            (a["text"], a["fraction"]) for a in want["answers"]
        ]
        if "correctanswer" in want:
            assert q.correctanswer is want["correctanswer"]


@pytest.mark.parametrize("name", sorted(QTI))
def test_qti_item(name):
    exp = QTI[name]
    item = qti.read_item(parse((CORPUS / "qti" / name).read_bytes()), name)
    assert item.problems == []
    assert (item.identifier, item.title, item.version) == (
        exp["identifier"],
        exp["title"],
        exp["qti_version"],
    )
    resp = exp["response"]
    assert (item.cardinality, item.base_type) == (resp["cardinality"], resp["baseType"])
    assert item.correct == resp["correct_response"]
    if resp["mapping"] is None:
        assert item.mapping is None
    else:
        m = resp["mapping"]
        assert item.mapping.default == m["defaultValue"]
        assert item.mapping.lower == m.get("lowerBound")
        assert item.mapping.upper == m.get("upperBound")
        assert [(k, v) for k, v, _ in item.mapping.entries] == [
            (e["mapKey"], e["mappedValue"]) for e in m["entries"]
        ]
    inter = exp["interaction"]
    assert item.interaction == inter["type"]
    assert item.prompt == inter.get("prompt", "")
    if "choices" in inter:
        got = [
            {"identifier": c.identifier, "text": c.text}
            | ({"fixed": c.fixed} if c.fixed is not None else {})
            | ({"matchMax": c.match_max} if c.match_max is not None else {})
            for c in item.choices
        ]
        assert got == inter["choices"]
    if "match_sets" in inter:
        assert [[(c.identifier, c.text, c.match_max) for c in s] for s in item.match_sets] == [
            [(c["identifier"], c["text"], c["matchMax"]) for c in s] for s in inter["match_sets"]
        ]
    if "gaps" in inter:
        assert item.gaps == inter["gaps"]
    for attr in ("shuffle", "maxChoices", "maxAssociations", "expectedLength"):
        if attr in inter:
            assert item.attrs[attr] == str(inter[attr]).lower()
    assert item.template == exp["response_processing_template"]
    # and maps onto a question dsat can hold, or is refused with the reason it cannot
    q = qti.to_foreign(item)
    if "dsat_refuses" in exp:
        assert isinstance(q, qti.Problem), q
        assert exp["dsat_refuses"] in q.message
    else:
        assert not isinstance(q, qti.Problem), q
