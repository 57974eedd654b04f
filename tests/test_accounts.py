"""Staff accounts: argon2id hashes, the same answer for every failure, lock-out, a log."""

from __future__ import annotations

import time

import pytest

from dsat.services.accounts import SignInFailed, add_account, set_password, sign_in
from dsat.services.errors import ServiceError
from dsat.services.throttle import Throttle

FAST = Throttle(delay=0)


def test_passwords_are_argon2id_at_owasp_strength(db, clock):
    add_account(db, "Lan.Nguyen", "admin", "correct horse battery", clock)
    stored = db.conn.execute("SELECT username, password_hash FROM accounts").fetchone()
    assert stored[0] == "lan.nguyen"
    assert stored[1].startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert "correct horse" not in stored[1]
    assert sign_in(db, "lan.nguyen", "correct horse battery", clock, FAST).role == "admin"


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
            sign_in(db, name, password, clock, Throttle(delay=0.3))
        times.append(time.monotonic() - start)
        messages.add(failure.value.message("en"))
    assert len(messages) == 1
    assert all(0.29 <= t < 0.6 for t in times), times


def test_repeated_failures_lock_the_name_and_are_logged(db, clock):
    add_account(db, "lan", "admin", "correct horse battery", clock)
    for _ in range(5):
        with pytest.raises(SignInFailed):
            sign_in(db, "lan", "guess", clock, FAST)
    with pytest.raises(SignInFailed):  # the right password, but locked
        sign_in(db, "lan", "correct horse battery", clock, FAST)
    log = [(ok, reason) for _, ok, reason in db.throttle.log("lan")]
    assert log == [(False, "wrong password")] * 5 + [(False, "locked after repeated failures")]
    clock.advance(16 * 60)  # the failures have left the 15-minute window
    assert sign_in(db, "lan", "correct horse battery", clock, FAST).username == "lan"


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
    assert sign_in(db, "lan", "a new long password", clock, FAST).role == "trainer"


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


def test_parallel_sign_ins_cannot_race_past_the_lock(db, db_path, clock):
    """24 sign-ins at once, the right password among them: at most five are ever checked, and
    the right one passes only if fewer than five failures were counted before it."""
    import threading

    from dsat.store import open_store

    add_account(db, "lan", "admin", "correct horse battery", clock)
    outcomes: list[str] = []
    barrier = threading.Barrier(24)

    def attempt(n: int) -> None:
        store = open_store(db_path)
        barrier.wait()
        password = "correct horse battery" if n == 23 else f"guess {n}"
        try:
            sign_in(store, "lan", password, clock, FAST)
            outcomes.append("ok")
        except SignInFailed:
            outcomes.append("refused")
        store.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log = db.throttle.log("lan")
    checked = [r for r in log if r[2] != "locked after repeated failures"]
    assert len(log) == 24 and len(checked) <= 5
    wrong_before_ok = next(
        (i for i, r in enumerate(checked) if r[1]), None
    )  # the right password was checked: fewer than five failures came before it
    if "ok" in outcomes:
        assert wrong_before_ok is not None and wrong_before_ok < 5
    else:
        assert all(not r[1] for r in log)
