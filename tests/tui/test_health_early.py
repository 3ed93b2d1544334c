"""The Health screen before the first period is read: okrtui reads the metrics ahead of the period
(okrtui.storage.sqlite.quickread.Prefetch), so at 10,000 KRs H shows them while the period is still being read."""

from __future__ import annotations

import threading

from okrtui.storage.sqlite import quickread
from okrtui.tui.widgets.table import OkrTable
from tests.helpers import close, open_app, settle


async def press_h_once_the_metrics_are_read(app, pilot) -> None:
    """A user pressing H as soon as there is something to show: the metrics are read, the period not yet."""
    for _ in range(200):
        await pilot.pause(0.05)
        if app.workspace.early_metrics is not None:
            break
    await pilot.press("H")


async def test_the_metrics_show_before_the_period_is_read(tmp_path, monkeypatch):
    gate = threading.Event()
    real = quickread.read

    def slow(*args, **kwargs):  # the period's read, held until the test lets it go
        gate.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(quickread, "read", slow)
    app = open_app(tmp_path / "tui.db")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await press_h_once_the_metrics_are_read(app, pilot)
            await pilot.pause()
            table = app.screen.query_one(OkrTable)
            assert app.data is None  # the period is still being read
            order = ["m-uptime", "m-backlog", "m-runway", "m-deploys"]
            assert [table.key_at(i) for i in range(table.row_count)] == order
            gate.set()
            await settle(pilot)
            assert app.data is not None and app.screen.drawn is app.data.metrics  # the snapshot's, drawn again
            assert [table.key_at(i) for i in range(table.row_count)] == order
    finally:
        gate.set()
        close(app)


async def test_a_metrics_read_that_needs_the_orm_waits_for_the_period(tmp_path, monkeypatch):
    monkeypatch.setattr(quickread, "read_metrics", lambda *args, **kwargs: None)
    app = open_app(tmp_path / "tui.db")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert app.workspace.early_metrics is None
            await pilot.press("H")
            await settle(pilot)
            table = app.screen.query_one(OkrTable)
            assert table.row_count == 4  # read through the ORM with the period
    finally:
        close(app)


async def test_the_health_screen_holds_the_periods_read_until_its_metrics_are_drawn(tmp_path, monkeypatch):
    """Opened while the period is read (H at once): the period's read waits while the Health screen draws the
    metrics read ahead of it (both would share the interpreter's lock), then goes on (issue 28's H1)."""
    gate = threading.Event()
    real = quickread.read

    def slow(*args, **kwargs):
        gate.wait(60)
        return real(*args, **kwargs)

    seen: list[tuple[str, int | None]] = []
    app = None

    def rows_drawn() -> int | None:
        screen = app.screen if app is not None else None
        return screen.query_one(OkrTable).row_count if getattr(screen, "drawn", None) is not None else None

    hold, release = quickread.Prefetch.hold, quickread.Prefetch.release
    monkeypatch.setattr(quickread, "read", slow)
    monkeypatch.setattr(quickread.Prefetch, "hold", lambda self: (seen.append(("hold", rows_drawn())), hold(self)))
    monkeypatch.setattr(quickread.Prefetch, "release",
                        lambda self: (seen.append(("release", rows_drawn())), release(self)))
    app = open_app(tmp_path / "tui.db")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await press_h_once_the_metrics_are_read(app, pilot)
            await pilot.pause()
            assert app.data is None
            assert seen[:2] == [("hold", None), ("release", 4)]  # held before its rows, let go once they are drawn
            gate.set()
            await settle(pilot)
            assert app.data is not None
            app.hold_read_ahead()  # the period is in: nothing left to hold
            assert [s for s, _ in seen].count("hold") == 1
    finally:
        gate.set()
        close(app)
