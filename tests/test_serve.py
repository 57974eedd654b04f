"""`dsat serve`: the app in a browser session; websockets from foreign pages are refused."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time

import aiohttp
import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`dsat serve` on a database holding the bank with fixed competency forms (the keys
    of the 4.1 form are `prepared`'s), on a free port."""
    from tests.test_crash import prepared

    db, _ = prepared(tmp_path, fixed=True)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dsat", "serve", "--port", str(port), "--lang", "en",
         "--seed", "7", "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    end = time.monotonic() + 30
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    yield port, db
    proc.terminate()
    proc.wait(timeout=10)


async def _session(port: int, origin: str, seconds: float) -> str:
    seen = b""
    url = f"ws://127.0.0.1:{port}/ws?width=100&height=30"
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(url, headers={"Origin": origin}) as ws,
    ):
        end = time.monotonic() + seconds
        while time.monotonic() < end and b"Employee" not in seen:
            try:
                msg = await ws.receive(timeout=1)
            except TimeoutError:
                continue
            if msg.type == aiohttp.WSMsgType.BINARY:
                seen += msg.data
            elif msg.type == aiohttp.WSMsgType.TEXT:
                seen += msg.data.encode()
            else:
                break
    return seen.decode("utf-8", "replace")


def test_the_page_is_served_on_loopback(server):
    server, _ = server

    async def index() -> tuple[int, str]:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{server}/") as r,
        ):
            return r.status, await r.text()

    status, html = asyncio.run(index())
    assert status == 200 and f"ws://127.0.0.1:{server}/ws" in html


def test_a_foreign_page_cannot_open_a_session(server):
    server, _ = server
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        asyncio.run(_session(server, "http://evil.example", 5))
    assert refused.value.status == 403
    with pytest.raises(aiohttp.WSServerHandshakeError):
        asyncio.run(_session(server, "", 5))


def test_a_whole_attempt_over_the_websocket_leaks_no_key(server):
    """Typed through the websocket as the browser does; the stream is kept and searched."""
    import json
    import sqlite3

    from dsat.services.banks import default_framework
    from dsat.store import open_store as connect
    from tests.test_crash import _downs_to, prepared

    port, db_path = server
    (db_path.parent / "keys").mkdir()
    _, KEYS = prepared(db_path.parent / "keys", fixed=True)  # the same bank and seed
    total = len(KEYS)
    stream: list[bytes] = []

    async def drive() -> bytes:
        url = f"ws://127.0.0.1:{port}/ws?width=100&height=32"
        origin = f"http://127.0.0.1:{port}"
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(url, headers={"Origin": origin}) as ws,
        ):

            async def read_until(text: str, seconds: float = 30) -> None:
                end = time.monotonic() + seconds
                while time.monotonic() < end:
                    if text.encode() in b"".join(stream)[-20000:]:
                        return
                    try:
                        msg = await ws.receive(timeout=0.5)
                    except TimeoutError:
                        continue
                    if msg.type == aiohttp.WSMsgType.BINARY:
                        stream.append(msg.data)
                    elif msg.type == aiohttp.WSMsgType.TEXT:
                        stream.append(msg.data.encode())
                raise AssertionError(f"{text!r} never came")

            async def keys(text: str) -> None:
                for ch in text:
                    await ws.send_str(json.dumps(["stdin", ch]))
                    await asyncio.sleep(0.03)

            await read_until("Employee")
            for value in ("CB077", "Pham Van E", "So Y te"):
                await keys(value + "\r")
                await asyncio.sleep(0.3)
            await read_until("Choose")
            for _ in range(_downs_to("competency:4.1")):
                await ws.send_str(json.dumps(["stdin", "\x1b[B"]))
                await asyncio.sleep(0.05)
            await keys("\r")
            await read_until(f"Item 1/{total}")
            for k in KEYS:
                await keys(k)
                await asyncio.sleep(0.25)
            before_submit = b"".join(stream)
            await keys("s")
            await asyncio.sleep(0.5)
            await keys("\r")
            await read_until("Your result", 30)
            return before_submit

    before = asyncio.run(drive()).decode("utf-8", "replace")
    with sqlite3.connect(db_path) as conn:
        status = conn.execute("SELECT status FROM attempts").fetchall()
        rows = conn.execute(
            "SELECT item_id, item_version, answered_at FROM responses ORDER BY position"
        ).fetchall()
    assert status == [("submitted",)]
    assert len(rows) == total and all(r[2] is not None for r in rows)
    db = connect(db_path, create=False)
    fw = default_framework(db)
    assert fw is not None
    first = db.items.version(rows[0][0], rows[0][1])
    assert first.stem.en[:30] in before  # the search works on this stream: stems are there
    for item_id, version, _ in rows:
        item = db.items.version(item_id, version)
        if item.explanation is not None:  # never sent to the browser before submission
            assert item.explanation.en[:40] not in before, item_id
    db.close()
