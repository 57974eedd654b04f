"""The command group, shared options and helpers of the `dsat` command line."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from dsat.domain.framework import Framework

LANG = click.Choice(["vi", "en"])
DB_HELP = "SQLite database file (default results/dsat.db, or $DSAT_DB)."


def _echo(text: str = "", err: bool = False) -> None:
    """Print a line whose text may come from outside: no control characters reach the
    terminal (an escape sequence in a unit name must not change the window)."""
    from dsat.domain.text import clean

    click.echo(clean(str(text)), err=err)


def _fail(message: str, code: int = 1) -> NoReturn:
    _echo(f"error: {message}", err=True)
    sys.exit(code)


def _db_path(db: Path | None) -> Path | None:
    """The subcommand's --db, else the one given before the subcommand (`dsat --db X ...`);
    both given and different is an error, never a silent choice."""
    root = _root_option("db")
    if db is not None and root is not None and Path(db) != Path(root):
        _fail(f"--db is given twice with different files ({root} and {db}); give it once")
    return db if db is not None else root


def _lang(lang: str | None) -> str | None:
    """The subcommand's --lang, else the one given before it (`dsat --lang en take`); both
    given and different is an error."""
    root = _root_option("lang")
    if lang is not None and root is not None and lang != root:
        _fail(f"--lang is given twice with different languages ({root} and {lang}); give it once")
    return lang if lang is not None else root


def _root_option(name: str) -> Any:
    ctx = click.get_current_context(silent=True)
    return ctx.find_root().params.get(name) if ctx is not None else None


def _open_db(db: Path | None, *, create: bool = True) -> Any:
    from dsat.services.database import open_database
    from dsat.settings import load_settings

    return open_database(load_settings(db=_db_path(db)).db, create=create)


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
    from dsat.services.accounts import any_accounts
    from dsat.settings import load_settings

    path = load_settings(db=_db_path(db)).db
    if not path.exists() and not as_user:
        return None
    database = _open_db(path)
    if not any_accounts(database) and not as_user:
        return None
    return _sign_in_as(database, as_user, role, password_stdin)


class _Group(click.Group):
    """Turns library errors into one clear line and a non-zero exit, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from dsat.banks.errors import BankError
        from dsat.services.errors import ServiceError, StoreError
        from dsat.settings import SettingsError

        try:
            return super().invoke(ctx)
        except BankError as exc:
            for issue in exc.issues:
                _echo(str(issue), err=True)
            n = len(exc.issues)
            _fail(f"{n} problem{'s' if n != 1 else ''} found; nothing was written")
        except ServiceError as exc:
            _fail(exc.message("en"))
        except (StoreError, SettingsError) as exc:
            _fail(str(exc))
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:  # `dsat bank list | head`: the reader has gone, not an error
            import contextlib

            with contextlib.suppress(OSError):
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            sys.exit(0)
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
        ctx.invoke(take, lang=lang, db=db, remember=False)


@main.command()
@click.option("--lang", type=LANG, default=None, help="Language of the app (default vi).")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@click.option("--seed", type=int, default=None, hidden=True)
@click.option(
    "--remember-last",
    "remember",
    is_flag=True,
    help="Fill the sign-in form with this machine's last candidate (off by default; "
    "never on a shared terminal; $DSAT_REMEMBER_LAST=1 does the same).",
)
def take(lang: str | None, db: Path | None, seed: int | None, remember: bool) -> None:
    """Open the test-taking app.

    On first run the shipped question bank is imported into the database.

    \b
    Example:
        dsat take --lang en --db results/room1.db
    """
    from dsat.settings import load_settings

    settings = load_settings(db=_db_path(db), lang=_lang(lang))
    database = _open_db(settings.db)  # before the app: a bad --db is a one-line error
    from dsat.tui.app import DsatApp

    app = DsatApp(
        database, lang=settings.lang, seed=seed, grace_seconds=settings.grace_seconds,
        remember=remember or settings.remember_last,
    )  # fmt: skip
    app.run()
    if app.return_code:
        sys.exit(app.return_code)


class FormatChoice(click.Choice[str]):
    """The names of the bank formats (`dsat.banks.formats.registry`), looked up when an
    option of this type is parsed or its help shown: `dsat take` never loads the format
    modules before its first frame."""

    def __init__(self, **which: bool) -> None:
        self._which = which
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:
        from dsat.banks.formats import registry

        return tuple(registry.names(**self._which))

    @choices.setter
    def choices(self, _: Any) -> None:  # the registry decides, never a caller
        raise AttributeError("the format names come from the registry")


FORMAT_HELP = "Input format (default: from the extension and content)."
IN_FORMATS = FormatChoice()


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
        self.label, self.threshold = label, threshold
        self.bar: ProgressBar[int] | None = None
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
        _echo(f"note: {n}", err=True)


def _framework(database: Any) -> Framework:
    """The database's framework, else the shipped one; a one-line error when there is none
    (the services need one)."""
    from dsat.services.banks import default_framework

    fw = default_framework(database)
    if fw is None:
        _fail("no competency framework in the database")
    return fw


def _maybe_db(db: Path | None) -> Any:
    from dsat.settings import load_settings

    db = _db_path(db)
    path = load_settings(db=db).db
    return _open_db(path, create=False) if db or path.exists() else None


EXPORTS = Path("results") / "exports"  # where exports go unless --out says otherwise


def _emit(out: Path | None, data: bytes, default: Path, *, binary: bool = False) -> str | None:
    """An export's bytes: to standard output when --out is '-', else whole into --out or
    `default`. Returns the path written, None for standard output. A binary file (XLSX) is
    never poured onto a terminal."""
    if out is not None and str(out) == "-":
        if binary and sys.stdout.isatty():
            _fail("this format is binary: give --out FILE, or send '-' into a pipe or a file")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return None
    path = out if out is not None else default
    _write_atomic(path, data)
    return str(path)


def _write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write a file whole or not at all; never onto a pipe, a device or a folder."""
    from dsat.services.files import write_bytes

    write_bytes(path, data, mode)


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
    account = sign_in(database, username.strip(), password)
    require(account, role)
    return account


def _csv_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]
