"""`dsat bank validate` / `import` on bad files: every error as PATH:LINE: field: message,
exit code 1, and the database byte-identical afterwards."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from dsat.cli import main
from dsat.services.banks import import_bank, shipped_bank_dir
from dsat.store import open_store as connect

GOOD = """\
items:
  - id: X-1
    competency: "4.1"
    level: 2
    type: single
    stem: {vi: Câu hỏi, en: Question}
    options:
      - id: a
        text: {vi: Một, en: One}
      - id: b
        text: {vi: Hai, en: Two}
    key: b
    explanation: {vi: Vì vậy, en: Because}
  - id: X-2
    competency: "4.1"
    level: 3
    type: numerical
    stem: {vi: Bao nhiêu?, en: How many?}
    answer: 4
    tolerance: 0
    explanation: {vi: Vì vậy, en: Because}
"""

CASES = {
    # name: (replace this, with that, expected line, expected "field: message" fragment)
    "yaml_syntax": ("    key: b\n", "    key: [b\n", 13, "YAML syntax error"),
    "unknown_competency": (
        'competency: "4.1"\n    level: 2',
        'competency: "9.9"\n    level: 2',
        3,
        "items[0] (X-1).competency: unknown competency '9.9'",
    ),
    "missing_key": ("    key: b\n", "", 2, "items[0] (X-1).key: required field is missing"),
    "key_not_in_options": (
        "    key: b\n",
        "    key: z\n",
        12,
        "items[0] (X-1).key: 'z' is not among the option ids",
    ),
    "fewer_than_two_options": (
        "      - id: b\n        text: {vi: Hai, en: Two}\n",
        "",
        7,
        "items[0] (X-1).options: needs at least 2 entries",
    ),
    "empty_text": (
        "stem: {vi: Câu hỏi, en: Question}",
        "stem: {vi: Câu hỏi, en: '  '}",
        6,
        "items[0] (X-1).stem.en: text is empty",
    ),
    "unknown_type": (
        "type: numerical",
        "type: essay",
        17,
        "items[1] (X-2).type: unknown item type 'essay'",
    ),
    "language_missing": (
        "explanation: {vi: Vì vậy, en: Because}\n  - id: X-2",
        "explanation: {vi: Vì vậy}\n  - id: X-2",
        13,
        "items[0] (X-1).explanation.en: missing text for language 'en'",
    ),
    "negative_tolerance": (
        "tolerance: 0",
        "tolerance: -0.5",
        20,
        "items[1] (X-2).tolerance: must not be negative",
    ),
    "unknown_field": (
        "    key: b\n",
        "    key: b\n    colour: red\n",
        13,
        "items[0] (X-1).colour: unknown field",
    ),
}


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def prepared_db(tmp_path: Path) -> Path:
    path = tmp_path / "bank.db"
    db = connect(path)
    import_bank(db, [shipped_bank_dir()], imported_by="test")
    db.close()
    return path


def test_the_good_file_is_valid(tmp_path: Path):
    f = tmp_path / "good.yaml"
    f.write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(main, ["bank", "validate", str(f)])
    assert result.exit_code == 0, result.output
    assert "ok: 2 items in 1 files are valid" in result.output


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_error_names_file_line_and_field(tmp_path: Path, prepared_db: Path, case: str):
    old, new, line, fragment = CASES[case]
    assert old in GOOD
    bad = tmp_path / f"{case}.yaml"
    bad.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    before = _hash(prepared_db)

    validate = CliRunner().invoke(main, ["bank", "validate", str(bad)])
    imported = CliRunner().invoke(main, ["bank", "import", str(bad), "--db", str(prepared_db)])

    for result in (validate, imported):
        assert result.exit_code == 1
        assert f"{bad}:{line}: " in result.stderr, result.stderr
        assert fragment in result.stderr, result.stderr
        assert "nothing was written" in result.stderr
        assert "Traceback" not in result.output
    assert _hash(prepared_db) == before


def test_duplicate_id_across_files_is_reported_with_both_places(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD.replace("X-2", "X-3"), encoding="utf-8")
    result = CliRunner().invoke(main, ["bank", "validate", str(tmp_path)])
    assert result.exit_code == 1
    assert (
        f"{tmp_path / 'b.yaml'}:2: items[0] (X-1).id: duplicate item id 'X-1' "
        f"(first in {tmp_path / 'a.yaml'} items[0])"
    ) in result.stderr


def test_every_error_is_reported_not_only_the_first(tmp_path: Path):
    bad = tmp_path / "many.yaml"
    text = GOOD.replace("    key: b\n", "    key: z\n").replace("tolerance: 0", "tolerance: -1")
    bad.write_text(text.replace('"4.1"', '"0.0"'), encoding="utf-8")
    result = CliRunner().invoke(main, ["bank", "validate", str(bad)])
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith(str(bad))]
    assert len(lines) == 4, result.stderr
    assert "4 problems found" in result.stderr


def test_missing_file_and_not_utf8(tmp_path: Path):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(GOOD.encode().replace("Câu hỏi".encode(), b"C\xe2u"))
    result = CliRunner().invoke(main, ["bank", "validate", str(latin), str(tmp_path / "no.yaml")])
    assert result.exit_code == 1
    assert f"{latin}:6: not UTF-8 text" in result.stderr
    assert f"{tmp_path / 'no.yaml'}:0: no such file" in result.stderr


def test_a_failed_import_among_good_files_writes_nothing(tmp_path: Path, prepared_db: Path):
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("X-", "Y-").replace("key: b", "key: q"), encoding="utf-8")
    before = _hash(prepared_db)
    result = CliRunner().invoke(
        main, ["bank", "import", str(good), str(bad), "--db", str(prepared_db)]
    )
    assert result.exit_code == 1
    assert _hash(prepared_db) == before


def test_the_shipped_bank_validates():
    result = CliRunner().invoke(main, ["bank", "validate", str(shipped_bank_dir())])
    assert result.exit_code == 0, result.output


def test_framework_crosswalks_must_map_every_competency_to_known_units(tmp_path: Path):
    text = (shipped_bank_dir() / "framework.yaml").read_text(encoding="utf-8")
    fw_file = tmp_path / "framework.yaml"
    fw_file.write_text(text.replace('        "6.3": []\n', "", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["bank", "validate", str(fw_file)])
    assert result.exit_code == 1
    lines = text.splitlines()
    map_line = [i for i, ln in enumerate(lines, 1) if ln.strip() == "map:"][1]
    assert (
        f"{fw_file}:{map_line}: framework.crosswalks[1].map: it-basic-2014 leaves out 6.3 "
        "(use [] for none)"
    ) in result.stderr

    fw_file.write_text(text.replace('"4.4": [IU01]', '"4.4": [IU09]'), encoding="utf-8")
    result = CliRunner().invoke(main, ["bank", "validate", str(fw_file)])
    assert "framework.crosswalks[1].map: 4.4 maps to unknown units IU09" in result.stderr


def test_shipped_crosswalks_cover_every_competency(fw):
    assert {c.id for c in fw.crosswalks} == {"digcomp-2.2", "it-basic-2014"}
    for cw in fw.crosswalks:
        assert list(cw.map) == fw.competency_ids()
    digcomp = fw.crosswalk("digcomp-2.2")
    assert all(digcomp.map[c] == [c] for c in fw.competency_ids() if not c.startswith("6."))
