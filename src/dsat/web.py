"""`dsat serve`: the same app in a browser, through textual-serve.

textual-serve starts one app process per browser session and has no authentication; it
also accepts a websocket from any page, so any web site a candidate visits could drive
the app through their browser. dsat adds what is missing: the websocket upgrade is
refused unless it comes from the page dsat served (its Origin), the server binds to
127.0.0.1 unless told otherwise, and dsat's own sign-in screen gates every screen.

Each session is a process of its own, so sessions are capped: at most `max_sessions` at
once (by default what this machine's memory holds) and at most `per_minute` new ones a
minute from one address. A browser turned away gets a plain page saying why and when to
try again, never a hung screen. Every session runs with DSAT_SERVED set (the sign-in form
never remembers anyone, whatever the environment says) and DSAT_CLIENT naming the
browser's address (wrong session codes are counted per address).
"""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
import sys
import time
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

log = logging.getLogger("dsat.serve")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SESSION_BYTES = 150 * 1024 * 1024  # one app process: ~70 MB resident at the picker, measured
MAX_SESSIONS_CAP = 500
PER_MINUTE = 30  # new sessions a minute from one address (a room behind one router: raise it)


def memory_bytes() -> int | None:
    """Memory available for new processes: MemAvailable, else all physical memory."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


def default_max_sessions(memory: int | None = None) -> int:
    """How many sessions this machine's memory holds (at least 1, at most 500)."""
    memory = memory_bytes() if memory is None else memory
    if memory is None:
        return 20
    return max(1, min(MAX_SESSIONS_CAP, memory // SESSION_BYTES))


def _refusal(
    status: type[web.HTTPException], text: str, retry_after: int | None
) -> web.HTTPException:
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return status(text=text, headers=headers)


FULL = (
    "dsat: all {n} places of this server are taken. Wait until someone finishes, "
    "then reload this page. / Máy chủ đã đủ {n} người làm bài: hãy chờ rồi tải lại trang."
)
TOO_FAST = (
    "dsat: too many new sessions from your address ({address}) in the last minute. "
    "Wait {seconds} seconds, then reload this page. / Quá nhiều phiên mới từ địa chỉ "
    "của bạn: hãy chờ {seconds} giây rồi tải lại trang."
)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class DsatServer(Server):
    """textual-serve's server, refusing websockets from foreign origins."""

    def __init__(
        self,
        command: str,
        host: str,
        port: int,
        public_url: str | None = None,
        allowed_origins: tuple[str, ...] = (),
        max_sessions: int | None = None,
        per_minute: int = PER_MINUTE,
    ):
        super().__init__(command, host=host, port=port, title="dsat", public_url=public_url)
        allowed = {origin_of(self.public_url), *(origin_of(o) for o in allowed_origins)}
        if host in LOOPBACK and public_url is None:
            allowed |= {f"http://{h}:{port}" for h in ("127.0.0.1", "localhost")}
        self.allowed_origins = frozenset(allowed)
        self.max_sessions = max_sessions if max_sessions is not None else default_max_sessions()
        self.per_minute = per_minute
        self.sessions = 0
        self._starts: dict[str, deque[float]] = {}

    def _wait_seconds(self, address: str, now: float) -> int:
        """0 when `address` may start a session now, else the seconds until it may."""
        starts = self._starts.setdefault(address, deque())
        while starts and now - starts[0] >= 60:
            starts.popleft()
        if len(starts) < self.per_minute:
            return 0
        return max(1, int(60 - (now - starts[0])) + 1)

    def _forget_idle(self, now: float) -> None:
        for address in [a for a, s in self._starts.items() if not s or now - s[-1] >= 60]:
            del self._starts[address]

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.sessions >= self.max_sessions:  # say it now, not after a blank screen
            raise _refusal(web.HTTPServiceUnavailable, FULL.format(n=self.max_sessions), 30)
        return await super().handle_index(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        origin = (request.headers.get("Origin") or "").lower()
        address = request.remote or "unknown"
        if origin not in self.allowed_origins:
            log.warning("refused a websocket from origin %r (%s)", origin, address)
            raise web.HTTPForbidden(text="This page may not open a dsat session.")
        if self.sessions >= self.max_sessions:
            log.warning("refused a session from %s: %d sessions open", address, self.sessions)
            raise _refusal(web.HTTPServiceUnavailable, FULL.format(n=self.max_sessions), 30)
        now = time.monotonic()
        self._forget_idle(now)
        wait = self._wait_seconds(address, now)
        if wait:
            log.warning(
                "refused a session from %s: more than %d a minute", address, self.per_minute
            )
            text = TOO_FAST.format(address=address, seconds=wait)
            raise _refusal(web.HTTPTooManyRequests, text, wait)
        self._starts[address].append(now)
        self.sessions += 1
        try:
            return await self._session(request, address)
        finally:
            self.sessions -= 1

    async def _session(self, request: web.Request, address: str) -> web.WebSocketResponse:
        """textual-serve's session, with the browser's address in the app's environment."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        command = f"DSAT_CLIENT={shlex.quote('web ' + address)} {self.command}"
        app_service: AppService | None = None

        async def close() -> None:
            await websocket.close()

        try:
            await websocket.prepare(request)
            app_service = AppService(
                command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                close=close, download_manager=self.download_manager, debug=self.debug,
            )  # fmt: skip
            await app_service.start(width, height)
            await self._process_messages(websocket, app_service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:
            log.exception(error)
        finally:
            if app_service is not None:
                await app_service.stop()
        return websocket


def app_command(db: Path, lang: str, grace_seconds: int, seed: int | None = None) -> str:
    """The command each browser session runs: the test-taking app on this database."""
    args = [sys.executable, "-m", "dsat", "take", "--db", str(db.resolve()), "--lang", lang]
    if seed is not None:  # fixed forms, for tests
        args += ["--seed", str(seed)]
    env = "DSAT_SERVED=1 DSAT_REMEMBER_LAST=0 "  # a browser never shows the last candidate
    env += f"DSAT_GRACE_SECONDS={grace_seconds} " if grace_seconds else ""
    return env + " ".join(shlex.quote(a) for a in args)
