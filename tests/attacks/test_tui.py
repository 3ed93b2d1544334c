"""Attacks through the TUI's keys and forms (docs/security.md, column `tui`)."""

from __future__ import annotations

import datetime as dt
from contextlib import asynccontextmanager

from sqlalchemy import text

from okrtui.storage.backend import open_engine
from okrtui.storage.model import CheckIn
from okrtui.tui.screens.base import OkrTable
from okrtui.tui.screens.talk import TextDialog
from tests.helpers import (
    HOSTILE,
    TODAY,
    Crew,
    close,
    fill,
    make_app,
    okr_objective,
    open_app,
    press,
    raw_in,
    rows,
    settle,
    two_members,
)


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


async def edit_newest_check_in(app, pilot):
    """Open the check-in history (`c`, `h`) and its newest check-in's form (`e`): its id and stored row."""
    await settle(pilot)
    await press(pilot, "c", "h")
    newest = app.screen.query_one(OkrTable).current_key
    (before,) = rows(app, CheckIn, CheckIn.id == newest)
    await press(pilot, "e")
    return newest, before


async def test_dates_the_check_in_form_refuses_a_later_day_inline_and_saves_today(tmp_path):
    app = open_app(tmp_path / "tui.db")
    async with app.run_test(size=(80, 24)) as pilot:
        newest, before = await edit_newest_check_in(app, pilot)
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


async def test_metric_form_measures_only_what_you_answer_for(tmp_path):
    """The Health screen's form: Bruno's uptime is refused under the form and nothing is written;
    Alice's own deploys metric is measured from the same form."""
    from textual.widgets import Input, Static

    from okrtui.storage.model import Measurement
    from okrtui.tui.screens.health import MeasureForm
    from tests.helpers import at

    app = open_app(tmp_path / "demo.db")

    def today_rows(metric_id: str) -> list[Measurement]:
        return rows(app, Measurement, Measurement.metric_id == metric_id, Measurement.date == TODAY)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "H")
        await at("m-uptime", "enter")(pilot)
        app.screen.query_one("#in-value", Input).value = "99.99"
        await press(pilot, "enter")
        assert isinstance(app.screen, MeasureForm)
        assert "Bruno Diaz answers for it" in str(app.screen.query_one("#err-form", Static).render())
        assert today_rows("m-uptime") == []
        await press(pilot, "escape")
        await at("m-deploys", "enter")(pilot)
        app.screen.query_one("#in-value", Input).value = "30"
        await press(pilot, "enter")
        assert [m.value for m in today_rows("m-deploys")] == [30.0]
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


# --- Attacks through the TUI's keys (docs/security.md, column `tui`), driven by a pilot on each person's own
# database: the attack is refused with a notice that says who may, nothing is written, and the honest key
# beside it works for everyone after a sync.

EVERYONE = ("ana", "ben", "cleo")
SIZE = (110, 30)


def _count(t: Crew, who: str, table: str) -> int:
    engine = open_engine(t.dbs[who])
    with engine.connect() as conn:
        n = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    engine.dispose()
    return int(n)


@asynccontextmanager
async def _tui(t: Crew, who: str):
    """`who`'s TUI on their own database, loaded: (app, pilot)."""
    app = make_app(t.dbs[who], load_demo=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        yield app, pilot


async def _select(pilot, key: str) -> None:
    """Put the cursor on the row `key` (the team screen keys an objective by its person too)."""
    from okrtui.tui.widgets.table import OkrTable

    screen = pilot.app.screen
    table = screen.query_one("#people", OkrTable) if screen.query("#people") else screen.query_one(OkrTable)
    keys = [table.key_at(i) for i in range(table.row_count)]
    found = next((k for k in keys if k == key or k.startswith(key + ":")), key)
    assert table.select_key(found), (key, keys)
    await settle(pilot)


async def test_tui_check_in_on_a_kr_someone_else_answers_for_is_read_only(cli, tmp_path):
    t = Crew(cli, tmp_path)
    t.load("ana", {"objectives": [okr_objective("o-x", "Platform", None, "kr-x", status="active",
                                                owner=t.ids["ben"])]})
    t.sync("ana", "ben")
    async with _tui(t, "ana") as (app, pilot):
        await _select(pilot, "k:kr-x")
        await press(pilot, "enter", "c")
        assert any("read-only: Ben Member checks in on this key result" in n for n in app.notified), app.notified
    assert _count(t, "ana", "check_in") == 0
    # The honest way: Ben's round (c) holds his KR; he checks in, and everyone sees his value.
    async with _tui(t, "ben") as (app, pilot):
        await press(pilot, "c", "enter")
        app.screen.query_one("#in-value").value = "4"
        await press(pilot, "enter")
        assert not app.notified_errors, app.notified_errors
    t.sync("ben", "ana")
    t.join("cleo", "Cleo New")
    assert [t.kr(who, "kr-x")["current"] for who in EVERYONE] == [4, 4, 4]


def _footer_actions(app) -> set[str]:
    """The actions of the keys in force where the focus is (the team screen's A is its view's)."""
    return {b.binding.action for b in app.screen.active_bindings.values()}


async def test_tui_approve_by_a_member_is_refused(cli, tmp_path):
    t = Crew(cli, tmp_path)
    t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben")]})
    assert t.run("ben", "submit", "o-ben").code == 0
    t.sync("ben", "ana")
    async with _tui(t, "ben") as (app, pilot):
        await press(pilot, "t")
        await _select(pilot, "o:o-ben")
        # For a member, A is neither shown nor acted on: only the team's lead approves.
        assert "approve" not in _footer_actions(app)
        await press(pilot, "A")
        assert not isinstance(app.screen, TextDialog)
    assert _count(t, "ben", "decision") == 0
    # The honest way: Ana approves with A on her team screen (enter confirms); active for everyone.
    async with _tui(t, "ana") as (app, pilot):
        await press(pilot, "t")
        await _select(pilot, "o:o-ben")
        assert "approve" in _footer_actions(app)
        await press(pilot, "A", "enter")
        assert not app.notified_errors, app.notified_errors
    t.sync("ana", "ben")
    t.join("cleo", "Cleo New")
    assert t.statuses("o-ben") == ["active"] * 3


async def test_tui_a_dependency_request_is_answered_only_from_its_answerers_inbox(cli, tmp_path):
    t = Crew(cli, tmp_path)
    t.load("ana", {"objectives": [okr_objective("o-ana", "Observability", "t-plat", "kr-ana")]})
    t.sync("ana", "ben")
    t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", "t-plat", "kr-ben")],
                   "dependencies": [{"id": "d-ben-ana", "from": "kr-ben", "to": "kr-ana", "note": "dashboards"}]})
    t.sync("ben", "ana")
    async with _tui(t, "ben") as (app, pilot):
        await press(pilot, "i")
        assert "dependency" not in [item.kind for item in app.screen.items]  # nothing for Ben to accept
        await press(pilot, "a")
    assert _count(t, "ben", "decision") == 0
    # The honest way: Ana accepts from her inbox; agreed for everyone.
    async with _tui(t, "ana") as (app, pilot):
        await press(pilot, "i")
        kinds = [item.kind for item in app.screen.items]
        await _select(pilot, f"i:{kinds.index('dependency')}")
        await press(pilot, "a")
        assert not app.notified_errors, app.notified_errors
    t.sync("ana", "ben")
    t.join("cleo", "Cleo New")
    for who in EVERYONE:
        assert "d-ben-ana" not in t.run(who, "report", "--team", "--format", "md", "--period", "2026-Q4").out


async def test_tui_editing_a_teammates_objective_is_read_only(cli, tmp_path):
    t = Crew(cli, tmp_path)
    t.load("ana", {"objectives": [okr_objective("o-ana", "Observability", None, "kr-ana", status="active")]})
    t.load("ben", {"objectives": [okr_objective("o-ben", "Deploys", None, "kr-ben", status="active")]})
    t.sync("ana", "ben")
    async with _tui(t, "ben") as (app, pilot):
        await _select(pilot, "o:o-ana")
        await press(pilot, "e")
        assert any("read-only: this belongs to Ana Lead" in n for n in app.notified), app.notified
        # The honest way: Ben edits his own objective's title.
        await _select(pilot, "o:o-ben")
        await press(pilot, "e")
        app.screen.query_one("#in-title").value = "Deploys, boring"
        await press(pilot, "enter")
        assert not app.notified_errors, app.notified_errors
    t.sync("ben", "ana")
    t.join("cleo", "Cleo New")
    assert [t.objective(who, "o-ana")["title"] for who in EVERYONE] == ["Observability"] * 3
    assert [t.objective(who, "o-ben")["title"] for who in EVERYONE] == ["Deploys, boring"] * 3


async def test_private_a_teammates_private_objective_never_shows_on_the_team_screen(cli, tmp_path):
    """Ben keeps o-sec private beside his shared o-ben; Ana's TUI (team screen, its objectives, inbox,
    search) never shows it, while Ben's shared objective is there."""
    t = Crew(cli, tmp_path)
    secret = {**okr_objective("o-sec", "LeavingInMarch", "t-plat", "kr-sec"), "visibility": "private"}
    assert t.load("ben", {"objectives": [secret, okr_objective("o-ben", "Deploys", "t-plat", "kr-ben")]}).code == 0
    assert t.run("ben", "checkin", "kr-sec", "3").code == 0
    t.sync("ben", "ana")
    app = open_app(t.dbs["ana"], load_demo=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        seen = []
        for keys in (("t",), ("t", "enter"), ("i",), ("o",)):
            await press(pilot, "escape", "escape", *keys)
            seen.append(app.export_screenshot())
        text = "\n".join(seen)
        assert "LeavingInMarch" not in text and "o-sec" not in text and "kr-sec" not in text
        assert "Deploys" in text  # the honest one: Ben's shared objective is on Ana's team screen
    close(app)


async def test_badline_the_check_in_form_refuses_a_value_no_record_may_hold_inline_and_saves_a_good_one(tmp_path):
    app = open_app(tmp_path / "tui.db")
    async with app.run_test(size=(80, 24)) as pilot:
        newest, before = await edit_newest_check_in(app, pilot)
        for bad in ("1e400", "nan", "-inf", "9" * 400):
            await fill(pilot, "in-value", bad)
            await press(pilot, "enter")
            error = str(app.screen.query_one("#err-value").render())
            assert "finite" in error or "too large" in error, (bad, error)
            assert rows(app, CheckIn, CheckIn.id == newest)[0].value == before.value, bad  # nothing saved
        await fill(pilot, "in-value", "94")
        await press(pilot, "enter")
        (fixed,) = rows(app, CheckIn, CheckIn.id == newest)
        assert fixed.value == 94
    close(app)
