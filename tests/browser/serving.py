"""An `okrtui serve` process for the browser and attack tests: started on a free port of 127.0.0.1,
always stopped (SIGINT, as Ctrl-C) by the test that started it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from urllib.parse import urlsplit

from okrtui.cli.serve import descendants
from tests.helpers import TODAY

ANSI = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")


class Serving:
    def __init__(self, proc: subprocess.Popen[str], url: str) -> None:
        self.proc, self.url = proc, url
        parts = urlsplit(url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.token = parts.query.removeprefix("token=")

    def sessions(self) -> list[int]:
        """The TUI processes running under the server."""
        return descendants(self.proc.pid)

    def wait_sessions(self, n: int, within: float = 30.0) -> list[int]:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            found = self.sessions()
            if len(found) == n:
                return found
            time.sleep(0.1)
        raise AssertionError(f"expected {n} session processes, found {self.sessions()}")

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        request = urllib.request.Request(self.origin + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode("utf-8", "replace")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                return self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise
        return self.proc.returncode


@contextmanager
def serving(db, *args: str):
    proc = subprocess.Popen([sys.executable, "-m", "okrtui", "serve", "--db", str(db), "--port", "0",
                             "--as-of", TODAY.isoformat(), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    server = None
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("http://127.0.0.1:"), (line, proc.stderr.read() if proc.poll() is not None else "")
        server = Serving(proc, line)
        yield server
    finally:
        if server is not None:
            server.stop()
        elif proc.poll() is None:
            proc.kill()
            proc.wait()


def screen_text(frames: list) -> str:
    """What the TUI wrote to the browser so far, escape sequences removed."""
    data = b"".join(f if isinstance(f, bytes) else f.encode() for f in frames)
    return ANSI.sub("", data.decode("utf-8", "ignore"))


def wait_text(page, frames: list, text: str, within: float = 30.0, after: int = 0) -> None:
    """Wait until the TUI has drawn `text` (in frames received after the first `after`)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if text in screen_text(frames[after:]):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{text!r} never appeared; last drawn: {screen_text(frames[-20:])[-400:]!r}")
