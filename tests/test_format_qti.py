"""QTI items dsat cannot score as their own response processing does are refused with the
reason, never imported with other text or scoring; essays are skipped on request; every
place inside a package is PKG.zip:INNER:LINE with the field named."""

from __future__ import annotations

import io
import re
import sqlite3
import zipfile
from pathlib import Path

from click.testing import CliRunner

from dsat.banks.foreign import ImportOptions, load_any
from dsat.banks.formats import registry
from dsat.domain.scoring import score_fraction
from dsat.services.banks import default_framework
from tests.factories import item
from tests.test_format_limits import package

FW = default_framework(None)
NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
RP = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"
MATCH_BODY = (
    '<itemBody><matchInteraction responseIdentifier="RESPONSE" shuffle="true" '
    'maxAssociations="3"><prompt>Match each tool to its use</prompt>\n<simpleMatchSet>'
    '<simpleAssociableChoice identifier="E" matchMax="1">Email</simpleAssociableChoice>'
    '<simpleAssociableChoice identifier="V" matchMax="1">Video call</simpleAssociableChoice>'
    '<simpleAssociableChoice identifier="S" matchMax="1">Spreadsheet</simpleAssociableChoice>'
    "</simpleMatchSet>\n<simpleMatchSet>"
    '<simpleAssociableChoice identifier="L" matchMax="1">Letters</simpleAssociableChoice>'
    '<simpleAssociableChoice identifier="M" matchMax="1">Meetings</simpleAssociableChoice>'
    '<simpleAssociableChoice identifier="T" matchMax="1">Tables</simpleAssociableChoice>'
    '<simpleAssociableChoice identifier="P" matchMax="1">Photos</simpleAssociableChoice>'
    "</simpleMatchSet></matchInteraction></itemBody>\n"
)
ORDER_BODY = (
    '<itemBody><orderInteraction responseIdentifier="RESPONSE" shuffle="true">'
    "<prompt>Order the steps</prompt>"
    '<simpleChoice identifier="A">Save</simpleChoice>'
    '<simpleChoice identifier="B">Name</simpleChoice>'
    '<simpleChoice identifier="C">Send</simpleChoice></orderInteraction></itemBody>\n'
)


def doc(ident: str, decl: str, body: str, rp: str, head: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<assessmentItem xmlns="{NS}" '
        f'identifier="{ident}" title="{ident}" adaptive="false" timeDependent="false">\n'
        f"{decl}\n{head}"
        '<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>\n'
        f"{body}{rp}\n</assessmentItem>\n"
    )


def pairs_decl(mapping: str = "", correct: bool = True) -> str:
    values = "<value>E L</value><value>V M</value><value>S T</value>" if correct else ""
    return (
        '<responseDeclaration identifier="RESPONSE" cardinality="multiple" '
        f'baseType="directedPair"><correctResponse>{values}</correctResponse>\n{mapping}'
        "</responseDeclaration>"
    )


def template(name: str) -> str:
    return f'<responseProcessing template="{RP}{name}"/>'


def validate(*args: str):
    from dsat.cli import main

    options = ["--competency", "2.1", "--level", "2"]
    return CliRunner().invoke(main, ["bank", "validate", *args, *options])


def test_a_template_item_is_refused_not_imported_with_its_placeholders(here):
    head = (
        '<templateDeclaration identifier="A" cardinality="single" baseType="integer"/>\n'
        '<templateProcessing><setTemplateValue identifier="A"><randomInteger min="1" '
        'max="9"/></setTemplateValue></templateProcessing>\n'
    )
    body = ORDER_BODY.replace("Order the steps", 'Order <printedVariable identifier="A"/> steps')
    decl = (
        '<responseDeclaration identifier="RESPONSE" cardinality="ordered" baseType="identifier">'
        "<correctResponse><value>B</value><value>A</value><value>C</value></correctResponse>"
        "</responseDeclaration>"
    )
    Path("tpl.xml").write_text(doc("tpl", decl, body, template("match_correct"), head))
    result = validate("tpl.xml")
    assert result.exit_code == 1
    assert (
        "tpl.xml:4: templateDeclaration: tpl: a template item (<templateDeclaration>: values "
        "drawn when the test is taken) is not supported"
    ) in result.stderr


def test_an_order_scored_by_custom_rules_is_refused(here):
    """2 for the right order, 1 when the first step is right, else 0: not dsat's scoring."""
    decl = (
        '<responseDeclaration identifier="RESPONSE" cardinality="ordered" baseType="identifier">'
        "<correctResponse><value>B</value><value>A</value><value>C</value></correctResponse>"
        "</responseDeclaration>"
    )
    rp = (
        "<responseProcessing>\n<responseCondition><responseIf><match>"
        '<variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></match>'
        '<setOutcomeValue identifier="SCORE"><baseValue baseType="float">2</baseValue>'
        '</setOutcomeValue></responseIf><responseElseIf><match><index n="1">'
        '<variable identifier="RESPONSE"/></index><baseValue baseType="identifier">B'
        '</baseValue></match><setOutcomeValue identifier="SCORE"><baseValue baseType="float">1'
        "</baseValue></setOutcomeValue></responseElseIf><responseElse>"
        '<setOutcomeValue identifier="SCORE"><baseValue baseType="float">0</baseValue>'
        "</setOutcomeValue></responseElse></responseCondition></responseProcessing>"
    )
    Path("order.xml").write_text(doc("ord", decl, ORDER_BODY, rp))
    result = validate("order.xml")
    assert result.exit_code == 1
    assert (
        "order.xml:6: responseProcessing: ord: custom response processing dsat cannot "
        "represent (a condition with 3 branches)"
    ) in result.stderr


def test_a_match_scored_only_by_its_mapping_is_read_from_the_mapping(here):
    mapping = (
        '<mapping defaultValue="0"><mapEntry mapKey="E L" mappedValue="1"/>'
        '<mapEntry mapKey="V M" mappedValue="1"/><mapEntry mapKey="S T" mappedValue="1"/>'
        "</mapping>"
    )
    Path("m.xml").write_text(
        doc("m", pairs_decl(mapping, correct=False), MATCH_BODY, template("map_response"))
    )
    [m] = load_any([Path("m.xml")], FW, ImportOptions(competency="2.1", level=2)).bank.items
    assert [(p.left.en, p.right.en) for p in m.pairs] == [
        ("Email", "Letters"),
        ("Video call", "Meetings"),
        ("Spreadsheet", "Tables"),
    ]
    assert [d.en for d in m.distractors] == ["Photos"]
    rights = [r.en for r in m.rights()]
    half = [rights.index("Letters"), rights.index("Tables"), rights.index("Meetings")]
    assert score_fraction(m, half) == 1 / 3  # one pair of three right, as the mapping scores


def test_pairs_scored_all_or_nothing_by_another_tool_are_refused(here):
    Path("mc.xml").write_text(doc("mc", pairs_decl(), MATCH_BODY, template("match_correct")))
    result = validate("mc.xml")
    assert result.exit_code == 1
    assert (
        "mc.xml:9: responseProcessing: mc: pairs scored all or nothing (match_correct); dsat "
        "scores the share of pairs right"
    ) in result.stderr


def test_templates_written_out_as_rules_are_read_as_the_templates(here):
    """Tools such as TAO write the standard templates out; feedback rules are left aside."""
    match_correct = (
        "<responseProcessing><responseCondition><responseIf><match>"
        '<variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></match>'
        '<setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue>'
        '</setOutcomeValue><setOutcomeValue identifier="FEEDBACK"><baseValue '
        'baseType="identifier">right</baseValue></setOutcomeValue></responseIf><responseElse>'
        '<setOutcomeValue identifier="SCORE"><baseValue baseType="float">0</baseValue>'
        "</setOutcomeValue></responseElse></responseCondition></responseProcessing>"
    )
    decl = (
        '<responseDeclaration identifier="RESPONSE" cardinality="ordered" baseType="identifier">'
        "<correctResponse><value>B</value><value>A</value><value>C</value></correctResponse>"
        "</responseDeclaration>"
    )
    map_response = (
        "<responseProcessing><responseCondition><responseIf><isNull>"
        '<variable identifier="RESPONSE"/></isNull><setOutcomeValue identifier="SCORE">'
        '<baseValue baseType="float">0.0</baseValue></setOutcomeValue></responseIf>'
        '<responseElse><setOutcomeValue identifier="SCORE"><mapResponse identifier="RESPONSE"/>'
        "</setOutcomeValue></responseElse></responseCondition></responseProcessing>"
    )
    mapping = (
        '<mapping defaultValue="0"><mapEntry mapKey="E L" mappedValue="2"/>'
        '<mapEntry mapKey="V M" mappedValue="2"/><mapEntry mapKey="S T" mappedValue="2"/>'
        "</mapping>"
    )
    package(
        Path("tao.zip"),
        {
            "items/o.xml": doc("o", decl, ORDER_BODY, match_correct),
            "items/m.xml": doc("m", pairs_decl(mapping), MATCH_BODY, map_response),
        },
    )
    got = load_any([Path("tao.zip")], FW, ImportOptions(competency="2.1", level=2)).bank.items
    assert {i.id: i.type for i in got} == {"o": "ordering", "m": "matching"}
    assert got[0].scoring == "all_or_nothing"


def test_an_item_without_response_processing_is_refused(here):
    decl = (
        '<responseDeclaration identifier="RESPONSE" cardinality="ordered" baseType="identifier">'
        "<correctResponse><value>B</value><value>A</value><value>C</value></correctResponse>"
        "</responseDeclaration>"
    )
    Path("n.xml").write_text(doc("n", decl, ORDER_BODY, ""))
    result = validate("n.xml")
    assert result.exit_code == 1
    assert "n.xml:2: responseProcessing: n: the item has no responseProcessing" in result.stderr


ESSAY = (
    '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string"/>',
    "<itemBody><p>Describe a phishing email.</p><extendedTextInteraction "
    'responseIdentifier="RESPONSE" expectedLines="5"/></itemBody>\n',
)
UPLOAD = (
    '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="file"/>',
    '<itemBody><p>Upload your report.</p><uploadInteraction responseIdentifier="RESPONSE"/>'
    "</itemBody>\n",
)


def test_skip_unsupported_skips_qti_essays_and_a_file_of_them_is_not_an_error(here):
    package(
        Path("essays.zip"),
        {
            "items/e.xml": doc("e", *ESSAY, ""),
            "items/u.xml": doc("u", *UPLOAD, ""),
        },
    )
    refused = validate("essays.zip")
    assert refused.exit_code == 1
    assert "essays.zip:items/e.xml:2: type: e: essay questions are not supported" in refused.stderr
    skipped = validate("essays.zip", "--skip-unsupported")
    assert skipped.exit_code == 0, skipped.output
    assert "note: essays.zip:items/e.xml:2: skipped 'e': essay questions" in skipped.stderr
    assert "note: essays.zip:items/u.xml:2: skipped 'u'" in skipped.stderr
    assert "note: essays.zip: nothing to import (every question was skipped)" in skipped.stderr
    from dsat.cli import main

    imported = CliRunner().invoke(
        main,
        ["bank", "import", "essays.zip", "--competency", "2.1", "--level", "2",
         "--skip-unsupported", "--db", "t.db"],
    )  # fmt: skip
    assert imported.exit_code == 0, imported.output
    with sqlite3.connect("t.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 0


def test_every_problem_in_a_package_is_placed_inside_it_and_names_its_field(here):
    bad_decl = (
        '<responseDeclaration identifier="OTHER" cardinality="single" baseType="identifier"/>'
    )
    package(
        Path("pkg.zip"),
        {
            "items/tpl.xml": doc("t", ESSAY[0], ESSAY[1], "", "<templateDeclaration/>\n"),
            "items/decl.xml": doc("d", bad_decl, ORDER_BODY, template("match_correct")),
            "items/broken.xml": "<assessmentItem>",
            "items/mc.xml": doc("mc", pairs_decl(), MATCH_BODY, template("match_correct")),
        },
    )
    result = validate("pkg.zip")
    assert result.exit_code == 1
    problems = [ln for ln in result.stderr.splitlines() if not ln.startswith("error:")]
    assert len(problems) == 4, result.stderr
    for line in problems:
        assert re.match(r"^pkg\.zip:items/\w+\.xml:\d+: \w+: ", line), line


def test_dsat_writes_matching_as_qti_scores_it(here):
    bank = [item("matching", id="m1")]
    data = registry.export(bank, "qti").data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = next(zf.read(n).decode() for n in zf.namelist() if n.startswith("items/"))
    assert "rptemplates/map_response" in xml and 'mappedValue="1"' in xml
    Path("m.zip").write_bytes(data)
    [back] = load_any([Path("m.zip")], FW).bank.items
    assert back == bank[0]


def test_feedback_inside_the_body_or_a_choice_is_not_question_text(here):
    decl = (
        '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">'
        "<correctResponse><value>A</value></correctResponse></responseDeclaration>"
    )
    body = (
        "<itemBody><p>Which is a strong password?</p>"
        '<feedbackBlock outcomeIdentifier="FEEDBACK" identifier="A" showHide="show">'
        "<p>Yes: long and random.</p></feedbackBlock>"
        '<choiceInteraction responseIdentifier="RESPONSE" maxChoices="1">'
        '<simpleChoice identifier="A">correct-horse-battery<feedbackInline '
        'outcomeIdentifier="FEEDBACK" identifier="A" showHide="show"> Right!</feedbackInline>'
        '</simpleChoice><simpleChoice identifier="B">123456</simpleChoice>'
        "</choiceInteraction></itemBody>\n"
    )
    Path("fb.xml").write_text(doc("fb", decl, body, template("match_correct")))
    [fb] = load_any([Path("fb.xml")], FW, ImportOptions(competency="4.1", level=2)).bank.items
    assert fb.stem.en == "Which is a strong password?"
    assert [o.text.en for o in fb.options] == ["correct-horse-battery", "123456"]


def test_an_item_of_text_only_is_a_description_skipped_on_request(here):
    body = "<itemBody><p>Read the next three questions with care.</p></itemBody>\n"
    Path("d.xml").write_text(doc("intro", "", body, ""))
    refused = validate("d.xml")
    assert refused.exit_code == 1
    assert "d.xml:2: type: intro: description-only text" in refused.stderr
    skipped = validate("d.xml", "--skip-unsupported")
    assert skipped.exit_code == 0, skipped.output
    assert "nothing to import" in skipped.stderr
