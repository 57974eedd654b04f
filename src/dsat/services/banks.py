"""Bank use cases: validate, import, list, schema; and the shipped bank on first run.

The bank readers (YAML parsers, item validation) are imported only by the functions that
read files, so opening the app on an existing database does not pay for them.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dsat.banks.errors import display_path
from dsat.domain.framework import PRIOR_RULES, Framework
from dsat.services.clock import Clock, system_clock
from dsat.store import Store
from dsat.store.base import now_iso
from dsat.store.catalogue import FileChanges, ImportSummary

if TYPE_CHECKING:
    from collections.abc import Callable

    from dsat.banks.foreign import ImportOptions, Loaded
    from dsat.banks.native import LoadedBank
    from dsat.domain.items import Item


def shipped_bank_dir() -> Path:
    """The question bank that ships with dsat: in the package, or beside the source tree."""
    packaged = Path(__file__).resolve().parent.parent / "question_banks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "question_banks"


def default_framework(store: Store | None) -> Framework | None:
    """The framework in the database, else the shipped one."""
    if store is not None:
        fw = store.items.framework()
        if fw is not None:
            return fw
    from dsat.banks.native import read_framework

    path = shipped_bank_dir() / "framework.yaml"
    return read_framework(path)[0] if path.exists() else None


def validate(paths: Sequence[Path], store: Store | None = None) -> LoadedBank:
    """Raise BankError listing every issue, or return the validated bank."""
    return load(paths, store).bank


def load(
    paths: Sequence[Path],
    store: Store | None = None,
    options: ImportOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Loaded:
    """Read and validate bank files in any supported format; BankError lists every issue."""
    from dsat.banks.foreign import load_any

    return load_any(paths, default_framework(store), options, progress)


def _all_unchanged(
    store: Store, paths: Sequence[Path], options: ImportOptions | None
) -> ImportSummary | None:
    """A summary when every file is byte-identical to its last import, else None.

    Saves reading, parsing and validating a bank that has not changed since. A file in
    another format counts as changed when it is imported with other options.
    """
    from dsat.banks.foreign import ImportOptions, detect, source_sha
    from dsat.banks.native import expand

    options = options or ImportOptions()
    summary = ImportSummary()
    for path in expand(paths):
        try:
            data = path.read_bytes()
        except OSError:
            return None  # the full import reports it
        kind = detect(path, data, options.format)
        if kind is None:
            return None
        sha = source_sha(data, kind, options)
        shown = display_path(path)
        if store.items.framework_sha_known(sha):
            continue
        if store.items.last_bank_sha(shown) != sha:
            return None
        summary.files.append(
            FileChanges(shown, unchanged=store.items.active_count(shown), skipped=True)
        )
    return summary


def _prior(fw: Framework) -> Callable[[Item], tuple[str, float, float, list[float] | None]]:
    from dsat.domain.irt import prior_params

    made: dict[int, tuple[str, float, float, list[float] | None]] = {}  # per item object

    def prior(item: Item) -> tuple[str, float, float, list[float] | None]:
        if id(item) not in made:  # asked for once when written, once when compared
            p = prior_params(item, fw.scale)
            made[id(item)] = (p.model, p.a, p.b, list(p.steps) if p.steps else None)
        return made[id(item)]

    return prior


def import_bank(
    store: Store,
    paths: Sequence[Path],
    *,
    imported_by: str | None = None,
    clock: Clock = system_clock,
    options: ImportOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Validate everything, then write all of it in one unit of work, or nothing."""
    unchanged = _all_unchanged(store, paths, options)
    if unchanged is not None and unchanged.files and store.meta("prior_rules") == PRIOR_RULES:
        return unchanged
    result = load(paths, store, options, progress)
    loaded = result.bank
    by = imported_by or getpass.getuser()
    now = now_iso(clock())
    summary = ImportSummary(notes=result.notes)
    prior = _prior(loaded.framework)
    with store.unit_of_work():
        if loaded.framework_path is not None:
            summary.framework_updated = store.items.save_framework(
                loaded.framework, loaded.framework_sha256, now
            )
        latest = store.items.latest_versions()
        before = {k: v[0] for k, v in latest.items()}
        for f in loaded.files:
            summary.files.append(
                store.items.import_file(
                    loaded.framework, display_path(f.path), f.sha256, f.items, by, now, prior,
                    latest,
                )
            )  # fmt: skip
        kept = [  # items whose version was there before: new versions got their prior above
            i for f in loaded.files for i in f.items if before.get(i.id) == latest[i.id][0]
        ]
        _refresh_priors(store, kept, latest, prior, now)
        store.set_meta("prior_rules", PRIOR_RULES)
    return summary


def _refresh_priors(
    store: Store,
    items: Sequence[Item],
    latest: dict[str, tuple[int, str, str, str]],
    prior: Callable[[Item], tuple[str, float, float, list[float] | None]],
    now: str,
) -> int:
    """A new prior row for every imported item whose prior, as the framework's scale and
    the item's model give it now, differs from its version's newest prior row (a changed
    scale, or a changed step count of an item type). Rows are only added; calibrated rows
    still take precedence. Returns how many were added."""
    if not items:
        return 0
    have = store.measurement.latest_priors()
    rows = []
    for item in items:
        version = latest[item.id][0]
        want = prior(item)
        old = have.get((item.id, version))
        if old is not None and _same_prior((old.model, old.a, old.b, old.steps), want):
            continue
        rows.append((item.id, version, *want))
    store.measurement.add_priors(rows, now)
    return len(rows)


def _same_prior(
    have: tuple[str, float, float, Sequence[float] | None],
    want: tuple[str, float, float, Sequence[float] | None],
) -> bool:
    """Equal models, a, b and steps (to 1e-9: rows come back through JSON)."""
    (m1, a1, b1, s1), (m2, a2, b2, s2) = have, want
    x, y = [a1, b1, *(s1 or [])], [a2, b2, *(s2 or [])]
    if m1 != m2 or len(x) != len(y):
        return False
    return all(abs(u - v) <= 1e-9 for u, v in zip(x, y, strict=True))


def ensure_bank(store: Store, clock: Clock = system_clock) -> bool:
    """On first run (no items at all), import the shipped bank. True when it did."""
    if store.items.total() > 0:
        return False
    import_bank(store, [shipped_bank_dir()], imported_by="dsat", clock=clock)
    return True


def lint(
    paths: Sequence[Path],
    store: Store | None = None,
    options: ImportOptions | None = None,
    clock: Clock = system_clock,
) -> list[Any]:
    """Validate, then run the item-writing checks; findings located as PATH:LINE."""
    from dsat.banks import yamlsource
    from dsat.banks.lint import lint_items

    loaded = load(paths, store, options).bank
    located = []
    for f in loaded.files:
        shown = display_path(f.path)
        if f.path.suffix.lower() not in (".yaml", ".yml"):  # other formats: by item id
            located += [(item, f"{shown}:{item.id}") for item in f.items]
            continue
        positions = yamlsource.Positions(f.path.read_text(encoding="utf-8-sig"))
        for i, item in enumerate(f.items):
            located.append((item, f"{shown}:{positions.line(('items', i))}"))
    return lint_items(located, clock().date())


def list_items(store: Store, include_retired: bool = False) -> list[dict[str, Any]]:
    return store.items.listing(include_retired)


def bank_schema() -> str:
    """The JSON Schema of an item file."""
    from pydantic import BaseModel, ConfigDict

    from dsat.domain.items import Item as AnyItem
    from dsat.domain.text import LocalizedText

    class BankFileSchema(BaseModel):
        """A dsat question bank file (YAML). The framework lives in its own file."""

        model_config = ConfigDict(extra="forbid", title="dsat question bank")
        title: LocalizedText | None = None
        items: list[AnyItem]

    return json.dumps(BankFileSchema.model_json_schema(), indent=2, ensure_ascii=False)


def export_items(
    fmt: str,
    store: Store | None,
    paths: Sequence[Path] = (),
    options: ImportOptions | None = None,
    competencies: Sequence[str] = (),
) -> Any:
    """Items from files (when given) or the database's active items, in format `fmt`.

    `competencies` keeps only those competency ids, or those of an area when one is given
    as an area id.
    """
    from dsat.banks.export import export

    if paths:
        items = load(paths, store, options).bank.items
    else:
        items = store.items.all_active() if store is not None else []
    if competencies:
        wanted = set(competencies)
        items = [i for i in items if i.competency in wanted or i.competency.split(".")[0] in wanted]
    return export(items, fmt)


@dataclass
class BankDiff:
    added: list[str]
    removed: list[str]
    changed: list[tuple[str, list[str]]]  # id, names of the fields that differ
    unchanged: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "removed": self.removed,
            "changed": [{"id": i, "fields": f} for i, f in self.changed],
            "unchanged": self.unchanged,
        }


def diff_banks(
    old: Sequence[Path],
    new: Sequence[Path],
    store: Store | None = None,
    options: ImportOptions | None = None,
) -> BankDiff:
    """Items added, removed and changed (with the fields that differ) from OLD to NEW."""
    before = {i.id: i for i in load(old, store, options).bank.items}
    after = {i.id: i for i in load(new, store, options).bank.items}
    changed = []
    unchanged = 0
    for ident in sorted(set(before) & set(after)):
        a, b = before[ident], after[ident]
        if a.content_hash() == b.content_hash():
            unchanged += 1
            continue
        da, db_ = a.model_dump(), b.model_dump()
        fields = [k for k in dict.fromkeys([*da, *db_]) if da.get(k) != db_.get(k)]
        changed.append((ident, fields))
    return BankDiff(
        added=sorted(set(after) - set(before)),
        removed=sorted(set(before) - set(after)),
        changed=changed,
        unchanged=unchanged,
    )
