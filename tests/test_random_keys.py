"""Random keys on every screen (hypothesis): the app never crashes, and whatever it saved
is a valid answer to its item in an intact database."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsat.domain.scoring import check_answer
from dsat.domain.tasks import concrete
from dsat.services.banks import import_bank, shipped_bank_dir
from dsat.store import open_store as connect
from tests.tui_helpers import SIZE, make_app, sign_in

KEYS = [
    *"0123456789abcdefhnqrsx ",
    "enter", "escape", "tab", "shift+tab", "backspace", "up", "down", "left", "right",
    "pageup", "pagedown", "f2", "home", "end", "delete",
]  # fmt: skip


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("tpl") / "tpl.db"
    db = connect(path)
    import_bank(db, [shipped_bank_dir()], imported_by="test")
    db.close()
    return path


async def _drive(path, fw, clock, keys: list[str], start_signed_in: bool) -> None:
    db = connect(path)
    app = make_app(db, fw, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        if start_signed_in:
            await sign_in(pilot)
        for key in keys:
            if not app.is_running:
                break
            await pilot.press(key)
        await pilot.pause()
    db.close()


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    keys=st.lists(st.sampled_from(KEYS), min_size=5, max_size=60),
    signed_in=st.booleans(),
)
def test_random_keys_never_crash_nor_save_anything_invalid(
    template, fw, clock, tmp_path_factory, keys, signed_in
):
    path = tmp_path_factory.mktemp("keys") / "k.db"
    shutil.copy(template, path)
    asyncio.run(_drive(path, fw, clock, keys, signed_in))  # an exception fails the test
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = conn.execute(
            "SELECT item_id, item_version, answer, answered_at, variant FROM responses"
        ).fetchall()
    db = connect(path)
    for item_id, version, answer, answered_at, variant in rows:
        if answered_at is None:
            continue
        item = concrete(db.items.version(item_id, version), variant)
        value = None if answer is None else json.loads(answer)  # None: skipped (adaptive)
        assert check_answer(item, value, len(fw.self_rating_scale)) == value
    db.close()
