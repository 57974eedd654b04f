"""Files a user asks for and the database a user names.

`--out` (and `db backup`'s target) never writes into a pipe, a device or through a symbolic
link: it is refused and the target is left as it was. The database, its backups and the
key copies are readable by their owner only, even under a permissive umask. `dsat --db X`
before a subcommand is that subcommand's database, for every subcommand of the tree.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dsat.cli import main
from dsat.services.assessment import AssessmentService
from dsat.services.banks import shipped_bank_dir

DSAT = str(Path(sys.executable).with_name("dsat"))
PASSWORD = "correct horse battery"


def cli(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


@pytest.fixture
def filled(db, db_path, fixed_fw, clock):
    """A database with the shipped bank, one submitted attempt and an admin account."""
    service = AssessmentService(db, fixed_fw, clock)
    service.identify("CB7", "Pham Van D", "So Y te")
    state = service.start("CB7", "competency", "4.1", "en", seed=1)
    service.answer(state.attempt.id, 0, 1)
    service.submit(state.attempt.id)
    added = cli(
        "staff", "add", "boss", "--role", "admin", "--new-password-stdin", "--db", str(db_path),
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    return db_path


def out_commands(db: Path) -> dict[str, list[str]]:
    """Every command that writes a file the user names, with the target as its last word."""
    d = str(db)
    admin = ["--as", "boss", "--password-stdin"]
    return {
        "report share": ["report", "share", "--format", "csv", "--db", d, *admin, "--out"],
        "report share --personal": [
            "report", "share", "--personal", "--format", "csv", "--db", d, *admin, "--out",
        ],
        "report share xlsx": ["report", "share", "--format", "xlsx", "--db", d, *admin, "--out"],
        "bank export": ["bank", "export", "--format", "yaml", "--db", d, *admin, "--out"],
        "bank export (files)": ["bank", "export", str(shipped_bank_dir() / "4.1-devices.yaml"),
                                "--format", "gift", "--db", d, *admin, "--out"],
        "bank stats": ["bank", "stats", "--format", "csv", "--db", d, *admin, "--out"],
        "bank template": ["bank", "template", "--format", "csv", "--out"],
        "db backup": ["db", "backup", "--db", d, *admin],
    }  # fmt: skip


def test_every_command_with_an_output_file_is_listed(tmp_path):
    """A new command with --out (or a file target) must join the list above."""
    found = set()

    def walk(cmd: click.Command, path: list[str]) -> None:
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(sub, [*path, name])
            return
        names = {p.name for p in cmd.params}
        if "out" in names or "target" in names:
            found.add(" ".join(path))

    walk(main, [])
    listed = {" ".join(v[:2]) for v in out_commands(tmp_path).values()}
    assert found <= listed, found - listed


def _fifo_reader(path: Path) -> int:
    """The read end, opened first, so a writer would not block and what it wrote is seen."""
    os.mkfifo(path)
    return os.open(path, os.O_RDONLY | os.O_NONBLOCK)


def _drained(fd: int) -> bytes:
    try:
        return os.read(fd, 1 << 16)
    except BlockingIOError:
        return b""


@pytest.mark.parametrize("name", list(out_commands(Path("x"))))
def test_out_onto_a_fifo_is_refused_and_nothing_is_written(filled, tmp_path, name):
    target = tmp_path / "pipe"
    reader = _fifo_reader(target)
    try:
        result = cli(*out_commands(filled)[name], str(target), input=PASSWORD + "\n")
        assert result.exit_code != 0, result.output
        assert "pipe" in result.output.lower() or "fifo" in result.output.lower(), result.output
        assert _drained(reader) == b""
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(target).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("name", list(out_commands(Path("x"))))
def test_out_through_a_symlink_is_refused_and_its_file_is_untouched(filled, tmp_path, name):
    precious = tmp_path / "precious.txt"
    precious.write_bytes(b"keep me\n")
    link = tmp_path / "link.out"
    link.symlink_to(precious)
    dangling = tmp_path / "dangling.out"
    dangling.symlink_to(tmp_path / "nowhere" / "new.txt")
    for target in (link, dangling):
        result = cli(*out_commands(filled)[name], str(target), input=PASSWORD + "\n")
        assert result.exit_code != 0, result.output
        assert "symbolic link" in result.output or "exists" in result.output, result.output
        assert target.is_symlink()
    assert precious.read_bytes() == b"keep me\n"
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("name", list(out_commands(Path("x"))))
def test_out_onto_a_device_is_refused(filled, name):
    null = Path("/dev/null")
    if not os.access(null, os.W_OK):
        pytest.skip("/dev/null is not writable here")
    result = cli(*out_commands(filled)[name], str(null), input=PASSWORD + "\n")
    assert result.exit_code != 0, result.output
    assert "device" in result.output or "exists" in result.output, result.output
    assert stat.S_ISCHR(os.lstat(null).st_mode)


def test_database_backup_and_key_copies_are_private_under_any_umask(tmp_path):
    """Created by a process whose umask lets everyone read: still 0600."""
    db = tmp_path / "new.db"

    def dsat(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [DSAT, *args], input=stdin, capture_output=True, text=True, cwd=tmp_path,
            preexec_fn=lambda: os.umask(0), timeout=120,
        )  # fmt: skip

    done = dsat("bank", "import", str(shipped_bank_dir() / "4.1-devices.yaml"), "--db", str(db))
    assert done.returncode == 0, done.stderr
    register = tmp_path / "r.csv"
    register.write_text("employee_id,full_name,unit_path,province\nCB1,Le Thi C,So Y te,Hue\n")
    assert dsat("staff", "import", str(register), "--db", str(db)).returncode == 0
    sheet = tmp_path / "p.csv"
    sheet.write_text("employee_id,attempt_date,item_id,answer\nCB1,2026-03-02,4.1-02,true\n")
    assert dsat("results", "import-responses", str(sheet), "--db", str(db)).returncode == 0
    key = Path(str(db) + ".key")
    assert key.exists()
    backup = tmp_path / "copies" / "b.db"
    done = dsat("db", "backup", str(backup), "--db", str(db))
    assert done.returncode == 0, done.stderr
    personal = tmp_path / "people.csv"
    assert dsat("staff", "add", "boss", "--role", "admin", "--new-password-stdin",
                "--db", str(db), stdin=PASSWORD + "\n").returncode == 0  # fmt: skip
    share = ["report", "share", "--personal", "--format", "csv", "--out", str(personal)]
    admin = ["--as", "boss", "--password-stdin", "--db", str(db)]
    done = dsat(*share, *admin, stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    for path in (db, key, backup, Path(str(backup) + ".key"), personal):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for extra in tmp_path.glob("*.db-*"):  # WAL and shared memory files, if left
        assert stat.S_IMODE(extra.stat().st_mode) & 0o077 == 0, extra


# --- dsat --db X <subcommand> --------------------------------------------------------------


def _db_commands(group: click.Group, path: list[str]) -> list[list[str]]:
    out = []
    for name, cmd in sorted(group.commands.items()):
        if isinstance(cmd, click.Group):
            out += _db_commands(cmd, [*path, name])
        elif any(p.name == "db" for p in cmd.params):
            out.append([*path, name])
    return out


DB_COMMANDS = [" ".join(c) for c in _db_commands(main, [])]
BANK = str(shipped_bank_dir())
DEVICES = str(shipped_bank_dir() / "4.1-devices.yaml")
# The arguments that make each command do its work on the database (after the command).
ARGS = {
    "bank validate": [DEVICES],
    "bank import": [DEVICES, "--by", "t"],
    "bank export": ["--format", "yaml", "--out", "{tmp}/e.yaml"],
    "bank diff": [DEVICES, DEVICES],
    "bank list": [],
    "bank stats": ["--scope", "4.1"],
    "bank calibrate": ["--dry-run"],
    "audit verify": [],
    "audit init": ["--reason", "test"],
    "audit history": ["{attempt}"],
    "db backup": ["{tmp}/b.db"],
    "sitting open": ["--unit", "So Y te", "--codes", "1"],
    "sitting bind": ["NOCODE", "CB7"],
    "sitting close": ["99"],
    "sitting unlock": ["CB7"],
    "simulate": ["--candidates", "3", "--seed", "1"],
    "report share": [],
    "report truth": [],
    "results list": [],
    "results import-responses": ["{tmp}/p.csv"],
    "staff import": ["{tmp}/r.csv"],
    "staff add": ["t2", "--role", "trainer", "--new-password-stdin"],
    "staff passwd": ["t2", "--new-password-stdin"],
}
# These open the app or a server: tested in a terminal or as a server below.
INTERACTIVE = {"take", "report dashboard", "serve"}


def test_every_subcommand_with_a_database_is_covered():
    assert set(DB_COMMANDS) == set(ARGS) | INTERACTIVE


@pytest.fixture
def twin_dbs(db, db_path, fixed_fw, clock, tmp_path):
    """Two identical databases (bank, an attempt), and the files the commands read."""
    service = AssessmentService(db, fixed_fw, clock)
    service.identify("CB7", "Pham Van D", "So Y te")
    state = service.start("CB7", "competency", "4.1", "en", seed=1)
    service.answer(state.attempt.id, 0, 1)
    service.submit(state.attempt.id)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (tmp_path / "p.csv").write_text(
        "employee_id,attempt_date,item_id,answer\nCB7,2026-03-02,4.1-02,true\n"
    )
    (tmp_path / "r.csv").write_text(
        "employee_id,full_name,unit_path,province\nCB7,Pham Van D,So Y te,Ha Noi\n"
    )
    pair = []
    for side in ("a", "b"):
        folder = tmp_path / side
        folder.mkdir()
        shutil.copy(db_path, folder / "x.db")
        shutil.copy(str(db_path) + ".key", folder / "x.db.key")
        pair.append(folder)
    return pair, state.attempt.id


def _run_in(folder: Path, args: list[str]) -> tuple[int, str]:
    old = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(main, args, input="a long enough password\n" * 2)
    finally:
        os.chdir(old)
    return result.exit_code, result.output


@pytest.mark.parametrize("command", sorted(ARGS))
def test_db_before_the_subcommand_is_the_subcommands_database(twin_dbs, tmp_path, command):
    """`dsat --db X cmd` does exactly what `dsat cmd --db X` does, on X, and nothing else."""
    (a, b), attempt = twin_dbs
    default = Path(os.environ["DSAT_DB"])

    def args(folder: Path) -> list[str]:
        return [s.format(tmp=folder, attempt=attempt) for s in ARGS[command]]

    words = command.split()
    code_a, out_a = _run_in(a, ["--db", str(a / "x.db"), *words, *args(a)])
    code_b, out_b = _run_in(b, [*words, *args(b), "--db", str(b / "x.db")])
    assert "given twice" not in out_a, out_a
    assert not default.exists(), f"{command} used the default database"
    if command != "sitting open":  # its codes are random
        assert (code_a, out_a.replace(str(a), "X")) == (code_b, out_b.replace(str(b), "X"))
    else:
        assert code_a == code_b == 0, out_a

    def files(folder: Path) -> list[str]:  # (WAL files stay while a connection is open)
        return sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm")))

    assert files(a) == files(b)


@pytest.mark.parametrize("command", sorted(ARGS))
def test_two_different_databases_are_refused(tmp_path, command):
    words = command.split()
    args = [s.format(tmp=tmp_path, attempt="x") for s in ARGS[command]]
    code, out = _run_in(
        tmp_path,
        ["--db", str(tmp_path / "one.db"), *words, *args, "--db", str(tmp_path / "two.db")],
    )
    assert code != 0
    assert "--db is given twice with different files" in out, out
    assert not (tmp_path / "one.db").exists() and not (tmp_path / "two.db").exists()


def _spawn(args: list[str], cwd: Path):
    import pexpect

    env = {**os.environ, "TERM": "xterm-256color"}
    return pexpect.spawn(DSAT, args, env=env, cwd=str(cwd), dimensions=(32, 100),
                         encoding="utf-8", codec_errors="replace", timeout=30)  # fmt: skip


def _read_until(proc, text: str, seconds: float = 30) -> str:
    import pexpect

    from tests.test_crash import ANSI

    seen = ""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with contextlib.suppress(pexpect.TIMEOUT):
            seen += ANSI.sub("", proc.read_nonblocking(65536, timeout=0.2))
        if text in seen.replace("\xa0", " "):
            return seen
        if not proc.isalive():
            break
    raise AssertionError(f"{text!r} never appeared in {seen[-2000:]!r}")


@pytest.mark.slow
def test_db_before_take_and_dashboard_opens_that_database(db, db_path, tmp_path):
    """The two full-screen commands, in a terminal: the sign-in screen and the dashboard."""
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    default = Path(os.environ["DSAT_DB"])
    dashboard = _spawn(["--db", str(db_path), "report", "dashboard", "--lang", "en"], tmp_path)
    try:
        _read_until(dashboard, "Share of staff reaching")
        dashboard.send("q")
        dashboard.expect(pexpect_eof(), timeout=10)
    finally:
        dashboard.close(force=True)
    assert dashboard.exitstatus == 0, dashboard.before
    fresh = tmp_path / "fresh.db"
    take = _spawn(["--db", str(fresh), "take", "--lang", "en"], tmp_path)
    try:
        _read_until(take, "Employee ID")
        take.sendcontrol("q")
        take.expect(pexpect_eof(), timeout=10)
    finally:
        take.close(force=True)
    assert fresh.exists() and not default.exists()


def pexpect_eof():
    import pexpect

    return pexpect.EOF
