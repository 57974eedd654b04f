"""Moodle's own GIFT test cases (tests/conformance/gift), field by field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dsat.banks.formats import gift

CORPUS = Path(__file__).parent / "conformance" / "gift"
CASES = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))
TAG_CASES = json.loads((CORPUS / "comment_tag_cases.json").read_text(encoding="utf-8"))
FIXTURES = json.loads((CORPUS / "fixtures_expected.json").read_text(encoding="utf-8"))
SCALARS = (
    "name",
    "qtype",
    "single",
    "questiontext",
    "questiontextformat",
    "generalfeedback",
    "generalfeedbackformat",
    "correctanswer",
    "feedbacktrue",
    "feedbacktrueformat",
    "feedbackfalse",
    "feedbackfalseformat",
    "tags",
    "idnumber",
)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_moodle_unit_case(case):
    result = gift.read(case["gift"])
    assert result.problems == []
    [q] = result.questions
    want = case["expected"]
    for key in SCALARS:
        if key in want:
            assert getattr(q, key) == want[key], key
    assert len(q.answers) == len(want.get("answers", q.answers))
    for got, exp in zip(q.answers, want.get("answers", []), strict=True):
        assert got.text == exp["text"]
        assert got.fraction == pytest.approx(exp["fraction"])
        assert got.feedback == exp["feedback"]
        assert got.feedbackformat == exp["feedbackformat"]
        if "format" in exp:
            assert got.format == exp["format"]
        if "tolerance" in exp:
            if exp["tolerance"] == "":
                assert got.tolerance in ("", None)
            else:
                assert got.tolerance == pytest.approx(exp["tolerance"])
    if "subquestions" in want:
        got_subs = [
            {"text": s.text, "format": s.format, "answer": s.answer} for s in q.subquestions
        ]
        assert got_subs == want["subquestions"]


@pytest.mark.parametrize("case", TAG_CASES, ids=[c["id"] for c in TAG_CASES])
def test_tags_and_idnumber_in_comments(case):
    tags, idnumber = gift.tags_and_idnumber(case["comment"])
    assert tags == case["expected"]["tags"]
    assert idnumber == case["expected"]["idnumber"]


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f["file"] for f in FIXTURES])
def test_moodle_fixture_file(fixture):
    raw = (CORPUS / fixture["file"]).read_bytes()
    asserted = fixture["asserted_by_moodle"]
    if asserted.get("rejected"):
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        return
    result = gift.read(raw.decode("utf-8"))
    assert result.problems == []
    assert len(result.questions) == asserted["question_count"]
    names = [q.name for q in result.questions]
    for name in asserted["question_names_include"]:
        assert name in names
    texts = " ".join(q.questiontext for q in result.questions)
    for shown in asserted["text_shown_during_import"]:
        assert shown in texts
    derived = fixture.get("derived_from_file_not_asserted")
    if derived:
        assert {q.category for q in result.questions} == {derived["category"]}
        for q, exp in zip(result.questions, derived["questions"], strict=True):
            for key in ("name", "qtype", "single", "questiontextformat", "questiontext"):
                if key in exp:
                    assert getattr(q, key) == exp[key], key
            if "correctanswer" in exp:
                assert q.correctanswer is exp["correctanswer"]
            for got, want in zip(q.answers, exp.get("answers", []), strict=True):
                assert (got.text, got.feedback) == (want["text"], want["feedback"])
                assert got.fraction == pytest.approx(want["fraction"])
