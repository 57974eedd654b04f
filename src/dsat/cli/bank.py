"""Question banks: validate, lint, import, export, template, diff, list, schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from dsat.cli._common import (
    DB_HELP,
    EXPORTS,
    LANG,
    FormatChoice,
    _db_path,
    _echo,
    _emit,
    _fail,
    _framework,
    _import_options,
    _lang,
    _maybe_db,
    _needs,
    _notes,
    _open_db,
    _options,
    _Progress,
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
    _echo(f"ok: {len(bank.items)} items in {len(bank.files)} files are valid")


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
        _echo(str(f))
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    _echo(f"{errors} errors, {warnings} warnings")
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
        _echo("framework: updated")
    for f in summary.files:
        state = "unchanged" if not (f.added or f.changed or f.retired) else "imported"
        _echo(
            f"{f.path}: {state} (added {f.added}, changed {f.changed}, "
            f"unchanged {f.unchanged}, retired {f.retired})"
        )


OUT_FORMATS = FormatChoice(writable=True)


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

    from dsat.banks.formats import registry as format_registry
    from dsat.services.banks import export_items

    database = _maybe_db(db)
    if not paths and database is None:
        _fail("no database yet: import a bank first, or give bank files to convert")
    result = export_items(out_fmt, database, list(paths), _options(kw), list(only))
    for line in result.skipped_summary():
        _echo(f"note: skipped {line}", err=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = format_registry.get(out_fmt).suffixes[0]
    written = _emit(out, result.data, EXPORTS / f"bank-{stamp}{suffix}", binary=suffix == ".xlsx")
    if written is not None:
        _echo(f"{written}: {result.written} items written ({len(result.skipped)} skipped)")


@bank.command("template")
@click.option(
    "--format",
    "fmt",
    type=FormatChoice(template=True),
    default="xlsx",
    help="Output format.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Output file (default dsat-bank-template.<ext>; '-' for stdout).",
)
def bank_template(fmt: str, out: Path | None) -> None:
    """Write a spreadsheet template for items: the columns, one example per type, a guide.

    \b
    Example:
        dsat bank template --format xlsx --out my_items.xlsx
    """
    from dsat.banks.formats import registry as format_registry
    from dsat.banks.formats.examples import example_items

    items = example_items()
    exported = format_registry.export(items, fmt)
    suffix = format_registry.get(fmt).suffixes[0]
    written = _emit(out, exported.data, Path(f"dsat-bank-template{suffix}"),
                    binary=suffix == ".xlsx")  # fmt: skip
    if written is not None:
        _echo(f"{written}: template with {len(items)} example items (one per type)")


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
        dsat bank diff question_banks/4.1-devices.yaml new/4.1-devices.xlsx
    """
    from dsat.services.banks import diff_banks

    d = diff_banks([old], [new], _maybe_db(db), _options(kw))
    if as_json:
        _echo(json.dumps(d.as_dict(), ensure_ascii=False, indent=2))
    else:
        for ident in d.added:
            _echo(f"+ {ident}")
        for ident, fields in d.changed:
            _echo(f"~ {ident} ({', '.join(fields)})")
        for ident in d.removed:
            _echo(f"- {ident}")
        _echo(
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
        _echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        _echo(
            f"{r['id']:<14} v{r['version']:<3} {r['competency']:<5} L{r['level']} "
            f"{r['type']:<13} {r['status']:<8} {r['source']}"
        )
    _echo(f"{len(rows)} items")


@bank.command("schema")
def bank_schema() -> None:
    """Print the JSON Schema of a bank file.

    \b
    Example:
        dsat bank schema > bank.schema.json
    """
    from dsat.services.banks import bank_schema as schema

    _echo(schema())


@bank.command("stats")
@click.option("--scope", default="all", show_default=True,
              help="A competency (4.1), an area (4), full (yearly test) or all.")  # fmt: skip
@click.option("--attempt", "pick", type=click.Choice(["all", "first", "latest"]),
              default="all", show_default=True,
              help="Every attempt, or only each person's first or latest.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "xlsx", "json"]),
              default="table", help="table prints here; the others write a file.")  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Output file (default results/exports/item-stats-<time>.<ext>; "
                   "'-' for stdout).")  # fmt: skip
@click.option("--include-simulated", is_flag=True, help="Count simulated attempts too.")
@click.option("--tui", is_flag=True,
              help="Open the trainers' screen: a sortable table, distractor bars.")  # fmt: skip
@click.option("--lang", type=LANG, default=None, help="Language of the screen (default vi).")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("trainer")
def bank_stats(
    scope: str, pick: str, fmt: str, out: Path | None, include_simulated: bool, tui: bool,
    lang: str | None, db: Path | None,
) -> None:  # fmt: skip
    """How each item performs, with Moodle's quiz statistics, and the items to look at.

    Per item version: n, facility, standard deviation, random guess score, discrimination
    index (correlation with the rest of the test), discriminative efficiency, weights, and
    per option the share who chose it and its point-biserial. Per scope: mean, median, SD,
    skewness, kurtosis, Cronbach's alpha (CIC), error ratio and standard error. Flagged:
    facility under 20% or over 90%, discrimination under 20%, a distractor chosen more by
    the top group than the key, fewer than 30 responses (not computed). docs/levels.md
    gives every formula.

    \b
    Example:
        dsat bank stats --scope 4.1
        dsat bank stats --scope full --format xlsx --out stats.xlsx
        dsat bank stats --scope 4 --tui
    """
    import datetime as dt

    from dsat.services.measurement import statistics

    database = _open_db(db, create=False)
    if tui:
        from dsat.settings import load_settings
        from dsat.tui.trainer import TrainerApp

        language = load_settings(db=_db_path(db), lang=_lang(lang)).lang
        TrainerApp(database, _framework(database), scope, lang=language, pick=pick,
                   include_simulated=include_simulated).run()  # fmt: skip
        return
    report = statistics(
        database, _framework(database), scope, pick=pick,
        include_simulated=include_simulated,
    )  # fmt: skip
    if fmt != "table":
        from dsat.services.stats_export import export

        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        written = _emit(out, export(report, fmt), EXPORTS / f"item-stats-{stamp}.{fmt}",
                        binary=fmt == "xlsx")  # fmt: skip
        if written is not None:
            _echo(f"{written}: {len(report.items)} item versions of {report.scope}")
        return
    t = report.test
    _echo(f"Item statistics for {report.scope}: {report.attempts} attempts"
          + (" (simulated included)" if report.simulated_included else ""))  # fmt: skip
    if report.note:
        _echo(f"note: {report.note}")
    elif t.too_few:
        _echo(f"test: too few attempts ({t.attempts} < 30): not computed")
    else:

        def f(v: float | None, spec: str = ".2f") -> str:
            return "-" if v is None else format(v, spec)

        _echo(f"test: mean {f(t.mean)} of {f(t.max_score, 'g')}, median {f(t.median)}, "
              f"SD {f(t.sd)}, skewness {f(t.skewness)}, kurtosis {f(t.kurtosis)}, "
              f"CIC (alpha) {f(t.cic, '.1f')}%, error ratio {f(t.error_ratio, '.1f')}%, "
              f"SE {f(t.sem)}")  # fmt: skip
    _echo(f"{'item':<12} {'v':>2} {'lvl':>3} {'type':<12} {'n':>5} {'facil':>6} {'SD':>5} "
          f"{'guess':>5} {'discr':>6} {'effic':>6}  flags")  # fmt: skip
    for item, s in report.items:

        def p(v: float | None) -> str:
            return "" if v is None else f"{v:.0f}"

        _echo(f"{s.item_id:<12} {s.version:>2} {item.level:>3} {item.type:<12} {s.n:>5} "
              f"{p(s.facility):>6} {p(s.sd):>5} {p(s.random_guess):>5} "
              f"{p(s.discrimination):>6} {p(s.efficiency):>6}  {'; '.join(s.flags)}")  # fmt: skip
    flagged = sum(1 for _, s in report.items if s.flags)
    _echo(f"{len(report.items)} item versions, {flagged} flagged")


@bank.command("calibrate")
@click.option("--area", default=None, help="Only this area (default: every area with data).")
@click.option("--min-n", type=click.IntRange(30, 100000), default=200, show_default=True,
              help="Responses an item needs to be calibrated.")  # fmt: skip
@click.option("--include-simulated", is_flag=True, help="Use simulated attempts too.")
@click.option("--dry-run", is_flag=True, help="Show the parameters; write nothing.")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("trainer")
def bank_calibrate(
    area: str | None, min_n: int, include_simulated: bool, dry_run: bool, db: Path | None
) -> None:
    """Estimate item parameters (2PL; partial credit: GPCM) per area from the answers.

    Marginal maximum likelihood with weak priors; items calibrated before stay fixed
    (anchors), so the scale keeps its meaning; each calibrated item gets a new parameter
    row (n, date, fit), nothing is overwritten. Items with fewer than --min-n responses are
    named and get nothing. Fit: infit and outfit, flagged outside 0.7-1.3.

    \b
    Example:
        dsat bank calibrate --area 4 --dry-run
        dsat bank calibrate
    """
    from dsat.services.measurement import calibrate

    account = click.get_current_context().meta.get("account")
    database = _open_db(db, create=False)
    results = calibrate(
        database, _framework(database), area=area, include_simulated=include_simulated,
        min_n=min_n, save=not dry_run, by=account.username if account else None,
    )  # fmt: skip
    for r in results:
        state = "saved" if r.saved else "not saved (dry run)" if dry_run else "nothing to save"
        _echo(f"area {r.area_id}: {r.persons} response patterns, population mean {r.mean:.2f} "
              f"SD {r.sd:.2f}, {'converged' if r.converged else 'NOT converged'} in "
              f"{r.iterations} cycles; {state}")  # fmt: skip
        for i in r.items:
            if i.status == "too few":
                _echo(f"  {i.item_id} v{i.version}: {i.flags[0]}")
                continue
            se = f" (SE {i.se_a:.2f}, {i.se_b:.2f})" if i.se_a and i.se_b else ""
            fit = f" infit {i.infit:.2f} outfit {i.outfit:.2f}" if i.infit and i.outfit else ""
            flags = f"  [{'; '.join(i.flags)}]" if i.flags else ""
            _echo(f"  {i.item_id} v{i.version} {i.status}: n {i.n}, a {i.a:.2f} b {i.b:.2f}"
                  f"{se}{fit}{flags}")  # fmt: skip
