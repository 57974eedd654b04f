"""The staff register and staff accounts."""

from __future__ import annotations

from pathlib import Path

import click

from dsat.cli._common import (
    DB_HELP,
    _echo,
    _needs,
    _new_password,
    _open_db,
    main,
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
    _echo(
        f"{r.path}: {r.rows} people (added {r.added}, updated {r.updated}, "
        f"unchanged {r.unchanged}, made inactive {r.deactivated})"
    )


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
    _echo(f"account {account.username} ({account.role}) created")


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
    _echo(f"password of {username} changed")
