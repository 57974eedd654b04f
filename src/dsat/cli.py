"""The `dsat` command line: thin; parses arguments, calls services, prints.

Heavy imports (Textual, the bank readers) happen inside the commands that need them, so
`dsat --help` and admin commands start fast.
"""

from __future__ import annotations

import functools
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


def _needs(role: str) -> Any:
    """Commands for trainers or administrators: once staff accounts exist, `--as NAME` and
    the password are required (an administrator may do what a trainer may). A database
    with no account yet is a single-user installation: the command runs."""

    def decorate(f: Any) -> Any:
        @functools.wraps(f)
        def wrapper(*args: Any, as_user: str | None, password_stdin: bool, **kw: Any) -> Any:
            ctx = click.get_current_context()
            ctx.meta["account"] = _check_role(kw.get("db"), role, as_user, password_stdin)
            return f(*args, **kw)

        wrapper = click.option(
            "--password-stdin", is_flag=True, help="Read the password from standard input."
        )(wrapper)
        return click.option(
            "--as", "as_user", default=None, help=f"Your account ({role} role or above)."
        )(wrapper)

    return decorate


def _check_role(db: Path | None, role: str, as_user: str | None, password_stdin: bool) -> Any:
    from dsat.settings import load_settings

    path = load_settings(db=db).db
    if not path.exists() and not as_user:
        return None
    database = _open_db(path)
    accounts = database.conn.execute("SELECT COUNT(*) FROM accounts WHERE active = 1")
    if accounts.fetchone()[0] == 0 and not as_user:
        return None
    return _sign_in_as(database, as_user, role, password_stdin)


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

    app = DsatApp(database, lang=settings.lang, seed=seed, grace_seconds=settings.grace_seconds)
    app.run()
    if app.return_code:
        sys.exit(app.return_code)


@main.group()
def bank() -> None:
    """Question banks: validate, lint, import, export, diff, template, list, schema.

    \b
    Example:
        dsat bank validate question_banks/ && dsat bank import question_banks/
    """


FORMAT_HELP = "Input format (default: from the extension and content)."
IN_FORMATS = click.Choice(["yaml", "gift", "aiken", "moodlexml", "qti", "csv", "xlsx"])


def _import_options(f: Any, format_flag: str = "--format") -> Any:
    """The options that say what other formats cannot: format, competency, level, ids."""
    decorators = [
        click.option(format_flag, "fmt", type=IN_FORMATS, default=None, help=FORMAT_HELP),
        click.option(
            "--competency", default=None, help="Competency of items that do not name one."
        ),
        click.option(
            "--level", type=click.IntRange(1, 8), default=None, help="Level (1-8) likewise."
        ),
        click.option(
            "--map",
            "map_file",
            type=click.Path(path_type=Path, dir_okay=False),
            default=None,
            help="YAML file mapping categories (GIFT, Moodle XML, QTI folders) to "
            "competencies and levels.",
        ),
        click.option(
            "--id-prefix",
            default=None,
            help="Prefix of ids made from question names (default: the file name).",
        ),
        click.option(
            "--skip-unsupported",
            is_flag=True,
            help="Skip question types dsat cannot score (essay, description) with a note, "
            "instead of refusing the file.",
        ),
    ]
    for d in reversed(decorators):
        f = d(f)
    return f


def _options(kw: dict[str, Any]) -> Any:
    from dsat.banks.foreign import ImportOptions

    return ImportOptions(
        format=kw.pop("fmt", None),
        competency=kw.pop("competency", None),
        level=kw.pop("level", None),
        map_file=kw.pop("map_file", None),
        id_prefix=kw.pop("id_prefix", None),
        skip_unsupported=kw.pop("skip_unsupported", False),
    )


class _Progress:
    """A progress bar on stderr, only on a terminal and only for large jobs."""

    def __init__(self, label: str, threshold: int = 500):
        self.label, self.threshold, self.bar = label, threshold, None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < self.threshold or not sys.stderr.isatty():
                return
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.length = total
        self.bar.update(done - self.shown)
        self.shown = done
        if done >= total:
            self.bar.render_progress()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _notes(notes: list[str]) -> None:
    for n in notes:
        click.echo(f"note: {n}", err=True)


def _maybe_db(db: Path | None) -> Any:
    from dsat.settings import load_settings

    path = load_settings(db=db).db
    return _open_db(path, create=False) if db or path.exists() else None


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


OUT_FORMATS = click.Choice(["yaml", "gift", "qti", "xlsx", "csv"])


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

    from dsat.banks.export import SUFFIX
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
        out = Path("results") / "exports" / f"bank-{stamp}{SUFFIX[out_fmt]}"
    _write_atomic(out, result.data)
    click.echo(f"{out}: {result.written} items written ({len(result.skipped)} skipped)")


def _write_atomic(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary file beside it, then a rename."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@bank.command("template")
@click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", help="Output format."
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
    from dsat.banks.formats import sheet
    from dsat.banks.formats.examples import example_items

    items = example_items()
    data = sheet.write_xlsx(items) if fmt == "xlsx" else sheet.write_csv(items).encode("utf-8-sig")
    out = out or Path(f"dsat-bank-template.{fmt}")
    _write_atomic(out, data)
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
    again changes nothing, and a corrected sheet replaces the attempt it corrects.

    \b
    Example:
        dsat results import-responses paper_sheets_2026-03.csv
    """
    from dsat.services.banks import default_framework
    from dsat.services.responses import import_responses

    database = _open_db(db)
    r = import_responses(database, default_framework(database), path)
    click.echo(
        f"{r.path}: {r.attempts} attempts, {r.answers} answers (added {r.added}, "
        f"replaced {r.replaced}, unchanged {r.unchanged})"
    )


@main.group()
def staff() -> None:
    """The staff register: everyone who should be assessed.

    \b
    Example:
        dsat staff import register.xlsx
    """


@staff.command("import")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@click.option(
    "--replace",
    is_flag=True,
    help="The file is the whole register: mark everyone not in it as inactive.",
)
@_needs("admin")
def staff_import(path: Path, db: Path | None, replace: bool) -> None:
    """Load the staff register from CSV or XLSX: all rows, or nothing on any problem.

    Columns: employee_id, full_name, unit_path (ministry/department/office, '/'-separated),
    province, position, active (yes/no; default yes). Vietnamese headings are accepted
    (mã cán bộ, họ và tên, đơn vị, tỉnh, chức vụ, đang làm việc). A re-import updates
    people by employee id. Problems are listed as FILE:ROW: field: message.

    \b
    Example:
        dsat staff import register.csv --replace
    """
    from dsat.services.staff import import_register

    r = import_register(_open_db(db), path, replace=replace)
    click.echo(
        f"{r.path}: {r.rows} people (added {r.added}, updated {r.updated}, "
        f"unchanged {r.unchanged}, made inactive {r.deactivated})"
    )


def _new_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password (12+ characters)", hide_input=True, confirmation_prompt=True)


@staff.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["trainer", "admin"]), required=True)
@click.option(
    "--new-password-stdin", "password_new", is_flag=True,
    help="Read the new password from standard input (after yours, with --password-stdin).",
)  # fmt: skip
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("admin")
def staff_add(username: str, role: str, password_new: bool, db: Path | None) -> None:
    """Create a trainer or administrator account (the password is asked twice).

    Passwords are stored as argon2id hashes (m=19456 KiB, t=2, p=1).

    \b
    Example:
        dsat staff add lan.nguyen --role admin
    """
    from dsat.services.accounts import add_account

    account = add_account(_open_db(db), username, role, _new_password(password_new))
    click.echo(f"account {account.username} ({account.role}) created")


@staff.command("passwd")
@click.argument("username")
@click.option(
    "--new-password-stdin", "password_new", is_flag=True,
    help="Read the new password from standard input (after yours, with --password-stdin).",
)  # fmt: skip
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("admin")
def staff_passwd(username: str, password_new: bool, db: Path | None) -> None:
    """Set a new password for an account.

    \b
    Example:
        dsat staff passwd lan.nguyen
    """
    from dsat.services.accounts import set_password

    set_password(_open_db(db), username, _new_password(password_new))
    click.echo(f"password of {username} changed")


def _sign_in_as(database: Any, username: str | None, role: str, password_stdin: bool) -> Any:
    """The signed-in account with `role`, or a one-line error."""
    from dsat.services.accounts import require, sign_in

    if not username:
        _fail(f"this needs an account with the {role} role: give --as NAME")
    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else click.prompt(f"Password of {username}", hide_input=True)
    )
    account = sign_in(database, username, password)
    require(account, role)
    return account


@main.command()
@click.option("--candidates", type=click.IntRange(1, 2_000_000), required=True)
@click.option("--seed", type=int, default=1, help="Same seed, same data.")
@click.option("--years", default="2025,2026", help="Years in which people sit the full assessment.")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("admin")
def simulate(candidates: int, seed: int, years: str, db: Path | None) -> None:
    """Create a simulated workforce that sits the real bank, for demonstrations.

    People across the 63 provinces, in ministry and provincial unit trees, with abilities
    varying by unit, answer real forms scored by the real scoring path. Everything is
    marked as simulated, and every report says so. Use a separate database.

    \b
    Example:
        dsat simulate --candidates 5000 --seed 7 --db results/demo.db
    """
    from dsat.services.banks import default_framework, ensure_bank
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
            database, default_framework(database), candidates=candidates, seed=seed,
            years=year_list, progress=progress,
        )  # fmt: skip
    finally:
        progress.close()
    click.echo(
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


def _csv_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


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
    personal: bool,
    fmt: str,
    out: Path | None,
    db: Path | None,
) -> None:
    """The share of people reaching proficiency, by group, against the national targets.

    For each group: registered (active in the staff register), assessed, proficient,
    participation %, proficient % with its Wilson 95% interval, the gap to the 70% (2025)
    and 90% (2030) targets and the change since the previous period. Each person counts
    once per competency and period. Total rows are given along province, unit and position;
    groups under --min-group people are suppressed, and so is whatever would reveal them.

    \b
    Example:
        dsat report share --by province,area --period year
        dsat report share --by unit --unit-depth 2 --format xlsx
    """
    import datetime as dt

    from dsat.services.banks import default_framework
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
        include_simulated=not no_simulated, province=province, unit=unit,
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
        from dsat.store import chain

        count, head = chain.head(database)
        click.echo(f"exported by {account.username} (admin); result chain head: {head} "
                   f"({count} results)")  # fmt: skip
        return
    try:
        result = share(database, default_framework(database), opts)
    except ValueError as exc:
        _fail(str(exc))
    if fmt == "table":
        _print_share(result)
        return
    from dsat.services.report_export import export

    if out is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = Path("results") / "exports" / f"share-{stamp}.{fmt}"
    _write_atomic(out, export(result, fmt))
    click.echo(f"{out}: {len(result.rows)} rows (groups under {min_group} suppressed)")
    click.echo(f"result chain head: {result.meta.chain_head} ({result.meta.chain_results} results)")


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
    from dsat.services.banks import default_framework
    from dsat.settings import load_settings

    settings = load_settings(db=db, lang=lang)
    database = _open_db(settings.db, create=False)
    from dsat.tui.admin import AdminApp

    AdminApp(database, default_framework(database), lang=settings.lang, min_group=min_group).run()


def _personal_export(database: Any, opts: Any, fmt: str, out: Path | None) -> None:
    """One row per person: only on request, only to a file, written whole or not at all."""
    import datetime as dt
    import tempfile

    from dsat.services.banks import default_framework
    from dsat.services.report import personal_rows
    from dsat.services.report_export import personal_csv, personal_xlsx

    if fmt not in ("csv", "xlsx"):
        _fail("--personal writes a file: give --format csv or --format xlsx")
    from dsat.store.db import read_snapshot

    snapshot = read_snapshot(database)  # the count and the rows from one state
    snapshot.__enter__()
    total, rows = personal_rows(database, default_framework(database), opts)
    if out is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = Path("results") / "exports" / f"people-{stamp}.{fmt}"
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    progress = _Progress("Exporting", threshold=20_000)
    try:
        with os.fdopen(fd, "wb") as fh:
            writer = personal_csv if fmt == "csv" else personal_xlsx
            n = writer(rows, fh, progress, total)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)  # personal data: readable by its owner only
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        progress.close()
        snapshot.__exit__(None, None, None)
    click.echo(f"{out}: {n} rows of personal data (readable by you only)")


def _print_share(result: Any) -> None:
    m = result.meta
    if m.simulated:
        click.echo(f"*** SIMULATED DATA: {m.simulated} ***")
    click.echo(f"Proficient means: {m.rule}. Counted: {m.attempt} attempt.")
    dims = result.dims
    widths = [max([len(d), *(len(r.group[d]) for r in result.rows)]) for d in dims]
    widths = [min(w, 40) for w in widths]
    head = "  ".join(d.ljust(w) for d, w in zip(dims, widths, strict=True))
    click.echo(f"{head}  {'registered':>10} {'assessed':>8} {'part.%':>6} {'prof.%':>6} "
               f"{'95% CI':>13} {'gap70':>5} {'gap90':>5} {'change':>6}")  # fmt: skip

    def num(v: Any, spec: str) -> str:
        return "" if v is None else format(v, spec)

    for r in result.rows:
        label = "  ".join(r.group[d][:w].ljust(w) for d, w in zip(dims, widths, strict=True))
        if r.suppressed:
            click.echo(f"{label}  {'(fewer than ' + str(m.min_group) + ' people: suppressed)'}")
            continue
        ci = f"{r.ci_low_pct:.1f}-{r.ci_high_pct:.1f}" if r.ci_low_pct is not None else ""
        click.echo(
            f"{label}  {num(r.registered, 'd'):>10} {num(r.assessed, 'd'):>8} "
            f"{num(r.participation_pct, '.1f'):>6} {num(r.proficient_pct, '.1f'):>6} "
            f"{ci:>13} {num(r.gap_2025_pp, '.1f'):>5} {num(r.gap_2030_pp, '.1f'):>5} "
            f"{num(r.change_pp, '+.1f'):>6}"
        )
    if m.not_in_register:
        click.echo(f"note: {m.not_in_register} assessed people are not in the staff register "
                   "and are left out")  # fmt: skip


@main.group()
def audit() -> None:
    """Tamper evidence for results.

    \b
    Example:
        dsat audit verify --head 3f2a...
    """


@audit.command("verify")
@click.option("--head", default=None, help="The chain head printed on an earlier export.")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("admin")
def audit_verify(head: str | None, db: Path | None) -> None:
    """Check every stored result against its HMAC chain link.

    Names each result that was edited, inserted or deleted and any change of order; with
    --head (printed on every results export), also a chain cut short. The key is the file
    beside the database (<db>.key), never in it. Exit code 1 when anything is wrong.

    \b
    Example:
        dsat audit verify --db results/dsat.db
    """
    from dsat.store.chain import ChainKeyError, verify

    try:
        v = verify(_open_db(db, create=False), head)
    except ChainKeyError as exc:
        _fail(str(exc))
    for kind, names in (
        ("edited", v.edited), ("inserted", v.inserted), ("deleted", v.deleted),
        ("out of order", v.broken),
    ):  # fmt: skip
        for name in names:
            click.echo(f"{kind}: {name}")
    if v.truncated:
        click.echo(f"truncated: {v.truncated}")
    if v.ok:
        click.echo(f"ok: {v.links} results chained, head {v.head}")
        return
    problems = len(v.edited) + len(v.inserted) + len(v.deleted) + len(v.broken)
    _fail(f"{problems + bool(v.truncated)} problems in {v.links} chained results")


@main.group("db")
def db_group() -> None:
    """The database file.

    \b
    Example:
        dsat db backup results/backup-2026-11-22.db
    """


@db_group.command("backup")
@click.argument("target", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("admin")
def db_backup(target: Path, db: Path | None) -> None:
    """Copy the database while it is in use: one consistent snapshot (SQLite backup API).

    Candidates can keep answering while it runs. The chain key is copied beside the copy.

    \b
    Example:
        dsat db backup /mnt/usb/dsat-2026-11-22.db
    """
    from dsat.store.backup import backup

    n = backup(_open_db(db, create=False), target)
    click.echo(f"{target}: backup done ({n} pages)")


@main.group()
def sitting() -> None:
    """Testing sessions with one-time codes for candidates.

    \b
    Example:
        dsat sitting open --unit "Sở Y tế" --codes 30
    """


@sitting.command("open")
@click.option("--unit", required=True, help="The unit sitting the test.")
@click.option("--codes", type=click.IntRange(1, 5000), required=True, help="How many codes.")
@click.option("--hours", type=click.FloatRange(0.1, 72), default=4, show_default=True,
              help="The sitting closes by itself after this long.")  # fmt: skip
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("trainer")
def sitting_open(unit: str, codes: int, hours: float, db: Path | None) -> None:
    """Open a sitting and print its one-time codes, one per candidate.

    While any sitting is open, the sign-in screen also asks for a code. A code is bound
    to the first employee who uses it and works until the sitting closes.

    \b
    Example:
        dsat sitting open --unit "UBND tỉnh Lào Cai/Sở Nội vụ" --codes 25 --hours 3
    """
    import getpass

    from dsat.services.sittings import open_sitting

    account = click.get_current_context().meta.get("account")
    by = account.username if account else getpass.getuser()
    s = open_sitting(_open_db(db), unit, codes, hours, by)
    click.echo(f"sitting {s.id} for {s.unit}, open until {s.closes_at} (UTC)")
    for code in s.codes:
        click.echo(code)


@sitting.command("close")
@click.argument("sitting_id", type=int)
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("trainer")
def sitting_close(sitting_id: int, db: Path | None) -> None:
    """Close a sitting: its unused codes stop working.

    \b
    Example:
        dsat sitting close 3
    """
    from dsat.services.sittings import close_sitting

    close_sitting(_open_db(db), sitting_id)
    click.echo(f"sitting {sitting_id} closed")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--public-url", default=None, help="The address browsers use, if not host:port.")
@click.option("--allow-origin", multiple=True, help="Another page origin allowed to connect.")
@click.option("--lang", type=LANG, default=None, help="Language of the app (default vi).")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@click.option("--seed", type=int, default=None, hidden=True)
def serve(
    host: str,
    port: int,
    public_url: str | None,
    allow_origin: tuple[str, ...],
    lang: str | None,
    db: Path | None,
    seed: int | None,
) -> None:
    """Serve the test-taking app to browsers (one app process per browser session).

    Binds to 127.0.0.1 unless --host says otherwise; websockets from other pages than the
    one served are refused; the sign-in screen gates everything, as in the terminal.
    Works with no internet connection.

    \b
    Example:
        dsat serve --host 0.0.0.0 --port 8000 --public-url http://10.0.0.5:8000
    """
    from dsat.settings import load_settings
    from dsat.web import LOOPBACK, DsatServer, app_command

    settings = load_settings(db=db, lang=lang)
    database = _open_db(settings.db)  # a bad --db is one line here, not in every browser
    from dsat.services.banks import ensure_bank

    ensure_bank(database)
    database.close()
    if host not in LOOPBACK:
        click.echo(
            f"note: listening on {host}: anyone who can reach it can open the sign-in screen",
            err=True,
        )
    command = app_command(settings.db, settings.lang, settings.grace_seconds, seed)
    server = DsatServer(command, host, port, public_url, allow_origin)
    click.echo(f"serving dsat on {server.public_url} (Ctrl+C to stop)")
    server.serve()


@sitting.command("unlock")
@click.argument("employee_id")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("trainer")
def sitting_unlock(employee_id: str, db: Path | None) -> None:
    """Let a candidate continue their test in another window or browser.

    A test is shown in one session at a time; when the first one is really gone (a
    broken computer), this frees it.

    \b
    Example:
        dsat sitting unlock CB042
    """
    from dsat.services.leases import unlock

    n = unlock(_open_db(db, create=False), employee_id)
    click.echo(f"{employee_id}: {n} open test{'s' if n != 1 else ''} unlocked")
