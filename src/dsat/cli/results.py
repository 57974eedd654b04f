"""Attempts and results: list them, import answers gathered elsewhere."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import click

from dsat.cli._common import (
    DB_HELP,
    _echo,
    _framework,
    _needs,
    _open_db,
    main,
)


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
@_needs("admin")
def results_list(db: Path | None, as_json: bool, candidate: str | None) -> None:
    """List attempts with their status, score and level per competency.

    \b
    Example:
        dsat results list --json --candidate CB001
    """
    from dsat.services.results import attempts

    rows = attempts(_open_db(db, create=False), candidate)
    if as_json:
        _echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        pct = f"{r['percent']:.1f}%" if r["percent"] is not None else "-"
        status = r["status"] if not r["superseded_by"] else "superseded"
        _echo(
            f"{r['started_at'][:16]}  {r['candidate']:<10} {r['scope_kind']:<10} "
            f"{r['competency']:<5} {status:<11} {pct:>6}  {r['levels'] or ''}"
        )
        if r["superseded_by"]:
            _echo(f"    corrected by attempt {r['superseded_by']}")
    _echo(f"{len(rows)} attempts")


@results.command("import-responses")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("admin")
def results_import_responses(path: Path, db: Path | None) -> None:
    """Score answers gathered outside the app (paper sheets, another system).

    CSV columns: employee_id, attempt_date (YYYY-MM-DD, Vietnam time), item_id, answer.
    Answers: an option letter (single), letters a,c (multiple), đúng/sai or true/false,
    the text or number typed, the right-hand letters in order for matching (b,a,c), step
    numbers for ordering (2,1,3) and self-rating (1-4). One person's rows on one date are one
    attempt, scored by the same engine as the app. All or nothing; importing the same file
    again changes nothing, and a corrected sheet supersedes the attempt it corrects (both
    stay in the history and the audit chain; reports count the correction).

    \b
    Example:
        dsat results import-responses paper_sheets_2026-03.csv
    """
    from dsat.services.responses import import_responses

    database = _open_db(db)
    account = click.get_current_context().meta.get("account")
    by = account.username if account else getpass.getuser()
    r = import_responses(database, _framework(database), path, imported_by=by)
    _echo(
        f"{r.path}: {r.attempts} attempts, {r.answers} answers (added {r.added}, "
        f"replaced {r.replaced}, unchanged {r.unchanged})"
    )
