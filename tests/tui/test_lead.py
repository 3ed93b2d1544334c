"""The lead's path and the quarter-end guard rails."""

import datetime as dt

from sqlmodel import select

from okrtui.cycle import editing
from okrtui.exchange import interchange
from okrtui.method.periods import quarter
from okrtui.storage.model import Objective, Reflection
from okrtui.storage.store import reading
from okrtui.tui.screens.dialogs import HelpDialog
from okrtui.tui.screens.scoring import CloseQuarterDialog, ReflectionsForm
from tests.helpers import TODAY, make_app, press, settle


async def test_help_lists_every_screens_keys_and_scrolls(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpDialog)
        titles = [title for title, _ in app.screen.sections]
        assert titles[:2] == ["Anywhere (outside a text field)", "Objectives"]  # the current screen first
        assert {"Check-in", "Weekly review", "Quarterly scoring", "Team", "Lists", "Forms"} <= set(titles)
        every = {(k.keys, k.description) for _, keys in app.screen.sections for k in keys}
        assert {("S", "Sync now"), ("f2", "Save"), ("pgdn", "Page down"), ("?", "Keys"), ("J", "Move row down"),
                ("f", "Team filter"), ("<", "Prev week")} <= every
        body = app.screen.query_one("#help-body")
        assert body.max_scroll_y > 0  # more than fits at 80×24
        await press(pilot, "end")
        assert body.scroll_y == body.max_scroll_y
        await press(pilot, "escape")
        assert not isinstance(app.screen, HelpDialog)


async def test_closing_early_with_unscored_krs_says_so_and_asks(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "s", "C")
        assert isinstance(app.screen, CloseQuarterDialog)
        warnings = app.screen.warnings
        assert any("ends on Dec 31: 35 days left" in w for w in warnings), warnings
        assert any("have no self-score yet" in w for w in warnings), warnings
        await press(pilot, "escape")
        with reading(app.engine) as session:
            assert all(o.status != "closed" for o in session.exec(select(Objective).where(
                Objective.period_id == "2026-Q4", Objective.origin == "p-alice")))


def test_no_warning_at_the_end_of_a_fully_scored_quarter():
    from okrtui.tui.screens.scoring import close_warnings

    assert close_warnings([], dt.date(2026, 12, 31), dt.date(2026, 12, 31)) == []


async def test_enter_in_the_reflections_moves_on_and_saves_on_the_last(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "s", "r")
        assert isinstance(app.screen, ReflectionsForm)
        for answer in ("Deploys", "Tracing", "Check in weekly"):
            for ch in answer:
                await pilot.press("space" if ch == " " else ch)
            await press(pilot, "enter")
        assert not isinstance(app.screen, ReflectionsForm)
        with reading(app.engine) as session:
            answers = {r.question: r.answer for r in session.exec(
                select(Reflection).where(Reflection.period_id == "2026-Q4", Reflection.deleted == False))}
        assert answers["contributed"].endswith("Deploys"), answers
        assert answers["helped"].endswith("Tracing") and answers["learned"].endswith("Check in weekly")


async def test_a_kr_activated_today_is_not_stale(tmp_path):
    app = make_app(tmp_path / "x.db", load_demo=False)
    interchange.import_document(app.engine, {"format": "okrtui/1", "objectives": [{
        "id": "o-late", "title": "Start late", "period": "2026-Q4", "status": "draft",
        "key_results": [{"id": "kr-late", "title": "Users from 0 to 9", "kind": "increase", "start": 0,
                         "target": 9}]}]})
    values = {"title": "Start late", "description": "", "level": "personal", "status": "active",
              "visibility": "shared", "parent_id": None, "team_id": None}
    editing.save_objective(app.engine, quarter("2026-Q4"), values, "o-late", TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        kr = app.data.report.objectives[0].key_results[0]
        assert app.data.report.objectives[0].activated_on == TODAY
        assert kr.stale is False  # the period started 56 days ago, but it became active today
    later = make_app(tmp_path / "x.db", load_demo=False, today=TODAY + dt.timedelta(days=8))
    async with later.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert later.data.report.objectives[0].key_results[0].stale is True


async def test_a_lead_makes_and_edits_a_team_in_the_tui(app):
    from okrtui.storage.model import Team
    from okrtui.tui.screens.forms import TeamForm
    from tests.helpers import fill

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t", "n")
        assert isinstance(app.screen, TeamForm)
        await fill(pilot, "in-id", "bad id!")
        await press(pilot, "enter")
        assert "not a valid id" in str(app.screen.query_one("#err-id").render())  # nothing saved
        await fill(pilot, "in-id", "t-sre")
        await fill(pilot, "in-name", "SRE")
        await fill(pilot, "in-mission", "Keep the lights on")
        await press(pilot, "enter")
        assert not isinstance(app.screen, TeamForm)
        with reading(app.engine) as session:
            team = session.get(Team, "t-sre")
        assert (team.name, team.mission, team.origin) == ("SRE", "Keep the lights on", "p-alice")
        # Edit the team of the highlighted row: only a team you made.
        from okrtui.tui.widgets.table import OkrTable

        table = app.screen.query_one("#people", OkrTable)

        def highlight(team_id):
            table.select_key(next(k for k in (table.key_at(i) for i in range(table.row_count))
                                  if k.startswith(f"t:{team_id}")))

        highlight("t-platform")  # Eli (the company) made it in the demo
        await press(pilot, "e")
        assert not isinstance(app.screen, TeamForm) and any("read-only" in m for m in app.notified)
        interchange.import_document(app.engine, {"format": "okrtui/1", "objectives": [{
            "id": "o-sre", "title": "Calm nights", "period": "2026-Q4", "team": "t-sre", "owner": "p-alice"}]})
        app.reload()
        await settle(pilot)
        highlight("t-sre")
        await press(pilot, "e")
        assert isinstance(app.screen, TeamForm) and app.screen.team.id == "t-sre"
        await fill(pilot, "in-vision", "Nobody gets paged")
        await press(pilot, "enter")
        with reading(app.engine) as session:
            assert session.get(Team, "t-sre").vision == "Nobody gets paged"
        text = "\n".join(str(table.get_row_at(i)[0]) for i in range(table.row_count))
        assert "vision: Nobody gets paged" in text  # shown above the team's objectives


async def test_the_leads_minute_who_is_behind_and_why_in_a_few_keys(tmp_path):
    """A 50-person team file (the benchmark's): from start to the first 'behind' KR and its note."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from make_data import make_team_file

    from okrtui.exchange import sync
    from okrtui.tui.widgets.table import OkrTable

    team_file = make_team_file(tmp_path, 50, "team50")
    app = make_app(tmp_path / "lead.db", load_demo=False)
    sync.sync(app.engine, team_file)
    keys = ["t", "b"]  # team screen, band filter (red): the cursor lands on the first, worst match
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, *keys)
        assert len(keys) - 1 <= 4  # keys after `t`
        table = app.screen.query_one("#people", OkrTable)
        assert app.screen.filters.band == "red"
        people = [table.key_at(i) for i in range(table.row_count) if table.key_at(i).startswith("p:")]
        assert len(people) >= 5  # the people behind, worst first
        from okrtui.method import teamview

        worst = teamview.people(app.data.report)[0]  # the most stale and behind KRs of all
        worst_kr = sorted(worst.key_results(), key=teamview.attention)[0]
        assert people[0] == f"p:{worst.id}"
        assert table.current_key == f"k:{worst_kr.id}", (table.current_key, worst_kr.id)
        assert worst_kr.band == "red" and worst_kr.pace == "behind"
        detail = str(app.screen.query_one("#detail").render())
        assert detail.startswith("latest ") and "steady" in detail  # why: the latest check-in and its note


async def test_people_without_a_team_get_their_own_heading(tmp_path):
    from okrtui.tui.widgets.table import OkrTable

    app = make_app(tmp_path / "x.db", load_demo=False)
    interchange.import_document(app.engine, {"format": "okrtui/1", "objectives": [
        {"id": "o-solo", "title": "Work alone", "period": "2026-Q4",
         "key_results": [{"id": "kr-solo", "title": "Ship it", "kind": "milestone"}]}]})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        table = app.screen.query_one("#people", OkrTable)
        assert table.key_at(0).startswith("t:None:")
        assert "no team" in str(table.get_row_at(0)[0])
