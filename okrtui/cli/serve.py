"""`okrtui serve`: the TUI in a browser, read-only and locked, on textual-serve.

textual-serve (the Textual authors' package) gives the page, its static files, and `AppService`,
which runs one TUI process per browser session and relays its screen over a websocket. Its
`Server` has no hook for a token, a session limit or an idle timeout, so this module builds the
aiohttp application around the Server's public parts (its page handler, its template and static
folders) with a middleware in front of every route:

- every request needs the token: the `token` query parameter of the printed URL, or the
  HttpOnly, SameSite=Strict cookie the page is answered with (its static files and websocket
  carry that); anything else is 403 before a handler runs, so no process starts;
- the websocket also needs an Origin of this server (no other site's page can open a session);
- at most `max_sessions` sessions run at once: one more is told no (503) and starts nothing;
- a session with no key or resize for `idle` seconds ends (its process with it), as does one
  whose tab closed;
- Ctrl-C (or SIGTERM) closes every session, waits for their processes, and ends any left over.

Every session runs `okrtui --read-only`: the database is opened read-only and the keys that save are
hidden and refused (okrtui.tui.app). It binds 127.0.0.1 unless `--host` says otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import re
import secrets
import shlex
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager
from textual_serve.server import Server

COOKIE = "okrtui_serve"
STOP_WAIT_S = 5.0  # a session's process gets this long to quit before it is ended


@dataclass
class Options:
    db: str
    host: str = "127.0.0.1"
    port: int = 8000
    max_sessions: int = 4
    idle_s: float = 30 * 60
    as_of: str | None = None
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_host(text: str) -> bool:
    """An IP address or a host name (letters, digits, dots, hyphens)."""
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?", text) is not None


def command(opts: Options) -> str:
    """The TUI each session runs: this okrtui, read-only, on the served database."""
    args = [sys.executable, "-m", "okrtui", "--db", opts.db, "--read-only"]
    if opts.as_of:
        args += ["--as-of", opts.as_of]
    return "exec " + shlex.join(args)  # exec: the shell becomes the TUI, one process per session


def descendants(pid: int) -> list[int]:
    """The processes below `pid` (Linux's /proc; elsewhere none are found and only the sessions'
    own quit ends them)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


class Served:
    """The sessions of one `okrtui serve` and the aiohttp application that admits them."""

    def __init__(self, opts: Options, say: Callable[[str], None]) -> None:
        self.opts = opts
        self.say = say
        self.server = Server(command(opts), host=opts.host, port=opts.port, title="okrtui")
        self.sessions: set[web.WebSocketResponse] = set()
        self.downloads = DownloadManager()

    @property
    def origin(self) -> str:
        return self.server.public_url

    def url(self) -> str:
        return f"{self.origin}/?token={self.opts.token}"

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self.guard])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.server.templates_path))
        app.add_routes([
            web.get("/", self.index, name="index"),
            web.get("/ws", self.websocket, name="websocket"),
            web.static("/static", self.server.statics_path, name="static"),
        ])
        return app

    @web.middleware
    async def guard(self, request: web.Request,
                    handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        """403 for any request without the token (before any handler: no process starts)."""
        given = request.query.get("token") or request.cookies.get(COOKIE) or ""
        if not secrets.compare_digest(given.encode(), self.opts.token.encode()):
            return web.Response(status=403, text="okrtui serve: forbidden (open the URL okrtui serve printed)\n")
        if request.path == "/ws" and request.headers.get("Origin") != self.origin:
            return web.Response(status=403, text="okrtui serve: forbidden (a page of another site)\n")
        response = await handler(request)
        response.headers["Referrer-Policy"] = "no-referrer"  # the token never leaves in a Referer
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = "no-store"
        if request.path == "/" and request.query.get("token"):
            response.set_cookie(COOKIE, self.opts.token, httponly=True, samesite="Strict", path="/")
        return response

    def full(self) -> bool:
        return len(self.sessions) >= self.opts.max_sessions

    def busy(self) -> web.Response:
        return web.Response(status=503, text=f"okrtui serve: all {self.opts.max_sessions} sessions are in use; "
                                             "close one, then reload this page\n")

    async def index(self, request: web.Request) -> web.StreamResponse:
        if self.full():
            return self.busy()
        return await self.server.handle_index(request)

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        """One session: a TUI process relayed over the websocket until the tab closes, the session
        idles out, or the server stops."""
        if self.full():
            return self.busy()
        ws = web.WebSocketResponse(heartbeat=15)
        await ws.prepare(request)
        self.sessions.add(ws)
        async def close() -> None:  # the process ended (q in the TUI): the tab shows "Session ended"
            await ws.close()

        service = AppService(self.server.command, write_bytes=ws.send_bytes, write_str=ws.send_str,
                             close=close, download_manager=self.downloads)
        try:
            width = _int(request.query.get("width"), 80)
            height = _int(request.query.get("height"), 24)
            await service.start(width, height)
            await self._relay(ws, service)
        finally:
            self.sessions.discard(ws)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(service.stop(), STOP_WAIT_S)
            await ws.close()
        return ws

    async def _relay(self, ws: web.WebSocketResponse, service: AppService) -> None:
        """The browser's keys and sizes to the process (the protocol textual-serve's page speaks),
        until it closes or sends nothing typed for the idle time."""
        last_input = time.monotonic()
        while True:
            left = self.opts.idle_s - (time.monotonic() - last_input)
            if left <= 0:
                self.say("a session ended: idle")
                return
            try:
                message = await ws.receive(timeout=left)
            except TimeoutError:
                continue
            if message.type != WSMsgType.TEXT:
                if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                    return
                continue
            try:
                kind, data = message.json()
            except (ValueError, TypeError):
                continue  # not the page's protocol: ignored
            if kind == "stdin" and isinstance(data, str):
                last_input = time.monotonic()
                await service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                last_input = time.monotonic()
                await service.set_terminal_size(_int(data.get("width"), 80), _int(data.get("height"), 24))
            elif kind == "ping":
                await ws.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    async def close_all(self) -> None:
        for ws in list(self.sessions):
            await ws.close(code=1001, message=b"okrtui serve stopped")


def _int(value: Any, default: int) -> int:
    try:
        return max(1, min(1000, int(value)))
    except (TypeError, ValueError):
        return default


def main(opts: Options, say: Callable[[str], None]) -> int:
    """Serve until Ctrl-C (SIGINT) or SIGTERM; 0 once every session has ended."""
    return asyncio.run(run(opts, say))


async def run(opts: Options, say: Callable[[str], None]) -> int:
    """Serve until SIGINT or SIGTERM; then end every session and its process."""
    served = Served(opts, say)
    runner = web.AppRunner(served.application(), handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, opts.host, opts.port)
    try:
        await site.start()
    except OSError as err:
        await runner.cleanup()
        raise OSError(f"cannot listen on {opts.host}:{opts.port}: {err.strerror or err}") from None
    port = runner.addresses[0][1]  # the port the system gave, for --port 0
    host = f"[{opts.host}]" if ":" in opts.host else opts.host
    served.server.public_url = f"http://{host}:{port}"
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    say(served.url())  # the one URL, once
    try:
        await stop.wait()
    finally:
        await served.close_all()
        await runner.cleanup()
        _end(descendants(os.getpid()))
    say("okrtui serve: stopped")
    return 0


def _end(pids: Sequence[int]) -> None:
    """Processes a session left behind (a TUI that did not quit in time): ended, then waited for."""
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_WAIT_S
    for pid in pids:
        while time.monotonic() < deadline:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                break
            time.sleep(0.05)
        else:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
