"""The check-in round as the trust issue wants it: no silent duplicate, no silent typo."""

from okrtui.storage.model import CheckIn, KeyResult
from okrtui.tui.screens.dialogs import ConfirmDialog
from okrtui.tui.widgets.table import OkrTable
from tests.helpers import TODAY, fill, press, rows, settle


async def test_a_second_check_in_the_same_day_replaces_it(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        kr_id = app.screen.query_one(OkrTable).current_key
        before = len(rows(app, CheckIn, CheckIn.kr_id == kr_id, CheckIn.deleted == False))
        for value in ("95", "96"):
            app.screen.query_one(OkrTable).select_key(kr_id)
            await press(pilot, "enter")
            await fill(pilot, "in-value", value)
            await press(pilot, "enter")
        today = rows(app, CheckIn, CheckIn.kr_id == kr_id, CheckIn.date == TODAY)
        assert [c.value for c in today] == [96]
        assert len(rows(app, CheckIn, CheckIn.kr_id == kr_id, CheckIn.deleted == False)) == before + 1


async def test_an_implausible_value_asks_first_and_no_stores_nothing(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        kr_id = app.screen.query_one(OkrTable).current_key
        kr = rows(app, KeyResult, KeyResult.id == kr_id)[0]
        assert kr.kind == "increase"
        before = len(rows(app, CheckIn))
        await press(pilot, "enter")
        await fill(pilot, "in-value", "99999999")
        await press(pilot, "enter")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "n")
        assert len(rows(app, CheckIn)) == before
        await press(pilot, "enter")  # the form is still open: ask again, and say yes
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "y")
        assert len(rows(app, CheckIn)) == before + 1
        assert rows(app, CheckIn, CheckIn.kr_id == kr_id, CheckIn.date == TODAY)[-1].value == 99999999


async def test_the_tui_loads_after_a_team_file_full_of_bad_records(tmp_path):
    """Bad records are skipped by sync; what did get in never stops the TUI or its screens."""
    from okrtui.exchange import sync
    from tests.helpers import BAD, GOOD_KR, GOOD_OBJECTIVE, GOOD_PERIOD, make_app, team_file

    app = make_app(tmp_path / "x.db", load_demo=False)
    team = team_file(tmp_path / "team.jsonl", [GOOD_PERIOD, GOOD_OBJECTIVE, GOOD_KR, *BAD.values()])
    result = sync.sync(app.engine, team)
    assert result.skipped == len(BAD) and len(result.warnings) == len(BAD)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("o", "c", "w", "s", "t"):
            await press(pilot, key)
            assert app.is_running and not app.notified_errors
        assert [o.id for o in app.data.report.objectives] == ["o-bob"]
