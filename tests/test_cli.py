"""The command line: help with examples, JSON for scripts, clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dsat.cli import main
from dsat.domain.items import ITEM_TYPES
from dsat.services.assessment import AssessmentService
from dsat.services.banks import shipped_bank_dir, validate


def _commands(group: click.Group, path: list[str]) -> list[list[str]]:
    """Every command and group of the tree, found by walking it (new ones are included)."""
    out = [path]
    for name, cmd in sorted(group.commands.items()):
        if isinstance(cmd, click.Group):
            out += _commands(cmd, [*path, name])
        else:
            out.append([*path, name])
    return out


COMMANDS = _commands(main, [])


def test_the_command_tree_is_walked():
    assert ["bank", "stats"] in COMMANDS or len(COMMANDS) > 30


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: " ".join(c) or "dsat")
def test_every_command_has_help_with_an_example(cmd):
    result = CliRunner().invoke(main, [*cmd, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


def test_import_then_list_items_as_json(tmp_path: Path):
    db = str(tmp_path / "x.db")
    runner = CliRunner()
    first = runner.invoke(main, ["bank", "import", "question_banks", "--db", db, "--by", "trainer"])
    assert first.exit_code == 0, first.output
    bank = validate([shipped_bank_dir()])
    devices = next(len(f.items) for f in bank.files if f.path.name == "4.1-devices.yaml")
    assert f"question_banks/4.1-devices.yaml: imported (added {devices}," in first.output
    second = runner.invoke(main, ["bank", "import", "question_banks", "--db", db])
    assert "question_banks/4.1-devices.yaml: unchanged" in second.output
    listed = runner.invoke(main, ["bank", "list", "--json", "--db", db])
    rows = json.loads(listed.output)
    assert len(rows) == len(bank.items)
    assert set(rows[0]) >= {"id", "version", "competency", "area", "level", "type", "languages"}
    assert {r["type"] for r in rows} == set(ITEM_TYPES)
    assert all(r["languages"] == ["vi", "en"] for r in rows)


def test_results_list_json_after_an_attempt(db_path: Path, db, fixed_fw, clock):
    service = AssessmentService(db, fixed_fw, clock)
    service.identify("CB7", "Pham Van D", "So Y te")
    state = service.start("CB7", "competency", "4.2", "vi", seed=1)
    service.answer(state.attempt.id, 0, 1)
    service.submit(state.attempt.id)
    result = CliRunner().invoke(main, ["results", "list", "--json", "--db", str(db_path)])
    assert result.exit_code == 0
    [row] = json.loads(result.output)
    assert row["candidate"] == "CB7" and row["competency"] == "4.2"
    assert row["status"] == "submitted" and row["levels"] == "4.2=below"
    [res] = row["results"]
    assert {k: res[k] for k in ("competency", "band", "percent", "proficient", "self_band")} == {
        "competency": "4.2",
        "band": "below",
        "percent": 0.0,
        "proficient": False,
        "self_band": "foundation",
    }
    # measured on the IRT scale, so the level says how sure it is
    assert res["theta"] < 0 and 0 < res["se"] < 1.5 and res["p_proficient"] < 0.5
    assert {"id", "started_at", "submitted_at", "score", "percent"} <= set(row)


def test_schema_is_json_schema_of_a_bank_file():
    result = CliRunner().invoke(main, ["bank", "schema"])
    schema = json.loads(result.output)
    assert schema["title"] == "dsat question bank"
    assert "items" in schema["properties"]


def test_errors_are_one_line_without_traceback(tmp_path: Path):
    missing = tmp_path / "none.db"
    proc = subprocess.run(
        [sys.executable, "-m", "dsat", "results", "list", "--db", str(missing)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"error: {missing}: no such database"
    assert not missing.exists()


@pytest.mark.parametrize(
    "args",
    [["bank", "stats"], ["bank", "calibrate", "--dry-run"], ["report", "share"],
     ["report", "dashboard"]],
    ids=" ".join,
)  # fmt: skip
def test_no_framework_anywhere_is_a_one_line_error(tmp_path: Path, monkeypatch, args):
    """A database without a framework, and no shipped one to fall back on: the commands
    that need a framework say so instead of failing inside the services on None."""
    import dsat.services.banks as banks
    from dsat.store import open_store

    db = tmp_path / "empty.db"
    open_store(db).close()
    monkeypatch.setattr(banks, "shipped_bank_dir", lambda: tmp_path / "no-bank")
    result = CliRunner().invoke(main, [*args, "--db", str(db)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.stderr.strip() == "error: no competency framework in the database"


def test_a_bad_setting_in_the_environment_is_named(monkeypatch):
    monkeypatch.setenv("DSAT_LANG", "fr")
    result = CliRunner().invoke(main, ["results", "list"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: DSAT_LANG: must be 'vi' or 'en', not 'fr'"
