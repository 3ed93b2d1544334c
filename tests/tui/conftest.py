"""An app factory with a fixed clock, no blink and no animation, like posting's."""

from __future__ import annotations

import datetime as dt

import pytest

from okrtui import demo
from okrtui.app import OkrApp
from okrtui.config import Config
from okrtui.store import open_engine

TODAY = dt.date(2026, 11, 26)


class RecordingApp(OkrApp):
    """The app, recording each notification's text for tests to read (no private Textual state)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.notified: list[str] = []
        self.notified_errors: list[str] = []

    def notify(self, message, *, severity="information", **kwargs) -> None:
        self.notified.append(str(message))
        if severity == "error":
            self.notified_errors.append(str(message))
        super().notify(message, severity=severity, **kwargs)


def make_app(path, *, load_demo: bool = True, today: dt.date = TODAY, sixteen_colours: bool = False) -> OkrApp:
    """The terminal's colour system is fixed (truecolor unless asked), never read from the
    environment, so snapshots are the same on every machine."""
    engine = open_engine(path)
    if load_demo:
        demo.load(engine, today)
    app = RecordingApp(engine, Config(cursor_blink=False), today, native_ansi=sixteen_colours)
    app.animation_level = "none"
    return app


async def settle(pilot) -> None:
    """Let workers finish and the screen catch up."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot, *keys: str) -> None:
    """Press each key and let the app settle after it (workers done, screen redrawn)."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def pressing(*keys: str):
    """A snapshot's run_before: wait for the data, then press each key and settle."""

    async def run(pilot) -> None:
        await settle(pilot)
        await press(pilot, *keys)

    return run


def matches_snapshot(snap_compare, app: OkrApp, size: tuple[int, int], run_before) -> bool:
    try:
        return snap_compare(app, terminal_size=size, run_before=run_before)
    finally:
        app.engine.dispose()


@pytest.fixture
def app(tmp_path):
    application = make_app(tmp_path / "tui.db")
    yield application
    application.engine.dispose()


@pytest.fixture
def empty_app(tmp_path):
    application = make_app(tmp_path / "empty.db", load_demo=False)
    yield application
    application.engine.dispose()
