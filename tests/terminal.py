"""A real terminal for tests and benchmarks: the program runs on a pseudo-terminal, its
output is parsed by pyte (a VT100 emulator), and the bytes it writes are counted."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time

import pyte


class Terminal:
    def __init__(self, argv: list[str], cols: int = 80, rows: int = 24, env: dict[str, str] | None = None) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: the program, on the pty
            os.execvpe(argv[0], argv, env if env is not None else dict(os.environ))
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.kill(pid, signal.SIGWINCH)
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.total = 0
        self.last_output = time.monotonic()  # when the program last wrote: its answer's end

    def settle(self, quiet: float = 0.4, limit: float = 30.0) -> int:
        """Read until the program has been silent for `quiet` seconds; the bytes read."""
        got = 0
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            # poll, not select: select() cannot watch a descriptor numbered 1024 or more, which a
            # worker that has run hundreds of tests before this one may hand out.
            poller = select.poll()
            poller.register(self.fd, select.POLLIN)
            if not poller.poll(quiet * 1000):
                break
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                break
            if not data:
                break
            got += len(data)
            self.last_output = time.monotonic()
            self.stream.feed(data)
        self.total += got
        return got

    def wait_for(self, text: str, limit: float = 60.0) -> None:
        deadline = time.monotonic() + limit
        while text not in self.text() and time.monotonic() < deadline:
            self.settle(quiet=0.2, limit=1.0)
        if text not in self.text():
            raise AssertionError(f"{text!r} never appeared:\n{self.text()}")

    def press(self, keys: bytes) -> int:
        """Send keys, wait for the screen to settle; the bytes the program wrote in answer."""
        self.sent_at = time.monotonic()
        os.write(self.fd, keys)
        return self.settle()

    def answer_time(self) -> float:
        """Seconds from the last press to the program's last byte of answer (silence excluded)."""
        return max(0.0, self.last_output - self.sent_at)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


DOWN = b"\x1b[B"


def demo_terminal(tmp_path, **env_changes: str) -> Terminal:
    """`okrtui --demo` as of 2026-11-26 on a pseudo-terminal at 80×24 with TERM=xterm (16 colours, no
    COLORTERM, as over SSH), `env_changes` added (NO_COLOR="1"); returned once its list is drawn."""
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "NO_COLOR", "TEXTUAL_COLOR_SYSTEM")}
    env.update(TERM="xterm", **env_changes)
    term = Terminal([sys.executable, "-m", "okrtui", "--demo", "--as-of", "2026-11-26", "--db",
                     str(tmp_path / "demo.db")], env=env)
    term.wait_for("Objective / key result")
    term.settle()
    return term
