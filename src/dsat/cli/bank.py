"""Question banks: validate, lint, import, export, template, diff, list, schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from dsat.banks.formats import registry as format_registry
from dsat.cli._common import (
    DB_HELP,
    _fail,
    _import_options,
    _maybe_db,
    _needs,
    _notes,
    _open_db,
    _options,
    _Progress,
    _write_atomic,
    main,
)


@main.group()
def bank() -> None:
    """Question banks: validate, lint, import, export, diff, template, list, schema.

    \b
    Example:
        dsat bank validate question_banks/ && dsat bank import question_banks/
    """


@bank.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_import_options
def bank_validate(paths: tuple[Path, ...], db: Path | None, **kw: Any) -> None:
    """Check bank files or folders; report every problem as PATH:LINE: field: message.

    Any format `bank import` reads. The framework file is taken from PATHS if there, else
    from the database, else the shipped one. Exit code 1 when anything is wrong, 0 when
    all is valid.

    \b
    Example:
        dsat bank validate question_banks/ my_items.yaml
        dsat bank validate quiz.gift --competency 4.1 --level 3
    """
    from dsat.services.banks import load

    progress = _Progress("Checking")
    try:
        loaded = load(list(paths), _maybe_db(db), _options(kw), progress)
    finally:
        progress.close()
    _notes(loaded.notes)
    bank = loaded.bank
    click.echo(f"ok: {len(bank.items)} items in {len(bank.files)} files are valid")


@bank.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@_import_options
def bank_lint(paths: tuple[Path, ...], strict: bool, **kw: Any) -> None:
    """Check how items are written: duplicates, give-away keys, risky wording.

    Files must validate first. Errors (exit code 1): the same stem twice, "all/none of the
    above" options. Warnings: near-duplicate stems, the key too often the longest option,
    unbalanced key positions, negative stems without capitals, options repeating the stem.

    \b
    Example:
        dsat bank lint question_banks/
    """
    from dsat.services.banks import lint

    findings = lint(list(paths), None, _options(kw))
    for f in findings:
        click.echo(str(f))
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    click.echo(f"{errors} errors, {warnings} warnings")
    if errors or (strict and warnings):
        sys.exit(1)


@bank.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@click.option("--by", "imported_by", default=None, help="Who imports (default: OS user).")
@_import_options
@_needs("trainer")
def bank_import(
    paths: tuple[Path, ...], db: Path | None, imported_by: str | None, **kw: Any
) -> None:
    """Import bank files into the database: all of them, or nothing on any error.

    Reads dsat YAML, Moodle GIFT, Aiken, Moodle XML, IMS QTI 2.1/2.2 items and packages
    (.zip), CSV and XLSX (see `dsat bank template`). Every item needs a competency and a
    level: from the file itself, from --map by category, or from --competency/--level.
    Unchanged items are left alone; a changed item gets a new version, and past attempts
    keep the version they saw.

    \b
    Example:
        dsat bank import question_banks/
        dsat bank import moodle_export.xml --map categories.yaml --level 3
        dsat bank import safety.gift --competency 4.1 --level 2
    """
    from dsat.services.banks import import_bank

    progress = _Progress("Importing")
    try:
        summary = import_bank(
            _open_db(db), list(paths), imported_by=imported_by, options=_options(kw),
            progress=progress,
        )  # fmt: skip
    finally:
        progress.close()
    _notes(summary.notes)
    if summary.framework_updated:
        click.echo("framework: updated")
    for f in summary.files:
        state = "unchanged" if not (f.added or f.changed or f.retired) else "imported"
        click.echo(
            f"{f.path}: {state} (added {f.added}, changed {f.changed}, "
            f"unchanged {f.unchanged}, retired {f.retired})"
        )


OUT_FORMATS = click.Choice(format_registry.names(writable=True))


@bank.command("export")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "out_fmt", type=OUT_FORMATS, required=True, help="Output format.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Output file (default results/exports/bank-<date>.<ext>; '-' for stdout).",
)
@click.option("--only", "only", multiple=True, help="Only this competency or area id (repeatable).")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@lambda f: _import_options(f, "--from")
@_needs("trainer")
def bank_export(
    paths: tuple[Path, ...],
    out_fmt: str,
    out: Path | None,
    only: tuple[str, ...],
    db: Path | None,
    **kw: Any,
) -> None:
    """Write items as YAML, GIFT, an IMS QTI 2.1 package, XLSX or CSV.

    With no PATHS, the active items in the database; with PATHS, those files (in any
    format `bank import` reads), which converts them. Importing the export gives the same
    items back. Types a format cannot hold are skipped with a note (GIFT has no ordering;
    QTI has no self-rating).

    \b
    Example:
        dsat bank export --format xlsx --only 4 --out safety.xlsx
        dsat bank export moodle.gift --competency 1.1 --level 2 --format yaml --out 1.1.yaml
    """
    import datetime as dt

    from dsat.services.banks import export_items

    database = _maybe_db(db)
    if not paths and database is None:
        _fail("no database yet: import a bank first, or give bank files to convert")
    result = export_items(out_fmt, database, list(paths), _options(kw), list(only))
    for line in result.skipped_summary():
        click.echo(f"note: skipped {line}", err=True)
    if out is not None and str(out) == "-":
        sys.stdout.buffer.write(result.data)
        sys.stdout.flush()
        return
    if out is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        suffix = format_registry.get(out_fmt).suffixes[0]
        out = Path("results") / "exports" / f"bank-{stamp}{suffix}"
    _write_atomic(out, result.data)
    click.echo(f"{out}: {result.written} items written ({len(result.skipped)} skipped)")


@bank.command("template")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(format_registry.names(template=True)),
    default="xlsx",
    help="Output format.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Output file (default dsat-bank-template.<ext>).",
)
def bank_template(fmt: str, out: Path | None) -> None:
    """Write a spreadsheet template for items: the columns, one example per type, a guide.

    \b
    Example:
        dsat bank template --format xlsx --out my_items.xlsx
    """
    from dsat.banks.formats.examples import example_items

    items = example_items()
    exported = format_registry.export(items, fmt)
    out = out or Path(f"dsat-bank-template{format_registry.get(fmt).suffixes[0]}")
    _write_atomic(out, exported.data)
    click.echo(f"{out}: template with {len(items)} example items (one per type)")


@bank.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_import_options
def bank_diff(old: Path, new: Path, as_json: bool, db: Path | None, **kw: Any) -> None:
    """Show the items added, changed (with the fields) and removed from OLD to NEW.

    OLD and NEW are bank files or folders in any format `bank import` reads. Exit code 0
    when they hold the same items, 1 when they differ.

    \b
    Example:
        dsat bank diff question_banks/4-safety.yaml new/4-safety.xlsx
    """
    from dsat.services.banks import diff_banks

    d = diff_banks([old], [new], _maybe_db(db), _options(kw))
    if as_json:
        click.echo(json.dumps(d.as_dict(), ensure_ascii=False, indent=2))
    else:
        for ident in d.added:
            click.echo(f"+ {ident}")
        for ident, fields in d.changed:
            click.echo(f"~ {ident} ({', '.join(fields)})")
        for ident in d.removed:
            click.echo(f"- {ident}")
        click.echo(
            f"{len(d.added)} added, {len(d.changed)} changed, {len(d.removed)} removed, "
            f"{d.unchanged} unchanged"
        )
    if d.added or d.changed or d.removed:
        sys.exit(1)


@bank.command("list")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--all", "include_retired", is_flag=True, help="Include retired versions.")
def bank_list(db: Path | None, as_json: bool, include_retired: bool) -> None:
    """List the items in the database.

    \b
    Example:
        dsat bank list --json | jq '.[] | select(.competency == "4.1")'
    """
    from dsat.services.banks import list_items

    rows = list_items(_open_db(db, create=False), include_retired)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(
            f"{r['id']:<14} v{r['version']:<3} {r['competency']:<5} L{r['level']} "
            f"{r['type']:<13} {r['status']:<8} {r['source']}"
        )
    click.echo(f"{len(rows)} items")


@bank.command("schema")
def bank_schema() -> None:
    """Print the JSON Schema of a bank file.

    \b
    Example:
        dsat bank schema > bank.schema.json
    """
    from dsat.services.banks import bank_schema as schema

    click.echo(schema())
