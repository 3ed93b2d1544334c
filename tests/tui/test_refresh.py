"""The refresh after a save reads what a fresh load reads (issue 22: the as-of refresh bug)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from okrtui.config import Config
from okrtui.storage.backend import open_engine
from okrtui.storage.sqlite import quickread
from tests.helpers import RecordingApp, close, press, settle

AS_OF = dt.date(2026, 10, 20)  # `okrtui --as-of 2026-10-20` on a demo made on Nov 26


@pytest.mark.parametrize("users_path", [True, False], ids=["sqlite-file", "engine"])
async def test_a_check_in_under_as_of_shows_what_a_fresh_read_shows(tmp_path, demo_template, users_path):
    """Read by quickread then refreshed through the engine (a SQLite user), or all through the engine."""
    path = tmp_path / "asof.db"
    shutil.copy(demo_template, path)
    app = RecordingApp(path if users_path else open_engine(path), Config(cursor_blink=False), AS_OF,
                       native_ansi=False)
    app.animation_level = "none"
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await press(pilot, "c", "enter")
            kr_id = app.screen.kr.id
            app.screen.query_one("#in-value").value = "7"
            await press(pilot, "enter")
            shown = next(kr for kr in app.data.report.key_results() if kr.id == kr_id)
            fresh = quickread.read(path, None, AS_OF)
            assert fresh is not None
            expected = next(kr for kr in fresh.report.key_results() if kr.id == kr_id)
            assert [c.date for c in shown.check_ins] == [c.date for c in expected.check_ins]
            assert all(c.date <= AS_OF for c in shown.check_ins)
            assert (shown.progress, shown.grade, shown.stale) == (expected.progress, expected.grade, expected.stale)
            assert app.data.report == fresh.report
    finally:
        close(app)
