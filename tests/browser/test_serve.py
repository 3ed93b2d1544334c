"""`okrtui serve` on demo data in a real browser: locked by its token, read-only, limited and tidy."""

from __future__ import annotations

import os

from tests.browser.serving import screen_text, serving, wait_text
from tests.helpers import digest

TITLE = "Give every team self-service observability"  # the demo's first objective (tests/browser)


def open_tab(browser, server, url=None):
    """A tab on the served page; every frame the TUI sends is kept. Nothing leaves the machine:
    any request to another origin (the page's web font) is aborted."""
    frames: list = []
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.route(lambda u: not u.startswith(server.origin), lambda route: route.abort())
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    response = page.goto(url or server.url)
    return page, frames, response


def test_without_the_token_everything_is_403_and_starts_nothing(browser, demo_db):
    with serving(demo_db) as server:
        for path in ("/", "/?token=wrong", "/static/js/textual.js", "/ws", "/ws?token=" + server.token.swapcase() + "0"):
            status, body = server.get(path, {"Origin": server.origin, "Connection": "Upgrade", "Upgrade": "websocket",
                                             "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
                                      if path.startswith("/ws") else None)
            assert status == 403 and "forbidden" in body, path
        page, frames, response = open_tab(browser, server, server.origin + "/")
        assert response.status == 403
        page.close()
        assert server.sessions() == []  # no process started
        # the honest visitor, with the printed URL, gets a session
        page, frames, response = open_tab(browser, server)
        assert response.status == 200
        wait_text(page, frames, TITLE)
        assert len(server.sessions()) == 1
        page.close()


def test_a_session_shows_the_objectives_takes_keys_and_saves_nothing(browser, demo_db):
    before = digest(demo_db)
    with serving(demo_db) as server:
        page, frames, _ = open_tab(browser, server)
        wait_text(page, frames, TITLE)  # the objectives screen
        assert "read-only" in screen_text(frames)
        page.locator("#terminal").click()  # one click, then keys reach the app
        seen = len(frames)
        page.keyboard.press("w")
        wait_text(page, frames, "Weekly review", after=seen)
        seen = len(frames)
        page.keyboard.press("c")
        wait_text(page, frames, "due", after=seen)  # the check-in list: "Week of … · N of M due"
        seen = len(frames)
        page.keyboard.press("Enter")  # would open the check-in form
        page.keyboard.type("42")
        page.keyboard.press("Enter")
        wait_text(page, frames, "read-only: this session saves nothing", after=seen)
        assert "Check in:" not in screen_text(frames[seen:])  # the form never opened
        page.close()
    assert digest(demo_db) == before


def test_two_tabs_two_sessions_a_third_is_told_no_and_closing_ends_one(browser, demo_db):
    with serving(demo_db, "--max-sessions", "2", "--idle", "1") as server:
        first, frames1, _ = open_tab(browser, server)
        second, frames2, _ = open_tab(browser, server)
        wait_text(first, frames1, TITLE)
        wait_text(second, frames2, TITLE)
        one, two = server.wait_sessions(2)
        third, frames3, response = open_tab(browser, server)
        assert response.status == 503 and "all 2 sessions are in use" in third.inner_text("body")
        assert frames3 == [] and len(server.sessions()) == 2  # told no: nothing started
        third.close()
        first.close()  # its process ends (well within the idle minute)
        left = server.wait_sessions(1, within=20)
        assert left[0] in (one, two)
        second.close()
        server.wait_sessions(0, within=20)


def test_an_idle_session_ends_and_ctrl_c_leaves_no_process(browser, demo_db):
    with serving(demo_db, "--idle", "0.05") as server:  # 3 seconds
        page, frames, _ = open_tab(browser, server)
        wait_text(page, frames, TITLE)
        server.wait_sessions(0, within=30)  # nothing typed: the session ended by itself
        page.close()
        again, frames, _ = open_tab(browser, server)
        wait_text(again, frames, TITLE)
        (pid,) = server.wait_sessions(1)
        assert server.stop() == 0  # Ctrl-C
        assert "okrtui serve: stopped" in server.proc.stdout.read()
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            pass
        else:
            raise AssertionError(f"session process {pid} outlived the server")
        again.close()
