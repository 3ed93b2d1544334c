"""Attacks through the TUI's keys and forms (docs/security.md, column `tui`)."""

from __future__ import annotations

import datetime as dt

from okrtui.screens.base import OkrTable
from okrtui.storage.model import CheckIn
from tests.helpers import HOSTILE, TODAY, close, fill, open_app, press, raw_in, rows, settle, two_members


async def test_text_hostile_names_titles_and_notes_show_literally(cli, tmp_path):
    """Ana's TUI over Ben's hostile name, titles and check-in note: every screen shows them as text
    (escapes visible, Rich markup literal), no raw control reaches the terminal's cells."""
    ana, ben, team = two_members(cli, tmp_path, ben_title=HOSTILE)
    assert cli("--db", ben, "whoami", "--name", f"Ben {HOSTILE}").code == 0
    assert cli("--db", ben, "checkin", "kr-ben", "20", "--note", HOSTILE).code == 0
    assert cli("--db", ben, "sync", team).code == 0
    assert cli("--db", ana, "sync", team).code == 0
    assert cli("--db", ana, "comment", "o-ben", HOSTILE).code == 0
    app = open_app(ana, load_demo=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        seen = []
        for keys in (("t",), ("t", "enter"), ("i",)):  # the team, Ben's objective, the inbox
            await press(pilot, "escape", "escape", *keys)
            seen.append(app.export_screenshot())
        text = "\n".join(seen)
        assert not raw_in(text)
        assert "x1b]0;pwned" in text and "[red]x[/]" in text  # shown, as text
    close(app)


async def test_dates_the_check_in_form_refuses_a_later_day_inline_and_saves_today(tmp_path):
    app = open_app(tmp_path / "tui.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c", "h")
        newest = app.screen.query_one(OkrTable).current_key
        (before,) = rows(app, CheckIn, CheckIn.id == newest)
        await press(pilot, "e")
        await fill(pilot, "in-date", str(TODAY + dt.timedelta(days=1)))
        await fill(pilot, "in-value", "94")
        await press(pilot, "enter")
        error = str(app.screen.query_one("#err-date").render())
        assert f"{TODAY + dt.timedelta(days=1)} is after today ({TODAY})" in error
        assert rows(app, CheckIn, CheckIn.id == newest)[0].value == before.value  # nothing saved
        await fill(pilot, "in-date", str(TODAY))
        await press(pilot, "enter")
        (fixed,) = rows(app, CheckIn, CheckIn.id == newest)
        assert (fixed.value, fixed.date) == (94, TODAY)
    close(app)


async def test_dates_the_tui_sync_skips_a_line_too_far_ahead_and_names_it(cli, tmp_path):
    """`S` on the team screen syncs as of the app's today: a day ahead comes in, two days ahead is named."""
    import dataclasses

    from tests.helpers import signed_line

    ana, ben, team = two_members(cli, tmp_path)
    signed_line(team, ben, id="c-ahead1", date=str(TODAY + dt.timedelta(days=1)), value=30.0)
    signed_line(team, ben, id="c-ahead2", date=str(TODAY + dt.timedelta(days=2)), value=99.0)
    app = open_app(ana, load_demo=False)
    app.cfg = dataclasses.replace(app.cfg, team_file=str(team))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "S")
        assert any("skipped check_in 'c-ahead2'" in n for n in app.notified), app.notified
        ids = {c.id for c in rows(app, CheckIn)}
        assert "c-ahead1" in ids and "c-ahead2" not in ids
    close(app)
