"""A visitor of `okrtui serve`, and a read-only session: each attack fails beside the honest action.

A visitor's only way in is the served page: its token, its websocket, and the keys of a
`okrtui --read-only` TUI. The TUI attacks run that same read-only app under Textual's pilot (what
each session runs); the HTTP and websocket ones run a real `okrtui serve` on 127.0.0.1."""

from __future__ import annotations

import asyncio
import shutil

import aiohttp
import pytest
from sqlalchemy import text

from okrtui.config import Config
from okrtui.storage.backend import backend_for
from tests.browser.serving import screen_text, serving
from tests.helpers import TODAY, RecordingApp, demo_template, digest, pg_database, press, settle

READY = "key results"  # the objectives screen's count line: the TUI is up
REFUSED = "read-only: this session saves nothing (okrtui --read-only)"


def read_only_app(path):
    shutil.copy(demo_template(), path)
    app = RecordingApp(path, Config(cursor_blink=False), TODAY, native_ansi=False, read_only=True)
    app.animation_level = "none"
    return app


async def refused(path, *keys: str) -> list[str]:
    """Press `keys` in the read-only TUI a session runs; the lines it said; the file must not change."""
    app = read_only_app(path)
    before = digest(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, *keys)
        said = list(app.notified)
        assert app.data is not None and app.data.report.objectives  # the honest visitor sees the OKRs
    assert digest(path) == before
    return said


async def test_a_visitor_cannot_check_in(tmp_path):
    assert REFUSED in await refused(tmp_path / "s.db", "c", "enter", "4", "2", "enter")
    # the same keys in a writable TUI open the check-in form: the honest owner checks in
    path = tmp_path / "own.db"
    shutil.copy(demo_template(), path)
    app = RecordingApp(path, Config(cursor_blink=False), TODAY, native_ansi=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await press(pilot, "c", "enter")
        assert type(app.screen).__name__ == "CheckinForm"
    if app.engine is not None:
        app.engine.dispose()


async def test_a_visitor_sees_the_health_metrics_but_cannot_measure_one(tmp_path):
    path = tmp_path / "s.db"
    app = read_only_app(path)
    before = digest(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "H")
        await settle(pilot)
        assert type(app.screen).__name__ == "HealthScreen"
        assert app.screen.drawn  # the visitor sees the demo's metrics
        await press(pilot, "enter", "9", "9", "enter")
        assert REFUSED in app.notified
        assert type(app.screen).__name__ == "HealthScreen"  # no measurement form opened
    assert digest(path) == before
    # the same keys in a writable TUI open the measurement form: the honest owner measures
    own = tmp_path / "own.db"
    shutil.copy(demo_template(), own)
    app = RecordingApp(own, Config(cursor_blink=False), TODAY, native_ansi=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "H")
        await settle(pilot)
        await press(pilot, "enter")
        assert type(app.screen).__name__ == "MeasureForm"
    if app.engine is not None:
        app.engine.dispose()


async def test_a_visitor_cannot_approve_or_ask_for_changes(tmp_path):
    said = await refused(tmp_path / "s.db", "t", "A", "r")
    assert said.count(REFUSED) == 2


async def test_a_visitor_cannot_answer_a_dependency(tmp_path):
    said = await refused(tmp_path / "s.db", "i", "a", "x", "r")
    assert said.count(REFUSED) == 3


async def test_a_visitor_cannot_create_change_or_delete(tmp_path):
    said = await refused(tmp_path / "s.db", "o", "n", "e", "d", "a", "u", "x", "J", "s", "enter", "r", "C")
    assert said.count(REFUSED) == 10  # n e d a u x J, then enter r C


async def test_a_read_only_tui_writes_nothing_even_by_sync_or_a_click(tmp_path):
    said = await refused(tmp_path / "s.db", "t", "S", "c", "enter", "o", "down", "enter", "c", "m")
    assert said.count(REFUSED) == 4


def test_read_only_with_a_command_is_refused(cli, demo_db):
    before = digest(demo_db)
    out = cli("--read-only", "--db", demo_db, "checkin", "kr-latency", "5")
    assert out.code == 2 and out.err.startswith("okrtui: error: --read-only opens the TUI")
    assert digest(demo_db) == before
    assert cli("--db", demo_db, "report").code == 0  # the honest command, without the flag


def test_a_wrong_or_missing_token_gets_403_the_printed_url_gets_the_page(demo_db):
    with serving(demo_db) as server:
        for path in ("/", f"/?token={server.token[:8]}", "/static/css/xterm.css", "/ws"):
            assert server.get(path)[0] == 403
        assert server.sessions() == []
        status, page = server.get(f"/?token={server.token}")
        assert status == 200 and "textual-terminal" in page


def test_nothing_a_visitor_sends_is_written_into_the_page(demo_db):
    with serving(demo_db) as server:
        hostile = "%3Cscript%3Ealert(1)%3C%2Fscript%3E"
        status, page = server.get(f"/?token={server.token}&fontsize={hostile}&width={hostile}")
        assert status == 200 and "<script>alert(1)" not in page and "alert(1)" not in page
        assert 'data-font-size="16"' in page  # the default, not the visitor's text


async def _session(server, session: aiohttp.ClientSession, origin: str | None = None):
    headers = {"Origin": origin or server.origin}
    return await session.ws_connect(f"{server.origin}/ws?token={server.token}&width=160&height=40", headers=headers)


async def _drawn(ws, text: str, within: float = 30.0) -> str:
    frames: list[bytes] = []
    async with asyncio.timeout(within):
        while text not in screen_text(frames):
            message = await ws.receive()
            if message.type == aiohttp.WSMsgType.BINARY:
                frames.append(message.data)
            elif message.type != aiohttp.WSMsgType.TEXT:
                raise AssertionError(f"session closed: {message}")
    return screen_text(frames)


async def test_a_bad_message_harms_no_session(demo_db):
    with serving(demo_db) as server:
        async with aiohttp.ClientSession() as http:
            ws = await _session(server, http)
            await _drawn(ws, READY)
            for bad in ("not json", "[]", '["stdin"]', '["stdin", 5]', '["resize", "wide"]', '{"a": 1}',
                        '["resize", {"width": "x", "height": -4}]'):
                await ws.send_str(bad)
            await ws.send_str('["resize", {"width": 120, "height": 40}]')
            await ws.send_str('["stdin", "w"]')  # the honest key after the garbage still arrives
            await _drawn(ws, "Weekly review")
            await ws.close()


async def test_a_flood_of_sessions_is_told_no_past_the_limit(demo_db):
    with serving(demo_db, "--max-sessions", "2") as server:
        async with aiohttp.ClientSession() as http:
            first, second = await _session(server, http), await _session(server, http)
            await _drawn(first, READY)
            await _drawn(second, READY)
            for _ in range(3):
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused_ws:
                    await _session(server, http)
                assert refused_ws.value.status == 503
            assert len(server.wait_sessions(2)) == 2
            await first.close()
            server.wait_sessions(1)
            third = await _session(server, http)  # a freed place is taken by the next honest visitor
            await _drawn(third, READY)
            await third.close()
            await second.close()


async def test_another_sites_page_cannot_open_a_session(demo_db):
    with serving(demo_db) as server:
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused_ws:
                await _session(server, http, origin="http://evil.example")
            assert refused_ws.value.status == 403
            assert server.sessions() == []
            ws = await _session(server, http)  # the served page's own origin
            await _drawn(ws, READY)
            await ws.close()


async def test_a_served_session_writes_nothing(demo_db):
    before = digest(demo_db)
    with serving(demo_db) as server:
        async with aiohttp.ClientSession() as http:
            ws = await _session(server, http)
            await _drawn(ws, READY)
            await ws.send_str('["stdin", "c"]')
            await ws.send_str('["stdin", "\\r42\\r"]')
            await _drawn(ws, "read-only: this session saves nothing")
            await ws.close()
    assert digest(demo_db) == before


@pytest.mark.xdist_group("postgres")
def test_a_read_only_session_on_postgres_is_refused_by_the_server(server, cli):
    url = pg_database(server, cli)
    engine = backend_for(url("alice"), read_only=True).engine()
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM objective")).scalar() == 0  # reading works
            with pytest.raises(Exception, match="read-only transaction"):
                conn.execute(text("INSERT INTO reflection (id, origin, created_at, updated_at, deleted, person_id, "
                                  "period_id, question, answer) VALUES ('r', 'p-alice', 'x', 'x', false, 'p-alice', "
                                  "'2026-Q4', 'q', 'a')"))
    finally:
        engine.dispose()
    writable = backend_for(url("alice")).engine()  # the same person, not read-only, may write
    try:
        with writable.begin() as conn:
            conn.execute(text("SELECT 1"))
            assert conn.execute(text("SHOW transaction_read_only")).scalar() == "off"
    finally:
        writable.dispose()


@pytest.mark.parametrize("keymap", [{}, {"team.approve": "Y", "team.request_changes": "R", "team.sync": "G",
                                          "team.new_team": "N", "team.edit_team": "E"}])
async def test_a_visitor_cannot_approve_or_ask_for_changes_in_any_team_view_even_with_moved_keys(tmp_path, keymap):
    """The team screen is four views with keys of their own: in each, on several rows, no key that saves
    shows in the footer and each (where [keys] moved it, too) is refused in one line; nothing is written."""
    from okrtui.tui.screens.base import Dialog
    from okrtui.tui.screens.keys import WRITING

    path = tmp_path / "s.db"
    shutil.copy(demo_template(), path)
    app = RecordingApp(path, Config(cursor_blink=False, keys=keymap), TODAY, native_ansi=False, read_only=True)
    app.animation_level = "none"
    before = digest(path)
    keys = [keymap.get(i, k) for i, k in (("team.approve", "A"), ("team.request_changes", "r"), ("team.sync", "S"),
                                          ("team.new_team", "n"), ("team.edit_team", "e"))]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        for view in "1234":
            await press(pilot, view)
            await settle(pilot)
            for _row in range(2):
                shown = {b.binding.id for b in app.screen.active_bindings.values() if b.binding.id}
                assert not shown & WRITING, (view, shown & WRITING)
                for key in keys:
                    app.notified.clear()
                    await press(pilot, key)
                    assert app.notified == [REFUSED], (view, key, app.notified)
                    assert not isinstance(app.screen, Dialog)
                await press(pilot, "down")
        assert app.data is not None and app.data.report.objectives  # the honest visitor sees the team's OKRs
    assert digest(path) == before
