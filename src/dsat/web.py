"""`dsat serve`: the same app in a browser, through textual-serve.

textual-serve starts one app process per browser session and has no authentication; it
also accepts a websocket from any page, so any web site a candidate visits could drive
the app through their browser. dsat adds what is missing: the websocket upgrade is
refused unless it comes from the page dsat served (its Origin), the server binds to
127.0.0.1 unless told otherwise, and dsat's own sign-in screen gates every screen.
"""

from __future__ import annotations

import logging
import shlex
import sys
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

log = logging.getLogger("dsat.serve")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


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
    ):
        super().__init__(command, host=host, port=port, title="dsat", public_url=public_url)
        allowed = {origin_of(self.public_url), *(origin_of(o) for o in allowed_origins)}
        if host in LOOPBACK and public_url is None:
            allowed |= {f"http://{h}:{port}" for h in ("127.0.0.1", "localhost")}
        self.allowed_origins = frozenset(allowed)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        origin = (request.headers.get("Origin") or "").lower()
        if origin not in self.allowed_origins:
            log.warning("refused a websocket from origin %r (%s)", origin, request.remote)
            raise web.HTTPForbidden(text="This page may not open a dsat session.")
        return await super().handle_websocket(request)


def app_command(db: Path, lang: str, grace_seconds: int, seed: int | None = None) -> str:
    """The command each browser session runs: the test-taking app on this database."""
    args = [sys.executable, "-m", "dsat", "take", "--db", str(db.resolve()), "--lang", lang]
    if seed is not None:  # fixed forms, for tests
        args += ["--seed", str(seed)]
    env = f"DSAT_GRACE_SECONDS={grace_seconds} " if grace_seconds else ""
    return env + " ".join(shlex.quote(a) for a in args)
