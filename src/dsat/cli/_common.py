"""The command group, shared options and helpers of the `dsat` command line."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Any

import click

from dsat.banks.formats import registry as format_registry

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


FORMAT_HELP = "Input format (default: from the extension and content)."
IN_FORMATS = click.Choice(format_registry.names())


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


def _new_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password (12+ characters)", hide_input=True, confirmation_prompt=True)


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


def _csv_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]
