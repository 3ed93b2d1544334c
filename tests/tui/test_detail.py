"""The detail screen: opened from every list, k / j through that list, a check-in from it, esc back."""

from __future__ import annotations

from sqlmodel import select

from okrtui.exchange import interchange
from okrtui.storage.model import CheckIn
from okrtui.storage.store import reading
from okrtui.tui.screens.base import OkrTable
from okrtui.tui.screens.detail import DetailScreen
from okrtui.tui.widgets.chart import Legend, StoryChart
from tests.helpers import at, fill, make_app, press, settle


def shown(app) -> str:
    """The detail screen's text: head, numbers, legend and history cells."""
    screen = app.screen
    parts = [str(screen.query_one("#context").render()), str(screen.query_one("#numbers").render()),
             str(screen.query_one(Legend).render())]
    table = screen.query_one("#history", OkrTable)
    parts += [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
    return "\n".join(parts)


async def test_enter_opens_a_kr_and_k_j_step_through_the_list_it_came_from(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(OkrTable)
        table.select_key("k:kr-deploys")
        keys = [table.key_at(i) for i in range(table.row_count) if table.key_at(i).startswith("k:")]
        await press(pilot, "enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.ref == "k:kr-deploys"
        assert "Deploy success rate" in shown(app) and "expected" in shown(app)
        chart = app.screen.query_one(StoryChart).chart
        assert chart is not None and any(line.label.startswith("check-ins") for line in chart.lines)
        await press(pilot, "j")
        assert app.screen.ref == keys[keys.index("k:kr-deploys") + 1]
        await press(pilot, "k", "k")
        assert app.screen.ref == keys[keys.index("k:kr-deploys") - 1]
        for _ in range(len(keys) + 2):  # stops at the first row: never wraps, never fails
            await pilot.press("k")
        await settle(pilot)
        assert app.screen.ref == keys[0]
        await press(pilot, "escape")
        assert app.screen.__class__.__name__ == "ObjectivesScreen"
        assert table.current_key == "k:kr-deploys"  # back where the user was


async def test_v_opens_the_detail_from_review_team_and_check_in(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for mode in ("w", "t", "c"):
            await press(pilot, mode)
            table = app.screen.focused
            assert isinstance(table, OkrTable)
            key = next(table.key_at(i) for i in range(table.row_count)
                       if table.key_at(i).startswith("k:") or mode == "c")
            table.select_key(key)
            await press(pilot, "v")
            assert isinstance(app.screen, DetailScreen), mode
            assert app.screen.ref.removeprefix("k:") == key.removeprefix("k:")
            await press(pilot, "escape")
            assert not isinstance(app.screen, DetailScreen)


async def test_check_in_from_the_detail_saves_and_returns_to_it(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await at("k:kr-deploys", "v", "c")(pilot)
        assert app.screen.__class__.__name__ == "CheckinForm"
        await fill(pilot, "in-value", "97.5")
        await fill(pilot, "in-note", "[b]canary[/b] done")
        await press(pilot, "enter")
        assert isinstance(app.screen, DetailScreen) and app.screen.ref == "k:kr-deploys"
        with reading(app.engine) as session:
            values = [c.value for c in session.exec(select(CheckIn).where(CheckIn.kr_id == "kr-deploys"))]
        assert 97.5 in values
        history = app.screen.query_one("#history", OkrTable)
        assert "97.5" in str(history.get_row_at(0)[1])  # newest first, drawn from the fresh data
        assert "[b]canary[/b] done" in str(history.get_row_at(0)[3])  # the note literally
        assert app.screen.query_one(StoryChart).chart.lines[-1].ys[-1] == 97.5


async def test_a_teammates_kr_is_read_only(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await at("k:kr-mttr", "enter")(pilot)  # Bruno's
        assert "read-only" in shown(app)
        await press(pilot, "c")
        assert isinstance(app.screen, DetailScreen)
        assert any("read-only" in m and "Bruno" in m for m in app.notified)


async def test_objective_view_lists_its_krs_and_enter_opens_one(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await at("o:o-reliable", "enter")(pilot)
        assert app.screen.ref == "o:o-reliable"
        chart = app.screen.query_one(StoryChart).chart
        score = next(line for line in chart.lines if line.label == "objective score")
        objective = next(o for o in app.data.report.objectives if o.id == "o-reliable")
        assert score.ys[-1] == objective.score  # the line ends on the score shown
        assert all(0 <= y <= 1 for line in chart.lines for y in line.ys)
        await press(pilot, "enter")  # the first KR of the objective
        assert isinstance(app.screen, DetailScreen) and app.screen.ref == f"k:{objective.key_results[0].id}"
        await press(pilot, "j")
        assert app.screen.ref == f"k:{objective.key_results[1].id}"  # stepping through the objective's KRs
        await press(pilot, "escape", "escape")
        assert app.screen.__class__.__name__ == "ObjectivesScreen"


async def test_the_screen_key_goes_back_to_its_list(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await at("k:kr-deploys", "enter", "o")(pilot)
        assert app.screen.__class__.__name__ == "ObjectivesScreen"


async def test_as_of_draws_nothing_after_that_day(tmp_path):
    import datetime as dt

    day = dt.date(2026, 11, 1)
    app = make_app(tmp_path / "a.db", today=day)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await at("k:kr-deploys", "enter")(pilot)
        chart = app.screen.query_one(StoryChart).chart
        start = app.data.report.period.start
        dots = next(line for line in chart.lines if line.label.startswith("check-ins"))
        assert max(dots.xs) <= (day - start).days and chart.now == (day - start).days
        assert all(row.split()[0] <= str(day) for row in shown(app).splitlines() if row[:4] == "2026")
    app.engine.dispose()


async def test_untrusted_notes_and_titles_are_literal(tmp_path):
    app = make_app(tmp_path / "x.db", load_demo=False)
    interchange.import_document(app.engine, {"format": "okrtui/1", "objectives": [
        {"id": "o-x", "title": "[bold red]pwned[/]", "period": "2026-Q4", "status": "active",
         "key_results": [{"id": "kr-x", "title": "\x1b[31mred", "kind": "increase", "start": 0, "target": 10,
                          "check_ins": [{"id": "c-1", "date": "2026-11-02", "value": 3, "note": "[link=http://x]click[/link]"},
                                        {"id": "c-2", "date": "2026-11-09", "value": 4, "note": "\x1b]0;title\x07"}]}]}]})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "down", "enter")
        text = shown(app)
        assert "\\x1b[31mred" in text and "[link=http://x]click[/link]" in text and "\\x1b]0;title\\x07" in text
        await press(pilot, "escape", "up", "enter")
        assert "[bold red]pwned[/]" in shown(app) and "\\x1b[31mred" in shown(app)
    app.engine.dispose()


async def test_help_and_palette_list_the_detail_keys(app):
    from okrtui.tui.app import DETAIL_TITLE

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        sections = dict(app.screen.sections)
        assert {(k.keys, k.description) for k in sections[DETAIL_TITLE]} >= {("k", "Prev"), ("j", "Next"),
                                                                            ("esc", "Back"), ("c", "Check in")}
        await press(pilot, "escape")
        await at("k:kr-deploys", "enter")(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands[f"{DETAIL_TITLE}: Next"].callback()
        await settle(pilot)
        assert app.screen.ref != "k:kr-deploys"


LONG = {"format": "okrtui/1", "people": [{"id": "p-max", "name": "Maximiliane Okonkwo-Vandenberghe"}], "objectives": [
    {"id": "o-long", "title": "Make the onboarding of every new customer team measurably faster", "period": "2026-Q4",
     "owner": "p-max", "key_results": [
         {"id": "kr-long", "title": "Median days from signed contract to the first live deploy down from 40 to 12",
          "kind": "decrease", "start": 40, "target": 12, "owner": "p-max"}]}]}


def head_drawn(app) -> str:
    """The detail's head as drawn, its lines joined with a space: a wrapped title reads whole."""
    from textual.geometry import Region

    ctx = app.screen.query_one("#context")
    lines = [strip.text.strip() for strip in ctx.render_lines(Region(0, 0, *ctx.outer_size))]
    return " ".join(line for line in lines if line)


async def test_the_detail_head_reads_whole_at_80_columns_with_long_names(tmp_path):
    """The title, the owner and the objective a KR is in, whole at 80×24: they wrap, never cut."""
    app = make_app(tmp_path / "long.db", load_demo=False)
    interchange.import_document(app.engine, LONG)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one(OkrTable).select_key("k:kr-long")
        await press(pilot, "enter")
        head = head_drawn(app)
        assert "Median days from signed contract to the first live deploy down from 40 to 12" in head, head
        assert "Maximiliane Okonkwo-Vandenberghe" in head, head
        assert "in: Make the onboarding of every new customer team measurably faster" in head, head
        await press(pilot, "k")  # the objective
        head = head_drawn(app)
        assert "Make the onboarding of every new customer team measurably faster" in head, head
        assert "Maximiliane Okonkwo-Vandenberghe" in head and "…" not in head, head
    app.engine.dispose()
