"""The app's state: a load the user has moved past never reaches the screen."""

import threading

from okrtui import report

from .conftest import make_app, press, settle


async def test_a_slow_stale_load_never_wins(tmp_path, monkeypatch):
    """A slow 2026-Q3 load, `[` then `]`: the screen shows 2026-Q4, the period the header names."""
    real_build = report.build
    release = threading.Event()

    def build(session, span, *args, **kwargs):
        if span.label == "2026-Q3":
            release.wait(10)  # Q3's load finishes only after Q4's has been shown
        return real_build(session, span, *args, **kwargs)

    monkeypatch.setattr(report, "build", build)
    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("[")
        await pilot.pause()
        await pilot.press("]")
        for _ in range(50):  # until Q4's (second) load has been shown
            await pilot.pause(0.05)
            if app.data is not None and app.data.report.period.label == "2026-Q4" and app.data.generation == 3:
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
    monkeypatch.setattr(report, "build", broken)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = []
        monkeypatch.setattr(app, "notify", lambda message, **kw: shown.append(message))
        await press(pilot, "]")
        assert any("disk on fire" in m for m in shown)
        assert app.is_running
        await press(pilot, "c")  # still answers keys
        assert app.current_mode == "checkin"
