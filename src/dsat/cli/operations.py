"""Running sessions: audit, backups, sittings, the browser server."""

from __future__ import annotations

from pathlib import Path

import click

from dsat.cli._common import (
    DB_HELP,
    LANG,
    _db_path,
    _echo,
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
    """Check every chained row against its HMAC link.

    The chain covers results, attempts (whose they are), every answer and score, the staff
    register (units and provinces) and corrections. Names each row that was edited (with
    the fields), inserted or deleted and any change of order; with --head (printed on every
    results export), also a chain cut short. The key is a file outside the database
    (<db>.key or $DSAT_KEY_FILE). Exit code 1 when anything is wrong.

    \b
    Example:
        dsat audit verify --db results/dsat.db
    """
    from dsat.services.audit import verify

    v = verify(_open_db(db, create=False), head)
    for epoch in v.epochs:
        _echo(
            f"note: a new chain was started on {epoch['at']} by {epoch['by']} "
            f"({epoch['reason']}); the {epoch['links']} links before it are not checked"
        )
    for warning in v.warnings:
        _echo(f"warning: {warning}", err=True)
    for kind, names in (
        ("edited", v.edited), ("inserted", v.inserted), ("deleted", v.deleted),
        ("out of order", v.broken),
    ):  # fmt: skip
        for name in names:
            _echo(f"{kind}: {name}")
    if v.truncated:
        _echo(f"truncated: {v.truncated}")
    if v.ok:
        _echo(f"ok: {v.links} links verified, head {v.head} (key id {v.key_id})")
        return
    _fail(f"{v.problems} problems in {v.links} chained rows")


@audit.command("init")
@click.option("--reason", required=True, help="Why a new chain is started (kept in it).")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("admin")
def audit_init(reason: str, db: Path | None) -> None:
    """Start a new audit chain on purpose, after the key was lost or compromised.

    A new key is made (an old key file is kept beside it, renamed), and every row is sealed
    as it is now, after an entry that records who started the chain, when and why; `audit
    verify` names that point. Refused while the current chain verifies.

    \b
    Example:
        dsat audit init --reason "key file lost with the old server (ticket 4711)"
    """
    import getpass

    from dsat.services.audit import init

    account = click.get_current_context().meta.get("account")
    by = account.username if account else getpass.getuser()
    before = init(_open_db(db, create=False), by, reason)
    _echo(f"a new audit chain starts after {before} links; keep the new key file safe")


@audit.command("history")
@click.argument("attempt_id")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("admin")
def audit_history(attempt_id: str, db: Path | None) -> None:
    """Show what the chain holds for one attempt: its seal, its answers, corrections.

    \b
    Example:
        dsat audit history 3f2a8c1e-...
    """
    import json

    from dsat.services.audit import history

    entries = history(_open_db(db, create=False), attempt_id)
    if not entries:
        _fail(f"nothing is chained for attempt {attempt_id}")
    for e in entries:
        payload = json.dumps(e["payload"], ensure_ascii=False)
        _echo(f"{e['seq'] or '-':>6}  {e['kind']:<10} {payload}")


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

    Candidates can keep answering while it runs. The copy and the audit key copied beside
    it are readable by their owner only (0600).

    \b
    Example:
        dsat db backup /mnt/usb/dsat-2026-11-22.db
    """
    from dsat.services.files import check_target
    from dsat.services.operations import backup

    check_target(target)
    n = backup(_open_db(db, create=False), target)
    _echo(f"{target}: backup done ({n} pages)")


@main.group()
def sitting() -> None:
    """Testing sessions with one-time codes for candidates.

    \b
    Example:
        dsat sitting open --unit "Sở Y tế" --codes 30
    """


@sitting.command("open")
@click.option("--unit", required=True, help="The unit sitting the test.")
@click.option("--codes", type=click.IntRange(1, 5000), default=None,
              help="How many codes to give out at the desk (`dsat sitting bind`).")  # fmt: skip
@click.option("--named", is_flag=True,
              help="One code for each person of the unit in the staff register.")  # fmt: skip
@click.option("--hours", type=click.FloatRange(0.1, 72), default=4, show_default=True,
              help="The sitting closes by itself after this long.")  # fmt: skip
@click.option("--feedback", type=click.Choice(["assessment", "practice"]),
              default="assessment", show_default=True,
              help="assessment: level and what to study, no keys; practice: keys too.")  # fmt: skip
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("trainer")
def sitting_open(
    unit: str, codes: int | None, named: bool, hours: float, feedback: str, db: Path | None
) -> None:
    """Open a sitting and print its one-time codes.

    While any sitting is open, the sign-in screen also asks for a code. Every code is for
    one person: with --named, one per person of the unit in the staff register (printed
    with their names); with --codes N, codes the invigilator gives out at the desk with
    `dsat sitting bind CODE EMPLOYEE_ID`. A code works only for its person, until the
    sitting closes.

    \b
    Example:
        dsat sitting open --unit "UBND tỉnh Lào Cai/Sở Nội vụ" --named --hours 3
        dsat sitting open --unit "Sở Y tế" --codes 25
    """
    import getpass

    from dsat.services.sittings import open_sitting

    if named == (codes is not None):
        _fail("give either --named (codes for the register's people) or --codes N")
    account = click.get_current_context().meta.get("account")
    by = account.username if account else getpass.getuser()
    s = open_sitting(_open_db(db), unit, codes or 0, hours, by, named=named, feedback=feedback)
    _echo(f"sitting {s.id} for {s.unit}, open until {s.closes_at} (UTC), feedback {s.feedback}")
    for code, emp, name in s.codes:
        _echo(f"{code}  {emp}  {name}" if emp else code)


@sitting.command("bind")
@click.argument("code")
@click.argument("employee_id")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@_needs("trainer")
def sitting_bind(code: str, employee_id: str, db: Path | None) -> None:
    """Give a code of an open sitting to one person, at the invigilator's desk.

    \b
    Example:
        dsat sitting bind K7M2QX9P CB042
    """
    from dsat.services.sittings import bind_code

    name = bind_code(_open_db(db), code, employee_id)
    _echo(f"{code.strip().upper()} is now for {employee_id.strip()} ({name})")


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
    _echo(f"sitting {sitting_id} closed")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--public-url", default=None, help="The address browsers use, if not host:port.")
@click.option("--allow-origin", multiple=True, help="Another page origin allowed to connect.")
@click.option("--lang", type=LANG, default=None, help="Language of the app (default vi).")
@click.option("--db", type=click.Path(path_type=Path), default=None, help=DB_HELP)
@click.option("--max-sessions", type=click.IntRange(1, 10_000), default=None,
              help="Sessions at once (each a process; default: what memory holds).")  # fmt: skip
@click.option("--per-minute", type=click.IntRange(1, 10_000), default=30, show_default=True,
              help="New sessions a minute from one address.")  # fmt: skip
@click.option("--seed", type=int, default=None, hidden=True)
def serve(
    host: str,
    port: int,
    public_url: str | None,
    allow_origin: tuple[str, ...],
    lang: str | None,
    db: Path | None,
    max_sessions: int | None,
    per_minute: int,
    seed: int | None,
) -> None:
    """Serve the test-taking app to browsers (one app process per browser session).

    Binds to 127.0.0.1 unless --host says otherwise; websockets from other pages than the
    one served are refused; the sign-in screen gates everything, as in the terminal.
    Browsers past --max-sessions, or opening more than --per-minute sessions a minute from
    one address, get a page saying so. Works with no internet connection.

    \b
    Example:
        dsat serve --host 0.0.0.0 --port 8000 --public-url http://10.0.0.5:8000
    """
    from dsat.settings import load_settings
    from dsat.web import LOOPBACK, DsatServer, app_command

    settings = load_settings(db=_db_path(db), lang=lang)
    database = _open_db(settings.db)  # a bad --db is one line here, not in every browser
    from dsat.services.banks import ensure_bank

    ensure_bank(database)
    database.close()
    if host not in LOOPBACK:
        _echo(
            f"note: listening on {host}: anyone who can reach it can open the sign-in screen",
            err=True,
        )
    command = app_command(settings.db, settings.lang, settings.grace_seconds, seed)
    server = DsatServer(
        command, host, port, public_url, allow_origin, max_sessions=max_sessions,
        per_minute=per_minute,
    )  # fmt: skip
    _echo(
        f"serving dsat on {server.public_url}, at most {server.max_sessions} sessions at once "
        "(Ctrl+C to stop)"
    )
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
    _echo(f"{employee_id}: {n} open test{'s' if n != 1 else ''} unlocked")
