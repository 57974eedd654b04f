"""Running sessions: audit, backups, sittings, the browser server."""

from __future__ import annotations

from pathlib import Path

import click

from dsat.cli._common import (
    DB_HELP,
    LANG,
    _fail,
    _needs,
    _open_db,
    main,
)


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
