"""An app factory with a fixed clock, no blink and no animation, like posting's."""

from __future__ import annotations

import datetime as dt

import pytest

from okrtui import demo
from okrtui.app import OkrApp
from okrtui.config import Config
from okrtui.store import open_engine

TODAY = dt.date(2026, 11, 26)


def make_app(path, *, load_demo: bool = True, today: dt.date = TODAY) -> OkrApp:
    engine = open_engine(path)
    if load_demo:
        demo.load(engine, today)
    app = OkrApp(engine, Config(), today, blink=False)
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
