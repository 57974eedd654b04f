"""Staff accounts: argon2id hashes, the same answer for every failure, lock-out, a log."""

from __future__ import annotations

import time

import pytest

from dsat.services.accounts import SignInFailed, add_account, set_password, sign_in
from dsat.services.errors import ServiceError


def test_passwords_are_argon2id_at_owasp_strength(db, clock):
    add_account(db, "Lan.Nguyen", "admin", "correct horse battery", clock)
    stored = db.conn.execute("SELECT username, password_hash FROM accounts").fetchone()
    assert stored[0] == "lan.nguyen"
    assert stored[1].startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert "correct horse" not in stored[1]
    assert sign_in(db, "lan.nguyen", "correct horse battery", clock, delay=0).role == "admin"


def test_every_failure_looks_the_same_and_takes_the_same_time(db, clock):
    add_account(db, "lan", "admin", "correct horse battery", clock)
    messages, times = set(), []
    for name, password in (
        ("lan", "wrong"),
        ("nobody", "wrong"),
        ("nobody", "correct horse battery"),
    ):
        start = time.monotonic()
        with pytest.raises(SignInFailed) as failure:
            sign_in(db, name, password, clock, delay=0.3)
        times.append(time.monotonic() - start)
        messages.add(failure.value.message("en"))
    assert len(messages) == 1
    assert all(0.29 <= t < 0.6 for t in times), times


def test_repeated_failures_lock_the_name_and_are_logged(db, clock):
    add_account(db, "lan", "admin", "correct horse battery", clock)
    for _ in range(5):
        with pytest.raises(SignInFailed):
            sign_in(db, "lan", "guess", clock, delay=0)
    with pytest.raises(SignInFailed):  # the right password, but locked
        sign_in(db, "lan", "correct horse battery", clock, delay=0)
    log = db.conn.execute("SELECT ok, reason FROM sign_ins ORDER BY id").fetchall()
    assert log == [(0, "wrong password")] * 5 + [(0, "locked after repeated failures")]
    clock.advance(16 * 60)  # the failures have left the 15-minute window
    assert sign_in(db, "lan", "correct horse battery", clock, delay=0).username == "lan"


def test_bad_account_data_is_refused_with_a_clear_message(db, clock):
    cases = [
        (("lan", "admin", "short"), "The password must be at least 12 characters long."),
        (("Lan Nguyen!", "admin", "correct horse battery"), "Account name: 2-40 lowercase"),
        (("lan", "root", "correct horse battery"), "Unknown role 'root': use trainer or admin."),
    ]
    for args, message in cases:
        with pytest.raises(ServiceError) as refused:
            add_account(db, *args, clock)
        assert refused.value.message("en").startswith(message)
    add_account(db, "lan", "trainer", "correct horse battery", clock)
    with pytest.raises(ServiceError) as twice:
        add_account(db, "lan", "admin", "correct horse battery", clock)
    assert twice.value.message("vi") == "Tài khoản 'lan' đã có (dùng `dsat staff passwd`)."
    set_password(db, "lan", "a new long password", clock)
    assert sign_in(db, "lan", "a new long password", clock, delay=0).role == "trainer"


def test_once_accounts_exist_staff_commands_need_the_right_role(tmp_path, monkeypatch):
    from pathlib import Path

    from click.testing import CliRunner

    from dsat.cli import main

    monkeypatch.chdir(tmp_path)
    banks = str(Path(__file__).resolve().parents[1] / "question_banks")
    run = CliRunner().invoke
    # a fresh installation has no account: the first administrator needs no sign-in
    first = run(main, ["staff", "add", "lan", "--role", "admin", "--new-password-stdin",
                       "--db", "t.db"], input="correct horse battery\n")  # fmt: skip
    assert first.exit_code == 0, first.output
    second = run(main, ["staff", "add", "minh", "--role", "trainer", "--new-password-stdin",
                        "--db", "t.db"], input="another long secret\n")  # fmt: skip
    assert second.exit_code == 1 and "needs an account with the admin role" in second.output
    added = run(main, ["staff", "add", "minh", "--role", "trainer", "--as", "lan",
                       "--password-stdin", "--new-password-stdin", "--db", "t.db"],
                input="correct horse battery\nanother long secret\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    no_sign_in = run(main, ["bank", "import", banks, "--db", "t.db"])
    assert no_sign_in.exit_code == 1 and "trainer role: give --as NAME" in no_sign_in.output
    trainer = run(main, ["bank", "import", banks, "--db", "t.db", "--as", "minh",
                         "--password-stdin"], input="another long secret\n")  # fmt: skip
    assert trainer.exit_code == 0, trainer.output
    report = run(main, ["report", "share", "--db", "t.db", "--as", "minh", "--password-stdin"],
                 input="another long secret\n")  # fmt: skip
    assert report.exit_code == 1 and "This needs the admin role." in report.output
    admin = run(main, ["report", "share", "--db", "t.db", "--as", "lan", "--password-stdin"],
                input="correct horse battery\n")  # fmt: skip
    assert admin.exit_code == 0, admin.output
