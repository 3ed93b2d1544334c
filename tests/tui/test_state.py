"""The app's state: a load the user has moved past never reaches the screen."""

import threading

from okrtui.cycle import ormread
from tests.helpers import make_app, press, settle


async def test_a_slow_stale_load_never_wins(tmp_path, monkeypatch):
    """A slow 2026-Q3 load, `[` then `]`: the screen shows 2026-Q4, the period the header names."""
    real_build = ormread.build
    release = threading.Event()

    def build(session, span, *args, **kwargs):
        if span.label == "2026-Q3":
            release.wait(10)  # Q3's load finishes only after Q4's has been shown
        return real_build(session, span, *args, **kwargs)

    monkeypatch.setattr(ormread, "build", build)
    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("[")
        await pilot.pause()
        await pilot.press("]")
        for _ in range(50):  # until Q4's (second) load has been shown
            await pilot.pause(0.05)
            if app.data is not None and app.data.report.period.label == "2026-Q4" and app.data.load == 3:
                break
        release.set()
        await settle(pilot)
        await press(pilot, "o")
        assert app.span.label == "2026-Q4"
        assert app.data.report.period.label == "2026-Q4"
        assert "2026-Q4" in app.sub_title


async def test_a_failing_load_is_a_message_not_a_dead_app(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    app = make_app(tmp_path / "x.db")
    monkeypatch.setattr(ormread, "whole", broken)  # the TUI's ORM load
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = []
        monkeypatch.setattr(app, "notify", lambda message, **kw: shown.append(message))
        await press(pilot, "]")
        assert any("disk on fire" in m for m in shown)
        assert app.is_running
        await press(pilot, "c")  # still answers keys
        assert app.current_mode == "checkin"


async def test_a_path_app_reads_without_the_orm_then_opens_it_for_the_first_save(demo_db):
    """The first view comes from okrtui.storage.sqlite.quickread; the check-in form opens the database, and the
    save and the reload after it go through the store."""
    from pathlib import Path

    from sqlmodel import select

    from okrtui.config import Config
    from okrtui.storage.model import CheckIn
    from okrtui.storage.store import reading
    from tests.helpers import TODAY, RecordingApp

    path = Path(demo_db)
    app = RecordingApp(path, Config(cursor_blink=False), TODAY, native_ansi=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.engine is None and app.data is not None
        await press(pilot, "c", "enter")
        await settle(pilot)
        assert app.engine is not None  # opened while the form is on screen
        await press(pilot, "enter")  # saves the pre-filled last value
        assert app.screen.__class__.__name__ == "CheckinScreen"
        with reading(app.engine) as session:
            dates = [c.date for c in session.exec(select(CheckIn).where(CheckIn.date == TODAY))]
        assert dates, "the save reached the database"
        await press(pilot, "f5")  # now through the store: the same views as a fresh quick read
        from okrtui.storage.sqlite import quickread

        fresh = quickread.read(path, None, TODAY)
        assert fresh is not None and app.data.report == fresh.report
    app.engine.dispose()
