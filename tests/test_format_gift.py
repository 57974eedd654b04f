"""GIFT (and Moodle XML) read as Moodle reads them: short answers' wildcard, HTML comments
in feedback, feedback that is only an image, single-answer questions dsat cannot score as
Moodle does."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from dsat.banks.foreign import ImportOptions, load_any
from dsat.banks.formats import registry
from dsat.domain.scoring import score_fraction
from dsat.services.banks import default_framework
from tests.factories import item

FW = default_framework(None)
OPTIONS = ImportOptions(competency="4.1", level=2)


def validate(path: str):
    from dsat.cli import main

    args = ["bank", "validate", path, "--competency", "4.1", "--level", "2"]
    return CliRunner().invoke(main, args)


def load(name: str, text: str):
    Path(name).write_text(text, encoding="utf-8")
    return {i.id: i for i in load_any([Path(name)], FW, OPTIONS).bank.items}


def test_a_wildcard_in_a_short_answer_is_refused_with_the_reason(here):
    Path("w.gift").write_text(
        "::pw::\nWhich setting needs a restart?\n{=%100%*manually* =auto}\n", encoding="utf-8"
    )
    result = validate("w.gift")
    assert result.exit_code == 1
    assert (
        "w.gift:1: answers: pw: answer '*manually*': '*' is Moodle's wildcard (any text) and "
        "dsat's short answers have none"
    ) in result.stderr


def test_an_escaped_asterisk_is_an_asterisk_and_a_lone_one_the_catch_all(here):
    got = load(
        "s.gift",
        "::op:: 2 times 3 in a spreadsheet? {=2\\\\*3 =%0%*#Use the asterisk}\n",
    )
    [sa] = got.values()
    assert sa.answers == ["2*3"]  # '\\*' in the file is Moodle's escaped asterisk
    assert score_fraction(sa, "2*3") == 1.0 and score_fraction(sa, "23") == 0.0


def test_moodle_xml_short_answers_have_the_same_wildcard(here):
    Path("m.xml").write_text(
        '<?xml version="1.0"?>\n<quiz>\n<question type="shortanswer">\n'
        "<name><text>sa</text></name>\n<questiontext><text>Name it</text></questiontext>\n"
        '<answer fraction="100"><text>file*</text></answer>\n</question>\n</quiz>\n',
        encoding="utf-8",
    )
    result = validate("m.xml")
    assert result.exit_code == 1
    assert "m.xml:3: answers: sa: answer 'file*': '*' is Moodle's wildcard" in result.stderr


def test_asterisks_in_answers_survive_every_format(here):
    bank = [item("short_answer", answers=["2*3", "*", "a\\*b"], id="star")]
    for name in ("gift", "qti", "csv", "xlsx", "yaml"):
        path = Path(f"star{registry.get(name).suffixes[0]}")
        path.write_bytes(registry.export(bank, name).data)
        [back] = load_any([path], FW).bank.items
        assert back.answers == bank[0].answers, name


def test_an_html_comment_in_feedback_is_removed_whole(here):
    got = load(
        "c.gift",
        "::c:: Lock the screen? {TRUE####[html]<!--<var>X</var>-->Press <b>Win+L</b>.}\n",
    )
    assert got["c-c"].explanation.en == "Press Win+L."


def test_general_feedback_that_is_only_an_image_falls_back(here):
    got = load(
        "i.gift",
        '::i:: Pick the padlock {=padlock#Right ~door####[html]<img src="lock.png">}\n\n'
        '::j:: Is HTTPS encrypted? {TRUE####[html]<p><img src="x.png"></p>}\n',
    )
    assert got["i-i"].explanation.en == "Right"  # the right answer's feedback
    assert got["i-j"].explanation.en == "The right answer: True"  # stated


def test_single_answer_questions_dsat_cannot_score_as_moodle_are_refused(here):
    Path("s.gift").write_text(
        "::two:: Which are browsers? {=Firefox =Chrome ~Word}\n\n"
        "::part:: The safest password? {=correct-horse-battery ~%50%Tr0ub4dor ~123456}\n",
        encoding="utf-8",
    )
    result = validate("s.gift")
    assert result.exit_code == 1
    assert (
        "s.gift:1: answers: two: a single-answer question with 2 answers worth 100% "
        "('Firefox', 'Chrome'): dsat's single choice has one right answer"
    ) in result.stderr
    assert (
        "s.gift:3: answers: part: a single-answer question with part marks ('Tr0ub4dor' 50%): "
        "dsat scores a single choice right or wrong"
    ) in result.stderr
