"""`dsat serve` under load: a cap on sessions at once, a rate per address, the Origin check,
and a browser never shown the previous candidate. A real server on a free port, plain
HTTP and websocket clients on the loopback."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from dsat.web import SESSION_BYTES, default_max_sessions, memory_bytes

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    def __init__(self, tmp: Path, *options: str, env: dict[str, str] | None = None):
        self.port = _free_port()
        self.db = tmp / "web.db"
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dsat", "--db", str(self.db), "serve", "--port",
             str(self.port), "--lang", "en", "--seed", "7", *options],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, **(env or {})},
        )  # fmt: skip
        end = time.monotonic() + 30
        while time.monotonic() < end:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        raise AssertionError("the server never listened")

    def stop(self) -> str:
        self.proc.terminate()
        out, _ = self.proc.communicate(timeout=15)
        return out


@pytest.fixture
def serve(tmp_path):
    started: list[Served] = []

    def start(*options: str, env: dict[str, str] | None = None) -> Served:
        started.append(Served(tmp_path, *options, env=env))
        return started[-1]

    yield start
    for s in started:
        s.stop()


async def _get(url: str, **headers: str) -> tuple[int, str, dict[str, str]]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as r:
        return r.status, await r.text(), dict(r.headers)


class Browser:
    """One browser tab: the websocket, what it has shown, keys typed into it."""

    def __init__(self, served: Served):
        self.served, self.seen = served, b""

    async def __aenter__(self) -> Browser:
        self.http = aiohttp.ClientSession()
        url = f"ws://127.0.0.1:{self.served.port}/ws?width=100&height=32"
        self.ws = await self.http.ws_connect(url, headers={"Origin": self.served.base})
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()
        await self.http.close()

    async def wait_for(self, text: str, seconds: float = 30) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if text.encode() in self.seen:
                return
            try:
                msg = await self.ws.receive(timeout=0.5)
            except TimeoutError:
                continue
            if msg.type == aiohttp.WSMsgType.BINARY:
                self.seen += msg.data
            elif msg.type == aiohttp.WSMsgType.TEXT:
                self.seen += msg.data.encode()
            else:
                break
        raise AssertionError(f"{text!r} never came")

    async def type(self, text: str) -> None:
        for ch in text:
            await self.ws.send_str(json.dumps(["stdin", ch]))
            await asyncio.sleep(0.03)


async def _refused(served: Served, origin: str | None = None) -> tuple[int, str, dict]:
    """A websocket upgrade, as a browser sends it; the server's answer when it refuses."""
    url = f"ws://127.0.0.1:{served.port}/ws?width=100&height=32"
    async with aiohttp.ClientSession() as http:
        try:
            ws = await http.ws_connect(url, headers={"Origin": origin or served.base})
        except aiohttp.WSServerHandshakeError as exc:
            status = exc.status
        else:
            await ws.close()
            raise AssertionError("the session was opened")
    # the same request without the upgrade: the body a browser would show
    code, body, headers = await _get(f"{served.base}/ws", Origin=origin or served.base)
    assert code == status
    return status, body, headers


async def _until_index_is(served: Served, status: int, seconds: float = 20) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if (await _get(served.base + "/"))[0] == status:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"the page never answered {status}")


def test_sessions_past_the_cap_are_told_the_server_is_full(serve):
    served = serve("--max-sessions", "1")

    async def scenario() -> None:
        async with Browser(served) as first:
            await first.wait_for("Employee")
            status, body, headers = await _refused(served)
            assert status == 503 and "all 1 places of this server are taken" in body
            assert "tải lại trang" in body and headers.get("Retry-After") == "30"
            code, page, _ = await _get(served.base + "/")  # the page itself says so at once
            assert code == 503 and "places of this server are taken" in page
            assert "<script" not in page
            await first.wait_for("Employee")  # the first session goes on undisturbed
        await _until_index_is(served, 200)  # a place is free again
        async with Browser(served) as again:
            await again.wait_for("Employee")

    asyncio.run(scenario())
    assert "at most 1 sessions at once" in served.stop()


def test_one_address_opening_sessions_too_fast_is_told_to_wait(serve):
    served = serve("--max-sessions", "10", "--per-minute", "2")

    async def scenario() -> None:
        for _ in range(2):
            async with Browser(served) as tab:
                await tab.wait_for("Employee")
        status, body, headers = await _refused(served)
        assert status == 429
        assert "too many new sessions from your address (127.0.0.1)" in body
        wait = int(headers["Retry-After"])
        assert 1 <= wait <= 61 and f"Wait {wait} seconds" in body
        # a foreign page is refused for being foreign, before any count
        status, body, _ = await _refused(served, origin="http://evil.example")
        assert status == 403 and "may not open a dsat session" in body

    asyncio.run(scenario())


def test_the_origin_check_holds_when_the_server_is_full(serve):
    served = serve("--max-sessions", "1")

    async def scenario() -> None:
        async with Browser(served) as first:
            await first.wait_for("Employee")
            for origin in ("http://evil.example", f"http://127.0.0.1:{served.port + 1}", "null"):
                status, _, _ = await _refused(served, origin=origin)
                assert status == 403, origin

    asyncio.run(scenario())


def test_the_default_cap_comes_from_the_memory(serve):
    assert default_max_sessions(8 * SESSION_BYTES + 1) == 8
    assert default_max_sessions(SESSION_BYTES // 2) == 1  # never 0
    assert default_max_sessions(10**15) == 500
    served = serve()
    time.sleep(1)
    out = served.stop()
    shown = int(re.search(r"at most (\d+) sessions at once", out).group(1))
    expected = default_max_sessions(memory_bytes())
    assert abs(shown - expected) <= max(2, expected // 20), (shown, expected)


def test_a_browser_never_shows_the_previous_candidate(serve):
    """Even with DSAT_REMEMBER_LAST=1 in the server's environment; and `dsat --db X serve`
    serves X."""
    served = serve("--max-sessions", "3", env={"DSAT_REMEMBER_LAST": "1"})

    async def scenario() -> bytes:
        async with Browser(served) as first:
            await first.wait_for("Employee")
            for value in ("CB077", "Pham Van E", "So Y te"):
                await first.type(value + "\r")
                await asyncio.sleep(0.3)
            await first.wait_for("Choose")
        async with Browser(served) as second:
            await second.wait_for("Employee")
            await asyncio.sleep(1.5)  # the core is loaded after the first frame
            await second.type("x")
            await asyncio.sleep(1)
            await second.wait_for("x")
            return second.seen

    seen = asyncio.run(scenario()).decode("utf-8", "replace")
    assert "CB077" not in seen and "Pham Van E" not in seen
    with sqlite3.connect(served.db) as conn:
        assert conn.execute("SELECT employee_id FROM candidates").fetchall() == [("CB077",)]
        remembered = conn.execute("SELECT key FROM meta WHERE key LIKE 'last_candidate%'")
        assert remembered.fetchall() == []
