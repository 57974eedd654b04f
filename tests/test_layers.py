"""Layering: the core never imports Textual; every message key exists in both languages."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from dsat.domain.items import ITEM_TYPES
from dsat.i18n import CATALOGUES

SRC = Path(__file__).resolve().parents[1] / "src" / "dsat"


def _loaded_after(code: str) -> str:
    """What a fresh interpreter prints after running `code` (which imports things)."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_core_and_cli_do_not_import_textual():
    code = (
        "import sys, pkgutil, importlib, dsat.domain, dsat.store, dsat.banks, dsat.services\n"
        "for pkg in (dsat.domain, dsat.store, dsat.banks, dsat.services):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "import dsat.cli\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    out = _loaded_after(code)
    assert "textual" not in out, out


def test_domain_imports_nothing_of_storage_or_ui():
    for path in (SRC / "domain").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(
            r"^\s*(from|import) (dsat\.(store|services|tui|banks|cli)|"
            r"sqlite|textual)",
            text,
            re.M,
        ), path


def test_both_catalogues_have_the_same_keys_and_no_empty_text():
    vi, en = CATALOGUES["vi"], CATALOGUES["en"]
    assert set(vi) == set(en)
    assert all(v.strip() for v in [*vi.values(), *en.values()])


def test_every_message_key_used_in_the_code_exists():
    used = set()
    pattern = re.compile(r"""\b(?:t|ServiceError)\(\s*["']([a-z_]+\.[a-z_.]+)["']""")
    for path in SRC.rglob("*.py"):
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    used |= {f"question.type.{t}" for t in ITEM_TYPES}
    used |= {f"status.{s}" for s in ("in_progress", "submitted", "expired")}
    assert len(used) > 40
    missing = sorted(k for k in used if k not in CATALOGUES["en"])
    assert not missing


def test_nothing_before_the_first_frame_imports_pydantic_the_bank_readers_or_formats():
    """`dsat take` paints its sign-in screen before loading the core (see tui/app.py)."""
    code = (
        "import sys\n"
        "import dsat.cli, dsat.settings, dsat.store, dsat.services.database, dsat.tui.app\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}\n"
        "             & {'pydantic', 'yaml', 'ryaml', 'numpy'}\n"
        "             | {m for m in sys.modules if m.startswith('dsat.banks.formats')}))\n"
    )
    out = _loaded_after(code)
    assert out == "[]"


def test_no_sql_outside_the_store():
    """Statements to the database are written in store/ only (import-linter keeps sqlite3
    and sqlite-utils there; this keeps SQL text there too)."""
    import ast

    sql = re.compile(
        r"\bSELECT\b.+\bFROM\b|\bINSERT (OR \w+ )?INTO\b|\bUPDATE \w+ SET\b|"
        r"\bDELETE FROM\b|\bCREATE (TABLE|INDEX|TRIGGER|VIEW)\b|\bPRAGMA \w+|"
        r"\bBEGIN (IMMEDIATE|EXCLUSIVE|TRANSACTION)\b",
        re.S,
    )
    found = []
    for path in SRC.rglob("*.py"):
        if "store" in path.relative_to(SRC).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found += [f"{path.relative_to(SRC)}:{node.lineno}"] * bool(sql.search(node.value))
    assert not found, found
