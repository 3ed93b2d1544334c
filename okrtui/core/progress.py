"""A progress bar for long commands (import, sync): on a terminal only, and only after a second.

Rich's progress display (Rich comes with Textual; importing it does not import Textual),
written to stderr so stdout stays the command's output. On a pipe nothing is shown and
Rich is never imported.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from okrtui.core.text import plain

DELAY_S = 1.0  # work done sooner shows no bar at all


class Bar:
    """Called as `bar(done, total)`; shows nothing until DELAY_S has passed, then a bar
    (pulsing while the total is not known yet), gone when the work ends."""

    def __init__(self, label: str, stream: TextIO, delay: float = DELAY_S) -> None:
        self.label, self.stream = plain(label), stream  # Rich writes it: escaped as okrtui.core.output would
        self.done, self.total = 0, 0
        self.lock = threading.Lock()
        self.display: Any = None
        self.task: Any = None
        timer = threading.Timer(delay, self.show)
        timer.daemon = True
        self.timer: threading.Timer | None = timer
        timer.start()

    def show(self) -> None:
        from rich.console import Console  # Rich only once a bar is due, after a second
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

        with self.lock:
            if self.timer is None:  # already finished
                return
            self.display = Progress(TextColumn("{task.description}", markup=False), BarColumn(),
                                    TaskProgressColumn(), TimeElapsedColumn(),
                                    console=Console(file=self.stream), transient=True, refresh_per_second=5)
            self.task = self.display.add_task(self.label, total=self.total or None, completed=self.done)
            self.display.start()

    def __call__(self, done: int, total: int) -> None:
        with self.lock:
            self.done, self.total = done, total
            if self.display is not None:
                self.display.update(self.task, completed=done, total=total or None)

    def close(self) -> None:
        with self.lock:
            timer, self.timer = self.timer, None
            if timer is not None:
                timer.cancel()
            if self.display is not None:
                self.display.stop()


@contextmanager
def bar(label: str, stream: TextIO | None = None, delay: float = DELAY_S) -> Iterator[Bar | None]:
    """A Bar on a terminal, None on a pipe (callers pass it on as their progress callback)."""
    out = stream if stream is not None else sys.stderr
    if not out.isatty():
        yield None
        return
    shown = Bar(label, out, delay)
    try:
        yield shown
    finally:
        shown.close()
