"""A whole attempt in headless Chromium against `dsat serve`, driven through the Chrome
DevTools Protocol (keys typed into the page's terminal), then the rows in SQLite."""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from tests.test_crash import _downs_to, prepared

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on {port}")


class Page:
    """Just enough of the DevTools protocol: evaluate, type text, press keys."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse):
        self.ws, self.ids = ws, itertools.count(1)

    async def call(self, method: str, **params: object) -> dict:
        ident = next(self.ids)
        await self.ws.send_str(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            msg = json.loads((await self.ws.receive(timeout=30)).data)
            if msg.get("id") == ident:
                return msg.get("result", {})

    async def type(self, text: str) -> None:
        for ch in text:
            if ch == "\r":
                await self.key("Enter", 13, "\r")
            else:
                await self.call("Input.insertText", text=ch)
            await asyncio.sleep(0.04)

    async def key(self, name: str, code: int, text: str = "") -> None:
        for kind in ("keyDown", "keyUp"):
            await self.call(
                "Input.dispatchKeyEvent", type=kind, key=name, code=name,
                windowsVirtualKeyCode=code, text=text if kind == "keyDown" else "",
            )  # fmt: skip


def _rows(db: Path, sql: str) -> list:
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute(sql).fetchall()
        except sqlite3.OperationalError:
            return []


async def _until(check, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError("the browser session never got there")


def test_a_whole_attempt_in_headless_chromium(tmp_path):
    db, keys = prepared(tmp_path, fixed=True)  # fixed competency forms: the keys of 4.1
    port, debug = _free_port(), _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "dsat", "serve", "--port", str(port), "--lang", "en",
         "--seed", "7", "--db", str(db)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    browser = subprocess.Popen(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--remote-debugging-port={debug}", f"--user-data-dir={tmp_path / 'profile'}",
         "--window-size=1200,900", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_port(port)
        _wait_port(debug)
        asyncio.run(_drive(port, debug, db, keys))
    finally:
        browser.terminate()
        server.terminate()
        browser.wait(timeout=10)
        server.wait(timeout=10)
    [(status,)] = _rows(db, "SELECT status FROM attempts")
    assert status == "submitted"
    answered = _rows(db, "SELECT COUNT(*) FROM responses WHERE answered_at IS NOT NULL")
    assert answered == [(len(keys),)]
    assert _rows(db, "SELECT employee_id FROM candidates") == [("CB088",)]


async def _drive(port: int, debug: int, db: Path, keys: list[str]) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{debug}/json/list") as r:
            targets = await r.json()
        target = next(t for t in targets if t["type"] == "page")
        async with http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws:
            page = Page(ws)
            await page.call("Page.enable")
            await page.call("Page.navigate", url=f"http://127.0.0.1:{port}/")
            end = time.monotonic() + 30  # the terminal connects and the app starts drawing
            while time.monotonic() < end:
                got = await page.call(
                    "Runtime.evaluate",
                    expression="document.body.classList.contains('-first-byte')",
                )
                if got.get("result", {}).get("value"):
                    break
                await asyncio.sleep(0.2)
            await asyncio.sleep(2)  # the sign-in screen is ready for keys
            await page.call(
                "Runtime.evaluate",
                expression="document.querySelector('.xterm-helper-textarea').focus()",
            )
            await asyncio.sleep(1)
            for value in ("CB088", "Hoang Van G", "So Cong Thuong"):
                await page.type(value + "\r")
                await asyncio.sleep(0.4)
            await _until(lambda: _rows(db, "SELECT 1 FROM candidates"))
            await asyncio.sleep(1)
            for _ in range(_downs_to("competency:4.1")):
                await page.key("ArrowDown", 40)
                await asyncio.sleep(0.1)
            await page.type("\r")
            await _until(lambda: _rows(db, "SELECT 1 FROM attempts"))
            await asyncio.sleep(1)
            for n, typed in enumerate(keys, 1):
                await page.type(typed)
                await _until(
                    lambda n=n: (
                        _rows(db, "SELECT COUNT(*) FROM responses WHERE answered_at IS NOT NULL")
                        == [(n,)]
                    )
                )
                await asyncio.sleep(0.3)
            await asyncio.sleep(1)
            await page.type("s")
            await asyncio.sleep(1)
            await page.type("\r")
            await _until(lambda: _rows(db, "SELECT status FROM attempts") == [("submitted",)])
