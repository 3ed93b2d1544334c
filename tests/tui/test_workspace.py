"""The workspace: typed save outcomes, one save at a time, one load counter."""

from __future__ import annotations

import threading

from okrtui.config import Config
from okrtui.core.errors import OkrError
from okrtui.method import views
from okrtui.storage.backend import open_engine
from okrtui.tui.services import Services
from okrtui.tui.workspace import Workspace
from tests.helpers import TODAY, RecordingApp, demo_template, settle


def probe(tmp_path) -> RecordingApp:
    import shutil

    shutil.copy(demo_template(), tmp_path / "x.db")
    app = RecordingApp(open_engine(tmp_path / "x.db"), Config(cursor_blink=False), TODAY, native_ansi=False)
    app.animation_level = "none"
    return app


async def test_a_save_hands_its_typed_result_to_on_done_then_reads_again(tmp_path):
    app = probe(tmp_path)
    got: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        loads = app.workspace.loads
        app.save(lambda s: len(s.__class__.__name__), on_done=got.append)  # an int reaches on_done
        await settle(pilot)
        assert got == [len("Services")]
        assert app.workspace.loads == loads + 1  # a save without kr_id reads the period again
    app.engine.dispose()


async def test_a_failed_save_without_its_own_handler_is_one_error_notification(tmp_path):
    app = probe(tmp_path)

    def refused(_s: Services) -> None:
        raise OkrError("the database refused the change: not yours")

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        loads = app.workspace.loads
        app.save(refused)
        await settle(pilot)
        assert app.notified_errors == ["the database refused the change: not yours"]
        assert app.workspace.loads == loads  # nothing was saved: nothing is read again
        app.save(lambda _s: 1 / 0)  # an unexpected error is wrapped, never a dead app
        await settle(pilot)
        assert app.notified_errors[-1] == "unexpected ZeroDivisionError: division by zero"
    app.engine.dispose()


async def test_saves_run_one_at_a_time(tmp_path):
    app = probe(tmp_path)
    order: list[str] = []
    release, started = threading.Event(), threading.Event()

    def first(_s: Services) -> None:
        order.append("first starts")
        started.set()
        release.wait(10)
        order.append("first ends")

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.save(first)
        started.wait(10)
        app.save(lambda _s: order.append("second starts"))
        await pilot.pause(0.2)  # the second is queued behind the first, not running beside it
        assert order == ["first starts"]
        release.set()
        await settle(pilot)
        assert order == ["first starts", "first ends", "second starts"]
    app.engine.dispose()


def test_the_workspace_starts_on_the_quarter_of_today_and_counts_no_load_yet(tmp_path):
    from okrtui.storage.backend import backend_for

    ws = Workspace(None, backend_for(tmp_path / "x.db"), Config(), TODAY, opened=False)  # type: ignore[arg-type]
    assert ws.span.label == "2026-Q4" and ws.loads == 0 and ws.data is None and ws.engine is None


async def test_a_kr_refresh_is_a_new_snapshot_and_leaves_the_shown_one_as_it_was(tmp_path):
    """After a check-in, one KR is read again into a new snapshot of the same load; the one on screen
    is never changed under the screens that drew it (the workspace is its one owner)."""
    app = probe(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = app.data
        kr = next(k for o in shown.report.objectives if o.status == "active" for k in o.key_results
                  if k.error is None and views.answers_for(k, shown.me) and k.target is not None
                  and k.current != k.target)
        objectives, key_results, check_ins = list(shown.report.objectives), list(shown.report.key_results()), \
            list(kr.check_ins)
        current, findings = kr.current, list(shown.findings)
        app.save(lambda s: s.record_check_in(kr.id, kr.target, None, "refresh", TODAY), kr_id=kr.id)
        await settle(pilot)
        fresh = app.data
        assert fresh is not shown and fresh.load == shown.load
        assert next(k for k in fresh.report.key_results() if k.id == kr.id).current == kr.target
        assert shown.report.objectives == objectives and all(
            a is b for a, b in zip(shown.report.key_results(), key_results, strict=True))
        assert kr.check_ins == check_ins and kr.current == current and shown.findings == findings
    app.engine.dispose()

