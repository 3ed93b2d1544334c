"""What walking the four users by hand over a 50-person team found (issue 32, docs/tui.md "Four
users, key by key"): each a key pressed as the walk pressed it, on a SQLite file opened as the CLI
opens it."""

from __future__ import annotations

from tests.helpers import press, settle


async def test_a_screens_key_shows_its_list_not_a_detail_left_open_there(app):
    """The approval walk: on `t`, `i` opened the inbox and `enter` a detail; `o` went to the
    objectives, and `t` came back to that detail, not the team list: `S` then did nothing."""
    from okrtui.tui.screens.team import TeamScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        await press(pilot, "i")
        await press(pilot, "o")
        await press(pilot, "t")
        assert isinstance(app.screen, TeamScreen), app.screen
        assert len(app.screen_stack) == 1
        await press(pilot, "t")  # and the inbox still opens from it
        await press(pilot, "i")
        assert type(app.screen).__name__ == "InboxScreen"
