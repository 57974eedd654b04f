"""Bank files in other formats: detect, read, map onto items, validate, report.

Every file is read completely and every problem is collected, located as FILE:LINE (or
FILE:SHEET!ROW); callers write nothing unless there is no problem at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

from pydantic import ValidationError

from dsat.banks.errors import BankError, BankIssue, display_path
from dsat.banks.formats import guard, registry
from dsat.banks.formats.convert import CategoryMap, ConvertOptions, ConvertProblem, Target, to_item
from dsat.banks.formats.model import ParseResult, Problem, SheetRows
from dsat.banks.native import BankFile, LoadedBank, expand
from dsat.banks.validation import field_name, issues_of
from dsat.domain.framework import Framework
from dsat.domain.items import ITEM_ADAPTER, Item
from dsat.domain.text import LocalizedText

FORMATS = tuple(registry.names())
Progress = Callable[[int], None]


@dataclass
class ImportOptions:
    """How items in other formats get what their format cannot say."""

    format: str | None = None
    competency: str | None = None
    level: int | None = None
    map_file: Path | None = None
    id_prefix: str | None = None
    skip_unsupported: bool = False

    def fingerprint(self) -> str:
        """Part of a source's identity: the same file imported with other options differs."""
        data = asdict(self) | {"map_file": _sha_or_none(self.map_file)}
        return json.dumps(data, sort_keys=True, default=str)


def _sha_or_none(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass
class Loaded:
    bank: LoadedBank
    notes: list[str] = field(default_factory=list)


def detect(path: Path, data: bytes, forced: str | None) -> str | None:
    """The name of the file's format (`forced` when given), or None when it is unknown."""
    if forced:
        return forced
    fmt = registry.detect(path, data)
    return None if fmt is None or isinstance(fmt, Problem) else fmt.name


def source_sha(data: bytes, kind: str, options: ImportOptions) -> str:
    h = hashlib.sha256(data)
    if not registry.get(kind).native:  # the file does not say everything: options count
        h.update(options.fingerprint().encode())
    return h.hexdigest()


def read_category_map(path: Path) -> CategoryMap:
    """The --map file: category path -> competency id, or -> {competency, level}."""
    from dsat.banks import yamlsource

    shown = display_path(path)
    try:
        too_large = guard.size_problem(path.stat().st_size)
        if too_large:
            raise BankError([BankIssue(shown, too_large.where, too_large.field, too_large.message)])
        text, problems = guard.decode_text(path.read_bytes(), newlines=False)
    except OSError as exc:
        raise BankError([BankIssue(shown, 0, "", f"cannot read: {exc.strerror}")]) from None
    if problems:
        raise BankError([BankIssue(shown, p.where, p.field, p.message) for p in problems])
    try:
        data = yamlsource.load(text)
    except yamlsource.YamlSyntaxError as exc:
        raise BankError([BankIssue(shown, exc.line, exc.field, str(exc))]) from None
    raw = data.get("categories") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        raise BankError([BankIssue(shown, 1, "categories", "expected a mapping of categories")])
    out = CategoryMap()
    issues: list[BankIssue] = []
    positions = yamlsource.Positions(text)
    for key, value in raw.items():
        cat = str(key).strip().strip("/")
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            out.entries[cat] = Target(str(value), None)
        elif isinstance(value, dict) and set(value) <= {"competency", "level"}:
            level = value.get("level")
            if level is not None and (not isinstance(level, int) or not 1 <= level <= 8):
                issues.append(
                    BankIssue(
                        shown,
                        positions.line(("categories", key, "level")),
                        f"categories.{key}.level",
                        "expected a whole number 1-8",
                    )
                )
                continue
            comp = value.get("competency")
            out.entries[cat] = Target(str(comp) if comp is not None else None, level)
        else:
            issues.append(
                BankIssue(
                    shown,
                    positions.line(("categories", key)),
                    f"categories.{key}",
                    "expected a competency id or {competency, level}",
                )
            )
    if issues:
        raise BankError(issues)
    return out


def _generated_explanation(item: Item) -> LocalizedText:
    from dsat.domain.presentation import describe_key

    return LocalizedText(
        vi=f"Đáp án đúng: {describe_key(item, 'vi')}",
        en=f"The right answer: {describe_key(item, 'en')}",
    )


class _FileLoad:
    """Turns one foreign file into validated items, collecting issues and notes."""

    def __init__(self, path: Path, fw: Framework | None, first_seen: dict[str, str]):
        self.path, self.fw, self.first_seen = path, fw, first_seen
        self.shown = display_path(path)
        self.issues: list[BankIssue] = []
        self.notes: list[str] = []
        self.items: list[Item] = []
        self.generated = 0

    def issue(self, where: int | str, message: str, field: str = "", inner: str = "") -> None:
        path = f"{self.shown}:{inner}" if inner else self.shown
        self.issues.append(BankIssue(path, where, field, message))

    def add(self, raw: dict[str, Any], where: int | str, inner: str = "") -> None:
        ident = raw.get("id")
        label = str(ident) if ident else ""
        comp, level = raw.get("competency"), raw.get("level")
        known = set(self.fw.competency_ids()) if self.fw else None
        if known is not None and isinstance(comp, str) and comp.strip() not in known:
            self.issue(where, f"unknown competency {comp!r}", "competency", inner)
        in_range = isinstance(level, int) and 1 <= level <= 8  # then level is an int
        if self.fw is not None and in_range and self.fw.stage_of_level(cast(int, level)) is None:
            self.issue(where, f"level {level} is in no stage", "level", inner)
        if isinstance(ident, str) and ident:
            here = f"{self.shown}:{inner + ':' if inner else ''}{where}"
            if ident in self.first_seen:
                self.issue(
                    where,
                    f"duplicate item id {ident!r} (first at {self.first_seen[ident]})",
                    "id",
                    inner,
                )
            else:
                self.first_seen[ident] = here
        bad_text = guard.forbidden_in(raw)
        if bad_text:  # text from outside is literal: refused here, at the question's place
            for path, message in bad_text:
                self.issue(
                    where, f"{label}: {message}" if label else message, guard.dotted(path), inner
                )
            return
        missing_explanation = not raw.get("explanation") and raw.get("type") != "self_rating"
        if missing_explanation:
            raw = raw | {"explanation": {"vi": "-", "en": "-"}}
        try:
            item = ITEM_ADAPTER.validate_python(raw)
        except ValidationError as exc:
            for loc, msg in issues_of(exc):
                shown_field = field_name(loc)
                self.issue(where, f"{label}: {msg}" if label else msg, shown_field, inner)
            return
        if missing_explanation:
            item = item.model_copy(update={"explanation": _generated_explanation(item)})
            self.generated += 1
        self.items.append(item)


def load_file(
    path: Path,
    kind: str,
    data: bytes,
    fw: Framework | None,
    options: ImportOptions,
    categories: CategoryMap | None,
    first_seen: dict[str, str],
    progress: Progress | None = None,
) -> tuple[BankFile, list[BankIssue], list[str]]:
    load = _FileLoad(path, fw, first_seen)
    records = registry.get(kind).read(data)
    for p in records.problems:
        load.issue(p.where, p.message, p.field, p.inner)
    if isinstance(records, SheetRows):
        _load_rows(records, options, load, progress)
    elif isinstance(records, ParseResult):
        skipped = _load_questions(records, path, options, categories, load, progress)
        if not load.items and not load.issues:
            if skipped:  # the notes say what was skipped; the file is fine
                load.notes.append(f"{load.shown}: nothing to import (every question was skipped)")
            else:
                load.issue(1, "no questions found")
    if load.generated:
        load.notes.append(
            f"{load.shown}: {load.generated} items had no feedback; "
            "their explanation states the right answer"
        )
    sha = source_sha(data, kind, options)
    return BankFile(path, sha, load.items), load.issues, load.notes


def _load_questions(
    parsed: ParseResult,
    path: Path,
    options: ImportOptions,
    categories: CategoryMap | None,
    load: _FileLoad,
    progress: Progress | None,
) -> int:
    """Convert and validate each question; the number skipped (--skip-unsupported)."""
    skipped = 0
    prefix = options.id_prefix
    if prefix is None:
        from dsat.banks.formats.convert import slug

        prefix = slug(path.stem) + "-"
    conv = ConvertOptions(
        options.competency, options.level, categories, prefix, options.skip_unsupported
    )
    used: dict[str, int] = {}
    for q in parsed.questions:
        inner = q.location
        try:
            raw = to_item(q, conv, load.notes)
        except ConvertProblem as exc:
            if options.skip_unsupported and exc.field == "type":
                place = f"{load.shown}:{inner + ':' if inner else ''}{q.line}"
                load.notes.append(f"{place}: skipped {q.name!r}: {exc}")
                skipped += 1
            else:
                load.issue(q.line, f"{q.name}: {exc}", exc.field, inner)
            if progress:
                progress(1)
            continue
        if not q.idnumber and "id" not in q.meta:  # names may repeat; ids may not
            n = used.get(raw["id"], 0) + 1
            used[raw["id"]] = n
            if n > 1:
                raw["id"] = f"{raw['id'][:76]}-{n}"
        load.add(raw, q.line, inner)
        if progress:
            progress(1)
    return skipped


def _load_rows(
    records: SheetRows, options: ImportOptions, load: _FileLoad, progress: Progress | None
) -> None:
    from dsat.banks.formats import sheet

    defaults = {"competency": options.competency, "level": options.level}
    for where, row in records.rows:
        try:
            raw = sheet.row_to_item(row, defaults)
        except ConvertProblem as exc:
            load.issue(where, str(exc), exc.field)
            continue
        load.add(raw, where)
        if progress:
            progress(1)


def count_questions(kind: str, data: bytes) -> int:
    """A cheap estimate of the number of items, for the progress bar."""
    return registry.get(kind).estimate(data)


def load_any(
    paths: Sequence[Path],
    framework: Framework | None,
    options: ImportOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Loaded:
    """Native YAML and other formats together; BankError with every issue found."""
    options = options or ImportOptions()
    files = expand(paths)
    if not files:
        shown = ", ".join(display_path(p) for p in paths) or "."
        raise BankError([BankIssue(shown, 0, "", "no bank files found")])
    issues: list[BankIssue] = []
    notes: list[str] = []
    reads: list[tuple[Path, str, bytes]] = []
    yaml_paths: list[Path] = []
    for path in files:
        shown = display_path(path)
        named = registry.by_suffix(path)
        if options.format is None and named is not None and named.native:
            yaml_paths.append(path)  # read with the framework by banks.native
            continue
        try:
            too_large = guard.size_problem(path.stat().st_size)
            if too_large:
                issues.append(BankIssue(shown, too_large.where, too_large.field, too_large.message))
                continue
            data = path.read_bytes()
        except FileNotFoundError:
            issues.append(BankIssue(shown, 0, "", "no such file"))
            continue
        except OSError as exc:
            issues.append(BankIssue(shown, 0, "", f"cannot read: {exc.strerror}"))
            continue
        if options.format is None:
            found = registry.detect(path, data)
            if isinstance(found, Problem):  # recognised and not read: say what it is
                issues.append(BankIssue(shown, found.where, found.field, found.message))
                continue
        kind = detect(path, data, options.format)
        if kind is None:
            issues.append(
                BankIssue(shown, 0, "", f"unknown format; give --format ({', '.join(FORMATS)})")
            )
        elif registry.get(kind).native:
            yaml_paths.append(path)
        else:
            reads.append((path, kind, data))
    bank = LoadedBank(framework, None, None, []) if framework else None
    if yaml_paths:
        try:
            read_bank = registry.native().read_bank
            assert read_bank is not None
            bank = read_bank(yaml_paths, framework)
        except BankError as exc:
            issues += exc.issues
    if bank is None:
        issues.append(
            BankIssue(
                display_path(files[0]) if files else ".",
                0,
                "",
                "no framework file given or imported yet",
            )
        )
    fw = bank.framework if bank else framework
    categories = read_category_map(options.map_file) if options.map_file else None
    first_seen = {  # the path shown once per file, not once per item
        it.id: shown
        for f in (bank.files if bank else [])
        for shown in [display_path(f.path)]
        for it in f.items
    }
    total = sum(count_questions(k, d) for _, k, d in reads)
    done = [0]

    def step(n: int) -> None:
        done[0] += n
        if progress:
            progress(done[0], max(total, done[0]))

    for path, kind, data in reads:
        bf, file_issues, file_notes = load_file(
            path, kind, data, fw, options, categories, first_seen, step
        )
        issues += file_issues
        notes += file_notes
        if bank is not None:
            bank.files.append(bf)
    if progress and done[0]:
        progress(done[0], done[0])  # the estimate was only an estimate: end at 100 %
    if issues:
        raise BankError(issues)
    assert bank is not None
    return Loaded(bank, notes)
