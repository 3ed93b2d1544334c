"""The Health screen (H): metrics unhealthy first, enter measures, v the chart; the review and the
team screen show the team's unhealthy and due metrics above the OKRs."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from okrtui.storage.model import Measurement
from okrtui.tui.screens.health import MeasureForm, MetricChartDialog
from okrtui.tui.widgets.chart import StoryChart
from okrtui.tui.widgets.table import OkrTable
from tests.helpers import TODAY, at, make_app, matches_snapshot, press, rows, scene, settle


def _measurements(app, metric_id):
    return rows(app, Measurement, Measurement.metric_id == metric_id, Measurement.date == TODAY)


def _context(app) -> str:
    return str(app.screen.query_one("#context", Static).render())


async def test_unhealthy_first_and_a_measurement_saved_from_the_form(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "H")
        table = app.screen.query_one(OkrTable)
        assert [table.key_at(i) for i in range(table.row_count)] == ["m-uptime", "m-backlog", "m-runway", "m-deploys"]
        assert "4 health metrics · unhealthy 1 · due 1" in _context(app)
        await at("m-deploys", "enter")(pilot)
        assert isinstance(app.screen, MeasureForm)
        value = app.screen.query_one("#in-value", Input)
        assert app.focused is value and value.selected_text == value.value  # typing replaces the last value
        await press(pilot, "2", "7", "enter")
        assert not isinstance(app.screen, MeasureForm)
        assert [m.value for m in _measurements(app, "m-deploys")] == [27.0]
        assert any("measured m-deploys (Deploys per week): 27 deploys" in n for n in app.notified)


async def test_a_burst_typed_with_enter_lands_in_the_form(app):
    """enter, the value and enter arriving at once (the check-in form's key hold): nothing is lost."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "H")
        app.screen.query_one(OkrTable).select_key("m-deploys")
        await pilot.press("enter", "3", "1", "enter")
        await settle(pilot)
        assert [m.value for m in _measurements(app, "m-deploys")] == [31.0]


@pytest.mark.parametrize(("typed", "says"), [("abc", "not a number"), ("", "a number is required")])
async def test_bad_input_shows_under_the_field_and_saves_nothing(app, typed, says):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "H")
        await at("m-deploys", "enter")(pilot)
        app.screen.query_one("#in-value", Input).value = typed
        await press(pilot, "enter")
        assert isinstance(app.screen, MeasureForm)
        assert says in str(app.screen.query_one("#err-value", Static).render())
        assert _measurements(app, "m-deploys") == []


async def test_another_persons_metric_is_refused_in_the_form(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "H")
        await at("m-uptime", "enter")(pilot)  # Bruno measures uptime, not Alice
        app.screen.query_one("#in-value", Input).value = "99.95"
        await press(pilot, "enter")
        assert isinstance(app.screen, MeasureForm)
        assert "Bruno Diaz answers for it" in str(app.screen.query_one("#err-form", Static).render())
        assert _measurements(app, "m-uptime") == []


async def test_a_typo_asks_first(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "H")
        await at("m-deploys", "enter")(pilot)
        app.screen.query_one("#in-value", Input).value = "2900"
        await press(pilot, "enter")
        await press(pilot, "n")  # not saved
        assert _measurements(app, "m-deploys") == []
        await press(pilot, "enter", "y")
        assert [m.value for m in _measurements(app, "m-deploys")] == [2900.0]


async def test_v_opens_the_chart_with_the_healthy_band(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "H")
        await at("m-uptime", "v")(pilot)
        assert isinstance(app.screen, MetricChartDialog)
        chart = app.screen.query_one(StoryChart).chart
        assert [line.label for line in chart.lines] == ["healthy at or above 99.9", "measurements (%)"]
        assert len(chart.lines[1].xs) == 12  # one a week, the last 12 weeks
        await press(pilot, "escape")
        assert not isinstance(app.screen, MetricChartDialog)


async def test_review_and_team_show_the_teams_unhealthy_and_due_metrics_first(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "w")
        assert _context(app).startswith("Health: ✗ API uptime (unhealthy for 3 weeks)")
        await press(pilot, "t")
        assert "Health: ✗ API uptime (unhealthy for 3 weeks) · ✓!Support backlog (due)" in _context(app)
        await press(pilot, "f")  # the team filter: Acme first, whose runway is healthy
        assert "Health:" not in _context(app)


SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


@pytest.mark.parametrize("size", SIZES)
def test_health_snapshot(size, snap_compare, tmp_path):
    assert matches_snapshot(snap_compare, make_app(tmp_path / "snap.db"), SIZES[size], scene("H"))


@pytest.mark.parametrize("no_color", [False, True], ids=["16-colours", "NO_COLOR"])
def test_health_snapshot_in_16_colours(no_color, snap_compare, tmp_path, monkeypatch):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(tmp_path / "snap.db", sixteen_colours=True)
    assert matches_snapshot(snap_compare, app, (80, 24), scene("H"))


def test_measure_form_and_chart_snapshots(snap_compare, tmp_path):
    assert matches_snapshot(snap_compare, make_app(tmp_path / "snap.db"), (80, 24), scene("H", at("m-deploys", "enter")))
    assert matches_snapshot(snap_compare, make_app(tmp_path / "snap2.db"), (80, 24), scene("H", at("m-uptime", "v")))


async def test_the_detail_of_an_okr_shows_the_metric_it_improves(tmp_path):
    import sqlite3

    app = make_app(tmp_path / "x.db")
    with sqlite3.connect(tmp_path / "x.db") as conn:
        conn.execute("UPDATE key_result SET improves_id = 'm-uptime' WHERE id = 'kr-deploys'")
        conn.execute("UPDATE objective SET improves_id = 'm-uptime' WHERE id = 'o-reliable'")
    conn.close()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for ref in ("k:kr-deploys", "o:o-reliable"):
            await press(pilot, "escape", "o")
            await at(ref, "enter")(pilot)
            shown = str(app.screen.query_one("#numbers", Static).render())
            assert "improves" in shown and "✗ API uptime (unhealthy)" in shown
        await press(pilot, "escape", "H")
        await at("m-uptime", "v")(pilot)
        assert ("Improved by: Deploy success rate from 92% to 99% (kr-deploys), Make deploys boringly reliable "
            "(o-reliable)") in str(app.screen.query_one(".dialog Static:last-of-type").render())
    app.engine.dispose()


def _health_line(app) -> str:
    line = next((ln for ln in _context(app).splitlines() if ln.startswith("Health:")), "")
    return line


# The demo as of TODAY: API uptime unhealthy (Platform, Bruno), Support backlog healthy but due (Growth,
# Chen), Cash runway healthy (Acme, Eli), Deploys per week healthy and measured (Platform, Alice).
@pytest.mark.parametrize(("keys", "shown"), [
    ((), ["API uptime", "Support backlog"]),
    (("b",), ["API uptime"]),                        # band red: unhealthy
    (("b", "b"), []),                                # band yellow: a metric has nothing between
    (("b", "b", "b"), ["Support backlog"]),          # band green: healthy (and due, so on the line)
    (("a",), ["API uptime"]),                        # pace behind: unhealthy
    (("a", "a"), ["Support backlog"]),               # pace at risk: due
    (("a", "a", "a"), []),                           # pace on track: healthy and measured, nothing to flag
    (("a", "a", "a", "a"), ["Support backlog"]),     # pace stale: due, the metric's "no check-in"
    (("p", "b", "r", "u", "n", "o", "enter"), ["API uptime"]),  # the person who measures it
    (("p", "c", "h", "e", "n", "enter"), ["Support backlog"]),
    (("p", "d", "a", "n", "a", "enter"), []),
    (("f",), []),                                    # team Acme: its runway is healthy
    (("f", "f"), ["Support backlog"]),               # team Growth
    (("f", "f", "f"), ["API uptime"]),               # team Platform
    (("b", "f", "f"), []),                           # filters combine: red in Growth
    (("a", "a", "f", "f"), ["Support backlog"]),     # at risk in Growth
])
async def test_the_team_screens_health_line_follows_the_leads_filters(app, keys, shown):
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "t", *keys)
        line = _health_line(app)
        names = [name for name in ("API uptime", "Support backlog", "Cash runway", "Deploys per week") if name in line]
        assert names == shown, line
        assert bool(line) == bool(shown)  # no line when nothing is left


def _gappy_metric(path) -> str:
    """A weekly metric measured in 10 of the last 12 weeks: none in the 6th, none yet this week."""
    import datetime as dt

    from okrtui.cycle import metrics
    from okrtui.storage.backend import open_engine

    engine = open_engine(path)
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    first = monday - dt.timedelta(weeks=11)
    mid = metrics.add(engine, {"name": "Gappy", "unit": "ms"}, owner=None, team=None, today=TODAY, since=first).id
    for week, value in enumerate((10, 20, 30, 40, 50, None, 60, 70, 80, 90, 100)):
        if value is not None:
            metrics.record(engine, mid, value, day=first + dt.timedelta(weeks=week, days=2), today=TODAY)
    engine.dispose()
    return mid


@pytest.mark.parametrize("colours", ["truecolor", "16-colours", "NO_COLOR"])
async def test_a_window_with_no_measurement_is_a_gap_in_the_sparkline(colours, tmp_path, monkeypatch):
    """Not a zero (the lowest block), not the value before it, and in its own place: the windows after
    it do not slide left. The same characters in every colour mode."""
    if colours == "NO_COLOR":
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(tmp_path / "gaps.db", sixteen_colours=colours != "truecolor")
    mid = _gappy_metric(app.db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "H")
        spark = str(app.screen.query_one(OkrTable).get_row(mid)[4])
        assert spark == "▁▂▃▃▄ ▅▆▆▇█ "  # week 6 and this week: gaps
        runway = str(app.screen.query_one(OkrTable).get_row("m-runway")[4])
        assert len(runway) == 12 and runway.startswith("       ")  # a year old: 7 quarters before it began
    app.engine.dispose()


def test_the_sparkline_keeps_a_gap_in_place():
    from okrtui.tui.widgets.sparkline import sparkline

    assert str(sparkline([1.0, None, 3.0], width=3)) == "▁ █"
    assert str(sparkline([None, None], width=2)) == "·"  # nothing measured at all
    assert str(sparkline([2.0, 2.0, None], width=3)) == "▁▁ "
