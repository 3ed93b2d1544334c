"""The team screen's four views (okrtui/tui/screens/team/): each one's keys act in it, and a key of
another view does nothing there; the keys stay rebindable by id, in the help and in the palette."""

from __future__ import annotations

import pytest

from okrtui.core.errors import OkrError
from okrtui.tui.app import OkrApp
from okrtui.tui.screens.keys import checked_keymap
from okrtui.tui.screens.talk import TextDialog
from okrtui.tui.screens.team import TeamScreen
from okrtui.tui.screens.team.alignment import AlignmentView
from okrtui.tui.screens.team.dependencies import DependenciesView
from okrtui.tui.screens.team.people import PeopleView
from okrtui.tui.screens.team.week import WeekView
from tests.helpers import make_app, press, settle
from tests.tui.test_conversation_tui import DOC, Two, select


def context(app) -> str:
    return str(app.screen.query_one("#context").render())


def shown_actions(app) -> dict[str, type]:
    """The actions the focused view and the screen answer now, each with the class that owns it."""
    return {b.binding.action: type(b.node) for b in app.screen.active_bindings.values()}


def lead_with_one_in_review(tmp_path, cli):
    """Ana leads Platform; Ben's objective waits for her approval."""
    two = Two(tmp_path, cli)
    two.load("ben", DOC)
    assert cli("--db", two.ben, "submit", "o-ben").code == 0
    two.sync("ben", "ana")
    return two.app("ana")


async def test_people_view_approves_and_the_week_keys_do_nothing_there(tmp_path, cli):
    app = lead_with_one_in_review(tmp_path, cli)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        assert isinstance(app.screen.focused, PeopleView)
        await select(pilot, "o:o-ben")
        actions = shown_actions(app)
        assert actions["approve"] is PeopleView and actions["request_changes"] is PeopleView
        assert "week" not in actions  # < > belong to the week view
        shown = [b.binding.id for b in app.screen.active_bindings.values() if b.binding.show]
        # The footer as when A and r were the screen's: the screen's keys, then the view's, then the app's.
        assert shown[:7] == ["team.people", "team.alignment", "team.dependencies", "team.sync", "team.approve",
                             "team.request_changes", "app.objectives"], shown
        before = context(app)
        await press(pilot, "less_than_sign", "greater_than_sign")
        assert context(app) == before and "· people ·" in before  # no jump to the week view, no step
        assert isinstance(app.screen.focused, PeopleView)
        await press(pilot, "r")
        assert isinstance(app.screen, TextDialog) and "what should change" in app.screen.heading
        await press(pilot, "escape", "A")
        assert isinstance(app.screen, TextDialog) and app.screen.heading.startswith("Approve it?")
        await press(pilot, "escape")
    app.engine.dispose()


async def test_alignment_view_approves_and_the_week_keys_do_nothing_there(tmp_path, cli):
    app = lead_with_one_in_review(tmp_path, cli)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "2")
        assert isinstance(app.screen.focused, AlignmentView)
        assert app.screen.focused.select_key("o:o-ben")
        await settle(pilot)
        assert shown_actions(app)["approve"] is AlignmentView
        before = context(app)
        await press(pilot, "less_than_sign")
        assert context(app) == before and "· alignment ·" in before
        await press(pilot, "A")
        assert isinstance(app.screen, TextDialog) and app.screen.heading.startswith("Approve it?")
        await press(pilot, "escape")
    app.engine.dispose()


async def test_week_view_steps_weeks_and_approval_keys_do_nothing_there(tmp_path, cli):
    """Ben's objective still waits for Ana in the week view: A and r are not the week's keys."""
    app = lead_with_one_in_review(tmp_path, cli)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "4")
        assert isinstance(app.screen.focused, WeekView)
        actions = shown_actions(app)
        assert actions["week(-1)"] is WeekView and actions["week(1)"] is WeekView
        assert "approve" not in actions and "request_changes" not in actions
        await press(pilot, "A", "r")
        assert isinstance(app.screen, TeamScreen)  # no dialog asked
        assert "week of Nov 23" in context(app)
        await press(pilot, "less_than_sign")
        assert "week of Nov 16 (last week)" in context(app)
        await press(pilot, "greater_than_sign")
        assert "week of Nov 23" in context(app)
    app.engine.dispose()


async def test_dependencies_view_opens_the_other_end_and_other_views_keys_do_nothing_there(tmp_path):
    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "3")
        view = app.screen.focused
        assert isinstance(view, DependenciesView) and view.links
        actions = shown_actions(app)
        assert not {"approve", "request_changes", "week(-1)", "week(1)"} & set(actions)
        before = context(app)
        await press(pilot, "less_than_sign", "A", "r")
        assert isinstance(app.screen, TeamScreen) and context(app) == before and "· dependencies ·" in before
        await press(pilot, "enter")  # the first link's first line: the other end's story
        assert type(app.screen).__name__ == "DetailScreen"
        assert app.screen.refs == [view.links[0].other_key]


async def test_a_view_s_key_moves_by_its_id_and_the_palette_runs_it_in_its_view(tmp_path):
    from okrtui.config import Config
    from tests.helpers import TODAY, RecordingApp, close, demo_template

    path = tmp_path / "keys.db"
    path.write_bytes(demo_template().read_bytes())
    app = RecordingApp(path, Config(cursor_blink=False, keys={"team.prev_week": "comma"}), TODAY, native_ansi=False)
    app.animation_level = "none"
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "t", "4", "less_than_sign")  # the old key: nothing
            assert "week of Nov 23" in context(app)
            await press(pilot, "comma")
            assert "week of Nov 16 (last week)" in context(app)
            # From another screen, the palette's "Team: Prev week" shows the week view and steps back.
            await press(pilot, "greater_than_sign", "o")
            command = next(c for c in app.get_system_commands(app.screen) if c.title == "Team: Prev week")
            assert command.help.endswith("(,)")
            command.callback()
            await settle(pilot)
            assert isinstance(app.screen, TeamScreen) and isinstance(app.screen.focused, WeekView)
            assert "week of Nov 16 (last week)" in context(app)
    finally:
        close(app)


def test_a_view_s_key_may_not_take_a_key_of_its_screen_or_its_list():
    with pytest.raises(OkrError, match="'team.prev_week': 'a' is the key of 'team.pace_filter' in TeamScreen"):
        checked_keymap({"team.prev_week": "a"}, OkrApp.BINDINGS)
    with pytest.raises(OkrError, match="'team.approve': 'j' is the key of 'list.down' in TeamScreen"):
        checked_keymap({"team.approve": "j"}, OkrApp.BINDINGS)
    # Two views are never shown at once: the week's key may be one the people view uses.
    assert checked_keymap({"team.prev_week": "A"}, OkrApp.BINDINGS) == {"team.prev_week": "A"}
