"""A save in progress shows, is sent once, and after a failure and recovery the row shows what was saved."""

from __future__ import annotations

import sqlite3

from sqlmodel import select

from okrtui.core.errors import OkrError
from okrtui.exchange import interchange
from okrtui.storage.model import CheckIn
from okrtui.storage.store import reading
from okrtui.tui.screens.checkin import CheckinForm
from tests.helpers import TODAY, count_check_in_saves, make_app, press, settle

DOC = {"format": "okrtui/1", "objectives": [{
    "id": "o-1", "title": "Make deploys reliable", "period": "2026-Q4", "status": "active", "key_results": [
        {"id": "kr-1", "title": "Deploys from 0 to 100", "kind": "increase", "start": 0, "target": 100,
         "check_ins": [{"id": "c-1", "date": "2026-11-16", "value": 10}]}]}]}


def check_ins_today(app) -> list[CheckIn]:
    with reading(app.engine) as session:
        return list(session.exec(select(CheckIn).where(CheckIn.date == TODAY)).all())


def kr_now(app) -> float | None:
    return app.data.report.objectives[0].key_results[0].current


def row_shown(app) -> str:
    """The check-in list's row of kr-1 as drawn (its "Now → target" and "Last" cells)."""
    from okrtui.tui.widgets.table import OkrTable

    return " ".join(str(c) for c in app.screen.query_one(OkrTable).get_row("kr-1"))


def keys_line(screen) -> str:
    return str(screen.query_one(".keys").render())


async def open_form(pilot, value: str) -> None:
    await settle(pilot)
    await press(pilot, "c", "enter")
    assert isinstance(pilot.app.screen, CheckinForm)
    await pilot.press(*value)


async def test_a_save_waiting_on_a_lock_says_saving_and_three_enters_save_once(tmp_path):
    path = tmp_path / "lock.db"
    app = make_app(path, load_demo=False)
    interchange.import_document(app.engine, DOC)
    calls = count_check_in_saves(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "42")
        form = app.screen
        # Another writer holds SQLite's write lock: the save waits on the busy timeout.
        locker = sqlite3.connect(path, isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")
        try:
            for _ in range(3):
                await pilot.press("enter")
                await pilot.pause(0.05)
            assert app.screen is form and "saving…" in keys_line(form)
            await pilot.press("f2", "escape")  # neither sends again nor closes under the save
            await pilot.pause(0.05)
            assert app.screen is form
        finally:
            locker.execute("COMMIT")
            locker.close()
        await settle(pilot)
        # The keys were held, not dropped. The repeated save keys are one request: the first
        # repeat, on the list, opened the KR's check-in again (as with an instant save), the others
        # went nowhere, and the esc typed last closed that form.
        assert app.screen is not form and not isinstance(app.screen, CheckinForm)
        assert len(calls) == 1
        assert [c.value for c in check_ins_today(app)] == [42]
        assert kr_now(app) == 42 and "42" in row_shown(app)
    app.engine.dispose()


async def test_after_a_failed_save_and_recovery_the_row_shows_what_was_saved(tmp_path, monkeypatch):
    from okrtui.cycle import ormread

    app = make_app(tmp_path / "outage.db", load_demo=False)
    interchange.import_document(app.engine, DOC)
    outage = [True]
    record, whole = app.services.record_check_in, ormread.whole

    def failing_record(*args, **kwargs):
        if outage[0]:
            raise OkrError("cannot write the database: connection lost")
        return record(*args, **kwargs)

    def failing_read(*args, **kwargs):  # the TUI's whole-period read on the ORM path
        if outage[0]:
            raise OkrError("cannot read the database: connection lost")
        return whole(*args, **kwargs)

    app.services.record_check_in = failing_record  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "42")
        form = app.screen
        monkeypatch.setattr(ormread, "whole", failing_read)
        await press(pilot, "enter")  # the save fails: the form says why and stays, ready to send again
        assert app.screen is form and "connection lost" in str(form.query_one("#err-form").render())
        assert keys_line(form) == "enter: save   esc: cancel"  # the hint is back
        await press(pilot, "escape")
        await press(pilot, "f5")  # a refresh during the outage fails too (so does the 30 s one)
        assert app.notified_errors and kr_now(app) == 10
        outage[0] = False  # the database is back: the user checks in again
        shown = app.data
        await press(pilot, "enter")
        await pilot.press("4", "2")
        await press(pilot, "enter")
        assert app.screen is not form
        assert [c.value for c in check_ins_today(app)] == [42]
        # A new snapshot went to the screen, which redrew its rows (no f5 needed).
        assert app.data is not shown and app.screen.shown is app.data
        assert "42" in row_shown(app) and str(TODAY) in row_shown(app)
    app.engine.dispose()


TWO = {"format": "okrtui/1", "objectives": [{
    "id": "o-1", "title": "Make deploys reliable", "period": "2026-Q4", "status": "active", "key_results": [
        {"id": f"kr-{i}", "title": f"Deploys {i} from 0 to 100", "kind": "increase", "start": 0, "target": 100}
        for i in (1, 2)]}]}


def gated_check_ins(app):
    """Each check-in save waits until the test opens the gate (a slow link, a busy database)."""
    import threading

    gate = threading.Event()
    record = app.services.record_check_in

    def slow(*args, **kwargs):
        gate.wait(10)
        return record(*args, **kwargs)

    app.services.record_check_in = slow  # type: ignore[method-assign]
    return gate


async def test_keys_typed_while_a_form_saves_are_held_and_handed_out_in_order_once_it_is_done(tmp_path):
    """The fast path on a slow link: `42 enter`, then `enter 55 enter` for the next KR, all typed
    while the first save is on its way. Nothing is dropped, nothing reaches the list early."""
    app = make_app(tmp_path / "slow.db", load_demo=False)
    interchange.import_document(app.engine, TWO)
    gate = gated_check_ins(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "42")
        form = app.screen
        await pilot.press("enter")  # the save starts, and waits at the gate
        await pilot.pause(0.05)
        await pilot.press("enter", "5", "5", "tab", "0", ".", "8", "enter")
        await pilot.pause(0.1)
        assert app.screen is form and "saving…" in keys_line(form)
        assert form.query_one("#in-value").value == "42"  # the held keys did not reach the field
        gate.set()
        await settle(pilot)
        await settle(pilot)
        assert not isinstance(app.screen, CheckinForm)
        saved = sorted((c.kr_id, c.value, c.confidence) for c in check_ins_today(app))
        assert saved == [("kr-1", 42, None), ("kr-2", 55, 0.8)]
    app.engine.dispose()


async def test_keys_typed_while_a_save_that_fails_are_dropped_and_said(tmp_path):
    """Typed for what follows a save: they would act on the form that stays (esc would close it)."""
    app = make_app(tmp_path / "fails.db", load_demo=False)
    interchange.import_document(app.engine, TWO)
    import threading

    gate = threading.Event()

    def failing(*args, **kwargs):
        gate.wait(10)
        raise OkrError("cannot write the database: connection lost")

    app.services.record_check_in = failing  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "42")
        form = app.screen
        await pilot.press("enter")
        await pilot.pause(0.05)
        await pilot.press("enter", "5", "escape")
        await pilot.pause(0.1)
        gate.set()
        await settle(pilot)
        assert app.screen is form and form.query_one("#in-value").value == "42"
        assert "connection lost" in str(form.query_one("#err-form").render())
        assert "3 keys typed during the save not used" in app.notified
    app.engine.dispose()


async def test_an_enter_typed_under_a_save_reopens_the_kr_with_the_value_just_saved(tmp_path, monkeypatch):
    """`42 enter enter` on the only KR: the second enter reopens its check-in. It waits for the save's
    new data: opened before it, the form offered 10 (the value before the save), and one more enter
    would have put 10 back in place of 42."""
    import threading

    from okrtui.cycle import ormread

    app = make_app(tmp_path / "fresh.db", load_demo=False)
    interchange.import_document(app.engine, DOC)
    refreshed = threading.Event()
    read = ormread.kr_check_ins

    def slow_refresh(*args, **kwargs):
        refreshed.wait(10)  # the save's new data is slow to come (a busy database)
        return read(*args, **kwargs)

    monkeypatch.setattr(ormread, "kr_check_ins", slow_refresh)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "42")
        await pilot.press("enter", "enter")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, CheckinForm)  # saved and closed; the enter waits for the new data
        assert [c.value for c in check_ins_today(app)] == [42]
        refreshed.set()
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, CheckinForm)
        assert app.screen.query_one("#in-value").value == "42"
        await press(pilot, "escape")
    app.engine.dispose()
