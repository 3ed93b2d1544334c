"""A dialog opened by a key owns every key typed after it, whichever screen opens it (issue 32.1)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from textual import events
from textual.app import App
from textual.screen import ModalScreen
from textual.widgets import Input

import okrtui.tui.screens
from okrtui.storage.model import KeyResult
from okrtui.tui.screens.scoring import ScoringScreen
from okrtui.tui.screens.talk import InboxScreen
from okrtui.tui.widgets.table import OkrTable
from tests.helpers import press, rows, settle


def burst(app, *keys: str) -> None:
    """Post every key at once, as a paste or a slow SSH link delivers them: no pause between."""
    for key in keys:
        char = {"enter": "\r", "space": " ", "tab": "\t"}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, char))


async def test_the_self_score_form_takes_a_whole_burst(app):
    """`enter` on a KR (the form opens through the list's RowSelected message), "0.3", tab, "did 3",
    enter: the i of "did" once opened the inbox and the score read "d 3"."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "s")
        assert isinstance(app.screen, ScoringScreen)
        table = app.screen.query_one(OkrTable)
        table.select_key("k:kr-deploys")
        burst(app, "enter", *"0.3", "tab", *"did", "space", "3", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ScoringScreen), type(app.screen)
        (kr,) = rows(app, KeyResult, KeyResult.id == "kr-deploys")
        assert (kr.self_score, kr.score_comment) == (0.3, "did 3")


# --- every dialog: the keys typed with the key that opens it are its own ---------------------------

def _on(row: str, *keys: str):
    """Select `row` on the current screen; the burst is `keys`."""
    async def run(app, pilot) -> tuple[str, ...]:
        app.screen.query_one(OkrTable).select_key(row)
        await settle(pilot)
        return keys
    return run


def _after(*steps: str, then):
    """Press `steps` one by one (settled), then `then`."""
    async def run(app, pilot) -> tuple[str, ...]:
        await press(pilot, *steps)
        return await then(app, pilot)
    return run


def _keys(*keys: str):
    """The burst is `keys`, on the screen as it is."""
    async def run(app, pilot) -> tuple[str, ...]:
        return keys
    return run


# How each dialog opens: the screen to be on, the row, and the keys of the burst. A dialog class
# missing here fails test_every_dialog_has_an_opener: a new dialog is tested from the day it exists.
OPENERS = {
    "ConfirmDialog": _on("k:kr-handbook", "d"),
    "ChoiceDialog": _on("o:o-reliable", "n"),
    "HelpDialog": _keys("question_mark"),
    "CoachDialog": _keys("l"),
    "GuideDialog": _keys("l", "g"),
    "ObjectiveForm": _on("o:o-reliable", "e"),
    "KeyResultForm": _on("k:kr-mttr", "e"),
    "DependencyForm": _on("k:kr-deploys", "x"),
    "TeamForm": _after("t", then=_keys("n")),
    "PersonPicker": _after("t", then=_keys("p")),
    "TextDialog": _on("k:kr-handbook", "enter", "m"),
    "ReadDialog": _on("k:kr-deploys", "enter", "enter"),  # a check-in's note, whole
    "CheckinForm": _after("c", then=_keys("enter")),
    "HistoryDialog": _after("c", then=_keys("h")),
    "ScoreForm": _after("s", then=_on("k:kr-deploys", "enter")),
    "ReflectionsForm": _after("s", then=_keys("r")),
    "CloseQuarterDialog": _after("s", then=_keys("C")),
    "MeasureForm": _after("H", then=_keys("enter")),  # the Health screen (another branch's): found, then given an opener
    "MetricChartDialog": _after("H", then=_keys("v")),
}


def dialog_classes() -> dict[str, type[ModalScreen]]:
    """Every dialog okrtui defines (the bases in screens/base.py aside), found, not listed."""
    for module in pkgutil.iter_modules(okrtui.tui.screens.__path__):
        importlib.import_module(f"okrtui.tui.screens.{module.name}")
    found: dict[str, type[ModalScreen]] = {}
    todo: list[type] = [ModalScreen]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("okrtui.") and sub.__module__ != "okrtui.tui.screens.base":
                found[sub.__name__] = sub
    return found


def test_every_dialog_has_an_opener():
    assert set(dialog_classes()) == set(OPENERS)


@pytest.mark.parametrize("name", sorted(OPENERS))
async def test_keys_typed_with_the_key_that_opens_a_dialog_are_its_own(app, name):
    """The opening key, then `i` (the inbox, anywhere) and `w` (the weekly review) in one burst:
    the dialog stays on top, nothing switched beneath it, and a focused text field holds "iw"."""
    dialog = dialog_classes()[name]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = await OPENERS[name](app, pilot)
        mode = app.current_mode
        burst(app, *keys, "i", "w")
        await settle(pilot)
        assert type(app.screen) is dialog, [type(s).__name__ for s in app.screen_stack]
        assert app.current_mode == mode
        assert not any(isinstance(s, InboxScreen) for s in app.screen_stack)
        focused = app.screen.focused
        if isinstance(focused, Input):
            assert focused.value.endswith("iw"), focused.value


def test_the_self_score_burst_on_a_real_terminal(tmp_path):
    """The issue's own keys through a pseudo-terminal: `s`, `↓`, then Enter "0.3" Tab "did 3" Enter
    written in one go (tmux send-keys does the same)."""
    import sqlite3

    from tests.terminal import DOWN, demo_terminal

    db = tmp_path / "demo.db"
    term = demo_terminal(tmp_path)
    try:
        term.press(b"s")
        term.wait_for("KRs self-scored")
        term.press(DOWN)
        term.press(b"\r0.3\tdid 3\r")
        term.wait_for("did 3")  # saved: the comment column of the scored row
        assert "Inbox" not in term.text() and "Weekly review" not in term.text(), term.text()
    finally:
        term.close()
    with sqlite3.connect(db) as con:
        scored = con.execute("SELECT self_score FROM key_result WHERE score_comment = 'did 3'").fetchall()
    assert scored == [(0.3,)]


class _Probe(App[None]):
    BINDINGS = [("x", "bound", "")]

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.seen.append(("read " if not event.is_forwarded else "back ") + event.key)
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        self.seen.append("on_key " + event.key)
        if event.key == "y":
            event.prevent_default()

    def action_bound(self) -> None:
        self.seen.append("binding")


async def test_the_public_textual_hooks_the_key_line_relies_on():
    """screens/keyline.py uses only public Textual API; this fails loudly if a Textual upgrade
    changes how it behaves: the app reads every key in on_event first (not forwarded), a key not
    taken comes back to the app (forwarded), where on_key runs before the bindings, and
    prevent_default there keeps them from running; call_later runs after what is queued."""
    app = _Probe()
    async with app.run_test() as pilot:
        await pilot.press("x", "y")
        await pilot.pause()
        assert app.seen == ["read x", "back x", "on_key x", "binding", "read y", "back y", "on_key y"]
        order: list[str] = []
        app.screen.post_message(events.Callback(callback=lambda: order.append("queued")))
        assert app.screen.call_later(lambda: order.append("later")) is True
        await pilot.pause()
        assert order == ["queued", "later"]


def test_the_textual_footer_hook_okrfooter_relies_on():
    """okrtui/tui/widgets/footer.py learns of changed keys as Textual's Footer does: it subscribes to the
    screen's bindings_updated_signal (public) and, like Footer.bindings_changed, ignores a change while the
    app has no focus or that is another screen's. Textual is pinned; this fails loudly if an upgrade changes
    how its Footer follows the keys (tests/tui/widgets/test_footer.py checks that both draw the same)."""
    import inspect

    from textual.widgets import Footer

    assert "self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)" in inspect.getsource(Footer.on_mount)
    body = inspect.getsource(Footer.bindings_changed)
    assert "if not screen.app.app_focus:" in body and "screen is self.screen" in body, body


def test_a_burst_typed_while_a_check_in_saves_is_held_for_the_next_one(tmp_path):
    """Two check-ins typed in one go (`enter tab tab first enter`, `↓`, then the same for the next
    KR: the demo's round has none due on its day, so the cursor stays) while another writer holds
    the database's lock: the keys behind the first save wait for it, then move down, open the next
    KR's form and fill it. Nothing is dropped; nothing lands on the list."""
    import os
    import sqlite3
    import time

    from tests.terminal import DOWN, demo_terminal

    db = tmp_path / "demo.db"
    term = demo_terminal(tmp_path)
    try:
        term.press(b"c")
        term.wait_for("due")
        locker = sqlite3.connect(db, isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")  # the first save waits on the lock: a slow link, a busy database
        try:
            term.sent_at = time.monotonic()
            os.write(term.fd, b"\r\t\tfirst\r" + DOWN + b"\r\t\tsecond\r")
            term.settle(quiet=1.0, limit=5.0)
        finally:
            locker.execute("COMMIT")
            locker.close()
        term.wait_for("Week of")  # back on the list once both are saved
        term.settle(quiet=1.0)
        assert "Inbox" not in term.text() and "Weekly review" not in term.text(), term.text()
    finally:
        term.close()
    with sqlite3.connect(db) as con:
        notes = con.execute("SELECT kr_id, note FROM check_in WHERE note IN ('first', 'second')").fetchall()
    assert sorted(n for _, n in notes) == ["first", "second"] and len({k for k, _ in notes}) == 2, notes
