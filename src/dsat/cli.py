"""The `dsat` command line: thin; parses arguments, calls services, prints.

Heavy imports (Textual, the bank readers) happen inside the commands that need them, so
`dsat --help` and admin commands start fast.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

LANG = click.Choice(["vi", "en"])
DB_HELP = "SQLite database file (default results/dsat.db, or $DSAT_DB)."


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _open_db(db: Path | None, *, create: bool = True) -> Any:
    from dsat.settings import load_settings
    from dsat.store.db import connect

    return connect(load_settings(db=db).db, create=create)


class _Group(click.Group):
    """Turns library errors into one clear line and a non-zero exit, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from dsat.banks.errors import BankError
        from dsat.services.errors import ServiceError
        from dsat.settings import SettingsError
        from dsat.store.db import StoreError

        try:
            return super().invoke(ctx)
        except BankError as exc:
            for issue in exc.issues:
                click.echo(str(issue), err=True)
            n = len(exc.issues)
            _fail(f"{n} problem{'s' if n != 1 else ''} found; nothing was written")
        except ServiceError as exc:
            _fail(exc.message("en"))
        except (StoreError, SettingsError) as exc:
            _fail(str(exc))
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:  # last resort: a clean line; DSAT_DEBUG=1 shows the trace
            if os.environ.get("DSAT_DEBUG"):
                raise
            _fail(f"{type(exc).__name__}: {exc}")


@click.group(cls=_Group, invoke_without_command=True)
@click.version_option(package_name="dsat")
@click.option("--lang", type=LANG, default=None, help="Language of the app (default vi).")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@click.pass_context
def main(ctx: click.Context, lang: str | None, db: Path | None) -> None:
    """dsat: digital skills assessment and test engine.

    With no command, opens the test-taking app (same as `dsat take`).

    \b
    Example:
        dsat                      # take a test on results/dsat.db
        dsat bank validate question_banks/
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(take, lang=lang, db=db)


@main.command()
@click.option("--lang", type=LANG, default=None, help="Language of the app (default vi).")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@click.option("--seed", type=int, default=None, hidden=True)
def take(lang: str | None, db: Path | None, seed: int | None) -> None:
    """Open the test-taking app.

    On first run the shipped question bank is imported into the database.

    \b
    Example:
        dsat take --lang en --db results/room1.db
    """
    from dsat.settings import load_settings

    settings = load_settings(db=db, lang=lang)
    database = _open_db(settings.db)  # before the app: a bad --db is a one-line error
    from dsat.tui.app import DsatApp

    app = DsatApp(database, lang=settings.lang, seed=seed)
    app.run()
    if app.return_code:
        sys.exit(app.return_code)


@main.group()
def bank() -> None:
    """Question banks: validate, import, list, schema.

    \b
    Example:
        dsat bank validate question_banks/ && dsat bank import question_banks/
    """


@bank.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
def bank_validate(paths: tuple[Path, ...], db: Path | None) -> None:
    """Check bank files or folders; report every problem as PATH:LINE: field: message.

    The framework file is taken from PATHS if there, else from the database, else the
    shipped one. Exit code 1 when anything is wrong, 0 when all is valid.

    \b
    Example:
        dsat bank validate question_banks/ my_items.yaml
    """
    from dsat.services.banks import validate
    from dsat.settings import load_settings

    path = load_settings(db=db).db
    database = _open_db(path, create=False) if db or path.exists() else None
    loaded = validate(list(paths), database)
    click.echo(f"ok: {len(loaded.items)} items in {len(loaded.files)} files are valid")


@bank.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
def bank_lint(paths: tuple[Path, ...], strict: bool) -> None:
    """Check how items are written: duplicates, give-away keys, risky wording.

    Files must validate first. Errors (exit code 1): the same stem twice, "all/none of the
    above" options. Warnings: near-duplicate stems, the key too often the longest option,
    unbalanced key positions, negative stems without capitals, options repeating the stem.

    \b
    Example:
        dsat bank lint question_banks/
    """
    from dsat.services.banks import lint

    findings = lint(list(paths))
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
def bank_import(paths: tuple[Path, ...], db: Path | None, imported_by: str | None) -> None:
    """Import bank files into the database: all of them, or nothing on any error.

    Unchanged items are left alone; a changed item gets a new version, and past attempts
    keep the version they saw.

    \b
    Example:
        dsat bank import question_banks/
    """
    from dsat.services.banks import import_bank

    summary = import_bank(_open_db(db), list(paths), imported_by=imported_by)
    if summary.framework_updated:
        click.echo("framework: updated")
    for f in summary.files:
        state = "unchanged" if not (f.added or f.changed or f.retired) else "imported"
        click.echo(
            f"{f.path}: {state} (added {f.added}, changed {f.changed}, "
            f"unchanged {f.unchanged}, retired {f.retired})"
        )


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


@main.group()
def results() -> None:
    """Attempts and results.

    \b
    Example:
        dsat results list --candidate CB001
    """


@results.command("list")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--candidate", default=None, help="Only this employee id.")
def results_list(db: Path | None, as_json: bool, candidate: str | None) -> None:
    """List attempts with their status, score and level per competency.

    \b
    Example:
        dsat results list --json --candidate CB001
    """
    from dsat.store.attempts import list_attempts

    rows = list_attempts(_open_db(db, create=False), candidate)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        pct = f"{r['percent']:.1f}%" if r["percent"] is not None else "-"
        click.echo(
            f"{r['started_at'][:16]}  {r['candidate']:<10} {r['scope_kind']:<10} "
            f"{r['competency']:<5} {r['status']:<11} {pct:>6}  {r['levels'] or ''}"
        )
    click.echo(f"{len(rows)} attempts")
