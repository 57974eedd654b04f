"""Shared fixtures: a real SQLite file per test, the shipped framework, a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from dsat.banks.native import read_framework
from dsat.services.assessment import AssessmentService
from dsat.services.banks import import_bank, shipped_bank_dir
from dsat.services.clock import FixedClock
from dsat.store import open_store as connect

REPO = Path(__file__).resolve().parents[1]
START = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 09:00 in Hanoi


@pytest.fixture(autouse=True)
def _no_user_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may touch results/dsat.db: the default database points into tmp_path."""
    monkeypatch.setenv("DSAT_DB", str(tmp_path / "default.db"))


def shipped_framework():
    return read_framework(shipped_bank_dir() / "framework.yaml")[0]


@pytest.fixture(scope="session")
def fw():
    return shipped_framework()


@pytest.fixture(scope="session")
def fixed_fw():
    """The shipped framework with fixed forms for every scope (its tests are adaptive):
    for what only fixed forms have (moving back, flags, the review table, a form's seed)."""
    fw = shipped_framework()
    blueprints = fw.blueprints.model_copy(
        update={
            kind: getattr(fw.blueprints, kind).model_copy(update={"mode": "fixed"})
            for kind in ("competency", "area", "full")
        }
    )
    return fw.model_copy(update={"blueprints": blueprints})


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "dsat.db"


@pytest.fixture
def db(db_path: Path, clock: FixedClock):
    """A database with the shipped bank imported."""
    database = connect(db_path)
    import_bank(database, [shipped_bank_dir()], imported_by="test", clock=clock)
    yield database
    database.close()


@pytest.fixture
def tasks_db(tmp_path: Path, clock: FixedClock):
    """A database whose bank is the shipped practical tasks only, so each competency test
    of a competence with a task starts with it."""
    import shutil

    bank = tmp_path / "tasks-bank"
    bank.mkdir()
    shutil.copy(shipped_bank_dir() / "framework.yaml", bank)
    shutil.copy(shipped_bank_dir() / "practical-tasks.yaml", bank)
    store = connect(tmp_path / "tasks.db")
    import_bank(store, [bank], imported_by="test", clock=clock)
    yield store
    store.close()


@pytest.fixture
def service(db, fw, clock) -> AssessmentService:
    return AssessmentService(db, fw, clock)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in a fresh folder, so paths print as the user would type them."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
