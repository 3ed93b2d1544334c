"""`okrtui --read-only`: the database opens read-only, the keys that save are absent from the footer,
the help and the palette, and refused with one line when pressed; the file's bytes never change."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import text

from okrtui.config import Config
from okrtui.core.errors import OkrError
from okrtui.storage.backend import backend_for
from okrtui.tui.screens.base import Dialog
from okrtui.tui.screens.keys import WRITING
from okrtui.tui.widgets.table import OkrTable
from tests.helpers import TODAY, RecordingApp, demo_template, digest, press, settle

REFUSED = "read-only: this session saves nothing (okrtui --read-only)"


def read_only_app(path, **kwargs):
    shutil.copy(demo_template(), path)
    app = RecordingApp(path, Config(cursor_blink=False), TODAY, native_ansi=False, read_only=True, **kwargs)
    app.animation_level = "none"
    return app


def shown_ids(app) -> set[str]:
    """The binding ids the footer shows on the current screen (Textual's public active_bindings)."""
    return {b.binding.id for b in app.screen.active_bindings.values() if b.binding.id}


async def test_no_key_that_saves_is_shown_and_each_is_refused_in_one_line(tmp_path):
    path = tmp_path / "lead.db"
    app = read_only_app(path)
    before = digest(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "read-only" in app.sub_title
        for mode, keys in (("o", ["n", "e", "d", "J", "x"]), ("c", ["enter"]), ("s", ["enter", "r", "C"]),
                           ("t", ["S", "A", "n"])):
            await press(pilot, mode)
            assert not shown_ids(app) & WRITING, mode
            for key in keys:
                app.notified.clear()
                await press(pilot, key)
                assert app.notified == [REFUSED], (mode, key)
                assert not isinstance(app.screen, Dialog)
        # the keys that only look still work: the detail opens, the weeks move
        await press(pilot, "o", "down", "enter")
        assert type(app.screen).__name__ == "DetailScreen"
        assert not shown_ids(app) & WRITING
        app.notified.clear()
        await press(pilot, "c")  # the detail's check-in key
        assert app.notified == [REFUSED]
    assert app.engine is None or app.engine.url.drivername == "sqlite"
    assert digest(path) == before  # not one byte written


async def test_a_click_on_a_row_opens_no_form(tmp_path):
    """The check-in list opens its form on a click, not only on a key: the form refuses to open."""
    path = tmp_path / "lead.db"
    app = read_only_app(path)
    before = digest(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await press(pilot, "c")
        app.notified.clear()
        table = app.screen.query_one(OkrTable)
        await pilot.click(table, offset=(10, 1))
        await settle(pilot)
        await pilot.click(table, offset=(10, 1))  # a click on the current row opens its check-in
        await settle(pilot)
        assert app.notified and set(app.notified) == {REFUSED}  # one line per click that would open it
        assert type(app.screen).__name__ == "CheckinScreen"
    assert digest(path) == before


async def test_help_and_palette_leave_out_the_keys_that_save(tmp_path):
    app = read_only_app(tmp_path / "lead.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Objectives: Edit" not in titles and "Check-in: Check in" not in titles
        assert "Weekly review: Prev week" in titles and "Objectives: Coach" in titles  # reading keys stay
        await press(pilot, "question_mark")
        described = {k.description for _, keys in app.screen.sections for k in keys}
        assert not described & {"Delete", "Self-score", "Check in", "New", "Sync now", "Comment"}
        assert {"Prev week", "Detail", "Coach"} <= described


async def test_the_same_keys_save_without_read_only(tmp_path):
    """The honest path: the writable TUI still shows and runs them."""
    path = tmp_path / "me.db"
    shutil.copy(demo_template(), path)
    app = RecordingApp(path, Config(cursor_blink=False), TODAY, native_ansi=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert {"objectives.new", "objectives.edit"} <= shown_ids(app)
        await press(pilot, "n")
        assert type(app.screen).__name__ == "ObjectiveForm"
    if app.engine is not None:
        app.engine.dispose()


def test_the_read_only_engine_refuses_writes(tmp_path):
    path = tmp_path / "lead.db"
    shutil.copy(demo_template(), path)
    before = digest(path)
    engine = backend_for(path, read_only=True).engine()
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM objective")).scalar() > 0  # reads
            with pytest.raises(Exception, match="readonly|read-only|query_only"):
                conn.execute(text("UPDATE objective SET title = 'x'"))
    finally:
        engine.dispose()
    assert digest(path) == before
    with pytest.raises(OkrError, match="no database at"):
        backend_for(tmp_path / "missing.db", read_only=True).engine()
    assert not (tmp_path / "missing.db").exists()


def test_an_old_schema_is_not_upgraded_read_only(tmp_path):
    old = tmp_path / "old.db"
    shutil.copy("tests/fixtures/schema-1.db", old)
    before = digest(old)
    with pytest.raises(OkrError, match="without --read-only to upgrade"):
        backend_for(old, read_only=True).engine()
    assert digest(old) == before


def test_read_only_and_demo_together_is_one_error(cli):
    out = cli("--read-only", "--demo")
    assert out.code == 2 and out.err.startswith("okrtui: error: --read-only opens an existing database")


def test_every_key_named_as_saving_is_a_real_binding():
    from okrtui.tui.app import OkrApp
    from okrtui.tui.screens.keys import bindings_by_class

    ids = {b.id for _, bindings in bindings_by_class(OkrApp.BINDINGS) for b in bindings}
    assert WRITING <= ids


async def test_a_views_key_moved_onto_another_views_writing_key_still_works_in_its_own_view(tmp_path):
    """[keys] may give the week view's `<` the key `A` (approve is another view's key, so no clash):
    in a read-only session the week steps back with it, and in the people view `A` is still approve,
    refused in one line. Every view's writing keys were refused on every view."""
    from okrtui.config import Config
    from tests.helpers import TODAY, RecordingApp

    path = tmp_path / "moved.db"
    shutil.copy(demo_template(), path)
    app = RecordingApp(path, Config(cursor_blink=False, keys={"team.prev_week": "A"}), TODAY, native_ansi=False,
                       read_only=True)
    app.animation_level = "none"
    before = digest(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "4")
        context = app.screen.query_one("#context")
        assert "week of Nov 23" in str(context.render())
        app.notified.clear()
        await press(pilot, "A")
        assert app.notified == [] and "week of Nov 16 (last week)" in str(context.render())
        await press(pilot, "1", "A")
        assert app.notified == [REFUSED]
    assert digest(path) == before
