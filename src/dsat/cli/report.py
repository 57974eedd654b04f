"""Reports for administrators, and the simulated workforce for demonstrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from dsat.cli._common import (
    DB_HELP,
    LANG,
    _csv_list,
    _db_path,
    _echo,
    _fail,
    _framework,
    _needs,
    _open_db,
    _Progress,
    _write_atomic,
    main,
)


@main.command()
@click.option("--candidates", type=click.IntRange(1, 2_000_000), required=True)
@click.option("--seed", type=int, default=1, help="Same seed, same data.")
@click.option("--years", default="2025,2026", help="Years in which people sit the full assessment.")
@click.option("--mode", type=click.Choice(["fixed", "adaptive"]), default=None,
              help="Fixed forms or adaptive tests (default: the blueprint's).")  # fmt: skip
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("admin")
def simulate(candidates: int, seed: int, years: str, mode: str | None, db: Path | None) -> None:
    """Create a simulated workforce that sits the real bank, for demonstrations.

    People across the 34 provinces, in ministry and provincial unit trees, with true
    abilities per area varying by unit, answer real forms (fixed or adaptive) following the
    item response model, scored by the real scoring path. Their true abilities are kept, so
    `dsat report truth` compares reported shares with the truth. Everything is marked as
    simulated, and every report says so. Use a separate database.

    \b
    Example:
        dsat simulate --candidates 5000 --seed 7 --db results/demo.db
    """
    from dsat.services.banks import ensure_bank
    from dsat.services.simulate import simulate as run

    try:
        year_list = tuple(int(y) for y in years.split(","))
    except ValueError:
        _fail(f"--years: expected years such as 2025,2026, not {years!r}")
    database = _open_db(db)
    ensure_bank(database)
    progress = _Progress("Simulating", threshold=2000)
    try:
        r = run(
            database, _framework(database), candidates=candidates, seed=seed,
            years=year_list, mode=mode, progress=progress,
        )  # fmt: skip
    finally:
        progress.close()
    _echo(
        f"simulated: {r.people} people, {r.attempts} attempts, {r.results} results "
        f"(marked as simulated)"
    )


@main.group()
def report() -> None:
    """Reports for administrators.

    \b
    Example:
        dsat report share --by province,area --period year
    """


@report.command("share")
@click.option(
    "--by",
    default="",
    help="Comma-separated groups: province, unit, position, area, competency. "
    "Without area or competency: the overall indicator.",
)
@click.option(
    "--period",
    type=click.Choice(["all", "year", "quarter", "month"]),
    default="all",
    help="Split by period (Vietnam time).",
)
@click.option("--from", "start", default=None, help="First day, YYYY-MM-DD (inclusive).")
@click.option("--to", "end", default=None, help="Last day, YYYY-MM-DD (inclusive).")
@click.option(
    "--attempt",
    type=click.Choice(["latest", "best", "first"]),
    default="latest",
    help="Which result counts when a person has several (per competency and period).",
)
@click.option("--min-group", type=click.IntRange(1, 1000), default=5, show_default=True,
              help="Groups with fewer people are suppressed.")  # fmt: skip
@click.option("--unit-depth", type=click.IntRange(1, 10), default=None,
              help="Roll units up to this depth of the unit tree.")  # fmt: skip
@click.option("--min-areas", type=click.IntRange(1, 20), default=None,
              help="Overall indicator: areas needed (default: all).")  # fmt: skip
@click.option("--province", default=None, help="Only people of this province.")
@click.option("--unit", default=None, help="Only this unit and the units under it (a path).")
@click.option("--no-simulated", is_flag=True, help="Leave simulated attempts out.")
@click.option(
    "--method",
    type=click.Choice(["count", "posterior"]),
    default="count",
    show_default=True,
    help="count: people whose level is proficient, Wilson interval (sampling error); "
    "posterior: mean probability of being proficient, interval from plausible values "
    "(measurement and sampling error).",
)
@click.option(
    "--personal",
    is_flag=True,
    help="Export one row per person instead of group figures: an administrator only "
    "(--as), CSV or XLSX, never suppressed; handle it as personal data.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "xlsx", "json"]),
    default="table",
    help="table prints here; the others write a file.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Output file (default results/exports/share-<time>.<ext>).",
)
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("admin")
def report_share(
    by: str,
    period: str,
    start: str | None,
    end: str | None,
    attempt: str,
    min_group: int,
    unit_depth: int | None,
    min_areas: int | None,
    province: str | None,
    unit: str | None,
    no_simulated: bool,
    method: str,
    personal: bool,
    fmt: str,
    out: Path | None,
    db: Path | None,
) -> None:
    """The share of people reaching proficiency, by group, against the national targets.

    For each group: registered (active in the staff register), assessed, proficient,
    participation %, proficient % with its 95% interval (--method count: Wilson, sampling
    error only; --method posterior: plausible values, measurement error included), the gap
    to the 70% (2025) and 90% (2030) targets and the change since the previous period. Each
    person counts once per competency and period. Total rows are given along province, unit
    and position; groups under --min-group people are suppressed, and so is whatever would
    reveal them.

    \b
    Example:
        dsat report share --by province,area --period year
        dsat report share --by unit --unit-depth 2 --format xlsx
    """
    import datetime as dt

    from dsat.services.report import ShareOptions, share

    def day(value: str | None, name: str, shift: int = 0) -> str | None:
        if value is None:
            return None
        try:
            return (dt.date.fromisoformat(value) + dt.timedelta(days=shift)).isoformat()
        except ValueError:
            _fail(f"{name}: expected a date YYYY-MM-DD, not {value!r}")
        return None

    database = _open_db(db, create=False)
    opts = ShareOptions(
        by=_csv_list(by), period=period, start=day(start, "--from"), end=day(end, "--to", 1),
        attempt=attempt, min_group=min_group, unit_depth=unit_depth, min_areas=min_areas,
        include_simulated=not no_simulated, province=province, unit=unit, method=method,
    )  # fmt: skip
    if personal:
        if fmt not in ("csv", "xlsx"):
            _fail("--personal writes a file: give --format csv or --format xlsx")
        account = click.get_current_context().meta.get("account")
        if account is None:
            _fail(
                "--personal needs an administrator: create an account with "
                "`dsat staff add NAME --role admin`, then give --as NAME"
            )
        _personal_export(database, opts, fmt, out)
        from dsat.services.audit import head as chain_head

        count, head = chain_head(database)
        _echo(f"exported by {account.username} (admin); audit chain head: {head} "
                   f"({count} results)")  # fmt: skip
        return
    try:
        result = share(database, _framework(database), opts)
    except ValueError as exc:
        _fail(str(exc))
    if fmt == "table":
        _print_share(result, _framework(database))
        return
    from dsat.services.report_export import export

    if out is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = Path("results") / "exports" / f"share-{stamp}.{fmt}"
    _write_atomic(out, export(result, fmt))
    _echo(f"{out}: {len(result.rows)} rows (groups under {min_group} suppressed)")
    _echo(f"audit chain head: {result.meta.chain_head} ({result.meta.chain_results} links)")


@report.command("dashboard")
@click.option("--lang", type=LANG, default=None, help="Language (default vi).")
@click.option("--min-group", type=click.IntRange(1, 1000), default=5, show_default=True,
              help="Groups with fewer people are hidden.")  # fmt: skip
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("admin")
def report_dashboard(lang: str | None, min_group: int, db: Path | None) -> None:
    """Open the dashboard: the share reaching proficiency by province, then by unit.

    Enter shows the units of the selected province or unit, Backspace goes back up, `a`
    steps through the areas and the overall indicator. Bars show the 70% (2025) and 90%
    (2030) targets; groups under --min-group people are hidden.

    \b
    Example:
        dsat report dashboard --db results/demo.db
    """
    from dsat.settings import load_settings

    settings = load_settings(db=_db_path(db), lang=lang)
    database = _open_db(settings.db, create=False)
    from dsat.tui.admin import AdminApp

    AdminApp(database, _framework(database), lang=settings.lang, min_group=min_group).run()


def _personal_export(database: Any, opts: Any, fmt: str, out: Path | None) -> None:
    """One row per person: only on request, only to a file, written whole or not at all,
    readable by its owner only from the first byte."""
    import datetime as dt

    from dsat.services.files import atomic_write
    from dsat.services.report import personal_rows
    from dsat.services.report_export import personal_csv, personal_xlsx

    if fmt not in ("csv", "xlsx"):
        _fail("--personal writes a file: give --format csv or --format xlsx")
    if out is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = Path("results") / "exports" / f"people-{stamp}.{fmt}"
    progress = _Progress("Exporting", threshold=20_000)
    writer = personal_csv if fmt == "csv" else personal_xlsx
    try:
        with database.snapshot():  # the count and the rows from one state
            total, rows = personal_rows(database, _framework(database), opts)
            n = atomic_write(out, lambda fh: writer(rows, fh, progress, total), mode=0o600)
    finally:
        progress.close()
    _echo(f"{out}: {n} rows of personal data (readable by you only)")


def _named(fw: Any, dim: str, value: str) -> str:
    """An area or a competency with its name, as the framework gives it (in English)."""
    if dim == "area" and (area := fw.area(value)) is not None:
        return f"{value} {area.name.en}"
    if dim == "competency" and (comp := fw.competency(value)) is not None:
        return f"{value} {comp.name.en}"
    return value


def _print_share(result: Any, fw: Any) -> None:
    m = result.meta
    if m.simulated:
        _echo(f"*** SIMULATED DATA: {m.simulated} ***")
    _echo(f"Proficient means: {m.rule}. Counted: {m.attempt} attempt.")
    _echo(f"Method: {m.method_note}.")
    if m.measured_share < 1:
        _echo(f"note: {100 * (1 - m.measured_share):.0f}% of the results counted date from "
              "before levels were measured on the IRT scale")  # fmt: skip
    dims = result.dims
    from dsat.domain.text import clean

    for r in result.rows:  # cleaned before the widths are measured: columns stay aligned
        r.group = {d: clean(_named(fw, d, v)) for d, v in r.group.items()}
    widths = [max([len(d), *(len(r.group[d]) for r in result.rows)]) for d in dims]
    widths = [min(w, 40) for w in widths]
    head = "  ".join(d.ljust(w) for d, w in zip(dims, widths, strict=True))
    _echo(f"{head}  {'registered':>10} {'assessed':>8} {'part.%':>6} {'prof.%':>6} "
               f"{'95% CI':>13} {'gap70':>5} {'gap90':>5} {'change':>6}")  # fmt: skip

    def num(v: Any, spec: str) -> str:
        return "" if v is None else format(v, spec)

    for r in result.rows:
        label = "  ".join(r.group[d][:w].ljust(w) for d, w in zip(dims, widths, strict=True))
        if r.suppressed:
            _echo(f"{label}  {'(fewer than ' + str(m.min_group) + ' people: suppressed)'}")
            continue
        ci = f"{r.ci_low_pct:.1f}-{r.ci_high_pct:.1f}" if r.ci_low_pct is not None else ""
        _echo(
            f"{label}  {num(r.registered, 'd'):>10} {num(r.assessed, 'd'):>8} "
            f"{num(r.participation_pct, '.1f'):>6} {num(r.proficient_pct, '.1f'):>6} "
            f"{ci:>13} {num(r.gap_2025_pp, '.1f'):>5} {num(r.gap_2030_pp, '.1f'):>5} "
            f"{num(r.change_pp, '+.1f'):>6}"
        )
    if m.not_in_register:
        _echo(f"note: {m.not_in_register} assessed people are not in the staff register "
                   "and are left out")  # fmt: skip


@report.command("truth")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("admin")
def report_truth(db: Path | None) -> None:
    """A simulation's true share proficient per area and year, beside what dsat reports.

    Only for databases made by `dsat simulate`, which keeps each simulated person's true
    ability: the count method's share and the posterior method's share (with its 95%
    interval from plausible values) against the truth.

    \b
    Example:
        dsat simulate --candidates 5000 --seed 7 --db demo.db && dsat report truth --db demo.db
    """
    from dsat.services.truth import compare

    database = _open_db(db, create=False)
    rows = compare(database, _framework(database))
    _echo(f"{'area':<5} {'year':<5} {'people':>7} {'true %':>7} {'count %':>8} {'error':>6} "
          f"{'posterior %':>11} {'95% interval':>14} {'error':>6}")  # fmt: skip
    for r in rows:
        interval = f"{r.posterior_low:.1f}-{r.posterior_high:.1f}"
        _echo(f"{r.area_id:<5} {r.period:<5} {r.people:>7} {r.true_pct:>7.1f} "
              f"{r.count_pct:>8.1f} {r.count_error:>+6.1f} {r.posterior_pct:>11.1f} "
              f"{interval:>14} {r.posterior_error:>+6.1f}")  # fmt: skip
