"""The native bank format: a framework file and item files in YAML.

Reads every file given (folders are searched for *.yaml / *.yml), validates every item and
returns them only when there is no issue at all; otherwise raises BankError with every issue.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel, ConfigDict, ValidationError

from dsat.banks import yamlsource
from dsat.banks.errors import BankError, BankIssue, display_path
from dsat.banks.formats import guard
from dsat.banks.validation import field_name, issues_of
from dsat.domain.framework import Framework
from dsat.domain.items import ITEM_ADAPTER, Item
from dsat.domain.text import LocalizedText


class BankHeader(BaseModel):
    """The top level of an item file."""

    model_config = ConfigDict(extra="forbid")
    title: LocalizedText | None = None
    items: list[Any]


@dataclass
class BankFile:
    path: Path
    sha256: str
    items: list[Item]
    lines: dict[str, int] = field(default_factory=dict)  # filled only when needed


@dataclass
class LoadedBank:
    framework: Framework
    framework_path: Path | None
    framework_sha256: str | None
    files: list[BankFile]

    @property
    def items(self) -> list[Item]:
        return [it for f in self.files for it in f.items]


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders searched recursively (for the suffixes of the formats in
    `dsat.banks.formats.registry`), in a stable order, each once."""
    from dsat.banks.formats.registry import searched_suffixes

    searched = searched_suffixes()
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(q for q in p.rglob("*") if q.suffix.lower() in searched and q.is_file())
        else:
            out.append(p)
    seen: set[Path] = set()
    unique: list[Path] = []
    for p in out:
        if p.resolve() not in seen:
            seen.add(p.resolve())
            unique.append(p)
    return unique


class _FileIssues:
    """Collects issues of one file by document path; lines are looked up once, at the end."""

    def __init__(self, path: Path, text: str):
        self.path, self.text = path, text
        self.pending: list[tuple[tuple[Any, ...], str, str]] = []

    def add(self, loc: tuple[Any, ...], message: str, shown_field: str | None = None) -> None:
        self.pending.append((loc, message, shown_field if shown_field is not None else ""))

    def resolve(self) -> list[BankIssue]:
        if not self.pending:
            return []
        positions = yamlsource.Positions(self.text)
        name = display_path(self.path)
        return [
            BankIssue(name, positions.line(loc), shown, msg) for loc, msg, shown in self.pending
        ]


def _read(path: Path) -> tuple[str | None, str | None, list[BankIssue]]:
    """(text, sha256, issues) for one file: no text when it is too large, not UTF-8 or
    holds control characters."""
    name = display_path(path)
    try:
        too_large = guard.size_problem(path.stat().st_size)
        if too_large:
            issue = BankIssue(name, too_large.where, too_large.field, too_large.message)
            return None, None, [issue]
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, None, [BankIssue(name, 0, "", "no such file")]
    except OSError as exc:
        return None, None, [BankIssue(name, 0, "", f"cannot read: {exc.strerror}")]
    text, problems = guard.decode_text(raw, newlines=False)
    if problems:
        return None, None, [BankIssue(name, p.where, p.field, p.message) for p in problems]
    return text, hashlib.sha256(raw).hexdigest(), []


def _parse(path: Path, text: str) -> tuple[Any, BankIssue | None]:
    try:
        return yamlsource.load(text), None
    except yamlsource.YamlSyntaxError as exc:
        return None, BankIssue(display_path(path), exc.line, exc.field, str(exc))


def read_framework(path: Path) -> tuple[Framework, str]:
    """Read and validate a framework file on its own."""
    text, sha, read_issues = _read(path)
    if read_issues:
        raise BankError(read_issues)
    assert text is not None and sha is not None  # read without issues
    data, issue = _parse(path, text)
    if issue:
        raise BankError([issue])
    fw = _validate_framework(path, text, data)
    return fw, sha


def _validate_framework(path: Path, text: str, data: Any) -> Framework:
    issues = _FileIssues(path, text)
    if not isinstance(data, dict) or "framework" not in data:
        raise BankError(
            [BankIssue(display_path(path), 1, "framework", "required field is missing")]
        )
    bad_text = guard.forbidden_in(data["framework"])
    if bad_text:
        for where, message in bad_text:
            issues.add(("framework", *where), message, guard.dotted(("framework", *where)))
        raise BankError(issues.resolve())
    try:
        return Framework.model_validate(data["framework"])
    except ValidationError as exc:
        for loc, msg in issues_of(exc):
            issues.add(("framework", *loc), msg, field_name(("framework", *loc)))
        raise BankError(issues.resolve()) from None


def load_bank(paths: Sequence[Path], framework: Framework | None = None) -> LoadedBank:
    """Validate every file; a framework file among `paths` takes precedence over `framework`."""
    issues: list[BankIssue] = []
    parsed: list[tuple[Path, str, str, Any]] = []
    fw, fw_path, fw_sha = framework, None, None
    files = expand(paths)
    if not files:
        raise BankError(
            [BankIssue(", ".join(map(str, paths)) or ".", 0, "", "no YAML files found")]
        )
    for path in files:
        text, sha, read_issues = _read(path)
        if read_issues:
            issues += read_issues
            continue
        assert text is not None and sha is not None  # read without issues
        data, issue = _parse(path, text)
        if issue:
            issues.append(issue)
            continue
        if isinstance(data, dict) and "framework" in data:
            try:
                fw, fw_path, fw_sha = _validate_framework(path, text, data), path, sha
            except BankError as exc:
                issues += exc.issues
                fw = None
                fw_path = path
        else:
            parsed.append((path, text, sha, data))
    if fw is None and fw_path is None:
        issues.append(
            BankIssue(display_path(files[0]), 0, "", "no framework file given or imported yet")
        )
    out_files: list[BankFile] = []
    first_seen: dict[str, str] = {}
    for path, text, sha, data in parsed:
        bf, file_issues = _validate_items(path, text, sha, data, fw, first_seen)
        issues += file_issues
        out_files.append(bf)
    if issues:
        raise BankError(issues)
    assert fw is not None
    return LoadedBank(fw, fw_path, fw_sha, out_files)


def _validate_items(
    path: Path,
    text: str,
    sha: str,
    data: Any,
    fw: Framework | None,
    first_seen: dict[str, str],
) -> tuple[BankFile, list[BankIssue]]:
    collector = _FileIssues(path, text)
    try:
        header = BankHeader.model_validate(data if isinstance(data, dict) else {"items": data})
    except ValidationError as exc:
        for loc, msg in issues_of(exc):
            collector.add(loc, msg, field_name(loc))
        return BankFile(path, sha, []), collector.resolve()
    items: list[Item] = []
    escapes = "\\" in text
    known = set(fw.competency_ids()) if fw else None
    shown_path = display_path(path)
    for i, raw in enumerate(header.items):
        fields = raw if isinstance(raw, dict) else {}
        ident, comp, level = fields.get("id"), fields.get("competency"), fields.get("level")
        label = f"items[{i}]" + (f" ({ident})" if isinstance(ident, str) else "")
        # Checks against the framework and other items run even when the item has other
        # errors, so one run reports everything.
        if known is not None and isinstance(comp, str) and comp.strip() not in known:
            collector.add(
                ("items", i, "competency"), f"unknown competency {comp!r}", f"{label}.competency"
            )
        in_range = isinstance(level, int) and 1 <= level <= 8  # then level is an int
        if fw is not None and in_range and fw.stage_of_level(cast(int, level)) is None:
            collector.add(("items", i, "level"), f"level {level} is in no stage", f"{label}.level")
        if isinstance(ident, str):
            if ident in first_seen:
                collector.add(
                    ("items", i, "id"),
                    f"duplicate item id {ident!r} (first in {first_seen[ident]})",
                    f"{label}.id",
                )
            else:
                first_seen[ident] = f"{shown_path} items[{i}]"
        # the file's characters were checked as it was read; only an escape ("\e" in a
        # double-quoted string) can make another one, located at the field that holds it
        bad_text = guard.forbidden_in(raw) if escapes else []
        if bad_text:
            for where, message in bad_text:
                collector.add(("items", i, *where), message, f"{label}.{guard.dotted(where)}")
            continue
        try:
            items.append(ITEM_ADAPTER.validate_python(raw))
        except ValidationError as exc:
            for loc, msg in issues_of(exc):
                collector.add(("items", i, *loc), msg, f"{label}.{field_name(loc)}".rstrip("."))
    return BankFile(path, sha, items), collector.resolve()
